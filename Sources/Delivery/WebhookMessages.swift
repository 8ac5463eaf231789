import Crypto
public import Foundation
public import Records
import Regulation
import WorkingDays
public import Supervision

/// The HTTP request one outbox row becomes, by the receiver's format: the URL, the headers and
/// the body. Pure: the worker adds nothing but the transport.
public struct WebhookMessage: Sendable, Hashable {
    public var url: URL
    public var headers: [(String, String)]
    public var body: [UInt8]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.url == rhs.url && lhs.body == rhs.body && lhs.headers.map { "\($0.0): \($0.1)" } == rhs.headers.map { "\($0.0): \($0.1)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(url)
        hasher.combine(body)
    }

    /// The Standard Webhooks message id of a row: `msg_` and the row's id, the same on every retry.
    public static func messageID(_ entry: OutboxEntry) -> String { "msg_\(entry.id)" }

    /// The request for `entry` to `webhook`, attempted at `now`.
    public static func make(_ entry: OutboxEntry, to webhook: WebhookDestination, now: Date) -> WebhookMessage {
        switch webhook.format {
        case .standard:
            let body = StandardWebhookBody(entry).json
            let id = messageID(entry)
            let timestamp = String(Int(now.timeIntervalSince1970))
            var headers = [("content-type", "application/json"), ("webhook-id", id), ("webhook-timestamp", timestamp)]
            if let key = webhook.signingKey {
                headers.append(("webhook-signature", StandardWebhooks.signature(id: id, timestamp: timestamp, body: body, key: key)))
            }
            return WebhookMessage(url: webhook.url, headers: headers, body: body)
        case .dingtalk:
            var url = webhook.url
            if let key = webhook.signingKey {
                // DingTalk's signed robot URL: timestamp (ms) and the HMAC-SHA256 of "timestamp\nsecret".
                let timestamp = String(Int64(now.timeIntervalSince1970 * 1000))
                let signed = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp)\n\(String(decoding: key, as: UTF8.self))".utf8), using: SymmetricKey(data: key))
                let sign = Data(signed).base64EncodedString()
                // The sign is base64: '+', '/' and '=' are percent-encoded, as DingTalk's own samples do.
                let encoded = sign.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? sign
                let separator = url.query == nil ? "?" : "&"
                url = URL(string: url.absoluteString + "\(separator)timestamp=\(timestamp)&sign=\(encoded)") ?? url
            }
            let markdown = RobotMarkdown(entry)
            let body: [String: Any] = ["msgtype": "markdown", "markdown": ["title": markdown.title, "text": markdown.text]]
            return WebhookMessage(url: url, headers: [("content-type", "application/json")], body: Self.json(body))
        case .wecom:
            let body: [String: Any] = ["msgtype": "markdown", "markdown": ["content": RobotMarkdown(entry).text]]
            return WebhookMessage(url: webhook.url, headers: [("content-type", "application/json")], body: Self.json(body))
        }
    }

    static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
    }
}

/// Standard Webhooks signatures (standardwebhooks.com): `v1,` and the base64 HMAC-SHA256 of
/// `id.timestamp.body` under the secret's bytes.
public enum StandardWebhooks {
    public static func signature(id: String, timestamp: String, body: [UInt8], key: [UInt8]) -> String {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(code).base64EncodedString()
    }
}

/// The Standard Webhooks body: `{"type":"spotcheck.KIND","timestamp","data":{…}}`, every
/// field of `data` present (null when it does not apply), keys sorted. The same bytes on
/// every retry: the timestamp is when the alert was raised.
struct StandardWebhookBody: Encodable {
    var type: String
    var timestamp: String
    var data: Data

    enum Data: Encodable {
        case alert(AlertNotice)
        case summary(SummaryNotice)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case let .alert(notice): try AlertData(notice: notice).encode(to: encoder)
            case let .summary(notice):
                // The summary's day, subject line and text (the HTML part is for mail).
                var container = encoder.container(keyedBy: SummaryKeys.self)
                try container.encode(notice.day.description, forKey: .day)
                try container.encode(notice.subject, forKey: .subject)
                try container.encode(notice.text, forKey: .message)
            }
        }

        enum SummaryKeys: String, CodingKey { case day, subject, message }
    }

    struct AlertData: Encodable {
        var notice: AlertNotice

        enum CodingKeys: String, CodingKey {
            case article, kind, round, inspection, institution, jurisdiction, category, deadline, overdueWorkdays = "overdue_workdays", provisional, message, subject
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            // Explicit nulls: a receiver sees every field the contract names.
            try container.encode(notice.article, forKey: .article)
            try container.encode(notice.kind.rawValue, forKey: .kind)
            try container.encode(notice.round, forKey: .round)
            try container.encode(notice.inspection, forKey: .inspection)
            try container.encode(notice.institution, forKey: .institution)
            try container.encode(notice.jurisdiction, forKey: .jurisdiction)
            try container.encode(notice.category, forKey: .category)
            try container.encode(notice.deadline?.description, forKey: .deadline)
            try container.encode(notice.overdueWorkdays, forKey: .overdueWorkdays)
            try container.encode(notice.provisional, forKey: .provisional)
            try container.encode(notice.message, forKey: .message)
            try container.encode(notice.subject, forKey: .subject)
        }
    }

    init(_ entry: OutboxEntry) {
        switch entry.payload {
        case let .alert(notice):
            type = "spotcheck.\(notice.kind.rawValue)"
            timestamp = notice.raisedAt
            data = .alert(notice)
        case let .summary(notice):
            type = "spotcheck.summary"
            timestamp = notice.madeAt
            data = .summary(notice)
        }
    }

    var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Foundation.Data("{}".utf8))
    }
}

/// The markdown a DingTalk or WeCom group robot shows: a title line, the message, the article
/// and the figures.
struct RobotMarkdown {
    var title: String
    var text: String

    init(_ entry: OutboxEntry) {
        switch entry.payload {
        case let .alert(notice):
            title = "SpotCheck \(notice.kind.rawValue)"
            var lines = ["### \(notice.message)", ""]
            if let article = notice.article { lines.append("- 条款 Art.: \(article)") }
            if let round = notice.round { lines.append("- 轮次 round: \(round)") }
            if let institution = notice.institution { lines.append("- 机构 institution: \(institution)") }
            if let deadline = notice.deadline { lines.append("- 期限 deadline: \(deadline)") }
            if let days = notice.overdueWorkdays { lines.append("- 逾期工作日 overdue working days: \(days)") }
            if notice.provisional { lines.append("- 暂定 provisional") }
            text = lines.joined(separator: "\n")
        case let .summary(notice):
            title = notice.subject
            text = "### \(notice.subject)\n\n" + notice.text.split(separator: "\n").dropFirst(2).joined(separator: "\n")
        }
    }
}
