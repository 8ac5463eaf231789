import Glibc
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
}
