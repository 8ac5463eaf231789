public import Foundation
import Synchronization
import SystemdSupport

/// The wall clock the scheduler reads: the machine's, or for tests a clock file holding an
/// ISO-8601 instant that then runs on with real time. Rewriting the file steps the clock, which
/// the scheduler sees as it sees the machine's clock being set (its directory is watched), so
/// tests move time without touching the machine's clock.
public final class DaemonClock: Sendable {
    /// The file, for a test clock.
    public let file: String?
    /// Seconds to add to the machine's wall clock.
    private let offset: Mutex<Double>

    public init(file: String? = nil) throws {
        self.file = file
        offset = Mutex(0)
        if file != nil { try reload() }
    }

    /// Now, on this clock.
    public func now() -> Date { Date(timeIntervalSince1970: WallClockTimer.systemNow() + offset.withLock { $0 }) }

    /// The machine's wall-clock instant (seconds since the epoch) at which this clock shows `date`:
    /// what the timer is armed with.
    public func machineInstant(for date: Date) -> Double { date.timeIntervalSince1970 - offset.withLock { $0 } }

    /// Reads the clock file again (after it changed).
    public func reload() throws {
        guard let file else { return }
        let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let instant = try? Date(text, strategy: .iso8601) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: file, NSLocalizedDescriptionKey: "\(file): \"\(text)\" is not an ISO-8601 instant"])
        }
        offset.withLock { $0 = instant.timeIntervalSince1970 - WallClockTimer.systemNow() }
    }
}
