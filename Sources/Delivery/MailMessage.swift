public import Foundation

/// An email as SMTP's DATA carries it: RFC 5322 headers (non-ASCII words per RFC 2047), a MIME
/// multipart/alternative body with a text and an HTML part (UTF-8, quoted-printable, so a
/// message stays 7-bit whatever the server), CRLF line ends. Pure.
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    /// `<…@…>`, the same on every retry, so that a mailbox recognises a repeat.
    public var messageID: String
    public var date: Date

    public init(from: String, to: [String], subject: String, text: String, html: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    /// The bare address of `Name <address>` or `address`.
    public static func address(_ mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return mailbox.trimmingCharacters(in: .whitespaces)
    }

    /// The domain of the sender's address, for Message-ID and EHLO defaults.
    public var senderDomain: String { Self.domain(of: from) }

    /// The domain of `Name <address>` or `address`.
    public static func domain(of mailbox: String) -> String {
        address(mailbox).split(separator: "@").last.map(String.init) ?? "localhost"
    }

    /// The message, ready for DATA (before dot-stuffing).
    public var rendered: [UInt8] {
        // The same on every retry: from the Message-ID's letters and digits ('=_' never occurs in quoted-printable text).
        let boundary = "=_spotcheck_" + String(messageID.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }.map(Character.init).suffix(40)) + "_alt"
        var lines = [
            "From: " + Self.mailboxHeader(from),
            "To: " + to.map(Self.mailboxHeader).joined(separator: ",\r\n "),
            "Subject: " + Self.encodedWords(subject),
            "Date: " + Self.rfc5322Date(date),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
            "",
            "This is a MIME message in two parts: text and HTML.",
            "--" + boundary,
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            Self.quotedPrintable(text),
            "--" + boundary,
            "Content-Type: text/html; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            Self.quotedPrintable(html),
            "--" + boundary + "--",
            "",
        ]
        lines = lines.flatMap { $0.components(separatedBy: "\r\n") }
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `Name <address>` with the name as encoded words when it is not plain ASCII.
    static func mailboxHeader(_ mailbox: String) -> String {
        let address = Self.address(mailbox)
        guard let open = mailbox.lastIndex(of: "<") else { return address }
        let name = mailbox[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        if name.isEmpty { return "<\(address)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && !"\"\\".unicodeScalars.contains($0) }
        return (plain ? "\"\(name)\"" : encodedWords(name)) + " <\(address)>"
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words (each at most 75 characters, split between characters,
    /// folded), or the text itself when it is printable ASCII.
    public static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) && text.utf8.count <= 900 { return text }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7): lines as given, CRLF, at most 76 characters with soft breaks.
    public static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var encoded: [UInt8] = []
            var width = 0
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !last)
                let piece: [UInt8] = literal ? [byte] : [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                if width + piece.count > 75 {
                    encoded += [61, 13, 10]  // soft line break
                    width = 0
                }
                encoded += piece
                width += piece.count
            }
            output.append(String(decoding: encoded, as: UTF8.self))
        }
        return output.joined(separator: "\r\n")
    }

    /// `Tue, 01 Dec 2026 16:30:00 +0800` (Asia/Shanghai).
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// DATA's payload: every line starting with "." gets another (RFC 5321 §4.5.2), then the
    /// terminating CRLF.CRLF.
    public static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + 64)
        var lineStart = true
        for byte in message {
            if lineStart && byte == UInt8(ascii: ".") { output.append(byte) }
            output.append(byte)
            lineStart = byte == 10
        }
        if !(output.suffix(2) == [13, 10]) { output += [13, 10] }
        output += Array(".\r\n".utf8)
        return output
    }
}
