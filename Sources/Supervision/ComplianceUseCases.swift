import Draw
import Foundation
public import Regulation
import Records
public import Rosters
import Store
public import WorkingDays

extension Supervisor {
    /// The yearly rules (Art. 8, 9, 11, 12) for every jurisdiction level × category of `year`
    /// (default the year of `day`) as of the end of `day` (default today). A round counts for the
    /// jurisdiction of its plan; the institutions a round samples in a lower jurisdiction also
    /// show in that jurisdiction's row (Art. 12 stage 1). Rows are limited to `jurisdiction`'s
    /// subtree and to `category` when given.
    /// `sampledBelow`: whether to find where higher levels' rounds sampled (the query shows it;
    /// the daemon's alerts do not need it).
    public func compliance(year: Int? = nil, asOf day: CivilDate? = nil, jurisdiction: String? = nil, category: Category? = nil,
                           settings: ComplianceSettings = ComplianceSettings(), sampledBelow findSampledBelow: Bool = true) throws -> (year: Int, asOf: CivilDate, rows: [ComplianceRow]) {
        let day = day ?? today
        let year = year ?? day.year
        let tree = try jurisdictionTree()
        let scope = try jurisdiction.map { try subtree($0, option: "--jurisdiction") }
        guard let yearEnd = CivilDate(year: year, month: 12, day: 31) else { throw UsageError("--year \(year) is not a year") }
        let rosterDay = min(day, yearEnd)
        let figures = try store.institutionFigures(at: RosterAsOf.endOf(rosterDay).point)
        let inspectorCategories = Dictionary(try inspectors(RosterFilter(), at: .endOf(rosterDay)).entries.map { ($0.id, Set($0.categories)) },
                                             uniquingKeysWith: { first, _ in first })

        struct Key: Hashable { var jurisdiction: String; var category: Category }
        let plans = Dictionary(try store.plans().filter { $0.year == year }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var ancestry: [String: [String]] = [:]
        func chain(_ code: String) -> [String] {
            if let known = ancestry[code] { return known }
            let codes = tree.ancestry(code).map(\.code)
            ancestry[code] = codes
            return codes
        }
        // The rounds drawn in the year by the end of the day, each as kept: one row per round.
        var counted: [String: (record: ComplianceRoundRecord, plan: Plan, fact: RoundFacts)] = [:]
        var drawnPerPlan: [String: Int] = [:]
        for record in try store.complianceRounds(year: year) {
            guard let plan = plans[record.plan], let drawnOn = ShanghaiTime.civilDate(stored: record.drawnAt), drawnOn <= day, drawnOn.year == year else { continue }
            drawnPerPlan[plan.id, default: 0] += 1
            var fact = RoundFacts(round: record.round, drawnOn: drawnOn, population: record.population, sample: record.sample,
                                  highRiskPopulation: record.highRiskPopulation, highRiskSample: record.highRiskSample, planHighRiskRate: plan.rates.high)
            fact.smallTeams = record.smallTeams.map { "\(record.round)/\($0)" }  // Art. 11: at least 2
            counted[record.round] = (record, plan, fact)
        }
        // Art. 11: inspectors not of the round's category.
        for (round, inspector) in try store.roundInspectors(year: year) {
            guard let entry = counted[round], inspectorCategories[inspector].map({ !$0.contains(entry.plan.category) }) ?? false else { continue }
            counted[round]?.fact.otherCategory.append(inspector)
        }
        // Art. 11: an inspector on the team of an institution with a recorded conflict (looked up by institution).
        for hit in try store.conflictedTeamMembers(year: year, at: RosterAsOf.endOf(rosterDay).point) where counted[hit.round] != nil {
            counted[hit.round]?.fact.conflicted.append("\(hit.inspector)/\(hit.institution)")
        }
        // Art. 8: which high-risk institutions a round of the year has inspected.
        let inspectedHighRisk = try store.highRiskInspected(at: RosterAsOf.endOf(rosterDay).point, rounds: counted.keys.sorted())
        // Art. 9: the records are complete once the inspection work is over; a round reported or
        // later is complete by construction (the report waits for every item).
        var checklists = ChecklistCache()
        for coverage in try store.coverageRecords(roundsIn: .ended) where counted[coverage.round] != nil {
            let latest = Self.latestResults(coverage.results)
            counted[coverage.round]?.fact.missingChecklist = try missingItems(
                category: coverage.category, ended: coverage.ended, institutions: coverage.institutions, results: { latest[$0] ?? [:] },
                checklists: &checklists).map { "\(coverage.round)/\($0.institution)" }
        }
        // Art. 12 stage 1: the institutions a higher level's round samples also count where they
        // were drawn (registered in the roster of its draw), in every level between them and the
        // plan's jurisdiction.
        var sampledBelow: [Key: [String: Int]] = [:]
        if findSampledBelow {
            let higher = counted.values.filter { !tree.subtree($0.plan.jurisdiction).subtracting([$0.plan.jurisdiction]).isEmpty }.map(\.record.round)
            for (round, place, sampled) in try store.samplePlaces(rounds: higher.sorted()) {
                guard let plan = counted[round]?.plan, place != plan.jurisdiction else { continue }
                let above = chain(place)
                guard let planLevel = above.firstIndex(of: plan.jurisdiction) else { continue }
                for code in above[..<planLevel] {
                    sampledBelow[Key(jurisdiction: code, category: plan.category), default: [:]][round, default: 0] += sampled
                }
            }
        }
        var facts: [Key: [RoundFacts]] = [:]
        for entry in counted.values.sorted(by: { $0.record.round < $1.record.round }) {
            facts[Key(jurisdiction: entry.plan.jurisdiction, category: entry.plan.category), default: []].append(entry.fact)
        }
        var plannedMonths: [Key: [Int]] = [:]
        for plan in plans.values {
            plannedMonths[Key(jurisdiction: plan.jurisdiction, category: plan.category), default: []] += Array(plan.months.sorted().dropFirst(drawnPerPlan[plan.id] ?? 0))
        }

        // Each institution counted once in every level above it (Art. 2–4): one pass, not one per row.
        struct Counts { var all = 0; var own = 0; var highRiskUninspected: [String] = [] }
        var counts: [Key: Counts] = [:]
        for (place, kind, count) in figures.counts {
            for (position, code) in chain(place).enumerated() {
                let key = Key(jurisdiction: code, category: kind)
                counts[key, default: Counts()].all += count
                if position == 0 { counts[key, default: Counts()].own += count }
            }
        }
        for institution in figures.highRisk where !inspectedHighRisk.contains(institution.id) {
            for code in chain(institution.jurisdiction) {
                counts[Key(jurisdiction: code, category: institution.category), default: Counts()].highRiskUninspected.append(institution.id)
            }
        }

        var rows: [ComplianceRow] = []
        for code in tree.byCode.keys.sorted() where scope?.contains(code) ?? true {
            let depth = chain(code).count
            let level = depth <= 1 ? "province" : depth == 2 ? "city" : "county"
            for kind in Category.allCases where category.map({ $0 == kind }) ?? true {
                let key = Key(jurisdiction: code, category: kind)
                let count = counts[key] ?? Counts()
                let input = ComplianceInput(
                    jurisdiction: code, level: level, category: kind.rawValue, year: year, institutions: count.all,
                    ownInstitutions: count.own, rounds: facts[key] ?? [], plannedMonths: plannedMonths[key] ?? [],
                    highRiskUninspected: count.highRiskUninspected.sorted(), sampledByHigherLevels: sampledBelow[key] ?? [:])
                rows.append(Compliance.evaluate(input, asOf: day, settings: settings))
            }
        }
        return (year, day, rows)
    }
}
