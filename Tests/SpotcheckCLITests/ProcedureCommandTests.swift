import Foundation
import Testing

/// The procedure after the draw and its deadlines (Art. 9, 10, 13–15) through the real binary,
/// with the clock moved by `SPOTCHECK_NOW` (the machine's clock is never touched).
@Suite("spotcheck procedure and deadlines")
struct ProcedureCommandTests {
    /// A drawn lawyers' round with the national calendar, drawn at `drawnAt`.
    struct Drawn {
        let cli: SpotcheckProcess
        let round = "640000-2026-lawyer-R1"
        var inspections: [String] = []
        var items: [String] = []

        @discardableResult
        func run(_ arguments: [String], at now: String, region: String = "national") throws -> SpotcheckProcess.Result {
            try cli.run(arguments, environment: ["SPOTCHECK_NOW": now, "SPOTCHECK_REGION": region])
        }

        /// Every checklist item of every inspection recorded as passed.
        func recordAll(on day: String, at now: String) throws {
            for inspection in inspections {
                let result = try run(["inspection", "record", "\(round)/\(inspection)", "--on", day] + items.flatMap { ["--item", "\($0)=pass"] }, at: now)
                #expect(result.status == 0, "\(result.stderr)")
            }
        }

        func deadlines(asOf day: String, at now: String, _ extra: [String] = []) throws -> [[String: Any]] {
            let result = try run(["deadlines", "--as-of", day, "--json"] + extra, at: now)
            #expect(result.status == 0, "\(result.stderr)")
            return try result.json()["deadlines"] as? [[String: Any]] ?? []
        }

        func due(_ step: String, asOf day: String, at now: String) throws -> String? {
            try deadlines(asOf: day, at: now).first { $0["step"] as? String == step }?["due"] as? String
        }
    }

