public import Foundation
import Rosters

/// The exact fraction of a sampling rate (Art. 8), never a float: the one rate type of SpotCheck,
/// in manifests, plans and on the command line (`5/100`).
public struct Rate: Codable, Hashable, Sendable, CustomStringConvertible {
    public var num: Int
    public var den: Int

    public init(num: Int, den: Int) {
        self.num = num
        self.den = den
    }

    /// Reads `num/den`, e.g. `5/100`; `nil` unless both are whole numbers and ``problem`` is `nil`.
    public init?(text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let num = Int(parts[0].trimmingSpaces), let den = Int(parts[1].trimmingSpaces) else { return nil }
        self.init(num: num, den: den)
        if problem != nil { return nil }
    }

    /// Why this is not a rate that can be sampled, or `nil`. The bound on `den` keeps
    /// ceil(N × num / den) inside 64 bits for any list that fits in memory.
    public var problem: String? {
        guard den > 0, den <= 1_000_000, num >= 0, num <= den else {
            return "\(num)/\(den) is not a rate num/den with 0 ≤ num ≤ den and 0 < den ≤ 1000000"
        }
        return nil
    }

    /// `ceil(n × num / den)` in integers (DRAW.md §4).
    public func required(of population: Int) -> Int {
        (population * num + den - 1) / den
    }

    /// Whether this rate is smaller than `other`, compared exactly.
    public func isBelow(_ other: Rate) -> Bool {
        num * other.den < other.num * den
    }

    /// `5/100`.
    public var description: String { "\(num)/\(den)" }
}

/// The rates of a plan or manifest per risk level (Art. 8): `normal` and the elevated `high`.
public struct SamplingRates: Codable, Hashable, Sendable {
    public var normal: Rate
    public var high: Rate
    public init(normal: Rate, high: Rate) {
        self.normal = normal
        self.high = high
    }
}

/// The announced record of a round (DRAW.md §1): written once, hashed over its exact bytes.
public struct DrawManifest: Codable, Hashable, Sendable {
    /// The sampling rates per risk level (Art. 8).
    public typealias Rates = SamplingRates

    /// Draw this many jurisdictions first (Art. 12).
    public struct Stage1: Codable, Hashable, Sendable {
        public var jurisdictions: Int
        public init(jurisdictions: Int) { self.jurisdictions = jurisdictions }
    }

