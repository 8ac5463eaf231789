import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// spotcheckd as systemd runs it: the real binary, a notify socket the test binds, signals, a
/// clock file as its wall clock, and the real spotcheck CLI writing beside it.
@Suite("spotcheckd service", .serialized)
struct DaemonServiceTests {
    static let day = "2026-11-20"
    static let morning = "2026-11-20T10:00:00+08:00"

    /// A demo deployment as of 2026-11-20 and the daemon's clock at 10:00 that day.
    static func deployment() throws -> DaemonHarness {
        let harness = try DaemonHarness()
        let loaded = try harness.spotcheck(["demo", "load", "--as-of", day, "--institutions", "300"], now: "2026-11-20T18:00:00+08:00")
        #expect(loaded.status == 0, "\(loaded.stderr)")
        try harness.setClock(morning)
        return harness
    }

    @Test("notify: READY with STATUS once evaluated, WATCHDOG pings, RELOADING with MONOTONIC_USEC then READY on SIGHUP, STOPPING on SIGTERM, exit 0")
    func notifySequence() throws {
        let harness = try Self.deployment()
        let daemon = try harness.startDaemon(extra: ["WATCHDOG_USEC": "1000000"])
        let start = harness.notifications(until: "READY=1")
        #expect(start.last?.contains("READY=1") == true, "READY=1 came: \(start), stderr: \(daemon.stderr)")
        let ready = start.last ?? ""
        #expect(ready.contains("STATUS=") && ready.contains("overdue") && ready.contains("next check 2026-11-21 00:00 CST"), "\(ready)")
        #expect(harness.notifications(until: "WATCHDOG=1", timeout: 3).last == "WATCHDOG=1", "the scheduler loop pings the watchdog")

        kill(daemon.pid, SIGHUP)
        let reload = harness.notifications(until: "READY=1")
        let reloading = reload.first { $0.contains("RELOADING=1") }
        #expect(reloading?.contains("MONOTONIC_USEC=") == true, "RELOADING=1 and MONOTONIC_USEC in one message: \(reload)")
        #expect(reload.last?.contains("READY=1") == true)
        #expect(reload.firstIndex { $0.contains("RELOADING=1") }! < reload.lastIndex { $0.contains("READY=1") }!)

        kill(daemon.pid, SIGTERM)
        let stop = harness.notifications(until: "STOPPING=1")
        #expect(stop.last?.contains("STOPPING=1") == true, "\(stop)")
        #expect(harness.wait(daemon) == 0, "a clean exit: \(daemon.stderr)")
    }

    @Test("another writer holding the database as the daemon starts: READY from the state kept, the delivery worker retries (logged) instead of stopping the daemon, and carries on once the lock is gone")
    func busyDatabaseAtStart() throws {
        let harness = try Self.deployment()
        // A first run evaluates and keeps the state; the restart below resumes from it, reading only.
        var daemon = try harness.startDaemon()
        #expect(harness.notifications(until: "READY=1").last?.contains("READY=1") == true, "\(daemon.stderr)")
        _ = harness.notifications(until: "STATUS=")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0, "\(daemon.stderr)")

