import Publication
import Regulation
import Testing
import WorkingDays

/// The leadership summary from alerts: grouped, ordered, compared with the last one, and
/// rendered as mail clients render it.
@Suite("overdue summary")
struct OverdueSummaryTests {
    static let day = CivilDate("2026-11-23")!

    static func alert(_ kind: AlertKind, _ subject: String, jurisdiction: String, category: String = "lawyer", days: Int? = nil, article: Int = 13) -> Alert {
        Alert(kind: kind, subject: subject, article: article, round: "R-\(jurisdiction)", jurisdiction: jurisdiction, category: category,
              deadline: CivilDate("2026-11-16")!, overdueWorkdays: days, detail: "report")
    }

    static let alerts = [
        alert(.overdue, "deadline/A/report", jurisdiction: "640100", days: 1),
        alert(.escalated, "deadline/B/report", jurisdiction: "640100", days: 7),
        alert(.dueSoon, "deadline/C/feedback/X", jurisdiction: "640100", article: 14),
        alert(.findingOverdue, "finding/9", jurisdiction: "640200", category: "notary", days: 2, article: 16),
        Alert(kind: .complianceViolation, subject: "compliance/2026/640200/notary/sample/R", article: 8, jurisdiction: "640200", category: "notary", detail: "sample 3 < 5", year: 2026, rule: .sample),
        Alert(kind: .complianceWarning, subject: "compliance/2026/640100/lawyer/all-rounds", article: 8, jurisdiction: "640100", category: "lawyer", detail: "1 round", year: 2026, rule: .allRounds),
        Alert(kind: .provisional, subject: "provisional/2027", article: nil, detail: "national 2027", count: 4),
    ]

    @Test("groups by jurisdiction and category, the most overdue first; compliance apart; the rest left out")
    func grouping() {
        let summary = OverdueSummary(day: Self.day, alerts: Self.alerts, previous: nil, names: ["640100": "银川市", "640200": "石嘴山市"], language: .zh)
        #expect(summary.groups.map { "\($0.jurisdiction)/\($0.category)" } == ["640100/lawyer", "640200/notary"])
        #expect(summary.groups[0].overdue.map(\.subject) == ["deadline/B/report", "deadline/A/report"], "the most overdue first")
        #expect(summary.groups[0].dueSoon.map(\.subject) == ["deadline/C/feedback/X"])
        #expect(summary.overdueCount == 3 && summary.dueSoonCount == 1 && summary.violations.count == 1 && summary.warnings.count == 1)
        #expect(summary.byJurisdiction.map { "\($0.name):\($0.overdue)+\($0.dueSoon)" } == ["银川市:2+1", "石嘴山市:1+0"])
        #expect(summary.new.count == 6 && summary.resolved.isEmpty && summary.previousDay == nil, "the first summary: everything is new")
    }

    @Test("what changed since the last summary: new, resolved, still open")
    func changes() {
        let previous = [SummarySubject(subject: "deadline/A/report", jurisdiction: "640100"), SummarySubject(subject: "deadline/Z/report", jurisdiction: "640100")]
        let summary = OverdueSummary(day: Self.day, alerts: Self.alerts, previous: (CivilDate("2026-11-16")!, previous), names: [:], language: .en)
        #expect(summary.stillOpen == ["deadline/A/report"] && summary.resolved == ["deadline/Z/report"] && summary.new.count == 5)
        #expect(SummaryDocument.text(summary).contains("Since the last summary (last summary 2026-11-16): new 5, resolved 1, still open 1"))
    }

    @Test("Chinese by default: the subject counts, each item names its article and working days overdue")
    func chineseText() {
        let summary = OverdueSummary(day: Self.day, alerts: Self.alerts, previous: nil, names: ["640100": "银川市"], language: .zh)
        #expect(SummaryDocument.subject(summary) == "[SpotCheck] 2026-11-23 督办汇总：逾期 3 项，即将到期 1 项，违规 1 项，预警 1 项")
        let text = SummaryDocument.text(summary)
        #expect(text.contains("银川市 (640100) · 律师: 逾期 2, 即将到期 1"), "\(text)")
        #expect(text.contains("（第十三条）") && text.contains("已逾期 7 个工作日") && text.contains("（第十六条）") && text.contains("违反规定: 1"))
    }

    @Test("the HTML bar chart is plain HTML with inline CSS: widths against the largest, no scripts, style sheets or images")
    func htmlChart() {
        let summary = OverdueSummary(day: Self.day, alerts: Self.alerts, previous: nil, names: ["640100": "银川市", "640200": "石嘴山市"], language: .zh)
        let html = SummaryDocument.html(summary)
        // 银川市: 2 overdue, 1 due soon of the largest 3; 石嘴山市: 1 overdue.
        #expect(html.contains("background:#c0392b;width:66.7%") && html.contains("background:#f39c12;width:33.3%"))
        #expect(html.contains("background:#c0392b;width:33.3%") && html.contains("background:#f39c12;width:0%"))
        for forbidden in ["<script", "<style", "<link", "<img", "src=", "url("] { #expect(!html.lowercased().contains(forbidden), "\(forbidden)") }
        #expect(html.contains("<html lang=\"zh-CN\">") && html.contains("<meta charset=\"utf-8\">"))
    }
}
