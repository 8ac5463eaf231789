public import Foundation
import DemoData
import Draw
import Import
import Publication
import Records
import Regulation
import Rosters
import Store
public import WorkingDays

/// What `demo load` put in the database.
public struct DemoSummary: Sendable, Hashable {
    public var institutions: Int
    public var plans: Int
    public var rounds: Int
    public var findings: Int
}

extension Supervisor {
    /// The four import files of a seeded synthetic deployment, as officials hand them in:
    /// institutions in GB18030 (Excel's "CSV" on a Chinese desktop), the others UTF-8 with a BOM.
    public static func demoFiles(seed: UInt64, institutions count: Int) -> [(name: String, contents: Data)] {
        let demo = DemoDeployment(seed: seed, institutionCount: count)
        let institutions = CSVWriter.document(
            header: ["统一社会信用代码", "机构名称", "业务类别", "辖区", "风险等级", "风险原因", "状态"],
            rows: demo.institutions.map { [$0.id, $0.name, $0.category.chineseName, $0.jurisdiction, $0.risk.chineseName, $0.riskReason ?? "", $0.status.chineseName] })
        let utf8: [(String, String)] = [
            ("inspectors.csv", CSVWriter.document(
                header: ["执法证号", "姓名", "辖区", "业务类别", "状态"],
                rows: demo.inspectors.map { [$0.id, $0.name, $0.jurisdiction, $0.categories.map(\.chineseName).joined(separator: "、"), $0.status.chineseName] })),
            ("checklist.csv", CSVWriter.document(
                header: ["业务类别", "事项编码", "事项名称", "抽查依据", "抽查主体", "抽查内容", "抽查方式"],
                rows: demo.checklist.map { [$0.category.chineseName, $0.code, $0.name, $0.basis, $0.subject, $0.content, $0.method] })),
            ("conflicts.csv", CSVWriter.document(header: ["执法证号", "统一社会信用代码", "原因"], rows: demo.conflicts.map { [$0.inspector, $0.institution, $0.reason] })),
        ]
        return [("institutions.csv", institutions.data(using: TextEncoding.foundationGB18030) ?? Data(institutions.utf8))]
            + utf8.map { ($0.0, Data(("\u{FEFF}" + $0.1).utf8)) }
    }

    /// This supervisor with its clock at the start of `day` + `hour` hours, Asia/Shanghai.
    func at(_ day: CivilDate, hour: Int = 10) throws -> Supervisor {
        let (year, month, date) = day.components
        guard let start = ShanghaiTime.endOfDay(year: year, month: month, day: date - 1) else { throw Refusal("no such day \(day)") }
        let instant = start.addingTimeInterval(Double(hour) * 3600)
        return try Supervisor(databasePath: store.path, actor: actor, region: region, dueSoonWorkdays: dueSoonWorkdays, clock: { instant })
    }

