import Benchmark
import Foundation
import BenchmarkSupport
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

let workspace = Workspace("spotcheck-deadline-benchmark")
let database = workspace.database
let work = workspace.directory
/// Ningxia's 2026 layer in two versions: with a regional day off on 2026-12-03, which moves
/// every open deadline spanning it, and without. Loading them in turn moves about 98,000
/// deadlines each time.
let noticeWithDayOff = work.appendingPathComponent("ningxia-2026-a.yaml").path
let noticeWithout = work.appendingPathComponent("ningxia-2026-b.yaml").path

@discardableResult
func run(_ executable: String, _ arguments: [String], input: String? = nil) -> Data { workspace.run(executable, arguments, input: input) }

let prepared: Void = {
    precondition(FileManager.default.isExecutableFile(atPath: spotcheck), "build first: swift build -c release --product spotcheck (Benchmarks/run does)")
    try? notice(daysOff: "[{dates: 2026-12-03, name: benchmark regional day}]").write(toFile: noticeWithDayOff, atomically: true, encoding: .utf8)
    try? notice(daysOff: "[]").write(toFile: noticeWithout, atomically: true, encoding: .utf8)
    // Every stored deadline is what this calendar derives, so that the runs below each move the same deadlines.
    workspace.makeMillionInspectionDatabase(notice: noticeWithout)
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
