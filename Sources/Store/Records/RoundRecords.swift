import Foundation
import GRDB
import Regulation

/// A sampling plan (Art. 7).
public struct Plan: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "plan"
    public var id: String
    public var year: Int
    public var jurisdiction: String
    public var category: String
    public var normalNum: Int
    public var normalDen: Int
    public var highNum: Int
    public var highDen: Int
    /// Planned rounds in the year (Art. 8: at least 2 as a rule).
    public var rounds: Int
    /// Months the rounds are planned for, e.g. "5,10".
    public var months: String
    /// The checklist item codes the plan covers (JSON array): every item of the category (Art. 9).
    public var items: String
    public var checklistVersion: Int64?
    public var createdAt: String
    public var createdBy: String

    enum CodingKeys: String, CodingKey {
        case id, year, jurisdiction, category
        case normalNum = "normal_num", normalDen = "normal_den", highNum = "high_num", highDen = "high_den"
        case rounds, months, items, checklistVersion = "checklist_version", createdAt = "created_at", createdBy = "created_by"
    }

    public var itemCodes: [String] { (try? JSONDecoder().decode([String].self, from: Data(items.utf8))) ?? [] }
}

/// A round of a plan.
public struct RoundRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "round"
    public var id: String
    public var plan: String
    public var number: Int
    public var state: String
    public var manifest: Data?
    public var manifestSHA256: String?
    /// JSON: {"institutions": v, "inspectors": v, "conflicts": v}.
    public var rosterVersions: String?
    public var valuesJSON: String?
    public var resultJSON: String?
    public var seed: String?

    enum CodingKeys: String, CodingKey {
        case id, plan, number, state, manifest
        case manifestSHA256 = "manifest_sha256", rosterVersions = "roster_versions"
        case valuesJSON = "values_json", resultJSON = "result_json", seed
    }

    public var roundState: RoundState { RoundState(rawValue: state) ?? .proposed }
}

/// One recorded step of a round (Art. 10): when and by whom.
public struct RoundStep: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "round_step"
    public var round: String
    public var step: String
    public var at: String
    public var actor: String
    public var detail: String
    public var auditSeq: Int64
    enum CodingKeys: String, CodingKey { case round, step, at, actor, detail, auditSeq = "audit_seq" }
}

/// A recorded substitution (DRAW.md §6).
public struct SubstitutionRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "substitution"
    public var round: String
    public var number: Int
    public var inspector: String
    public var institution: String
    public var reason: String
    public var replacement: String?
    public var at: String
    public var actor: String
}

/// An inspection: a drawn institution of a round, with its team.
public struct InspectionRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "inspection"
    public var round: String
    public var institution: String
    /// JSON array of inspector ids as drawn.
    public var drawnTeam: String
    /// JSON array of inspector ids after substitutions.
    public var team: String
    public var teamShortfall: Int
    enum CodingKeys: String, CodingKey { case round, institution, drawnTeam = "drawn_team", team, teamShortfall = "team_shortfall" }

    public var teamMembers: [String] { (try? JSONDecoder().decode([String].self, from: Data(team.utf8))) ?? [] }
}
