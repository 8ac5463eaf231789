public import Foundation
import NIOCore
import NIOPosix
import NIOSSL
public import Supervision

/// Why a message was not sent: retried (a 4xx reply, a dropped or refused connection, a
/// timeout) or given up (a 5xx reply, a server that will not secure the session).
public enum SMTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case transient(String)
    case permanent(String)

    public var description: String {
        switch self {
        case let .transient(message), let .permanent(message): message
        }
    }
}

/// Sends one message over SMTP (RFC 5321): EHLO, STARTTLS (required unless configured off;
/// AUTH is never sent in the clear), AUTH PLAIN or LOGIN, MAIL, RCPT, DATA with dot-stuffing,
/// QUIT. Written on SwiftNIO and NIOSSL by hand because no maintained Swift SMTP library builds
/// on this machine's packages; the conversation is a short, strict exchange of reply lines.
public enum SMTPClient {
    /// One session for `message`; throws ``SMTPFailure``.
    public static func send(_ message: MailMessage, settings: SMTPSettings, timeout: TimeInterval) async throws(SMTPFailure) {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(min(timeout, 30) * 1000)))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            throw .transient("cannot connect to \(settings.host):\(settings.port): \(error)")
        }
        // The whole session is bounded: a server that stops answering is cut off and retried.
        let deadline = channel.channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(inbound: inbound.makeAsyncIterator(), outbound: outbound, host: settings.host)
                try await session.converse(message, settings: settings, channel: channel.channel)
            }
        } catch let failure as SMTPFailure {
            throw failure
        } catch {
            throw .transient("SMTP session with \(settings.host) ended: \(error)")
        }
    }

    /// A reply: its code and its lines' text.
    struct Reply {
        var code: Int
        var lines: [String]
        var text: String { "\(code) " + lines.joined(separator: " / ") }
    }

    struct Session {
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        let host: String
        var buffer: [UInt8] = []

        init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, host: String) {
            self.inbound = inbound
            self.outbound = outbound
            self.host = host
        }

        mutating func line() async throws -> String {
            while true {
                if let end = buffer.firstIndex(of: 10) {
                    let line = buffer[..<end].last == 13 ? buffer[..<(end - 1)] : buffer[..<end]
                    defer { buffer.removeSubrange(...end) }
                    return String(decoding: line, as: UTF8.self)
                }
                guard let chunk = try await inbound.next() else { throw SMTPFailure.transient("\(host) closed the connection") }
                buffer += chunk.readableBytesView
            }
        }

        /// Reads one (possibly multi-line) reply.
        mutating func reply() async throws -> Reply {
            var lines: [String] = []
            while true {
                let text = try await line()
                let bytes = Array(text.utf8)
                guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
                    throw SMTPFailure.transient("\(host) answered \"\(text)\", not an SMTP reply")
                }
                lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
                if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") { return Reply(code: code, lines: lines) }
            }
        }

        mutating func send(_ command: String) async throws { try await outbound.write(ByteBuffer(string: command + "\r\n")) }

        /// Sends `command` and reads the reply; a reply outside `expected` fails: 4xx transient, 5xx permanent.
        @discardableResult
        mutating func command(_ command: String, expect expected: Set<Int>, shown: String? = nil) async throws -> Reply {
            try await send(command)
            return try check(await reply(), expected, after: shown ?? command)
        }

        func check(_ reply: Reply, _ expected: Set<Int>, after command: String) throws -> Reply {
            if expected.contains(reply.code) { return reply }
            let message = "\(host) answered \(reply.text) to \(command)"
            throw (400..<500).contains(reply.code) ? SMTPFailure.transient(message) : SMTPFailure.permanent(message)
        }

        mutating func converse(_ message: MailMessage, settings: SMTPSettings, channel: any Channel) async throws {
            _ = try check(await reply(), [220], after: "connecting")
            let helo = settings.heloName ?? message.senderDomain
            var extensions = try await command("EHLO \(helo)", expect: [250]).lines.map { $0.uppercased() }
            var secured = false
            if settings.starttls {
                guard extensions.contains(where: { $0 == "STARTTLS" || $0.hasPrefix("STARTTLS ") }) else {
                    throw SMTPFailure.permanent("\(host) does not offer STARTTLS, which notify.mail.smtp.starttls requires")
                }
                try await command("STARTTLS", expect: [220])
                var configuration = TLSConfiguration.makeClientConfiguration()
                if let caFile = settings.caFile { configuration.trustRoots = .file(caFile) }
                let context: NIOSSLContext
                do {
                    context = try NIOSSLContext(configuration: configuration)
                } catch {
                    throw SMTPFailure.permanent("TLS cannot be set up: \(error)")
                }
                // SNI and the name checked: the host, unless it is an address (then the chain only).
                let name = host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) ? nil : host
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name), position: .first)
                }.get()
                secured = true
                extensions = try await command("EHLO \(helo)", expect: [250]).lines.map { $0.uppercased() }
            }
            if let username = settings.username {
                // Never a password in the clear.
                guard secured else { throw SMTPFailure.permanent("refusing AUTH over a connection without TLS") }
                let password = settings.password ?? ""
                let mechanisms = extensions.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }?.dropFirst(5).split(separator: " ").map(String.init) ?? []
                if mechanisms.contains("PLAIN") {
                    let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                    try await command("AUTH PLAIN \(token)", expect: [235], shown: "AUTH PLAIN")
                } else if mechanisms.contains("LOGIN") {
                    try await command("AUTH LOGIN", expect: [334])
                    try await command(Data(username.utf8).base64EncodedString(), expect: [334], shown: "AUTH LOGIN (user)")
                    try await command(Data(password.utf8).base64EncodedString(), expect: [235], shown: "AUTH LOGIN (password)")
                } else {
                    throw SMTPFailure.permanent("\(host) offers neither AUTH PLAIN nor AUTH LOGIN")
                }
            }
            try await command("MAIL FROM:<\(MailMessage.address(settings.from))>", expect: [250])
            var accepted = 0
            var refused: [String] = []
            for recipient in message.to {
                try await send("RCPT TO:<\(MailMessage.address(recipient))>")
                let reply = try await reply()
                switch reply.code {
                case 250, 251: accepted += 1
                case 400..<500: throw SMTPFailure.transient("\(host) answered \(reply.text) to RCPT TO \(recipient)")
                default: refused.append("\(recipient): \(reply.text)")
                }
            }
            guard accepted > 0 else { throw SMTPFailure.permanent("\(host) refused every recipient: \(refused.joined(separator: "; "))") }
            try await command("DATA", expect: [354])
            try await outbound.write(ByteBuffer(bytes: MailMessage.dotStuffed(message.rendered)))
            _ = try check(await reply(), [250], after: "the message (DATA)")
            try? await send("QUIT")
        }
    }
}
