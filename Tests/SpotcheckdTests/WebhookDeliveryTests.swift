import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Alert transitions delivered by the real spotcheckd to a real HTTP receiver on loopback that
/// checks every Standard Webhooks signature on its own (`Receivers/webhook_receiver.py`), with
/// the receiver down, failing, slow, and the daemon killed or stopped mid-delivery.
@Suite("webhook delivery", .serialized)
struct WebhookDeliveryTests {
    static let secret = "whsec_" + Data("spotcheck-test-secret-0123456789".utf8).base64EncodedString()
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Receivers/webhook_receiver.py").path

    /// The receiver: a Python process answering as its mode file says, logging each request.
    final class Receiver {
        let harness: DaemonHarness
        let log: String
        let modeFile: String
        let portFile: String
        var process: DaemonHarness.Running?
        var port = 0

        init(_ harness: DaemonHarness, mode: String = "ok") throws {
            self.harness = harness
            log = harness.directory.appendingPathComponent("received.jsonl").path
            modeFile = harness.directory.appendingPathComponent("receiver-mode").path
            portFile = harness.directory.appendingPathComponent("receiver-port").path
            try setMode(mode)
        }

        func setMode(_ mode: String) throws { try mode.write(toFile: modeFile, atomically: true, encoding: .utf8) }

