import DemoData
import Rosters
import Testing

@Suite("Demo deployment")
struct DemoDeploymentTests {
    @Test("several hundred valid institutions over 22 counties and six categories, about 10 % high risk")
    func shape() {
        let demo = DemoDeployment(seed: 7, institutionCount: 600)
        #expect((550...650).contains(demo.institutions.count))
        #expect(Set(demo.institutions.map(\.category)) == Set(Category.allCases))
        #expect(Set(demo.institutions.map(\.jurisdiction)).count == 22)
        #expect(demo.institutions.allSatisfy { CreditCode.problem(in: $0.id) == nil })
        #expect(Set(demo.institutions.map(\.id)).count == demo.institutions.count)
        let high = demo.institutions.filter { $0.risk == .high }
        #expect((30...90).contains(high.count))
        #expect(high.allSatisfy { $0.riskReason != nil })
        for category in Category.allCases {
            #expect(demo.inspectors.contains { $0.categories.contains(category) })
            #expect(demo.checklist.contains { $0.category == category })
        }
        #expect(demo.conflicts.count >= 5)
        let ids = Set(demo.inspectors.map(\.id))
        #expect(demo.conflicts.allSatisfy { ids.contains($0.inspector) })
    }

    @Test("the same seed gives the same deployment")
    func deterministic() {
        #expect(DemoDeployment(seed: 3, institutionCount: 100).institutions == DemoDeployment(seed: 3, institutionCount: 100).institutions)
        #expect(DemoDeployment(seed: 3, institutionCount: 100).institutions != DemoDeployment(seed: 4, institutionCount: 100).institutions)
    }
}
