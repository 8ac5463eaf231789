import ArgumentParser
import Draw
import Foundation
import Publication
import Regulation
import Rosters
import Store

/// An exact fraction typed as `5/100`.
struct Fraction: ExpressibleByArgument {
    var numerator: Int
    var denominator: Int
    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let numerator = Int(parts[0]), let denominator = Int(parts[1]), denominator > 0, numerator >= 0 else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }
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
        @Option(help: "Sampling ratio as an exact fraction (Art. 8: at least 5/100).") var ratio = Fraction(argument: "5/100")!
        @Option(help: "Elevated ratio for high-risk institutions (Art. 8).") var highRatio = Fraction(argument: "20/100")!
        @Option(help: "Planned rounds in the year (Art. 8: at least 2 as a rule).") var rounds = 2
        @Option(help: "The months of the rounds, e.g. 5,10.") var months = "5,10"
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let settings = try await Settings.load(global)
                let monthList = months.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                let plan = try settings.openStore().createPlan(
                    year: year, jurisdiction: jurisdiction, category: category,
                    rates: SamplingRates(normalNumerator: ratio.numerator, normalDenominator: ratio.denominator,
                                         highNumerator: highRatio.numerator, highDenominator: highRatio.denominator),
                    rounds: rounds, months: monthList, actor: settings.actor)
                if json { return try printJSON(plan) }
                print("plan \(plan.id): \(plan.normalNum)/\(plan.normalDen), high risk \(plan.highNum)/\(plan.highDen), \(plan.rounds) rounds in months \(plan.months), \(plan.itemCodes.count) checklist items")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every plan.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let settings = try await Settings.load(global)
                let plans = try settings.openStore().plans()
                if json { return try printJSON(["plans": plans]) }
                for plan in plans {
                    print("\(pad(plan.id, 28))\(pad("\(plan.normalNum)/\(plan.normalDen)", 8))\(pad("\(plan.highNum)/\(plan.highDen)", 8))\(plan.rounds) rounds (\(plan.months))")
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
                let settings = try await Settings.load(global)
                let store = try settings.openStore()
                guard let plan = try store.plan(id) else { throw CLIError.badInput("no plan \(id)") }
                let rounds = try store.rounds(plan: id)
                if json {
                    struct Output: Encodable { var plan: Plan; var rounds: [String: String] }
                    return try printJSON(Output(plan: plan, rounds: Dictionary(uniqueKeysWithValues: rounds.map { ($0.id, $0.state) })))
                }
                print("plan \(plan.id): \(plan.year), \(plan.jurisdiction), \(plan.category); ratio \(plan.normalNum)/\(plan.normalDen), high risk \(plan.highNum)/\(plan.highDen); \(plan.rounds) rounds in months \(plan.months)")
                print("items: \(plan.itemCodes.joined(separator: ", "))")
                for round in rounds { print("  \(round.id): \(round.state)") }
            }
        }
    }
}

