import Foundation
import Testing

/// `spotcheck calendar …` through the real binary.
@Suite("spotcheck calendar")
struct CalendarCommandTests {
    @Test("built in: a fresh database has the 11 shipped layers in force; loading them changes nothing; a changed file replaces one, audited")
    func load() throws {
        let cli = SpotcheckProcess()
        let builtIn = try cli.run(["calendar", "versions", "--json"]).json()["versions"] as? [[String: Any]] ?? []
        #expect(builtIn.count == 11)
        #expect(builtIn.allSatisfy { $0["built_in"] as? Bool == true && $0["in_force"] as? Bool == true && $0["loaded_by"] as? String == "built-in" })
        #expect(builtIn.allSatisfy { ($0["sha256"] as? String)?.count == 64 && $0["version"] is NSNull })
        let first = try cli.run(["calendar", "load", "config/calendar", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let files = try first.json()["files"] as? [[String: Any]] ?? []
        #expect(files.count == 11)
        #expect(files.allSatisfy { $0["outcome"] as? String == "unchanged" }, "the shipped files are the built-in layers")
        #expect((try cli.run(["calendar", "versions", "--json"]).json()["versions"] as? [[String: Any]])?.count == 11, "nothing was stored")
        // An amended notice for 2026: the file replaces the built-in layer, with an audit entry.
        let shipped = try String(contentsOf: SpotcheckProcess.repositoryRoot.appendingPathComponent("config/calendar/national-2026.yaml"), encoding: .utf8)
        let amended = try cli.write("national-2026.yaml", shipped + "# amended\n")
        let replaced = try cli.run(["calendar", "load", amended, "--json"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect((try replaced.json()["files"] as? [[String: Any]])?.first?["outcome"] as? String == "replaced")
        let rows = try cli.run(["calendar", "versions", "--json"]).json()["versions"] as? [[String: Any]] ?? []
        #expect(rows.count == 12)
        #expect(rows.last?["loaded_by"] as? String == "tester" && rows.last?["in_force"] as? Bool == true)
        #expect(rows.contains { $0["built_in"] as? Bool == true && $0["year"] as? Int == 2026 && $0["region"] as? String == "national" && $0["in_force"] as? Bool == false })
        let audit = try cli.run(["audit", "show", "--subject", "calendar/national/2026", "--json"]).json()["entries"] as? [[String: Any]] ?? []
        #expect(audit.count == 1)
        #expect((audit.first?["details"] as? String)?.contains("built-in:config/calendar/national-2026.yaml") == true)
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
}

/// Reference data that ships is in force on a fresh database, as tzdata is (issue 7).
@Suite("Built-in reference data")
struct BuiltInReferenceDataTests {
    @Test("without any load, the 2026 national notice counts National Day and its make-up days")
    func freshCalendar() throws {
        let cli = SpotcheckProcess()
        let answer = try cli.run(["calendar", "add", "2026-09-30", "5", "--region", "national", "--json"])
        #expect(answer.status == 0, "\(answer.stderr)")
        let json = try answer.json()
        #expect(json["date"] as? String == "2026-10-13")
        #expect(json["provisional"] as? Bool == false)
    }

    @Test("without any load, a Ningxia institution roster imports and the jurisdictions list as built in")
    func freshImport() throws {
        let cli = SpotcheckProcess()
        let file = try cli.write("institutions.csv", """
            统一社会信用代码,机构名称,业务类别,辖区,风险等级,风险原因,状态
            31640205E78825856H,宁夏某律师事务所,律师,640104,一般,,正常

            """)
        let result = try cli.run(["import", "institutions", file, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["added"] as? Int == 1)
        let jurisdictions = try cli.run(["jurisdictions", "list", "--json"]).json()["jurisdictions"] as? [[String: Any]] ?? []
        #expect(jurisdictions.contains { $0["code"] as? String == "640104" && $0["built_in"] as? Bool == true })
    }

    @Test("the binary copied alone elsewhere still has its reference data")
    func copiedBinary() throws {
        let cli = SpotcheckProcess()
        let lone = cli.directory.appendingPathComponent("bin/spotcheck")
        try FileManager.default.createDirectory(at: lone.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Copied by cp, not in this process: an fd open for writing here would leak into a child
        // another test spawns meanwhile, and exec would then fail with ETXTBSY.
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = [SpotcheckProcess.binary.path, lone.path]
        try copy.run()
        copy.waitUntilExit()
        #expect(copy.terminationStatus == 0)
        let answer = try cli.run(["calendar", "add", "2026-09-30", "5", "--region", "national", "--json"], binary: lone, in: cli.directory)
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(try answer.json()["date"] as? String == "2026-10-13")
    }
}
