import CSystemd
import Glibc

/// Tells the service manager how the daemon stands, through sd_notify(3). Outside systemd
/// (`$NOTIFY_SOCKET` unset) every call does nothing.
public struct ServiceNotifier: Sendable {
    public init() {}

    /// Whether a service manager listens.
    public var isListening: Bool { getenv("NOTIFY_SOCKET") != nil }

    /// Sends `KEY=value` assignments in one datagram, in order.
    public func send(_ assignments: [(key: String, value: String)]) {
        guard isListening, !assignments.isEmpty else { return }
        let text = assignments.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        _ = sd_notify(0, text)
    }

    /// Start-up is complete, with the one-line status.
    public func ready(status: String) { send([("READY", "1"), ("STATUS", status)]) }
    /// The one-line summary `systemctl status` shows.
    public func status(_ line: String) { send([("STATUS", line)]) }
    /// The scheduler loop is alive (WatchdogSec=).
    public func watchdog() { send([("WATCHDOG", "1")]) }
    /// A reload began: RELOADING=1 with the monotonic time, in one message (sd_notify(3), Type=notify-reload).
    public func reloading() { send([("RELOADING", "1"), ("MONOTONIC_USEC", String(Self.monotonicMicroseconds()))]) }
    /// The daemon is stopping.
    public func stopping(status: String) { send([("STOPPING", "1"), ("STATUS", status)]) }

    /// The watchdog period systemd expects pings within, if it set one (sd_watchdog_enabled(3)).
    public static func watchdogPeriod() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds))
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
