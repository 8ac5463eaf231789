import Foundation
import Testing

/// `spotcheck compliance` through the real binary, on a generated deployment.
@Suite("spotcheck compliance")
struct ComplianceCommandTests {
    static let now = "2026-11-25T10:00:00+08:00"

    static func deployment() throws -> SpotcheckProcess {
        let cli = SpotcheckProcess()
        let loaded = try cli.run(["demo", "load", "--as-of", "2026-11-25", "--institutions", "300"], environment: ["SPOTCHECK_NOW": now])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        return cli
    }

    @Test("one round drawn by late November warns (Art. 8) with what would make it good; the year over, it is a violation; --fail-on exits 1")
    func frequency() throws {
        let cli = try Self.deployment()
        let late = try cli.run(["compliance", "--as-of", "2026-11-25", "--jurisdiction", "640000", "--category", "forensic", "--json"], environment: ["SPOTCHECK_NOW": Self.now])
        #expect(late.status == 0, "\(late.stderr)")
        let rows = try #require(try late.json()["rows"] as? [[String: Any]])
        let province = try #require(rows.first { $0["jurisdiction"] as? String == "640000" })
        #expect(province["level"] as? String == "province")
        #expect(province["rounds"] as? Int == 1 && province["required_rounds"] as? Int == 2)
        #expect(province["status"] as? String == "warning")
        let warning = try #require((province["warnings"] as? [[String: Any]])?.first)
        #expect(warning["article"] as? Int == 8)
        #expect((warning["message"] as? String)?.contains("draw 1 more round of at least") == true, "\(warning)")
        let detail = try #require((province["rounds_detail"] as? [[String: Any]])?.first)
        let population = try #require(detail["population"] as? Int), required = try #require(detail["required_sample"] as? Int)
        #expect(required == (population * 5 + 99) / 100, "ceil(5 % × population)")
        #expect((detail["sample"] as? Int ?? 0) >= required, "the demo's draw meets the floor")

        let over = try cli.run(["compliance", "--year", "2026", "--as-of", "2027-01-04", "--jurisdiction", "640000", "--category", "forensic", "--json"],
                               environment: ["SPOTCHECK_NOW": "2027-01-04T10:00:00+08:00"])
        let overRows = try #require(try over.json()["rows"] as? [[String: Any]])
        #expect(overRows.first { $0["jurisdiction"] as? String == "640000" }?["status"] as? String == "violation")
        let failing = try cli.run(["compliance", "--as-of", "2026-11-25", "--fail-on", "warning"], environment: ["SPOTCHECK_NOW": Self.now])
        #expect(failing.status == 1)
    }

    @Test("the demo deployment as of late November: law firms ok with two good rounds, notaries in violation of Art. 11 (a conflict declared after the draw, no recusal)")
    func demoMix() throws {
        let cli = try Self.deployment()
        let result = try cli.run(["compliance", "--as-of", "2026-11-25", "--jurisdiction", "640000", "--json"], environment: ["SPOTCHECK_NOW": Self.now])
        let rows = try #require(try result.json()["rows"] as? [[String: Any]]).filter { $0["jurisdiction"] as? String == "640000" }
        let byCategory = Dictionary(uniqueKeysWithValues: rows.map { ($0["category"] as! String, $0) })
        #expect(byCategory["lawyer"]?["status"] as? String == "ok", "\(String(describing: byCategory["lawyer"]))")
        #expect(byCategory["lawyer"]?["rounds"] as? Int == 2)
        let notary = try #require(byCategory["notary"])
        #expect(notary["status"] as? String == "violation")
        let violation = try #require((notary["violations"] as? [[String: Any]])?.first)
        #expect(violation["article"] as? Int == 11 && (violation["message"] as? String)?.contains("recusal") == true, "\(violation)")
    }

    @Test("the roll-up: every level has a row per category, and a row's institutions are its own plus its children's")
    func rollUp() throws {
        let cli = try Self.deployment()
        let result = try cli.run(["compliance", "--as-of", "2026-11-25", "--json"], environment: ["SPOTCHECK_NOW": Self.now])
        let rows = try #require(try result.json()["rows"] as? [[String: Any]])
        let jurisdictions = try cli.run(["jurisdictions", "list", "--json"])
        let tree = try #require(try jurisdictions.json()["jurisdictions"] as? [[String: Any]])
        let parent = Dictionary(uniqueKeysWithValues: tree.compactMap { row in (row["code"] as? String).map { ($0, row["parent"] as? String) } })
        #expect(rows.count == parent.count * 6, "every jurisdiction × 6 categories")
        for row in rows {
            let code = row["jurisdiction"] as! String, category = row["category"] as! String
            let children = rows.filter { $0["category"] as? String == category && parent[$0["jurisdiction"] as! String] == code }
            let sum = children.reduce(0) { $0 + ($1["institutions"] as! Int) }
            #expect(row["institutions"] as! Int == (row["own_institutions"] as! Int) + sum, "\(code) \(category)")
        }
    }