    static func drawn(at now: String) throws -> Drawn {
        var drawn = Drawn(cli: SpotcheckProcess())
        let demo = drawn.cli.directory.appendingPathComponent("demo").path
        #expect(try drawn.run(["demo", "generate", "--out", demo, "--institutions", "120"], at: now).status == 0)
        for kind in ["checklist", "institutions", "inspectors", "conflicts"] {
            #expect(try drawn.run(["import", kind, "\(demo)/\(kind).csv"], at: now).status == 0)
        }
        #expect(try drawn.run(["plan", "create", "--year", "2026", "--jurisdiction", "640000", "--category", "lawyer"], at: now).status == 0)
        #expect(try drawn.run(["round", "propose", "--plan", "640000-2026-lawyer"], at: now).status == 0)
        #expect(try drawn.run(["round", "approve", drawn.round, "--by", "张处长"], at: now).status == 0)
        let announce = try drawn.run(["round", "announce", drawn.round, "--out", drawn.cli.directory.appendingPathComponent("m").path,
                                      "--source", "dice:integers:骰子:2026-01-01T10:00:00+08:00"], at: now)
        #expect(announce.status == 0, "\(announce.stderr)")
        let draw = try drawn.run(["round", "draw", drawn.round, "--value", "dice=3,1,4,1,5,9"], at: now)
        #expect(draw.status == 0, "\(draw.stderr)")
        let shown = try drawn.run(["round", "show", drawn.round, "--json"], at: now).json()
        drawn.inspections = (shown["inspections"] as? [[String: Any]] ?? []).flatMap(\.keys).sorted()
        let checklist = try drawn.run(["checklist", "list", "--category", "lawyer", "--json"], at: now).json()
        drawn.items = (checklist["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(!drawn.inspections.isEmpty && !drawn.items.isEmpty)
        return drawn
    }

    @Test("a round crossing National Day: report due 2026-10-13, publication 2026-10-20; as of each side of the due day and on it")
    func nationalDay() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        try drawn.recordAll(on: "2026-09-28", at: "2026-09-30T17:00:00+08:00")
        let end = try drawn.run(["round", "end", drawn.round, "--on", "2026-09-30"], at: "2026-09-30T17:00:00+08:00")
        #expect(end.status == 0, "\(end.stderr)")
        #expect(try drawn.due("report", asOf: "2026-09-30", at: "2026-09-30T17:00:00+08:00") == "2026-10-13")
        #expect(try drawn.due("publication", asOf: "2026-09-30", at: "2026-09-30T17:00:00+08:00") == "2026-10-20")
        let now = "2026-10-20T09:00:00+08:00"
        func report(_ day: String) throws -> [String: Any]? { try drawn.deadlines(asOf: day, at: now).first { $0["step"] as? String == "report" } }
        #expect(try report("2026-10-09")?["status"] as? String == "pending", "10-10 (a make-up Saturday), 10-12, 10-13 still to come")
        #expect(try report("2026-10-12")?["status"] as? String == "due-soon")
        #expect(try report("2026-10-13")?["status"] as? String == "due-soon", "the due day itself")
        let after = try report("2026-10-14")
        #expect(after?["status"] as? String == "overdue")
        #expect(after?["overdue_workdays"] as? Int == 1)
        #expect(after?["article"] as? Int == 13 && after?["provisional"] as? Bool == false)
        let overdue = try drawn.run(["overdue", "--as-of", "2026-10-14", "--json", "--fail-on-overdue"], at: now)
        #expect(overdue.status == 1)
        #expect((try overdue.json()["deadlines"] as? [[String: Any]])?.first?["step"] as? String == "report")
        #expect(try drawn.run(["overdue", "--as-of", "2026-10-13", "--fail-on-overdue"], at: now).status == 0)

        // The report two days late (10-16) moves every feedback deadline to 10-16 + 5 = 10-23.
        let provisional = try drawn.deadlines(asOf: "2026-10-14", at: now).filter { $0["step"] as? String == "feedback" }
        #expect(provisional.count == drawn.inspections.count)
        #expect(provisional.allSatisfy { $0["due"] as? String == "2026-10-20" && $0["provisional"] as? Bool == true })
        let reported = try drawn.run(["round", "report", drawn.round, "--on", "2026-10-16", "--summary", "抽查 \(drawn.inspections.count) 家",
                                      "--evaluation", "总体规范", "--handling", "对不合格机构责令限期整改"], at: now)
        #expect(reported.status == 0, "\(reported.stderr)")
        let feedback = try drawn.deadlines(asOf: "2026-10-16", at: now).filter { $0["step"] as? String == "feedback" }
        #expect(feedback.count == drawn.inspections.count)
        #expect(feedback.allSatisfy { $0["due"] as? String == "2026-10-23" && $0["provisional"] as? Bool == false && $0["inspection"] as? String != nil })
        // As of a day before the report was recorded, feedback is as it stood then: provisional,
        // counted from the report's due date, in the list and in the round's own view.
        let beforeReport = try drawn.deadlines(asOf: "2026-10-15", at: now).filter { $0["step"] as? String == "feedback" }
        #expect(beforeReport.count == drawn.inspections.count)
        #expect(beforeReport.allSatisfy {
            $0["due"] as? String == "2026-10-20" && $0["provisional"] as? Bool == true && ($0["reasons"] as? [String])?.first?.contains("2026-10-13") == true
        })
        // Before the report's due date, no feedback deadline stood yet (it counts from that date).
        #expect(try drawn.deadlines(asOf: "2026-10-12", at: now).filter { $0["step"] as? String == "feedback" }.isEmpty)
        let shownEarly = try drawn.run(["round", "show", drawn.round, "--as-of", "2026-10-12", "--json"], at: now).json()
        #expect((shownEarly["deadlines"] as? [[String: Any]] ?? []).allSatisfy { $0["step"] as? String != "feedback" })
        let shownBefore = try drawn.run(["round", "show", drawn.round, "--as-of", "2026-10-15", "--json"], at: now).json()
        let feedbackBefore = (shownBefore["deadlines"] as? [[String: Any]] ?? []).filter { $0["step"] as? String == "feedback" }
        #expect(feedbackBefore.count == drawn.inspections.count && feedbackBefore.allSatisfy { $0["due"] as? String == "2026-10-20" && $0["status"] as? String == "pending" })
        // The round shows the report done 3 working days late, with its arithmetic.
        let shown = try drawn.run(["round", "show", drawn.round, "--json"], at: now).json()
        let reportShown = (shown["deadlines"] as? [[String: Any]])?.first { $0["step"] as? String == "report" }
        #expect(reportShown?["status"] as? String == "done")
        #expect(reportShown?["overdue_workdays"] as? Int == 3)
        #expect((reportShown?["trace"] as? [[String: Any]])?.count ?? 0 > 10, "the day-by-day trace through the holiday")
        // Feedback for one institution, then review, publication and filing in order.
        let first = "\(drawn.round)/\(drawn.inspections[0])"
        #expect(try drawn.run(["inspection", "feedback", first, "--on", "2026-10-19", "--method", "direct"], at: now).status == 0)
        #expect(try drawn.deadlines(asOf: "2026-10-19", at: now).first { $0["inspection"] as? String == first } == nil, "done")
        #expect(try drawn.run(["round", "review", drawn.round, "--leader", "李组长", "--in-charge", "王局长", "--on", "2026-10-19"], at: now).status == 0)
        let out = drawn.cli.directory.appendingPathComponent("published").path
        let published = try drawn.run(["round", "publish", drawn.round, "--on", "2026-10-20", "--where", "portal", "--out", out], at: now)
        #expect(published.status == 0, "\(published.stderr)")
        let csv = try String(contentsOfFile: "\(out)/results.csv", encoding: .utf8)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/results.csv")).prefix(3) == Data([0xEF, 0xBB, 0xBF]), "a BOM, for Excel")
        #expect(csv.contains("统一社会信用代码,机构名称"))
        #expect(csv.split(separator: "\r\n", omittingEmptySubsequences: true).count == drawn.inspections.count + 1)
        #expect(csv.split(separator: "\r\n").dropFirst().allSatisfy { $0.hasSuffix(",对不合格机构责令限期整改") }, "the report's proposed handling (Art. 13)")
        let page = try String(contentsOfFile: "\(out)/results.html", encoding: .utf8)
        #expect(page.contains("抽查结果公示") && drawn.inspections.allSatisfy { page.contains($0) })
        #expect(page.contains("处理意见：对不合格机构责令限期整改"))
        let history = try drawn.run(["institutions", "history", drawn.inspections[0], "--json"], at: now).json()["results"] as? [[String: Any]] ?? []
        #expect(history.count == 1)
        #expect(history.first?["round"] as? String == drawn.round && history.first?["published_on"] as? String == "2026-10-20")
        #expect(history.first?["conclusion"] as? String == "合格")
        #expect(try drawn.deadlines(asOf: "2026-10-20", at: now).first { $0["step"] as? String == "publication" } == nil, "published on its due day")
        #expect(try drawn.run(["round", "file", drawn.round, "--on", "2026-10-20"], at: now).status == 0)
        let audit = try drawn.run(["audit", "show", "--round", drawn.round, "--json"], at: now).json()["entries"] as? [[String: Any]] ?? []
        #expect(audit.compactMap { $0["action"] as? String }.suffix(5) == ["round.ended", "round.reported", "round.reviewed", "round.published", "round.filed"])
    }

    @Test("Spring Festival and its make-up Saturdays; an end on a Saturday and on a holiday (the day itself does not count)")
    func springFestivalAndWeekends() throws {
        let cases = [
            ("2026-02-13", "2026-02-27", "2026-03-05"),  // Fri before the festival: 02-14 (make-up Sat) counts, 02-15…23 off, 02-28 counts
            ("2026-03-07", "2026-03-13", "2026-03-20"),  // a Saturday
            ("2026-05-01", "2026-05-11", "2026-05-18"),  // Labour Day: 05-01…05 off, 05-09 a make-up Saturday
        ]
        for (end, reportDue, publicationDue) in cases {
            let drawn = try Self.drawn(at: "2026-02-02T10:00:00+08:00")
            let now = "2026-06-30T10:00:00+08:00"
            try drawn.run(["round", "end", drawn.round, "--on", end], at: now)
            #expect(try drawn.due("report", asOf: end, at: now) == reportDue, "end \(end)")
            #expect(try drawn.due("publication", asOf: end, at: now) == publicationDue, "end \(end)")
        }
    }

    @Test("out of order, in the future, before the step it follows: refused, exit 65, the database unchanged")
    func refusals() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-09-30T10:00:00+08:00"
        let bytes = drawn.cli.databaseBytes()
        let early = try drawn.run(["round", "report", drawn.round, "--on", "2026-09-29"], at: now)
        #expect(early.status == 65)
        #expect(early.stderr.contains("\"reported\" must follow \"ended\""), "\(early.stderr)")
        let future = try drawn.run(["round", "end", drawn.round, "--on", "2026-10-01"], at: now)
        #expect(future.status == 65)
        #expect(future.stderr.contains("in the future"), "\(future.stderr)")
        let beforeDraw = try drawn.run(["round", "end", drawn.round, "--on", "2026-09-20"], at: now)
        #expect(beforeDraw.status == 65)
        #expect(beforeDraw.stderr.contains("before drawn on 2026-09-21"), "\(beforeDraw.stderr)")
        let badItem = try drawn.run(["inspection", "record", "\(drawn.round)/\(drawn.inspections[0])", "--item", "\(drawn.items[0])=n/a"], at: now)
        #expect(badItem.status == 65)
        #expect(badItem.stderr.contains("needs a note"))
        #expect(try drawn.run(["inspection", "record", "\(drawn.round)/\(drawn.inspections[0])", "--item", "NO-SUCH=pass"], at: now).status == 65)
        #expect(drawn.cli.databaseBytes() == bytes, "refused steps change nothing")
    }

    @Test("an inspection that leaves out an item is flagged and the report refused until it is recorded or marked n/a with a note (Art. 9)")
    func missingItem() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-09-30T10:00:00+08:00"
        let first = "\(drawn.round)/\(drawn.inspections[0])"
        for inspection in drawn.inspections.dropFirst() {
            #expect(try drawn.run(["inspection", "record", "\(drawn.round)/\(inspection)", "--on", "2026-09-25"] + drawn.items.flatMap { ["--item", "\($0)=pass"] }, at: now).status == 0)
        }
        let left = try #require(drawn.items.last)
        let flagged = try drawn.run(["inspection", "record", first, "--on", "2026-09-25"] + drawn.items.dropLast().flatMap { ["--item", "\($0)=fail:制度不全"] }, at: now)
        #expect(flagged.status == 0)
        #expect(flagged.stdout.contains("still missing (Art. 9): \(left)"), "\(flagged.stdout)")
        #expect(try drawn.run(["round", "end", drawn.round, "--on", "2026-09-28"], at: now).status == 0)
        let bytes = drawn.cli.databaseBytes()
        let refused = try drawn.run(["round", "report", drawn.round, "--on", "2026-09-29"], at: now)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("Art. 9") && refused.stderr.contains("\(drawn.inspections[0]): \(left)"), "\(refused.stderr)")
        #expect(drawn.cli.databaseBytes() == bytes)
        #expect(try drawn.run(["inspection", "record", first, "--on", "2026-09-28", "--item", "\(left)=n/a:本所无分支机构"], at: now).status == 0)
        let reported = try drawn.run(["round", "report", drawn.round, "--on", "2026-09-29"], at: now)
        #expect(reported.status == 0, "\(reported.stderr)")
        #expect(try drawn.run(["inspection", "record", first, "--item", "\(left)=pass"], at: now).status == 65, "no results after the report")
    }

    @Test("a correction re-dates a step as a new audit entry and moves the deadlines")
    func correction() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-10-20T10:00:00+08:00"
        #expect(try drawn.run(["round", "end", drawn.round, "--on", "2026-09-29"], at: now).status == 0)
        #expect(try drawn.due("report", asOf: "2026-09-30", at: now) == "2026-10-12")
        let corrected = try drawn.run(["round", "end", drawn.round, "--on", "2026-09-30", "--correct", "typed the wrong day"], at: now)
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try drawn.due("report", asOf: "2026-09-30", at: now) == "2026-10-13")
        let audit = try drawn.run(["audit", "show", "--round", drawn.round, "--json"], at: now).json()["entries"] as? [[String: Any]] ?? []
        #expect(audit.filter { $0["action"] as? String == "round.ended" }.count == 2)
        #expect((audit.last?["details"] as? String)?.contains("typed the wrong day") == true)
        #expect(try drawn.run(["round", "report", drawn.round, "--on", "2026-10-01", "--correct", "x"], at: now).status == 65, "nothing to correct")

        // A report's content is kept typed; a correction that only re-dates it keeps what it said.
        try drawn.recordAll(on: "2026-09-29", at: now)
        #expect(try drawn.run(["round", "report", drawn.round, "--on", "2026-10-09", "--summary", "S", "--evaluation", "E", "--handling", "H"], at: now).status == 0)
        let redated = try drawn.run(["round", "report", drawn.round, "--on", "2026-10-12", "--correct", "signed on the 12th"], at: now)
        #expect(redated.status == 0, "\(redated.stderr)")
        let steps = try drawn.run(["round", "show", drawn.round, "--json"], at: now).json()["steps"] as? [[String: Any]] ?? []
        let reports = steps.filter { $0["step"] as? String == "reported" }
        #expect(reports.count == 2)
        for report in reports {
            let content = (report["content"] as? [String: Any])?["report"] as? [String: Any]
            #expect(content?["summary"] as? String == "S" && content?["evaluation"] as? String == "E" && content?["handling"] as? String == "H")
        }
        #expect(reports.last?["on_date"] as? String == "2026-10-12" && reports.last?["correction"] as? String == "signed on the 12th")
    }

    @Test("with Ningxia's 2026 notice missing, deadlines are provisional and say why")
    func provisional() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-09-30T10:00:00+08:00"
        #expect(try drawn.run(["round", "end", drawn.round, "--on", "2026-09-30"], at: now, region: "ningxia").status == 0)
        let rows = try drawn.run(["deadlines", "--as-of", "2026-09-30", "--json"], at: now, region: "ningxia").json()["deadlines"] as? [[String: Any]] ?? []
        let report = rows.first { $0["step"] as? String == "report" }
        #expect(report?["provisional"] as? Bool == true)
        #expect((report?["reasons"] as? [String])?.contains { $0.contains("Ningxia notice for 2026 not loaded") } == true)
    }

    @Test("a new notice moves a provisional deadline: shown first by calendar load --preview (nothing changed), then re-derived by the load")
    func calendarLoadMovesDeadlines() throws {
        let drawn = try Self.drawn(at: "2026-12-21T10:00:00+08:00")
        let now = "2026-12-30T10:00:00+08:00"
        #expect(try drawn.run(["round", "end", drawn.round, "--on", "2026-12-28"], at: now).status == 0)
        let before = try drawn.deadlines(asOf: "2026-12-28", at: now).first { $0["step"] as? String == "report" }
        #expect(before?["due"] as? String == "2027-01-04", "weekends only: the 2027 notice is not loaded")
        #expect(before?["provisional"] as? Bool == true)
        let notice = try drawn.cli.write("national-2027.yaml", """
            region: national
            year: 2027
            notices:
              - {title: 国务院办公厅关于2027年部分节假日安排的通知（测试）, sources: [test]}
            days_off:
              - {dates: 2027-01-01, name: 元旦}

            """)
        let bytes = drawn.cli.databaseBytes()
        let preview = try drawn.run(["calendar", "load", notice, "--preview", "--json"], at: now)
        #expect(preview.status == 0, "\(preview.stderr)")
        let moves = try preview.json()["moves"] as? [[String: Any]] ?? []
        let report = moves.first { $0["step"] as? String == "report" }
        #expect(report?["from"] as? String == "2027-01-04" && report?["to"] as? String == "2027-01-05")
        #expect(report?["workdays"] as? Int == 1)
        #expect(report?["was_provisional"] as? Bool == true && report?["provisional"] as? Bool == false)
        #expect(drawn.cli.databaseBytes() == bytes, "a preview changes nothing")
        #expect(try drawn.run(["calendar", "load", notice], at: now).status == 0)
        let after = try drawn.deadlines(asOf: "2026-12-28", at: now).first { $0["step"] as? String == "report" }
        #expect(after?["due"] as? String == "2027-01-05")
        #expect(after?["provisional"] as? Bool == false)
    }

    @Test("a finding past its rectification date is overdue (Art. 16) until it is closed")
    func findingOverdue() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-10-30T10:00:00+08:00"
        let inspection = "\(drawn.round)/\(drawn.inspections[0])"
        let added = try drawn.run(["finding", "add", inspection, "--text", "未按规定建立执业档案", "--referral", "department", "--on", "2026-09-25"], at: now)
        #expect(added.status == 0, "\(added.stderr)")
        let number = try #require(added.stdout.split(separator: ":").first?.split(separator: " ").last.map(String.init))
        #expect(try drawn.run(["finding", "rectify", number, "--due", "2026-09-20"], at: now).status == 65, "before it was found")
        #expect(try drawn.run(["finding", "rectify", number, "--due", "2026-10-16"], at: now).status == 0)
        func rectification(_ day: String) throws -> [String: Any]? {
            try drawn.deadlines(asOf: day, at: now, ["--article", "16"]).first { $0["step"] as? String == "rectification" }
        }
        #expect(try rectification("2026-10-16")?["status"] as? String == "due-soon")
        let late = try rectification("2026-10-20")
        #expect(late?["status"] as? String == "overdue")
        #expect(late?["article"] as? Int == 16)
        #expect(late?["overdue_workdays"] as? Int == 2)
        #expect(late?["inspection"] as? String == inspection)
        let overdue = try drawn.run(["overdue", "--as-of", "2026-10-20", "--json"], at: now).json()["deadlines"] as? [[String: Any]] ?? []
        #expect(overdue.contains { $0["step"] as? String == "rectification" })
        #expect(try drawn.run(["finding", "close", number, "--on", "2026-10-21"], at: now).status == 0)
        #expect(try rectification("2026-10-22") == nil, "closed")
        #expect(try rectification("2026-10-20")?["status"] as? String == "overdue", "as of a day before it was closed")
        #expect(try drawn.run(["finding", "close", number, "--on", "2026-10-22"], at: now).status == 65, "closed once")
        let audit = try drawn.run(["audit", "show", "--subject", "finding/", "--json"], at: now).json()["entries"] as? [[String: Any]] ?? []
        #expect(audit.compactMap { $0["action"] as? String } == ["finding.add", "finding.rectify", "finding.close"])
    }

    @Test("the record form (Attachment 2) lists every checklist item with its result, the team by name, the findings and blanks for signatures")
    func recordForm() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-09-30T10:00:00+08:00"
        let inspection = "\(drawn.round)/\(drawn.inspections[0])"
        let items = ["--item", "\(drawn.items[0])=fail:未建立档案"] + drawn.items.dropFirst().flatMap { ["--item", "\($0)=pass"] }
        #expect(try drawn.run(["inspection", "record", inspection, "--on", "2026-09-25"] + items, at: now).status == 0)
        #expect(try drawn.run(["finding", "add", inspection, "--text", "执业档案<缺失>", "--on", "2026-09-25"], at: now).status == 0)
        let out = drawn.cli.directory.appendingPathComponent("forms/form.html").path
        let written = try drawn.run(["inspection", "form", inspection, "--out", out], at: now)
        #expect(written.status == 0, "\(written.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("宁夏法律服务机构“双随机一公开”抽查记录表"))
        #expect(html.contains(drawn.inspections[0]))
        for code in drawn.items { #expect(html.contains(">\(code)<"), "\(code)") }
        #expect(html.components(separatedBy: "☑").count - 1 == drawn.items.count, "one result ticked per item")
        #expect(html.contains("☑</span>不合格") && html.contains("未建立档案"))
        #expect(html.contains("执业档案&lt;缺失&gt;"), "findings escaped")
        #expect(html.contains("检查人员签字") && html.contains("2026-09-25"))
        let shown = try drawn.run(["round", "show", drawn.round, "--json"], at: now).json()
        let number = try #require((shown["inspection_numbers"] as? [String: Int])?[drawn.inspections[0]])
        #expect(try drawn.run(["inspection", "form", String(number), "--out", out], at: now).status == 0, "by its short number")
    }

    @Test("demo load: a deployment with rounds in every step, deadlines pending, due soon and overdue, findings open and closed")
    func demoLoad() throws {
        let cli = SpotcheckProcess()
        let loaded = try cli.run(["demo", "load", "--as-of", "2026-11-30", "--institutions", "300"])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let rows = try cli.run(["deadlines", "--as-of", "2026-11-30", "--json"]).json()["deadlines"] as? [[String: Any]] ?? []
        let statuses = Set(rows.compactMap { $0["status"] as? String })
        #expect(statuses.isSuperset(of: ["pending", "due-soon", "overdue"]), "\(statuses)")
        #expect(Set(rows.compactMap { $0["article"] as? Int }).isSuperset(of: [13, 14, 15, 16]))
        let states = (try cli.run(["round", "list", "--json"]).json()["rounds"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
        #expect(Set(states).isSuperset(of: ["ended", "reported", "reviewed", "published", "filed"]), "\(states)")
        let findings = try cli.run(["finding", "list", "--json"]).json()["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["closed_on"] != nil && !($0["closed_on"] is NSNull) })
        #expect(findings.contains { $0["closed_on"] == nil || $0["closed_on"] is NSNull })
        #expect(try cli.run(["audit", "verify"]).status == 0)
    }

    /// Renders `page` in headless Chromium (as a browser shows it): a PNG screenshot and the DOM
    /// after layout, each written beside the page.
    static func render(_ page: String) throws -> (png: Data, dom: String) {
        let png = page + ".png"
        func chromium(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1240,1754"] + arguments
                + ["file://" + page]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        _ = try chromium(["--screenshot=\(png)"])
        return (try Data(contentsOf: URL(fileURLWithPath: png)), try chromium(["--dump-dom"]))
    }

    @Test("the record form and the published results page render in headless Chromium: Chinese text laid out, tables filled, a real image")
    func renderedPages() throws {
        let drawn = try Self.drawn(at: "2026-09-21T10:00:00+08:00")
        let now = "2026-10-20T10:00:00+08:00"
        let first = "\(drawn.round)/\(drawn.inspections[0])"
        let failing = ["--item", "\(drawn.items[0])=fail:未建立执业档案"] + drawn.items.dropFirst().flatMap { ["--item", "\($0)=pass"] }
        #expect(try drawn.run(["inspection", "record", first, "--on", "2026-09-25"] + failing, at: now).status == 0)
        for inspection in drawn.inspections.dropFirst() {
            let passing = drawn.items.flatMap { ["--item", "\($0)=pass"] }
            #expect(try drawn.run(["inspection", "record", "\(drawn.round)/\(inspection)", "--on", "2026-09-25"] + passing, at: now).status == 0)
        }
        #expect(try drawn.run(["finding", "add", first, "--text", "执业档案缺失", "--on", "2026-09-25"], at: now).status == 0)
        let directory = drawn.cli.directory.appendingPathComponent("pages").path
        #expect(try drawn.run(["inspection", "form", first, "--out", directory + "/form.html"], at: now).status == 0)
        #expect(try drawn.run(["round", "end", drawn.round, "--on", "2026-09-28"], at: now).status == 0)
        #expect(try drawn.run(["round", "report", drawn.round, "--on", "2026-09-29", "--handling", "责令限期整改"], at: now).status == 0)
        #expect(try drawn.run(["round", "review", drawn.round, "--leader", "李组长", "--in-charge", "王局长", "--on", "2026-09-30"], at: now).status == 0)
        #expect(try drawn.run(["round", "publish", drawn.round, "--on", "2026-10-09", "--where", "portal", "--out", directory], at: now).status == 0)

        let form = try Self.render(directory + "/form.html")
        #expect(form.png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && form.png.count > 20_000, "a PNG with content: \(form.png.count) bytes")
        #expect(form.dom.contains("抽查记录表") && form.dom.contains("未建立执业档案") && form.dom.contains("执业档案缺失"), "the laid-out form")
        #expect(drawn.items.allSatisfy { form.dom.contains($0) }, "every checklist item")
        let results = try Self.render(directory + "/results.html")
        #expect(results.png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && results.png.count > 20_000, "\(results.png.count) bytes")
        #expect(results.dom.contains("抽查结果公示") && results.dom.contains("处理意见：责令限期整改") && results.dom.contains("不合格"))
        #expect(drawn.inspections.allSatisfy { results.dom.contains($0) }, "every inspected institution")
    }
}