/// `spotcheck round …`: Art. 10's steps and the draw (DRAW.md).
struct RoundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round", abstract: "Rounds: propose, approve, announce, draw, substitute, publish.",
        subcommands: [Propose.self, Approve.self, Announce.self, DrawRound.self, Substitute.self, PublishDraw.self, List.self, Show.self])

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Propose the next round of a plan.")
        @Option(help: "The plan id.") var plan: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let settings = try await Settings.load(global)
                let round = try settings.openStore().proposeRound(plan: plan, actor: settings.actor)
                print(round.id)
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
                let settings = try await Settings.load(global)
                _ = try settings.openStore().approveRound(round, by: by, actor: settings.actor)
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
                let settings = try await Settings.load(global)
                let parsed = try sources.map(Self.parseSource)
                let (record, manifest) = try settings.openStore().announceRound(round, options: AnnouncementOptions(
                    sources: parsed, stage1: stage1, stratifyByJurisdiction: stratify, teamSize: teamSize,
                    maxAssignmentsPerInspector: maxPerInspector, fallbackJurisdictions: fallback, fallbackFromAbove: fallbackAbove,
                    announcedAt: Self.nowInShanghai()), actor: settings.actor)
                let directory = out ?? "rounds/\(round)"
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    try manifest.write(to: URL(fileURLWithPath: directory).appendingPathComponent("manifest.json"))
                } catch { throw CLIError.io("cannot write \(directory)/manifest.json: \(error.localizedDescription)") }
                print("\(directory)/manifest.json")
                print("manifest_sha256: \(record.manifestSHA256 ?? "")")
            }
        }

        /// `name:kind:description:expected_at`, where the description may hold colons and
        /// expected_at is ISO-8601 with an offset (which holds colons too).
        static func parseSource(_ text: String) throws -> DrawManifest.Source {
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let match = parts[2].range(of: #":\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) else {
                throw CLIError.usage("--source \"\(text)\": expected name:kind:description:expected_at, e.g. fc-ssq-2026150:integers:双色球第2026150期开奖号码:2026-12-24T21:15:00+08:00")
            }
            let source = DrawManifest.Source(name: parts[0], kind: parts[1], description: String(parts[2][..<match.lowerBound]),
                                             expectedAt: String(parts[2][match].dropFirst()))
            guard source.kind == "integers" || source.kind == "text" else { throw CLIError.usage("--source \(source.name): kind is integers or text") }
            guard !source.name.isEmpty, source.name.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw CLIError.usage("--source: the name is printable ASCII without spaces") }
            return source
        }

        static func nowInShanghai() -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date())
            func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
            return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))+08:00"
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
                let settings = try await Settings.load(global)
                let store = try settings.openStore()
                guard let record = try store.round(round), let manifestBytes = record.manifest else {
                    throw CLIError.badInput("round \(round) has not been announced")
                }
                let manifest = try DrawManifest.parse(manifestBytes)
                var parsed: [String: SourceValue] = [:]
                for text in values {
                    guard let equals = text.firstIndex(of: "=") else { throw CLIError.usage("--value \(text): expected NAME=VALUE") }
                    let name = String(text[..<equals])
                    guard let source = manifest.sources.first(where: { $0.name == name }) else {
                        throw CLIError.badInput("--value \(name): not a source of this round (announced: \(manifest.sources.map(\.name).joined(separator: ", ")))")
                    }
                    guard let value = SourceValue.parse(String(text[text.index(after: equals)...]), kind: source.kind) else {
                        throw CLIError.badInput("--value \(name): expected \(source.kind == "integers" ? "numbers ≥ 0 separated by commas" : "text")")
                    }
                    parsed[name] = value
                }
                let (_, outcome) = try store.drawRound(round, values: SourceValues(parsed), actor: settings.actor)
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
                let settings = try await Settings.load(global)
                let record = try settings.openStore().substitute(round: round, inspector: inspector, institution: institution, reason: reason, actor: settings.actor)
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
                let settings = try await Settings.load(global)
                let published = try settings.openStore().publishedDraw(round: round)
                let substitutions = JSONValue.array(published.substitutions.map {
                    .object([("inspector", .string($0.inspector)), ("institution", .string($0.institution)), ("reason", .string($0.reason))])
                }).serialized()
                let page = DrawPage(round: round, manifestSHA256: sha256Hex(published.manifest), result: published.result).html()
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    let directory = URL(fileURLWithPath: out)
                    try published.manifest.write(to: directory.appendingPathComponent("manifest.json"))
                    try Data(published.values.utf8).write(to: directory.appendingPathComponent("values.json"))
                    try Data(published.result.utf8).write(to: directory.appendingPathComponent("result.json"))
                    try Data(substitutions.utf8).write(to: directory.appendingPathComponent("substitutions.json"))
                    try Data(page.utf8).write(to: directory.appendingPathComponent("index.html"))
                    try Data(DrawAlgorithmDocument.markdown.utf8).write(to: directory.appendingPathComponent(DrawAlgorithmDocument.fileName))
                } catch { throw CLIError.io("cannot write to \(out): \(error.localizedDescription)") }
                for name in ["manifest.json", "values.json", "result.json", "substitutions.json", "index.html", DrawAlgorithmDocument.fileName] {
                    print("wrote \(out)/\(name)")
                }
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
                let settings = try await Settings.load(global)
                let rounds = try settings.openStore().rounds(plan: plan)
                if json {
                    return try printJSON(["rounds": rounds.map { ["id": $0.id, "plan": $0.plan, "state": $0.state, "manifest_sha256": $0.manifestSHA256 ?? ""] }])
                }
                for round in rounds { print("\(pad(round.id, 32))\(pad(round.state, 11))\(round.manifestSHA256 ?? "")") }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A round: its steps (date and actor), teams and substitutions.")
        @Argument(help: "The round id.") var round: String
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        struct Output: Encodable {
            var id, plan, state: String
            var manifestSHA256, seed: String?
            /// The roster versions the manifest was frozen from (Art. 6).
            var rosterVersions: [String: Int64]?
            var steps: [RoundStep]
            var inspections: [[String: [String]]]
            var substitutions: [SubstitutionRecord]
            enum CodingKeys: String, CodingKey {
                case id, plan, state, manifestSHA256 = "manifest_sha256", seed, rosterVersions = "roster_versions", steps, inspections, substitutions
            }
        }

        func run() async throws {
            try await runReportingErrors {
                let settings = try await Settings.load(global)
                let store = try settings.openStore()
                guard let record = try store.round(round) else { throw CLIError.badInput("no round \(round)") }
                let steps = try store.steps(round: round)
                let inspections = try store.inspections(round: round)
                let substitutions = try store.substitutions(round: round)
                let versions = record.rosterVersions.flatMap { try? JSONDecoder().decode([String: Int64?].self, from: Data($0.utf8)) }?
                    .compactMapValues { $0 }
                if json {
                    return try printJSON(Output(id: record.id, plan: record.plan, state: record.state, manifestSHA256: record.manifestSHA256, seed: record.seed,
                                                rosterVersions: versions, steps: steps, inspections: inspections.map { [$0.institution: $0.teamMembers] }, substitutions: substitutions))
                }
                print("\(record.id) (plan \(record.plan)): \(record.state)")
                if let versions {
                    print("  rosters used: " + versions.sorted { $0.key < $1.key }.map { "\($0.key) version \($0.value)" }.joined(separator: ", "))
                }
                for step in steps { print("  \(pad(step.step, 11))\(pad(step.at, 26))\(pad(step.actor, 12))\(step.detail)") }
                for inspection in inspections { print("  inspection \(inspection.institution): \(inspection.teamMembers.joined(separator: ", "))") }
                for substitution in substitutions { print("  substitution \(substitution.number): \(substitution.inspector) → \(substitution.replacement ?? "none") for \(substitution.institution) (\(substitution.reason))") }
            }
        }
    }
}
