import Delivery
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Supervision
import Testing

/// The SMTP client against real servers on loopback: Debian's aiosmtpd (STARTTLS, AUTH, the
/// message parsed back by Python's standard MIME parser) and postfix's smtp-sink (soft and hard
/// refusals, a dropped connection). The sessions' time limit is generous: the other suites
/// block the test process's two cooperative threads for seconds at a time, which delays these
/// sessions' continuations, not the servers.
@Suite("SMTP", .serialized)
struct SMTPClientTests {
    static let receivers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Receivers")

    /// A scratch directory with a self-signed certificate for localhost.
    final class Scratch {
        let directory = URL(fileURLWithPath: "/tmp/spotcheck-smtp-\(UUID().uuidString.prefix(8))")
        var processes: [Process] = []
        var certificate: String { directory.appendingPathComponent("cert.pem").path }
        var key: String { directory.appendingPathComponent("key.pem").path }
        var log: String { directory.appendingPathComponent("received.jsonl").path }

        init() throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let openssl = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                                                       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", certificate])
            openssl.waitUntilExit()
            #expect(openssl.terminationStatus == 0, "a test certificate")
        }

        deinit {
            for process in processes where process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: directory)
        }

        @discardableResult
        func run(_ executable: String, _ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            processes.append(process)
            return process
        }

        /// Starts aiosmtpd; its port.
        func aiosmtpd(starttls: Bool = true) throws -> Int {
            let portFile = directory.appendingPathComponent("port-\(UUID().uuidString.prefix(4))").path
            try run("/usr/bin/python3", [SMTPClientTests.receivers.appendingPathComponent("smtp_server.py").path, certificate, key, "clerk", "s3cret", log, portFile]
                    + (starttls ? [] : ["--no-starttls"]))
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) { return port }
                usleep(20_000)
            }
            Issue.record("aiosmtpd did not start")
            return 0
        }

        /// Starts postfix's smtp-sink with `options`; its port.
        func smtpSink(_ options: [String]) throws -> Int {
            let port = Self.freePort()
            // As root, smtp-sink drops to another user once it listens (and insists on being told which).
            try run("/usr/sbin/smtp-sink", (geteuid() == 0 ? ["-u", "nobody"] : []) + options + ["127.0.0.1:\(port)", "10"])
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if Self.listening(port) { return port }
                usleep(20_000)
            }
            Issue.record("smtp-sink did not start")
            return port
        }

        static func freePort() -> Int {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func listening(_ port: Int) -> Bool {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: UInt16(port).bigEndian, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
            return withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
        }

        var received: [[String: Any]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    static let text = """
        银川市律师事务所检查报告逾期（第十三条）
        .a line that starts with a dot
        ..and one with two
        .
        end
        """

    static func message() -> MailMessage {
        MailMessage(from: "SpotCheck 双随机 <spotcheck@example.org>", to: ["领导 <leader@example.org>", "ops@example.org"],
                    subject: "[SpotCheck] 报告逾期：R-2026-640100-lawfirm-01 已逾期 5 个工作日（第十三条）", text: text,
                    html: "<html><body><p style=\"color:#a00\">报告逾期 &amp; 第十三条</p><div style=\"width:40%;background:#c33\">&nbsp;</div></body></html>",
                    messageID: "<spotcheck-outbox-42@example.org>", date: Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test("STARTTLS then AUTH, and the message parsed back by a standard MIME parser: Chinese subject, lines starting with a dot, the HTML part intact")
    func startTLSAndAuth() async throws {
        let scratch = try Scratch()
        let port = try scratch.aiosmtpd()
        let settings = SMTPSettings(host: "localhost", port: port, username: "clerk", password: "s3cret", from: "SpotCheck 双随机 <spotcheck@example.org>",
                                    caFile: scratch.certificate)
        try await SMTPClient.send(Self.message(), settings: settings, timeout: 120)
        let received = try #require(scratch.received.first)
        #expect(received["tls"] as? Bool == true && received["auth"] as? String == "clerk", "\(received)")
        #expect(received["subject"] as? String == Self.message().subject)
        #expect(received["from"] as? String == "SpotCheck 双随机 <spotcheck@example.org>")
        #expect(received["mail_from"] as? String == "spotcheck@example.org" && received["rcpt_tos"] as? [String] == ["leader@example.org", "ops@example.org"])
        #expect(received["message_id"] as? String == "<spotcheck-outbox-42@example.org>")
        #expect(received["content_type"] as? String == "multipart/alternative")
        let text = (received["text"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.trimmingCharacters(in: .newlines) == Self.text, "the text part, dots and all: \(text)")
        #expect((received["html"] as? String)?.contains("<div style=\"width:40%;background:#c33\">&nbsp;</div>") == true)
        #expect((received["date"] as? String)?.hasSuffix("+0800") == true)
    }

    @Test("a server that does not offer STARTTLS gets nothing, and AUTH is never sent in the clear")
    func noStartTLS() async throws {
        let scratch = try Scratch()
        let port = try scratch.aiosmtpd(starttls: false)
        let required = SMTPSettings(host: "127.0.0.1", port: port, from: "spotcheck@example.org")
        await #expect(throws: SMTPFailure.permanent("127.0.0.1 does not offer STARTTLS, which notify.mail.smtp.starttls requires")) {
            try await SMTPClient.send(Self.message(), settings: required, timeout: 120)
        }
        let clear = SMTPSettings(host: "127.0.0.1", port: port, starttls: false, username: "clerk", password: "s3cret", from: "spotcheck@example.org")
        await #expect(throws: SMTPFailure.permanent("refusing AUTH over a connection without TLS")) {
            try await SMTPClient.send(Self.message(), settings: clear, timeout: 120)
        }
        #expect(scratch.received.isEmpty)
        // Without AUTH, to a relay on loopback with STARTTLS off: delivered.
        let relay = SMTPSettings(host: "127.0.0.1", port: port, starttls: false, from: "spotcheck@example.org")
        try await SMTPClient.send(Self.message(), settings: relay, timeout: 120)
        #expect(scratch.received.count == 1 && scratch.received[0]["tls"] as? Bool == false)
    }

    @Test("smtp-sink: a 4xx is transient, a 5xx permanent, a dropped connection and a refused one transient")
    func refusals() async throws {
        let scratch = try Scratch()
        func send(_ options: [String]) async -> SMTPFailure? {
            let port = (try? scratch.smtpSink(options)) ?? 0
            do {
                try await SMTPClient.send(Self.message(), settings: SMTPSettings(host: "127.0.0.1", port: port, starttls: false, from: "spotcheck@example.org"), timeout: 120)
                return nil
            } catch {
                return error
            }
        }
        #expect(await send([]) == nil, "smtp-sink accepts by default")
        guard case .transient(let soft)? = await send(["-r", "RCPT"]) else { Issue.record("4xx to RCPT is transient"); return }
        #expect(soft.contains("RCPT") && soft.contains(" 4"))
        guard case .permanent(let hard)? = await send(["-f", "."]) else { Issue.record("5xx to the message is permanent"); return }
        #expect(hard.contains("DATA") && hard.contains(" 5"))
        guard case .transient? = await send(["-q", "MAIL"]) else { Issue.record("a dropped connection is transient"); return }
        guard case .transient? = await send(["-Q", "DATA"]) else { Issue.record("421 is transient"); return }
        let closed = Scratch.freePort()
        do {
            try await SMTPClient.send(Self.message(), settings: SMTPSettings(host: "127.0.0.1", port: closed, starttls: false, from: "spotcheck@example.org"), timeout: 5)
            Issue.record("nothing listens on \(closed)")
        } catch {
            guard case .transient = error else { Issue.record("a refused connection is transient: \(error)"); return }
        }
    }

    @Test("the rendered message: CRLF lines, RFC 2047 words under 76 characters, quoted-printable lines under 77, dot-stuffing and the end marker")
    func rendering() {
        let rendered = String(decoding: Self.message().rendered, as: UTF8.self)
        let lines = rendered.components(separatedBy: "\r\n")
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) }, "7-bit")
        let stuffed = String(decoding: MailMessage.dotStuffed(Self.message().rendered), as: UTF8.self)
        #expect(stuffed.hasSuffix("\r\n.\r\n") && stuffed.contains("\r\n..a line that starts") && stuffed.contains("\r\n...and one"))
        #expect(MailMessage.encodedWords("plain ascii") == "plain ascii")
    }
}
