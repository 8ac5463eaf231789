public import Foundation
import GRDB
public import Records
import Regulation
import Rosters

private struct StepDetails: Encodable {
    var round: String
    var step: String
    var detail: String
    var manifestSHA256: String?
    var seed: String?
    var resultSHA256: String?
    enum CodingKeys: String, CodingKey {
        case round, step, detail, manifestSHA256 = "manifest_sha256", seed, resultSHA256 = "result_sha256"
    }
}

private struct PlanDetails: Encodable {
    var year: String
    var jurisdiction: String
    var category: String
    var ratio: String
    var highRatio: String
    var rounds: String
    var items: String
    enum CodingKeys: String, CodingKey { case year, jurisdiction, category, ratio, highRatio = "high_ratio", rounds, items }
}

private struct SubstitutionDetails: Encodable {
    var inspector: String
    var institution: String
    var reason: String
    var replacement: String
}

/// The draw of a round as Supervision computed it, for Store to keep (Art. 10(2)).
public struct RecordedDraw: Sendable, Hashable {
    /// The manifest the draw was computed from: the round's must still be this one.
    public var manifestSHA256: String
    public var valuesJSON: String
    public var resultJSON: String
    public var resultSHA256: String
    public var seed: String
    /// One inspection per drawn institution, with its team.
    public var inspections: [Inspection]

    public init(manifestSHA256: String, valuesJSON: String, resultJSON: String, resultSHA256: String, seed: String, inspections: [Inspection]) {
        self.manifestSHA256 = manifestSHA256
        self.valuesJSON = valuesJSON
        self.resultJSON = resultJSON
        self.resultSHA256 = resultSHA256
        self.seed = seed
        self.inspections = inspections
    }
}

extension SpotCheckStore {
    // MARK: Plans

    /// Keeps a new plan (Art. 7); its id must be new. `createdAt` and `createdBy` are stamped
    /// here, with the audit entry's instant and actor.
    public func createPlan(_ plan: Plan, actor: String) throws(StoreError) -> Plan {
        try write { db in
            guard try Plan.find(db, key: plan.id) == nil else { throw StoreError.refused("plan \(plan.id) exists already") }
            var plan = plan
            let at = now()
            try AuditLog.append(db, at: at, actor: actor, action: .planCreate, subject: "plan/\(plan.id)",
                                details: PlanDetails(year: "\(plan.year)", jurisdiction: plan.jurisdiction, category: plan.category.rawValue,
                                                     ratio: "\(plan.normalNum)/\(plan.normalDen)", highRatio: "\(plan.highNum)/\(plan.highDen)",
                                                     rounds: "\(plan.rounds)", items: plan.items.joined(separator: ",")))
            plan.createdAt = at
            plan.createdBy = actor
            try plan.insert(db)
            return plan
        }
    }

    public func plans() throws(StoreError) -> [Plan] {
        try read { db in try Plan.all(db, Plan.request().order(Column("year"), Column("jurisdiction"), Column("category"))) }
    }

    public func plan(_ id: String) throws(StoreError) -> Plan? {
        try read { db in try Plan.find(db, key: id) }
    }

    /// The plan of a round, without reading the round's draw (its manifest and result are large).
    public func plan(ofRound round: String) throws(StoreError) -> Plan? {
        try read { db in try Stored<Plan>.fetchOne(db, sql: "SELECT p.* FROM plan p JOIN round r ON r.plan = p.id WHERE r.id = ?", arguments: [round])?.value }
    }

    // MARK: Rounds

    public func rounds(plan: String? = nil) throws(StoreError) -> [Round] {
        try read { db in
            var request = Round.request().order(Column("plan"), Column("number"))
            if let plan { request = request.filter(Column("plan") == plan) }
            return try Round.all(db, request)
        }
    }

    public func round(_ id: String) throws(StoreError) -> Round? {
        try read { db in try Round.find(db, key: id) }
    }

    public func steps(round: String) throws(StoreError) -> [RoundStep] {
        try read { db in try RoundStep.all(db, RoundStep.request().filter(Column("round") == round).order(Column("audit_seq"))) }
    }

    public func substitutions(round: String) throws(StoreError) -> [Substitution] {
        try read { db in try Self.substitutions(db, round: round) }
    }

    static func substitutions(_ db: Database, round: String) throws -> [Substitution] {
        try Substitution.all(db, Substitution.request().filter(Column("round") == round).order(Column("number")))
    }

    public func inspections(round: String) throws(StoreError) -> [Inspection] {
        try read { db in try Inspection.all(db, Inspection.request().filter(Column("round") == round).order(Column("institution"))) }
    }

    /// A round with its plan and substitutions, read in one snapshot.
    public func roundWithPlan(_ id: String) throws(StoreError) -> (round: Round, plan: Plan, substitutions: [Substitution])? {
        try read { db in
            guard let round = try Round.find(db, key: id), let plan = try Plan.find(db, key: round.plan) else { return nil }
            return (round, plan, try Self.substitutions(db, round: id))
        }
    }

    /// Records a step with its audit entry, after checking Art. 10's order.
    static func recordStep(_ db: Database, at: String, round: inout Round, to next: RoundState, actor: String, detail: String,
                           manifestSHA256: String? = nil, seed: String? = nil, resultSHA256: String? = nil) throws {
        if let refusal = round.state.refusal(toward: next) { throw StoreError.refused("round \(round.id): \(refusal)") }
        let audit = try AuditLog.append(db, at: at, actor: actor, action: next.auditAction, subject: "round/\(round.id)",
                                        details: StepDetails(round: round.id, step: next.rawValue, detail: detail,
                                                             manifestSHA256: manifestSHA256, seed: seed, resultSHA256: resultSHA256))
        round.state = next
        try RoundStep(round: round.id, step: next, at: audit.at, actor: actor, detail: detail, auditSeq: audit.seq).insert(db)
    }

