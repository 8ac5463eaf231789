public import ArgumentParser
import Foundation
public import Records
import Supervision

extension OutboxState: ExpressibleByArgument {}

/// `spotcheck outbox`: the durable notification queue spotcheckd delivers, for ops.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "The notification queue spotcheckd delivers to webhooks and mail: list, show, retry.",
        subcommands: [List.self, Show.self, Retry.self])

    /// One row as `outbox list --json` gives it.
    struct Row: Encodable {
        var entry: OutboxEntry

        enum CodingKeys: String, CodingKey {
            case id, key, kind, destination, state, attempts, nextAttemptAt = "next_attempt_at", lastError = "last_error"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry.id, forKey: .id)
            try container.encode(entry.key, forKey: .key)
            try container.encode(entry.kind.rawValue, forKey: .kind)
            try container.encode(entry.destination.description, forKey: .destination)
            try container.encode(entry.state.rawValue, forKey: .state)
            try container.encode(entry.attempts, forKey: .attempts)
            try container.encode(entry.nextAttemptAt, forKey: .nextAttemptAt)
            try container.encode(entry.lastError, forKey: .lastError)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The rows, newest first: id, state, attempts, next attempt, destination, key, last error.")
        @Option(help: "Only rows in this state: pending, delivering, delivered, dead.") var state: OutboxState?
        @Option(help: "At most this many rows.") var limit = 1000
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(global).supervisor()
                let rows = try supervisor.outbox(state: state, limit: limit)
                if json {
                    struct Output: Encodable { var rows: [Row] }
                    return try printJSON(Output(rows: rows.map(Row.init)))
                }
                let counts = try supervisor.outboxCounts()
                print("outbox: " + OutboxState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
                for entry in rows {
                    let error = entry.lastError.map { "  last error: \($0)" } ?? ""
                    print("  \(pad(String(entry.id), 7)) \(pad(entry.state.rawValue, 10)) attempts \(pad(String(entry.attempts), 3)) next \(entry.nextAttemptAt)  \(entry.destination)  \(entry.key)\(error)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row with its payload.")
        @Argument(help: "The row's id.") var id: Int64
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(global).supervisor()
                guard let entry = try supervisor.outboxEntry(id: id) else {
                    throw ValidationError("outbox row \(id) does not exist (spotcheck outbox list shows the rows)")
                }
                struct Output: Encodable {
                    var row: Row
                    var entry: OutboxEntry
                    enum CodingKeys: String, CodingKey { case createdAt = "created_at", updatedAt = "updated_at", deliveredAt = "delivered_at", payload }
                    func encode(to encoder: any Encoder) throws {
                        try row.encode(to: encoder)
                        var container = encoder.container(keyedBy: CodingKeys.self)
                        try container.encode(entry.createdAt, forKey: .createdAt)
                        try container.encode(entry.updatedAt, forKey: .updatedAt)
                        try container.encode(entry.deliveredAt, forKey: .deliveredAt)
                        try container.encode(entry.payload, forKey: .payload)
                    }
                }
                if json { return try printJSON(Output(row: Row(entry: entry), entry: entry)) }
                print("outbox row \(entry.id): \(entry.state.rawValue), \(entry.attempts) attempts, next attempt \(entry.nextAttemptAt)")
                print("  key          \(entry.key)")
                print("  destination  \(entry.destination)")
                print("  created      \(entry.createdAt); updated \(entry.updatedAt)\(entry.deliveredAt.map { "; delivered \($0)" } ?? "")")
                if let error = entry.lastError { print("  last error   \(error)") }
                if case let .alert(notice) = entry.payload { print("  message      \(notice.message)") }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-queue a dead (or pending) row, or every dead row, to be attempted at once from a fresh count, with the same id (audited).")
        @Argument(help: "The row's id.") var id: Int64?
        @Flag(help: "Every dead row.") var dead = false
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if id != nil && dead { throw ValidationError("give a row's id or --dead, not both") }
            if id == nil && !dead { throw ValidationError("give a row's id or --dead") }
        }

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(global).supervisor()
                let ids = try supervisor.retryOutbox(id: id)
                print(ids.isEmpty ? "no dead rows to retry" : "re-queued \(ids.count) row\(ids.count == 1 ? "" : "s"): \(ids.map(String.init).joined(separator: ", "))")
            }
        }
    }
}
