import Foundation
import Testing

/// `spotcheck audit …` through the real binary.
@Suite("spotcheck audit")
struct AuditCommandTests {
    @Test("audit verify: OK on a fresh log, exit 1 with the entry after tampering")
    func auditVerify() throws {
        let cli = SpotcheckProcess()
        for _ in 1...5 {
            #expect(try cli.run(["jurisdictions", "load", "config/jurisdictions/640000-ningxia.csv"]).status == 0)
        }
        let ok = try cli.run(["audit", "verify", "--json"])
        #expect(ok.status == 0)
        #expect(try ok.json()["checked"] as? Int == 5)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["sqlite3", cli.database.path, "UPDATE audit_log SET details = replace(details, 'ningxia', 'n') WHERE seq = 4"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let broken = try cli.run(["audit", "verify"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("BROKEN at entry 4"))
    }
}
