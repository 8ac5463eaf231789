public import Foundation
public import Publication
public import Records
public import Regulation
import Rosters
public import Store
public import WorkingDays

/// A webhook the alerts are delivered to (`notify.webhook.NAME.*`).
public struct WebhookDestination: Sendable, Hashable {
    /// What the receiver understands.
    public enum Format: String, CaseIterable, Sendable {
        /// Standard Webhooks: a JSON body signed with HMAC-SHA256 (`webhook-signature`).
        case standard
        /// A DingTalk group robot: a markdown message, the URL signed when a secret is given.
        case dingtalk
        /// A WeCom (企业微信) group robot: a markdown message; the key is in the URL.
        case wecom
    }

    public var name: String
    public var url: URL
    public var format: Format
    /// The signing key: the bytes after `whsec_`, base64-decoded (standard), or the robot's
    /// `SEC…` secret as UTF-8 (DingTalk); `nil` when unsigned (a WeCom robot).
    public var signingKey: [UInt8]?
    /// The alert kinds delivered here; `nil` for every kind.
    public var kinds: Set<AlertKind>?
    /// The jurisdictions delivered here, each with its children; `nil` for all. An alert about
    /// no jurisdiction (a missing notice) goes only where this is `nil`.
    public var jurisdictions: [String]?

    public init(name: String, url: URL, format: Format, signingKey: [UInt8]?, kinds: Set<AlertKind>? = nil, jurisdictions: [String]? = nil) {
        self.name = name
        self.url = url
        self.format = format
        self.signingKey = signingKey
        self.kinds = kinds
        self.jurisdictions = jurisdictions
    }

    /// Whether the alert is routed here.
    public func accepts(_ alert: Alert) -> Bool { JurisdictionCode.routes(alert, kinds: kinds, jurisdictions: jurisdictions) }
}

/// The SMTP server mail goes through (`notify.mail.smtp.*`).
public struct SMTPSettings: Sendable, Hashable {
    public var host: String
    /// Default 587 (submission).
    public var port: Int
    /// STARTTLS required (default): a server that does not offer it gets nothing. Off only
    /// for a relay on the same host, and then without AUTH: a password never goes in the clear.
    public var starttls: Bool
    public var username: String?
    public var password: String?
    /// The sender, `Name <address>` or `address`.
    public var from: String
    /// EHLO's name; default the sender's domain.
    public var heloName: String?
    /// A PEM file of the CAs to trust instead of the system's (a private CA).
    public var caFile: String?

    public init(host: String, port: Int = 587, starttls: Bool = true, username: String? = nil, password: String? = nil, from: String,
                heloName: String? = nil, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.starttls = starttls
        self.username = username
        self.password = password
        self.from = from
        self.heloName = heloName
        self.caFile = caFile
    }
}

/// A mailbox the alerts are mailed to (`notify.mailbox.NAME.*`).
public struct MailboxDestination: Sendable, Hashable {
    public var name: String
    /// The recipients, `Name <address>` or `address`.
    public var to: [String]
    /// As ``WebhookDestination/kinds``.
    public var kinds: Set<AlertKind>?
    /// As ``WebhookDestination/jurisdictions``.
    public var jurisdictions: [String]?

    public init(name: String, to: [String], kinds: Set<AlertKind>? = nil, jurisdictions: [String]? = nil) {
        self.name = name
        self.to = to
        self.kinds = kinds
        self.jurisdictions = jurisdictions
    }

    public func accepts(_ alert: Alert) -> Bool { JurisdictionCode.routes(alert, kinds: kinds, jurisdictions: jurisdictions) }
}

/// Where alerts are delivered and how hard the worker tries (configuration keys `notify.*`).
public struct NotifySettings: Sendable, Hashable {
    /// `notify.webhooks` and `notify.webhook.NAME.*`.
    public var webhooks: [WebhookDestination]
    /// `notify.max_attempts` (default 12): then the row is dead.
    public var maxAttempts: Int
    /// `notify.retry_initial_seconds` (default 30): the first retry's delay, doubled each time.
    public var retryInitial: Double
    /// `notify.retry_max_seconds` (default 21,600: 6 h): the delay's cap.
    public var retryMax: Double
    /// `notify.timeout_seconds` (default 10): one attempt's limit.
    public var timeout: Double
    /// `notify.prune_delivered_after_days` (default 30).
    public var pruneDeliveredAfterDays: Int
    /// The language of the messages (the deployment's `language`).
    public var language: DeploymentLanguage
    /// `notify.mail.smtp.*`: needed when any mailbox is named.
    public var smtp: SMTPSettings?
    /// `notify.mailboxes` and `notify.mailbox.NAME.*`.
    public var mailboxes: [MailboxDestination] = []
    /// `notify.summary.*`: the leadership overdue summary.
    public var summary = SummarySettings()
    /// `notify.quiet_hours` and `notify.quiet_hours_pass`: off unless configured.
    public var quietHours: QuietHours?

