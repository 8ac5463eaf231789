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
}
