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
        var facts: [Key: [RoundFacts]] = [:]
        var plannedMonths: [Key: [Int]] = [:]
        var inspected = Set<String>()
        var sampledBelow: [Key: [String: Int]] = [:]
        var checklists = ChecklistCache()
        for plan in try store.plans() where plan.year == year {
            let key = Key(jurisdiction: plan.jurisdiction, category: plan.category)
            var drawn = 0
            for round in try store.rounds(plan: plan.id) where round.state >= .drawn {
                guard let procedure = try store.procedure(round: round.id), let drawnOn = Self.day(of: .drawn, in: procedure), drawnOn <= day,
                      drawnOn.year == year else { continue }
                drawn += 1
                guard let resultJSON = round.resultJSON else { throw StoreError.corrupt("round \(round.id) is drawn but has no result") }
                let strata = try DrawFigures.parse(resultJSON).strata  // the figures as drawn, not replayed
                let high = strata.filter { $0.risk == RiskLevel.high.rawValue }
                var fact = RoundFacts(round: round.id, drawnOn: drawnOn, population: strata.reduce(0) { $0 + $1.eligible },
                                      sample: strata.reduce(0) { $0 + $1.selected },
                                      highRiskPopulation: high.reduce(0) { $0 + $1.eligible }, highRiskSample: high.reduce(0) { $0 + $1.selected },
                                      planHighRiskRate: plan.rates.high)
                for inspection in procedure.inspections {
                    let name = "\(round.id)/\(inspection.institution)"
                    inspected.insert(inspection.institution)
                    if inspection.team.count < 2 { fact.smallTeams.append(name) }  // Art. 11
                    for inspector in inspection.team {
                        if conflicts.contains("\(inspector)/\(inspection.institution)") { fact.conflicted.append("\(inspector)/\(inspection.institution)") }
                        if inspectorCategories[inspector].map({ !$0.contains(plan.category) }) ?? false { fact.otherCategory.append(inspector) }
                    }
                    // Art. 12 stage 1: the institutions a higher level's round samples also count where they are.
                    if let place = jurisdictionOf[inspection.institution], place != plan.jurisdiction {
                        for ancestor in tree.ancestry(place) where ancestor.code != plan.jurisdiction {
                            if tree.ancestry(ancestor.code).contains(where: { $0.code == plan.jurisdiction }) {
                                sampledBelow[Key(jurisdiction: ancestor.code, category: plan.category), default: [:]][round.id, default: 0] += 1
                            }
                        }
                    }
                }
                if round.state >= .ended {  // Art. 9: the records are complete once the inspection work is over
                    let latest = Self.latestResults(procedure.results)
                    fact.missingChecklist = try missingItems(category: plan.category, ended: procedure.date(of: .ended),
                                                             institutions: procedure.inspections.map(\.institution), results: { latest[$0] ?? [:] },
                                                             checklists: &checklists).map { "\(round.id)/\($0.institution)" }
                }
                facts[key, default: []].append(fact)
            }
            plannedMonths[key] = Array(plan.months.sorted().dropFirst(drawn))
        }

        var rows: [ComplianceRow] = []
        for code in tree.byCode.keys.sorted() where scope?.contains(code) ?? true {
            let below = tree.subtree(code)
            let depth = tree.ancestry(code).count
            let level = depth <= 1 ? "province" : depth == 2 ? "city" : "county"
            for kind in Category.allCases where category.map({ $0 == kind }) ?? true {
                let mine = institutions.filter { $0.category == kind && below.contains($0.jurisdiction) }
                let key = Key(jurisdiction: code, category: kind)
                let input = ComplianceInput(
                    jurisdiction: code, level: level, category: kind.rawValue, year: year, institutions: mine.count,
                    ownInstitutions: mine.filter { $0.jurisdiction == code }.count, rounds: facts[key] ?? [], plannedMonths: plannedMonths[key] ?? [],
                    highRiskUninspected: mine.filter { $0.risk == .high && !inspected.contains($0.id) }.map(\.id).sorted(),
                    sampledByHigherLevels: sampledBelow[key] ?? [:])
                rows.append(Compliance.evaluate(input, asOf: day, settings: settings))
            }
        }
        return (year, day, rows)
    }
}
