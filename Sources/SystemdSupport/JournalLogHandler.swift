import CSystemd
import Glibc
public import Logging

/// A swift-log handler that writes each entry to the systemd journal as structured fields,
/// through sd_journal_sendv(3) (Swift cannot call the variadic sd_journal_send).
///
/// Fields: `MESSAGE`, `PRIORITY` (from the level), `SYSLOG_IDENTIFIER`, `CODE_FILE`,
/// `CODE_LINE`, `CODE_FUNC`, and every metadata key as a field of its own, upper-cased with
/// characters other than A–Z, 0–9 and `_` turned into `_` (journal field names allow no others).
/// Metadata given to the handler and to the call merge, the call's winning.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let identifier: String

    public init(identifier: String) {
        self.identifier = identifier
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, call in call }
        for key in merged.keys.sorted() {
            // The fields set above are the handler's own: metadata cannot replace or repeat them.
            guard let name = Self.fieldName(key), !Self.reserved.contains(name) else { continue }
            fields.append("\(name)=\(merged[key]!)")
        }
        // The journal refused the entry (journald stopped, its socket gone): stderr, never nothing.
        if Self.send(fields) < 0 {
            var fallback = StderrLogHandler(identifier: identifier)
            fallback.metadata = metadata
            fallback.log(event: event)
        }
    }

    /// Sends `NAME=value` fields as one journal entry; values may hold any bytes, newlines too.
    /// Returns sd_journal_sendv's result: negative (an errno) when the entry was not sent.
    @discardableResult
    public static func send(_ fields: [String]) -> Int32 {
        let bytes = fields.map { Array($0.utf8) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.reduce(0) { $0 + $1.count }, 1), alignment: 1)
        defer { storage.deallocate() }
        var vectors: [iovec] = []
        vectors.reserveCapacity(bytes.count)
        var offset = 0
        for field in bytes {
            let slice = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + field.count)])
            slice.copyBytes(from: field)
            vectors.append(iovec(iov_base: slice.baseAddress, iov_len: field.count))
            offset += field.count
        }
        return vectors.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
    }

    static let reserved: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC"]

    /// syslog priorities, as journalctl -p filters them.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A journal field name for a metadata key, or `nil` if nothing usable is left.
    static func fieldName(_ key: String) -> String? {
        var name = String(key.uppercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" ? $0 : "_" })
        while name.hasPrefix("_") { name.removeFirst() }  // a leading _ is reserved for the journal's own fields
        guard let first = name.first, !first.isNumber else { return nil }
        return String(name.prefix(64))
    }
}
