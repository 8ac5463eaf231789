import Fingerprint
public import Foundation

/// A substitution as recorded (DRAW.md §6): who leaves which team, and why.
public struct SubstitutionRequest: Hashable, Sendable, Codable {
    public var inspector: String
    public var institution: String
    public var reason: String

    public init(inspector: String, institution: String, reason: String) {
        self.inspector = inspector
        self.institution = institution
        self.reason = reason
    }
}

extension SubstitutionRequest {
    /// Reads `substitutions.json`: `[{"inspector", "institution", "reason"}]`, in order (DRAW.md §6);
    /// `file` names it in the error.
    public static func parseList(_ data: Data, file: String) throws(DrawError) -> [SubstitutionRequest] {
        do { return try JSONDecoder().decode([SubstitutionRequest].self, from: data) } catch {
            throw DrawError.badSubstitution("\(file): expected [{\"inspector\", \"institution\", \"reason\"}]: \(DrawManifest.describe(error))")
        }
    }
}

/// The whole outcome of a draw (DRAW.md §7).
public struct DrawOutcome: Hashable, Sendable {
    /// An id drawn, with the ticket that drew it.
    public struct Pick: Hashable, Sendable {
        public var id: String
        public var ticket: Ticket
    }

    /// One stratum of DRAW.md §4: its size, what it required and what was drawn.
    public struct Stratum: Hashable, Sendable {
        /// `nil` when not stratified by jurisdiction.
        public var jurisdiction: String?
        public var risk: String
        public var population: Int
        public var eligible: Int
        public var required: Int
        public var selected: [Pick]
        public var shortfall: Int
    }

    /// An inspector passed over while a team was filled, and why.
    public struct Skip: Hashable, Sendable {
        public var inspector: String
        /// `conflict` or `at-capacity`.
        public var reason: String
    }

    /// A drawn institution's team as §5 drew it.
    public struct Team: Hashable, Sendable {
        public var institution: String
        public var members: [Pick]
        public var skipped: [Skip]
        public var shortfall: Int
    }

    /// A recorded substitution and the replacement §6 gave (`nil`: nobody qualified).
    public struct Substitution: Hashable, Sendable {
        public var inspector: String
        public var institution: String
        public var reason: String
        public var replacement: String?
    }

    public var round: String
    public var manifestSHA256: String
    public var sources: [(name: String, value: SourceValue)]
    public var keyString: String
    public var seed: String
    public var stage1: [Pick]?
    public var strata: [Stratum]
    public var teams: [Team]
    public var substitutions: [Substitution]

    public static func == (lhs: DrawOutcome, rhs: DrawOutcome) -> Bool { lhs.json == rhs.json }
    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    /// The teams as they stand after the substitutions, institution → inspectors.
    public var currentTeams: [(institution: String, inspectors: [String])] {
        var teams = self.teams.map { ($0.institution, $0.members.map(\.id)) }
        for substitution in substitutions {
            guard let index = teams.firstIndex(where: { $0.0 == substitution.institution }) else { continue }
            teams[index].1.removeAll { $0 == substitution.inspector }
            if let replacement = substitution.replacement { teams[index].1.append(replacement) }
        }
        return teams.map { (institution: $0.0, inspectors: $0.1) }
    }

    /// The values file as published (`values.json`): the sources in manifest order.
    public var valuesJSON: JSONValue {
        .object(sources.map { ($0.name, $0.value.json) })
    }

    /// The published result, fields in DRAW.md §7's order.
    public var json: JSONValue {
        .object([
            ("format", .string(DrawAlgorithm.format)),
            ("round", .string(round)),
            ("manifest_sha256", .string(manifestSHA256)),
            ("sources", .array(sources.map { .object([("name", .string($0.name)), ("kind", .string($0.value.kind)), ("value", $0.value.json)]) })),
            ("key_string", .string(keyString)),
            ("seed", .string(seed)),
            ("stage1", stage1.map { .object([("drawn", .array($0.map { .object([("jurisdiction", .string($0.id)), ("ticket", .string($0.ticket.hex))]) }))]) } ?? .null),
            ("strata", .array(strata.map { stratum in
                .object([
                    ("jurisdiction", stratum.jurisdiction.map { .string($0) } ?? .null),
                    ("risk", .string(stratum.risk)),
                    ("population", .int(stratum.population)),
                    ("eligible", .int(stratum.eligible)),
                    ("required", .int(stratum.required)),
                    ("selected", .array(stratum.selected.map { .object([("institution", .string($0.id)), ("ticket", .string($0.ticket.hex))]) })),
                    ("shortfall", .int(stratum.shortfall)),
                ])
            })),
            ("teams", .array(teams.map { team in
                .object([
                    ("institution", .string(team.institution)),
                    ("members", .array(team.members.map { .object([("inspector", .string($0.id)), ("ticket", .string($0.ticket.hex))]) })),
                    ("skipped", .array(team.skipped.map { .object([("inspector", .string($0.inspector)), ("reason", .string($0.reason))]) })),
                    ("shortfall", .int(team.shortfall)),
                ])
            })),
            ("substitutions", .array(substitutions.map {
                .object([("inspector", .string($0.inspector)), ("institution", .string($0.institution)), ("reason", .string($0.reason)),
                         ("replacement", $0.replacement.map { .string($0) } ?? .null)])
            })),
        ])
    }
}

