import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Alerts mailed by the real spotcheckd through a real SMTP server (aiosmtpd: STARTTLS, AUTH),
/// each message parsed back by Python's standard MIME parser.
@Suite("mail delivery", .serialized)
struct MailDeliveryTests {
    static let server = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DeliveryTests/Receivers/smtp_server.py").path

    /// Starts aiosmtpd for `harness` with a fresh certificate; its port and log file.
    static func startServer(_ harness: DaemonHarness) throws -> (port: Int, log: String, server: DaemonHarness.Running) {
        let directory = harness.directory.path
        let openssl = try harness.spawn("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                                                              "-addext", "subjectAltName=DNS:localhost", "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem"])
        #expect(harness.wait(openssl) == 0)
        let log = "\(directory)/mail.jsonl", portFile = "\(directory)/smtp-port"
        let server = try harness.spawn("/usr/bin/python3", [Self.server, "\(directory)/cert.pem", "\(directory)/key.pem", "clerk", "s3cret", log, portFile])
        var port = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while port == 0, ContinuousClock.now < deadline {
            port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") ?? 0
            usleep(20_000)
        }
        return (port, log, server)
    }

    static func messages(_ log: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("escalated alerts routed to a mailbox arrive over STARTTLS with AUTH, one message per row, its Message-ID from the row, subject and HTML intact")
    func mailed() throws {
        let harness = try DaemonServiceTests.deployment()
        let directory = harness.directory.path
        let (port, log, server) = try Self.startServer(harness)
        defer { kill(server.pid, SIGKILL); _ = harness.wait(server) }
        try """
            language: zh
            notify:
              mail:
                smtp:
                  host: localhost
                  port: \(port)
                  username: clerk
                  password: s3cret
                  from: SpotCheck 督查 <spotcheck@example.org>
                  ca_file: \(directory)/cert.pem
              mailboxes: [leaders]
              mailbox:
                leaders:
                  to: [leader@example.org]
                  kinds: [escalated]
              retry_initial_seconds: 0.2
              retry_max_seconds: 1
            """.write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let rows = try WebhookDeliveryTests.waitForOutbox(harness) { rows in !rows.isEmpty && rows.allSatisfy { $0["state"] as? String == "delivered" } }
        #expect(!rows.isEmpty && WebhookDeliveryTests.states(rows) == ["delivered": rows.count], "\(WebhookDeliveryTests.states(rows)) \(rows.first ?? [:]); \(daemon.stderr)")
        #expect(rows.allSatisfy { $0["destination"] as? String == "mail:leaders" && $0["kind"] as? String == "escalated" })
        let messages = Self.messages(log)
        #expect(messages.count == rows.count, "one message per row")
        #expect(Set(messages.compactMap { $0["message_id"] as? String }) == Set(rows.compactMap { ($0["id"] as? Int).map { "<spotcheck-outbox-\($0)@example.org>" } }))
        let first = try #require(messages.first)
        #expect(first["tls"] as? Bool == true && first["auth"] as? String == "clerk")
        #expect((first["subject"] as? String)?.hasPrefix("[SpotCheck] ") == true && (first["subject"] as? String)?.contains("第") == true, "\(first["subject"] ?? "")")
        #expect(first["from"] as? String == "SpotCheck 督查 <spotcheck@example.org>")
        #expect((first["html"] as? String)?.contains("<table") == true && (first["text"] as? String)?.contains("逾期工作日") == true)
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("the leadership summary: made at the configured slot (Monday 09:00), one per summary mailbox of its jurisdictions, mailed in Chinese, and not again after a restart")
    func summaryAtSlot() throws {
        let harness = try DaemonServiceTests.deployment()
        let directory = harness.directory.path
        let (port, log, server) = try Self.startServer(harness)
        defer { kill(server.pid, SIGKILL); _ = harness.wait(server) }
        try harness.setClock("2026-11-23T08:59:57+08:00")  // a Monday, a working day
        try """
            language: en
            notify:
              mail:
                smtp:
                  host: localhost
                  port: \(port)
                  username: clerk
                  password: s3cret
                  from: spotcheck@example.org
                  ca_file: \(directory)/cert.pem
              mailboxes: [leaders, yinchuan]
              mailbox:
                leaders:
                  to: [director@example.org]
                  kinds: [notice-missing]
                yinchuan:
                  to: [yinchuan@example.org]
                  kinds: [notice-missing]
                  jurisdictions: [640100]
              summary:
                days: [mon]
                at: "09:00"
                mailboxes: [leaders, yinchuan]
            """.write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        #expect(try WebhookDeliveryTests.outbox(harness).filter { $0["kind"] as? String == "summary" }.isEmpty, "nothing before 09:00")
        let rows = try WebhookDeliveryTests.waitForOutbox(harness, timeout: 20) { rows in
            rows.filter { $0["kind"] as? String == "summary" && $0["state"] as? String == "delivered" }.count == 2
        }.filter { $0["kind"] as? String == "summary" }
        #expect(rows.count == 2 && Set(rows.compactMap { $0["destination"] as? String }) == ["mail:leaders", "mail:yinchuan"], "\(rows); \(daemon.stderr)")
        #expect(rows.allSatisfy { $0["key"] as? String == "summary/2026-11-23" })
        let summaries = Self.messages(log).filter { ($0["subject"] as? String)?.contains("督办汇总") == true }
        #expect(summaries.count == 2, "\(Self.messages(log).map { $0["subject"] ?? "" })")
        let all = try #require(summaries.first { ($0["rcpt_tos"] as? [String]) == ["director@example.org"] })
        let city = try #require(summaries.first { ($0["rcpt_tos"] as? [String]) == ["yinchuan@example.org"] })
        #expect((all["subject"] as? String)?.hasPrefix("[SpotCheck] 2026-11-23 督办汇总：逾期 ") == true && !(all["subject"] as? String ?? "").contains("逾期 0 项"))
        #expect((city["subject"] as? String)?.contains("逾期 0 项") == true, "Yinchuan's summary holds only its own (the demo's rounds are the province's): \(city["subject"] ?? "")")
        #expect((all["html"] as? String)?.contains("background:#c0392b;width:") == true && (all["html"] as? String)?.contains("<script") == false)
        #expect((all["text"] as? String)?.contains("第十三条") == true || (all["text"] as? String)?.contains("第十四条") == true)
        let cli = try harness.spotcheck(["summary", "--as-of", "2026-11-30", "--json"], now: "2026-11-30T10:00:00+08:00")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any], "\(cli.stderr)")
        #expect(document["previous_day"] as? String == "2026-11-23", "the next summary compares with the one made")

        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
        let again = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        usleep(1_500_000)
        #expect(try WebhookDeliveryTests.outbox(harness).filter { $0["kind"] as? String == "summary" }.count == 2, "once per slot across a restart")
        kill(again.pid, SIGTERM)
        #expect(harness.wait(again) == 0)
    }
}