    /// Fills the database with a whole synthetic deployment as of `day`: the generated rosters,
    /// a plan for every category, and rounds in every step of Art. 10 (some done on time, some
    /// due soon, some overdue as of `day`), with findings open and closed. Every step goes
    /// through the same use cases as the CLI's, with the clock moved back to its day.
    public func loadDemo(asOf day: CivilDate, institutions count: Int, seed: UInt64) throws -> DemoSummary {
        let calendar = try calendar()
        func back(_ workdays: Int) -> CivilDate { calendar.add(-workdays, to: day).value }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let start = try at(back(160))
        for (name, contents) in Self.demoFiles(seed: seed, institutions: count) {
            try contents.write(to: directory.appendingPathComponent(name))
        }
        for kind in [RosterKind.checklist, .institutions, .inspectors, .conflicts] {
            _ = try start.importRoster(kind, file: directory.appendingPathComponent("\(kind.rawValue).csv").path, scope: nil, encoding: nil, dryRun: false)
        }
        let rates = SamplingRates(normal: Rate(num: 5, den: 100), high: Rate(num: 20, den: 100))
        let source = DrawManifest.Source(name: "demo-dice", kind: "integers", description: "三名群众监督员掷骰子（示例）", expectedAt: "\(back(80))T09:30:00+08:00")
        var summary = DemoSummary(institutions: count, plans: 0, rounds: 0, findings: 0)
        var random = SplitMix64(seed: seed)
        // Per category, its rounds' stories, in working days before `day`: when each is drawn and
        // ended, and how far its procedure has gone. Law firms have had both rounds of the year
        // (compliance ok); the others one (a warning late in the year, Art. 8).
        let stories: [[(ended: Int, last: RoundState)]] = [[(140, .filed), (60, .filed)], [(4, .ended)], [(9, .ended)], [(12, .reported)], [(25, .published)], [(40, .reviewed)]]
        for (index, category) in Category.allCases.enumerated() {
            let plan = try start.createPlan(year: day.year, jurisdiction: "640000", category: category, rates: rates, rounds: 2, months: "5,10")
            summary.plans += 1
            for story in stories[index % stories.count] {
            let drawnOn = back(story.ended + 8)
            let drawer = try at(drawnOn, hour: 9)
            let round = try drawer.proposeRound(plan: plan.id)
            _ = try drawer.approveRound(round.id, by: "单位负责人")
            _ = try drawer.announceRound(round.id, options: AnnouncementOptions(sources: [source]))
            let dice = (0..<8).map { _ in String(Int.random(in: 1...6, using: &random)) }.joined(separator: ",")
            let outcome = try drawer.drawRound(round.id, values: ["demo-dice=\(dice)"])
            summary.rounds += 1
            if category == .notary, let team = outcome.teams.first, let inspector = team.members.first {
                // A conflict of interest declared after the draw, with the inspector still on the
                // team: a recusal the round lacks (compliance: a violation of Art. 11).
                let file = directory.appendingPathComponent("conflicts-declared.csv")
                var conflicts = try Data(contentsOf: directory.appendingPathComponent("conflicts.csv"))
                if conflicts.last != UInt8(ascii: "\n") { conflicts.append(contentsOf: Array("\r\n".utf8)) }
                conflicts.append(Data("\(inspector.id),\(team.institution),亲属在该机构任职（示例，抽取后申报）\r\n".utf8))
                try conflicts.write(to: file)
                _ = try drawer.importRoster(.conflicts, file: file.path, scope: nil, encoding: nil, dryRun: false)
            }
            let ended = back(story.ended)
            let worker = try at(ended, hour: 17)
            let items = try worker.checklist(category: category, at: .current).entries.map(\.code)
            for (position, team) in outcome.teams.enumerated() {
                let failed = position == 0
                _ = try worker.recordInspection("\(round.id)/\(team.institution)", on: ended,
                                                items: items.enumerated().map { $0.offset == 0 && failed ? "\($0.element)=fail:制度不健全（示例）" : "\($0.element)=pass" })
                if failed {
                    let finding = try worker.addFinding("\(round.id)/\(team.institution)", text: "内部管理制度不健全（示例）", referral: .department, on: ended)
                    _ = try worker.rectifyFinding(finding.id ?? 0, due: calendar.add(10, to: ended).value)
                    summary.findings += 1
                    if story.last == .filed, let id = finding.id { _ = try at(calendar.add(8, to: ended).value).closeFinding(id, on: calendar.add(8, to: ended).value) }
                }
            }
            _ = try worker.recordStep(round.id, .ended, on: ended, detail: "inspection ended", correction: nil)
            guard story.last > .ended else { continue }
            let reported = calendar.add(story.last == .reported ? 7 : 4, to: ended).value  // one report late, the others on time
            _ = try at(reported).recordStep(round.id, .reported, on: reported, detail: "report: 抽查完成，不合格机构已列明（示例）",
                                            content: .report(summary: "抽查完成，不合格机构已列明（示例）", evaluation: "总体执业规范（示例）",
                                                             handling: "对不合格机构责令限期整改（示例）"), correction: nil)
            guard story.last > .reported else { continue }
            let reviewed = calendar.add(1, to: reported).value
            _ = try at(reviewed).recordStep(round.id, .reviewed, on: reviewed, detail: "approved by 组长 (team leader) and 分管领导 (leader in charge)",
                                            content: .review(leader: "组长", inCharge: "分管领导"), correction: nil)
            for team in outcome.teams.dropLast(story.last == .reviewed ? 1 : 0) {  // one feedback still missing
                let feedback = calendar.add(3, to: reported).value
                try at(feedback).feedback("\(round.id)/\(team.institution)", on: feedback, method: .direct, correction: nil)
            }
            guard story.last > .reviewed else { continue }
            let published = calendar.add(9, to: ended).value
            _ = try at(published).recordStep(round.id, .published, on: published, detail: "published on the portal", content: .publication(place: .portal), correction: nil)
            guard story.last > .published else { continue }
            let filed = calendar.add(12, to: ended).value
            _ = try at(filed).recordStep(round.id, .filed, on: filed, detail: "filed with the legal-affairs office", correction: nil)
            }
        }
        return summary
    }
}