/// SPOTCHECK-DRAW-1 (DRAW.md): the seed from the manifest and the public values, tickets,
/// selection per stratum (Art. 8, 12), teams with recusal and caps (Art. 11), substitutions.
/// Pure and deterministic: the same inputs give the same outcome on any machine.
public enum DrawAlgorithm {
    public static let format = "SPOTCHECK-DRAW-1"

    /// The key string of DRAW.md §2: each source's canonical value and `/`, in manifest order.
    public static func keyString(sources: [DrawManifest.Source], values: SourceValues) throws(DrawError) -> String {
        var key = ""
        for source in sources {
            guard let value = values.values[source.name] else { throw DrawError.badValues("no value for source \(source.name)") }
            guard value.kind == source.kind else { throw DrawError.badValues("source \(source.name) is announced as \(source.kind), the value is \(value.kind)") }
            switch value {
            case let .integers(numbers) where numbers.isEmpty:
                throw DrawError.badValues("source \(source.name) needs at least one number")
            case let .integers(numbers) where numbers.contains { $0 > UInt64(Int.max) }:
                throw DrawError.badValues("source \(source.name): numbers above \(Int.max) are not supported")
            case let .text(text) where text.isEmpty || !text.utf8.allSatisfy(isTextByte):
                throw DrawError.badValues("source \(source.name): text may hold only ASCII letters, digits, -, _ and :")
            default: break
            }
            key += value.canonical + "/"
        }
        if let extra = values.values.keys.sorted().first(where: { name in !sources.contains { $0.name == name } }) {
            throw DrawError.badValues("\(extra) is not an announced source")
        }
        return key
    }

