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

    public init(day: CivilDate, at: String, auditSeq: Int64) {
        self.day = day
        self.at = at
        self.auditSeq = auditSeq
    }

    enum CodingKeys: String, CodingKey { case id, day, at, auditSeq = "audit_seq" }
}
