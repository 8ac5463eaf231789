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
        #expect(SamplingRates().problems.isEmpty)
        #expect(SamplingRates(normalNumerator: 4, normalDenominator: 100).problems.count == 1)
        #expect(SamplingRates(normalNumerator: 1, normalDenominator: 20, highNumerator: 1, highDenominator: 25).problems.count == 1)
        #expect(!SamplingRates(normalNumerator: 1, normalDenominator: 0).problems.isEmpty)
    }
}
