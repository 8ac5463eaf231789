public import Draw
public import WorkingDays

/// The yearly rules' thresholds (configuration keys `compliance.*`), the regulation's floors as
/// the defaults (Art. 8, 11).
public struct ComplianceSettings: Sendable {
    /// Rounds a year per jurisdiction and category (Art. 8: at least 2, as a rule).
    public var minimumRounds: Int
    /// Each round's sample of the population at the draw (Art. 8: at least 5 %).
    public var minimumRate: Rate
    /// High-risk institutions' sample; `nil` takes each plan's elevated ratio (Art. 8).
    public var highRiskRate: Rate?
    /// Whether each high-risk institution is to be inspected at least once a year.
    public var highRiskEachYear: Bool
    /// Warn when no round is drawn by this day of the year (month, day).
    public var firstRoundBy: (month: Int, day: Int)
    /// Warn when fewer than the minimum are drawn by this day.
    public var allRoundsBy: (month: Int, day: Int)
    /// A jurisdiction with fewer institutions has too few for a meaningful ratio (Art. 12).
    public var fewInstitutions: Int

    public init(minimumRounds: Int = 2, minimumRate: Rate = Rate(num: 5, den: 100), highRiskRate: Rate? = nil, highRiskEachYear: Bool = false,
                firstRoundBy: (month: Int, day: Int) = (6, 30), allRoundsBy: (month: Int, day: Int) = (10, 31), fewInstitutions: Int = 20) {
        self.minimumRounds = minimumRounds
        self.minimumRate = minimumRate
        self.highRiskRate = highRiskRate
        self.highRiskEachYear = highRiskEachYear
        self.firstRoundBy = firstRoundBy
        self.allRoundsBy = allRoundsBy
        self.fewInstitutions = fewInstitutions
    }

    /// The first setting below the regulation's floor, as (key, message): refused at start and on reload.
    public var belowFloor: (key: String, message: String)? {
        if minimumRounds < 2 { return ("compliance.minimum_rounds", "\(minimumRounds) is below Art. 8's 2 rounds a year") }
        if minimumRate.num * 100 < 5 * minimumRate.den { return ("compliance.minimum_rate", "\(minimumRate) is below Art. 8's 5/100") }
        if let highRiskRate, highRiskRate.num * minimumRate.den < minimumRate.num * highRiskRate.den {
            return ("compliance.high_risk_rate", "\(highRiskRate) is below the minimum rate \(minimumRate): Art. 8 asks more of high-risk institutions")
        }
        return nil
    }
}

/// What the compliance rules need of one drawn round.
public struct RoundFacts: Sendable, Hashable {
    public var round: String
    public var drawnOn: CivilDate
    /// Institutions eligible in the round's population at the draw.
    public var population: Int
    /// Institutions drawn.
    public var sample: Int
    public var highRiskPopulation: Int
    public var highRiskSample: Int
    /// The plan's elevated ratio for high-risk institutions.
    public var planHighRiskRate: Rate
    /// Inspections whose team has fewer than 2 inspectors (Art. 11).
    public var smallTeams: [String]
    /// `inspector/institution` pairs on a team despite a recorded conflict (Art. 11).
    public var conflicted: [String]
    /// Inspectors on a team who are not of the round's category (Art. 11).
    public var otherCategory: [String]
    /// Inspections whose record leaves out a checklist item (Art. 9).
    public var missingChecklist: [String]

    public init(round: String, drawnOn: CivilDate, population: Int, sample: Int, highRiskPopulation: Int, highRiskSample: Int, planHighRiskRate: Rate,
                smallTeams: [String] = [], conflicted: [String] = [], otherCategory: [String] = [], missingChecklist: [String] = []) {
        self.round = round
        self.drawnOn = drawnOn
        self.population = population
        self.sample = sample
        self.highRiskPopulation = highRiskPopulation
        self.highRiskSample = highRiskSample
        self.planHighRiskRate = planHighRiskRate
        self.smallTeams = smallTeams
        self.conflicted = conflicted
        self.otherCategory = otherCategory
        self.missingChecklist = missingChecklist
    }
}

/// One jurisdiction × category × year, as the rules read it.
public struct ComplianceInput: Sendable, Hashable {
    public var jurisdiction: String
    public var level: String
    public var category: String
    public var year: Int
    /// Institutions of the category in the jurisdiction's whole subtree, and at its own level.
    public var institutions: Int
    public var ownInstitutions: Int
    /// The rounds of this jurisdiction's plans drawn in the year, by the day asked about.
    public var rounds: [RoundFacts]
    /// The months of rounds planned and not yet drawn.
    public var plannedMonths: [Int]
    /// High-risk institutions not inspected in the year so far.
    public var highRiskUninspected: [String]
    /// Institutions sampled here by higher levels' rounds (Art. 12 stage 1), per round.
    public var sampledByHigherLevels: [String: Int]

