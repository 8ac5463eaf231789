import Foundation
import Testing

/// `spotcheck calendar …` through the real binary.
@Suite("spotcheck calendar")
struct CalendarCommandTests {
    @Test("load: the shipped directory loads 11 layers, once; loading again changes nothing")
    func load() throws {
        let cli = SpotcheckProcess()
        let first = try cli.run(["calendar", "load", "config/calendar", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let files = try first.json()["files"] as? [[String: Any]] ?? []
        #expect(files.count == 11)
        #expect(files.allSatisfy { $0["outcome"] as? String == "added" })
        #expect(FileManager.default.fileExists(atPath: cli.database.path))
        let again = try cli.run(["calendar", "load", "config/calendar", "--json"])
        #expect((try again.json()["files"] as? [[String: Any]] ?? []).allSatisfy { $0["outcome"] as? String == "unchanged" })
        let versions = try cli.run(["calendar", "versions", "--json"])
        let rows = try versions.json()["versions"] as? [[String: Any]] ?? []
        #expect(rows.count == 11)
        #expect(rows.first?["loaded_by"] as? String == "tester")
        #expect((rows.first?["sha256"] as? String)?.count == 64)
    }

    @Test("is-workday: a make-up Sunday, a holiday, a Ningxia Eid day")
    func isWorkday() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let sunday = try cli.run(["calendar", "is-workday", "2024-09-29", "--region", "national", "--json"]).json()
        #expect(sunday["working_day"] as? Bool == true)
        #expect((sunday["day"] as? [String: Any])?["kind"] as? String == "make_up_day")
        #expect(sunday["provisional"] as? Bool == false)
        let eid = try cli.run(["calendar", "is-workday", "2021-07-19", "--json"]).json()
        #expect(eid["region"] as? String == "ningxia", "the configured default region")
        #expect(eid["working_day"] as? Bool == false)
        #expect((eid["day"] as? [String: Any])?["name"] as? String == "古尔邦节")
        let text = try cli.run(["calendar", "is-workday", "2024-10-03", "--region", "national"])
        #expect(text.stdout.contains("not a working day"))
        #expect(text.stdout.contains("国庆节"))
    }

    @Test("add: JSON has from, workdays, region, date, provisional; provisional into 2027")
    func add() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let answer = try cli.run(["calendar", "add", "2024-09-27", "5", "--region", "national", "--json"]).json()
        #expect(answer["from"] as? String == "2024-09-27")
        #expect(answer["workdays"] as? Int == 5)
        #expect(answer["region"] as? String == "national")
        #expect(answer["date"] as? String == "2024-10-10")
        #expect(answer["provisional"] as? Bool == false)
        let late = try cli.run(["calendar", "add", "2026-12-24", "5", "--region", "national", "--json"]).json()
        #expect(late["provisional"] as? Bool == true)
        #expect((late["reasons"] as? [String])?.first?.contains("2027") == true)
        let back = try cli.run(["calendar", "add", "2024-10-08", "-1", "--region", "national", "--json"]).json()
        #expect(back["date"] as? String == "2024-09-30")
        let ningxia = try cli.run(["calendar", "add", "2025-06-03", "5"])
        #expect(ningxia.stdout.contains("PROVISIONAL: Ningxia notice for 2025 not loaded"))
        let region = try cli.run(["calendar", "add", "2025-06-03", "5", "--region", "national"], environment: ["SPOTCHECK_REGION": "national"])
        #expect(!region.stdout.contains("PROVISIONAL"))
    }

