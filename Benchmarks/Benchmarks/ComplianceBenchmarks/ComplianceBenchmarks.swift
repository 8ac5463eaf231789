import Benchmark
import Foundation
import BenchmarkSupport

// Target (issue 10): compliance for all of Ningxia — every jurisdiction × 6 categories — over a
// year with 100,000 institutions and about 10,000 inspections, as a whole process
// (`spotcheck compliance --json`) in under 200 ms. Anchor: the same process answering a
// calendar query, in the same run.
// The database is `spotcheck demo load --institutions 100000` as of 2026-11-20: the generated
// rosters, a plan per category, and rounds drawn in every step of Art. 10 (built once, minutes).

let workspace = Workspace("spotcheck-compliance-benchmark")

@discardableResult
func run(_ arguments: [String]) -> Data { workspace.run(spotcheck, arguments, extra: ["SPOTCHECK_NOW": "2026-11-20T18:00:00+08:00"]) }

let prepared: Void = {
    precondition(FileManager.default.isExecutableFile(atPath: spotcheck), "build first: Benchmarks/run builds the release binaries")
    run(["demo", "load", "--as-of", "2026-11-20", "--institutions", "100000"])
    let counts = String(decoding: workspace.run("/usr/bin/sqlite3", [workspace.database,
        "SELECT (SELECT count(*) FROM institution WHERE until_version IS NULL), (SELECT count(*) FROM inspection), (SELECT count(*) FROM round_compliance_facts)"]),
        as: UTF8.self)
    let rows = (try? JSONSerialization.jsonObject(with: run(["compliance", "--as-of", "2026-11-20", "--json"])) as? [String: Any])?["rows"] as? [Any]
    print("database: institutions|inspections|drawn rounds = \(counts.trimmingCharacters(in: .whitespacesAndNewlines)); compliance rows: \(rows?.count ?? -1)")
}()

let benchmarks: @Sendable () -> Void = {
    _ = prepared
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(60), maxIterations: 21)

    Benchmark("spotcheck calendar is-workday (whole process, anchor)") { benchmark in
        for _ in benchmark.scaledIterations { run(["calendar", "is-workday", "2026-11-20"]) }
    }

    Benchmark("spotcheck compliance --json, all of Ningxia, 100,000 institutions (whole process)") { benchmark in
        for _ in benchmark.scaledIterations { run(["compliance", "--as-of", "2026-11-20", "--json"]) }
    }
}