        /// Starts it (on `port` when given, else any free port) and waits until it listens.
        func start(port requested: Int? = nil) throws {
            try? FileManager.default.removeItem(atPath: portFile)
            process = try harness.spawn("/usr/bin/python3", [WebhookDeliveryTests.script, WebhookDeliveryTests.secret, log, modeFile, portFile] + (requested.map { [String($0)] } ?? []))
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                    port = value
                    return
                }
                usleep(20_000)
            }
            Issue.record("the receiver did not start: \(process?.stderr ?? "")")
        }

        func stop() {
            guard let process else { return }
            kill(process.pid, SIGKILL)
            _ = harness.wait(process)
            self.process = nil
        }

        /// Every request received, in order.
        var requests: [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        deinit { stop() }
    }

    /// A demo deployment whose configuration routes every alert to the receiver's port.
    static func deployment(port: Int, extra: String = "") throws -> DaemonHarness {
        let harness = try DaemonServiceTests.deployment()
        try configure(harness, port: port, extra: extra)
        return harness
    }

    static func configure(_ harness: DaemonHarness, port: Int, extra: String = "") throws {
        try """
            language: en
            notify:
              webhooks: [ops]
              webhook:
                ops:
                  url: http://127.0.0.1:\(port)/hook
                  secret: \(secret)
              retry_initial_seconds: 0.2
              retry_max_seconds: 1
              timeout_seconds: 1
            \(extra)
            """.write(toFile: harness.configFile, atomically: true, encoding: .utf8)
    }

    /// `spotcheck outbox list --json`'s rows.
    static func outbox(_ harness: DaemonHarness) throws -> [[String: Any]] {
        let listed = try harness.spotcheck(["outbox", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        return ((try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]]) ?? []
    }

    /// Polls the outbox until `done` holds, or `timeout` seconds pass; the last rows read.
    @discardableResult
    static func waitForOutbox(_ harness: DaemonHarness, timeout: Double = 30, _ done: ([[String: Any]]) -> Bool) throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var rows = try outbox(harness)
        while !done(rows), ContinuousClock.now < deadline {
            usleep(200_000)
            rows = try outbox(harness)
        }
        return rows
    }

    static func states(_ rows: [[String: Any]]) -> [String: Int] {
        rows.reduce(into: [:]) { counts, row in counts[row["state"] as? String ?? "?", default: 0] += 1 }
    }

    @Test("every alert transition reaches a Standard Webhooks receiver, signed, once per row id, with its article and fields")
    func delivered() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe)
        try receiver.start()
        let harness = try Self.deployment(port: receiver.port)
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let rows = try Self.waitForOutbox(harness) { rows in !rows.isEmpty && rows.allSatisfy { $0["state"] as? String == "delivered" } }
        #expect(!rows.isEmpty && Self.states(rows) == ["delivered": rows.count], "\(Self.states(rows)); \(daemon.stderr)")
        let requests = receiver.requests
        #expect(requests.count == rows.count, "one request per row: \(requests.count) for \(rows.count)")
        #expect(requests.allSatisfy { $0["valid"] as? Bool == true }, "every signature verifies")
        #expect(Set(requests.compactMap { $0["id"] as? String }) == Set(rows.compactMap { ($0["id"] as? Int).map { "msg_\($0)" } }))
        let alerts = try harness.spotcheck(["alerts", "--json"]).stdout
        let kept = ((try JSONSerialization.jsonObject(with: Data(alerts.utf8)) as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
        #expect(rows.count == kept.count, "one row per alert raised (one destination): \(rows.count) vs \(kept.count)")
        let overdue = try #require(requests.first { ($0["body"] as? [String: Any])?["type"] as? String == "spotcheck.overdue" }, "an overdue alert was sent")
        let body = try #require(overdue["body"] as? [String: Any])
        let data = try #require(body["data"] as? [String: Any])
        #expect([13, 14, 15].contains(data["article"] as? Int ?? 0) && data["kind"] as? String == "overdue" && (data["message"] as? String)?.contains("Art.") == true,
                "\(data)")
        #expect(data["round"] is String && data["deadline"] is String && data["overdue_workdays"] is Int && data["provisional"] is Bool)
        let timestamp = Double(overdue["timestamp"] as? String ?? "") ?? 0
        #expect(abs(timestamp - (try Date(DaemonServiceTests.morning, strategy: .iso8601)).timeIntervalSince1970) < 120,
                "webhook-timestamp is the daemon's wall clock")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("a receiver down, then up: retried with backoff, then every row delivered, each id seen, a repeat only with the same id")
    func receiverDownThenUp() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe)
        try receiver.start()
        let port = receiver.port
        receiver.stop()  // the port is known and nothing listens on it
        let harness = try Self.deployment(port: port, extra: "  max_attempts: 50")
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let failing = try Self.waitForOutbox(harness) { rows in !rows.isEmpty && rows.allSatisfy { ($0["attempts"] as? Int ?? 0) >= 2 } }
        #expect(failing.allSatisfy { $0["state"] as? String != "delivered" && ($0["last_error"] as? String)?.isEmpty == false }, "\(failing.prefix(2))")
        try receiver.start(port: port)
        let rows = try Self.waitForOutbox(harness) { rows in rows.allSatisfy { $0["state"] as? String == "delivered" } }
        #expect(Self.states(rows) == ["delivered": rows.count], "\(Self.states(rows))")
        let requests = receiver.requests
        let ids = Set(rows.compactMap { ($0["id"] as? Int).map { "msg_\($0)" } })
        #expect(Set(requests.compactMap { $0["id"] as? String }) == ids, "each id seen")
        var bodies: [String: String] = [:]
        for request in requests {
            let id = request["id"] as? String ?? ""
            let body = String(decoding: try JSONSerialization.data(withJSONObject: request["body"] ?? NSNull(), options: [.sortedKeys]), as: UTF8.self)
            if let seen = bodies[id] { #expect(seen == body, "a repeat of \(id) is the same message") }
            bodies[id] = body
            #expect(request["valid"] as? Bool == true)
        }
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("a receiver that always answers 500: exactly max_attempts each, then dead with a journal entry; outbox retry re-queues once")
    func deadAfterMaxAttempts() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe, mode: "500")
        try receiver.start()
        let harness = try Self.deployment(port: receiver.port, extra: "  max_attempts: 3")
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let rows = try Self.waitForOutbox(harness) { rows in !rows.isEmpty && rows.allSatisfy { $0["state"] as? String == "dead" } }
        #expect(Self.states(rows) == ["dead": rows.count], "\(Self.states(rows))")
        #expect(rows.allSatisfy { $0["attempts"] as? Int == 3 && ($0["last_error"] as? String)?.contains("HTTP 500") == true })
        var perID: [String: Int] = [:]
        for request in receiver.requests { perID[request["id"] as? String ?? "", default: 0] += 1 }
        #expect(perID.count == rows.count && perID.values.allSatisfy { $0 == 3 }, "exactly 3 attempts each: \(perID.values.sorted().prefix(5))")
        // One journal entry per dead row, with its own MESSAGE_ID and the row's id.
        usleep(300_000)
        let dead = DaemonHarness.entries(daemon.stderr).filter { $0.contains("MESSAGE_ID=6710608b039c4729a4ef063e2ba7a967") }
        #expect(dead.count == rows.count, "\(dead.count) entries for \(rows.count) dead rows")
        let first = try #require(rows.first?["id"] as? Int)
        #expect(dead.contains { $0.contains("OUTBOX_ID=\(first) ") || $0.hasSuffix("OUTBOX_ID=\(first)") }, "the entry names the row")

        try receiver.setMode("ok")
        // As ops would, at the daemon's wall clock (the harness's clock file, not the machine's).
        let retried = try harness.spotcheck(["outbox", "retry", String(first)], now: DaemonServiceTests.morning)
        #expect(retried.status == 0 && retried.stdout.contains("re-queued 1 row"), "\(retried.stdout)\(retried.stderr)")
        let after = try Self.waitForOutbox(harness, timeout: 15) { rows in rows.first { $0["id"] as? Int == first }?["state"] as? String == "delivered" }
        #expect(after.first { $0["id"] as? Int == first }?["state"] as? String == "delivered", "re-queued and delivered")
        #expect(Self.states(after)["dead"] == rows.count - 1, "the others stay dead")
        let again = receiver.requests.filter { $0["id"] as? String == "msg_\(first)" }
        #expect(again.count == 4 && again.last?["status"] as? Int == 200, "one more attempt after the retry: \(again.count)")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("SIGKILL mid-delivery and a restart: the rows left delivering are sent again with the same id; nothing lost, nothing left delivering")
    func killMidDelivery() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe, mode: "slow 4")
        try receiver.start()
        let harness = try Self.deployment(port: receiver.port)
        let first = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let midway = try Self.waitForOutbox(harness, timeout: 10) { rows in (Self.states(rows)["delivering"] ?? 0) > 0 }
        #expect((Self.states(midway)["delivering"] ?? 0) > 0, "caught mid-delivery: \(Self.states(midway))")
        kill(first.pid, SIGKILL)
        _ = harness.wait(first)
        #expect((Self.states(try Self.outbox(harness))["delivering"] ?? 0) > 0, "left delivering by the crash")
        try receiver.setMode("ok")
        let second = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let rows = try Self.waitForOutbox(harness) { rows in rows.allSatisfy { $0["state"] as? String == "delivered" } }
        #expect(Self.states(rows) == ["delivered": rows.count], "\(Self.states(rows)); \(second.stderr)")
        let seen = Set(receiver.requests.compactMap { $0["id"] as? String })
        #expect(seen == Set(rows.compactMap { ($0["id"] as? Int).map { "msg_\($0)" } }), "every row received, by its id")
        kill(second.pid, SIGTERM)
        #expect(harness.wait(second) == 0)
    }

    @Test("SIGTERM mid-batch: STOPPING=1, exit 0 without waiting for the slow receiver, the attempts in flight pending again and not counted")
    func stopMidBatch() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe, mode: "slow 20")
        try receiver.start()
        let harness = try Self.deployment(port: receiver.port)
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let midway = try Self.waitForOutbox(harness, timeout: 10) { rows in (Self.states(rows)["delivering"] ?? 0) > 0 }
        #expect((Self.states(midway)["delivering"] ?? 0) > 0, "caught mid-batch: \(Self.states(midway))")
        let stopped = ContinuousClock.now
        kill(daemon.pid, SIGTERM)
        #expect(harness.notifications(until: "STOPPING=1").last?.contains("STOPPING=1") == true)
        #expect(harness.wait(daemon) == 0, "a clean exit: \(daemon.stderr)")
        #expect(ContinuousClock.now - stopped < .seconds(10), "without waiting out the receiver's 20 s")
        let rows = try Self.outbox(harness)
        #expect(Self.states(rows)["delivering"] == nil, "nothing left delivering: \(Self.states(rows))")
        #expect(rows.allSatisfy { $0["state"] as? String == "pending" && $0["attempts"] as? Int == 0 }, "the cut attempts are not counted")
    }

    @Test("notify configuration: --check-config exits 78 naming the key (no URL, a secret that is not whsec_, an unknown kind, mail without a server, AUTH without STARTTLS); the URL from the environment; the address drop-in")
    func notifyConfiguration() throws {
        let harness = try DaemonHarness()
        func check(_ yaml: String, _ extra: [String: String] = [:]) throws -> (Int32?, String) {
            try yaml.write(toFile: harness.configFile, atomically: true, encoding: .utf8)
            let run = try harness.spawn(DaemonHarness.daemon, ["--check-config"], extra: extra)
            return (harness.wait(run), run.stderr)
        }
        let base = "notify:\n  webhooks: [ops]\n  webhook:\n    ops:\n"
        let missing = try check(base + "      secret: \(Self.secret)\n")
        #expect(missing.0 == 78 && missing.1.contains("notify.webhook.ops.url"), "\(missing.1)")
        let fromEnvironment = try check(base + "      secret: \(Self.secret)\n", ["SPOTCHECK_NOTIFY_WEBHOOK_OPS_URL": "https://hooks.example.org/spotcheck"])
        #expect(fromEnvironment.0 == 0, "the URL from SPOTCHECK_NOTIFY_WEBHOOK_OPS_URL: \(fromEnvironment.1)")
        let badSecret = try check(base + "      url: https://hooks.example.org/x\n      secret: hunter2\n")
        #expect(badSecret.0 == 78 && badSecret.1.contains("notify.webhook.ops.secret"), "\(badSecret.1)")
        let badKind = try check(base + "      url: https://hooks.example.org/x\n      secret: \(Self.secret)\n      kinds: [overdue, late]\n")
        #expect(badKind.0 == 78 && badKind.1.contains("notify.webhook.ops.kinds") && badKind.1.contains("late"), "\(badKind.1)")
        try "s3cr3t-in-a-file".write(toFile: harness.directory.appendingPathComponent("robot.secret").path, atomically: true, encoding: .utf8)
        let robot = try check(base + "      url: https://oapi.dingtalk.com/robot/send?access_token=x\n      format: dingtalk\n      secret_file: \(harness.directory.path)/robot.secret\n")
        #expect(robot.0 == 0, "\(robot.1)")
        let unreadable = try check(base + "      url: https://oapi.dingtalk.com/robot/send\n      format: dingtalk\n      secret_file: /nonexistent/secret\n")
        #expect(unreadable.0 == 78 && unreadable.1.contains("notify.webhook.ops.secret_file"), "\(unreadable.1)")

        let noServer = try check("notify:\n  mailboxes: [leaders]\n  mailbox:\n    leaders:\n      to: [leader@example.org]\n")
        #expect(noServer.0 == 78 && noServer.1.contains("notify.mail.smtp.host"), "\(noServer.1)")
        let clearPassword = try check("notify:\n  mail:\n    smtp:\n      host: mail.example.org\n      from: a@example.org\n      starttls: false\n      username: u\n      password: p\n")
        #expect(clearPassword.0 == 78 && clearPassword.1.contains("notify.mail.smtp.starttls"), "never AUTH in the clear: \(clearPassword.1)")
        let badRecipient = try check("notify:\n  mail:\n    smtp:\n      host: mail.example.org\n      from: a@example.org\n  mailboxes: [leaders]\n  mailbox:\n    leaders:\n      to: [not-an-address]\n")
        #expect(badRecipient.0 == 78 && badRecipient.1.contains("notify.mailbox.leaders.to"), "\(badRecipient.1)")

        // The drop-in that opens the unit's IPAddressDeny=any to the configured receivers.
        try (base + "      url: http://127.0.0.1:9/x\n      secret: \(Self.secret)\n").write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let allow = try harness.spawn(DaemonHarness.daemon, ["--address-allow"])
        #expect(harness.wait(allow) == 0)
        let dropIn = (try? String(contentsOfFile: allow.stderrPath.replacingOccurrences(of: ".stderr", with: ".stdout"), encoding: .utf8)) ?? ""
        let line = dropIn.split(separator: "\n").first { $0.hasPrefix("IPAddressAllow=") } ?? ""
        #expect(dropIn.contains("[Service]") && line.split(separator: " ").contains("127.0.0.1") && line.hasPrefix("IPAddressAllow=localhost"), "\(dropIn)")
    }

    @Test("a WeCom robot: delivered on errcode 0, 20 a minute and the rest held (not counted); quiet hours hold robots, not standard webhooks, and let escalations pass")
    func robotsAndQuietHours() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe, mode: "errcode 0")
        try receiver.start()
        let harness = try DaemonServiceTests.deployment()
        try """
            language: en
            notify:
              webhooks: [robot]
              webhook:
                robot:
                  url: http://127.0.0.1:\(receiver.port)/robot?key=k
                  format: wecom
            """.write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let limited = try Self.waitForOutbox(harness, timeout: 15) { rows in Self.states(rows)["delivered"] == 20 && Self.states(rows)["delivering"] == nil }
        #expect(limited.count > 20 && Self.states(limited) == ["delivered": 20, "pending": limited.count - 20], "\(Self.states(limited))")
        #expect(limited.filter { $0["state"] as? String == "pending" }.allSatisfy { $0["attempts"] as? Int == 0 }, "held, not failed")
        let markdown = try #require(receiver.requests.first?["body"] as? [String: Any])
        #expect(markdown["msgtype"] as? String == "markdown" && ((markdown["markdown"] as? [String: Any])?["content"] as? String)?.hasPrefix("### ") == true)
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)

        // Friday night: a robot and a standard webhook, quiet hours 20:00-08:00 letting escalations pass.
        let night = try DaemonServiceTests.deployment()
        try night.setClock("2026-11-20T21:00:00+08:00")
        try """
            language: en
            notify:
              webhooks: [robot, ops]
              webhook:
                robot:
                  url: http://127.0.0.1:\(receiver.port)/robot?key=k
                  format: wecom
                  kinds: [escalated, overdue]
                ops:
                  url: http://127.0.0.1:\(receiver.port)/hook
                  secret: \(Self.secret)
                  kinds: [escalated, overdue]
              quiet_hours: "20:00-08:00"
              quiet_hours_pass: [escalated]
            """.write(toFile: night.configFile, atomically: true, encoding: .utf8)
        let second = try night.startDaemon()
        _ = night.notifications(until: "READY=1")
        let rows = try Self.waitForOutbox(night, timeout: 15) { rows in
            !rows.isEmpty && rows.allSatisfy { $0["state"] as? String == "delivered" || ($0["state"] as? String == "pending" && ($0["last_error"] as? String)?.contains("quiet") == true) }
        }
        let ops = rows.filter { $0["destination"] as? String == "webhook:ops" }
        let robot = rows.filter { $0["destination"] as? String == "webhook:robot" }
        #expect(!ops.isEmpty && ops.allSatisfy { $0["state"] as? String == "delivered" }, "a standard webhook is never held")
        #expect(robot.filter { $0["kind"] as? String == "escalated" }.allSatisfy { $0["state"] as? String == "delivered" })
        let held = robot.filter { $0["kind"] as? String == "overdue" }
        #expect(!held.isEmpty && held.allSatisfy { $0["state"] as? String == "pending" && $0["attempts"] as? Int == 0 }, "\(held.prefix(1))")
        #expect(held.allSatisfy { ($0["next_attempt_at"] as? String)?.hasPrefix("2026-11-23T00:00:00") == true }, "until Monday 08:00 CST: \(held.first?["next_attempt_at"] ?? "")")
        kill(second.pid, SIGTERM)
        #expect(night.wait(second) == 0)
    }

    @Test("a routing change takes effect on SIGHUP: rows failing against a wrong URL are delivered once the reloaded one is right")
    func routingReload() throws {
        let probe = try DaemonHarness()
        let receiver = try Receiver(probe)
        try receiver.start()
        let harness = try Self.deployment(port: receiver.port + 1, extra: "  max_attempts: 100")  // nothing listens there
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let failing = try Self.waitForOutbox(harness) { rows in !rows.isEmpty && rows.allSatisfy { ($0["attempts"] as? Int ?? 0) >= 1 && $0["state"] as? String == "pending" } }
        #expect(!failing.isEmpty && receiver.requests.isEmpty)
        try Self.configure(harness, port: receiver.port, extra: "  max_attempts: 100")
        kill(daemon.pid, SIGHUP)
        _ = harness.notifications(until: "READY=1")
        let rows = try Self.waitForOutbox(harness) { rows in rows.allSatisfy { $0["state"] as? String == "delivered" } }
        #expect(Self.states(rows) == ["delivered": rows.count] && Set(receiver.requests.compactMap { $0["id"] as? String }).count == rows.count, "\(Self.states(rows))")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }
}
