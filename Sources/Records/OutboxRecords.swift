public import Regulation
public import WorkingDays

/// Where an outbox row is delivered: a configured webhook or mailbox, by the operator's name.
public struct NotificationDestination: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How it is reached.
    public enum Channel: String, Codable, Sendable, CaseIterable {
        /// An HTTP endpoint (`notify.webhook.NAME`): Standard Webhooks, DingTalk or WeCom.
        case webhook
        /// A mailbox (`notify.mailbox.NAME`), over SMTP.
        case mail
    }

    public var channel: Channel
    /// The name the configuration gives it (`ops` in `notify.webhook.ops.url`).
    public var name: String

    public init(channel: Channel, name: String) {
        self.channel = channel
        self.name = name
    }

    /// `webhook:ops`, as `spotcheck outbox` shows it.
    public var description: String { "\(channel.rawValue):\(name)" }

    /// Parses `webhook:ops` or `mail:leaders`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let channel = Channel(rawValue: parts[0]), !parts[1].isEmpty else { return nil }
        self.init(channel: channel, name: parts[1])
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }
}

/// Where a delivery stands. Claiming updates the row (never deletes it); only delivered rows are
/// pruned, after the configured time.
public enum OutboxState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its next attempt (`next_attempt_at`).
    case pending
    /// Claimed by the worker; a row left so by a crash is set pending again on start.
    case delivering
    /// The receiver accepted it.
    case delivered
    /// Refused for good, or out of attempts: logged to the journal, re-queued only by `spotcheck outbox retry`.
    case dead
}

/// What an outbox row tells: an alert transition, or the leadership summary of a schedule slot.
public enum NotificationKind: Hashable, Sendable, Codable, RawRepresentable, CustomStringConvertible {
    /// An alert raised (due soon, overdue, a compliance warning, …).
    case alert(AlertKind)
    /// The overdue summary.
    case summary

    public init?(rawValue: String) {
        if rawValue == "summary" {
            self = .summary
            return
        }
        guard let kind = AlertKind(rawValue: rawValue) else { return nil }
        self = .alert(kind)
    }

    public var rawValue: String {
        switch self {
        case let .alert(kind): kind.rawValue
        case .summary: "summary"
        }
    }

    public var description: String { rawValue }
}

/// An alert transition as receivers get it: the alert's fields, its message in the deployment's
/// language, and when it was raised. The webhook body's `data` is this, without `subject`.
public struct AlertNotice: Codable, Sendable, Hashable {
    public var kind: AlertKind
    /// What the alert is about, stable across evaluations (``Alert/subject``).
    public var subject: String
    public var article: Int?
    public var round: String?
    public var inspection: String?
    public var institution: String?
    public var jurisdiction: String?
    public var category: String?
    public var deadline: CivilDate?
    public var overdueWorkdays: Int?
    public var provisional: Bool
    /// The readable message, naming the article, as the journal has it.
    public var message: String
    /// The day of the evaluation that raised it (Asia/Shanghai).
    public var raisedOn: CivilDate
    /// When it was raised (UTC, ISO-8601): the webhook body's `timestamp`, the same on every retry.
    public var raisedAt: String

    public init(alert: Alert, message: String, raisedOn: CivilDate, raisedAt: String) {
        kind = alert.kind
        subject = alert.subject
        article = alert.article
        round = alert.round
        inspection = alert.inspection
        institution = alert.institution
        jurisdiction = alert.jurisdiction
        category = alert.category
        deadline = alert.deadline
        overdueWorkdays = alert.overdueWorkdays
        provisional = alert.provisional
        self.message = message
        self.raisedOn = raisedOn
        self.raisedAt = raisedAt
    }

    enum CodingKeys: String, CodingKey {
        case kind, subject, article, round, inspection, institution, jurisdiction, category, deadline
        case overdueWorkdays = "overdue_workdays", provisional, message, raisedOn = "raised_on", raisedAt = "raised_at"
    }
}

