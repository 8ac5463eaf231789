import Benchmark
import BenchmarkSupport
import Foundation

// Targets (issue 9), spotcheckd on a database with 1,000,000 inspections:
// - start to READY=1 under 100 ms: a restart with nothing recorded since the last evaluation
//   that day reports the alerts kept; measured too, a start after a CLI write while the daemon
//   was down, which evaluates every open deadline before READY=1;
// - resident memory under 64 MiB (peak, VmHWM, at READY);
// - a CLI write seen within 5 s (from the writing process's exit to the STATUS= of the
//   evaluation it caused);
// - idle: no wake-ups between events but the watchdog's (context switches of every thread over
//   a minute, printed; with WATCHDOG_USEC=20 s, 3 pings a minute are expected).

let workspace = Workspace("spotcheck-daemon-benchmark")
let notifyPath = workspace.directory.appendingPathComponent("notify").path

/// A field of /proc/PID/status, in its unit (kB for memory), summed over the threads for context switches.
func status(_ pid: pid_t, _ field: String) -> Int {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
    return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
}

func contextSwitches(_ pid: pid_t) -> Int {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.reduce(0) { total, task in
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
        return total + text.split(separator: "\n").filter { $0.contains("ctxt_switches") }
            .reduce(0) { $0 + (Int($1.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0) }
    }
}

let notify: NotifySocket = {
    precondition(FileManager.default.isExecutableFile(atPath: spotcheckd), "build first: swift build -c release (Benchmarks/run does)")
    let notice = workspace.directory.appendingPathComponent("ningxia-2026.yaml").path
    try? BenchmarkSupport.notice(daysOff: "[]").write(toFile: notice, atomically: true, encoding: .utf8)
    workspace.makeMillionInspectionDatabase(notice: notice)
    let socket = NotifySocket(path: notifyPath)
    // A first start raises every alert (folded into summaries); the starts measured below are restarts.
    let pid = workspace.start(spotcheckd, ["--log", "stderr"], extra: ["NOTIFY_SOCKET": notifyPath])
    _ = socket.wait(for: "READY=1")
    kill(pid, SIGTERM)
    workspace.reap(pid)
    return socket
}()

/// An inspection of a demo round, for the CLI writes.
let inspection: String = {
    _ = notify
    let text = String(decoding: workspace.run("/usr/bin/sqlite3", [workspace.database,
        "SELECT round || '/' || institution FROM inspection WHERE round LIKE '640000-2026-%' ORDER BY round, institution LIMIT 1"]), as: UTF8.self)
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}()

let benchmarks: @Sendable () -> Void = {
    _ = notify
    let peak = BenchmarkMetric.custom("peak resident memory at READY (MiB)", polarity: .prefersSmaller, useScalingFactor: false)
    let seen = BenchmarkMetric.custom("CLI write to STATUS= (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    let wakeUps = BenchmarkMetric.custom("context switches in 60 s idle (all threads)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(60), maxIterations: 15)

    /// Starts measured from the spawn to READY=1, each with its peak memory; `beforeEach` runs
    /// unmeasured before each start.
    func starts(_ name: String, beforeEach: @escaping @Sendable () -> Void = {}) {
        Benchmark(name, configuration: .init(metrics: [.wallClock, peak])) { benchmark in
            for _ in benchmark.scaledIterations {
                beforeEach()
                benchmark.startMeasurement()
                let pid = workspace.start(spotcheckd, ["--log", "stderr"], extra: ["NOTIFY_SOCKET": notifyPath])
                _ = notify.wait(for: "READY=1")
                benchmark.stopMeasurement()
                benchmark.measurement(peak, status(pid, "VmHWM") / 1024)
                kill(pid, SIGTERM)
                workspace.reap(pid)
            }
        }
    }
    starts("spotcheckd start to READY=1, 1M inspections")
    starts("spotcheckd start to READY=1 after a CLI write while down (evaluates first), 1M inspections") {
        workspace.run(spotcheck, ["finding", "add", inspection, "--text", "benchmark write while down"], extra: ["SPOTCHECK_NOW": "2026-12-01T10:00:00+08:00"])
    }

    Benchmark("spotcheckd: a CLI write (finding add) seen, 1M inspections", configuration: .init(metrics: [seen], warmupIterations: 0, maxIterations: 10)) { benchmark in
        let pid = workspace.start(spotcheckd, ["--log", "stderr"], extra: ["NOTIFY_SOCKET": notifyPath])
        _ = notify.wait(for: "READY=1")
        for _ in benchmark.scaledIterations {
            workspace.run(spotcheck, ["finding", "add", inspection, "--text", "benchmark write"], extra: ["SPOTCHECK_NOW": "2026-12-01T10:00:00+08:00"])
            let written = ContinuousClock.now
            _ = notify.wait(for: "STATUS=")
            benchmark.measurement(seen, Int(((ContinuousClock.now - written) / .milliseconds(1)).rounded()))
        }
        kill(pid, SIGTERM)
        workspace.reap(pid)
    }

    Benchmark("spotcheckd idle for 60 s, watchdog every 10 s", configuration: .init(metrics: [wakeUps], warmupIterations: 0, maxDuration: .seconds(200), maxIterations: 1)) { benchmark in
        let pid = workspace.start(spotcheckd, ["--log", "stderr"], extra: ["NOTIFY_SOCKET": notifyPath, "WATCHDOG_USEC": "20000000"])
        _ = notify.wait(for: "READY=1")
        // Past start-up: the second pass done, and the worker threads it used gone (a thread
        // that exits inside the window would take its switches out of the sum).
        sleep(15)
        let before = contextSwitches(pid)
        sleep(60)
        benchmark.measurement(wakeUps, contextSwitches(pid) - before)
        kill(pid, SIGTERM)
        workspace.reap(pid)
    }
}
