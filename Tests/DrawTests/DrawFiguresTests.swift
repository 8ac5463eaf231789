import Draw
import Foundation
import Testing

/// The figures compliance reads from a recorded result, checked against the worked example.
@Suite("Draw figures")
struct DrawFiguresTests {
    @Test("per stratum: risk, institutions eligible and the number selected, as the published result has them")
    func workedExample() throws {
        let text = String(decoding: try Vectors.data("result.json"), as: UTF8.self)
        let figures = try DrawFigures.parse(text)
        let published = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let strata = try #require(published["strata"] as? [[String: Any]])
        #expect(figures.strata.count == strata.count && !strata.isEmpty)
        for (figure, stratum) in zip(figures.strata, strata) {
            #expect(figure.risk == stratum["risk"] as? String)
            #expect(figure.eligible == stratum["eligible"] as? Int)
            #expect(figure.selected == (stratum["selected"] as? [Any])?.count)
        }
        #expect(throws: (any Error).self) { try DrawFigures.parse("{\"strata\": [{\"risk\": \"high\"}]}") }
    }
}