    static func isTextByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95 || byte == 58
    }

    /// `SHA-256("SPOTCHECK-DRAW-1\n" + manifest_sha256 + "\n" + key_string)`, lower-case hex.
    public static func seed(manifestSHA256: String, keyString: String) -> String {
        sha256Hex(Data("\(format)\n\(manifestSHA256)\n\(keyString)".utf8))
    }

    /// Byte order of ids (DRAW.md §3 ties, §4 strata order).
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Runs the draw: DRAW.md §2–§6.
    public static func run(manifestBytes: Data, values: SourceValues, substitutions: [SubstitutionRequest] = []) throws(DrawError) -> DrawOutcome {
        let manifest = try DrawManifest.parse(manifestBytes)
        return try run(manifest: manifest, manifestSHA256: sha256Hex(manifestBytes), values: values, substitutions: substitutions)
    }

    public static func run(manifest: DrawManifest, manifestSHA256: String, values: SourceValues,
                           substitutions: [SubstitutionRequest] = []) throws(DrawError) -> DrawOutcome {
        let key = try keyString(sources: manifest.sources, values: values)
        let seed = seed(manifestSHA256: manifestSHA256, keyString: key)
        let hasher = TicketHasher(seed: seed)

        // §4.1 Stage 1: jurisdictions with at least one institution, by ticket.
        var consideredInstitutions = manifest.institutions
        var stage1: [DrawOutcome.Pick]?
        if let k = manifest.stage1?.jurisdictions {
            let codes = Set(manifest.institutions.map(\.jurisdiction))
            let ordered = codes.map { DrawOutcome.Pick(id: $0, ticket: hasher.ticket(domain: "jurisdiction", id: $0)) }
                .sorted { $0.ticket != $1.ticket ? $0.ticket < $1.ticket : bytesPrecede($0.id, $1.id) }
            let drawn = Array(ordered.prefix(k))
            stage1 = drawn
            let drawnCodes = Set(drawn.map(\.id))
            consideredInstitutions = manifest.institutions.filter { drawnCodes.contains($0.jurisdiction) }
        }
        let considered = consideredInstitutions

        // §4.2–4.3 Strata, in jurisdiction byte order then high before normal; tickets of the
        // eligible institutions computed on all cores.
        let eligibleIndices = considered.indices.filter { considered[$0].eligible }
        let tickets = ParallelTickets.compute(count: eligibleIndices.count, hasher: hasher) { index, buffer in
            buffer.append(contentsOf: "\ninstitution\n".utf8)
            buffer.append(contentsOf: considered[eligibleIndices[index]].id.utf8)
        }
        var ticketOf = [Int: Ticket](minimumCapacity: eligibleIndices.count)
        for (position, index) in eligibleIndices.enumerated() { ticketOf[index] = tickets[position] }

        var groups: [String: [Int]] = [:]
        for index in considered.indices {
            let jurisdiction = manifest.stratifyByJurisdiction ? considered[index].jurisdiction : ""
            groups["\(jurisdiction)\u{0}\(considered[index].risk)", default: []].append(index)
        }
        let jurisdictions: [String?] = manifest.stratifyByJurisdiction
            ? Set(considered.map(\.jurisdiction)).sorted(by: bytesPrecede).map { $0 } : [nil]
        var strata: [DrawOutcome.Stratum] = []
        var selectedInstitutions: [String] = []
        for jurisdiction in jurisdictions {
            for risk in ["high", "normal"] {
                let members = groups["\(jurisdiction ?? "")\u{0}\(risk)"] ?? []
                let rate = risk == "high" ? manifest.rates.high : manifest.rates.normal
                let required = rate.required(of: members.count)
                let eligible = members.filter { considered[$0].eligible }
                    .map { DrawOutcome.Pick(id: considered[$0].id, ticket: ticketOf[$0]!) }
                let picked = Self.smallest(required, of: eligible)
                selectedInstitutions += picked.map(\.id)
                strata.append(DrawOutcome.Stratum(jurisdiction: jurisdiction, risk: risk, population: members.count,
                                                  eligible: eligible.count, required: required, selected: picked,
                                                  shortfall: required - picked.count))
            }
        }

        // §5 Teams.
        let teamDraw = TeamDraw(manifest: manifest, hasher: hasher, institutions: selectedInstitutions)
        let (teams, drawnAssignments) = teamDraw.drawTeams()
        var assignments = drawnAssignments

        // §6 Substitutions, in the order recorded.
        var outcomes: [DrawOutcome.Substitution] = []
        var substitutedOut: [String: Set<String>] = [:]
        var current = Dictionary(uniqueKeysWithValues: teams.map { ($0.institution, $0.members.map(\.id)) })
        for request in substitutions {
            guard var team = current[request.institution] else {
                throw DrawError.badSubstitution("\(request.institution) was not drawn in this round")
            }
            guard let position = team.firstIndex(of: request.inspector) else {
                throw DrawError.badSubstitution("\(request.inspector) is not on the team for \(request.institution) at this point")
            }
            team.remove(at: position)
            assignments[request.inspector, default: 1] -= 1
            substitutedOut[request.institution, default: []].insert(request.inspector)
            let replacement = teamDraw.replacement(for: request.institution, team: team, excluded: substitutedOut[request.institution]!,
                                                   assignments: assignments)
            if let replacement {
                team.append(replacement)
                assignments[replacement, default: 0] += 1
            }
            current[request.institution] = team
            outcomes.append(DrawOutcome.Substitution(inspector: request.inspector, institution: request.institution,
                                                     reason: request.reason, replacement: replacement))
        }
        return DrawOutcome(round: manifest.round, manifestSHA256: manifestSHA256,
                           sources: manifest.sources.map { ($0.name, values.values[$0.name]!) },
                           keyString: key, seed: seed, stage1: stage1, strata: strata, teams: teams, substitutions: outcomes)
    }

    /// The `count` picks with the smallest tickets (ties by id bytes), in order.
    static func smallest(_ count: Int, of picks: [DrawOutcome.Pick]) -> [DrawOutcome.Pick] {
        let precedes: (DrawOutcome.Pick, DrawOutcome.Pick) -> Bool = { $0.ticket != $1.ticket ? $0.ticket < $1.ticket : bytesPrecede($0.id, $1.id) }
        if count >= picks.count / 4 { return Array(picks.sorted(by: precedes).prefix(count)) }
        // A bounded sorted buffer: most tickets lose against the current last and cost one comparison.
        var best: [DrawOutcome.Pick] = []
        best.reserveCapacity(count + 1)
        for pick in picks {
            if best.count == count, let last = best.last, !precedes(pick, last) { continue }
            let position = best.firstIndex { precedes(pick, $0) } ?? best.count
            best.insert(pick, at: position)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}
