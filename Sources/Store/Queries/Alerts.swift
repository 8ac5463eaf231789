import Foundation
import GRDB
public import Records
public import Regulation
public import WorkingDays

extension AlertStateRecord: StoredValue { static let table = "alert_state" }
extension DaemonEvaluation: StoredValue { static let table = "daemon_evaluation" }

/// What one evaluation changes in the alert state.
public struct AlertStateChange: Sendable {
    public var day: CivilDate
    /// Subjects newly in an alert state or in another one.
    public var raised: [Alert]
    /// Subjects in the same state whose figures moved (kept as they are now; not logged again).
    public var refreshed: [Alert]
    /// Subjects no longer in one.
    public var cleared: [String]
    /// The outbox rows that tell the raised transitions to their destinations (issue 11).
    public var notifications: [OutboxDraft]
    /// The settings evaluated with, kept with the evaluation.
    public var basis: EvaluationBasis?
    public init(day: CivilDate, raised: [Alert], refreshed: [Alert] = [], cleared: [String], notifications: [OutboxDraft] = [], basis: EvaluationBasis? = nil) {
        self.basis = basis
        self.day = day
        self.raised = raised
        self.refreshed = refreshed
        self.cleared = cleared
        self.notifications = notifications
    }
}

extension SpotCheckStore {
    /// The alert state kept: every subject in an alert state.
    public func alertStates() throws(StoreError) -> [AlertStateRecord] {
        try read { db in try AlertStateRecord.all(db, AlertStateRecord.request().order(Column("subject"))) }
    }

    /// The alert state as kept, undecoded: per subject its kind, the fingerprint the evaluator
    /// compares with ``Alert/fingerprint`` of the alert in force, and the day it was raised; without
    /// the `excluded` kinds (the daemon's first pass leaves the yearly rules' alerts for the second).
    public func keptAlerts(except excluded: [AlertKind] = []) throws(StoreError) -> [String: KeptAlert] {
        try read { db in
            var kept: [String: KeptAlert] = [:]
            let filter = excluded.isEmpty ? "" : " WHERE kind NOT IN (\(excluded.map { _ in "?" }.joined(separator: ", ")))"
            let arguments = StatementArguments(excluded.map(\.rawValue))
            // Sized once: thousands of kept alerts would otherwise rehash the dictionary a dozen times.
            kept.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_state") ?? 0)  // from the key index, not the rows
            let rows = try Row.fetchCursor(db, sql: "SELECT subject, kind, fingerprint, raised_on FROM alert_state\(filter)", arguments: arguments)
            while let row = try rows.next() {
                kept[row[0]] = KeptAlert(kind: try Self.keptKind(row[1]), fingerprint: row[2], raisedOn: (row[3] as String?).flatMap { CivilDate($0) })
            }
            return kept
        }
    }

    /// A kept row's kind, or why it cannot be one.
    static func keptKind(_ text: String) throws(StoreError) -> AlertKind {
        guard let kind = AlertKind(rawValue: text) else { throw StoreError.corrupt("alert_state.kind: stored value \"\(text)\" is not one of \(AlertKind.allCases.map(\.rawValue))") }
        return kind
    }

    /// How an alert is kept: JSON with sorted keys, so that equal alerts have equal text.
    public static func alertJSON(_ alert: Alert) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(alert)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The alerts raised whose journal entry is not written yet (a crash between the two).
    public func unloggedAlerts() throws(StoreError) -> [AlertStateRecord] {
        try read { db in try AlertStateRecord.all(db, AlertStateRecord.request().filter(Column("logged") == false).order(Column("subject"))) }
    }

    /// The daemon's last evaluation, if any.
    public func lastEvaluation() throws(StoreError) -> DaemonEvaluation? {
        try read { db in try DaemonEvaluation.find(db, key: 1) }
    }

