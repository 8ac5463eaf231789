import Draw
import Foundation
import GRDB
import Regulation
import Rosters

/// How a round is announced (DRAW.md §1 options).
public struct AnnouncementOptions: Sendable {
    public var sources: [DrawManifest.Source]
    public var stage1: Int?
    public var stratifyByJurisdiction: Bool
    public var teamSize: Int
    public var maxAssignmentsPerInspector: Int?
    /// Jurisdictions whose inspectors join as fallback (neighbouring areas, pooled), with their children.
    public var fallbackJurisdictions: [String]
    /// Whether the inspectors of the levels above join as fallback (delegated, Art. 11).
    public var fallbackFromAbove: Bool
    /// `announced_at`, ISO-8601 with offset.
    public var announcedAt: String

    public init(sources: [DrawManifest.Source], stage1: Int?, stratifyByJurisdiction: Bool, teamSize: Int,
                maxAssignmentsPerInspector: Int?, fallbackJurisdictions: [String], fallbackFromAbove: Bool, announcedAt: String) {
        self.sources = sources
        self.stage1 = stage1
        self.stratifyByJurisdiction = stratifyByJurisdiction
        self.teamSize = teamSize
        self.maxAssignmentsPerInspector = maxAssignmentsPerInspector
        self.fallbackJurisdictions = fallbackJurisdictions
        self.fallbackFromAbove = fallbackFromAbove
        self.announcedAt = announcedAt
    }
}

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

extension SpotCheckStore {
    // MARK: Plans

    /// Creates a plan (Art. 7) covering every current checklist item of its category (Art. 9).
    public func createPlan(year: Int, jurisdiction: String, category: Category, rates: SamplingRates, rounds: Int, months: [Int],
                           actor: String) throws(StoreError) -> Plan {
        try write { db in
            let tree = JurisdictionTree(try Self.fetchJurisdictions(db))
            guard tree.contains(jurisdiction) else { throw StoreError.refused("\(jurisdiction) is not a known jurisdiction") }
            if let problem = rates.problems.first { throw StoreError.refused(problem) }
            guard rounds >= 1 else { throw StoreError.refused("a plan has at least one round") }
            guard months.allSatisfy({ (1...12).contains($0) }) else { throw StoreError.refused("months are 1–12") }
            let checklistVersion = try Self.rosterVersion(db, .checklist, at: .current)
            let items = try Self.entries(db, ChecklistItem.self, at: checklistVersion?.id).filter { $0.category == category }.map(\.code)
            guard !items.isEmpty else { throw StoreError.refused("the checklist has no item for \(category.rawValue); import the checklist first (Art. 5, 9)") }
            let id = "\(jurisdiction)-\(year)-\(category.rawValue)"
            guard try Plan.fetchOne(db, key: id) == nil else { throw StoreError.refused("plan \(id) exists already") }
            let encoder = JSONEncoder()
            let audit = try AuditLog.append(db, actor: actor, action: "plan.create", subject: "plan/\(id)",
                                            details: ["year": "\(year)", "jurisdiction": jurisdiction, "category": category.rawValue,
                                                      "ratio": "\(rates.normalNumerator)/\(rates.normalDenominator)",
                                                      "high_ratio": "\(rates.highNumerator)/\(rates.highDenominator)",
                                                      "rounds": "\(rounds)", "items": items.joined(separator: ",")])
            let plan = Plan(id: id, year: year, jurisdiction: jurisdiction, category: category.rawValue,
                            normalNum: rates.normalNumerator, normalDen: rates.normalDenominator,
                            highNum: rates.highNumerator, highDen: rates.highDenominator, rounds: rounds,
                            months: months.map(String.init).joined(separator: ","),
                            items: String(decoding: try encoder.encode(items), as: UTF8.self),
                            checklistVersion: checklistVersion?.id, createdAt: audit.at, createdBy: actor)
            try plan.insert(db)
            return plan
        }
    }

    public func plans() throws(StoreError) -> [Plan] {
        try read { db in try Plan.order(Column("year"), Column("jurisdiction"), Column("category")).fetchAll(db) }
    }

    public func plan(_ id: String) throws(StoreError) -> Plan? {
        try read { db in try Plan.fetchOne(db, key: id) }
    }

