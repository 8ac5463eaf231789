import ArgumentParser
import Foundation
import GRDB
import Store

/// `spotcheck audit …`: the hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The hash-chained audit log of every state change.",
        subcommands: [Verify.self, Show.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the hash chain; exit 1 at the first broken link.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let settings = try await Settings.load(global)
                let store = try settings.openStore()
                let result = try store.read { db in try AuditLog.verify(db) }
                if json {
                    try printJSON(Output(ok: result.firstBroken == nil, checked: result.checked,
                                         brokenAt: result.firstBroken?.seq, problem: result.firstBroken?.problem))
                } else if let broken = result.firstBroken {
                    print("BROKEN at entry \(broken.seq): \(broken.problem)")
                } else {
                    print("OK: \(result.checked) entries, chain intact")
                }
                if result.firstBroken != nil { throw ExitCode(1) }
            }
        }

        struct Output: Encodable {
            var ok: Bool
            var checked: Int
            var brokenAt: Int64?
            var problem: String?
            enum CodingKeys: String, CodingKey { case ok, checked, brokenAt = "broken_at", problem }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit entries, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only entries whose subject starts with this, e.g. calendar/ningxia.") var subject: String?
        @Option(help: "Only this round's entries.") var round: String?
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let settings = try await Settings.load(global)
                let store = try settings.openStore()
                let entries = try store.read { db in
                    var request = AuditEntry.order(Column("seq"))
                    if let subject { request = request.filter(Column("subject").like("\(subject)%")) }
                    if let round { request = request.filter(Column("subject") == "round/\(round)") }
                    return try request.fetchAll(db)
                }
                if json { return try printJSON(["entries": entries]) }
                for entry in entries {
                    print("\(pad(String(entry.seq), 6))\(pad(entry.at, 26))\(pad(entry.actor, 12))\(pad(entry.action, 16))\(pad(entry.subject, 24))\(entry.hash.prefix(12))  \(entry.details)")
                }
            }
        }
    }
}
