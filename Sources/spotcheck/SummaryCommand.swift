public import ArgumentParser
import Foundation
public import Publication
import Regulation
import Supervision
import WorkingDays

extension DeploymentLanguage: ExpressibleByArgument {}

/// `spotcheck summary`: the leadership overdue summary spotcheckd mails on its schedule, as of a day.
struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "The leadership overdue summary: overdue items by jurisdiction and category (Art. 13–16), due-soon items, compliance warnings and violations (Art. 8, 9, 11), and what changed since the last summary.",
        discussion: "As of the end of --as-of (default today, Asia/Shanghai), compared with the last summary spotcheckd made before that day. The same document spotcheckd mails (notify.summary.*).")
    @Option(help: "The day (yyyy-MM-dd).") var asOf: CivilDate?
    @Option(help: "Only this jurisdiction (GB/T 2260 code) and the ones under it.") var jurisdiction: String?
    @Option(help: "zh or en (default notify.summary.language, zh).") var language: DeploymentLanguage?
    @Option(help: "Also write the HTML part (the mail's, with its bar chart) to this file.") var html: String?
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    struct Item: Encodable {
        var alert: Alert
        var language: DeploymentLanguage
        enum CodingKeys: String, CodingKey { case kind, subject, article, round, inspection, deadline, overdueWorkdays = "overdue_workdays", provisional, message }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(alert.kind.rawValue, forKey: .kind)
            try container.encode(alert.subject, forKey: .subject)
            try container.encode(alert.article, forKey: .article)
            try container.encode(alert.round, forKey: .round)
            try container.encode(alert.inspection, forKey: .inspection)
            try container.encode(alert.deadline?.description, forKey: .deadline)
            try container.encode(alert.overdueWorkdays, forKey: .overdueWorkdays)
            try container.encode(alert.provisional, forKey: .provisional)
            try container.encode(AlertMessages.text(alert, language: language), forKey: .message)
        }
    }

    struct Output: Encodable {
        struct Group: Encodable {
            var jurisdiction: String
            var name: String
            var category: String
            var overdue: [Item]
            var dueSoon: [Item]
            enum CodingKeys: String, CodingKey { case jurisdiction, name, category, overdue, dueSoon = "due_soon" }
        }
        struct Changes: Encodable {
            var new: [String]
            var resolved: [String]
            var stillOpen: [String]
            enum CodingKeys: String, CodingKey { case new, resolved, stillOpen = "still_open" }
        }
        var day: String
        var language: String
        var subject: String
        var previousDay: String?
        var overdue: Int
        var dueSoon: Int
        var groups: [Group]
        var violations: [Item]
        var warnings: [Item]
        var changes: Changes
        enum CodingKeys: String, CodingKey {
            case day, language, subject, previousDay = "previous_day", overdue, dueSoon = "due_soon", groups, violations, warnings, changes
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(day, forKey: .day)
            try container.encode(language, forKey: .language)
            try container.encode(subject, forKey: .subject)
            try container.encode(previousDay, forKey: .previousDay)
            try container.encode(overdue, forKey: .overdue)
            try container.encode(dueSoon, forKey: .dueSoon)
            try container.encode(groups, forKey: .groups)
            try container.encode(violations, forKey: .violations)
            try container.encode(warnings, forKey: .warnings)
            try container.encode(changes, forKey: .changes)
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let settings = try await Settings.load(global)
            let supervisor = try settings.supervisor()
            let language = language ?? settings.summaryLanguage
            if let jurisdiction, !(jurisdiction.count == 6 && jurisdiction.allSatisfy(\.isNumber)) {
                throw CLIError.usage("--jurisdiction \(jurisdiction) is not a six-digit GB/T 2260 code")
            }
            let summary = try supervisor.summary(asOf: asOf, jurisdictions: jurisdiction.map { [$0] }, language: language, settings: settings.alerts)
            if let html {
                do {
                    try SummaryDocument.html(summary).write(toFile: html, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError.io("cannot write \(html): \(error.localizedDescription)")
                }
            }
            if json {
                func items(_ alerts: [Alert]) -> [Item] { alerts.map { Item(alert: $0, language: language) } }
                return try printJSON(Output(
                    day: summary.day.description, language: language.rawValue, subject: SummaryDocument.subject(summary), previousDay: summary.previousDay?.description,
                    overdue: summary.overdueCount, dueSoon: summary.dueSoonCount,
                    groups: summary.groups.map { Output.Group(jurisdiction: $0.jurisdiction, name: $0.jurisdictionName, category: $0.category, overdue: items($0.overdue), dueSoon: items($0.dueSoon)) },
                    violations: items(summary.violations), warnings: items(summary.warnings),
                    changes: Output.Changes(new: summary.new, resolved: summary.resolved, stillOpen: summary.stillOpen)))
            }
            print(SummaryDocument.text(summary))
        }
    }
}