    static func existingRound(_ db: Database, _ id: String) throws -> Round {
        guard let round = try Round.find(db, key: id) else { throw StoreError.refused("no round \(id)") }
        return round
    }

    /// Proposes the next round of a plan (its first step, Art. 10).
    public func proposeRound(plan planID: String, actor: String) throws(StoreError) -> Round {
        try write { db in
            guard let plan = try Plan.find(db, key: planID) else { throw StoreError.refused("no plan \(planID)") }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM round WHERE plan = ?", arguments: [planID]) ?? 0) + 1
            let id = "\(plan.id)-R\(number)"
            let at = now()
            let audit = try AuditLog.append(db, at: at, actor: actor, action: .roundProposed, subject: "round/\(id)",
                                            details: StepDetails(round: id, step: RoundState.proposed.rawValue, detail: "round \(number) of plan \(plan.id)"))
            let round = Round(id: id, plan: plan.id, number: number, state: .proposed)
            try round.insert(db)
            try RoundStep(round: id, step: .proposed, at: at, actor: actor, detail: "round \(number) of plan \(plan.id)", auditSeq: audit.seq).insert(db)
            return round
        }
    }

    /// Art. 10(1): the unit head approves the application.
    public func approveRound(_ id: String, by head: String, actor: String) throws(StoreError) -> Round {
        try write { db in
            var round = try Self.existingRound(db, id)
            try Self.recordStep(db, at: now(), round: &round, to: .approved, actor: actor, detail: "approved by \(head) (unit head, Art. 10(1))")
            try round.update(db)
            return round
        }
    }

    /// Keeps the announced manifest (DRAW.md §1) and its hash. Refused if the rosters it was
    /// frozen from are no longer the current ones (an import came in between: announce again).
    public func announceRound(_ id: String, manifest: Data, manifestSHA256: String, rosterVersions: RosterVersionsUsed,
                              detail: String, actor: String) throws(StoreError) -> Round {
        try write { db in
            var round = try Self.existingRound(db, id)
            let current = RosterVersionsUsed(
                institutions: try Self.rosterVersion(db, .institutions, at: .current)?.id,
                inspectors: try Self.rosterVersion(db, .inspectors, at: .current)?.id,
                conflicts: try Self.rosterVersion(db, .conflicts, at: .current)?.id)
            guard current == rosterVersions else {
                throw StoreError.refused("round \(id): the rosters changed while the manifest was prepared; announce again")
            }
            round.manifest = manifest
            round.manifestSHA256 = manifestSHA256
            round.rosterVersions = rosterVersions
            try Self.recordStep(db, at: now(), round: &round, to: .announced, actor: actor, detail: detail, manifestSHA256: manifestSHA256)
            try round.update(db)
            return round
        }
    }

    /// Art. 10(2): keeps the draw, once, and an inspection per drawn institution.
    public func drawRound(_ id: String, draw: RecordedDraw, detail: String, actor: String) throws(StoreError) -> Round {
        try write { db in
            var round = try Self.existingRound(db, id)
            if let refusal = round.state.refusal(toward: .drawn) { throw StoreError.refused("round \(id): \(refusal)") }
            guard round.manifestSHA256 == draw.manifestSHA256 else {
                throw StoreError.refused("round \(id): the draw was computed from another manifest than the one announced")
            }
            round.valuesJSON = draw.valuesJSON
            round.resultJSON = draw.resultJSON
            round.seed = draw.seed
            try Self.recordStep(db, at: now(), round: &round, to: .drawn, actor: actor, detail: detail,
                                manifestSHA256: round.manifestSHA256, seed: draw.seed, resultSHA256: draw.resultSHA256)
            try round.update(db)
            for inspection in draw.inspections where inspection.round == id {
                try inspection.insert(db)
            }
            try Self.refreshComplianceFacts(db, round: id)
            return round
        }
    }

    /// DRAW.md §6: keeps a substitution (number `substitution.number`, next after the earlier
    /// ones; `at` and `actor` are stamped here) and the team it leaves; the draw itself is never edited.
    public func recordSubstitution(_ substitution: Substitution, team: Inspection?, actor: String) throws(StoreError) -> Substitution {
        try write { db in
            let round = try Self.existingRound(db, substitution.round)
            guard round.state == .drawn else {
                throw StoreError.refused("round \(round.id) is \"\(round.state.rawValue)\": teams change only between the draw and the end of the inspection")
            }
            let earlier = try Self.substitutions(db, round: round.id)
            guard substitution.number == earlier.count + 1 else {
                throw StoreError.refused("round \(round.id): another substitution was recorded meanwhile; try again")
            }
            let at = now()
            try AuditLog.append(db, at: at, actor: actor, action: .roundSubstitute, subject: "round/\(round.id)",
                                details: SubstitutionDetails(inspector: substitution.inspector, institution: substitution.institution,
                                                             reason: substitution.reason, replacement: substitution.replacement ?? "none"))
            var record = substitution
            record.at = at
            record.actor = actor
            try record.insert(db)
            if let team, team.round == round.id { try team.update(db) }
            try Self.refreshComplianceFacts(db, round: round.id)
            return record
        }
    }
}

extension RoundState {
    /// The audit action of recording this step.
    var auditAction: AuditAction {
        switch self {
        case .proposed: .roundProposed
        case .approved: .roundApproved
        case .announced: .roundAnnounced
        case .drawn: .roundDrawn
        case .ended: .roundEnded
        case .reported: .roundReported
        case .reviewed: .roundReviewed
        case .published: .roundPublished
        case .filed: .roundFiled
        }
    }
}
