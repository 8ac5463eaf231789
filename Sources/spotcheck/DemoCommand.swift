import ArgumentParser
import Foundation
import Supervision
import WorkingDays

/// `spotcheck demo generate|load`: a synthetic Ningxia deployment.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Synthetic data for trying SpotCheck.", subcommands: [Generate.self, Load.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write institutions.csv, inspectors.csv, checklist.csv and conflicts.csv with Chinese headers.",
            discussion: "Institutions are written in GB18030 with CRLF (what Excel's \"CSV\" writes on a Chinese desktop), the others as UTF-8 with a BOM (\"CSV UTF-8\").")
        @Option(help: "The output directory.") var out: String
        @Option(help: "About how many institutions.") var institutions = 600
        @Option(help: "The random seed: the same seed gives the same files.") var seed: UInt64 = 2026

        func validate() throws {
            guard (10...2_000_000).contains(institutions) else { throw ValidationError("--institutions must be between 10 and 2000000") }
        }

        func run() async throws {
            try await runReportingErrors {
                try writeFiles(Supervisor.demoFiles(seed: seed, institutions: institutions), to: out)
            }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill the database with a whole synthetic deployment: rosters, a plan per category, rounds in every step of Art. 10.",
            discussion: "As of the day given (default today), some deadlines are met, some due soon and some overdue, and findings are open and closed; every query shows something real.")
        @Option(help: "The day the deployment is seen from (yyyy-MM-dd).") var asOf: CivilDate?
        @Option(help: "About how many institutions.") var institutions = 600
        @Option(help: "The random seed.") var seed: UInt64 = 2026
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard (200...200_000).contains(institutions) else { throw ValidationError("--institutions must be between 200 and 200000") }
        }

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(global).supervisor()
                let day = asOf ?? supervisor.today
                let summary = try supervisor.loadDemo(asOf: day, institutions: institutions, seed: seed)
                print("demo deployment as of \(day): \(summary.institutions) institutions, \(summary.plans) plans, \(summary.rounds) rounds, \(summary.findings) findings")
            }
        }
    }
}
