import Glibc
public import Logging

/// A swift-log handler for a daemon run by hand: one line per entry on stderr, the level, the
/// message, then the structured fields as `KEY=value`, the same fields the journal gets.
public struct StderrLogHandler: LogHandler {
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
        let merged = metadata.merging(event.metadata ?? [:]) { _, call in call }
        var line = "\(identifier): \(event.level) \(event.message)"
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        line += "\n"
        // One write(2) per line, so that lines from several tasks never interleave.
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Where the daemon's log goes.
public enum LogDestination: String, CaseIterable, Sendable {
    case journal
    case stderr
    /// The journal when stderr is already connected to it (systemd.exec(5): `$JOURNAL_STREAM`
    /// holds the device and inode of that stream), stderr otherwise.
    case auto

    /// `journal` or `stderr`, with `auto` decided.
    public var resolved: LogDestination {
        guard self == .auto else { return self }
        return Self.stderrIsJournal() ? .journal : .stderr
    }

    /// Where journald takes native entries (sd_journal_sendv(3) writes there).
    public static let journalSocket = "/run/systemd/journal/socket"

    /// Whether journald's socket is there: without it, sd_journal_sendv drops entries and reports
    /// success ("fail silently if the journal is not available").
    public static func journalAvailable() -> Bool { access(journalSocket, F_OK) == 0 }

    /// Whether stderr is the journal stream systemd connected (`$JOURNAL_STREAM` = "DEVICE:INODE").
    public static func stderrIsJournal() -> Bool {
        guard let text = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}