    // MARK: Rounds

    public func rounds(plan: String? = nil) throws(StoreError) -> [RoundRecord] {
        try read { db in
            var request = RoundRecord.order(Column("plan"), Column("number"))
            if let plan { request = request.filter(Column("plan") == plan) }
            return try request.fetchAll(db)
        }
    }

    public func round(_ id: String) throws(StoreError) -> RoundRecord? {
        try read { db in try RoundRecord.fetchOne(db, key: id) }
    }

    public func steps(round: String) throws(StoreError) -> [RoundStep] {
        try read { db in try RoundStep.filter(Column("round") == round).order(Column("audit_seq")).fetchAll(db) }
    }

    public func substitutions(round: String) throws(StoreError) -> [SubstitutionRecord] {
        try read { db in try SubstitutionRecord.filter(Column("round") == round).order(Column("number")).fetchAll(db) }
    }

    public func inspections(round: String) throws(StoreError) -> [InspectionRecord] {
        try read { db in try InspectionRecord.filter(Column("round") == round).fetchAll(db) }
    }

    /// Records a step with its audit entry, after checking Art. 10's order.
    static func recordStep(_ db: Database, round: inout RoundRecord, to next: RoundState, actor: String, detail: String,
                           manifestSHA256: String? = nil, seed: String? = nil, resultSHA256: String? = nil) throws {
        if round.state != "" {
            if let refusal = round.roundState.refusal(toward: next) { throw StoreError.refused("round \(round.id): \(refusal)") }
        }
        let audit = try AuditLog.append(db, actor: actor, action: "round.\(next.rawValue)", subject: "round/\(round.id)",
                                        details: StepDetails(round: round.id, step: next.rawValue, detail: detail,
                                                             manifestSHA256: manifestSHA256, seed: seed, resultSHA256: resultSHA256))
        round.state = next.rawValue
        try RoundStep(round: round.id, step: next.rawValue, at: audit.at, actor: actor, detail: detail, auditSeq: audit.seq).insert(db)
    }

    /// Proposes the next round of a plan.
    public func proposeRound(plan planID: String, actor: String) throws(StoreError) -> RoundRecord {
        try write { db in
            guard let plan = try Plan.fetchOne(db, key: planID) else { throw StoreError.refused("no plan \(planID)") }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM round WHERE plan = ?", arguments: [planID]) ?? 0) + 1
            var round = RoundRecord(id: "\(plan.id)-R\(number)", plan: plan.id, number: number, state: "")
            try round.insert(db)
            try Self.recordStep(db, round: &round, to: .proposed, actor: actor, detail: "round \(number) of plan \(plan.id)")
            try round.update(db)
            return round
        }
    }

    /// Art. 10(1): the unit head approves the application.
    public func approveRound(_ id: String, by head: String, actor: String) throws(StoreError) -> RoundRecord {
        try write { db in
            guard var round = try RoundRecord.fetchOne(db, key: id) else { throw StoreError.refused("no round \(id)") }
            try Self.recordStep(db, round: &round, to: .approved, actor: actor, detail: "approved by \(head) (unit head, Art. 10(1))")
            try round.update(db)
            return round
        }
    }

