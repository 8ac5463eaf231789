import Benchmark
import Draw
import Fingerprint
import Foundation

// Targets (issue 4):
// (a) a provincial round — 2,000 institutions, 100 inspectors — drawn, and verified, by the real
//     `spotcheck` process in under 50 ms each;
// (b) the stress case — 5 % normal and 20 % high-risk from 1,000,000 institutions, teams of 2 from
//     2,000 inspectors — drawn and verified within 1.5× of the time the SHA-256 tickets alone take
//     on both cores (the floor, measured here with the same midstate-reusing hasher and printed
//     beside it).

let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let spotcheck = ProcessInfo.processInfo.environment["SPOTCHECK_BIN"] ?? repository.appendingPathComponent(".build/release/spotcheck").path
let work = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-draw-benchmark")

/// A deterministic manifest: `count` institutions over the 22 counties (~5 % high risk, ~2 %
/// suspended), `inspectorCount` inspectors (10 % fallback, 5 % unavailable), some recusal pairs.
func syntheticManifest(round: String, count: Int, inspectorCount: Int) -> DrawManifest {
    let counties = ["640104", "640105", "640106", "640121", "640122", "640181", "640202", "640205", "640221", "640302", "640303",
                    "640323", "640324", "640381", "640402", "640422", "640423", "640424", "640425", "640502", "640521", "640522"]
    var institutions: [DrawManifest.Institution] = []
    institutions.reserveCapacity(count)
    for index in 0..<count {
        let suspended = index % 50 == 7
        institutions.append(.init(id: "31\(counties[index % counties.count])E\(String(format: "%09d", index))", jurisdiction: counties[index % counties.count],
                                  risk: index % 20 == 3 ? "high" : "normal", eligible: !suspended, reason: suspended ? "suspended (停业)" : nil))
    }
    let inspectors = (0..<inspectorCount).map { DrawManifest.Inspector(id: "SF\(String(format: "%06d", $0))", pool: $0 % 10 == 9 ? "fallback" : "local", available: $0 % 20 != 11) }
    let conflicts = stride(from: 0, to: count, by: max(1, count / 500)).map {
        DrawManifest.ConflictPair(inspector: inspectors[$0 % inspectorCount].id, institution: institutions[$0].id)
    }
    return DrawManifest(round: round, announcedAt: "2026-11-25T10:00:00+08:00", category: "lawyer", stage1: nil, stratifyByJurisdiction: true,
                        rates: .init(normal: Rate(num: 5, den: 100), high: Rate(num: 20, den: 100)), teamSize: 2, maxAssignmentsPerInspector: nil,
                        institutions: institutions, inspectors: inspectors, conflicts: conflicts,
                        sources: [.init(name: "fc-ssq-2026150", kind: "integers", description: "双色球", expectedAt: "2026-12-24T21:15:00+08:00")])
}

let values = SourceValues(["fc-ssq-2026150": .integers([3, 8, 15, 21, 27, 33, 9])])

/// (a)'s files on disk: manifest, values, and the result to verify.
let provincial: (manifest: String, values: String, result: String) = {
    try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let manifest = syntheticManifest(round: "BENCH-A", count: 2_000, inspectorCount: 100).encoded()
    let manifestPath = work.appendingPathComponent("provincial-manifest.json").path
    let valuesPath = work.appendingPathComponent("provincial-values.json").path
    let resultPath = work.appendingPathComponent("provincial-result.json").path
    FileManager.default.createFile(atPath: manifestPath, contents: manifest)
    FileManager.default.createFile(atPath: valuesPath, contents: Data(values.json(order: try! DrawManifest.parse(manifest).sources).serialized().utf8))
    let result = try! DrawAlgorithm.run(manifestBytes: manifest, values: values)
    FileManager.default.createFile(atPath: resultPath, contents: Data(result.json.serialized().utf8))
    return (manifestPath, valuesPath, resultPath)
}()

func run(_ arguments: [String]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: spotcheck)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { fatalError("build first: swift build -c release --product spotcheck (Benchmarks/run does)") }
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "spotcheck \(arguments) failed")
}

/// (b): the manifest in memory, its bytes' hash, and the result for verification.
let stress: (manifest: DrawManifest, sha: String, result: Data, tickets: Int) = {
    let manifest = syntheticManifest(round: "BENCH-B", count: 1_000_000, inspectorCount: 2_000)
    let bytes = manifest.encoded()
    let sha = sha256Hex(bytes)
    let outcome = try! DrawAlgorithm.run(manifest: manifest, manifestSHA256: sha, values: values)
    let selected = outcome.strata.reduce(0) { $0 + $1.selected.count }
    let eligible = manifest.institutions.filter(\.eligible).count
    let available = manifest.inspectors.filter(\.available).count
    let tickets = eligible + selected * available
    print("stress case: \(manifest.institutions.count) institutions (\(eligible) eligible), \(selected) drawn, \(available) available inspectors: \(tickets) tickets")
    return (manifest, sha, Data(outcome.json.serialized().utf8), tickets)
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(30), maxIterations: 15)

    Benchmark("(a) spotcheck draw run: 2,000 institutions, 100 inspectors (whole process)") { benchmark in
        let files = provincial
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { run(["draw", "run", "--manifest", files.manifest, "--values", files.values]) }
    }

    Benchmark("(a) spotcheck draw verify: 2,000 institutions, 100 inspectors (whole process)") { benchmark in
        let files = provincial
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { run(["draw", "verify", "--manifest", files.manifest, files.result]) }
    }

    Benchmark("(b) floor: the stress case's tickets alone, midstate reused, both cores",
              configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(120), maxIterations: 5)) { benchmark in
        let count = stress.tickets
        let hasher = TicketHasher(seed: String(repeating: "c4", count: 32))
        benchmark.startMeasurement()
        let chunks = ProcessInfo.processInfo.activeProcessorCount * 4
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var tail = Array("\ninspector/31640104E000000123\nSF000000".utf8)
            var low = Ticket.max
            for index in stride(from: chunk, to: count, by: chunks) {
                tail[tail.count - 1] = UInt8(48 + index % 10)
                let ticket = tail.withUnsafeBytes { hasher.ticket(tail: $0) }
                if ticket < low { low = ticket }
            }
            blackHole(low)
        }
    }

    Benchmark("(b) draw: 1,000,000 institutions, 2,000 inspectors, teams of 2",
              configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(120), maxIterations: 5)) { benchmark in
        let input = stress
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try! DrawAlgorithm.run(manifest: input.manifest, manifestSHA256: input.sha, values: values))
        }
    }

    Benchmark("(b) verify: recompute and compare the published result",
              configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(120), maxIterations: 5)) { benchmark in
        let input = stress
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try! DrawVerifier.verify(manifest: input.manifest, manifestSHA256: input.sha, resultBytes: input.result))
        }
    }
}
