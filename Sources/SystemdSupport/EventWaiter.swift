import CSystemd
import Foundation
import Glibc

/// What woke a wait.
public struct Wakes: Sendable, Equatable {
    /// The wall-clock timer's event.
    public var timer: WallClockTimer.Event = .none
    /// Files changed in the watched directories, as `directory/name`.
    public var changedFiles: Set<String> = []
    /// ``EventWaiter/interrupt()`` was called (shutdown, reload).
    public var interrupted = false
    /// The kernel's inotify queue overflowed, or a watched directory went away: changes may have
    /// been missed, so treat everything as changed.
    public var overflowed = false
    /// Nothing happened within the timeout.
    public var timedOut: Bool { timer == .none && changedFiles.isEmpty && !interrupted && !overflowed }
}

/// The one place the daemon's scheduler sleeps: poll(2) on a wall-clock timer, inotify watches
/// of directories (the database's, so a CLI write wakes it at once; a test clock file's), and
/// an eventfd other tasks write to interrupt it. Nothing wakes it but these and the timeout
/// (the watchdog period): no polling. Hand-written because no Swift library waits on timerfd,
/// inotify and eventfd together.
///
/// One task at a time calls ``arm(at:)``, ``watch(directory:)`` and ``wait(timeout:)``, and
/// ``watch(directory:)`` only between waits (the directories are read and updated by the wait's
/// thread while it polls); ``interrupt()`` may be called from anywhere. The blocking poll runs on
/// a thread of its own, never on the cooperative pool.
public final class EventWaiter: @unchecked Sendable {
    public let timer: WallClockTimer
    private let inotify: Int32
    private let wakeup: Int32
    private var directories: [Int32: String] = [:]
    /// Directories whose watch went away (removed, or the file system unmounted): watched again
    /// at the start of each wait once they are back.
    private var lost: [String] = []
    /// The last arm found the clock set since the timer was read: the next wait says so at once.
    private var clockChangedWhileArming = false

    /// Makes a waiter; `setTime` is the timerfd_settime(2) its timer calls (a test may have it
    /// report a clock change).
    public init(setTime: @escaping WallClockTimer.SetTime = WallClockTimer.systemSetTime) throws(SystemError) {
        timer = try WallClockTimer(setTime: setTime)
        inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { throw SystemError("inotify_init1", errno) }
        wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeup >= 0 else { throw SystemError("eventfd", errno) }
    }

    deinit {
        close(inotify)
        close(wakeup)
    }

    /// Wakes on files written, closed after writing, created, moved in or removed in `path`.
    public func watch(directory path: String) throws(SystemError) {
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_DELETE)
        let descriptor = inotify_add_watch(inotify, path, mask)
        guard descriptor >= 0 else { throw SystemError("inotify_add_watch \(path)", errno) }
        directories[descriptor] = path
    }

    /// Watches `path` now if it can, else from the start of a later wait that can (the directory
    /// missing, or the user's inotify limits reached); returns why it could not yet.
    public func watchWhenPossible(directory path: String) -> SystemError? {
        do {
            try watch(directory: path)
            return nil
        } catch {
            lost.append(path)
            return error
        }
    }

    /// Whether every directory asked for is watched (one removed and not back yet, or not yet
    /// watchable, is not): until then the caller must look for changes itself.
    public var watchingAll: Bool { lost.isEmpty }

    /// Arms the wall-clock timer for `instant` (seconds since the epoch). A clock change the arm
    /// reports comes back from the next ``wait(timeout:)`` as the timer's ``WallClockTimer/Event/clockChanged``.
    public func arm(at instant: Double) throws(SystemError) {
        if try timer.arm(at: instant) { clockChangedWhileArming = true }
    }

    /// Interrupts a wait in progress, or the next one.
    public func interrupt() {
        var one: UInt64 = 1
        _ = write(wakeup, &one, MemoryLayout<UInt64>.size)
    }

    /// Waits until the timer fires or is cancelled by a clock change, a watched file changes,
    /// ``interrupt()`` is called, or `timeout` passes (`nil`: no timeout).
    public func wait(timeout: Duration?) async -> Wakes {
        lost.removeAll { path in (try? watch(directory: path)) != nil }
        if clockChangedWhileArming {
            clockChangedWhileArming = false
            return Wakes(timer: .clockChanged)
        }
        let milliseconds: Int32 = timeout.map { Int32(clamping: max($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000, 0)) } ?? -1
        // A thread of its own for each wait, not a dispatch worker: a wait can last until the next
        // midnight, and a worker blocked that long is one the shared pool has lost.
        return await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.poll(milliseconds)) }
            thread.name = "spotcheck-wait"
            thread.start()
        }
    }

    private func poll(_ milliseconds: Int32) -> Wakes {
        var descriptors = [
            pollfd(fd: timer.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0),
        ]
        var result: Int32
        repeat {
            result = Glibc.poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        } while result < 0 && errno == EINTR
        var wakes = Wakes()
        // A failed poll (ENOMEM) reads as a timeout, after a second's pause: the loop goes on
        // looking for changes, and does not spin.
        if result < 0 { usleep(1_000_000) }
        guard result > 0 else { return wakes }
        if descriptors[0].revents != 0 { wakes.timer = timer.read() }
        if descriptors[1].revents != 0 { (wakes.changedFiles, wakes.overflowed) = readChanges() }
        if descriptors[2].revents != 0 {
            var count: UInt64 = 0
            _ = read(wakeup, &count, MemoryLayout<UInt64>.size)
            wakes.interrupted = true
        }
        return wakes
    }

    private func readChanges() -> (Set<String>, overflowed: Bool) {
        var changed = Set<String>()
        var overflowed = false
        let size = 64 * 1024
        // Aligned for inotify_event; the kernel pads each record's name so the next one is aligned too.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: MemoryLayout<inotify_event>.alignment)
        defer { buffer.deallocate() }
        while true {
            let count = read(inotify, buffer.baseAddress, size)
            guard count > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameEnd = min(nameStart + Int(event.len), count)
                // The name is NUL-padded to `len` bytes: decode up to the first NUL, within the record.
                let nameBytes = buffer[nameStart..<nameEnd].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true }
                if event.mask & UInt32(IN_IGNORED) != 0, let directory = directories.removeValue(forKey: event.wd) {
                    overflowed = true
                    lost.append(directory)
                }
                if let directory = directories[event.wd], !name.isEmpty { changed.insert(directory + "/" + name) }
                offset = nameEnd
            }
        }
        return (changed, overflowed)
    }
}
