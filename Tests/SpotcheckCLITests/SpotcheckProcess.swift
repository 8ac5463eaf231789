import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Runs the real `spotcheck` binary, built beside this test bundle, as a user would.
struct SpotcheckProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The stdout parsed as one JSON object.
        func json() throws -> [String: Any] {
            let value = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let object = value as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
            return object
        }
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/<triple>/debug/spotcheck`, next to the test bundle being run.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["SPOTCHECK_BIN"] { return URL(fileURLWithPath: path) }
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return running.deletingLastPathComponent().appendingPathComponent("spotcheck")
    }()

    /// A scratch directory with its own database.
    let directory: URL
    var database: URL { directory.appendingPathComponent("spotcheck.sqlite") }

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Runs `spotcheck ARGS` with this directory's database and no configuration file;
    /// `environment` sets more variables, or removes one with `nil`.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String?] = [:], binary: URL = Self.binary,
             in workingDirectory: URL = Self.repositoryRoot) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SPOTCHECK_DB"] = database.path
        environment["SPOTCHECK_CONFIG"] = directory.appendingPathComponent("no-such-config.yaml").path
        environment["SPOTCHECK_ACTOR"] = "tester"
        environment.removeValue(forKey: "SPOTCHECK_REGION")
        for (key, value) in extra { environment[key] = value }  // nil removes
        process.environment = environment
        process.currentDirectoryURL = workingDirectory
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A finished run as the kernel measured it.
    struct Measured {
        var result: Result
        /// Wall time from spawn to exit.
        var seconds: Double
        /// The child's peak resident memory (`ru_maxrss` from `wait4`).
        var peakResidentBytes: Int
    }

    /// Runs `spotcheck ARGS` as ``run(_:environment:)`` does and measures it. The child starts in
    /// this process's working directory, not the repository's: give it absolute paths.
    func measured(_ arguments: [String]) throws -> Measured {
        var environment = ProcessInfo.processInfo.environment
        environment["SPOTCHECK_DB"] = database.path
        environment["SPOTCHECK_CONFIG"] = directory.appendingPathComponent("no-such-config.yaml").path
        environment["SPOTCHECK_ACTOR"] = "tester"
        environment.removeValue(forKey: "SPOTCHECK_REGION")
        return try Self.measure(Self.binary.path, arguments, environment: environment, scratch: directory)
    }

    /// Spawns `executable` with `posix_spawn` and reaps it with `wait4`, which reports the
    /// child's own peak RSS (unlike `getrusage(RUSAGE_CHILDREN)`, which mixes in every child this
    /// test process ever had). Output goes to files in `scratch`, so a chatty child cannot block
    /// on a full pipe.
    static func measure(_ executable: String, _ arguments: [String], environment: [String: String], scratch: URL) throws -> Measured {
        let name = UUID().uuidString
        let outPath = scratch.appendingPathComponent("\(name).stdout").path
        let errPath = scratch.appendingPathComponent("\(name).stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let start = ContinuousClock.now
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 {
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
        }
        let elapsed = ContinuousClock.now - start
        // WIFEXITED / WEXITSTATUS; a signal shows as 128 + its number, as a shell shows it.
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #if os(Linux)
        let peak = Int(usage.ru_maxrss) * 1024  // Linux reports KiB
        #else
        let peak = Int(usage.ru_maxrss)
        #endif
        return Measured(result: Result(status: code, stdout: output, stderr: errors), seconds: seconds, peakResidentBytes: peak)
    }

    /// Loads the project's calendar data, as the README says.
    func loadShippedCalendar() throws {
        let result = try run(["calendar", "load", "config/calendar"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Writes a file into the scratch directory.
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The exact bytes of the database file and of its write-ahead log (a missing log and an
    /// empty one, which a read-only connection leaves behind, hold the same: nothing).
    func databaseBytes() -> [Data] {
        ["", "-wal"].map { (try? Data(contentsOf: URL(fileURLWithPath: database.path + $0))) ?? Data() }
    }
}
