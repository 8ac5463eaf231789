import Foundation

// What the process benchmarks share: spawning the release binaries, and the database with
// 1,000,000 inspections that issues 8 and 9 measure on.

public let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
public let spotcheck = ProcessInfo.processInfo.environment["SPOTCHECK_BIN"] ?? repository.appendingPathComponent(".build/release/spotcheck").path
public let spotcheckd = ProcessInfo.processInfo.environment["SPOTCHECKD_BIN"] ?? repository.appendingPathComponent(".build/release/spotcheckd").path

/// A scratch directory and its database.
public struct Workspace: Sendable {
    public let directory: URL
    public var database: String { directory.appendingPathComponent("spotcheck.sqlite").path }

    public init(_ name: String) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The environment the binaries get: this database, no configuration file.
    public func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["SPOTCHECK_DB": database, "SPOTCHECK_ACTOR": "benchmark",
                                                     "SPOTCHECK_CONFIG": directory.appendingPathComponent("none.yaml").path]) { $1 }
            .merging(extra) { $1 }
    }

    /// Runs a program to completion and returns its standard output; stops the run loudly if it
    /// fails. posix_spawn and waitpid rather than Foundation's Process, whose waitUntilExit hung
    /// here now and then under the benchmark harness (the child gone, the parent in sigsuspend).
    @discardableResult
    public func run(_ executable: String, _ arguments: [String], input: String? = nil, extra: [String: String] = [:]) -> Data {
        let output = directory.appendingPathComponent("stdout-\(getpid())").path
        let inputPath = directory.appendingPathComponent("stdin-\(getpid())").path
        if let input { FileManager.default.createFile(atPath: inputPath, contents: Data(input.utf8)) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let environment = environment(extra).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, nil, argv, envp) == 0 else { fatalError("cannot run \(executable)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        precondition(status == 0, "\(executable) \(arguments) failed (wait status \(status))")
        return FileManager.default.contents(atPath: output) ?? Data()
    }


    /// Starts `executable ARGS` in the background (stdout and stderr to files here); its pid.
    public func start(_ executable: String, _ arguments: [String], extra: [String: String] = [:]) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory.appendingPathComponent("daemon.stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, directory.appendingPathComponent("daemon.stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment(extra).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, nil, argv, envp) == 0 else { fatalError("cannot start \(executable)") }
        return pid
    }

    /// Waits for a child to exit.
    public func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// The demo deployment as of 2026-11-20 plus 10,000 synthetic rounds of 100 inspections
    /// each (1,000,000 inspections, about 100,000 open deadlines, a few thousand overdue on
    /// 2026-12-01), inserted with SQL; then Ningxia's 2026 layer `notice` loaded so that every
    /// stored deadline is what the calendar derives.
    public func makeMillionInspectionDatabase(notice: String) {
        run(spotcheck, ["demo", "load", "--as-of", "2026-11-20", "--institutions", "500"], extra: ["SPOTCHECK_NOW": "2026-11-20T18:00:00+08:00"])
        run("/usr/bin/sqlite3", [database], input: millionInspections)
        run(spotcheck, ["calendar", "load", notice])
    }
}

public func notice(daysOff: String) -> String {
    """
    region: ningxia
    year: 2026
    notices:
      - title: benchmark notice
        sources: [benchmark]
    days_off: \(daysOff)
    make_up_days: []

    """
}