        // Another process holds the write lock for longer than the daemon's 10 s busy timeout.
        let locked = harness.directory.appendingPathComponent("locked").path
        let holder = try harness.spawn("/usr/bin/python3", ["-c", """
            import sqlite3, sys, time
            connection = sqlite3.connect(sys.argv[1], isolation_level=None)
            connection.execute("BEGIN IMMEDIATE")
            open(sys.argv[2], "w").close()
            time.sleep(13)
            connection.execute("ROLLBACK")
            """, harness.database, locked])
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: locked), ContinuousClock.now < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: locked), "the lock is held: \(holder.stderr)")
        daemon = try harness.startDaemon()
        #expect(harness.notifications(until: "READY=1").last?.contains("READY=1") == true, "READY while the lock is held: \(daemon.stderr)")
        #expect(harness.wait(holder, timeout: 20) == 0, "\(holder.stderr)")
        // The worker's first try waited out the busy timeout, failed, and tries again 5 s later.
        let retried = ContinuousClock.now + .seconds(12)
        while !daemon.stderr.contains("opening the outbox failed (1 in a row)"), ContinuousClock.now < retried { usleep(100_000) }
        #expect(daemon.stderr.contains("opening the outbox failed (1 in a row)"), "\(daemon.stderr)")
        usleep(7_000_000)
        var status: Int32 = 0
        #expect(waitpid(daemon.pid, &status, WNOHANG) == 0, "still running: \(daemon.stderr)")
        #expect(!daemon.stderr.contains("opening the outbox failed (2 in a row)") && !daemon.stderr.contains("critical"), "\(daemon.stderr)")
        // Free again: a CLI write reaches it as usual.
        let rates = try harness.spotcheck(["plan", "create", "--year", "2027", "--jurisdiction", "640000", "--category", "lawyer", "--months", "5,10"], now: Self.morning)
        #expect(rates.status == 0, "\(rates.stderr)")
        #expect(harness.notifications(until: "STATUS=", timeout: 10).last?.contains("STATUS=") == true, "evaluated after the write: \(daemon.stderr)")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0, "\(daemon.stderr)")
    }

    @Test("SIGHUP reloads a changed configuration (the language of the entries), and keeps the running one when the new one is broken")
    func reload() throws {
        let harness = try Self.deployment()
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        #expect(daemon.stderr.contains("spotcheckd started"), "English at first (language: en): \(daemon.stderr)")

        try "language: zh\n".write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        _ = harness.notifications(until: "READY=1")
        #expect(daemon.stderr.contains("spotcheckd 已重新载入配置和日历"), "the reloaded configuration speaks Chinese: \(daemon.stderr)")

        try "language: fr\n".write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        let after = harness.notifications(until: "READY=1")
        #expect(after.last?.contains("READY=1") == true, "still ready after a refused reload")
        #expect(daemon.stderr.contains("重新载入被拒绝") && daemon.stderr.contains("language"), "the refusal names the key, in the running language: \(daemon.stderr)")
        #expect(daemon.stderr.contains("MESSAGE_ID=f5200c20733b4fa3a0425585842bfc82"))
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("a stepped wall clock re-plans at once: the new day's transitions are logged, one entry each, and the next check moves")
    func clockStep() throws {
        let harness = try Self.deployment()
        try "language: en\nalerts:\n  fold_above: 5000\n".write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let before = DaemonHarness.entries(daemon.stderr).count
        try harness.setClock("2026-11-27T10:00:00+08:00")
        let status = harness.notifications(until: "next check 2026-11-28 00:00 CST")
        #expect(status.last?.contains("next check 2026-11-28 00:00 CST") == true, "re-planned on the clock step: \(status)")
        let entries = DaemonHarness.entries(daemon.stderr).dropFirst(before)
        #expect(entries.contains { $0.contains("MESSAGE_ID=d892d33ff1af46649c089313bc0d54f9") || $0.contains("MESSAGE_ID=761703750e4b44daac70b3a06dff284e") },
                "due-soon or overdue entries after the step: \(entries)")
        let subjects = entries.compactMap { line in line.split(separator: " ").first { $0.hasPrefix("ALERT_SUBJECT=") }.map { "\($0)|\(line.contains("ALERT_KIND=overdue") ? "o" : "x")" } }
        #expect(Set(subjects).count == subjects.count, "each transition logged once")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("a CLI write reaches the daemon's alert state within 5 seconds, without a restart")
    func cliWrite() throws {
        let harness = try Self.deployment()
        let daemon = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let state = try harness.spotcheck(["alerts", "--json"])
        let alerts = try #require((try JSONSerialization.jsonObject(with: Data(state.stdout.utf8)) as? [String: Any])?["alerts"] as? [[String: Any]])
        // A round whose report is due soon or overdue: record its report.
        let report = try #require(alerts.first { ($0["subject"] as? String)?.hasSuffix("/report") == true && $0["kind"] as? String != "provisional" })
        let round = try #require(report["round"] as? String)
        let recorded = try harness.spotcheck(["round", "report", round, "--on", Self.day], now: Self.morning)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let started = ContinuousClock.now
        var cleared = false
        while ContinuousClock.now - started < .seconds(5) {
            let now = try harness.spotcheck(["alerts", "--json"]).stdout
            if !now.contains("\"deadline/\(round)/report\"") { cleared = true; break }
            usleep(100_000)
        }
        #expect(cleared, "the report's alert is cleared within 5 s of the write")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0)
    }

    @Test("kill -9 and a restart repeat no alert and lose none: an entry not yet written when it died is written on the next start")
    func crashAndRestart() throws {
        let harness = try Self.deployment()
        let first = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let firstEntries = DaemonHarness.entries(first.stderr)
        #expect(firstEntries.count >= 2, "the first start logged the catch-up and its summaries: \(firstEntries)")
        kill(first.pid, SIGKILL)
        #expect(harness.wait(first) == 128 + SIGKILL)

        let second = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let again = DaemonHarness.entries(second.stderr).filter { !$0.contains("ALERT_KIND=started") }
        #expect(again.isEmpty, "nothing repeated after kill -9: \(again)")
        kill(second.pid, SIGKILL)
        _ = harness.wait(second)

        // As if it had died between writing a transition and writing its journal entry.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [harness.database, "UPDATE alert_state SET logged = 0 WHERE subject = (SELECT min(subject) FROM alert_state WHERE kind = 'due-soon')"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let third = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        let resent = DaemonHarness.entries(third.stderr).filter { !$0.contains("ALERT_KIND=started") }
        #expect(resent.count == 1 && resent[0].contains("ALERT_KIND=due-soon"), "the one unwritten entry, and only it: \(resent)")
        kill(third.pid, SIGTERM)
        #expect(harness.wait(third) == 0)
    }

    @Test("a catch-up over a long downtime folds into summary entries, far under journald's rate limit")
    func catchUp() throws {
        let harness = try Self.deployment()
        let first = try harness.startDaemon()
        _ = harness.notifications(until: "READY=1")
        kill(first.pid, SIGTERM)
        #expect(harness.wait(first) == 0)

        try harness.setClock("2027-02-26T10:00:00+08:00")  // three months later
        let second = try harness.startDaemon(extra: ["SPOTCHECK_ALERTS_FOLD_ABOVE": "5000"])
        _ = harness.notifications(until: "READY=1")
        let entries = DaemonHarness.entries(second.stderr)
        let caughtUp = entries.first { $0.contains("MESSAGE_ID=51b02ce0f657431aa6583e4d0d2fdd15") }
        #expect(caughtUp?.contains("SINCE=2026-11-20") == true, "the catch-up names the day last evaluated: \(entries)")
        #expect(entries.contains { $0.contains("MESSAGE_ID=ca06c33a25e14301aab3f6c2aa6519ff") && $0.contains("QUERY=spotcheck alerts --kind") },
                "summaries with the query that lists the items")
        #expect(entries.count <= 15, "a handful of entries, not one per item: \(entries.count)")
        let state = try harness.spotcheck(["alerts", "--json"]).stdout
        let kept = ((try JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any])?["alerts"] as? [Any])?.count ?? 0
        #expect(kept > entries.count, "more alerts kept (\(kept)) than entries written (\(entries.count)): they were folded")
        kill(second.pid, SIGTERM)
        #expect(harness.wait(second) == 0)
    }

    @Test("--check-config: 0 for a good configuration, 78 naming the key for a bad one")
    func checkConfig() throws {
        let harness = try DaemonHarness()
        let good = try harness.spawn(DaemonHarness.daemon, ["--check-config"])
        #expect(harness.wait(good) == 0)
        try "alerts:\n  escalate_after_workdays: 0\n".write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let bad = try harness.spawn(DaemonHarness.daemon, ["--check-config"])
        #expect(harness.wait(bad) == 78)
        #expect(bad.stderr.contains("alerts.escalate_after_workdays"), "\(bad.stderr)")
    }
}
