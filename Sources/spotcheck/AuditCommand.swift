import ArgumentParser
import Foundation
import Records
import Supervision

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
                let result = try await Settings.load(global).supervisor().verifyAudit()
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
                let entries = try await Settings.load(global).supervisor().auditEntries(subjectPrefix: subject, round: round)
                if json { return try printJSON(["entries": entries]) }
                for entry in entries {
                    print("\(pad(String(entry.seq), 6))\(pad(entry.at, 26))\(pad(entry.actor, 12))\(pad(entry.action.rawValue, 16))\(pad(entry.subject, 24))\(entry.hash.prefix(12))  \(entry.details)")
                }
            }
        }
    }
}