/// 10,000 rounds × 100 inspections, each drawn as the demo's first lawyers' round was (its draw
/// step and kept compliance figures copied). Rounds 1–9,000 are filed (every deadline done); 9,001–9,960
/// ended on 2026-11-30 (report, publication and provisional feedback open, not yet due on
/// 2026-12-01); 9,961–9,980 ended on 2026-11-10 with no report (overdue); 9,981–10,000 reported
/// on 2026-11-13 with no feedback and no publication (overdue).
public let millionInspections = """
    PRAGMA journal_mode = WAL;
    BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO round SELECT printf('B%05d', i), plan, 1000 + i,
        CASE WHEN i <= 9000 THEN 'filed' WHEN i <= 9980 THEN 'ended' ELSE 'reported' END,
        manifest, manifest_sha256, roster_versions, values_json, result_json, seed
      FROM round, n WHERE round.id = '640000-2026-lawyer-R1';
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO round_step (round, step, at, actor, detail, audit_seq, on_date)
      SELECT printf('B%05d', i), step, at, actor, detail, audit_seq, on_date FROM round_step, n
      WHERE round = '640000-2026-lawyer-R1' AND step = 'drawn';
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO round_compliance_facts
      SELECT printf('B%05d', i), population, sample, high_risk_population, high_risk_sample, '[]' FROM round_compliance_facts, n
      WHERE round = '640000-2026-lawyer-R1';
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO round_inspector SELECT printf('B%05d', i), 'SF640521001' FROM n UNION ALL SELECT printf('B%05d', i), 'SF640522002' FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000),
                   m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < 100)
    INSERT INTO inspection SELECT printf('B%05d', i), printf('I%05d%03d', i, j), '["SF640521001","SF640522002"]',
        '["SF640521001","SF640522002"]', 0 FROM n, m;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO deadline (round, institution, rule, article, from_date, due, done_on, provisional, reasons, jurisdiction, category)
      SELECT printf('B%05d', i), NULL, 'report', 13,
             CASE WHEN i <= 9000 THEN '2026-06-15' WHEN i <= 9960 THEN '2026-11-30' ELSE '2026-11-10' END,
             CASE WHEN i <= 9000 THEN '2026-06-22' WHEN i <= 9960 THEN '2026-12-07' ELSE '2026-11-17' END,
             CASE WHEN i <= 9000 THEN '2026-06-19' WHEN i <= 9980 THEN NULL ELSE '2026-11-13' END,
             0, '[]', '640000', 'lawyer' FROM n
      UNION ALL
      SELECT printf('B%05d', i), NULL, 'publication', 15,
             CASE WHEN i <= 9000 THEN '2026-06-15' WHEN i <= 9960 THEN '2026-11-30' ELSE '2026-11-10' END,
             CASE WHEN i <= 9000 THEN '2026-06-29' WHEN i <= 9960 THEN '2026-12-14' ELSE '2026-11-24' END,
             CASE WHEN i <= 9000 THEN '2026-06-26' ELSE NULL END,
             0, '[]', '640000', 'lawyer' FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000),
                   m(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM m WHERE j < 100)
    INSERT INTO deadline (round, institution, rule, article, from_date, due, done_on, provisional, reasons, jurisdiction, category)
      SELECT printf('B%05d', i), printf('I%05d%03d', i, j), 'feedback', 14,
             CASE WHEN i <= 9000 THEN '2026-06-19' WHEN i <= 9960 THEN '2026-12-07' WHEN i <= 9980 THEN '2026-11-17' ELSE '2026-11-13' END,
             CASE WHEN i <= 9000 THEN '2026-06-26' WHEN i <= 9960 THEN '2026-12-14' WHEN i <= 9980 THEN '2026-11-24' ELSE '2026-11-20' END,
             CASE WHEN i <= 9000 THEN '2026-06-24' ELSE NULL END,
             CASE WHEN i > 9000 AND i <= 9980 THEN 1 ELSE 0 END,
             CASE WHEN i > 9000 AND i <= 9960 THEN '["no report yet: counted from the report''s due date 2026-12-07"]'
                  WHEN i > 9960 AND i <= 9980 THEN '["no report yet: counted from the report''s due date 2026-11-17"]'
                  ELSE '[]' END,
             '640000', 'lawyer' FROM n, m;
    COMMIT;
    PRAGMA wal_checkpoint(TRUNCATE);
    """

/// The notify socket systemd would listen on: a datagram socket bound at `path` (any socket
/// left there is removed first).
public final class NotifySocket: @unchecked Sendable {
    let descriptor: Int32

    public init(path: String) {
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        precondition(bound == 0, "bind \(path)")
    }

    deinit { close(descriptor) }

    /// Datagrams until one contains `text`, which is returned; stops the run if none comes within
    /// `seconds`.
    @discardableResult
    public func wait(for text: String, seconds: Int32 = 60) -> String {
        while true {
            var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            precondition(poll(&descriptor, 1, seconds * 1000) == 1, "no \(text) within \(seconds) s")
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(self.descriptor, &buffer, buffer.count, 0)
            let message = String(decoding: buffer[0..<max(count, 0)], as: UTF8.self)
            if message.contains(text) { return message }
        }
    }
}
