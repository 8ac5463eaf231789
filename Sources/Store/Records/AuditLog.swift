import Draw
import Foundation
import GRDB

/// One row of the hash-chained audit log.
public struct AuditEntry: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit_log"
    public var seq: Int64
    /// UTC instant, ISO-8601 with milliseconds.
    public var at: String
    public var actor: String
    /// Dotted verb, e.g. `calendar.load`.
    public var action: String
    /// What the action is about, e.g. `calendar/ningxia/2027`.
    public var subject: String
    /// JSON object with sorted keys.
    public var details: String
    public var prevHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, subject, details
        case prevHash = "prev_hash"
        case hash
    }

    /// SHA-256 over the entry's fields and the previous hash: changing any stored row, or
    /// deleting or reordering rows, breaks the chain from there on.
    public static func computeHash(seq: Int64, at: String, actor: String, action: String, subject: String,
                                   details: String, prevHash: String) -> String {
        let text = ["SPOTCHECK-AUDIT-1", String(seq), at, actor, action, subject, details, prevHash].joined(separator: "\n")
        return sha256Hex(Data(text.utf8))
    }
}

/// The audit log's operations.
public enum AuditLog {
    /// The `prev_hash` of the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Appends an entry inside the caller's transaction.
    @discardableResult
    public static func append(_ db: Database, actor: String, action: String, subject: String,
                              details: some Encodable) throws -> AuditEntry {
        let last = try AuditEntry.order(Column("seq").desc).fetchOne(db)
        let seq = (last?.seq ?? 0) + 1
        let prevHash = last?.hash ?? genesisHash
        let at = Timestamps.now()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let detailsText = String(decoding: try encoder.encode(details), as: UTF8.self)
        let entry = AuditEntry(seq: seq, at: at, actor: actor, action: action, subject: subject, details: detailsText,
                               prevHash: prevHash,
                               hash: AuditEntry.computeHash(seq: seq, at: at, actor: actor, action: action, subject: subject,
                                                            details: detailsText, prevHash: prevHash))
        try entry.insert(db)
        return entry
    }

    /// The outcome of walking the chain.
    public struct Verification: Sendable, Equatable {
        /// Entries checked.
        public var checked: Int
        /// The first entry whose hash or link does not match, with what is wrong; `nil` when intact.
        public var firstBroken: (seq: Int64, problem: String)?

        public static func == (lhs: Verification, rhs: Verification) -> Bool {
            lhs.checked == rhs.checked && lhs.firstBroken?.seq == rhs.firstBroken?.seq && lhs.firstBroken?.problem == rhs.firstBroken?.problem
        }
    }

    /// Recomputes every hash and link in order and reports the first broken one.
    public static func verify(_ db: Database) throws -> Verification {
        var expectedPrev = genesisHash
        var expectedSeq: Int64 = 1
        var checked = 0
        let cursor = try AuditEntry.order(Column("seq")).fetchCursor(db)
        while let entry = try cursor.next() {
            checked += 1
            if entry.seq != expectedSeq {
                return Verification(checked: checked, firstBroken: (entry.seq, "expected entry \(expectedSeq) here: an entry is missing"))
            }
            if entry.prevHash != expectedPrev {
                return Verification(checked: checked, firstBroken: (entry.seq, "prev_hash does not match the hash of entry \(entry.seq - 1)"))
            }
            let recomputed = AuditEntry.computeHash(seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action,
                                                    subject: entry.subject, details: entry.details, prevHash: entry.prevHash)
            if recomputed != entry.hash {
                return Verification(checked: checked, firstBroken: (entry.seq, "the stored row does not match its hash"))
            }
            expectedPrev = entry.hash
            expectedSeq += 1
        }
        return Verification(checked: checked, firstBroken: nil)
    }
}

/// Instants as stored: UTC, ISO-8601 with milliseconds.
public enum Timestamps {
    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
