public import ArgumentParser
import Foundation
import Publication
import Records
public import Regulation
import Supervision
import WorkingDays

extension AlertKind: ExpressibleByArgument {}

/// `spotcheck alerts`: the alert state spotcheckd keeps, or what it would say as of a day.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "The alerts spotcheckd keeps (due soon, overdue, escalated, checklist items missing, findings overdue, provisional, notices missing, compliance warnings and violations).",
        discussion: "Without --as-of: the state the daemon keeps, with the day each was raised and whether its journal entry is written. With --as-of: what the daemon's evaluator says as of the end of that day (Asia/Shanghai).")
    @Option(help: "The day (yyyy-MM-dd): evaluate as of its end instead of showing the kept state.") var asOf: CivilDate?
    @Option(help: "Only alerts of this kind.") var kind: AlertKind?
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    struct Row: Encodable {
        var alert: Alert
        var raisedOn: CivilDate?
        var logged: Bool?
        var language: DeploymentLanguage

        enum CodingKeys: String, CodingKey {
            case kind, messageID = "message_id", subject, article, round, inspection, institution, jurisdiction, category, deadline
            case overdueWorkdays = "overdue_workdays", provisional, detail, count, year, rule, message, raisedOn = "raised_on", logged
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(alert.kind.rawValue, forKey: .kind)
            try container.encode(alert.kind.messageID, forKey: .messageID)
            try container.encode(alert.subject, forKey: .subject)
            try container.encode(alert.article, forKey: .article)
            try container.encode(alert.round, forKey: .round)
            try container.encode(alert.inspection, forKey: .inspection)
            try container.encode(alert.institution, forKey: .institution)
            try container.encode(alert.jurisdiction, forKey: .jurisdiction)
            try container.encode(alert.category, forKey: .category)
            try container.encode(alert.deadline?.description, forKey: .deadline)
            try container.encode(alert.overdueWorkdays, forKey: .overdueWorkdays)
            try container.encode(alert.provisional, forKey: .provisional)
            try container.encode(alert.detail, forKey: .detail)
            try container.encode(alert.count, forKey: .count)
            try container.encode(alert.year, forKey: .year)
            try container.encode(alert.rule?.rawValue, forKey: .rule)
            try container.encode(AlertMessages.text(alert, language: language), forKey: .message)
            if let raisedOn { try container.encode(raisedOn.description, forKey: .raisedOn) }
            if let logged { try container.encode(logged, forKey: .logged) }
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let settings = try await Settings.load(global)
            let supervisor = try settings.supervisor()
            let language = try await Deployment.load().language
            var rows: [Row]
            if let asOf {
                rows = try supervisor.alerts(asOf: asOf, settings: settings.alerts).map { Row(alert: $0, language: language) }
            } else {
                rows = try supervisor.alertState().map { Row(alert: $0.alert, raisedOn: $0.raisedOn, logged: $0.logged, language: language) }
            }
            if let kind { rows = rows.filter { $0.alert.kind == kind } }
            if json {
                struct Output: Encodable {
                    var asOf: String?
                    var alerts: [Row]
                    enum CodingKeys: String, CodingKey { case asOf = "as_of", alerts }
                    func encode(to encoder: any Encoder) throws {
                        var container = encoder.container(keyedBy: CodingKeys.self)
                        try container.encode(asOf, forKey: .asOf)
                        try container.encode(alerts, forKey: .alerts)
                    }
                }
                return try printJSON(Output(asOf: asOf?.description, alerts: rows))
            }
            print(asOf.map { "alerts as of the end of \($0) (Asia/Shanghai): \(rows.count)" } ?? "alert state kept by spotcheckd: \(rows.count)")
            for row in rows {
                let raised = row.raisedOn.map { "  raised \($0)\(row.logged == false ? " (not yet logged)" : "")" } ?? ""
                print("  \(pad(row.alert.kind.rawValue, 18)) \(AlertMessages.text(row.alert, language: language))\(raised)")
            }
        }
    }
}
