import Foundation
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