    public init(jurisdiction: String, level: String, category: String, year: Int, institutions: Int, ownInstitutions: Int, rounds: [RoundFacts],
                plannedMonths: [Int], highRiskUninspected: [String], sampledByHigherLevels: [String: Int] = [:]) {
        self.jurisdiction = jurisdiction
        self.level = level
        self.category = category
        self.year = year
        self.institutions = institutions
        self.ownInstitutions = ownInstitutions
        self.rounds = rounds
        self.plannedMonths = plannedMonths
        self.highRiskUninspected = highRiskUninspected
        self.sampledByHigherLevels = sampledByHigherLevels
    }
}

/// Which yearly rule a note is about: with the row and the round, what keeps a daemon alert
/// the same alert while its figures move.
public enum ComplianceRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Art. 8: fewer rounds than required in a year that has ended.
    case rounds
    /// Art. 8: no round drawn by the first warning day (30 June).
    case firstRound = "first-round"
    /// Art. 8: fewer rounds than required by the second warning day (31 October).
    case allRounds = "all-rounds"
    /// Art. 8: the rounds drawn and still planned make fewer than required.
    case projectedShortfall = "projected-shortfall"
    /// Art. 8: a round's sample of its population.
    case sample
    /// Art. 8: a round's sample of its high-risk institutions.
    case highRiskSample = "high-risk-sample"
    /// Art. 8 (as configured): each high-risk institution inspected once a year.
    case highRiskEachYear = "high-risk-each-year"
    /// Art. 11: at least 2 inspectors per team.
    case teamSize = "team-size"
    /// Art. 11: no inspector with a recorded conflict.
    case recusal
    /// Art. 11: inspectors of the round's category.
    case teamCategory = "team-category"
    /// Art. 9: every checklist item recorded.
    case checklist
}

/// A finding of the yearly rules: the article and what is wrong or what would make it good.
public struct ComplianceNote: Sendable, Hashable, Codable {
    public var article: Int
    public var message: String
    public var rule: ComplianceRule
    /// The round it is about, for the per-round rules.
    public var round: String?
    public init(article: Int, message: String, rule: ComplianceRule, round: String? = nil) {
        self.article = article
        self.message = message
        self.rule = rule
        self.round = round
    }

    enum CodingKeys: String, CodingKey { case article, message, rule, round }

    /// Every key, `round` as `null` for the rules about the whole year.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(article, forKey: .article)
        try container.encode(message, forKey: .message)
        try container.encode(rule, forKey: .rule)
        try container.encode(round, forKey: .round)
    }
}

/// Where a row stands.
public enum ComplianceStatus: String, Sendable, Hashable, Codable {
    case ok, warning, violation
}

/// One round as the row reports it.
public struct ComplianceRoundDetail: Sendable, Hashable {
    public var round: String
    public var drawnOn: CivilDate
    public var population: Int
    public var sample: Int
    public var requiredSample: Int
    public var highRiskSample: Int
    public var highRiskRequired: Int
}

/// The rules' answer for one jurisdiction × category × year.
public struct ComplianceRow: Sendable, Hashable {
    public var input: ComplianceInput
    public var requiredRounds: Int
    public var roundsDetail: [ComplianceRoundDetail]
    /// Too few institutions for a meaningful ratio: it inspects at the set frequency (Art. 12).
    public var tooFewForRatio: Bool
    public var violations: [ComplianceNote]
    public var warnings: [ComplianceNote]
    public var status: ComplianceStatus
}

/// The yearly rules (Art. 8, 9, 11, 12), pure: the same answer for the CLI and the daemon.
public enum Compliance {
    static func higher(_ a: Rate, _ b: Rate) -> Rate { a.num * b.den >= b.num * a.den ? a : b }

    /// `ceil(rate × count)`.
    public static func required(_ rate: Rate, of count: Int) -> Int { (count * rate.num + rate.den - 1) / rate.den }

