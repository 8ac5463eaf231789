import CSystemd
import Glibc

/// A one-shot timer on the wall clock (`timerfd` on `CLOCK_REALTIME`, armed with an absolute
/// time and `TFD_TIMER_CANCEL_ON_SET`): it fires at a civil instant even across suspend, and a
/// clock step cancels it at once so that the caller can plan again. Hand-written because no
/// Swift library wraps timerfd. Its calls are system calls on one descriptor, so arming from one
/// thread while another reads is safe; ``EventWaiter`` does just that.
public final class WallClockTimer {
    /// What a read of the timer found.
    public enum Event: Equatable, Sendable {
        /// The time armed for has come.
        case expired
        /// The wall clock was set (stepped, or resumed from suspend) before the time came.
        case clockChanged
        /// Nothing yet.
        case none
    }

    /// The descriptor to wait on with poll(2); readable when an event is pending.
    public let fileDescriptor: Int32

    public init() throws(SystemError) {
        let descriptor = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC | TFD_NONBLOCK))
        guard descriptor >= 0 else { throw SystemError("timerfd_create", errno) }
        fileDescriptor = descriptor
    }

    deinit { close(fileDescriptor) }

    /// Arms the timer for `instant`, in seconds since the epoch on the wall clock (an instant in
    /// the past fires at once).
    public func arm(at instant: Double) throws(SystemError) {
        let seconds = instant.rounded(.down)
        var value = itimerspec()
        value.it_value.tv_sec = Int(max(seconds, 0))
        value.it_value.tv_nsec = Int(max(instant - seconds, 0) * 1_000_000_000)
        if value.it_value.tv_sec == 0 && value.it_value.tv_nsec == 0 { value.it_value.tv_nsec = 1 }  // zero would disarm
        guard timerfd_settime(fileDescriptor, Int32(TFD_TIMER_ABSTIME) | Int32(TFD_TIMER_CANCEL_ON_SET), &value, nil) == 0 else {
            throw SystemError("timerfd_settime", errno)
        }
    }

    /// Disarms the timer.
    public func disarm() {
        var value = itimerspec()
        _ = timerfd_settime(fileDescriptor, 0, &value, nil)
    }

    /// Reads the pending event, if any; does not block.
    public func read() -> Event {
        var expirations: UInt64 = 0
        let count = Glibc.read(fileDescriptor, &expirations, MemoryLayout<UInt64>.size)
        if count == MemoryLayout<UInt64>.size { return .expired }
        if count < 0 && errno == ECANCELED { return .clockChanged }
        return .none
    }

    /// Seconds since the epoch on the system's wall clock.
    public static func systemNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}

/// A failed system call: its name and errno.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var code: Int32
    public init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
    }
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
