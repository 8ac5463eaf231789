import ArgumentParser
import Foundation

/// `spotcheck`: the command line for officials and ops.
@main
struct SpotCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotcheck",
        abstract: "Spot-check supervision (双随机一公开) of legal-service institutions.",
        discussion: """
            Every query takes --json and prints one JSON document on stdout. Exit codes: 0 ok, \
            1 a check found a problem (audit verify, draw verify), 64 usage, 65 bad input (nothing \
            was changed), 70 an internal error (please report it), 74 I/O.
            """,
        subcommands: [
            CalendarCommand.self, JurisdictionsCommand.self, ImportCommand.self, InstitutionsCommand.self, InspectorsCommand.self,
            ChecklistCommand.self, ConflictsCommand.self, RostersCommand.self, PublishCommand.self, DemoCommand.self, PlanCommand.self, RoundCommand.self, InspectionCommand.self, FindingCommand.self,
            DeadlinesCommand.self, OverdueCommand.self, AlertsCommand.self, ComplianceCommand.self, DrawCommand.self, AuditCommand.self, OutboxCommand.self, SummaryCommand.self,
        ]
    )
}
