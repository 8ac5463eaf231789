import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Runs the real `spotcheckd` and `spotcheck` binaries, built beside this test bundle, on a
/// scratch database, with a clock file as the daemon's wall clock and a notify socket this
/// process binds, as systemd would.
final class DaemonHarness {
    static let buildDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    static let daemon = buildDirectory.appendingPathComponent("spotcheckd").path
    static let cli = buildDirectory.appendingPathComponent("spotcheck").path

    let directory: URL
    var database: String { directory.appendingPathComponent("spotcheck.sqlite").path }
    var clockFile: String { directory.appendingPathComponent("clock/now").path }
    var configFile: String { directory.appendingPathComponent("spotcheck.yaml").path }
    var notifyPath: String { directory.appendingPathComponent("notify").path }
    private(set) var notifySocket: Int32 = -1

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/spotcheckd-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory.appendingPathComponent("clock").path, withIntermediateDirectories: true)
        try "language: en\n".write(toFile: configFile, atomically: true, encoding: .utf8)
        notifySocket = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(notifyPath.utf8)
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(notifySocket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0, "bind the notify socket")
    }

    deinit {
        close(notifySocket)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sets the daemon's wall clock (an ISO-8601 instant; the file's change steps it).
    func setClock(_ instant: String) throws {
        let temporary = clockFile + ".new"
        try instant.write(toFile: temporary, atomically: false, encoding: .utf8)
        rename(temporary, clockFile)
    }

    /// The environment both binaries get: this database and configuration, nothing from the machine's.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SPOTCHECK_") && $0.key != "NOTIFY_SOCKET" && $0.key != "JOURNAL_STREAM" }
        environment["SPOTCHECK_DB"] = database
        environment["SPOTCHECK_CONFIG"] = configFile
        environment["SPOTCHECK_ACTOR"] = "tester"
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Runs `spotcheck ARGS` to completion; returns its status and stdout.
    @discardableResult
    func spotcheck(_ arguments: [String], now: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.cli)
        process.arguments = arguments
        process.environment = environment(now.map { ["SPOTCHECK_NOW": $0] } ?? [:])
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// A running process: its pid and where its output goes.
    struct Running {
        var pid: pid_t
        var stderrPath: String
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    }

    /// Spawns `executable ARGS` with the harness environment (plus `extra`), stderr to a file.
    func spawn(_ executable: String, _ arguments: [String], extra: [String: String] = [:]) throws -> Running {
        let name = UUID().uuidString.prefix(8)
        let stderrPath = directory.appendingPathComponent("\(name).stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory.appendingPathComponent("\(name).stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment(extra).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        return Running(pid: pid, stderrPath: stderrPath)
    }

    /// Starts spotcheckd on the harness database, clock and notify socket.
    func startDaemon(log: String = "stderr", extra: [String: String] = [:]) throws -> Running {
        try spawn(Self.daemon, ["--log", log, "--clock-file", clockFile], extra: ["NOTIFY_SOCKET": notifyPath].merging(extra) { _, new in new })
    }

    /// Waits for a process to exit; its exit status, or 128 + signal.
    func wait(_ running: Running, timeout: Double = 20) -> Int32? {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let reaped = waitpid(running.pid, &status, WNOHANG)
            if reaped == running.pid { return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
            usleep(20_000)
        }
        kill(running.pid, SIGKILL)
        return nil
    }

    /// The next datagram on the notify socket, or `nil` after `timeout` seconds.
    func notification(timeout: Double = 10) -> String? {
        var descriptor = pollfd(fd: notifySocket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(notifySocket, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    /// Notifications until one contains `text` (the ones before it included), or all received within `timeout`.
    func notifications(until text: String, timeout: Double = 10) -> [String] {
        var received: [String] = []
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline, let message = notification(timeout: (deadline - ContinuousClock.now).seconds) {
            received.append(message)
            if message.contains(text) { break }
        }
        return received
    }

    /// The stderr lines of the daemon that carry a MESSAGE_ID.
    static func entries(_ text: String) -> [String] { text.split(separator: "\n").map(String.init).filter { $0.contains("MESSAGE_ID=") } }
}

extension Duration {
    /// In seconds, for the system calls' timeouts.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
