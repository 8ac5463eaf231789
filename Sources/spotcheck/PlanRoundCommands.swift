public import ArgumentParser
public import Draw
import Foundation
import Records
import Regulation
import Rosters
import Supervision
import WorkingDays

extension Rate: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}

/// `spotcheck plan create|list|show` (Art. 7).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Sampling plans (抽查计划, Art. 7).", subcommands: [Create.self, List.self, Show.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the plan of a year, jurisdiction and category; it covers every checklist item (Art. 9).")
        @Option(help: "The year.") var year: Int
        @Option(help: "The jurisdiction (GB/T 2260), e.g. 640000 for the province.") var jurisdiction: String
        @Option(help: "The category.") var category: Category
        @Option(help: "Sampling ratio as an exact fraction (Art. 8: at least 5/100).") var ratio = Rate(num: 5, den: 100)
        @Option(help: "Elevated ratio for high-risk institutions (Art. 8).") var highRatio = Rate(num: 20, den: 100)
        @Option(help: "Planned rounds in the year (Art. 8: at least 2 as a rule).") var rounds = 2
        @Option(help: "The months of the rounds, e.g. 5,10.") var months = "5,10"
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let plan = try await Settings.load(global).supervisor().createPlan(
                    year: year, jurisdiction: jurisdiction, category: category, rates: SamplingRates(normal: ratio, high: highRatio),
                    rounds: rounds, months: months)
                if json { return try printJSON(plan) }
                print("plan \(plan.id): \(plan.rates.normal), high risk \(plan.rates.high), \(plan.rounds) rounds in months \(monthsText(plan)), \(plan.items.count) checklist items")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every plan.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let plans = try await Settings.load(global).supervisor().plans()
                if json { return try printJSON(["plans": plans]) }
                for plan in plans {
                    print("\(pad(plan.id, 28))\(pad(plan.rates.normal.description, 8))\(pad(plan.rates.high.description, 8))\(plan.rounds) rounds (\(monthsText(plan)))")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A plan and its rounds.")
        @Argument(help: "The plan id.") var id: String
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let (plan, rounds) = try await Settings.load(global).supervisor().plan(id)
                if json {
                    struct Output: Encodable { var plan: Plan; var rounds: [String: String] }
                    return try printJSON(Output(plan: plan, rounds: Dictionary(uniqueKeysWithValues: rounds.map { ($0.id, $0.state.rawValue) })))
                }
                print("plan \(plan.id): \(plan.year), \(plan.jurisdiction), \(plan.category.rawValue); ratio \(plan.rates.normal), high risk \(plan.rates.high); \(plan.rounds) rounds in months \(monthsText(plan))")
                print("items: \(plan.items.joined(separator: ", "))")
                for round in rounds { print("  \(round.id): \(round.state.rawValue)") }
            }
        }
    }
}

/// "5,10".
func monthsText(_ plan: Plan) -> String { plan.months.map(String.init).joined(separator: ",") }

