import Benchmark
import Foundation

// Target (issue 3): importing a 100,000-row institution roster with full validation, as a whole
// `spotcheck` process, at ≥ 250,000 rows a second, within about 2× of the sqlite3 shell's own
// `.import` of the same rows with no validation. Both are printed, as wall clock per run and as
// rows per second (custom metric). Run through Benchmarks/run, which builds the release binary.

let rows = 100_000
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let spotcheck = ProcessInfo.processInfo.environment["SPOTCHECK_BIN"] ?? repository.appendingPathComponent(".build/release/spotcheck").path
let work = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-import-benchmark")
let database = work.appendingPathComponent("spotcheck.sqlite").path
let baseline = work.appendingPathComponent("sqlite3-baseline.sqlite").path

/// Runs a program to completion; fails the benchmark run loudly if it fails.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { fatalError("cannot run \(executable): \(error)") }
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "\(executable) \(arguments) failed")
    return process.terminationStatus
}

func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// The demo roster (GB18030, CRLF, as Excel writes it) and the same rows in UTF-8 for sqlite3.
let prepared: Void = {
    try? FileManager.default.removeItem(at: work)
    try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    precondition(FileManager.default.isExecutableFile(atPath: spotcheck), "build first: swift build -c release --product spotcheck (Benchmarks/run does)")
    run(spotcheck, ["demo", "generate", "--out", work.path, "--institutions", String(rows)])
    run("/usr/bin/iconv", ["-f", "GB18030", "-t", "UTF-8", "-o", work.appendingPathComponent("institutions-utf8.csv").path,
                           work.appendingPathComponent("institutions.csv").path])
}()

let benchmarks: @Sendable () -> Void = {
    _ = prepared
    let rowsPerSecond = BenchmarkMetric.custom("rows per second", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, rowsPerSecond],
        timeUnits: .milliseconds,
        maxDuration: .seconds(60),
        maxIterations: 9)

    Benchmark("spotcheck import institutions, 100k rows (whole process)") { benchmark in
        for _ in benchmark.scaledIterations {
            removeDatabase(database)
            run(spotcheck, ["jurisdictions", "load", repository.appendingPathComponent("config/jurisdictions/640000-ningxia.csv").path],
                environment: ["SPOTCHECK_DB": database])
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            run(spotcheck, ["import", "institutions", work.appendingPathComponent("institutions.csv").path], environment: ["SPOTCHECK_DB": database])
            benchmark.stopMeasurement()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(rowsPerSecond, Int(Double(rows) / seconds))
        }
    }

    Benchmark("sqlite3 .import, same 100k rows, no validation (baseline)") { benchmark in
        for _ in benchmark.scaledIterations {
            removeDatabase(baseline)
            let start = ContinuousClock.now
            benchmark.startMeasurement()
            run("/usr/bin/sqlite3", [baseline,
                "-cmd", "CREATE TABLE institution(id TEXT, name TEXT, category TEXT, jurisdiction TEXT, risk TEXT, risk_reason TEXT, status TEXT)",
                ".import --csv --skip 1 \(work.appendingPathComponent("institutions-utf8.csv").path) institution"])
            benchmark.stopMeasurement()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(rowsPerSecond, Int(Double(rows) / seconds))
        }
    }
}
