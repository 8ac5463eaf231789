public import ArgumentParser
import Foundation
public import Regulation
import Rosters
import Supervision
import WorkingDays

/// `spotcheck compliance`: the yearly rules per jurisdiction level × category (Art. 8, 9, 11, 12).
struct ComplianceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compliance",
        abstract: "Yearly compliance per jurisdiction and category: rounds a year, sample ratios, high-risk sampling, teams, checklist coverage (Art. 8, 9, 11, 12).",
        discussion: "Every jurisdiction level has a row; institutions counts the whole subtree, own_institutions those registered at that level. Exit 1 with --fail-on when a row is at that status or worse.")
    @Option(help: "The calendar year (default: the year of --as-of).") var year: Int?
    @Option(help: "The day (yyyy-MM-dd, Asia/Shanghai). Default today.") var asOf: CivilDate?
    @Option(help: "A jurisdiction code; its children are included.") var jurisdiction: String?
    @Option(help: "A category.") var category: Category?
    @Option(help: "Exit 1 when any row is at this status or worse: violation or warning.") var failOn: ComplianceStatus?
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    struct Output: Encodable {
        var year: Int
        var asOf: CivilDate
        var rows: [ComplianceRow]
        enum CodingKeys: String, CodingKey { case year, asOf = "as_of", rows }
    }

    func run() async throws {
        try await runReportingErrors {
            let settings = try await Settings.load(global)
            let (year, day, rows) = try settings.supervisor().compliance(year: year, asOf: asOf, jurisdiction: jurisdiction, category: category,
                                                                         settings: settings.compliance)
            if json {
                try printJSON(Output(year: year, asOf: day, rows: rows))
            } else {
                print("compliance \(year) as of the end of \(day) (Asia/Shanghai): \(rows.count) rows")
                for row in rows where row.status != .ok || row.input.institutions > 0 {
                    let input = row.input
                    print("  \(pad(input.jurisdiction, 7)) \(pad(input.level, 9)) \(pad(input.category, 12)) \(pad("\(input.institutions) (\(input.ownInstitutions) own)", 14)) rounds \(input.rounds.count)/\(row.requiredRounds)  \(row.status.rawValue)")
                    for note in row.violations { print("      violation, Art. \(note.article): \(note.message)") }
                    for note in row.warnings { print("      warning, Art. \(note.article): \(note.message)") }
                }
            }
            if let failOn, rows.contains(where: { $0.status == .violation || (failOn == .warning && $0.status == .warning) }) { throw ExitCode(1) }
        }
    }
}

extension ComplianceStatus: ExpressibleByArgument {}

extension ComplianceRow: Encodable {
    enum CodingKeys: String, CodingKey {
        case jurisdiction, level, category, institutions, ownInstitutions = "own_institutions", rounds, requiredRounds = "required_rounds"
        case roundsDetail = "rounds_detail", highRiskUninspected = "high_risk_uninspected", violations, warnings, status
        case tooFewForRatio = "too_few_for_ratio", sampledByHigherLevels = "sampled_by_higher_levels"
    }

    struct Detail: Encodable {
        var detail: ComplianceRoundDetail
        enum CodingKeys: String, CodingKey {
            case round, drawnOn = "drawn_on", population, sample, requiredSample = "required_sample", highRiskSample = "high_risk_sample"
            case highRiskRequired = "high_risk_required"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(detail.round, forKey: .round)
            try container.encode(detail.drawnOn.description, forKey: .drawnOn)
            try container.encode(detail.population, forKey: .population)
            try container.encode(detail.sample, forKey: .sample)
            try container.encode(detail.requiredSample, forKey: .requiredSample)
            try container.encode(detail.highRiskSample, forKey: .highRiskSample)
            try container.encode(detail.highRiskRequired, forKey: .highRiskRequired)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(input.jurisdiction, forKey: .jurisdiction)
        try container.encode(input.level, forKey: .level)
        try container.encode(input.category, forKey: .category)
        try container.encode(input.institutions, forKey: .institutions)
        try container.encode(input.ownInstitutions, forKey: .ownInstitutions)
        try container.encode(input.rounds.count, forKey: .rounds)
        try container.encode(requiredRounds, forKey: .requiredRounds)
        try container.encode(roundsDetail.map(Detail.init), forKey: .roundsDetail)
        try container.encode(input.highRiskUninspected.count, forKey: .highRiskUninspected)
        try container.encode(violations, forKey: .violations)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(status.rawValue, forKey: .status)
        try container.encode(tooFewForRatio, forKey: .tooFewForRatio)
        try container.encode(input.sampledByHigherLevels, forKey: .sampledByHigherLevels)
    }
}
