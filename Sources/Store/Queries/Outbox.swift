import Foundation
import GRDB
public import Records

/// The durable notification queue. Rows are written with the alert transition they tell
/// (``SpotCheckStore/applyEvaluation(_:expectedSeq:actor:)``); the worker claims, then finishes
/// them. Claiming and finishing are the worker's bookkeeping (like marking journal entries
/// written): no decision, so no audit entry, and no wake-up of the evaluator. Ops' retries and
/// the pruning of delivered rows are history, audited.
extension SpotCheckStore {
    static let outboxColumns = "id, key, kind, channel, destination, payload, attempts, next_attempt_at, state, last_error, created_at, updated_at, delivered_at"

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        func typed<T: RawRepresentable<String>>(_ column: String, _: T.Type) throws -> T {
            let text: String = row[column]
            guard let value = T(rawValue: text) else { throw StoreError.corrupt("outbox.\(column): stored value \"\(text)\" is not one this version knows") }
            return value
        }
        let payloadText: String = row["payload"]
        let payload: NotificationPayload
        do {
            payload = try JSONDecoder().decode(NotificationPayload.self, from: Data(payloadText.utf8))
        } catch {
            throw StoreError.corrupt("outbox.payload of row \(row["id"] as Int64): \(error)")
        }
        return OutboxEntry(id: row["id"], key: row["key"], kind: try typed("kind", NotificationKind.self),
                           destination: NotificationDestination(channel: try typed("channel", NotificationDestination.Channel.self), name: row["destination"]),
                           payload: payload, attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"], state: try typed("state", OutboxState.self),
                           lastError: row["last_error"], createdAt: row["created_at"], updatedAt: row["updated_at"], deliveredAt: row["delivered_at"])
    }

    static func payloadJSON(_ payload: NotificationPayload) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(payload)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Enqueues drafts inside a write (the caller's transaction); a key already queued for the
    /// destination is skipped. Returns how many rows were added.
    static func enqueue(_ db: Database, _ drafts: [OutboxDraft], at: String) throws -> Int {
        guard !drafts.isEmpty else { return 0 }
        let insert = try db.makeStatement(sql: """
            INSERT INTO outbox (key, kind, channel, destination, payload, attempts, next_attempt_at, state, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 0, ?, 'pending', ?, ?) ON CONFLICT(key, channel, destination) DO NOTHING
            """)
        var added = 0
        for draft in drafts {
            try insert.execute(arguments: [draft.key, draft.kind.rawValue, draft.destination.channel.rawValue, draft.destination.name,
                                           payloadJSON(draft.payload), draft.notBefore ?? at, at, at])
            added += db.changesCount
        }
        return added
    }

    /// The outbox rows, newest first, in one state or all; at most `limit`.
    public func outboxEntries(state: OutboxState? = nil, limit: Int = 1000) throws(StoreError) -> [OutboxEntry] {
        try read { db in
            let filter = state == nil ? "" : "WHERE state = ?"
            let arguments: StatementArguments = state.map { [$0.rawValue, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: "SELECT \(Self.outboxColumns) FROM outbox \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments).map(Self.outboxEntry)
        }
    }

    /// One outbox row.
    public func outboxEntry(id: Int64) throws(StoreError) -> OutboxEntry? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE id = ?", arguments: [id]).map(Self.outboxEntry)
        }
    }

    /// How many rows are in each state.
    public func outboxCounts() throws(StoreError) -> [OutboxState: Int] {
        try read { db in
            var counts: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox GROUP BY state") {
                if let state = OutboxState(rawValue: row[0]) { counts[state] = row[1] }
            }
            return counts
        }
    }

    /// The earliest next attempt of a pending row (UTC, ISO-8601), if any.
    public func nextOutboxAttempt() throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'") }
    }

    /// Claims up to `limit` pending rows due by now, oldest first: each set `delivering` with its
    /// attempt counted, in one transaction. Returns them as claimed.
    public func claimOutbox(limit: Int) throws(StoreError) -> [OutboxEntry] {
        let at = now()
        return try write { db in
            let due = try Row.fetchAll(db, sql: """
                SELECT \(Self.outboxColumns) FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
                """, arguments: [at, limit]).map(Self.outboxEntry)
            let claim = try db.makeStatement(sql: "UPDATE outbox SET state = 'delivering', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'pending'")
            return try due.map { entry in
                try claim.execute(arguments: [at, entry.id])
                var claimed = entry
                claimed.state = .delivering
                claimed.attempts += 1
                claimed.updatedAt = at
                return claimed
            }
        }
    }

    /// Writes back how attempts ended, in one transaction. Each update is guarded by the row
    /// still being `delivering` with the attempt number claimed, so a stale attempt changes
    /// nothing. Returns the ids whose outcome was written.
    @discardableResult
    public func finishOutbox(_ outcomes: [DeliveryOutcome]) throws(StoreError) -> Set<Int64> {
        guard !outcomes.isEmpty else { return [] }
        let at = now()
        return try write { db in
            let delivered = try db.makeStatement(sql: """
                UPDATE outbox SET state = 'delivered', delivered_at = ?, updated_at = ?, last_error = NULL WHERE id = ? AND state = 'delivering' AND attempts = ?
                """)
            let retry = try db.makeStatement(sql: """
                UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = 'delivering' AND attempts = ?
                """)
            let dead = try db.makeStatement(sql: """
                UPDATE outbox SET state = 'dead', last_error = ?, updated_at = ? WHERE id = ? AND state = 'delivering' AND attempts = ?
                """)
            let held = try db.makeStatement(sql: """
                UPDATE outbox SET state = 'pending', attempts = attempts - 1, next_attempt_at = ?, last_error = coalesce(?, last_error), updated_at = ?
                WHERE id = ? AND state = 'delivering' AND attempts = ?
                """)
            var written: Set<Int64> = []
            for outcome in outcomes {
                switch outcome.result {
                case .delivered: try delivered.execute(arguments: [at, at, outcome.id, outcome.attempt])
                case let .retry(next, error): try retry.execute(arguments: [next, error, at, outcome.id, outcome.attempt])
                case let .dead(error): try dead.execute(arguments: [error, at, outcome.id, outcome.attempt])
                case let .held(next, reason): try held.execute(arguments: [next, reason, at, outcome.id, outcome.attempt])
                }
                if db.changesCount > 0 { written.insert(outcome.id) }
            }
            return written
        }
    }

    /// Sets pending again the rows a crash left `delivering` (on start, before the worker
    /// claims): they are attempted again at once, with the same id. Returns how many.
    @discardableResult
    public func resetInterruptedDeliveries() throws(StoreError) -> Int {
        let at = now()
        return try write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE state = 'delivering'", arguments: [at, at])
            return db.changesCount
        }
    }

    /// Re-queues rows for ops (`spotcheck outbox retry`): the dead rows, or one row (dead or
    /// pending), attempted again at once from a fresh count, with the same id. A delivered or
    /// delivering row is refused. One audit entry names them.
    @discardableResult
    public func retryOutbox(id: Int64?, actor: String) throws(StoreError) -> [Int64] {
        let at = now()
        return try write { db in
            let ids: [Int64]
            if let id {
                guard let state = try String.fetchOne(db, sql: "SELECT state FROM outbox WHERE id = ?", arguments: [id]) else {
                    throw StoreError.refused("outbox row \(id) does not exist (spotcheck outbox list shows the rows)")
                }
                guard state == OutboxState.dead.rawValue || state == OutboxState.pending.rawValue else {
                    throw StoreError.refused("outbox row \(id) is \(state); only a dead or pending row is retried")
                }
                ids = [id]
            } else {
                ids = try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE state = 'dead' ORDER BY id")
            }
            guard !ids.isEmpty else { return [] }
            struct Details: Encodable { var ids: [Int64] }
            _ = try AuditLog.append(db, at: at, actor: actor, action: .outboxRetry, subject: id.map { "outbox/\($0)" } ?? "outbox/dead", details: Details(ids: ids))
            let retry = try db.makeStatement(sql: "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?")
            for id in ids { try retry.execute(arguments: [at, at, id]) }
            return ids
        }
    }

    /// Deletes the rows delivered before `cutoff` (UTC, ISO-8601), with one audit entry giving
    /// how many per destination; nothing when none is that old. Returns how many.
    @discardableResult
    public func pruneDelivered(before cutoff: String, actor: String) throws(StoreError) -> Int {
        let at = now()
        return try write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT channel || ':' || destination, count(*) FROM outbox WHERE state = 'delivered' AND delivered_at < ? GROUP BY 1 ORDER BY 1
                """, arguments: [cutoff])
            guard !rows.isEmpty else { return 0 }
            struct Details: Encodable {
                var before: String
                var delivered: [String: Int]
            }
            var counts: [String: Int] = [:]
            for row in rows { counts[row[0]] = row[1] }
            _ = try AuditLog.append(db, at: at, actor: actor, action: .outboxPrune, subject: "outbox", details: Details(before: cutoff, delivered: counts))
            try db.execute(sql: "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
