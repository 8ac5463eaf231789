import Benchmark
import BenchmarkSupport
import Foundation

// Targets (issue 11):
// - 100,000 pending webhooks drained by spotcheckd to a local receiver at 1,000 deliveries a
//   second or more, with flat memory (resident memory printed at READY and once drained). The
//   receiver is nginx answering 204 on loopback (Debian's nginx-light; Benchmarks/run installs it),
//   so that the receiver is not what is measured.
// - the leadership summary of the 1,000,000-inspection database rendered in under 1 s
//   (`spotcheck summary --as-of 2026-12-01`, a whole process), with `calendar is-workday` as the anchor.

let drain = Workspace("spotcheck-notify-drain")
let million = Workspace("spotcheck-notify-million")
let rows = 100_000
let receiverPort = 18_931

/// A field of /proc/PID/status in kB.
func status(_ pid: pid_t, _ field: String) -> Int {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
    return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
}

func sql(_ workspace: Workspace, _ statement: String) -> String {
    String(decoding: workspace.run("/usr/bin/sqlite3", [workspace.database, statement]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The daemon's configuration: one standard webhook at `port`.
func configure(port: Int, retry: Int) {
    let secret = "whsec_" + Data("spotcheck-benchmark-secret-0123456789".utf8).base64EncodedString()
    try? """
        language: en
        notify:
          webhooks: [ops]
          webhook:
            ops:
              url: http://127.0.0.1:\(port)/hook
              secret: \(secret)
          retry_initial_seconds: \(retry)
        """.write(to: drain.directory.appendingPathComponent("none.yaml"), atomically: true, encoding: .utf8)
}

/// nginx on loopback answering 204 to everything, in the foreground, from the workspace.
let receiver: pid_t = {
    precondition(FileManager.default.isExecutableFile(atPath: spotcheckd), "build first: swift build -c release (Benchmarks/run does)")
    precondition(FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "nginx is needed: apt-get install nginx-light (Benchmarks/run does)")
    let prefix = drain.directory.appendingPathComponent("nginx").path
    try? FileManager.default.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
    try? """
        worker_processes 1;
        daemon off;
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/logs/error.log;
        events { worker_connections 1024; }
        http {
            access_log off;
            keepalive_requests 10000000;
            keepalive_timeout 300s;
            client_body_temp_path \(prefix)/body;
            server {
                listen 127.0.0.1:\(receiverPort);
                location / { return 204; }
            }
        }
        """.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
    let pid = drain.start("/usr/sbin/nginx", ["-p", prefix, "-c", prefix + "/nginx.conf"])
    usleep(500_000)
    return pid
}()

/// The drain database: the demo deployment, its alerts raised once with the webhook down (so
/// that a row of the real payload exists and no alert is raised again), then that row copied to
/// 100,000 pending rows.
let drainReady: Bool = {
    _ = receiver
    drain.run(spotcheck, ["demo", "load", "--as-of", "2026-11-20", "--institutions", "300"], extra: ["SPOTCHECK_NOW": "2026-11-20T18:00:00+08:00"])
    configure(port: receiverPort + 1, retry: 3600)  // nothing listens there
    let pid = drain.start(spotcheckd, ["--log", "stderr"])
    var waited = 0
    while Int(sql(drain, "SELECT count(*) FROM outbox WHERE attempts > 0")) ?? 0 == 0, waited < 600 {
        usleep(100_000)
        waited += 1
    }
    kill(pid, SIGTERM)
    drain.reap(pid)
    _ = sql(drain, """
        BEGIN;
        CREATE TEMP TABLE template AS SELECT * FROM outbox WHERE id = (SELECT min(id) FROM outbox);
        DELETE FROM outbox;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows))
        INSERT INTO outbox (key, kind, channel, destination, payload, attempts, next_attempt_at, state, created_at, updated_at)
          SELECT t.key || '/benchmark/' || i, t.kind, t.channel, t.destination, t.payload, 0, '2000-01-01T00:00:00.000Z', 'pending', t.created_at, t.created_at
          FROM template t, n;
        COMMIT;
        """)
    precondition(Int(sql(drain, "SELECT count(*) FROM outbox WHERE state = 'pending'")) == rows, "100,000 pending rows")
    configure(port: receiverPort, retry: 30)
    return true
}()

let millionReady: Bool = {
    let notice = million.directory.appendingPathComponent("ningxia-2026.yaml").path
    try? BenchmarkSupport.notice(daysOff: "[]").write(toFile: notice, atomically: true, encoding: .utf8)
    million.makeMillionInspectionDatabase(notice: notice)
    return true
}()

let benchmarks: @Sendable () -> Void = {
    let rate = BenchmarkMetric.custom("deliveries per second", polarity: .prefersLarger, useScalingFactor: false)
    let startRSS = BenchmarkMetric.custom("resident memory at READY (MiB)", polarity: .prefersSmaller, useScalingFactor: false)
    let endRSS = BenchmarkMetric.custom("resident memory once drained (MiB)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(60), maxIterations: 15)

    Benchmark("spotcheckd drains 100,000 pending webhooks to nginx on loopback",
              configuration: .init(metrics: [.wallClock, rate, startRSS, endRSS], timeUnits: .seconds, warmupIterations: 0, maxDuration: .seconds(900), maxIterations: 3)) { benchmark in
        _ = drainReady
        for _ in benchmark.scaledIterations {
            _ = sql(drain, "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = '2000-01-01T00:00:00.000Z', delivered_at = NULL, last_error = NULL")
            let notify = drain.directory.appendingPathComponent("notify").path
            unlink(notify)
            let socket = NotifySocket(path: notify)
            let pid = drain.start(spotcheckd, ["--log", "stderr"], extra: ["NOTIFY_SOCKET": notify])
            socket.wait(for: "READY=1")
            let started = ContinuousClock.now
            benchmark.startMeasurement()
            let atReady = status(pid, "VmRSS") / 1024
            var left = rows
            var samples: [String] = []
            while left > 0 {
                usleep(250_000)
                left = Int(sql(drain, "SELECT count(*) FROM outbox WHERE state != 'delivered'")) ?? rows
                // Resident memory as the drain goes: flat means it stops growing, whatever is left.
                if samples.count < (rows - left) * 4 / rows { samples.append("\((rows - left) / 1000)k: \(status(pid, "VmRSS") / 1024) MiB") }
                if ContinuousClock.now - started > .seconds(600) { fatalError("not drained in 600 s: \(left) left") }
            }
            benchmark.stopMeasurement()
            let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
            let atEnd = status(pid, "VmRSS") / 1024
            benchmark.measurement(rate, Int((Double(rows) / seconds).rounded()))
            benchmark.measurement(startRSS, atReady)
            benchmark.measurement(endRSS, atEnd)
            print("resident memory during the drain: \(samples.joined(separator: ", "))")
            print("drained \(rows) in \(String(format: "%.1f", seconds)) s: \(Int(Double(rows) / seconds)) a second; RSS \(atReady) MiB at READY, \(atEnd) MiB drained, peak \(status(pid, "VmHWM") / 1024) MiB")
            kill(pid, SIGTERM)
            drain.reap(pid)
        }
    } teardown: {
        // nginx holds the harness's pipes it inherited: the run ends only once it is gone.
        kill(receiver, SIGTERM)
        drain.reap(receiver)
    }

    Benchmark("spotcheck summary --as-of 2026-12-01, 1M inspections") { benchmark in
        _ = millionReady
        for _ in benchmark.scaledIterations {
            million.run(spotcheck, ["summary", "--as-of", "2026-12-01"])
        }
    }

    Benchmark("anchor: spotcheck calendar is-workday (same database)") { benchmark in
        _ = millionReady
        for _ in benchmark.scaledIterations {
            million.run(spotcheck, ["calendar", "is-workday", "2026-12-01"])
        }
    }
}
