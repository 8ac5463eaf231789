import Benchmark
import Foundation
import GRDBSQLite

// Targets (issue 8), on a database with 1,000,000 inspections (about 100,000 open deadlines, a
// few thousand overdue):
// - `spotcheck overdue --json` as a whole process in under 100 ms (anchor: the same process
//   answering a calendar query);
// - the re-derivation of every open deadline that a new notice triggers (`spotcheck calendar
//   load`, a whole process) within 1.5× of the time SQLite takes to read every row of the
//   deadline table, measured in the same iteration and printed as a ratio.
// The database is the demo deployment plus 10,000 synthetic rounds of 100 inspections each,
// inserted with SQL (their steps are not recorded: neither query reads them).

let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let spotcheck = ProcessInfo.processInfo.environment["SPOTCHECK_BIN"] ?? repository.appendingPathComponent(".build/release/spotcheck").path
let work = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-deadline-benchmark")
let database = work.appendingPathComponent("spotcheck.sqlite").path
/// Ningxia's 2026 layer in two versions: with a regional day off on 2026-12-03, which moves
/// every open deadline spanning it, and without. Loading them in turn moves about 98,000
/// deadlines each time.
let noticeWithDayOff = work.appendingPathComponent("ningxia-2026-a.yaml").path
let noticeWithout = work.appendingPathComponent("ningxia-2026-b.yaml").path

/// Runs a program to completion and returns its standard output; stops the run loudly if it
/// fails. posix_spawn and waitpid rather than Foundation's Process, whose waitUntilExit hung
/// here now and then under the benchmark harness (the child gone, the parent in sigsuspend).
@discardableResult
func run(_ executable: String, _ arguments: [String], input: String? = nil) -> Data {
    let output = work.appendingPathComponent("stdout-\(getpid())").path
    let inputPath = work.appendingPathComponent("stdin-\(getpid())").path
    if let input { FileManager.default.createFile(atPath: inputPath, contents: Data(input.utf8)) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : inputPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let environment = ProcessInfo.processInfo.environment.merging(["SPOTCHECK_DB": database, "SPOTCHECK_ACTOR": "benchmark"]) { $1 }
        .map { "\($0.key)=\($0.value)" }
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

func notice(daysOff: String) -> String {
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

/// 10,000 rounds × 100 inspections. Rounds 1–9,000 are filed (every deadline done); 9,001–9,960
/// ended on 2026-11-30 (report, publication and provisional feedback open, not yet due on
/// 2026-12-01); 9,961–9,980 ended on 2026-11-10 with no report (overdue); 9,981–10,000 reported
/// on 2026-11-13 with no feedback and no publication (overdue).
let generate = """
    PRAGMA journal_mode = WAL;
    BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
    INSERT INTO round SELECT printf('B%05d', i), plan, 1000 + i,
        CASE WHEN i <= 9000 THEN 'filed' WHEN i <= 9980 THEN 'ended' ELSE 'reported' END,
        manifest, manifest_sha256, roster_versions, values_json, result_json, seed
      FROM round, n WHERE round.id = '640000-2026-lawyer-R1';
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

let prepared: Void = {
    precondition(FileManager.default.isExecutableFile(atPath: spotcheck), "build first: swift build -c release --product spotcheck (Benchmarks/run does)")
    try? FileManager.default.removeItem(at: work)
    try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    try? notice(daysOff: "[{dates: 2026-12-03, name: benchmark regional day}]").write(toFile: noticeWithDayOff, atomically: true, encoding: .utf8)
    try? notice(daysOff: "[]").write(toFile: noticeWithout, atomically: true, encoding: .utf8)
    run(spotcheck, ["demo", "load", "--as-of", "2026-11-20", "--institutions", "500"])
    run("/usr/bin/sqlite3", [database], input: generate)
    // Brings every stored deadline to what this calendar derives, so that the runs below each
    // move the same deadlines.
    run(spotcheck, ["calendar", "load", noticeWithout])
    let counts = String(decoding: run("/usr/bin/sqlite3", [database,
        "SELECT (SELECT count(*) FROM inspection), (SELECT count(*) FROM deadline), (SELECT count(*) FROM deadline WHERE done_on IS NULL)"]), as: UTF8.self)
    let overdue = try? JSONSerialization.jsonObject(with: run(spotcheck, ["overdue", "--as-of", "2026-12-01", "--json"])) as? [String: Any]
    print("database: inspections|deadlines|open deadlines = \(counts.trimmingCharacters(in: .whitespacesAndNewlines)); "
          + "overdue on 2026-12-01: \((overdue?["deadlines"] as? [Any])?.count ?? -1)")
}()

/// Reads every row of the deadline table through SQLite's C API, touching every column: the
/// anchor. Returns the number of rows.
func readEveryDeadlineRow() -> Int {
    var connection: OpaquePointer?
    guard sqlite3_open_v2(database, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { fatalError("cannot open \(database)") }
    defer { sqlite3_close(connection) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(connection, "SELECT * FROM deadline", -1, &statement, nil) == SQLITE_OK else { fatalError("cannot prepare") }
    defer { sqlite3_finalize(statement) }
    var rows = 0, bytes = 0
    let columns = sqlite3_column_count(statement)
    while sqlite3_step(statement) == SQLITE_ROW {
        rows += 1
        for column in 0..<columns {
            if sqlite3_column_type(statement, column) == SQLITE_INTEGER {
                bytes &+= Int(sqlite3_column_int64(statement, column))
            } else {
                _ = sqlite3_column_text(statement, column)
                bytes &+= Int(sqlite3_column_bytes(statement, column))
            }
        }
    }
    blackHole(bytes)
    return rows
}

let benchmarks: @Sendable () -> Void = {
    _ = prepared
    let ratio = BenchmarkMetric.custom("re-derivation ÷ full read (%)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(60), maxIterations: 15)

    Benchmark("spotcheck calendar is-workday (whole process, anchor)") { benchmark in
        for _ in benchmark.scaledIterations { run(spotcheck, ["calendar", "is-workday", "2026-12-01"]) }
    }

    Benchmark("spotcheck overdue --json, 1M inspections (whole process)") { benchmark in
        for _ in benchmark.scaledIterations { run(spotcheck, ["overdue", "--as-of", "2026-12-01", "--json"]) }
    }

    Benchmark("SQLite reads every row of the deadline table (anchor)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(readEveryDeadlineRow()) }
    }

    // Custom metrics only: the harness's wall clock cannot leave the anchor read out of an iteration.
    let rederivation = BenchmarkMetric.custom("re-derivation, whole process (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    let fullRead = BenchmarkMetric.custom("SQLite full read of the deadline table, same iteration (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    var next = 0
    Benchmark("spotcheck calendar load: re-derive every open deadline (whole process)",
              configuration: .init(metrics: [rederivation, fullRead, ratio], maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            let file = next % 2 == 0 ? noticeWithDayOff : noticeWithout
            next += 1
            let readStart = ContinuousClock.now
            blackHole(readEveryDeadlineRow())
            let read = ContinuousClock.now - readStart
            let start = ContinuousClock.now
            run(spotcheck, ["calendar", "load", file])
            let took = ContinuousClock.now - start
            benchmark.measurement(rederivation, Int((took / .milliseconds(1)).rounded()))
            benchmark.measurement(fullRead, Int((read / .milliseconds(1)).rounded()))
            benchmark.measurement(ratio, Int((took / read * 100).rounded()))
        }
    }
}
