import Foundation
import GRDB
public import Regulation
public import Records
public import WorkingDays

extension SpotCheckStore {
    /// The last summary made for a day before `day`: its day and the subjects it listed.
    public func lastSummary(before day: CivilDate) throws(StoreError) -> (day: CivilDate, subjects: [SummarySubject])? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT day, subjects FROM summary_sent WHERE day < ? ORDER BY day DESC LIMIT 1", arguments: [day.description]) else {
                return nil
            }
            let text: String = row["subjects"]
            guard let made = CivilDate(row["day"] as String) else { throw StoreError.corrupt("summary_sent.day: \(row["day"] as String) is not a day") }
            return (made, try JSONDecoder().decode([SummarySubject].self, from: Data(text.utf8)))
        }
    }

    /// Whether the summary of `day`'s slot was made.
    public func summaryMade(for day: CivilDate) throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM summary_sent WHERE day = ?", arguments: [day.description]) ?? false }
    }

    /// Records the summary of `day`'s slot and queues its rows, with an audit entry, in one
    /// transaction; refused when that slot's summary was made already (once per slot).
    public func recordSummary(day: CivilDate, subjects: [SummarySubject], notifications: [OutboxDraft], actor: String) throws(StoreError) {
        let at = now()
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM summary_sent WHERE day = ?", arguments: [day.description]) == true {
                throw StoreError.refused("the summary for \(day) was made already")
            }
            struct Details: Encodable {
                var day: String
                var listed: Int
                var destinations: [String]
            }
            let entry = try AuditLog.append(db, at: at, actor: actor, action: .summarySent, subject: "summary/\(day)",
                                            details: Details(day: day.description, listed: subjects.count, destinations: notifications.map(\.destination.description)))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = String(decoding: try encoder.encode(subjects), as: UTF8.self)
            try db.execute(sql: "INSERT INTO summary_sent (day, made_at, subjects, audit_seq) VALUES (?, ?, ?, ?)", arguments: [day.description, at, json, entry.seq])
            _ = try Self.enqueue(db, notifications, at: at)
        }
    }
}
