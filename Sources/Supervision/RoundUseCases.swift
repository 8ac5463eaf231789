public import Draw
public import Foundation
import Fingerprint
import Publication
public import Records
public import Regulation
public import Rosters
public import Store

/// A round as `round show` reports it: its steps, inspections and substitutions.
public struct RoundDetail: Sendable, Hashable {
    public var round: Round
    public var steps: [RoundStep]
    public var inspections: [Inspection]
    public var substitutions: [Substitution]
    /// The short number of each inspection, by institution.
    public var inspectionNumbers: [String: Int64]
}

/// The files `round publish-draw` writes for the public (Art. 17), in order: name → bytes.
public struct PublishedDraw: Sendable {
    public var files: [(name: String, contents: Data)]
}

extension Supervisor {
    // MARK: Plans

    /// Creates a plan (Art. 7) covering every current checklist item of its category (Art. 9),
    /// with rates Art. 8 allows. `months` is a comma-separated list such as `5,10`.
    public func createPlan(year: Int, jurisdiction: String, category: Category, rates: SamplingRates, rounds: Int, months: String) throws -> Plan {
        guard (2000...9999).contains(year) else { throw Refusal("--year \(year) is not a plan year") }
        guard try jurisdictionTree().contains(jurisdiction) else { throw Refusal("\(jurisdiction) is not a known jurisdiction") }
        if let problem = SamplingRule.problems(rates).first { throw Refusal(problem) }
        guard rounds >= 1 else { throw Refusal("a plan has at least one round") }
        let monthList = try Self.months(months)
        let checklist = try store.checklist()
        let items = checklist.entries.filter { $0.category == category }.map(\.code)
        guard !items.isEmpty else {
            throw Refusal("the checklist has no item for \(category.rawValue); import the checklist first (Art. 5, 9)")
        }
        let plan = Plan(id: "\(jurisdiction)-\(year)-\(category.rawValue)", year: year, jurisdiction: jurisdiction, category: category,
                        rates: rates, rounds: rounds, months: monthList, items: items, checklistVersion: checklist.version?.id,
                        createdAt: "", createdBy: actor)
        return try store.createPlan(plan, actor: actor)
    }

