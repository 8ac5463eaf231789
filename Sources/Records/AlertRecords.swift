public import Regulation
public import WorkingDays

/// A subject in an alert state, as the daemon keeps it (`alert_state`).
public struct AlertStateRecord: Codable, Sendable, Hashable {
    public var subject: String
    public var kind: AlertKind
    public var alert: Alert
    /// The day of the evaluation that raised it (Asia/Shanghai).
    public var raisedOn: CivilDate
    /// When it was raised (UTC, ISO-8601).
    public var raisedAt: String
    /// Whether its journal entry has been written.
    public var logged: Bool
    /// ``Alert/fingerprint`` as kept ('' for a row kept before fingerprints).
    public var fingerprint: String

    public init(alert: Alert, raisedOn: CivilDate, raisedAt: String, logged: Bool = false) {
        fingerprint = alert.fingerprint
        subject = alert.subject
        kind = alert.kind
        self.alert = alert
        self.raisedOn = raisedOn
        self.raisedAt = raisedAt
        self.logged = logged
    }

    enum CodingKeys: String, CodingKey { case subject, kind, alert, raisedOn = "raised_on", raisedAt = "raised_at", logged, fingerprint }
}

/// The daemon's last evaluation.
public struct DaemonEvaluation: Codable, Sendable, Hashable {
    public var id: Int64 = 1
    /// The day evaluated (Asia/Shanghai).
    public var day: CivilDate
    /// When (UTC, ISO-8601).
    public var at: String
    /// The last audit entry seen: a newer one means something changed since.
    public var auditSeq: Int64
    /// The settings it evaluated with (`nil` for an evaluation kept before v22).
    public var basis: EvaluationBasis?

    public init(day: CivilDate, at: String, auditSeq: Int64, basis: EvaluationBasis?) {
        self.day = day
        self.at = at
        self.auditSeq = auditSeq
        self.basis = basis
    }

    enum CodingKeys: String, CodingKey { case id, day, at, auditSeq = "audit_seq", basis }
}

/// What the deadline alerts depend on besides the database and the day: while these, the day
/// and the last audit entry are those of the last evaluation, the alerts kept are the alerts in
/// force, and a restart can report them without evaluating again.
public struct EvaluationBasis: Codable, Sendable, Hashable {
    /// The program that evaluated, as a file (path, size, modification time): an upgrade may
    /// change the rules or the calendar compiled in. `nil` if unknown (never equal to a kept one).
    public var program: String?
    /// The deployment's region (its calendar's regional layer).
    public var region: String
    /// A deadline is due soon this many working days ahead.
    public var dueSoonWorkdays: Int
    /// An overdue deadline escalates after this many working days.
    public var escalateAfterWorkdays: Int

    public init(region: String, dueSoonWorkdays: Int, escalateAfterWorkdays: Int, program: String?) {
        self.program = program
        self.region = region
        self.dueSoonWorkdays = dueSoonWorkdays
        self.escalateAfterWorkdays = escalateAfterWorkdays
    }
}