    @Test("between: (A, B], negative backwards")
    func between() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let answer = try cli.run(["calendar", "between", "2022-12-28", "2023-01-03", "--region", "national", "--json"]).json()
        #expect(answer["workdays"] as? Int == 3)
        #expect(answer["to"] as? String == "2023-01-03")
        let backwards = try cli.run(["calendar", "between", "2023-01-03", "2022-12-28", "--region", "national", "--json"]).json()
        #expect(backwards["workdays"] as? Int == -3)
    }

    @Test("show: a year's days off, make-up days and notices")
    func show() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let year = try cli.run(["calendar", "show", "2020", "--json"]).json()
        #expect(year["working_days"] as? Int == 245)
        let daysOff = year["days_off"] as? [[String: Any]] ?? []
        #expect(daysOff.contains { $0["from"] as? String == "2020-07-30" && $0["to"] as? String == "2020-07-31" && $0["layer"] as? String == "ningxia" })
        #expect(daysOff.contains { $0["from"] as? String == "2020-01-31" && $0["to"] as? String == "2020-02-02" && ($0["notice"] as? String)?.contains("〔2020〕1号") == true })
        let notices = (year["notices"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
        #expect(notices.contains("国办发明电〔2019〕16号"))
        let text = try cli.run(["calendar", "show", "2026", "--region", "national"])
        #expect(text.stdout.contains("248 working days"))
        #expect(text.stdout.contains("2026-02-15…2026-02-23"))
        #expect(text.stdout.contains("国办发明电〔2025〕7号"))
    }

    @Test("explain: the trace ends on add's answer and gives each day's reason")
    func explain() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let trace = try cli.run(["calendar", "explain", "2024-09-27", "5", "--region", "national", "--json"]).json()
        #expect(trace["date"] as? String == "2024-10-10")
        let steps = trace["steps"] as? [[String: Any]] ?? []
        #expect((steps.last?["day"] as? [String: Any])?["date"] as? String == "2024-10-10")
        #expect(steps.count == 14)
        let sunday = steps.first { ($0["day"] as? [String: Any])?["date"] as? String == "2024-09-29" }
        #expect(sunday?["count"] as? Int == 1)
        let text = try cli.run(["calendar", "explain", "2024-09-27", "5", "--region", "national"])
        #expect(text.stdout.contains("make-up working day: 国庆节"))
        #expect(text.stdout.contains("= 2024-10-10 Thu"))
    }

    @Test("a new year's notice is a file and a load: no rebuild")
    func newYear() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let before = try cli.run(["calendar", "add", "2026-12-30", "3", "--region", "national", "--json"]).json()
        #expect(before["provisional"] as? Bool == true)
        #expect(before["date"] as? String == "2027-01-04")
        let file = try cli.write("national-2027.yaml", """
            region: national
            year: 2027
            notices:
              - {number: 国办发明电〔2026〕X号, title: 国务院办公厅关于2027年部分节假日安排的通知, published: 2026-11-20, sources: [test]}
            days_off:
              - {dates: 2027-01-01..2027-01-03, name: 元旦}
            make_up_days: []
            """)
        #expect(try cli.run(["calendar", "load", file]).status == 0)
        let after = try cli.run(["calendar", "add", "2026-12-30", "3", "--region", "national", "--json"]).json()
        #expect(after["provisional"] as? Bool == false)
        #expect(after["date"] as? String == "2027-01-05")
    }

    @Test("bad calendar files: exit 65, file:line: field in the message, nothing loaded", arguments: [
        ("both.yaml", "days_off:\n  - {dates: 2027-02-06..2027-02-13, name: 春节}\nmake_up_days:\n  - {dates: 2027-02-07, name: 春节}\n", ":10: make_up_days:"),
        ("weekday.yaml", "days_off: []\nmake_up_days:\n  - {dates: 2027-02-08, name: 春节}\n", ":9: make_up_days:"),
        ("span.yaml", "days_off:\n  - {dates: 2026-12-01, name: 元旦}\n", ":8: days_off:"),
        ("syntax.yaml", "days_off:\n  - {dates: 2027-01-01, name: x\n", ":9: (syntax):"),
        ("baddate.yaml", "days_off:\n  - {dates: 2027-13-01, name: 元旦}\n", ":8: days_off:"),
    ])
    func badFiles(_ name: String, _ body: String, _ expected: String) throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let bytes = cli.databaseBytes()
        let header = "region: national\nyear: 2027\nnotices:\n  - {title: test, sources: [test]}\n\n\n"
        let bad = try cli.write(name, header + body)
        let good = try cli.write("good-2028.yaml", "region: national\nyear: 2028\nnotices:\n  - {title: t, sources: [t]}\ndays_off: []\n")
        let result = try cli.run(["calendar", "load", good, bad])
        #expect(result.status == 65)
        #expect(result.stderr.contains(name + expected), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was changed"))
        #expect(result.stdout.isEmpty)
        #expect(cli.databaseBytes() == bytes, "the database must be byte-for-byte unchanged")
        let versions = try cli.run(["calendar", "versions", "--json"]).json()["versions"] as? [[String: Any]] ?? []
        #expect(versions.count == 11)
    }

    @Test("usage errors exit 64; a missing file exits 65")
    func usage() throws {
        let cli = SpotcheckProcess()
        #expect(try cli.run(["calendar", "add", "2024-02-30", "5"]).status == 64)
        #expect(try cli.run(["calendar", "add", "2024-02-03"]).status == 64)
        #expect(try cli.run(["calendar", "add", "2024-02-03", "five"]).status == 64)
        #expect(try cli.run(["calendar", "add", "2024-02-03", "-x"]).status == 64)
        let past = try cli.run(["calendar", "add", "9999-12-30", "5"])
        #expect(past.status == 64)
        #expect(past.stderr.contains("outside years 1–9999"))
        #expect(try cli.run(["calendar", "explain", "0001-01-03", "-5"]).status == 64)
        #expect(try cli.run(["calendar", "is-workday", "2024-02-03", "--region", "atlantis"]).status == 64)
        let missing = try cli.run(["calendar", "load", "no-such-file.yaml"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no-such-file.yaml"))
    }

    @Test("audit verify: OK on a fresh log, exit 1 with the entry after tampering")
    func auditVerify() throws {
        let cli = SpotcheckProcess()
        try cli.loadShippedCalendar()
        let ok = try cli.run(["audit", "verify", "--json"])
        #expect(ok.status == 0)
        #expect(try ok.json()["checked"] as? Int == 11)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["sqlite3", cli.database.path, "UPDATE audit_log SET details = replace(details, 'national', 'n') WHERE seq = 4"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let broken = try cli.run(["audit", "verify"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("BROKEN at entry 4"))
    }
}

@Suite("spotcheck configuration")
struct ConfigurationTests {
    @Test("the config file sets the default region and the database; the environment overrides it; a broken file exits 65")
    func configFile() throws {
        let cli = SpotcheckProcess()
        let otherDatabase = cli.directory.appendingPathComponent("from-config.sqlite").path
        let config = try cli.write("spotcheck.yaml", "region: national\ndb: \(otherDatabase)\n")
        // No SPOTCHECK_DB: the file's db is used.
        let fromFile: [String: String?] = ["SPOTCHECK_CONFIG": config, "SPOTCHECK_DB": nil]
        #expect(try cli.run(["calendar", "load", "config/calendar"], environment: fromFile).status == 0)
        #expect(FileManager.default.fileExists(atPath: otherDatabase))
        #expect(!FileManager.default.fileExists(atPath: cli.database.path))
        let answer = try cli.run(["calendar", "add", "2025-06-03", "5", "--json"], environment: fromFile).json()
        #expect(answer["region"] as? String == "national")
        #expect(answer["provisional"] as? Bool == false)
        var overridden = fromFile
        overridden["SPOTCHECK_REGION"] = "ningxia"
        #expect(try cli.run(["calendar", "add", "2025-06-03", "5", "--json"], environment: overridden).json()["region"] as? String == "ningxia")
        let broken = try cli.write("broken.yaml", "region: [1,\n")
        let refused = try cli.run(["calendar", "add", "2025-06-03", "5"], environment: ["SPOTCHECK_CONFIG": broken])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("broken.yaml"))
    }
}
