import Foundation
import Testing

/// `spotcheck outbox` and `spotcheck summary` through the real binary: bad requests get a
/// clear error and the right exit code, and change nothing.
@Suite("outbox and summary commands")
struct OutboxCommandTests {
    @Test("bad requests: an unknown row (65), a row and --dead together or neither (64), an unknown state (64), a bad --jurisdiction (64); nothing changes")
    func badRequests() throws {
        let cli = SpotcheckProcess()
        let loaded = try cli.run(["demo", "load", "--as-of", "2026-11-20", "--institutions", "200"], environment: ["SPOTCHECK_NOW": "2026-11-20T18:00:00+08:00"])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        func auditCount() throws -> Int { (try cli.run(["audit", "show", "--json"]).json()["entries"] as? [Any])?.count ?? -1 }
        let before = try auditCount()
        #expect(before > 0)

        let unknown = try cli.run(["outbox", "retry", "999"])
        #expect(unknown.status == 65 && unknown.stderr.contains("outbox row 999 does not exist"), "\(unknown.status) \(unknown.stderr)")
        let both = try cli.run(["outbox", "retry", "3", "--dead"])
        #expect(both.status == 64 && both.stderr.contains("not both"), "\(both.stderr)")
        let neither = try cli.run(["outbox", "retry"])
        #expect(neither.status == 64 && neither.stderr.contains("--dead"), "\(neither.stderr)")
        let state = try cli.run(["outbox", "list", "--state", "lost"])
        #expect(state.status == 64 && state.stderr.contains("lost"), "\(state.stderr)")
        let show = try cli.run(["outbox", "show", "42"])
        #expect(show.status != 0 && show.stderr.contains("outbox row 42 does not exist"), "\(show.stderr)")
        let jurisdiction = try cli.run(["summary", "--jurisdiction", "Yinchuan"])
        #expect(jurisdiction.status == 64 && jurisdiction.stderr.contains("--jurisdiction Yinchuan"), "\(jurisdiction.stderr)")
        let html = try cli.run(["summary", "--as-of", "2026-11-20", "--html", "/nonexistent/dir/summary.html"])
        #expect(html.status == 74 && html.stderr.contains("/nonexistent/dir/summary.html"), "\(html.status) \(html.stderr)")

        #expect(try auditCount() == before, "nothing was recorded")
        let empty = try cli.run(["outbox", "list", "--json"]).json()["rows"] as? [Any]
        #expect(empty?.isEmpty == true, "no row was made")
        let retried = try cli.run(["outbox", "retry", "--dead"])
        #expect(retried.status == 0 && retried.stdout.contains("no dead rows"))
        #expect(try auditCount() == before, "a retry of nothing records nothing")
    }
}