    /// An institution as announced: eligible or not, with the reason.
    public struct Institution: Codable, Hashable, Sendable {
        public var id: String
        public var jurisdiction: String
        /// `normal` or `high`.
        public var risk: String
        public var eligible: Bool
        public var reason: String?
        public init(id: String, jurisdiction: String, risk: String, eligible: Bool, reason: String?) {
            self.id = id
            self.jurisdiction = jurisdiction
            self.risk = risk
            self.eligible = eligible
            self.reason = reason
        }
        enum CodingKeys: String, CodingKey { case id, jurisdiction, risk, eligible, reason }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(jurisdiction, forKey: .jurisdiction)
            try container.encode(risk, forKey: .risk)
            try container.encode(eligible, forKey: .eligible)
            try container.encode(reason, forKey: .reason)  // null, not omitted
        }
    }

    /// An inspector as announced: local or fallback, available or not.
    public struct Inspector: Codable, Hashable, Sendable {
        public var id: String
        /// `local`, or `fallback`: delegated by the level above, pooled or neighbouring (Art. 11).
        public var pool: String
        public var available: Bool
        public init(id: String, pool: String, available: Bool) {
            self.id = id
            self.pool = pool
            self.available = available
        }
    }

    /// A recusal pair (Art. 11).
    public struct ConflictPair: Codable, Hashable, Sendable {
        public var inspector: String
        public var institution: String
        public init(inspector: String, institution: String) {
            self.inspector = inspector
            self.institution = institution
        }
    }

    /// A public value announced before it exists.
    public struct Source: Codable, Hashable, Sendable {
        public var name: String
        /// `integers` or `text`.
        public var kind: String
        public var description: String
        public var expectedAt: String
        public init(name: String, kind: String, description: String, expectedAt: String) {
            self.name = name
            self.kind = kind
            self.description = description
            self.expectedAt = expectedAt
        }
        enum CodingKeys: String, CodingKey { case name, kind, description, expectedAt = "expected_at" }
    }

    public var format: String
    public var round: String
    public var announcedAt: String
    public var category: String
    public var stage1: Stage1?
    public var stratifyByJurisdiction: Bool
    public var rates: Rates
    public var teamSize: Int
    public var maxAssignmentsPerInspector: Int?
    public var institutions: [Institution]
    public var inspectors: [Inspector]
    public var conflicts: [ConflictPair]
    public var sources: [Source]

    enum CodingKeys: String, CodingKey {
        case format, round, announcedAt = "announced_at", category, stage1
        case stratifyByJurisdiction = "stratify_by_jurisdiction", rates, teamSize = "team_size"
        case maxAssignmentsPerInspector = "max_assignments_per_inspector"
        case institutions, inspectors, conflicts, sources
    }

    public init(round: String, announcedAt: String, category: String, stage1: Stage1?, stratifyByJurisdiction: Bool, rates: Rates,
                teamSize: Int, maxAssignmentsPerInspector: Int?, institutions: [Institution], inspectors: [Inspector],
                conflicts: [ConflictPair], sources: [Source]) {
        format = DrawAlgorithm.format
        self.round = round
        self.announcedAt = announcedAt
        self.category = category
        self.stage1 = stage1
        self.stratifyByJurisdiction = stratifyByJurisdiction
        self.rates = rates
        self.teamSize = teamSize
        self.maxAssignmentsPerInspector = maxAssignmentsPerInspector
        self.institutions = institutions
        self.inspectors = inspectors
        self.conflicts = conflicts
        self.sources = sources
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        round = try container.decode(String.self, forKey: .round)
        announcedAt = try container.decode(String.self, forKey: .announcedAt)
        category = try container.decode(String.self, forKey: .category)
        stage1 = try container.decodeIfPresent(Stage1.self, forKey: .stage1)
        stratifyByJurisdiction = try container.decode(Bool.self, forKey: .stratifyByJurisdiction)
        rates = try container.decode(Rates.self, forKey: .rates)
        teamSize = try container.decode(Int.self, forKey: .teamSize)
        maxAssignmentsPerInspector = try container.decodeIfPresent(Int.self, forKey: .maxAssignmentsPerInspector)
        institutions = try container.decode([Institution].self, forKey: .institutions)
        inspectors = try container.decode([Inspector].self, forKey: .inspectors)
        conflicts = try container.decode([ConflictPair].self, forKey: .conflicts)
        sources = try container.decode([Source].self, forKey: .sources)
    }

    /// Parses manifest bytes; the problems (if any) say what to fix.
    public static func parse(_ bytes: Data) throws(DrawError) -> DrawManifest {
        let manifest: DrawManifest
        do { manifest = try JSONDecoder().decode(DrawManifest.self, from: bytes) } catch {
            throw DrawError.badManifest("not a SPOTCHECK-DRAW-1 manifest: \(Self.describe(error))")
        }
        try manifest.validate()
        return manifest
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case let DecodingError.dataCorrupted(context):
            return "invalid JSON \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    /// The checks of DRAW.md §1: format, ids, uniqueness, conflicts naming listed ids, team size,
    /// rates, sources.
    public func validate() throws(DrawError) {
        func fail(_ message: String) -> DrawError { .badManifest(message) }
        guard format == DrawAlgorithm.format else { throw fail("format is \"\(format)\", expected \"\(DrawAlgorithm.format)\"") }
        guard teamSize >= 2 else { throw fail("team_size is \(teamSize); Art. 11 requires at least 2") }
        guard teamSize <= 1000 else { throw fail("team_size is \(teamSize); at most 1000") }
        for (name, rate) in [("normal", rates.normal), ("high", rates.high)] {
            if let problem = rate.problem { throw fail("rates.\(name): \(problem)") }
        }
        if let cap = maxAssignmentsPerInspector, cap < 1 { throw fail("max_assignments_per_inspector must be null or at least 1") }
        if let stage1, stage1.jurisdictions < 1 { throw fail("stage1.jurisdictions must be at least 1") }
        var institutionIDs = Set<String>()
        for institution in institutions {
            guard Identifier.isPlain(institution.id), Identifier.isPlain(institution.jurisdiction) else {
                throw fail("institution \"\(institution.id)\": ids and jurisdiction codes are \(Identifier.rule)")
            }
            guard institution.risk == "normal" || institution.risk == "high" else { throw fail("institution \(institution.id): risk must be normal or high") }
            guard institutionIDs.insert(institution.id).inserted else { throw fail("institution \(institution.id) is listed twice") }
        }
        var inspectorIDs = Set<String>()
        for inspector in inspectors {
            guard Identifier.isPlain(inspector.id) else { throw fail("inspector \"\(inspector.id)\": ids are \(Identifier.rule)") }
            guard inspector.pool == "local" || inspector.pool == "fallback" else { throw fail("inspector \(inspector.id): pool must be local or fallback") }
            guard inspectorIDs.insert(inspector.id).inserted else { throw fail("inspector \(inspector.id) is listed twice") }
        }
        for conflict in conflicts {
            guard inspectorIDs.contains(conflict.inspector), institutionIDs.contains(conflict.institution) else {
                throw fail("conflict \(conflict.inspector) / \(conflict.institution) names an id not listed")
            }
        }
        var names = Set<String>()
        for source in sources {
            guard Identifier.isPlain(source.name) else { throw fail("source \"\(source.name)\": names are \(Identifier.rule)") }
            guard source.kind == "integers" || source.kind == "text" else { throw fail("source \(source.name): kind must be integers or text") }
            guard names.insert(source.name).inserted else { throw fail("source \(source.name) is listed twice") }
        }
        guard !sources.isEmpty else { throw fail("a manifest announces at least one public source") }
    }

    /// The manifest as written at announcement: pretty JSON, fields in DRAW.md's order.
    public func encoded() -> Data {
        let json = JSONValue.object([
            ("format", .string(format)), ("round", .string(round)), ("announced_at", .string(announcedAt)),
            ("category", .string(category)),
            ("stage1", stage1.map { .object([("jurisdictions", .int($0.jurisdictions))]) } ?? .null),
            ("stratify_by_jurisdiction", .bool(stratifyByJurisdiction)),
            ("rates", .object([
                ("normal", .object([("num", .int(rates.normal.num)), ("den", .int(rates.normal.den))])),
                ("high", .object([("num", .int(rates.high.num)), ("den", .int(rates.high.den))])),
            ])),
            ("team_size", .int(teamSize)),
            ("max_assignments_per_inspector", maxAssignmentsPerInspector.map { .int($0) } ?? .null),
            ("institutions", .array(institutions.map {
                .object([("id", .string($0.id)), ("jurisdiction", .string($0.jurisdiction)), ("risk", .string($0.risk)),
                         ("eligible", .bool($0.eligible)), ("reason", $0.reason.map { .string($0) } ?? .null)])
            })),
            ("inspectors", .array(inspectors.map { .object([("id", .string($0.id)), ("pool", .string($0.pool)), ("available", .bool($0.available))]) })),
            ("conflicts", .array(conflicts.map { .object([("inspector", .string($0.inspector)), ("institution", .string($0.institution))]) })),
            ("sources", .array(sources.map {
                .object([("name", .string($0.name)), ("kind", .string($0.kind)), ("description", .string($0.description)), ("expected_at", .string($0.expectedAt))])
            })),
        ])
        return Data(json.serialized().utf8)
    }
}

/// What went wrong in a draw, for the CLI's exit codes.
public enum DrawError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest is malformed.
    case badManifest(String)
    /// The source values do not fit the announced sources.
    case badValues(String)
    /// A substitution does not fit the draw.
    case badSubstitution(String)

    public var description: String {
        switch self {
        case let .badManifest(message): "manifest: \(message)"
        case let .badValues(message): "values: \(message)"
        case let .badSubstitution(message): "substitution: \(message)"
        }
    }
}
