import Fingerprint
import Foundation
import GRDB
public import Records

/// The hash-chained audit log: every change appends one entry in its own transaction.
enum AuditLog {
    /// The `prev_hash` of the first entry.
    static let genesisHash = String(repeating: "0", count: 64)

    /// SHA-256 over the entry's fields and the previous hash: changing any stored row, or
    /// deleting or reordering rows, breaks the chain from there on.
    static func hash(seq: Int64, at: String, actor: String, action: String, subject: String, details: String, prevHash: String) -> String {
        sha256Hex(["SPOTCHECK-AUDIT-1", String(seq), at, actor, action, subject, details, prevHash].joined(separator: "\n"))
    }

    /// Appends an entry inside the caller's transaction; `details` are encoded as JSON with
    /// sorted keys.
    @discardableResult
    static func append(_ db: Database, at: String, actor: String, action: AuditAction, subject: String,
                       details: some Encodable) throws -> AuditEntry {
        let last = try AuditEntry.all(db, AuditEntry.request().order(Column("seq").desc).limit(1)).first
        let seq = (last?.seq ?? 0) + 1
        let prevHash = last?.hash ?? genesisHash
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let detailsText = String(decoding: try encoder.encode(details), as: UTF8.self)
        let entry = AuditEntry(seq: seq, at: at, actor: actor, action: action, subject: subject, details: detailsText, prevHash: prevHash,
                               hash: hash(seq: seq, at: at, actor: actor, action: action.rawValue, subject: subject,
                                          details: detailsText, prevHash: prevHash))
        try entry.insert(db)
        return entry
    }

    /// Recomputes every hash and link in order and reports the first broken one. Rows are read
    /// as stored text, so a row whose action is not one this version knows is reported, not lost.
    static func verify(_ db: Database) throws -> AuditVerification {
        var expectedPrev = genesisHash
        var expectedSeq: Int64 = 1
        var checked = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq")
        while let row = try cursor.next() {
            checked += 1
            let seq: Int64 = row["seq"]
            let prevHash: String = row["prev_hash"]
            if seq != expectedSeq {
                return AuditVerification(checked: checked, firstBroken: .init(seq: seq, problem: "expected entry \(expectedSeq) here: an entry is missing"))
            }
            if prevHash != expectedPrev {
                return AuditVerification(checked: checked, firstBroken: .init(seq: seq, problem: "prev_hash does not match the hash of entry \(seq - 1)"))
            }
            let stored: String = row["hash"]
            let recomputed = hash(seq: seq, at: row["at"], actor: row["actor"], action: row["action"], subject: row["subject"],
                                  details: row["details"], prevHash: prevHash)
            if recomputed != stored {
                return AuditVerification(checked: checked, firstBroken: .init(seq: seq, problem: "the stored row does not match its hash"))
            }
            expectedPrev = stored
            expectedSeq += 1
        }
        return AuditVerification(checked: checked, firstBroken: nil)
    }
}

extension SpotCheckStore {
    /// Walks the audit chain.
    public func verifyAudit() throws(StoreError) -> AuditVerification {
        try read { db in try AuditLog.verify(db) }
    }

    /// Audit entries, oldest first: those whose subject starts with `subjectPrefix`, or is exactly `subject`.
    public func auditEntries(subjectPrefix: String? = nil, subject: String? = nil) throws(StoreError) -> [AuditEntry] {
        try read { db in
            var request = AuditEntry.request().order(Column("seq"))
            if let subjectPrefix {
                let escaped = subjectPrefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                request = request.filter(sql: "subject LIKE ? ESCAPE '\\'", arguments: [escaped + "%"])
            }
            if let subject { request = request.filter(Column("subject") == subject) }
            return try AuditEntry.all(db, request)
        }
    }

    /// The last entry's sequence number (0 for an empty log): what a snapshot was read at.
    public func lastAuditSeq() throws(StoreError) -> Int64 {
        try read { db in try Self.lastAuditSeq(db) }
    }

    static func lastAuditSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_log") ?? 0
    }
}