    @Test("a configuration below the regulation's floor is refused, naming the key")
    func belowFloor() throws {
        let cli = SpotcheckProcess()
        let config = try cli.write("spotcheck.yaml", "compliance:\n  minimum_rate: 3/100\n")
        let result = try cli.run(["compliance", "--json"], environment: ["SPOTCHECK_CONFIG": config])
        #expect(result.status == 65)
        #expect(result.stderr.contains("compliance.minimum_rate"), "\(result.stderr)")
        let badDay = try cli.write("bad-day.yaml", "compliance:\n  all_rounds_by: 13-01\n")
        let refused = try cli.run(["compliance", "--json"], environment: ["SPOTCHECK_CONFIG": badDay])
        #expect(refused.status == 65 && refused.stderr.contains("compliance.all_rounds_by"), "\(refused.stderr)")
    }

    @Test("the warning days come from configuration: with all_rounds_by 12-15, late November warns of the plan's shortfall, not of 31 October")
    func warningDays() throws {
        let cli = try Self.deployment()
        let config = try cli.write("late.yaml", "compliance:\n  all_rounds_by: 12-15\n")
        let result = try cli.run(["compliance", "--as-of", "2026-11-25", "--jurisdiction", "640000", "--category", "forensic", "--json"],
                                 environment: ["SPOTCHECK_NOW": Self.now, "SPOTCHECK_CONFIG": config])
        let rows = try #require(try result.json()["rows"] as? [[String: Any]])
        let province = try #require(rows.first { $0["jurisdiction"] as? String == "640000" })
        let messages = (province["warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.count == 1 && messages[0].contains("still planned") && !messages[0].contains("2026-10-31"), "\(messages)")
    }

    @Test("per-round violations through the binary: a sample under the ratio, high-risk institutions under-sampled, teams of one, a conflict and a category change after the draw, a checklist item left out")
    func roundViolations() throws {
        let cli = SpotcheckProcess()
        let now = "2026-09-21T10:00:00+08:00"
        // Above the regulation's floors, so accepted, and above what the plan draws.
        let config = try cli.write("strict.yaml", "compliance:\n  minimum_rate: 50/100\n  high_risk_rate: 90/100\n")
        func run(_ arguments: [String]) throws -> SpotcheckProcess.Result {
            try cli.run(arguments, environment: ["SPOTCHECK_NOW": now, "SPOTCHECK_CONFIG": config, "SPOTCHECK_REGION": "national"])
        }
        let demo = cli.directory.appendingPathComponent("demo").path
        #expect(try run(["demo", "generate", "--out", demo, "--institutions", "120"]).status == 0)
        // One lawyers' inspector only: every team is short of its second member (Art. 11).
        let roster = try String(contentsOfFile: "\(demo)/inspectors.csv", encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        let lawyer = try #require(roster.dropFirst().first { $0.contains("律师") })
        let inspector = String(lawyer.prefix { $0 != "," })
        let inspectors = try cli.write("inspectors.csv", ([roster[0]] + roster.dropFirst().filter { !$0.contains("律师") } + [lawyer]).joined(separator: "\n") + "\n")
        for (kind, file) in [("checklist", "\(demo)/checklist.csv"), ("institutions", "\(demo)/institutions.csv"), ("inspectors", inspectors)] {
            let imported = try run(["import", kind, file])
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let round = "640000-2026-lawyer-R1"
        #expect(try run(["plan", "create", "--year", "2026", "--jurisdiction", "640000", "--category", "lawyer"]).status == 0)
        #expect(try run(["round", "propose", "--plan", "640000-2026-lawyer"]).status == 0)
        #expect(try run(["round", "approve", round, "--by", "张处长"]).status == 0)
        #expect(try run(["round", "announce", round, "--out", cli.directory.appendingPathComponent("m").path, "--source", "dice:integers:骰子:2026-01-01T10:00:00+08:00"]).status == 0)
        #expect(try run(["round", "draw", round, "--value", "dice=3,1,4,1,5,9"]).status == 0)
        let shown = try run(["round", "show", round, "--json"]).json()
        let inspected = (shown["inspections"] as? [[String: Any]] ?? []).flatMap(\.keys).sorted()
        let items = (try run(["checklist", "list", "--category", "lawyer", "--json"]).json()["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(inspected.count > 2 && items.count > 1)
        // Every record complete but one item of the first inspection (Art. 9); then the work ends.
        for (index, institution) in inspected.enumerated() {
            let recorded = (index == 0 ? Array(items.dropFirst()) : items).flatMap { ["--item", "\($0)=pass"] }
            #expect(try run(["inspection", "record", "\(round)/\(institution)", "--on", "2026-09-21"] + recorded).status == 0)
        }
        #expect(try run(["round", "end", round, "--on", "2026-09-21"]).status == 0)
        // After the draw: a conflict declared with an institution on the inspector's list, and the
        // inspector moved to another category (Art. 11).
        let conflicts = try cli.write("conflicts.csv", "执法证号,统一社会信用代码,原因\n\(inspector),\(inspected[1]),亲属在该机构执业\n")
        #expect(try run(["import", "conflicts", conflicts]).status == 0)
        let moved = roster.dropFirst().filter { !$0.contains("律师") } + [lawyer.replacingOccurrences(of: ",律师", with: ",公证").replacingOccurrences(of: "律师、", with: "").replacingOccurrences(of: "、律师", with: "")]
        let movedFile = try cli.write("inspectors-2.csv", ([roster[0]] + moved).joined(separator: "\n") + "\n")
        let reimported = try run(["import", "inspectors", movedFile])
        #expect(reimported.status == 0, "\(reimported.stderr)")

        let rows = try #require(try run(["compliance", "--jurisdiction", "640000", "--category", "lawyer", "--json"]).json()["rows"] as? [[String: Any]])
        let province = try #require(rows.first { $0["jurisdiction"] as? String == "640000" })
        #expect(province["status"] as? String == "violation")
        let violations = province["violations"] as? [[String: Any]] ?? []
        func violation(_ rule: String) -> [String: Any]? { violations.first { $0["rule"] as? String == rule } }
        let detail = try #require((province["rounds_detail"] as? [[String: Any]])?.first)
        let population = try #require(detail["population"] as? Int), sample = try #require(detail["sample"] as? Int)
        #expect(detail["required_sample"] as? Int == (population + 1) / 2 && sample < (population + 1) / 2, "ceil(50 % × \(population)) > \(sample)")
        #expect(violation("sample")?["article"] as? Int == 8 && violation("sample")?["round"] as? String == round)
        #expect((detail["high_risk_sample"] as? Int ?? 0) < (detail["high_risk_required"] as? Int ?? 0))
        #expect(violation("high-risk-sample")?["article"] as? Int == 8)
        #expect(violation("team-size")?["article"] as? Int == 11)
        #expect(inspected.allSatisfy { (violation("team-size")?["message"] as? String)?.contains($0) == true }, "every team is one inspector")
        #expect((violation("recusal")?["message"] as? String)?.contains("\(inspector)/\(inspected[1])") == true, "\(violations)")
        #expect((violation("team-category")?["message"] as? String)?.contains(inspector) == true)
        #expect(violation("checklist")?["article"] as? Int == 9)
        #expect((violation("checklist")?["message"] as? String)?.contains("\(round)/\(inspected[0])") == true)
        #expect((violation("checklist")?["message"] as? String)?.contains(inspected[1]) == false, "only the incomplete record")
    }

    @Test("a province round drawn in stage 1 (Art. 12) shows in each lower row the institutions it sampled there, and the parts add up at every level")
    func stageOneRound() throws {
        let cli = try Self.deployment()
        let env = ["SPOTCHECK_NOW": Self.now]
        let round = "640000-2026-lawyer-R1"
        let shown = try cli.run(["round", "show", round, "--json"], environment: env).json()
        let inspected = Set((shown["inspections"] as? [[String: Any]] ?? []).flatMap(\.keys))
        let listed = try cli.run(["institutions", "list", "--json"], environment: env).json()
        let entries = (listed["institutions"] as? [[String: Any]]) ?? (listed["entries"] as? [[String: Any]]) ?? []
        let place = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in (entry["id"] as? String).map { ($0, entry["jurisdiction"] as? String ?? "") } })
        #expect(!inspected.isEmpty && inspected.allSatisfy { place[$0] != nil }, "\(listed.keys)")
        let rows = try #require(try cli.run(["compliance", "--as-of", "2026-11-25", "--category", "lawyer", "--json"], environment: env).json()["rows"] as? [[String: Any]])
        var checked = 0
        for row in rows where row["jurisdiction"] as? String != "640000" {
            let code = try #require(row["jurisdiction"] as? String)
            // Sampled here: the round's institutions registered in this jurisdiction or below it.
            let expected = inspected.filter { institution in
                guard let at = place[institution] else { return false }
                return at == code || (row["level"] as? String == "city" && at.hasPrefix(String(code.prefix(4))) && at != code && at != "640000")
            }.count
            let sampled = (row["sampled_by_higher_levels"] as? [String: Int])?[round] ?? 0
            #expect(sampled == expected, "\(code): \(sampled) sampled by \(round), \(expected) of its institutions inspected")
            if expected > 0 { checked += 1 }
        }
        #expect(checked > 3, "the round sampled in several counties and cities")
    }
}

