public import Regulation
import Rosters
public import WorkingDays

/// The leadership overdue summary as of a day (Art. 13–16 deadlines, Art. 8, 9, 11 yearly
/// rules): overdue items grouped by jurisdiction and category, due-soon items, compliance
/// warnings and violations, and what changed since the last summary. Pure.
public struct OverdueSummary: Sendable, Hashable {
    /// One jurisdiction × category group.
    public struct Group: Sendable, Hashable {
        public var jurisdiction: String
        public var jurisdictionName: String
        public var category: String
        public var overdue: [Alert]
        public var dueSoon: [Alert]
    }

    public var day: CivilDate
    public var language: DeploymentLanguage
    /// By jurisdiction then category, the groups with anything to say.
    public var groups: [Group]
    public var warnings: [Alert]
    public var violations: [Alert]
    /// Since the previous summary (`nil` on the first): subjects new, resolved, still open.
    public var previousDay: CivilDate?
    public var new: [String]
    public var resolved: [String]
    public var stillOpen: [String]

    /// The subjects listed, to compare with next time.
    public var subjects: [SummarySubject] {
        (groups.flatMap { $0.overdue + $0.dueSoon } + warnings + violations).map { SummarySubject(subject: $0.subject, jurisdiction: $0.jurisdiction) }
    }

    public var overdueCount: Int { groups.reduce(0) { $0 + $1.overdue.count } }
    public var dueSoonCount: Int { groups.reduce(0) { $0 + $1.dueSoon.count } }

    /// Builds the summary from the alerts in force on `day` and the previous summary's subjects.
    /// `names` gives jurisdictions' display names.
    public init(day: CivilDate, alerts: [Alert], previous: (day: CivilDate, subjects: [SummarySubject])?, names: [String: String], language: DeploymentLanguage) {
        self.day = day
        self.language = language
        var grouped: [String: Group] = [:]
        var warnings: [Alert] = [], violations: [Alert] = []
        for alert in alerts {
            switch alert.kind {
            case .overdue, .escalated, .findingOverdue, .dueSoon:
                let jurisdiction = alert.jurisdiction ?? ""
                let category = alert.category ?? ""
                let key = jurisdiction + "\u{1F}" + category
                var group = grouped[key] ?? Group(jurisdiction: jurisdiction, jurisdictionName: names[jurisdiction] ?? jurisdiction, category: category, overdue: [], dueSoon: [])
                if alert.kind == .dueSoon { group.dueSoon.append(alert) } else { group.overdue.append(alert) }
                grouped[key] = group
            case .complianceWarning: warnings.append(alert)
            case .complianceViolation: violations.append(alert)
            default: continue
            }
        }
        // The most overdue first within a group.
        groups = grouped.values.map { group in
            var group = group
            group.overdue.sort { ($0.overdueWorkdays ?? 0, $1.subject) > ($1.overdueWorkdays ?? 0, $0.subject) }
            group.dueSoon.sort { ($0.deadline?.dayNumber ?? 0, $0.subject) < ($1.deadline?.dayNumber ?? 0, $1.subject) }
            return group
        }.sorted { ($0.jurisdiction, $0.category) < ($1.jurisdiction, $1.category) }
        self.warnings = warnings.sorted { $0.subject < $1.subject }
        self.violations = violations.sorted { $0.subject < $1.subject }
        let now = Set((groups.flatMap { $0.overdue + $0.dueSoon } + warnings + violations).map(\.subject))
        previousDay = previous?.day
        if let previous {
            let before = Set(previous.subjects.map(\.subject))
            new = now.subtracting(before).sorted()
            resolved = before.subtracting(now).sorted()
            stillOpen = now.intersection(before).sorted()
        } else {
            new = now.sorted()
            resolved = []
            stillOpen = []
        }
    }

    /// Per jurisdiction: overdue and due-soon counts, for the bar chart.
    public var byJurisdiction: [(jurisdiction: String, name: String, overdue: Int, dueSoon: Int)] {
        var rows: [String: (String, Int, Int)] = [:]
        for group in groups {
            let row = rows[group.jurisdiction] ?? (group.jurisdictionName, 0, 0)
            rows[group.jurisdiction] = (row.0, row.1 + group.overdue.count, row.2 + group.dueSoon.count)
        }
        return rows.map { (jurisdiction: $0.key, name: $0.value.0, overdue: $0.value.1, dueSoon: $0.value.2) }.sorted { $0.jurisdiction < $1.jurisdiction }
    }
}

/// The summary as leadership reads it: a subject line, a text part and an HTML part whose bar
/// chart is plain HTML and inline CSS (no scripts, no style sheets, no images: what mail
/// clients render).
public enum SummaryDocument {
    public static func subject(_ summary: OverdueSummary) -> String {
        switch summary.language {
        case .zh: "[SpotCheck] \(summary.day) 督办汇总：逾期 \(summary.overdueCount) 项，即将到期 \(summary.dueSoonCount) 项，违规 \(summary.violations.count) 项，预警 \(summary.warnings.count) 项"
        case .en: "[SpotCheck] Overdue summary \(summary.day): \(summary.overdueCount) overdue, \(summary.dueSoonCount) due soon, \(summary.violations.count) violations, \(summary.warnings.count) warnings"
        }
    }