/// `spotcheck round …`: Art. 10's steps and the draw (DRAW.md).
struct RoundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round", abstract: "Rounds: propose, approve, announce, draw, substitute, publish the draw; end, report, review, publish, file (Art. 10).",
        subcommands: [Propose.self, Approve.self, Announce.self, DrawRound.self, Substitute.self, PublishDraw.self, End.self, Report.self,
                      Review.self, Publish.self, File.self, List.self, Show.self])

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Propose the next round of a plan.")
        @Option(help: "The plan id.") var plan: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                print(try await Settings.load(global).supervisor().proposeRound(plan: plan).id)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the unit head's approval (Art. 10(1)).")
        @Argument(help: "The round id.") var round: String
        @Option(help: "The unit head who approved.") var by: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                _ = try await Settings.load(global).supervisor().approveRound(round, by: by)
                print("\(round): approved by \(by)")
            }
        }
    }

    struct Announce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Freeze the manifest from the current rosters and announce the public sources.",
            discussion: "Writes manifest.json, records its SHA-256 in the audit log and prints it. The draw needs values that do not exist yet: name them here.")
        @Argument(help: "The round id.") var round: String
        @Option(name: .customLong("source"), help: ArgumentHelp("A future public value: name:kind:description:expected_at (kind integers or text); repeatable, in order.", valueName: "source"))
        var sources: [String] = []
        @Option(help: "Draw this many jurisdictions first, then institutions within them (Art. 12).") var stage1: Int?
        @Flag(inversion: .prefixedNo, help: "Give every jurisdiction its own quota.") var stratify = true
        @Option(help: "Inspectors per team (Art. 11: at least 2).") var teamSize = 2
        @Option(help: "At most this many assignments per inspector in the round.") var maxPerInspector: Int?
        @Option(help: "Also draw inspectors of this jurisdiction (and its children) as fallback (Art. 11); repeatable.") var fallback: [String] = []
        @Flag(help: "Also draw inspectors of the levels above as fallback (delegated, Art. 11).") var fallbackAbove = false
        @Option(help: "Where to write manifest.json.") var out: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let (record, manifest) = try await Settings.load(global).supervisor().announceRound(round, options: AnnouncementOptions(
                    sources: try sources.map(Supervisor.source), stage1: stage1, stratifyByJurisdiction: stratify, teamSize: teamSize,
                    maxAssignmentsPerInspector: maxPerInspector, fallbackJurisdictions: fallback, fallbackFromAbove: fallbackAbove))
                let directory = out ?? "rounds/\(round)"
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    try manifest.write(to: URL(fileURLWithPath: directory).appendingPathComponent("manifest.json"))
                } catch { throw CLIError.io("cannot write \(directory)/manifest.json: \(error.localizedDescription)") }
                print("\(directory)/manifest.json")
                print("manifest_sha256: \(record.manifestSHA256 ?? "")")
            }
        }
    }

    struct DrawRound: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draw", abstract: "Draw the round from the published source values (Art. 10(2)); once only.")
        @Argument(help: "The round id.") var round: String
        @Option(name: .customLong("value"), help: ArgumentHelp("NAME=VALUE for each announced source: numbers separated by commas, or the text.", valueName: "name=value"))
        var values: [String] = []
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print the result JSON.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let outcome = try await Settings.load(global).supervisor().drawRound(round, values: values)
                if json { return FileHandle.standardOutput.write(Data(outcome.json.serialized().utf8)) }
                print("\(round) drawn. seed \(outcome.seed)")
                for team in outcome.teams {
                    print("  \(team.institution): \(team.members.map(\.id).joined(separator: ", "))\(team.shortfall > 0 ? "  (team short by \(team.shortfall))" : "")")
                }
                for stratum in outcome.strata where stratum.shortfall > 0 {
                    print("  shortfall: \(stratum.jurisdiction ?? "all") \(stratum.risk): \(stratum.shortfall) of \(stratum.required) could not be drawn")
                }
            }
        }
    }

    struct Substitute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a drawn inspector who cannot serve (DRAW.md §6); the draw itself is never edited.")
        @Argument(help: "The round id.") var round: String
        @Option(help: "The inspector who leaves the team.") var inspector: String
        @Option(help: "The institution whose team it is.") var institution: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let record = try await Settings.load(global).supervisor().substitute(round: round, inspector: inspector, institution: institution, reason: reason)
                print("\(round): \(inspector) leaves \(institution)'s team (\(reason)); replacement: \(record.replacement ?? "none available")")
            }
        }
    }

    struct PublishDraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the manifest, values, result and a page explaining how to check them (Art. 17).")
        @Argument(help: "The round id.") var round: String
        @Option(help: "The output directory.") var out: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                try writeFiles(try await Settings.load(global).supervisor().publishedDraw(round: round).files, to: out)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every round with its state.")
        @Option(help: "Only this plan's.") var plan: String?
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let rounds = try await Settings.load(global).supervisor().rounds(plan: plan)
                if json {
                    return try printJSON(["rounds": rounds.map { ["id": $0.id, "plan": $0.plan, "state": $0.state.rawValue, "manifest_sha256": $0.manifestSHA256 ?? ""] }])
                }
                for round in rounds { print("\(pad(round.id, 32))\(pad(round.state.rawValue, 11))\(round.manifestSHA256 ?? "")") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A round: its steps (date and actor), teams and substitutions.")
        @Argument(help: "The round id.") var round: String
        @Option(help: "Deadlines as they stood at the end of this day (Asia/Shanghai): steps dated later count as not done.") var asOf: CivilDate?
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        struct Output: Encodable {
            var id, plan, state: String
            var manifestSHA256, seed: String?
            /// The roster versions the manifest was frozen from (Art. 6).
            var rosterVersions: RosterVersionsUsed?
            var steps: [RoundStep]
            var inspections: [[String: [String]]]
            var substitutions: [Substitution]
            /// The short number of each inspection, by institution (`inspection record 17`).
            var inspectionNumbers: [String: Int64]
            var deadlines: [DeadlineJSON]
            enum CodingKeys: String, CodingKey {
                case id, plan, state, manifestSHA256 = "manifest_sha256", seed, rosterVersions = "roster_versions", steps, inspections, substitutions
                case inspectionNumbers = "inspection_numbers", deadlines
            }
        }

        /// A deadline with its arithmetic, the `calendar explain` trace.
        struct DeadlineJSON: Encodable {
            var deadline: DeadlineView
            var trace: [CalendarCommand.Explain.Step]
            func encode(to encoder: any Encoder) throws {
                try deadline.encode(to: encoder)
                enum Key: String, CodingKey { case trace }
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(trace, forKey: .trace)
            }
        }

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(global).supervisor()
                let detail = try supervisor.roundDetail(round)
                let record = detail.round
                let deadlines = try supervisor.roundDeadlines(round, asOf: asOf)
                if json {
                    return try printJSON(Output(id: record.id, plan: record.plan, state: record.state.rawValue, manifestSHA256: record.manifestSHA256,
                                                seed: record.seed, rosterVersions: record.rosterVersions, steps: detail.steps,
                                                inspections: detail.inspections.map { [$0.institution: $0.team] }, substitutions: detail.substitutions,
                                                inspectionNumbers: detail.inspectionNumbers,
                                                deadlines: deadlines.map { DeadlineJSON(deadline: $0.view, trace: $0.trace.map { CalendarCommand.Explain.Step(day: DayJSON($0.day), count: $0.count) }) }))
                }
                print("\(record.id) (plan \(record.plan)): \(record.state.rawValue)")
                if let versions = record.rosterVersions {
                    let used = [("conflicts", versions.conflicts), ("inspectors", versions.inspectors), ("institutions", versions.institutions)]
                        .compactMap { name, version in version.map { "\(name) version \($0)" } }
                    print("  rosters used: " + used.joined(separator: ", "))
                }
                for step in detail.steps {
                    print("  \(pad(step.step.rawValue, 11))\(pad(step.on?.description ?? "", 12))\(pad(step.at, 26))\(pad(step.actor, 12))\(step.detail)"
                          + (step.correction.map { "  (correction: \($0))" } ?? ""))
                }
                for inspection in detail.inspections {
                    print("  inspection #\(detail.inspectionNumbers[inspection.institution].map(String.init) ?? "?") \(inspection.institution): \(inspection.team.joined(separator: ", "))")
                }
                for deadline in deadlines {
                    print("  deadline \(deadlineLine(deadline.view)); from \(deadline.trace.first?.day.date.description ?? "") + \(deadline.trace.filter { $0.count > 0 && $0.day.isWorkingDay }.count) working days")
                }
                for substitution in detail.substitutions { print("  substitution \(substitution.number): \(substitution.inspector) → \(substitution.replacement ?? "none") for \(substitution.institution) (\(substitution.reason))") }
            }
        }
    }
}
