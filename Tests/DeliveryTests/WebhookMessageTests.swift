import Delivery
import Foundation
import Records
import Regulation
import Supervision
import Testing
import WorkingDays

/// The requests the worker sends, and how it reads the answers: pure, checked against the
/// Standard Webhooks spec's own example and an independent HMAC (Python's).
@Suite("webhook messages and delivery policy")
struct WebhookMessageTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static func entry(id: Int64 = 42, attempts: Int = 1) -> OutboxEntry {
        let alert = Alert(kind: .overdue, subject: "deadline/R-2026-01/report", article: 13, round: "R-2026-01", jurisdiction: "640104",
                          category: "lawfirm", deadline: CivilDate("2026-11-13")!, overdueWorkdays: 5, detail: "report")
        let notice = AlertNotice(alert: alert, message: "逾期 \"报告\"", raisedOn: CivilDate("2026-11-20")!, raisedAt: "2026-11-20T02:00:00.000Z")
        return OutboxEntry(id: id, key: OutboxDraft.key(for: alert, raisedOn: CivilDate("2026-11-20")!), kind: .alert(.overdue),
                           destination: NotificationDestination(channel: .webhook, name: "ops"), payload: .alert(notice), attempts: attempts,
                           nextAttemptAt: "2026-11-20T02:00:00.000Z", state: .delivering, lastError: nil, createdAt: "", updatedAt: "", deliveredAt: nil)
    }

    static func webhook(_ format: WebhookDestination.Format = .standard, key: [UInt8]?) -> WebhookDestination {
        WebhookDestination(name: "ops", url: URL(string: "http://127.0.0.1:9/hook?x=1")!, format: format, signingKey: key)
    }

    @Test("the signature is the spec's own example: v1, base64 HMAC-SHA256 of id.timestamp.body under the decoded secret")
    func specExample() throws {
        let key = Array(Data(base64Encoded: String(Self.secret.dropFirst(6)))!)
        let signature = StandardWebhooks.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330", body: Array(#"{"test": 2432232314}"#.utf8), key: key)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("a standard webhook: id from the row, the attempt's timestamp, the body with every field and the raise time, the same bytes on a retry")
    func standardRequest() throws {
        let key = Array(Data(base64Encoded: String(Self.secret.dropFirst(6)))!)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let message = WebhookMessage.make(Self.entry(), to: Self.webhook(key: key), now: now)
        let headers = Dictionary(message.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers["webhook-id"] == "msg_42")
        #expect(headers["webhook-timestamp"] == "1795000000")
        #expect(headers["webhook-signature"] == StandardWebhooks.signature(id: "msg_42", timestamp: "1795000000", body: message.body, key: key))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
        #expect(body["type"] as? String == "spotcheck.overdue")
        #expect(body["timestamp"] as? String == "2026-11-20T02:00:00.000Z")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["article"] as? Int == 13 && data["overdue_workdays"] as? Int == 5 && data["deadline"] as? String == "2026-11-13")
        #expect(data["message"] as? String == "逾期 \"报告\"")
        for field in ["inspection", "institution"] { #expect(data[field] is NSNull, "\(field) present as null") }
        #expect(Set(data.keys) == ["article", "kind", "round", "inspection", "institution", "jurisdiction", "category", "deadline", "overdue_workdays", "provisional", "message", "subject"])
        let later = WebhookMessage.make(Self.entry(attempts: 5), to: Self.webhook(key: key), now: now.addingTimeInterval(3600))
        #expect(later.body == message.body, "a retry sends the same body")
        #expect(later.headers.first { $0.0 == "webhook-id" }?.1 == "msg_42")
    }

    @Test("a DingTalk robot: markdown, and the URL signed with timestamp and the HMAC of timestamp\\nsecret, percent-encoded (checked with Python's hmac)")
    func dingTalkRequest() throws {
        let secret = "SEC0123456789abcdef"
        let now = Date(timeIntervalSince1970: 1_795_000_000.5)
        let message = WebhookMessage.make(Self.entry(), to: Self.webhook(.dingtalk, key: Array(secret.utf8)), now: now)
        let components = try #require(URLComponents(url: message.url, resolvingAgainstBaseURL: false))
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["x"] == "1" && items["timestamp"] == "1795000000500")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import base64,hmac,hashlib,sys;print(base64.b64encode(hmac.new(sys.argv[1].encode(),(sys.argv[2]+'\\n'+sys.argv[1]).encode(),hashlib.sha256).digest()).decode())", secret, "1795000000500"]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        python.waitUntilExit()
        let expected = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!expected.isEmpty && items["sign"] == expected, "sign \(items["sign"] ?? "-") vs \(expected)")
        #expect(!(components.percentEncodedQuery ?? "").contains("+"), "base64's + is percent-encoded")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
        #expect(body["msgtype"] as? String == "markdown")
        #expect(((body["markdown"] as? [String: Any])?["text"] as? String)?.contains("逾期") == true)
    }

    @Test("answers: 2xx delivered; 429/503 honour Retry-After; 408/409/425/5xx retried; other 4xx permanent; robots by errcode")
    func verdicts() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        #expect(DeliveryPolicy.verdict(status: 204, retryAfter: nil, now: now) == .delivered)
        #expect(DeliveryPolicy.verdict(status: 429, retryAfter: "7", now: now) == .retry(after: 7, error: "HTTP 429"))
        #expect(DeliveryPolicy.verdict(status: 503, retryAfter: "Sun, 06 Nov 2026 08:49:37 GMT", now: now)
            == .retry(after: max(min(Date(timeIntervalSince1970: 1_793_954_977).timeIntervalSince(now), 86_400), 0), error: "HTTP 503"))
        for status in [408, 409, 425, 500, 502] {
            #expect(DeliveryPolicy.verdict(status: status, retryAfter: "9", now: now) == .retry(after: nil, error: "HTTP \(status)"), "\(status)")
        }
        for status in [301, 400, 401, 404, 410, 422] {
            guard case .permanent = DeliveryPolicy.verdict(status: status, retryAfter: nil, now: now) else {
                Issue.record("\(status) should be permanent")
                continue
            }
        }
        #expect(DeliveryPolicy.robotVerdict(status: 200, body: Array(#"{"errcode":0,"errmsg":"ok"}"#.utf8), retryAfter: nil, now: now) == .delivered)
        #expect(DeliveryPolicy.robotVerdict(status: 200, body: Array(#"{"errcode":130101,"errmsg":"send too fast"}"#.utf8), retryAfter: nil, now: now)
            == .hold(after: 60, error: "errcode 130101: send too fast (rate limit; held)"))
        guard case .permanent = DeliveryPolicy.robotVerdict(status: 200, body: Array(#"{"errcode":310000,"errmsg":"sign not match"}"#.utf8), retryAfter: nil, now: now) else {
            Issue.record("a bad signature is permanent")
            return
        }
    }

    @Test("backoff doubles from the initial delay, is capped, and jitters within its upper half")
    func backoff() {
        #expect(DeliveryPolicy.backoff(afterAttempt: 1, initial: 30, maximum: 3600, random: 1) == 30)
        #expect(DeliveryPolicy.backoff(afterAttempt: 1, initial: 30, maximum: 3600, random: 0) == 15)
        #expect(DeliveryPolicy.backoff(afterAttempt: 4, initial: 30, maximum: 3600, random: 1) == 240)
        #expect(DeliveryPolicy.backoff(afterAttempt: 20, initial: 30, maximum: 3600, random: 1) == 3600)
        #expect(DeliveryPolicy.backoff(afterAttempt: 200, initial: 30, maximum: 3600, random: 0.5) == 2700)
    }

    @Test("routing: kinds and jurisdictions filter, a code covers its children, an alert without a jurisdiction goes only where none is set")
    func routing() {
        let url = URL(string: "http://127.0.0.1:9/")!
        let settings = NotifySettings(webhooks: [
            WebhookDestination(name: "all", url: url, format: .standard, signingKey: [1]),
            WebhookDestination(name: "yinchuan", url: url, format: .standard, signingKey: [1], jurisdictions: ["640100"]),
            WebhookDestination(name: "overdue", url: url, format: .wecom, signingKey: nil, kinds: [.overdue, .escalated]),
        ])
        let alert = Alert(kind: .overdue, subject: "s", article: 13, jurisdiction: "640104", detail: "")
        #expect(settings.destinations(for: alert).map(\.name) == ["all", "yinchuan", "overdue"])
        var elsewhere = alert
        elsewhere.jurisdiction = "640200"
        elsewhere.kind = .dueSoon
        #expect(settings.destinations(for: elsewhere).map(\.name) == ["all"])
        let notice = Alert(kind: .noticeMissing, subject: "notice/national/2027", article: nil, detail: "")
        #expect(settings.destinations(for: notice).map(\.name) == ["all"])
        #expect(JurisdictionCode.covers("640000", "640521") && !JurisdictionCode.covers("640100", "640200") && JurisdictionCode.covers("640104", "640104"))
        let drafts = settings.drafts(for: [alert], day: CivilDate("2026-11-20")!, at: "2026-11-20T02:00:00.000Z")
        #expect(drafts.count == 3 && Set(drafts.map(\.key)) == ["overdue/s/2026-11-20"])
    }
}