    public init(webhooks: [WebhookDestination] = [], maxAttempts: Int = 12, retryInitial: Double = 30, retryMax: Double = 21_600, timeout: Double = 10,
                pruneDeliveredAfterDays: Int = 30, language: DeploymentLanguage = .zh) {
        self.webhooks = webhooks
        self.maxAttempts = maxAttempts
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.timeout = timeout
        self.pruneDeliveredAfterDays = pruneDeliveredAfterDays
        self.language = language
    }

    /// The destinations an alert is routed to.
    public func destinations(for alert: Alert) -> [NotificationDestination] {
        webhooks.filter { $0.accepts(alert) }.map { NotificationDestination(channel: .webhook, name: $0.name) }
            + mailboxes.filter { $0.accepts(alert) }.map { NotificationDestination(channel: .mail, name: $0.name) }
    }

    /// The outbox rows that tell raised alerts, one per routed destination.
    public func drafts(for raised: [Alert], day: CivilDate, at instant: String) -> [OutboxDraft] {
        raised.flatMap { alert in
            let notice = AlertNotice(alert: alert, message: AlertMessages.text(alert, language: language), raisedOn: day, raisedAt: instant)
            return destinations(for: alert).map { destination in
                OutboxDraft(key: OutboxDraft.key(for: alert, raisedOn: day), kind: .alert(alert.kind), destination: destination, payload: .alert(notice))
            }
        }
    }

    /// The webhook configured under `name`.
    public func webhook(_ name: String) -> WebhookDestination? { webhooks.first { $0.name == name } }

    /// The mailbox configured under `name`.
    public func mailbox(_ name: String) -> MailboxDestination? { mailboxes.first { $0.name == name } }
}

/// Instants as the outbox keeps them (UTC, ISO-8601 with milliseconds).
public enum OutboxTime {
    public static func instant(_ date: Date) -> String { Timestamps.format(date) }
    public static func date(_ text: String) -> Date? { Timestamps.parse(text) }
}

/// GB/T 2260 codes as a hierarchy: trailing `00` pairs mark a level above the county.
public enum JurisdictionCode {
    /// Whether `code` is `ancestor` or lies under it (640100 covers 640100 and 640104; 640000 covers all of Ningxia).
    public static func covers(_ ancestor: String, _ code: String) -> Bool {
        var prefix = Substring(ancestor)
        while prefix.count > 2, prefix.hasSuffix("00") { prefix = prefix.dropLast(2) }
        return code.hasPrefix(prefix)
    }

    /// Whether `code` lies under one of `jurisdictions` (`nil`: all); no code lies only under all.
    public static func covered(_ code: String?, by jurisdictions: [String]?) -> Bool {
        guard let jurisdictions else { return true }
        guard let code else { return false }
        return jurisdictions.contains { covers($0, code) }
    }

    /// A destination's routing: the alert is of one of `kinds` and about one of `jurisdictions`
    /// (each `nil`: any).
    static func routes(_ alert: Alert, kinds: Set<AlertKind>?, jurisdictions: [String]?) -> Bool {
        (kinds?.contains(alert.kind) ?? true) && covered(alert.jurisdiction, by: jurisdictions)
    }
}

extension Supervisor {
    /// The outbox rows, newest first, in one state or all.
    public func outbox(state: OutboxState? = nil, limit: Int = 1000) throws(StoreError) -> [OutboxEntry] {
        try store.outboxEntries(state: state, limit: limit)
    }

    /// One outbox row.
    public func outboxEntry(id: Int64) throws(StoreError) -> OutboxEntry? { try store.outboxEntry(id: id) }

    /// How many rows are in each state.
    public func outboxCounts() throws(StoreError) -> [OutboxState: Int] { try store.outboxCounts() }

    /// Re-queues one dead or pending row, or every dead row (`id` nil), audited. Returns the ids.
    @discardableResult
    public func retryOutbox(id: Int64?) throws(StoreError) -> [Int64] { try store.retryOutbox(id: id, actor: actor) }

    /// The worker's side: claims due rows.
    public func claimDeliveries(limit: Int) throws(StoreError) -> [OutboxEntry] { try store.claimOutbox(limit: limit) }

    /// The worker's side: writes back how attempts ended; returns the ids written (a stale attempt's are not).
    @discardableResult
    public func finishDeliveries(_ outcomes: [DeliveryOutcome]) throws(StoreError) -> Set<Int64> { try store.finishOutbox(outcomes) }

    /// The worker's side, on start: rows a crash left delivering are pending again.
    @discardableResult
    public func resetInterruptedDeliveries() throws(StoreError) -> Int { try store.resetInterruptedDeliveries() }

    /// The earliest next attempt of a pending row.
    public func nextDeliveryAttempt() throws(StoreError) -> Date? {
        try store.nextOutboxAttempt().flatMap(Timestamps.parse)
    }

    /// Prunes the rows delivered more than `days` days ago, audited. Returns how many.
    @discardableResult
    public func pruneDelivered(olderThanDays days: Int) throws(StoreError) -> Int {
        try store.pruneDelivered(before: Timestamps.format(clock().addingTimeInterval(-Double(days) * 86_400)), actor: actor)
    }
}