    /// Freezes the manifest from the current roster versions (DRAW.md §1) and records its hash.
    public func announceRound(_ id: String, options: AnnouncementOptions, actor: String) throws(StoreError) -> (round: RoundRecord, manifest: Data) {
        try write { db in
            guard var round = try RoundRecord.fetchOne(db, key: id) else { throw StoreError.refused("no round \(id)") }
            if let refusal = round.roundState.refusal(toward: .announced) { throw StoreError.refused("round \(id): \(refusal)") }
            guard let plan = try Plan.fetchOne(db, key: round.plan) else { throw StoreError.refused("no plan \(round.plan)") }
            guard options.teamSize >= 2 else { throw StoreError.refused("a team has at least 2 inspectors (Art. 11)") }
            guard !options.sources.isEmpty else { throw StoreError.refused("announce at least one public source (--source)") }
            let tree = JurisdictionTree(try Self.fetchJurisdictions(db))
            let local = tree.subtree(plan.jurisdiction)
            var fallback = Set<String>()
            for code in options.fallbackJurisdictions {
                guard tree.contains(code) else { throw StoreError.refused("--fallback \(code) is not a known jurisdiction") }
                fallback.formUnion(tree.subtree(code))
            }
            if options.fallbackFromAbove { fallback.formUnion(tree.ancestry(plan.jurisdiction).dropFirst().map(\.code)) }
            fallback.subtract(local)

            let institutionVersion = try Self.rosterVersion(db, .institutions, at: .current)
            let inspectorVersion = try Self.rosterVersion(db, .inspectors, at: .current)
            let conflictVersion = try Self.rosterVersion(db, .conflicts, at: .current)
            let category = Category(rawValue: plan.category)!
            let institutions = try Self.entries(db, Institution.self, at: institutionVersion?.id)
                .filter { $0.category == category && local.contains($0.jurisdiction) }
                .sorted { $0.id < $1.id }
            guard !institutions.isEmpty else { throw StoreError.refused("no \(plan.category) institution in \(plan.jurisdiction) on the current roster") }
            let inspectors = try Self.entries(db, Inspector.self, at: inspectorVersion?.id)
                .filter { $0.categories.contains(category) && (local.contains($0.jurisdiction) || fallback.contains($0.jurisdiction)) }
                .sorted { $0.id < $1.id }
            let institutionIDs = Set(institutions.map(\.id))
            let inspectorIDs = Set(inspectors.map(\.id))
            let conflicts = try Self.entries(db, Conflict.self, at: conflictVersion?.id)
                .filter { institutionIDs.contains($0.institution) && inspectorIDs.contains($0.inspector) }
            let manifest = DrawManifest(
                round: round.id, announcedAt: options.announcedAt, category: plan.category,
                stage1: options.stage1.map { .init(jurisdictions: $0) }, stratifyByJurisdiction: options.stratifyByJurisdiction,
                rates: .init(normal: Rate(num: plan.normalNum, den: plan.normalDen), high: Rate(num: plan.highNum, den: plan.highDen)),
                teamSize: options.teamSize, maxAssignmentsPerInspector: options.maxAssignmentsPerInspector,
                institutions: institutions.map {
                    .init(id: $0.id, jurisdiction: $0.jurisdiction, risk: $0.risk.rawValue, eligible: $0.ineligibilityReason == nil, reason: $0.ineligibilityReason)
                },
                inspectors: inspectors.map { .init(id: $0.id, pool: local.contains($0.jurisdiction) ? "local" : "fallback", available: $0.status == .available) },
                conflicts: conflicts.map { .init(inspector: $0.inspector, institution: $0.institution) },
                sources: options.sources)
            do { try manifest.validate() } catch { throw StoreError.refused("\(error)") }
            let bytes = manifest.encoded()
            let sha = sha256Hex(bytes)
            round.manifest = bytes
            round.manifestSHA256 = sha
            round.rosterVersions = "{\"institutions\": \(institutionVersion?.id.map(String.init) ?? "null"), \"inspectors\": \(inspectorVersion?.id.map(String.init) ?? "null"), \"conflicts\": \(conflictVersion?.id.map(String.init) ?? "null")}"
            try Self.recordStep(db, round: &round, to: .announced, actor: actor,
                                detail: "manifest \(sha): \(institutions.count) institutions, \(inspectors.count) inspectors, \(conflicts.count) recusal pairs, sources \(options.sources.map(\.name).joined(separator: ", "))",
                                manifestSHA256: sha)
            try round.update(db)
            return (round, bytes)
        }
    }

