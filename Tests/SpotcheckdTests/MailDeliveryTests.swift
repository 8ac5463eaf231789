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

    @Test("escalated alerts routed to a mailbox arrive over STARTTLS with AUTH, one message per row, its Message-ID from the row, subject and HTML intact")
    func mailed() throws {
        let harness = try DaemonServiceTests.deployment()
        let directory = harness.directory.path
        let openssl = try harness.spawn("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                                                              "-addext", "subjectAltName=DNS:localhost", "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem"])
        #expect(harness.wait(openssl) == 0)
        let log = "\(directory)/mail.jsonl", portFile = "\(directory)/smtp-port"
        let server = try harness.spawn("/usr/bin/python3", [Self.server, "\(directory)/cert.pem", "\(directory)/key.pem", "clerk", "s3cret", log, portFile])
        defer { kill(server.pid, SIGKILL); _ = harness.wait(server) }
        var port = 0
        let deadline = Date().addingTimeInterval(10)
        while port == 0, Date() < deadline {
            port = Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") ?? 0
            usleep(20_000)
        }
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
        let messages = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
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
}
