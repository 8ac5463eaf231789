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
    public func compliance(year: Int? = nil, asOf day: CivilDate? = nil, jurisdiction: String? = nil, category: Category? = nil,
                           settings: ComplianceSettings = ComplianceSettings()) throws -> (year: Int, asOf: CivilDate, rows: [ComplianceRow]) {
        let day = day ?? today
        let year = year ?? day.year
        let tree = try jurisdictionTree()
        let scope = try jurisdiction.map { try subtree($0, option: "--jurisdiction") }
        guard let yearEnd = CivilDate(year: year, month: 12, day: 31) else { throw UsageError("--year \(year) is not a year") }
        let rosterDay = min(day, yearEnd)
        let institutions = try institutions(RosterFilter(), at: .endOf(rosterDay)).entries
        let jurisdictionOf = Dictionary(institutions.map { ($0.id, $0.jurisdiction) }, uniquingKeysWith: { first, _ in first })
        let inspectorCategories = Dictionary(try inspectors(RosterFilter(), at: .endOf(rosterDay)).entries.map { ($0.id, Set($0.categories)) },
                                             uniquingKeysWith: { first, _ in first })
        let conflicts = Set(try self.conflicts(at: .endOf(rosterDay)).entries.map { "\($0.inspector)/\($0.institution)" })

        struct Key: Hashable { var jurisdiction: String; var category: Category }
        let plans = Dictionary(try store.plans().filter { $0.year == year }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var facts: [Key: [RoundFacts]] = [:]
        var drawnPerPlan: [String: Int] = [:]
        var inspected = Set<String>()
        var sampledBelow: [Key: [String: Int]] = [:]
        var checklists = ChecklistCache()
        var ancestry: [String: [String]] = [:]
        func chain(_ code: String) -> [String] {
            if let known = ancestry[code] { return known }
            let codes = tree.ancestry(code).map(\.code)
            ancestry[code] = codes
            return codes
        }
        for record in try store.complianceRounds(year: year) {
            let round = record.round
            guard let plan = plans[round.plan], let drawnOn = ShanghaiTime.civilDate(stored: record.drawnAt), drawnOn <= day, drawnOn.year == year else { continue }
            drawnPerPlan[plan.id, default: 0] += 1
            guard let resultJSON = round.resultJSON else { throw StoreError.corrupt("round \(round.id) is drawn but has no result") }
            let strata = try DrawFigures.parse(resultJSON).strata  // the figures as drawn, not replayed
            let high = strata.filter { $0.risk == RiskLevel.high.rawValue }
            var fact = RoundFacts(round: round.id, drawnOn: drawnOn, population: strata.reduce(0) { $0 + $1.eligible },
                                  sample: strata.reduce(0) { $0 + $1.selected },
                                  highRiskPopulation: high.reduce(0) { $0 + $1.eligible }, highRiskSample: high.reduce(0) { $0 + $1.selected },
                                  planHighRiskRate: plan.rates.high)
            for inspection in record.inspections {
                let name = "\(round.id)/\(inspection.institution)"
                inspected.insert(inspection.institution)
                if inspection.team.count < 2 { fact.smallTeams.append(name) }  // Art. 11
                for inspector in inspection.team {
                    if conflicts.contains("\(inspector)/\(inspection.institution)") { fact.conflicted.append("\(inspector)/\(inspection.institution)") }
                    if inspectorCategories[inspector].map({ !$0.contains(plan.category) }) ?? false { fact.otherCategory.append(inspector) }
                }
                // Art. 12 stage 1: the institutions a higher level's round samples also count
                // where they are, in every level between them and the plan's jurisdiction.
                if let place = jurisdictionOf[inspection.institution], place != plan.jurisdiction {
                    let above = chain(place)
                    if let planLevel = above.firstIndex(of: plan.jurisdiction) {
                        for code in above[..<planLevel] {
                            sampledBelow[Key(jurisdiction: code, category: plan.category), default: [:]][round.id, default: 0] += 1
                        }
                    }
                }
            }
            // Art. 9: the records are complete once the inspection work is over; a round reported
            // or later is complete by construction (the report waits for every item).
            if round.state == .ended {
                let latest = Self.latestResults(record.results)
                fact.missingChecklist = try missingItems(category: plan.category, ended: record.ended, institutions: record.inspections.map(\.institution),
                                                         results: { latest[$0] ?? [:] }, checklists: &checklists).map { "\(round.id)/\($0.institution)" }
            }
            facts[Key(jurisdiction: plan.jurisdiction, category: plan.category), default: []].append(fact)
        }
        var plannedMonths: [Key: [Int]] = [:]
        for plan in plans.values {
            plannedMonths[Key(jurisdiction: plan.jurisdiction, category: plan.category), default: []] += Array(plan.months.sorted().dropFirst(drawnPerPlan[plan.id] ?? 0))
        }

        // Each institution counted once in every level above it (Art. 2–4): one pass, not one per row.
        struct Counts { var all = 0; var own = 0; var highRiskUninspected: [String] = [] }
        var counts: [Key: Counts] = [:]
        for institution in institutions {
            for (position, code) in chain(institution.jurisdiction).enumerated() {
                let key = Key(jurisdiction: code, category: institution.category)
                counts[key, default: Counts()].all += 1
                if position == 0 { counts[key, default: Counts()].own += 1 }
                if institution.risk == .high, !inspected.contains(institution.id) { counts[key, default: Counts()].highRiskUninspected.append(institution.id) }
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