    /// `5,10` → [5, 10]; every entry must be a month, none is dropped silently.
    static func months(_ text: String) throws(Refusal) -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        var months: [Int] = []
        for part in parts {
            guard let month = Int(part), (1...12).contains(month) else {
                throw Refusal("--months \"\(text)\": \"\(part)\" is not a month 1–12; give them as 5,10")
            }
            months.append(month)
        }
        return months
    }

    public func plans() throws(StoreError) -> [Plan] { try store.plans() }

    /// A plan and its rounds.
    public func plan(_ id: String) throws -> (plan: Plan, rounds: [Round]) {
        guard let plan = try store.plan(id) else { throw Refusal("no plan \(id)") }
        return (plan, try store.rounds(plan: id))
    }

    // MARK: Rounds

    public func proposeRound(plan: String) throws(StoreError) -> Round {
        try store.proposeRound(plan: plan, actor: actor)
    }

    public func approveRound(_ id: String, by head: String) throws -> Round {
        guard !head.trimmingSpaces.isEmpty else { throw Refusal("--by names the unit head who approved (Art. 10(1))") }
        return try store.approveRound(id, by: head, actor: actor)
    }

    /// Reads `name:kind:description:expected_at` (the description may hold colons; expected_at
    /// is ISO-8601 with an offset, which holds colons too). The rest is checked by the manifest.
    public static func source(_ text: String) throws(UsageError) -> DrawManifest.Source {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let match = parts[2].range(of: #":\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) else {
            throw UsageError("--source \"\(text)\": expected name:kind:description:expected_at, e.g. fc-ssq-2026150:integers:双色球第2026150期开奖号码:2026-12-24T21:15:00+08:00")
        }
        return DrawManifest.Source(name: parts[0], kind: parts[1], description: String(parts[2][..<match.lowerBound]),
                                   expectedAt: String(parts[2][match].dropFirst()))
    }

    /// Freezes the manifest from the current roster versions (DRAW.md §1) and keeps it with its
    /// hash; returns the round and the manifest's bytes.
    public func announceRound(_ id: String, options: AnnouncementOptions) throws -> (round: Round, manifest: Data) {
        guard let (round, plan, _) = try store.roundWithPlan(id) else { throw Refusal("no round \(id)") }
        if let refusal = round.state.refusal(toward: .announced) { throw Refusal("round \(id): \(refusal)") }
        let rosters = try store.currentRosters()
        let manifest = try Announcement.manifest(
            for: AnnouncedRound(round: id, announcedAt: ShanghaiTime.iso8601(clock()), jurisdiction: plan.jurisdiction,
                                category: plan.category, rates: plan.rates),
            options: options, tree: try jurisdictionTree(), institutions: rosters.institutions.entries,
            inspectors: rosters.inspectors.entries, conflicts: rosters.conflicts.entries)
        let bytes = manifest.encoded()
        let sha = sha256Hex(bytes)
        let detail = "manifest \(sha): \(manifest.institutions.count) institutions, \(manifest.inspectors.count) inspectors, "
            + "\(manifest.conflicts.count) recusal pairs, sources \(options.sources.map(\.name).joined(separator: ", "))"
        let announced = try store.announceRound(
            id, manifest: bytes, manifestSHA256: sha,
            rosterVersions: RosterVersionsUsed(institutions: rosters.institutions.version?.id, inspectors: rosters.inspectors.version?.id,
                                               conflicts: rosters.conflicts.version?.id),
            detail: detail, actor: actor)
        return (announced, bytes)
    }

    /// Art. 10(2): the draw from the published values, typed as `NAME=VALUE` (numbers separated
    /// by commas, or the text), once.
    public func drawRound(_ id: String, values texts: [String]) throws -> DrawOutcome {
        guard let round = try store.round(id) else { throw Refusal("no round \(id)") }
        if let refusal = round.state.refusal(toward: .drawn) { throw Refusal("round \(id): \(refusal)") }
        guard let manifestBytes = round.manifest, let manifestSHA256 = round.manifestSHA256 else { throw Refusal("round \(id) has not been announced") }
        let manifest = try DrawManifest.parse(manifestBytes)
        var values: [String: SourceValue] = [:]
        for text in texts {
            guard let equals = text.firstIndex(of: "=") else { throw UsageError("--value \(text): expected NAME=VALUE") }
            let name = String(text[..<equals])
            guard let source = manifest.sources.first(where: { $0.name == name }) else {
                throw Refusal("--value \(name): not a source of this round (announced: \(manifest.sources.map(\.name).joined(separator: ", ")))")
            }
            guard let value = SourceValue.parse(String(text[text.index(after: equals)...]), kind: source.kind) else {
                throw Refusal("--value \(name): expected \(source.kind == "integers" ? "numbers ≥ 0 separated by commas" : "text")")
            }
            values[name] = value
        }
        let outcome = try DrawAlgorithm.run(manifest: manifest, manifestSHA256: manifestSHA256, values: SourceValues(values))
        let result = outcome.json.serialized()
        let inspections = outcome.teams.map { team in
            Inspection(round: id, institution: team.institution, drawnTeam: team.members.map(\.id), team: team.members.map(\.id),
                       teamShortfall: team.shortfall)
        }
        _ = try store.drawRound(id, draw: RecordedDraw(manifestSHA256: manifestSHA256, valuesJSON: outcome.valuesJSON.serialized(),
                                                       resultJSON: result, resultSHA256: sha256Hex(result), seed: outcome.seed,
                                                       inspections: inspections),
                                detail: "seed \(outcome.seed): \(outcome.teams.count) institutions drawn", actor: actor)
        return outcome
    }

    /// The draw of a drawn round replayed with its recorded substitutions and `extra` after
    /// them: the one place a stored draw is recomputed (DRAW.md §6–7).
    func replayDraw(_ round: Round, substitutions: [Substitution], extra: [SubstitutionRequest] = []) throws -> (manifest: Data, values: String, outcome: DrawOutcome) {
        guard round.state >= .drawn, let manifest = round.manifest, let valuesJSON = round.valuesJSON else {
            throw Refusal("round \(round.id) has not been drawn")
        }
        let values = try SourceValues.parse(Data(valuesJSON.utf8))
        let requests = substitutions.map { SubstitutionRequest(inspector: $0.inspector, institution: $0.institution, reason: $0.reason) } + extra
        return (manifest, valuesJSON, try DrawAlgorithm.run(manifestBytes: manifest, values: values, substitutions: requests))
    }

    /// DRAW.md §6: replaces a drawn inspector who cannot serve by the rule's next candidate; the
    /// draw itself is never edited.
    public func substitute(round id: String, inspector: String, institution: String, reason: String) throws -> Substitution {
        guard let (round, _, earlier) = try store.roundWithPlan(id) else { throw Refusal("no round \(id)") }
        guard !reason.trimmingSpaces.isEmpty else { throw Refusal("a substitution needs its reason") }
        let replay = try replayDraw(round, substitutions: earlier,
                                    extra: [SubstitutionRequest(inspector: inspector, institution: institution, reason: reason)])
        let made = replay.outcome.substitutions.last
        var team: Inspection?
        if let current = replay.outcome.currentTeams.first(where: { $0.institution == institution }),
           let drawn = replay.outcome.teams.first(where: { $0.institution == institution }) {
            team = Inspection(round: id, institution: institution, drawnTeam: drawn.members.map(\.id), team: current.inspectors,
                              teamShortfall: max(0, drawn.members.count + drawn.shortfall - current.inspectors.count))
        }
        return try store.recordSubstitution(
            Substitution(round: id, number: earlier.count + 1, inspector: inspector, institution: institution, reason: reason,
                         replacement: made?.replacement, at: "", actor: actor),
            team: team, actor: actor)
    }

    /// The files published with a drawn round (Art. 17): manifest, values, result with the
    /// substitutions applied, the substitutions, a page and the method.
    public func publishedDraw(round id: String) throws -> PublishedDraw {
        guard let (round, _, substitutions) = try store.roundWithPlan(id) else { throw Refusal("no round \(id)") }
        let replay = try replayDraw(round, substitutions: substitutions)
        let result = replay.outcome.json.serialized()
        let substitutionsJSON = JSONValue.array(substitutions.map {
            .object([("inspector", .string($0.inspector)), ("institution", .string($0.institution)), ("reason", .string($0.reason))])
        }).serialized()
        let versions = round.rosterVersions
        let institutions = Dictionary(try store.institutions(at: versions?.institutions.map(RosterPoint.version) ?? .current).entries.map { ($0.id, $0) },
                                      uniquingKeysWith: { first, _ in first })
        let inspectors = Dictionary(try store.inspectors(at: versions?.inspectors.map(RosterPoint.version) ?? .current).entries.map { ($0.id, $0.name) },
                                    uniquingKeysWith: { first, _ in first })
        let tree = try jurisdictionTree()
        let teams = replay.outcome.currentTeams.map { team in
            DrawPage.Team(institution: team.institution, institutionName: institutions[team.institution]?.name ?? team.institution,
                          jurisdiction: institutions[team.institution].map { tree.displayName($0.jurisdiction) } ?? "",
                          members: team.inspectors.map { "\(inspectors[$0] ?? $0)（\($0)）" })
        }
        let page = DrawPage(round: id, manifestSHA256: sha256Hex(replay.manifest), result: result, teams: teams).html()
        return PublishedDraw(files: [
            ("manifest.json", replay.manifest), ("values.json", Data(replay.values.utf8)), ("result.json", Data(result.utf8)),
            ("substitutions.json", Data(substitutionsJSON.utf8)), ("index.html", Data(page.utf8)),
            (DrawAlgorithmDocument.fileName, Data(DrawAlgorithmDocument.markdown.utf8)),
        ])
    }

    public func rounds(plan: String?) throws(StoreError) -> [Round] { try store.rounds(plan: plan) }

    public func roundDetail(_ id: String) throws -> RoundDetail {
        guard let round = try store.round(id) else { throw Refusal("no round \(id)") }
        return RoundDetail(round: round, steps: try store.steps(round: id), inspections: try store.inspections(round: id),
                           substitutions: try store.substitutions(round: id), inspectionNumbers: try store.inspectionNumbers(round: id))
    }

    // MARK: Audit

    public func verifyAudit() throws(StoreError) -> AuditVerification { try store.verifyAudit() }

    /// Audit entries: those whose subject starts with `subjectPrefix`, and/or those of a round.
    public func auditEntries(subjectPrefix: String?, round: String?) throws(StoreError) -> [AuditEntry] {
        try store.auditEntries(subjectPrefix: subjectPrefix, subject: round.map { "round/\($0)" })
    }
}