    /// Art. 10(2): computes the draw from the published values and records it, once.
    public func drawRound(_ id: String, values: SourceValues, actor: String) throws(StoreError) -> (round: RoundRecord, outcome: DrawOutcome) {
        try write { db in
            guard var round = try RoundRecord.fetchOne(db, key: id) else { throw StoreError.refused("no round \(id)") }
            if let refusal = round.roundState.refusal(toward: .drawn) { throw StoreError.refused("round \(id): \(refusal)") }
            guard let manifest = round.manifest else { throw StoreError.refused("round \(id) has no manifest") }
            let outcome: DrawOutcome
            do { outcome = try DrawAlgorithm.run(manifestBytes: manifest, values: values) } catch { throw StoreError.refused("\(error)") }
            let result = outcome.json.serialized()
            round.valuesJSON = outcome.valuesJSON.serialized()
            round.resultJSON = result
            round.seed = outcome.seed
            try Self.recordStep(db, round: &round, to: .drawn, actor: actor,
                                detail: "seed \(outcome.seed): \(outcome.teams.count) institutions drawn",
                                manifestSHA256: round.manifestSHA256, seed: outcome.seed, resultSHA256: sha256Hex(Data(result.utf8)))
            try round.update(db)
            let encoder = JSONEncoder()
            for team in outcome.teams {
                let members = String(decoding: try encoder.encode(team.members.map(\.id)), as: UTF8.self)
                try InspectionRecord(round: id, institution: team.institution, drawnTeam: members, team: members, teamShortfall: team.shortfall).insert(db)
            }
            return (round, outcome)
        }
    }

    /// DRAW.md §6: records a substitution and takes the replacement the rules give; the draw
    /// itself is never edited.
    public func substitute(round id: String, inspector: String, institution: String, reason: String, actor: String) throws(StoreError) -> SubstitutionRecord {
        try write { db in
            guard let round = try RoundRecord.fetchOne(db, key: id) else { throw StoreError.refused("no round \(id)") }
            guard round.roundState == .drawn, let manifest = round.manifest, let valuesJSON = round.valuesJSON else {
                throw StoreError.refused("round \(id) has not been drawn")
            }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError.refused("a substitution needs its reason") }
            let earlier = try SubstitutionRecord.filter(Column("round") == id).order(Column("number")).fetchAll(db)
            let requests = earlier.map { SubstitutionRequest(inspector: $0.inspector, institution: $0.institution, reason: $0.reason) }
                + [SubstitutionRequest(inspector: inspector, institution: institution, reason: reason)]
            let outcome: DrawOutcome
            do {
                let values = try SourceValues.parse(Data(valuesJSON.utf8))
                outcome = try DrawAlgorithm.run(manifestBytes: manifest, values: values, substitutions: requests)
            } catch { throw StoreError.refused("\(error)") }
            let made = outcome.substitutions.last!
            let audit = try AuditLog.append(db, actor: actor, action: "round.substitute", subject: "round/\(id)",
                                            details: ["inspector": inspector, "institution": institution, "reason": reason,
                                                      "replacement": made.replacement ?? "none"])
            let record = SubstitutionRecord(round: id, number: earlier.count + 1, inspector: inspector, institution: institution,
                                            reason: reason, replacement: made.replacement, at: audit.at, actor: actor)
            try record.insert(db)
            if var inspection = try InspectionRecord.fetchOne(db, key: ["round": id, "institution": institution]),
               let team = outcome.currentTeams.first(where: { $0.institution == institution }),
               let drawn = outcome.teams.first(where: { $0.institution == institution }) {
                inspection.team = String(decoding: try JSONEncoder().encode(team.inspectors), as: UTF8.self)
                inspection.teamShortfall = max(0, drawn.members.count + drawn.shortfall - team.inspectors.count)
                try inspection.update(db)
            }
            return record
        }
    }

    /// The draw's result with the recorded substitutions applied (DRAW.md §7), for publication.
    public func publishedDraw(round id: String) throws(StoreError) -> (manifest: Data, values: String, result: String, substitutions: [SubstitutionRecord]) {
        try read { db in
            guard let round = try RoundRecord.fetchOne(db, key: id), round.roundState == .drawn,
                  let manifest = round.manifest, let valuesJSON = round.valuesJSON else {
                throw StoreError.refused("round \(id) has not been drawn")
            }
            let substitutions = try SubstitutionRecord.filter(Column("round") == id).order(Column("number")).fetchAll(db)
            let values: SourceValues
            let outcome: DrawOutcome
            do {
                values = try SourceValues.parse(Data(valuesJSON.utf8))
                outcome = try DrawAlgorithm.run(manifestBytes: manifest, values: values,
                                                substitutions: substitutions.map { SubstitutionRequest(inspector: $0.inspector, institution: $0.institution, reason: $0.reason) })
            } catch { throw StoreError.refused("\(error)") }
            return (manifest, valuesJSON, outcome.json.serialized(), substitutions)
        }
    }
}