/// A leadership summary as mailed: rendered when its slot came, so a retry sends the same.
public struct SummaryNotice: Codable, Sendable, Hashable {
    /// The slot: the working day it is for.
    public var day: CivilDate
    public var subject: String
    public var text: String
    public var html: String
    /// When it was made (UTC, ISO-8601).
    public var madeAt: String

    public init(day: CivilDate, subject: String, text: String, html: String, madeAt: String) {
        self.day = day
        self.subject = subject
        self.text = text
        self.html = html
        self.madeAt = madeAt
    }

    enum CodingKeys: String, CodingKey { case day, subject, text, html, madeAt = "made_at" }
}

/// What an outbox row carries, typed (kept as JSON in `payload`).
public enum NotificationPayload: Codable, Sendable, Hashable {
    case alert(AlertNotice)
    case summary(SummaryNotice)
}

/// A row to enqueue, written in the same transaction as the alert transition it tells.
public struct OutboxDraft: Sendable, Hashable {
    /// The idempotency key: kind, subject and transition (the day raised). With the destination,
    /// unique: a transition written twice is enqueued once.
    public var key: String
    public var kind: NotificationKind
    public var destination: NotificationDestination
    public var payload: NotificationPayload
    /// When it may first be attempted (UTC, ISO-8601): now, or the end of quiet hours.
    public var notBefore: String?

    public init(key: String, kind: NotificationKind, destination: NotificationDestination, payload: NotificationPayload, notBefore: String? = nil) {
        self.key = key
        self.kind = kind
        self.destination = destination
        self.payload = payload
        self.notBefore = notBefore
    }

    /// The idempotency key of an alert transition: `KIND/SUBJECT/DAY`.
    public static func key(for alert: Alert, raisedOn day: CivilDate) -> String { "\(alert.kind.rawValue)/\(alert.subject)/\(day)" }
}

/// One row of the durable notification queue (`outbox`).
public struct OutboxEntry: Codable, Sendable, Hashable {
    /// Never reused (the Standard Webhooks `webhook-id` is `msg_` and this; the same on every retry).
    public var id: Int64
    public var key: String
    public var kind: NotificationKind
    public var destination: NotificationDestination
    public var payload: NotificationPayload
    /// Attempts made (claims); an attempt cut short by a stop is not counted.
    public var attempts: Int
    /// The earliest instant of the next attempt (UTC, ISO-8601).
    public var nextAttemptAt: String
    public var state: OutboxState
    public var lastError: String?
    public var createdAt: String
    public var updatedAt: String
    public var deliveredAt: String?

    public init(id: Int64, key: String, kind: NotificationKind, destination: NotificationDestination, payload: NotificationPayload, attempts: Int,
                nextAttemptAt: String, state: OutboxState, lastError: String?, createdAt: String, updatedAt: String, deliveredAt: String?) {
        self.id = id
        self.key = key
        self.kind = kind
        self.destination = destination
        self.payload = payload
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.state = state
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deliveredAt = deliveredAt
    }
}

/// How one attempt ended, as the worker writes it back. The write is guarded by the attempt
/// number claimed, so a stale attempt cannot overwrite a newer one.
public struct DeliveryOutcome: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        /// Accepted by the receiver.
        case delivered
        /// Failed for now: tried again at `nextAttemptAt` (UTC, ISO-8601).
        case retry(nextAttemptAt: String, error: String)
        /// Failed for good (a permanent refusal, or the last attempt): set dead.
        case dead(error: String)
        /// Not attempted, or cut short by a stop: pending again until `nextAttemptAt`, the
        /// attempt not counted (a robot's per-minute limit holds rows; it never drops them).
        case held(nextAttemptAt: String, reason: String?)
    }

    public var id: Int64
    /// The attempt number the claim gave (``OutboxEntry/attempts`` after claiming).
    public var attempt: Int
    public var result: Result

    public init(id: Int64, attempt: Int, result: Result) {
        self.id = id
        self.attempt = attempt
        self.result = result
    }
}
