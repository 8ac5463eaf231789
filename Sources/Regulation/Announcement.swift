public import Draw
public import Rosters

/// How a round is announced (DRAW.md §1 options), as the officials chose them.
public struct AnnouncementOptions: Sendable, Hashable {
    public var sources: [DrawManifest.Source]
    /// Draw this many jurisdictions first, then institutions within them (Art. 12).
    public var stage1: Int?
    public var stratifyByJurisdiction: Bool
    /// Inspectors per team (Art. 11: at least 2).
    public var teamSize: Int
    public var maxAssignmentsPerInspector: Int?
    /// Jurisdictions whose inspectors join as fallback (neighbouring areas, pooled), with their children.
    public var fallbackJurisdictions: [String]
    /// Whether the inspectors of the levels above join as fallback (delegated, Art. 11).
    public var fallbackFromAbove: Bool

    public init(sources: [DrawManifest.Source], stage1: Int? = nil, stratifyByJurisdiction: Bool = true, teamSize: Int = 2,
                maxAssignmentsPerInspector: Int? = nil, fallbackJurisdictions: [String] = [], fallbackFromAbove: Bool = false) {
        self.sources = sources
        self.stage1 = stage1
        self.stratifyByJurisdiction = stratifyByJurisdiction
        self.teamSize = teamSize
        self.maxAssignmentsPerInspector = maxAssignmentsPerInspector
        self.fallbackJurisdictions = fallbackJurisdictions
        self.fallbackFromAbove = fallbackFromAbove
    }
}

/// The round an announcement is for: its id and its plan's scope and rates.
public struct AnnouncedRound: Sendable, Hashable {
    public var round: String
    /// ISO-8601 with offset, Asia/Shanghai.
    public var announcedAt: String
    public var jurisdiction: String
    public var category: Category
    public var rates: SamplingRates

    public init(round: String, announcedAt: String, jurisdiction: String, category: Category, rates: SamplingRates) {
        self.round = round
        self.announcedAt = announcedAt
        self.jurisdiction = jurisdiction
        self.category = category
        self.rates = rates
    }
}

/// The decisions of an announcement (DRAW.md §1, Art. 6, 11, 12): which institutions and
/// inspectors the manifest lists, from which pools, which are eligible, and which recusal
/// pairs bind. Pure: the rosters in, the manifest out.
public enum Announcement {
    /// The inspector pools: the plan's jurisdiction with its children (local), and the fallback
    /// jurisdictions (neighbouring or pooled ones with their children, and, when delegated, the
    /// levels above), never overlapping the local pool (Art. 11).
    public static func pools(of jurisdiction: String, options: AnnouncementOptions, tree: JurisdictionTree)
        throws(Refusal) -> (local: Set<String>, fallback: Set<String>) {
        let local = tree.subtree(jurisdiction)
        var fallback = Set<String>()
        for code in options.fallbackJurisdictions {
            guard tree.contains(code) else { throw Refusal("--fallback \(code) is not a known jurisdiction") }
            fallback.formUnion(tree.subtree(code))
        }
        if options.fallbackFromAbove { fallback.formUnion(tree.ancestry(jurisdiction).dropFirst().map(\.code)) }
        fallback.subtract(local)
        return (local, fallback)
    }

    /// The manifest for `round` from the rosters as they stand: the plan's category in its
    /// jurisdiction (suspended institutions listed as ineligible with the reason), inspectors of
    /// the category from the local and fallback pools (unavailable ones listed as such), and the
    /// recusal pairs between them. Validated as DRAW.md §1 requires.
    public static func manifest(
        for round: AnnouncedRound, options: AnnouncementOptions, tree: JurisdictionTree,
        institutions: [Institution], inspectors: [Inspector], conflicts: [Conflict]
    ) throws(Refusal) -> DrawManifest {
        // Art. 11: at least two inspectors go together.
        guard options.teamSize >= 2 else { throw Refusal("a team has at least 2 inspectors (Art. 11); --team-size is \(options.teamSize)") }
        guard !options.sources.isEmpty else { throw Refusal("announce at least one public source (--source)") }
        guard tree.contains(round.jurisdiction) else { throw Refusal("\(round.jurisdiction) is not a known jurisdiction") }
        let (local, fallback) = try pools(of: round.jurisdiction, options: options, tree: tree)
        let listed = institutions
            .filter { $0.category == round.category && local.contains($0.jurisdiction) }
            .sorted { $0.id < $1.id }
        guard !listed.isEmpty else {
            throw Refusal("no \(round.category.rawValue) institution in \(round.jurisdiction) on the current roster")
        }
        let team = inspectors
            .filter { $0.categories.contains(round.category) && (local.contains($0.jurisdiction) || fallback.contains($0.jurisdiction)) }
            .sorted { $0.id < $1.id }
        let institutionIDs = Set(listed.map(\.id))
        let inspectorIDs = Set(team.map(\.id))
        // Art. 11: recusal pairs between the listed people bind the draw.
        let binding = conflicts.filter { institutionIDs.contains($0.institution) && inspectorIDs.contains($0.inspector) }
        let manifest = DrawManifest(
            round: round.round, announcedAt: round.announcedAt, category: round.category.rawValue,
            stage1: options.stage1.map { .init(jurisdictions: $0) }, stratifyByJurisdiction: options.stratifyByJurisdiction,
            rates: round.rates, teamSize: options.teamSize, maxAssignmentsPerInspector: options.maxAssignmentsPerInspector,
            institutions: listed.map {
                .init(id: $0.id, jurisdiction: $0.jurisdiction, risk: $0.risk.rawValue, eligible: $0.ineligibilityReason == nil,
                      reason: $0.ineligibilityReason)
            },
            inspectors: team.map {
                .init(id: $0.id, pool: local.contains($0.jurisdiction) ? "local" : "fallback", available: $0.status == .available)
            },
            conflicts: binding.map { .init(inspector: $0.inspector, institution: $0.institution) },
            sources: options.sources)
        do { try manifest.validate() } catch { throw Refusal("\(error)") }
        return manifest
    }
}
