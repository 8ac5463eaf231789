import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// spotcheckd writing to a real systemd-journald, started by the test in a private mount
/// namespace (a tmpfs on /run, the journal files bind-mounted from the scratch directory), and
/// read back with `journalctl -D … -o json`.
@Suite("spotcheckd and the journal", .serialized)
struct JournalTests {
    /// Starts journald in a new mount namespace, runs the command given after it in the
    /// background (its pid in $PIDFILE), waits for it, then stops journald so it flushes.
    static let namespaceScript = """
        set -e
        mount -t tmpfs tmpfs /run
        mount -t tmpfs tmpfs /var/log
        mkdir -p /run/log/journal /run/systemd/journal
        mount --bind "$JOURNAL_DIR" /run/log/journal
        for candidate in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
          [ -x "$candidate" ] && journald="$candidate" && break
        done
        env -u NOTIFY_SOCKET "$journald" &
        journald_pid=$!
        for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
        set +e
        "$@" &
        echo $! > "$PIDFILE"
        wait $!
        status=$?
        kill $journald_pid
        wait $journald_pid
        exit $status
        """

    static func canRun() -> Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
            && (FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald") || FileManager.default.isExecutableFile(atPath: "/usr/lib/systemd/systemd-journald"))
    }

    /// Runs `command` under journald in a private namespace; returns the running script and the command's pid.
    static func underJournald(_ harness: DaemonHarness, _ command: [String]) throws -> (script: DaemonHarness.Running, pid: () -> pid_t?) {
        let journal = harness.directory.appendingPathComponent("journal").path
        try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: true)
        let pidFile = harness.directory.appendingPathComponent("command.pid").path
        let script = try harness.spawn("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", namespaceScript, "sh"] + command,
                                       extra: ["JOURNAL_DIR": journal, "PIDFILE": pidFile, "NOTIFY_SOCKET": harness.notifyPath])
        return (script, { (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) } })
    }

    /// Every entry spotcheckd wrote, as journalctl's JSON gives them.
    static func entries(_ harness: DaemonHarness) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        process.arguments = ["-D", harness.directory.appendingPathComponent("journal").path, "-o", "json", "--no-pager", "SYSLOG_IDENTIFIER=spotcheckd"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("alert transitions reach journald with their MESSAGE_ID, PRIORITY and upper-case fields, each once", .enabled(if: canRun()))
    func structuredEntries() throws {
        let harness = try DaemonServiceTests.deployment()
        try "language: en\nalerts:\n  fold_above: 5000\n".write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let (script, pid) = try Self.underJournald(harness, [DaemonHarness.daemon, "--log", "journal", "--clock-file", harness.clockFile])
        let ready = harness.notifications(until: "READY=1", timeout: 20)
        #expect(ready.last?.contains("READY=1") == true, "\(ready) \(script.stderr)")
        try harness.setClock("2026-11-27T10:00:00+08:00")
        _ = harness.notifications(until: "next check 2026-11-28", timeout: 10)
        if let daemon = pid() { kill(daemon, SIGTERM) }
        #expect(harness.wait(script, timeout: 30) == 0, "\(script.stderr)")

        let entries = try Self.entries(harness)
        func field(_ entry: [String: Any], _ name: String) -> String? { entry[name] as? String }
        #expect(entries.contains { field($0, "MESSAGE_ID") == "219e85bdad3441218a7afa03772b59a1" }, "started: \(entries.count) entries")
        #expect(entries.contains { field($0, "MESSAGE_ID") == "51b02ce0f657431aa6583e4d0d2fdd15" && field($0, "SINCE") == "never" }, "caught up on the first start")
        let deadlines = entries.filter { ["d892d33ff1af46649c089313bc0d54f9", "761703750e4b44daac70b3a06dff284e", "a9e735ac501a4175a4fa3f8a9827e14b"].contains(field($0, "MESSAGE_ID") ?? "") }
        #expect(!deadlines.isEmpty, "due-soon, overdue or escalated entries after the clock step: \(entries.map { "\(field($0, "MESSAGE") ?? "")" })")
        for entry in deadlines {
            #expect(["13", "14", "15"].contains(field(entry, "ARTICLE") ?? ""), "ARTICLE: \(entry)")
            #expect(field(entry, "ROUND_ID")?.isEmpty == false)
            #expect(field(entry, "DEADLINE")?.count == 10)
            #expect(field(entry, "JURISDICTION") == "640000")
            #expect(field(entry, "CATEGORY")?.isEmpty == false)
            #expect(["0", "1"].contains(field(entry, "PROVISIONAL") ?? ""))
            #expect(field(entry, "PRIORITY").flatMap(Int.init).map { (2...5).contains($0) } == true)
            #expect(field(entry, "CODE_FILE")?.hasSuffix("AlertJournal.swift") == true && field(entry, "CODE_LINE") != nil)
            #expect(field(entry, "MESSAGE")?.contains("Art. \(field(entry, "ARTICLE") ?? "")") == true, "the message names its article")
            if field(entry, "MESSAGE_ID") != "761703750e4b44daac70b3a06dff284e" { #expect(field(entry, "OVERDUE_WORKDAYS").flatMap(Int.init) ?? 0 > 0) }
            if field(entry, "ARTICLE") == "14" { #expect(field(entry, "INSPECTION_ID")?.hasPrefix(field(entry, "ROUND_ID") ?? "?") == true) }
        }
        let transitions = deadlines.map { "\(field($0, "ALERT_SUBJECT") ?? "")|\(field($0, "MESSAGE_ID") ?? "")" }
        #expect(Set(transitions).count == transitions.count, "one entry per transition")
    }

    @Test("--log auto writes to the journal when stderr is the journal stream ($JOURNAL_STREAM), and nothing to stderr", .enabled(if: canRun()))
    func autoDestination() throws {
        let harness = try DaemonServiceTests.deployment()
        let errors = harness.directory.appendingPathComponent("daemon.stderr").path
        let command = "exec 2>\"$0\"; JOURNAL_STREAM=$(stat -c %d:%i \"$0\") exec \"$1\" --log auto --clock-file \"$2\""
        let (script, pid) = try Self.underJournald(harness, ["/bin/sh", "-c", command, errors, DaemonHarness.daemon, harness.clockFile])
        let ready = harness.notifications(until: "READY=1", timeout: 20)
        #expect(ready.last?.contains("READY=1") == true, "\(ready) \(script.stderr) \(String(describing: pid()))")
        if let daemon = pid() { kill(daemon, SIGTERM) }
        #expect(harness.wait(script, timeout: 30) == 0, "\(script.stderr)")
        #expect(try Self.entries(harness).contains { $0["MESSAGE_ID"] as? String == "219e85bdad3441218a7afa03772b59a1" })
        #expect(((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").isEmpty, "nothing on stderr")
    }

    @Test("--log journal with no journald to take the entries: its socket absent, or stale with nobody reading; every entry goes to stderr instead, none is lost",
          .enabled(if: canRun()), arguments: ["absent", "stale"])
    func journalAbsent(socket: String) throws {
        let harness = try DaemonServiceTests.deployment()
        // A private /run without journald. A stale socket (bound, then its listener gone) makes
        // sd_journal_sendv fail with ECONNREFUSED; an absent one is caught at start.
        let stale = "mkdir -p /run/systemd/journal && python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(\"/run/systemd/journal/socket\")'"
        let setUp = "mount -t tmpfs tmpfs /run" + (socket == "stale" ? " && " + stale : "")
        let daemon = try harness.spawn("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", setUp + " && exec \"$@\"", "sh",
                                                            DaemonHarness.daemon, "--log", "journal", "--clock-file", harness.clockFile],
                                       extra: ["NOTIFY_SOCKET": harness.notifyPath])
        let ready = harness.notifications(until: "READY=1", timeout: 20)
        #expect(ready.last?.contains("READY=1") == true, "\(ready) \(daemon.stderr)")
        kill(daemon.pid, SIGTERM)
        #expect(harness.wait(daemon) == 0, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("spotcheckd: info spotcheckd started:"), "the started entry on stderr: \(daemon.stderr)")
        #expect(daemon.stderr.contains("MESSAGE_ID=219e85bdad3441218a7afa03772b59a1"), "with its fields")
        #expect(daemon.stderr.contains("ALERT_KIND=caught-up"), "the first start's catch-up too")
        #expect(daemon.stderr.contains("no journal at /run/systemd/journal/socket") == (socket == "absent"), "the warning when there is no socket at all")
    }

    /// `journalctl -x` on the entries the test's journald wrote, with the project's catalogs
    /// compiled into a private root (the machine's catalog is not touched).
    static func explained(_ harness: DaemonHarness, _ match: String) throws -> String {
        let root = harness.directory.appendingPathComponent("root")
        let catalogs = root.appendingPathComponent("usr/lib/systemd/catalog")
        try FileManager.default.createDirectory(at: catalogs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("var/log"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: harness.directory.appendingPathComponent("journal"), to: root.appendingPathComponent("var/log/journal"))
        for name in ["spotcheckd.catalog", "spotcheckd.zh_CN.catalog"] {
            try FileManager.default.copyItem(at: CatalogTests.systemd.appendingPathComponent(name), to: catalogs.appendingPathComponent(name))
        }
        // `--update-catalog --root` compiles into the root; `-x` reads only /var/lib/systemd/catalog,
        // so it runs in a mount namespace where the compiled database is bound there.
        func journalctl(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            let catalog = root.appendingPathComponent("var/lib/systemd/catalog").path
            process.arguments = ["--mount", "--propagation", "private", "/bin/sh", "-c",
                                 "mkdir -p /var/lib/systemd/catalog && { [ ! -f \"$0/database\" ] || mount --bind \"$0\" /var/lib/systemd/catalog; } && exec /usr/bin/journalctl \"$@\"",
                                 catalog, "--root", root.path] + arguments
            process.environment = ["LANG": "C.UTF-8", "SYSTEMD_PAGER": ""]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        _ = try journalctl(["--update-catalog"])
        return try journalctl(["-x", "--no-pager", match])
    }

    @Test("a compliance warning date passing (Art. 8: no round by 30 June) logs the warning once, with YEAR and its catalog entry", .enabled(if: canRun()))
    func complianceWarningDate() throws {
        let harness = try DaemonHarness()
        try "language: en\nalerts:\n  fold_above: 5000\n".write(toFile: harness.configFile, atomically: true, encoding: .utf8)
        let now = "2026-06-01T10:00:00+08:00"
        let demo = harness.directory.appendingPathComponent("demo").path
        #expect(try harness.spotcheck(["demo", "generate", "--out", demo, "--institutions", "120"], now: now).status == 0)
        for kind in ["checklist", "institutions", "inspectors", "conflicts"] {
            #expect(try harness.spotcheck(["import", kind, "\(demo)/\(kind).csv"], now: now).status == 0)
        }
        #expect(try harness.spotcheck(["plan", "create", "--year", "2026", "--jurisdiction", "640000", "--category", "lawyer", "--months", "5,10"], now: now).status == 0)
        try harness.setClock("2026-06-29T20:00:00+08:00")
        let (script, pid) = try Self.underJournald(harness, [DaemonHarness.daemon, "--log", "journal", "--clock-file", harness.clockFile])
        let ready = harness.notifications(until: "READY=1", timeout: 20)
        #expect(ready.last?.contains("READY=1") == true, "\(ready) \(script.stderr)")
        try harness.setClock("2026-06-30T09:00:00+08:00")
        _ = harness.notifications(until: "next check 2026-07-01", timeout: 10)
        try harness.setClock("2026-07-01T09:00:00+08:00")
        _ = harness.notifications(until: "next check 2026-07-02", timeout: 10)
        if let daemon = pid() { kill(daemon, SIGTERM) }
        #expect(harness.wait(script, timeout: 30) == 0, "\(script.stderr)")

        let subject = "compliance/2026/640000/lawyer/first-round"
        let warnings = try Self.entries(harness).filter { $0["ALERT_SUBJECT"] as? String == subject }
        #expect(warnings.count == 1, "logged once, on the day it became true, not again the day after: \(warnings)")
        let warning = try #require(warnings.first)
        #expect(warning["MESSAGE_ID"] as? String == "8f0ccdab59a2492cb7e87301e492cd3b")
        #expect(warning["ARTICLE"] as? String == "8" && warning["YEAR"] as? String == "2026")
        #expect(warning["JURISDICTION"] as? String == "640000" && warning["CATEGORY"] as? String == "lawyer")
        #expect(warning["PRIORITY"] as? String == "5")
        #expect((warning["MESSAGE"] as? String)?.contains("no round drawn by 2026-06-30") == true, "\(warning)")
        // On the first start, the day before, the warnings then in force (projected shortfalls) were folded into the catch-up.
        #expect(try Self.entries(harness).contains { $0["MESSAGE_ID"] as? String == "ca06c33a25e14301aab3f6c2aa6519ff" && $0["ALERT_KIND"] as? String == "compliance-warning" })

        let explained = try Self.explained(harness, "ALERT_SUBJECT=\(subject)")
        #expect(explained.contains("Subject: Compliance warning (Art. 8): 2026 640000 lawyer"), "the catalog entry, its fields filled in: \(explained)")
        #expect(explained.contains("What to do:"))
    }
}

