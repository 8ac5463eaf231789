import Foundation
import Testing

/// Plans, rounds and the draw through the real binary.
@Suite("spotcheck plan, round and draw")
struct RoundCommandTests {
    static let vectors = SpotcheckProcess.repositoryRoot.appendingPathComponent("Tests/DrawTests/Vectors/example-1").path
    static let sources = [
        "--source", "fc-ssq-2026150:integers:双色球第2026150期开奖号码:2026-12-24T21:15:00+08:00",
        "--source", "beacon:text:drand round, hex: 64 characters:2026-12-24T21:30:00+08:00",
    ]
    static let values = ["--value", "fc-ssq-2026150=3,8,15,21,27,33,9", "--value", "beacon=4993B3FD67f9b8b675c88985bcb2f837"]

    /// A database with the demo deployment imported and a plan for lawyers in Ningxia.
    func prepared() throws -> SpotcheckProcess {
        let cli = SpotcheckProcess()
        #expect(try cli.run(["jurisdictions", "load", "config/jurisdictions/640000-ningxia.csv"]).status == 0)
        let demo = cli.directory.appendingPathComponent("demo").path
        #expect(try cli.run(["demo", "generate", "--out", demo, "--institutions", "400"]).status == 0)
        for kind in ["checklist", "institutions", "inspectors", "conflicts"] {
            #expect(try cli.run(["import", kind, "\(demo)/\(kind).csv"]).status == 0)
        }
        let plan = try cli.run(["plan", "create", "--year", "2026", "--jurisdiction", "640000", "--category", "律师", "--json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect((try plan.json()["items"] as? [String])?.contains("NX-LAWYER-001") == true)
        return cli
    }

    @Test("the steps in Art. 10's order, each recorded with date and actor; a second draw is refused")
    func lifecycle() throws {
        let cli = try prepared()
        let round = try cli.run(["round", "propose", "--plan", "640000-2026-lawyer"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(round == "640000-2026-lawyer-R1")
        let early = try cli.run(["round", "announce", round] + Self.sources)
        #expect(early.status == 65)
        #expect(early.stderr.contains("\"announced\" must follow \"approved\" (Art. 10)"))
        #expect(try cli.run(["round", "approve", round, "--by", "张处长"]).status == 0)
        let out = cli.directory.appendingPathComponent("announce").path
        let announce = try cli.run(["round", "announce", round, "--out", out, "--max-per-inspector", "3"] + Self.sources)
        #expect(announce.status == 0, "\(announce.stderr)")
        let manifest = try Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.json"))
        let printedHash = announce.stdout.split(separator: "\n").last.map { String($0.split(separator: " ").last!) }
        #expect(printedHash == sha256(manifest))
        let audit = try cli.run(["audit", "show", "--round", round, "--json"]).json()["entries"] as? [[String: Any]] ?? []
        #expect(audit.map { $0["action"] as? String } == ["round.proposed", "round.approved", "round.announced"])
        #expect((audit.last?["details"] as? String)?.contains(sha256(manifest)) == true)

        let wrongKind = try cli.run(["round", "draw", round, "--value", "fc-ssq-2026150=abc", "--value", "beacon=ab"])
        #expect(wrongKind.status == 65)
        let draw = try cli.run(["round", "draw", round, "--json"] + Self.values)
        #expect(draw.status == 0, "\(draw.stderr)")
        let result = try draw.json()
        #expect(result["manifest_sha256"] as? String == sha256(manifest))
        #expect(result["key_string"] as? String == "3.8.9.15.21.27.33./4993b3fd67f9b8b675c88985bcb2f837./")
        let again = try cli.run(["round", "draw", round] + Self.values)
        #expect(again.status == 65)
        #expect(again.stderr.contains("a round is drawn once"))

        let shown = try cli.run(["round", "show", round, "--json"]).json()
        let versions = try cli.run(["rosters", "versions", "--kind", "institutions", "--json"]).json()["versions"] as? [[String: Any]] ?? []
        #expect((shown["roster_versions"] as? [String: Any])?["institutions"] as? Int == versions.last?["id"] as? Int)
        let steps = shown["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["step"] as? String } == ["proposed", "approved", "announced", "drawn"])
        #expect(steps.allSatisfy { ($0["actor"] as? String) == "tester" && ($0["at"] as? String)?.hasSuffix("Z") == true })
        let teams = result["teams"] as? [[String: Any]] ?? []
        #expect((shown["inspections"] as? [Any])?.count == teams.count)
        #expect(try cli.run(["audit", "verify"]).status == 0)
    }

    @Test("announce options: stage 1, no strata, team size, cap, fallback inspectors from a neighbouring city and from above")
    func announceOptions() throws {
        let cli = try prepared()
        #expect(try cli.run(["plan", "create", "--year", "2026", "--jurisdiction", "640100", "--category", "lawyer"]).status == 0)
        let low = try cli.run(["plan", "create", "--year", "2026", "--jurisdiction", "640200", "--category", "lawyer", "--ratio", "4/100"])
        #expect(low.status == 65)
        #expect(low.stderr.contains("below Art. 8's 5/100"))
        let round = try cli.run(["round", "propose", "--plan", "640100-2026-lawyer"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try cli.run(["round", "approve", round, "--by", "李局长"])
        let out = cli.directory.appendingPathComponent("options").path
        let announce = try cli.run(["round", "announce", round, "--out", out, "--stage1", "2", "--no-stratify", "--team-size", "3",
                                    "--max-per-inspector", "2", "--fallback", "640200", "--fallback-above"] + Self.sources)
        #expect(announce.status == 0, "\(announce.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/manifest.json"))) as? [String: Any] ?? [:]
        #expect((manifest["stage1"] as? [String: Any])?["jurisdictions"] as? Int == 2)
        #expect(manifest["stratify_by_jurisdiction"] as? Bool == false)
        #expect(manifest["team_size"] as? Int == 3)
        #expect(manifest["max_assignments_per_inspector"] as? Int == 2)
        let inspectors = manifest["inspectors"] as? [[String: Any]] ?? []
        let fallback = inspectors.filter { $0["pool"] as? String == "fallback" }.compactMap { $0["id"] as? String }
        #expect(fallback.contains { $0.hasPrefix("SF6402") })
        #expect(fallback.contains { $0.hasPrefix("SF640000") })
        #expect(inspectors.filter { $0["pool"] as? String == "local" }.allSatisfy { ($0["id"] as? String)?.hasPrefix("SF6401") == true })
        let institutions = manifest["institutions"] as? [[String: Any]] ?? []
        #expect(institutions.allSatisfy { ($0["jurisdiction"] as? String)?.hasPrefix("6401") == true })
        let draw = try cli.run(["round", "draw", round, "--json"] + Self.values).json()
        #expect((draw["stage1"] as? [String: Any]).flatMap { $0["drawn"] as? [Any] }?.count == 2)
        #expect((draw["teams"] as? [[String: Any]])?.allSatisfy { ($0["members"] as? [Any])?.count ?? 0 <= 3 } == true)
    }

    @Test("substitution, publication, and verification by us and by the independent implementation")
    func substituteAndPublish() throws {
        let cli = try prepared()
        let round = try cli.run(["round", "propose", "--plan", "640000-2026-lawyer"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try cli.run(["round", "approve", round, "--by", "张处长"])
        _ = try cli.run(["round", "announce", round, "--out", cli.directory.appendingPathComponent("a").path] + Self.sources)
        let result = try cli.run(["round", "draw", round, "--json"] + Self.values).json()
        let team = try #require((result["teams"] as? [[String: Any]])?.first)
        let institution = try #require(team["institution"] as? String)
        let leaving = try #require((team["members"] as? [[String: Any]])?.first?["inspector"] as? String)
        let substitute = try cli.run(["round", "substitute", round, "--inspector", leaving, "--institution", institution, "--reason", "因病住院"])
        #expect(substitute.status == 0, "\(substitute.stderr)")
        #expect(substitute.stdout.contains("replacement: SF"))
        #expect(try cli.run(["round", "substitute", round, "--inspector", leaving, "--institution", institution, "--reason", "x"]).status == 65)

        let out = cli.directory.appendingPathComponent("published").path
        #expect(try cli.run(["round", "publish-draw", round, "--out", out]).status == 0)
        for name in ["manifest.json", "values.json", "result.json", "substitutions.json", "index.html", "draw-algorithm.md"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
        }
        let published = try String(contentsOfFile: "\(out)/result.json", encoding: .utf8)
        #expect(published.contains("\"reason\": \"因病住院\""))
        // The page names the drawn institutions and their teams, substitutions applied, by name.
        let page = try String(contentsOfFile: "\(out)/index.html", encoding: .utf8)
        let names = try cli.run(["institutions", "list", "--json"]).json()["institutions"] as? [[String: Any]] ?? []
        let name = try #require(names.first { $0["id"] as? String == institution }?["name"] as? String)
        #expect(page.contains(name) && page.contains(institution))
        let replacement = try #require(substitute.stdout.components(separatedBy: "replacement: ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let row = try #require(page.components(separatedBy: "<tr>").first { $0.contains(institution) })
        #expect(row.contains("（\(replacement)）") && !row.contains("（\(leaving)）"), "the team with the substitution applied")
        #expect(page.contains("抽中的机构及检查组"))
        let verify = try cli.run(["draw", "verify", "--manifest", "\(out)/manifest.json", "\(out)/result.json"])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("OK"))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", SpotcheckProcess.repositoryRoot.appendingPathComponent("Tests/DrawTests/Independent/draw.py").path,
                            "\(out)/manifest.json", "\(out)/result.json"]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(said.trimmingCharacters(in: .whitespacesAndNewlines) == "OK")
        let rerun = try cli.run(["draw", "run", "--manifest", "\(out)/manifest.json", "--values", "\(out)/values.json", "--substitutions", "\(out)/substitutions.json"])
        #expect(rerun.stdout == published)
        let shown = try cli.run(["round", "show", round, "--json"]).json()
        let inspections = shown["inspections"] as? [[String: [String]]] ?? []
        let current = inspections.first { $0[institution] != nil }?[institution] ?? []
        #expect(!current.contains(leaving))
        #expect(current.count == 2)
    }

    @Test("draw run reproduces the worked example; draw verify names the first difference of a tampered result or manifest")
    func statelessDraw() throws {
        let cli = SpotcheckProcess()
        let run = try cli.run(["draw", "run", "--manifest", "\(Self.vectors)/manifest.json", "--values", "\(Self.vectors)/values.json",
                               "--substitutions", "\(Self.vectors)/substitutions.json"])
        #expect(run.status == 0)
        let ours = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(Self.vectors)/result.json"))) as? NSDictionary
        #expect(ours == theirs)
        #expect(try cli.run(["draw", "verify", "--manifest", "\(Self.vectors)/manifest.json", "\(Self.vectors)/result.json"]).status == 0)

        var text = try String(contentsOfFile: "\(Self.vectors)/result.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"shortfall\": 0", with: "\"shortfall\": 1")
        let tampered = try cli.write("tampered.json", text)
        let caught = try cli.run(["draw", "verify", "--manifest", "\(Self.vectors)/manifest.json", tampered])
        #expect(caught.status == 1)
        #expect(caught.stdout.hasPrefix("DIFFERENT at strata[0].shortfall: published 1, recomputed 0"))

        var manifest = try String(contentsOfFile: "\(Self.vectors)/manifest.json", encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"team_size\": 2", with: "\"team_size\": 3")
        let forged = try cli.write("forged-manifest.json", manifest)
        let forgery = try cli.run(["draw", "verify", "--manifest", forged, "\(Self.vectors)/result.json"])
        #expect(forgery.status == 1)
        #expect(forgery.stdout.contains("DIFFERENT at manifest_sha256"))
        let broken = try cli.write("broken.json", "{\"format\": \"SPOTCHECK-DRAW-1\"}")
        #expect(try cli.run(["draw", "run", "--manifest", broken, "--values", "\(Self.vectors)/values.json"]).status == 65)
        let badSubstitutions = try cli.write("bad-substitutions.json", "{\"inspector\": 1}")
        let refused = try cli.run(["draw", "run", "--manifest", "\(Self.vectors)/manifest.json", "--values", "\(Self.vectors)/values.json",
                                   "--substitutions", badSubstitutions])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad-substitutions.json: expected [{"), "\(refused.stderr)")
    }
}

func sha256(_ data: Data) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(data)
    try? input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix(64))
}
