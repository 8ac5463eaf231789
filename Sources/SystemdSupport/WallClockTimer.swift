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

    /// The timerfd_settime(2) call on a descriptor with flags and a one-shot expiry (seconds and
    /// nanoseconds), returning 0 or the errno. A value so that a test can have it report
    /// `ECANCELED`: the real call does that only after the machine's clock was set, which a test
    /// must never do.
    public typealias SetTime = @Sendable (_ descriptor: Int32, _ flags: Int32, _ seconds: Int, _ nanoseconds: Int) -> Int32

    /// The system's timerfd_settime(2).
    public static let systemSetTime: SetTime = { descriptor, flags, seconds, nanoseconds in
        var value = itimerspec()
        value.it_value.tv_sec = seconds
        value.it_value.tv_nsec = nanoseconds
        return timerfd_settime(descriptor, flags, &value, nil) == 0 ? 0 : errno
    }

    /// The descriptor to wait on with poll(2); readable when an event is pending.
    public let fileDescriptor: Int32
    private let setTime: SetTime

    public init(setTime: @escaping SetTime = WallClockTimer.systemSetTime) throws(SystemError) {
        let descriptor = timerfd_create(CLOCK_REALTIME, Int32(TFD_CLOEXEC | TFD_NONBLOCK))
        guard descriptor >= 0 else { throw SystemError("timerfd_create", errno) }
        fileDescriptor = descriptor
        self.setTime = setTime
    }

    deinit { close(fileDescriptor) }

    /// Arms the timer for `instant`, in seconds since the epoch on the wall clock (an instant in
    /// the past fires at once). Returns true when the wall clock was set since the timer was last
    /// armed and that change was not read: the caller should plan again, as on a
    /// ``Event/clockChanged`` read.
    @discardableResult
    public func arm(at instant: Double) throws(SystemError) -> Bool {
        let seconds = instant.rounded(.down)
        let wholeSeconds = Int(max(seconds, 0))
        var nanoseconds = Int(max(instant - seconds, 0) * 1_000_000_000)
        if wholeSeconds == 0 && nanoseconds == 0 { nanoseconds = 1 }  // zero would disarm
        let flags = Int32(TFD_TIMER_ABSTIME) | Int32(TFD_TIMER_CANCEL_ON_SET)
        var clockChanged = false
        for _ in 0..<3 {
            let code = setTime(fileDescriptor, flags, wholeSeconds, nanoseconds)
            if code == 0 { return clockChanged }
            // Linux fails the call with ECANCELED when the clock was set while the timer was
            // armed and nobody read it since (a clock step between a wake and the next arm). The
            // failure takes that event, so the next call arms the timer.
            guard code == ECANCELED else { throw SystemError("timerfd_settime", code) }
            clockChanged = true
        }
        // Set again between every try: Linux has armed the timer anyway, and the caller plans again.
        return true
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
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    public var call: String
    public var code: Int32
    public init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
    }
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
