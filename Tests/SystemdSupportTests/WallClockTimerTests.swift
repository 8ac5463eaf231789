import CSystemd
import Glibc
import Synchronization
import SystemdSupport
import Testing

/// The timerfd wrapper on its own: arming, expiry, disarming, and the wait around it.
@Suite("Wall-clock timer")
struct WallClockTimerTests {
    @Test("armed for an instant a moment away, it is not readable before and expires after")
    func expiry() async throws {
        let waiter = try EventWaiter()
        try waiter.arm(at: WallClockTimer.systemNow() + 0.3)
        #expect(waiter.timer.read() == .none, "nothing yet")
        let started = WallClockTimer.systemNow()
        let wakes = await waiter.wait(timeout: .seconds(5))
        #expect(wakes.timer == .expired)
        #expect(WallClockTimer.systemNow() - started >= 0.25, "it waited for the instant armed")
    }

    @Test("an instant in the past fires at once")
    func past() async throws {
        let waiter = try EventWaiter()
        try waiter.arm(at: WallClockTimer.systemNow() - 3600)
        let wakes = await waiter.wait(timeout: .seconds(5))
        #expect(wakes.timer == .expired)
    }

    @Test("disarmed, it does not fire; the wait times out")
    func disarmed() async throws {
        let waiter = try EventWaiter()
        try waiter.arm(at: WallClockTimer.systemNow() + 0.1)
        waiter.timer.disarm()
        let wakes = await waiter.wait(timeout: .milliseconds(400))
        #expect(wakes.timedOut)
    }

    @Test("an interrupt and a file written in a watched directory wake the wait")
    func interruptAndFiles() async throws {
        let waiter = try EventWaiter()
        try waiter.arm(at: WallClockTimer.systemNow() + 3600)
        waiter.interrupt()
        #expect(await waiter.wait(timeout: .seconds(5)).interrupted)
        let directory = "/tmp/spotcheck-waiter-\(getpid())"
        mkdir(directory, 0o700)
        defer { unlink(directory + "/file"); rmdir(directory) }
        try waiter.watch(directory: directory)
        let file = fopen(directory + "/file", "w")
        fputs("x", file)
        fclose(file)
        let wakes = await waiter.wait(timeout: .seconds(5))
        #expect(wakes.changedFiles.contains(directory + "/file"))
        #expect(wakes.timer == .none)
    }

    @Test("a watched directory removed wakes the wait as a possible miss; made again, it is watched again")
    func directoryRemovedAndBack() async throws {
        let waiter = try EventWaiter()
        try waiter.arm(at: WallClockTimer.systemNow() + 3600)
        let directory = "/tmp/spotcheck-waiter-gone-\(getpid())"
        mkdir(directory, 0o700)
        defer { unlink(directory + "/file"); rmdir(directory) }
        try waiter.watch(directory: directory)
        #expect(waiter.watchingAll)
        rmdir(directory)
        #expect(await waiter.wait(timeout: .seconds(5)).overflowed, "changes may have been missed")
        #expect(!waiter.watchingAll)
        // Still gone: the wait times out, and says it is not watching everything.
        #expect(await waiter.wait(timeout: .milliseconds(100)).timedOut && !waiter.watchingAll)
        mkdir(directory, 0o700)
        _ = await waiter.wait(timeout: .milliseconds(100))  // watched again as this wait starts
        #expect(waiter.watchingAll)
        let file = fopen(directory + "/file", "w")
        fputs("x", file)
        fclose(file)
        #expect(await waiter.wait(timeout: .seconds(5)).changedFiles.contains(directory + "/file"))
    }

    @Test("a directory not there yet is watched from the first wait after it appears")
    func watchWhenPossible() async throws {
        let waiter = try EventWaiter()
        try waiter.arm(at: WallClockTimer.systemNow() + 3600)
        let directory = "/tmp/spotcheck-waiter-later-\(getpid())"
        defer { unlink(directory + "/file"); rmdir(directory) }
        #expect(waiter.watchWhenPossible(directory: directory)?.code == ENOENT)
        #expect(!waiter.watchingAll)
        mkdir(directory, 0o700)
        _ = await waiter.wait(timeout: .milliseconds(100))
        #expect(waiter.watchingAll)
        let file = fopen(directory + "/file", "w")
        fputs("x", file)
        fclose(file)
        #expect(await waiter.wait(timeout: .seconds(5)).changedFiles.contains(directory + "/file"))
    }

    @Test("a clock set before an arm (timerfd_settime fails with ECANCELED): the arm tries again, arms the timer, and the next wait reports the clock change at once")
    func clockSetBeforeArm() async throws {
        let calls = Mutex(0)
        // The first call reports what Linux reports after a clock step nobody read; the rest are real.
        let waiter = try EventWaiter { descriptor, flags, seconds, nanoseconds in
            let call = calls.withLock { count in
                count += 1
                return count
            }
            return call == 1 ? ECANCELED : WallClockTimer.systemSetTime(descriptor, flags, seconds, nanoseconds)
        }
        try waiter.arm(at: WallClockTimer.systemNow() + 3600)
        #expect(calls.withLock { $0 } == 2, "tried again")
        let started = ContinuousClock.now
        #expect(await waiter.wait(timeout: .seconds(5)).timer == .clockChanged)
        #expect(ContinuousClock.now - started < .seconds(1), "at once, without waiting for the timer")
        var armed = itimerspec()
        timerfd_gettime(waiter.timer.fileDescriptor, &armed)
        #expect(armed.it_value.tv_sec > 3000, "the retry armed the timer for the hour")
        // Reported once: the next wait waits for the timer again.
        try waiter.arm(at: WallClockTimer.systemNow() + 0.2)
        #expect(await waiter.wait(timeout: .seconds(5)).timer == .expired)
    }

    @Test("the clock set again between every try: the arm gives up after three and reports the change, so the caller plans again")
    func clockSetOnEveryTry() throws {
        let calls = Mutex(0)
        let timer = try WallClockTimer { _, _, _, _ in
            calls.withLock { $0 += 1 }
            return ECANCELED
        }
        #expect(try timer.arm(at: WallClockTimer.systemNow() + 60))
        #expect(calls.withLock { $0 } == 3)
    }

    @Test("another timerfd_settime error is thrown, naming the call")
    func otherArmError() throws {
        let timer = try WallClockTimer { _, _, _, _ in EINVAL }
        #expect(throws: SystemError("timerfd_settime", EINVAL)) { try timer.arm(at: WallClockTimer.systemNow() + 1) }
    }
}