    /// The row for `input` as of the end of `day`.
    public static func evaluate(_ input: ComplianceInput, asOf day: CivilDate, settings: ComplianceSettings) -> ComplianceRow {
        var violations: [ComplianceNote] = []
        var warnings: [ComplianceNote] = []
        let rounds = input.rounds.filter { $0.drawnOn <= day && $0.drawnOn.year == input.year }.sorted { $0.drawnOn < $1.drawnOn }
        var details: [ComplianceRoundDetail] = []
        for round in rounds {
            let requiredSample = required(settings.minimumRate, of: round.population)
            let highRate = settings.highRiskRate.map { higher($0, round.planHighRiskRate) } ?? round.planHighRiskRate
            let highRequired = required(highRate, of: round.highRiskPopulation)
            details.append(ComplianceRoundDetail(round: round.round, drawnOn: round.drawnOn, population: round.population, sample: round.sample,
                                                 requiredSample: requiredSample, highRiskSample: round.highRiskSample, highRiskRequired: highRequired))
            if round.sample < requiredSample {
                violations.append(ComplianceNote(article: 8, message: "round \(round.round) drew \(round.sample) of \(round.population) institutions, fewer than \(settings.minimumRate) requires (\(requiredSample))", rule: .sample, round: round.round))
            }
            if round.highRiskSample < highRequired {
                violations.append(ComplianceNote(article: 8, message: "round \(round.round) drew \(round.highRiskSample) of \(round.highRiskPopulation) high-risk institutions, fewer than \(highRate) requires (\(highRequired))", rule: .highRiskSample, round: round.round))
            }
            if !round.smallTeams.isEmpty {
                violations.append(ComplianceNote(article: 11, message: "round \(round.round): a team of fewer than 2 inspectors for \(round.smallTeams.joined(separator: ", "))", rule: .teamSize, round: round.round))
            }
            if !round.conflicted.isEmpty {
                violations.append(ComplianceNote(article: 11, message: "round \(round.round): an inspector with a recorded conflict on the team (\(round.conflicted.joined(separator: ", "))); recusal is required", rule: .recusal, round: round.round))
            }
            if !round.otherCategory.isEmpty {
                violations.append(ComplianceNote(article: 11, message: "round \(round.round): inspectors not of the category on a team (\(round.otherCategory.joined(separator: ", ")))", rule: .teamCategory, round: round.round))
            }
            if !round.missingChecklist.isEmpty {
                violations.append(ComplianceNote(article: 9, message: "round \(round.round): checklist items left out for \(round.missingChecklist.joined(separator: ", "))", rule: .checklist, round: round.round))
            }
        }
        let yearEnd = CivilDate(year: input.year, month: 12, day: 31)!
        let short = max(settings.minimumRounds - rounds.count, 0)
        let typicalSample = max(required(settings.minimumRate, of: input.institutions), input.institutions > 0 ? 1 : 0)
        let makeGood = "draw \(short) more round\(short == 1 ? "" : "s") of at least \(typicalSample) institution\(typicalSample == 1 ? "" : "s") by \(yearEnd)"
        if input.institutions > 0, short > 0 {
            if day > yearEnd {
                violations.append(ComplianceNote(article: 8, message: "\(rounds.count) round\(rounds.count == 1 ? "" : "s") drawn in \(input.year), fewer than \(settings.minimumRounds)", rule: .rounds))
            } else if rounds.isEmpty, let first = CivilDate(year: input.year, month: settings.firstRoundBy.month, day: settings.firstRoundBy.day), day >= first {
                warnings.append(ComplianceNote(article: 8, message: "no round drawn by \(first): \(makeGood)", rule: .firstRound))
            } else if let all = CivilDate(year: input.year, month: settings.allRoundsBy.month, day: settings.allRoundsBy.day), day >= all {
                warnings.append(ComplianceNote(article: 8, message: "\(rounds.count) of \(settings.minimumRounds) rounds drawn by \(all): \(makeGood)", rule: .allRounds))
            } else {
                let stillPlanned = input.plannedMonths.filter { $0 >= day.components.month }.count
                if rounds.count + stillPlanned < settings.minimumRounds {
                    warnings.append(ComplianceNote(article: 8, message: "\(rounds.count) drawn and \(stillPlanned) still planned for \(input.year), fewer than \(settings.minimumRounds): plan and \(makeGood)", rule: .projectedShortfall))
                }
            }
        }
        if settings.highRiskEachYear, !input.highRiskUninspected.isEmpty {
            let count = input.highRiskUninspected.count
            if day > yearEnd {
                violations.append(ComplianceNote(article: 8, message: "\(count) high-risk institution\(count == 1 ? "" : "s") not inspected in \(input.year)", rule: .highRiskEachYear))
            } else if let all = CivilDate(year: input.year, month: settings.allRoundsBy.month, day: settings.allRoundsBy.day), day >= all {
                warnings.append(ComplianceNote(article: 8, message: "\(count) high-risk institution\(count == 1 ? "" : "s") not yet inspected this year: include them in a round by \(yearEnd)", rule: .highRiskEachYear))
            }
        }
        let status: ComplianceStatus = !violations.isEmpty ? .violation : !warnings.isEmpty ? .warning : .ok
        return ComplianceRow(input: input, requiredRounds: settings.minimumRounds, roundsDetail: details,
                             tooFewForRatio: input.institutions < settings.fewInstitutions, violations: violations, warnings: warnings, status: status)
    }
}
