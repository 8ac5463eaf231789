import Rosters
import Testing

@Suite("Unified social credit codes (GB 32100-2015)")
struct CreditCodeTests {
    @Test("codes from the draw example and a published one check out", arguments: ["31640205E78825856H", "31640302E10188790B", "91110000600037341L"])
    func valid(_ code: String) {
        #expect(CreditCode.problem(in: code) == nil)
    }

    @Test("a wrong check character names the expected one")
    func wrongCheck() {
        #expect(CreditCode.problem(in: "31640205E78825856A") == .checkCharacter(found: "A", expected: "H"))
        #expect(CreditCode.complete("31640205E78825856") == "31640205E78825856H")
    }

    @Test("length and alphabet")
    func malformed() {
        #expect(CreditCode.problem(in: "91640100MA76") == .length(12))
        #expect(CreditCode.problem(in: "31640205E7882585OH") == .character("O", position: 17))
        #expect(CreditCode.problem(in: "31640205e78825856H") == .character("e", position: 9))
    }
}

@Suite("Categories, levels and jurisdictions")
struct VocabularyTests {
    @Test("categories in Chinese or English")
    func categories() {
        #expect(Category(text: "律师") == .lawyer)
        #expect(Category(text: " Legal-Aid ") == .legalAid)
        #expect(Category(text: "基层法律服务") == .grassroots)
        #expect(Category(text: "lawyers") == nil)
        #expect(RiskLevel(text: "较高") == .high)
        #expect(InstitutionStatus(text: "停业") == .suspended)
        #expect(InspectorStatus(text: "不在岗") == .unavailable)
        #expect("\u{3000}兴庆区 ".trimmingSpaces == "兴庆区")
    }

    @Test("the tree rolls up county → city → province")
    func tree() {
        let tree = JurisdictionTree([
            Jurisdiction(code: "640000", name: "宁夏回族自治区", parent: nil),
            Jurisdiction(code: "640100", name: "银川市", parent: "640000"),
            Jurisdiction(code: "640104", name: "兴庆区", parent: "640100"),
            Jurisdiction(code: "640200", name: "石嘴山市", parent: "640000"),
        ])
        #expect(tree.subtree("640100") == ["640100", "640104"])
        #expect(tree.subtree("640000").count == 4)
        #expect(tree.ancestry("640104").map(\.code) == ["640104", "640100", "640000"])
        #expect(tree.displayName("640104") == "银川市兴庆区 (640104)")
    }
}
