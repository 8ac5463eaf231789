public import Draw
public import Foundation
public import Regulation
public import Rosters
public import WorkingDays

/// A sampling plan (Art. 7): a year, jurisdiction and category, its rates and planned rounds,
/// and the checklist items it covers (Art. 9).
public struct Plan: Codable, Sendable, Hashable {
    public var id: String
    public var year: Int
    public var jurisdiction: String
    public var category: Category
    public var normalNum: Int
    public var normalDen: Int
    public var highNum: Int
    public var highDen: Int
    /// Planned rounds in the year (Art. 8: at least 2 as a rule).
    public var rounds: Int
    /// The months the rounds are planned for, e.g. [5, 10].
    public var months: [Int]
    /// The checklist item codes the plan covers: every item of the category (Art. 9).
    public var items: [String]
    public var checklistVersion: Int64?
    public var createdAt: String
    public var createdBy: String

    public init(id: String, year: Int, jurisdiction: String, category: Category, rates: SamplingRates, rounds: Int, months: [Int],
                items: [String], checklistVersion: Int64?, createdAt: String, createdBy: String) {
        self.id = id
        self.year = year
        self.jurisdiction = jurisdiction
        self.category = category
        normalNum = rates.normal.num
        normalDen = rates.normal.den
        highNum = rates.high.num
        highDen = rates.high.den
        self.rounds = rounds
        self.months = months
        self.items = items
        self.checklistVersion = checklistVersion
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// The plan's rates (Art. 8).
    public var rates: SamplingRates {
        SamplingRates(normal: Rate(num: normalNum, den: normalDen), high: Rate(num: highNum, den: highDen))
    }

    enum CodingKeys: String, CodingKey {
        case id, year, jurisdiction, category
        case normalNum = "normal_num", normalDen = "normal_den", highNum = "high_num", highDen = "high_den"
        case rounds, months, items, checklistVersion = "checklist_version", createdAt = "created_at", createdBy = "created_by"
    }
}

/// The roster versions a manifest was frozen from (Art. 6).
public struct RosterVersionsUsed: Codable, Sendable, Hashable {
    public var institutions: Int64?
    public var inspectors: Int64?
    public var conflicts: Int64?

    public init(institutions: Int64?, inspectors: Int64?, conflicts: Int64?) {
        self.institutions = institutions
        self.inspectors = inspectors
        self.conflicts = conflicts
    }
}

/// A round of a plan: one draw, moving through Art. 10's steps. The manifest is kept byte for
/// byte; the result is never edited (substitutions are rows of their own).
public struct Round: Codable, Sendable, Hashable {
    public var id: String
    public var plan: String
    public var number: Int
    public var state: RoundState
    public var manifest: Data?
    public var manifestSHA256: String?
    public var rosterVersions: RosterVersionsUsed?
    public var valuesJSON: String?
    public var resultJSON: String?
    public var seed: String?

    public init(id: String, plan: String, number: Int, state: RoundState, manifest: Data? = nil, manifestSHA256: String? = nil,
                rosterVersions: RosterVersionsUsed? = nil, valuesJSON: String? = nil, resultJSON: String? = nil, seed: String? = nil) {
        self.id = id
        self.plan = plan
        self.number = number
        self.state = state
        self.manifest = manifest
        self.manifestSHA256 = manifestSHA256
        self.rosterVersions = rosterVersions
        self.valuesJSON = valuesJSON
        self.resultJSON = resultJSON
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case id, plan, number, state, manifest
        case manifestSHA256 = "manifest_sha256", rosterVersions = "roster_versions"
        case valuesJSON = "values_json", resultJSON = "result_json", seed
    }
}

/// Where a round's results were published (Art. 15).
public enum PublicationPlace: String, Codable, CaseIterable, Sendable {
    /// The supervision platform (监管平台).
    case platform
    /// The department's portal (门户网站).
    case portal
}

/// What a step records beyond its date, typed: the report's content (Art. 13), the approvals
/// (Art. 10(5)), where the results were published (Art. 15).
public enum StepContent: Codable, Sendable, Hashable {
    /// The report: what it says (content and findings), the evaluation, and the proposed handling.
    case report(summary: String, evaluation: String, handling: String)
    /// The team leader and the leader in charge approved the report.
    case review(leader: String, inCharge: String)
    /// The results were published there.
    case publication(place: PublicationPlace)