    /// Applies one evaluation: raised subjects written unlogged, cleared ones removed, the
    /// outbox rows that tell the raised ones enqueued, and an audit entry naming them when any
    /// was, in one transaction; the kept figures refreshed and
    /// the evaluation stamped with it (bookkeeping of the daemon, like marking entries logged:
    /// no decision, so no audit entry of their own).
    /// Refused when anything was recorded since `expectedSeq` (the evaluation read older state).
    /// Returns the last audit entry once it is applied (its own, or `expectedSeq`).
    @discardableResult
    public func applyEvaluation(_ change: AlertStateChange, expectedSeq: Int64, actor: String) throws(StoreError) -> Int64 {
        try write { db in
            try Self.checkSnapshot(db, expectedSeq)
            let at = now()
            var seq = expectedSeq
            if !change.raised.isEmpty || !change.cleared.isEmpty {
                // History: which subjects were raised, by kind, and which cleared.
                struct Details: Encodable {
                    var day: String
                    var raised: [String: [String]]
                    var cleared: [String]
                }
                var raised: [String: [String]] = [:]
                for alert in change.raised { raised[alert.kind.rawValue, default: []].append(alert.subject) }
                seq = try AuditLog.append(db, at: at, actor: actor, action: .alertsEvaluate, subject: "alerts",
                                          details: Details(day: change.day.description, raised: raised, cleared: change.cleared)).seq
                let delete = try db.makeStatement(sql: "DELETE FROM alert_state WHERE subject = ?")
                for subject in change.cleared { try delete.execute(arguments: [subject]) }
                let upsert = try db.makeStatement(sql: """
                    INSERT INTO alert_state (subject, kind, alert, raised_on, raised_at, logged, fingerprint) VALUES (?, ?, ?, ?, ?, 0, ?)
                    ON CONFLICT(subject) DO UPDATE SET kind = excluded.kind, alert = excluded.alert, raised_on = excluded.raised_on,
                        raised_at = excluded.raised_at, logged = 0, fingerprint = excluded.fingerprint
                    """)
                for alert in change.raised {
                    try upsert.execute(arguments: [alert.subject, alert.kind.rawValue, Self.alertJSON(alert), change.day.description, at, alert.fingerprint])
                }
                _ = try Self.enqueue(db, change.notifications, at: at)
            }
            // Kept figures brought up to date, the row otherwise as raised (bookkeeping, not history).
            let refresh = try db.makeStatement(sql: "UPDATE alert_state SET alert = ?, fingerprint = ? WHERE subject = ? AND kind = ?")
            for alert in change.refreshed {
                try refresh.execute(arguments: [Self.alertJSON(alert), alert.fingerprint, alert.subject, alert.kind.rawValue])
            }
            try Stored(DaemonEvaluation(day: change.day, at: at, auditSeq: seq, basis: change.basis)).save(db)
            return seq
        }
    }

    /// Stamps an evaluation that changed no alert: the alerts kept are those in force on `day`
    /// with `basis`, as of the last audit entry (bookkeeping, no audit entry). Refused when
    /// anything was recorded since `expectedSeq`.
    public func stampEvaluation(day: CivilDate, basis: EvaluationBasis, expectedSeq: Int64) throws(StoreError) {
        try write { db in
            try Self.checkSnapshot(db, expectedSeq)
            try Stored(DaemonEvaluation(day: day, at: now(), auditSeq: expectedSeq, basis: basis)).save(db)
        }
    }

    /// How many alerts are kept, by kind (from the index on kind, not the rows).
    public func keptAlertCounts() throws(StoreError) -> [AlertKind: Int] {
        try read { db in
            var counts: [AlertKind: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT kind, count(*) FROM alert_state INDEXED BY alert_state_by_kind GROUP BY kind")
            while let row = try rows.next() {
                counts[try Self.keptKind(row[0])] = row[1]
            }
            return counts
        }
    }

    /// Marks alerts' journal entries as written.
    public func markAlertsLogged(_ subjects: [String]) throws(StoreError) {
        guard !subjects.isEmpty else { return }
        try write { db in
            let statement = try db.makeStatement(sql: "UPDATE alert_state SET logged = 1 WHERE subject = ?")
            for subject in subjects { try statement.execute(arguments: [subject]) }
        }
    }
}
