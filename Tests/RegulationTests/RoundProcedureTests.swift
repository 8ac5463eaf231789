import Draw
import Regulation
import Testing

@Suite("Round procedure (Art. 10)")
struct RoundProcedureTests {
    @Test("steps only in order, and a drawn round is never drawn again")
    func order() {
        #expect(RoundState.proposed.refusal(toward: .approved) == nil)
        #expect(RoundState.approved.refusal(toward: .announced) == nil)
        #expect(RoundState.announced.refusal(toward: .drawn) == nil)
        #expect(RoundState.proposed.refusal(toward: .announced)?.contains("must follow \"approved\"") == true)
        #expect(RoundState.proposed.refusal(toward: .drawn) != nil)
        #expect(RoundState.drawn.refusal(toward: .drawn)?.contains("drawn once") == true)
    }

    @Test("rates below Art. 8's 5 %, or high risk below normal, are refused")
    func rates() {
        func rates(_ normal: (Int, Int), _ high: (Int, Int)) -> SamplingRates {
            SamplingRates(normal: Rate(num: normal.0, den: normal.1), high: Rate(num: high.0, den: high.1))
        }
        #expect(SamplingRule.problems(rates((5, 100), (20, 100))).isEmpty)
        #expect(SamplingRule.problems(rates((4, 100), (20, 100))).count == 1)
        #expect(SamplingRule.problems(rates((1, 20), (1, 25))).count == 1)
        #expect(!SamplingRule.problems(SamplingRates(normal: Rate(num: 1, den: 0), high: Rate(num: 1, den: 5))).isEmpty)
        #expect(Rate(text: "5/100") == Rate(num: 5, den: 100))
        #expect(Rate(text: "5/0") == nil && Rate(text: "101/100") == nil && Rate(text: "five") == nil)
    }
}