    // The project's JSON is snake_case (`round show --json`, the audit details).
    enum ReviewCodingKeys: String, CodingKey { case leader, inCharge = "in_charge" }

    /// A correction's content: what it gives, and for a report what it leaves empty kept from
    /// the row it corrects (a correction that re-dates a report keeps what the report said).
    public func correcting(_ previous: StepContent) -> StepContent {
        guard case let .report(summary, evaluation, handling) = self, case let .report(oldSummary, oldEvaluation, oldHandling) = previous else { return self }
        return .report(summary: summary.isEmpty ? oldSummary : summary, evaluation: evaluation.isEmpty ? oldEvaluation : evaluation,
                       handling: handling.isEmpty ? oldHandling : handling)
    }

    /// The report's proposed handling; `nil` for other steps.
    public var handling: String? {
        if case let .report(_, _, handling) = self { handling } else { nil }
    }
}

/// One recorded step of a round (Art. 10): when and by whom.
public struct RoundStep: Codable, Sendable, Hashable {
    public var round: String
    public var step: RoundState
    /// When it was recorded (UTC instant).
    public var at: String
    public var actor: String
    public var detail: String
    public var auditSeq: Int64
    /// The day it happened, for the steps after the draw (`--on`).
    public var on: CivilDate?
    /// The reason, when this row corrects the date of an earlier row of the same step.
    public var correction: String?
    /// What the step records, typed (report, review, publication); `nil` for the others.
    public var content: StepContent?

    public init(round: String, step: RoundState, at: String, actor: String, detail: String, auditSeq: Int64,
                on: CivilDate? = nil, correction: String? = nil, content: StepContent? = nil) {
        self.round = round
        self.step = step
        self.at = at
        self.actor = actor
        self.detail = detail
        self.auditSeq = auditSeq
        self.on = on
        self.correction = correction
        self.content = content
    }

    enum CodingKeys: String, CodingKey { case round, step, at, actor, detail, auditSeq = "audit_seq", on = "on_date", correction, content }
}

/// One checklist result recorded for an inspection (Art. 9, Attachment 2).
public struct InspectionResult: Codable, Sendable, Hashable {
    public var id: Int64?
    public var round: String
    public var institution: String
    public var code: String
    public var result: ItemResult
    public var note: String?
    public var on: CivilDate
    public var actor: String
    public var auditSeq: Int64

    public init(id: Int64? = nil, round: String, institution: String, code: String, result: ItemResult, note: String?, on: CivilDate,
                actor: String, auditSeq: Int64 = 0) {
        self.id = id
        self.round = round
        self.institution = institution
        self.code = code
        self.result = result
        self.note = note
        self.on = on
        self.actor = actor
        self.auditSeq = auditSeq
    }

    enum CodingKeys: String, CodingKey { case id, round, institution, code, result, note, on = "on_date", actor, auditSeq = "audit_seq" }
}

/// How the result reached the institution (Art. 14).
public enum FeedbackMethod: String, CaseIterable, Codable, Sendable {
    /// 直接送达.
    case direct
    /// 邮寄送达.
    case post
    /// 平台或门户网站公开.
    case portal
}

/// Feedback delivered to an inspected institution (Art. 14).
public struct Feedback: Codable, Sendable, Hashable {
    public var id: Int64?
    public var round: String
    public var institution: String
    public var on: CivilDate
    public var method: FeedbackMethod
    public var correction: String?
    public var actor: String
    public var auditSeq: Int64

    public init(id: Int64? = nil, round: String, institution: String, on: CivilDate, method: FeedbackMethod, correction: String?,
                actor: String, auditSeq: Int64 = 0) {
        self.id = id
        self.round = round
        self.institution = institution
        self.on = on
        self.method = method
        self.correction = correction
        self.actor = actor
        self.auditSeq = auditSeq
    }

