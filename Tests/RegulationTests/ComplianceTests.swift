import Draw
import Regulation
import Testing
import WorkingDays

/// The yearly rules (Art. 8, 9, 11, 12) on values, without a database.
@Suite("Yearly compliance")
struct ComplianceTests {
    static func date(_ text: String) -> CivilDate { CivilDate(text)! }
    static let high = Rate(num: 20, den: 100)

    static func round(_ id: String, on day: String, population: Int = 140, sample: Int = 7, highPopulation: Int = 10, highSample: Int = 2) -> RoundFacts {
        RoundFacts(round: id, drawnOn: date(day), population: population, sample: sample, highRiskPopulation: highPopulation,
                   highRiskSample: highSample, planHighRiskRate: high)
    }

    static func input(_ rounds: [RoundFacts], planned: [Int] = [], institutions: Int = 140, uninspected: [String] = []) -> ComplianceInput {
        ComplianceInput(jurisdiction: "640100", level: "city", category: "lawyer", year: 2030, institutions: institutions, ownInstitutions: 40,
                        rounds: rounds, plannedMonths: planned, highRiskUninspected: uninspected)
    }

    @Test("two good rounds: ok; the sample required is ceil(5 % × population)")
    func twoGoodRounds() {
        let row = Compliance.evaluate(Self.input([Self.round("R1", on: "2030-05-10"), Self.round("R2", on: "2030-10-10")]), asOf: Self.date("2030-11-25"),
                                      settings: ComplianceSettings())
        #expect(row.status == .ok, "\(row.violations) \(row.warnings)")
        #expect(row.roundsDetail.map(\.requiredSample) == [7, 7])
        #expect(row.roundsDetail.map(\.highRiskRequired) == [2, 2])
        #expect(Compliance.required(Rate(num: 5, den: 100), of: 141) == 8, "ceil, not round")
    }

    @Test("one round: a warning after 31 October naming what would make it good, a violation once the year is over")
    func oneRound() {
        let rounds = [Self.round("R1", on: "2030-05-10")]
        #expect(Compliance.evaluate(Self.input(rounds, planned: [10]), asOf: Self.date("2030-09-01"), settings: ComplianceSettings()).status == .ok,
                "a second round still planned for October")
        let late = Compliance.evaluate(Self.input(rounds), asOf: Self.date("2030-11-25"), settings: ComplianceSettings())
        #expect(late.status == .warning)
        #expect(late.warnings.first?.message.contains("draw 1 more round of at least 7 institutions by 2030-12-31") == true, "\(late.warnings)")
        #expect(late.warnings.first?.article == 8)
        let over = Compliance.evaluate(Self.input(rounds), asOf: Self.date("2031-01-05"), settings: ComplianceSettings())
        #expect(over.status == .violation && over.violations.first?.article == 8)
    }

    @Test("no round by 30 June warns; a projected shortfall from the plan warns before")
    func earlyWarnings() {
        let june = Compliance.evaluate(Self.input([], planned: [9, 11]), asOf: Self.date("2030-07-01"), settings: ComplianceSettings())
        #expect(june.warnings.first?.message.hasPrefix("no round drawn by 2030-06-30") == true, "\(june.warnings)")
        let projected = Compliance.evaluate(Self.input([], planned: [11]), asOf: Self.date("2030-03-01"), settings: ComplianceSettings())
        #expect(projected.status == .warning && projected.warnings.first?.message.contains("still planned") == true)
    }

    @Test("a round under 5 %, high-risk institutions under-sampled, a team of one, a conflicted inspector and a missing checklist item are violations, each with its article")
    func violations() {
        var bad = Self.round("R1", on: "2030-05-10", sample: 6, highSample: 1)
        bad.smallTeams = ["R1/A"]
        bad.conflicted = ["SF1/A"]
        bad.missingChecklist = ["R1/B"]
        let row = Compliance.evaluate(Self.input([bad, Self.round("R2", on: "2030-10-10")]), asOf: Self.date("2030-11-25"), settings: ComplianceSettings())
        #expect(row.status == .violation)
        #expect(row.violations.map(\.article) == [8, 8, 11, 11, 9], "\(row.violations)")
    }

    @Test("configuration below a floor is refused, naming the key")
    func floors() {
        #expect(ComplianceSettings(minimumRounds: 1).belowFloor?.key == "compliance.minimum_rounds")
        #expect(ComplianceSettings(minimumRate: Rate(num: 4, den: 100)).belowFloor?.key == "compliance.minimum_rate")
        #expect(ComplianceSettings(highRiskRate: Rate(num: 3, den: 100)).belowFloor?.key == "compliance.high_risk_rate")
        #expect(ComplianceSettings(minimumRounds: 3, minimumRate: Rate(num: 10, den: 100)).belowFloor == nil, "above the floors is fine")
    }

    @Test("high-risk institutions each once a year, when configured: a warning late in the year, a violation after it")
    func highRiskEachYear() {
        let settings = ComplianceSettings(highRiskEachYear: true)
        let rounds = [Self.round("R1", on: "2030-05-10"), Self.round("R2", on: "2030-10-10")]
        #expect(Compliance.evaluate(Self.input(rounds, uninspected: ["X"]), asOf: Self.date("2030-11-25"), settings: settings).status == .warning)
        #expect(Compliance.evaluate(Self.input(rounds, uninspected: ["X"]), asOf: Self.date("2031-01-02"), settings: settings).status == .violation)
        #expect(Compliance.evaluate(Self.input(rounds, uninspected: ["X"]), asOf: Self.date("2030-11-25"), settings: ComplianceSettings()).status == .ok)
    }

    @Test("a jurisdiction with few institutions is reported as too few for a meaningful ratio (Art. 12)")
    func few() {
        #expect(Compliance.evaluate(Self.input([], institutions: 12), asOf: Self.date("2030-03-01"), settings: ComplianceSettings()).tooFewForRatio)
        #expect(!Compliance.evaluate(Self.input([], institutions: 140), asOf: Self.date("2030-03-01"), settings: ComplianceSettings()).tooFewForRatio)
    }
}
