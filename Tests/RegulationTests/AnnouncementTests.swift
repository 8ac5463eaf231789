import Draw
import Regulation
import Rosters
import Testing

/// The announce decisions (DRAW.md §1, Art. 11, 12), without a database.
@Suite("Announcement decisions")
struct AnnouncementTests {
    static let tree = JurisdictionTree([
        Jurisdiction(code: "640000", name: "宁夏回族自治区", parent: nil),
        Jurisdiction(code: "640100", name: "银川市", parent: "640000"),
        Jurisdiction(code: "640104", name: "兴庆区", parent: "640100"),
        Jurisdiction(code: "640105", name: "西夏区", parent: "640100"),
        Jurisdiction(code: "640200", name: "石嘴山市", parent: "640000"),
        Jurisdiction(code: "640202", name: "大武口区", parent: "640200"),
    ])
    static let source = DrawManifest.Source(name: "dice", kind: "integers", description: "dice", expectedAt: "2026-12-24T21:15:00+08:00")
    static let rates = SamplingRates(normal: Rate(num: 5, den: 100), high: Rate(num: 20, den: 100))

    static func round(_ jurisdiction: String = "640100", category: Category = .lawyer) -> AnnouncedRound {
        AnnouncedRound(round: "R1", announcedAt: "2026-12-01T10:00:00+08:00", jurisdiction: jurisdiction, category: category, rates: rates)
    }

    static func institution(_ id: String, _ jurisdiction: String, category: Category = .lawyer, status: InstitutionStatus = .active) -> Institution {
        Institution(id: id, name: id, category: category, jurisdiction: jurisdiction, risk: .normal, riskReason: nil, status: status)
    }

    static func inspector(_ id: String, _ jurisdiction: String, categories: [Category] = [.lawyer], status: InspectorStatus = .available) -> Inspector {
        Inspector(id: id, name: id, jurisdiction: jurisdiction, categories: categories, status: status)
    }

    static let institutions = [
        institution("I1", "640104"), institution("I2", "640105", status: .suspended), institution("I3", "640202"),
        institution("I4", "640104", category: .notary),
    ]
    static let inspectors = [
        inspector("P1", "640104"), inspector("P2", "640105", status: .unavailable), inspector("P3", "640100"),
        inspector("P4", "640202"), inspector("P5", "640000"), inspector("P6", "640104", categories: [.notary]),
    ]

    @Test("local pool is the plan's subtree; fallback adds other subtrees and, when delegated, the levels above; never overlapping")
    func pools() throws {
        let plain = try Announcement.pools(of: "640100", options: AnnouncementOptions(sources: [Self.source]), tree: Self.tree)
        #expect(plain.local == ["640100", "640104", "640105"])
        #expect(plain.fallback.isEmpty)
        let pooled = try Announcement.pools(of: "640100", options: AnnouncementOptions(sources: [Self.source], fallbackJurisdictions: ["640200", "640104"],
                                                                                     fallbackFromAbove: true), tree: Self.tree)
        #expect(pooled.fallback == ["640200", "640202", "640000"], "640104 is local already; 640000 is the level above")
        #expect(throws: Refusal.self) {
            try Announcement.pools(of: "640100", options: AnnouncementOptions(sources: [Self.source], fallbackJurisdictions: ["659999"]), tree: Self.tree)
        }
    }

    @Test("the manifest lists the category's institutions in the jurisdiction, suspended ones ineligible with the reason")
    func eligibility() throws {
        let manifest = try Announcement.manifest(for: Self.round(), options: AnnouncementOptions(sources: [Self.source]), tree: Self.tree,
                                                 institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        #expect(manifest.institutions.map(\.id) == ["I1", "I2"], "I3 is outside 640100, I4 is a notary")
        #expect(manifest.institutions.first { $0.id == "I2" }?.eligible == false)
        #expect(manifest.institutions.first { $0.id == "I2" }?.reason == "suspended (停业)")
        #expect(manifest.category == "lawyer" && manifest.round == "R1" && manifest.rates == Self.rates)
    }

    @Test("inspectors of the category from the local pool, unavailable ones marked; fallback ones marked fallback")
    func inspectorsAndFallback() throws {
        let local = try Announcement.manifest(for: Self.round(), options: AnnouncementOptions(sources: [Self.source]), tree: Self.tree,
                                              institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        #expect(local.inspectors.map(\.id) == ["P1", "P2", "P3"])
        #expect(local.inspectors.first { $0.id == "P2" }?.available == false)
        #expect(local.inspectors.allSatisfy { $0.pool == "local" })
        let withFallback = try Announcement.manifest(
            for: Self.round(), options: AnnouncementOptions(sources: [Self.source], fallbackJurisdictions: ["640200"], fallbackFromAbove: true),
            tree: Self.tree, institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        #expect(withFallback.inspectors.map(\.id) == ["P1", "P2", "P3", "P4", "P5"])
        #expect(withFallback.inspectors.filter { $0.pool == "fallback" }.map(\.id) == ["P4", "P5"])
    }

    @Test("a team below 2 is refused (Art. 11)", arguments: [0, 1])
    func teamSize(size: Int) {
        #expect(throws: Refusal.self) {
            try Announcement.manifest(for: Self.round(), options: AnnouncementOptions(sources: [Self.source], teamSize: size), tree: Self.tree,
                                      institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        }
    }

    @Test("recusal pairs between listed people are carried into the manifest; others are left out")
    func conflicts() throws {
        let pairs = [
            Conflict(inspector: "P1", institution: "I1", reason: "former partner"),
            Conflict(inspector: "P4", institution: "I1", reason: "not in the pool"),
            Conflict(inspector: "P3", institution: "I3", reason: "institution not listed"),
        ]
        let manifest = try Announcement.manifest(for: Self.round(), options: AnnouncementOptions(sources: [Self.source]), tree: Self.tree,
                                                 institutions: Self.institutions, inspectors: Self.inspectors, conflicts: pairs)
        #expect(manifest.conflicts == [DrawManifest.ConflictPair(inspector: "P1", institution: "I1")])
    }

    @Test("no institution, no source, or an unknown jurisdiction is refused with the reason")
    func refusals() {
        #expect(throws: Refusal.self) {
            try Announcement.manifest(for: Self.round("640200", category: .forensic), options: AnnouncementOptions(sources: [Self.source]),
                                      tree: Self.tree, institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        }
        #expect(throws: Refusal.self) {
            try Announcement.manifest(for: Self.round(), options: AnnouncementOptions(sources: []), tree: Self.tree,
                                      institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        }
        #expect(throws: Refusal.self) {
            try Announcement.manifest(for: Self.round("659999"), options: AnnouncementOptions(sources: [Self.source]), tree: Self.tree,
                                      institutions: Self.institutions, inspectors: Self.inspectors, conflicts: [])
        }
    }
}