    enum CodingKeys: String, CodingKey { case id, round, institution, on = "on_date", method, correction, actor, auditSeq = "audit_seq" }
}

/// A deadline as stored (Art. 13–15): derived from the steps and the calendar, with what it
/// belongs to, so that queries are range reads.
public struct DeadlineRecord: Codable, Sendable, Hashable {
    public var id: Int64?
    public var round: String
    /// The institution, for feedback (Art. 14); `nil` for the round's own deadlines.
    public var institution: String?
    public var rule: DeadlineRule
    public var article: Int
    public var from: CivilDate
    public var due: CivilDate
    public var doneOn: CivilDate?
    public var provisional: Bool
    public var reasons: [String]
    public var jurisdiction: String
    public var category: Category

    public init(id: Int64? = nil, round: String, deadline: Deadline, jurisdiction: String, category: Category) {
        self.id = id
        self.round = round
        institution = deadline.institution
        rule = deadline.rule
        article = deadline.rule.article
        from = deadline.from
        due = deadline.due
        doneOn = deadline.doneOn
        provisional = deadline.provisional
        reasons = deadline.reasons
        self.jurisdiction = jurisdiction
        self.category = category
    }

    /// The deadline itself.
    public var deadline: Deadline {
        Deadline(rule: rule, institution: institution, from: from, due: due, doneOn: doneOn, provisional: provisional, reasons: reasons)
    }

    enum CodingKeys: String, CodingKey {
        case id, round, institution, rule, article, from = "from_date", due, doneOn = "done_on", provisional, reasons, jurisdiction, category
    }
}

/// A recorded substitution (DRAW.md §6).
public struct Substitution: Codable, Sendable, Hashable {
    public var round: String
    public var number: Int
    public var inspector: String
    public var institution: String
    public var reason: String
    public var replacement: String?
    public var at: String
    public var actor: String

    public init(round: String, number: Int, inspector: String, institution: String, reason: String, replacement: String?,
                at: String, actor: String) {
        self.round = round
        self.number = number
        self.inspector = inspector
        self.institution = institution
        self.reason = reason
        self.replacement = replacement
        self.at = at
        self.actor = actor
    }
}

/// An inspection: a drawn institution of a round, with its team.
public struct Inspection: Codable, Sendable, Hashable {
    public var round: String
    public var institution: String
    /// Inspector ids as drawn.
    public var drawnTeam: [String]
    /// Inspector ids after substitutions.
    public var team: [String]
    /// How many inspectors the team is short of its size.
    public var teamShortfall: Int

    public init(round: String, institution: String, drawnTeam: [String], team: [String], teamShortfall: Int) {
        self.round = round
        self.institution = institution
        self.drawnTeam = drawnTeam
        self.team = team
        self.teamShortfall = teamShortfall
    }

    enum CodingKeys: String, CodingKey { case round, institution, drawnTeam = "drawn_team", team, teamShortfall = "team_shortfall" }
}

/// Where a finding is handed over (Art. 16): the judicial organs for a suspected crime, or the
/// competent department.
public enum FindingReferral: String, CaseIterable, Codable, Sendable {
    case judicial
    case department
}

/// A problem found in an inspection, followed until its rectification is closed (Art. 16).
public struct Finding: Codable, Sendable, Hashable {
    public var id: Int64?
    public var round: String
    public var institution: String
    public var text: String
    public var referral: FindingReferral?
    public var foundOn: CivilDate
    /// The rectification date set; the finding is overdue after it while open.
    public var rectifyBy: CivilDate?
    public var closedOn: CivilDate?
    public var actor: String
    public var auditSeq: Int64

    public init(id: Int64? = nil, round: String, institution: String, text: String, referral: FindingReferral?, foundOn: CivilDate,
                rectifyBy: CivilDate? = nil, closedOn: CivilDate? = nil, actor: String, auditSeq: Int64 = 0) {
        self.id = id
        self.round = round
        self.institution = institution
        self.text = text
        self.referral = referral
        self.foundOn = foundOn
        self.rectifyBy = rectifyBy
        self.closedOn = closedOn
        self.actor = actor
        self.auditSeq = auditSeq
    }

    enum CodingKeys: String, CodingKey {
        case id, round, institution, text, referral, foundOn = "found_on", rectifyBy = "rectify_by", closedOn = "closed_on", actor, auditSeq = "audit_seq"
    }
}