    static func words(_ language: DeploymentLanguage) -> [String: String] {
        language == .zh
            ? ["overdue": "逾期", "dueSoon": "即将到期", "violations": "违反规定", "warnings": "合规预警", "changes": "与上次汇总相比",
               "new": "新增", "resolved": "已解决", "still": "仍未解决", "first": "首次汇总", "none": "无", "days": "个工作日",
               "chart": "各辖区逾期与即将到期", "since": "上次汇总"]
            : ["overdue": "Overdue", "dueSoon": "Due soon", "violations": "Compliance violations", "warnings": "Compliance warnings",
               "changes": "Since the last summary", "new": "new", "resolved": "resolved", "still": "still open", "first": "the first summary",
               "none": "none", "days": "working days", "chart": "Overdue and due soon by jurisdiction", "since": "last summary"]
    }

    static func category(_ raw: String, _ language: DeploymentLanguage) -> String {
        guard let category = Category(rawValue: raw) else { return raw }
        return language == .zh ? category.chineseName : raw
    }

    static func item(_ alert: Alert, _ language: DeploymentLanguage) -> String {
        let message = AlertMessages.text(alert, language: language)
        return message
    }

    /// The text part.
    public static func text(_ summary: OverdueSummary) -> String {
        let w = words(summary.language)
        var lines = [subject(summary), ""]
        for group in summary.groups {
            lines.append("\(group.jurisdictionName) (\(group.jurisdiction)) · \(category(group.category, summary.language)): \(w["overdue"]!) \(group.overdue.count), \(w["dueSoon"]!) \(group.dueSoon.count)")
            for alert in group.overdue { lines.append("  - \(item(alert, summary.language))") }
            for alert in group.dueSoon { lines.append("  · \(item(alert, summary.language))") }
        }
        if summary.groups.isEmpty { lines.append("\(w["overdue"]!): \(w["none"]!)") }
        for (title, alerts) in [(w["violations"]!, summary.violations), (w["warnings"]!, summary.warnings)] where !alerts.isEmpty {
            lines += ["", "\(title): \(alerts.count)"]
            for alert in alerts { lines.append("  - \(item(alert, summary.language))") }
        }
        lines += ["", changes(summary, w)]
        return lines.joined(separator: "\n")
    }

    static func changes(_ summary: OverdueSummary, _ w: [String: String]) -> String {
        guard let previous = summary.previousDay else { return "\(w["changes"]!): \(w["first"]!)" }
        return "\(w["changes"]!) (\(w["since"]!) \(previous)): \(w["new"]!) \(summary.new.count), \(w["resolved"]!) \(summary.resolved.count), \(w["still"]!) \(summary.stillOpen.count)"
    }

    static func escape(_ text: String) -> String { text.htmlEscaped }

    /// The HTML part: the bar chart (one row per jurisdiction, a red bar for overdue and an
    /// amber one for due soon, widths in percent of the largest), then the lists.
    public static func html(_ summary: OverdueSummary) -> String {
        let w = words(summary.language)
        let rows = summary.byJurisdiction
        let largest = max(rows.map { $0.overdue + $0.dueSoon }.max() ?? 0, 1)
        var html = """
            <!DOCTYPE html><html lang="\(summary.language == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>\(escape(subject(summary)))</title></head>
            <body style="font-family:sans-serif;color:#222;max-width:860px">
            <h1 style="font-size:18px">\(escape(subject(summary)))</h1>
            <h2 style="font-size:15px">\(escape(w["chart"]!))</h2>
            <table style="border-collapse:collapse;width:100%" role="presentation">
            """
        for row in rows {
            let overdueWidth = Double(row.overdue) / Double(largest) * 100, dueSoonWidth = Double(row.dueSoon) / Double(largest) * 100
            html += """
                <tr><td style="padding:3px 8px 3px 0;white-space:nowrap;width:1%">\(escape(row.name))</td><td style="padding:3px 0">\
                <div style="display:inline-block;height:14px;background:#c0392b;width:\(percent(overdueWidth))" title="\(w["overdue"]!) \(row.overdue)"></div>\
                <div style="display:inline-block;height:14px;background:#f39c12;width:\(percent(dueSoonWidth))" title="\(w["dueSoon"]!) \(row.dueSoon)"></div>\
                <span style="font-size:12px;padding-left:6px">\(w["overdue"]!) \(row.overdue) · \(w["dueSoon"]!) \(row.dueSoon)</span></td></tr>
                """
        }
        html += "</table>\n"
        for group in summary.groups {
            html += "<h3 style=\"font-size:14px;margin-bottom:4px\">\(escape(group.jurisdictionName)) · \(escape(category(group.category, summary.language)))</h3>\n<ul style=\"margin-top:0\">"
            for alert in group.overdue { html += "<li style=\"color:#a93226\">\(escape(item(alert, summary.language)))</li>" }
            for alert in group.dueSoon { html += "<li>\(escape(item(alert, summary.language)))</li>" }
            html += "</ul>\n"
        }
        for (title, alerts) in [(w["violations"]!, summary.violations), (w["warnings"]!, summary.warnings)] where !alerts.isEmpty {
            html += "<h2 style=\"font-size:15px\">\(escape(title)) (\(alerts.count))</h2>\n<ul>"
            for alert in alerts { html += "<li>\(escape(item(alert, summary.language)))</li>" }
            html += "</ul>\n"
        }
        html += "<p style=\"color:#555\">\(escape(changes(summary, w)))</p>\n</body></html>\n"
        return html
    }

    static func percent(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))%" : "\(rounded)%"
    }
}
