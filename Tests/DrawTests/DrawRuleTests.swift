import Draw
import Foundation
import Testing

/// A manifest built in the test, as bytes.
func manifest(institutions: [DrawManifest.Institution], inspectors: [DrawManifest.Inspector], conflicts: [DrawManifest.ConflictPair] = [],
              stage1: Int? = nil, stratify: Bool = true, teamSize: Int = 2, cap: Int? = nil,
              normal: Rate = Rate(num: 5, den: 100), high: Rate = Rate(num: 20, den: 100)) -> Data {
    DrawManifest(round: "T-1", announcedAt: "2026-11-25T10:00:00+08:00", category: "lawyer", stage1: stage1.map { .init(jurisdictions: $0) },
                 stratifyByJurisdiction: stratify, rates: .init(normal: normal, high: high), teamSize: teamSize,
                 maxAssignmentsPerInspector: cap, institutions: institutions, inspectors: inspectors, conflicts: conflicts,
                 sources: [.init(name: "dice", kind: "integers", description: "dice", expectedAt: "2026-11-26T09:00:00+08:00")]).encoded()
}

let dice = SourceValues(["dice": .integers([3, 1, 4, 1, 5, 9, 2, 6])])

func institutions(_ count: Int, jurisdiction: String = "640104", risk: String = "normal", eligible: Bool = true, prefix: String = "I") -> [DrawManifest.Institution] {
    (0..<count).map { DrawManifest.Institution(id: "\(prefix)\(jurisdiction)-\(risk)-\($0)", jurisdiction: jurisdiction, risk: risk, eligible: eligible, reason: eligible ? nil : "停业") }
}

func inspectors(_ count: Int, pool: String = "local", prefix: String = "SF") -> [DrawManifest.Inspector] {
    (0..<count).map { DrawManifest.Inspector(id: "\(prefix)\($0)", pool: pool, available: true) }
}

@Suite("Draw rules")
struct DrawRuleTests {
    @Test("required = ceil(N × rate) counts ineligible institutions; a stratum short of eligible ones records a shortfall")
    func stratumShortfall() throws {
        let bytes = manifest(institutions: institutions(21) + institutions(3, risk: "high", eligible: false, prefix: "X") + institutions(2, risk: "high"),
                             inspectors: inspectors(6))
        let outcome = try DrawAlgorithm.run(manifestBytes: bytes, values: dice)
        let high = outcome.strata.first { $0.risk == "high" }!
        #expect((high.population, high.eligible, high.required) == (5, 2, 1))
        let normal = outcome.strata.first { $0.risk == "normal" }!
        #expect((normal.population, normal.required, normal.selected.count, normal.shortfall) == (21, 2, 2, 0))
        let starved = try DrawAlgorithm.run(manifestBytes: manifest(institutions: institutions(3, eligible: false, prefix: "X") + institutions(1),
                                                                    inspectors: inspectors(4), normal: Rate(num: 1, den: 1)), values: dice)
        let only = starved.strata.first { $0.risk == "normal" }!
        #expect((only.required, only.selected.count, only.shortfall) == (4, 1, 3))
        // Both risks are strata even when empty.
        #expect(starved.strata.map(\.risk) == ["high", "normal"])
        #expect(starved.strata[0].population == 0)
    }

    @Test("selection is by ticket: the selected tickets are the smallest of their stratum")
    func smallestTickets() throws {
        let bytes = manifest(institutions: institutions(200), inspectors: inspectors(4), normal: Rate(num: 1, den: 10))
        let outcome = try DrawAlgorithm.run(manifestBytes: bytes, values: dice)
        let hasher = TicketHasher(seed: outcome.seed)
        let all = institutions(200).map { hasher.ticket(domain: "institution", id: $0.id) }.sorted()
        let stratum = outcome.strata.first { $0.risk == "normal" }!
        #expect(stratum.selected.map(\.ticket) == Array(all.prefix(20)))
    }

    @Test("conflicts are always respected, caps are kept, and a short team records its shortfall")
    func teams() throws {
        let pool = inspectors(5)
        let people = institutions(40)
        let conflicts = people.prefix(10).flatMap { institution in pool.prefix(3).map { DrawManifest.ConflictPair(inspector: $0.id, institution: institution.id) } }
        let bytes = manifest(institutions: people, inspectors: pool, conflicts: conflicts, cap: 3, normal: Rate(num: 1, den: 2))
        let outcome = try DrawAlgorithm.run(manifestBytes: bytes, values: dice)
        let forbidden = Set(conflicts.map { "\($0.inspector)|\($0.institution)" })
        var load: [String: Int] = [:]
        for team in outcome.teams {
            for member in team.members {
                #expect(!forbidden.contains("\(member.id)|\(team.institution)"))
                load[member.id, default: 0] += 1
            }
            #expect(team.members.count + team.shortfall == 2)
        }
        #expect(load.values.allSatisfy { $0 <= 3 })
        // 20 institutions × 2 places, 5 inspectors × 3 = 15 assignments: 25 places go unfilled, recorded.
        #expect(outcome.teams.map(\.shortfall).reduce(0, +) == 40 - 15)
        #expect(outcome.teams.contains { $0.skipped.contains { $0.reason == "at-capacity" } })
    }

    @Test("local inspectors are walked before fallback ones")
    func localFirst() throws {
        let bytes = manifest(institutions: institutions(20), inspectors: inspectors(2, pool: "fallback", prefix: "FB") + inspectors(2), normal: Rate(num: 1, den: 10))
        let outcome = try DrawAlgorithm.run(manifestBytes: bytes, values: dice)
        #expect(outcome.teams.allSatisfy { team in team.members.allSatisfy { $0.id.hasPrefix("SF") } })
    }

    @Test("stage 1 draws k jurisdictions by ticket and considers only their institutions; unstratified strata have no jurisdiction")
    func stageOne() throws {
        let people = ["640104", "640105", "640106", "640202"].flatMap { institutions(10, jurisdiction: $0) }
        let outcome = try DrawAlgorithm.run(manifestBytes: manifest(institutions: people, inspectors: inspectors(4), stage1: 2, stratify: false), values: dice)
        let drawn = try #require(outcome.stage1)
        #expect(drawn.count == 2)
        let hasher = TicketHasher(seed: outcome.seed)
        let expected = ["640104", "640105", "640106", "640202"].sorted { hasher.ticket(domain: "jurisdiction", id: $0) < hasher.ticket(domain: "jurisdiction", id: $1) }
        #expect(drawn.map(\.id) == Array(expected.prefix(2)))
        #expect(outcome.strata.map(\.jurisdiction) == [nil, nil])
        #expect(outcome.strata[1].population == 20)
        let codes = Set(drawn.map(\.id))
        #expect(outcome.strata.flatMap(\.selected).allSatisfy { selected in codes.contains { selected.id.contains($0) } })
    }

    @Test("a substitution names someone on that team; the draw itself is unchanged")
    func substitutions() throws {
        let bytes = manifest(institutions: institutions(20), inspectors: inspectors(6), normal: Rate(num: 1, den: 10))
        let plain = try DrawAlgorithm.run(manifestBytes: bytes, values: dice)
        let team = plain.teams[0]
        let request = SubstitutionRequest(inspector: team.members[0].id, institution: team.institution, reason: "出差")
        let substituted = try DrawAlgorithm.run(manifestBytes: bytes, values: dice, substitutions: [request])
        #expect(substituted.teams == plain.teams)
        let replacement = try #require(substituted.substitutions.first?.replacement)
        #expect(!team.members.map(\.id).contains(replacement))
        #expect(substituted.currentTeams.first?.inspectors.contains(replacement) == true)
        #expect(throws: DrawError.self) {
            try DrawAlgorithm.run(manifestBytes: bytes, values: dice, substitutions: [SubstitutionRequest(inspector: "SF-nobody", institution: team.institution, reason: "x")])
        }
        // Substituting the same person twice is refused: they left the team the first time.
        #expect(throws: DrawError.self) { try DrawAlgorithm.run(manifestBytes: bytes, values: dice, substitutions: [request, request]) }
    }

    @Test("malformed manifests are refused with the reason")
    func badManifests() {
        #expect(throws: DrawError.self) { try DrawManifest.parse(manifest(institutions: institutions(2), inspectors: inspectors(2), teamSize: 1)) }
        #expect(throws: DrawError.self) {
            try DrawManifest.parse(manifest(institutions: institutions(2) + institutions(1), inspectors: inspectors(2)))
        }
        #expect(throws: DrawError.self) {
            try DrawManifest.parse(manifest(institutions: institutions(2), inspectors: inspectors(2), conflicts: [.init(inspector: "SF9", institution: "x")]))
        }
        #expect(throws: DrawError.self) { try DrawManifest.parse(Data("{}".utf8)) }
    }
}

@Suite("Draw verification")
struct VerificationTests {
    @Test("the example's published result verifies")
    func example() throws {
        #expect(try DrawVerifier.verify(manifestBytes: try Vectors.manifest(), resultBytes: try Vectors.data("result.json")) == .ok)
    }

    @Test("a tampered result names the first difference")
    func tamperedResult() throws {
        var text = String(decoding: try Vectors.data("result.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"replacement\": \"SF640104002\"", with: "\"replacement\": \"SF640104003\"")
        guard case let .differs(path, published, recomputed) = try DrawVerifier.verify(manifestBytes: try Vectors.manifest(), resultBytes: Data(text.utf8)) else {
            Issue.record("not caught"); return
        }
        #expect(path == "substitutions[0].replacement")
        #expect(published == "\"SF640104003\"")
        #expect(recomputed == "\"SF640104002\"")
    }

    @Test("a tampered manifest is caught by its hash")
    func tamperedManifest() throws {
        var text = String(decoding: try Vectors.manifest(), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"max_assignments_per_inspector\": 2", with: "\"max_assignments_per_inspector\": 3")
        let outcome = try DrawVerifier.verify(manifestBytes: Data(text.utf8), resultBytes: try Vectors.data("result.json"))
        guard case let .differs(path, _, _) = outcome else { Issue.record("not caught"); return }
        #expect(path == "manifest_sha256")
    }

    @Test("a manifest we write round-trips through its own hash and parse")
    func manifestEncoding() throws {
        let bytes = manifest(institutions: institutions(3), inspectors: inspectors(2))
        let parsed = try DrawManifest.parse(bytes)
        #expect(parsed.encoded() == bytes)
        #expect(String(decoding: bytes, as: UTF8.self).contains("{\"id\": \"I640104-normal-0\", \"jurisdiction\": \"640104\", \"risk\": \"normal\", \"eligible\": true, \"reason\": null}"))
    }
}

@Suite("Draw inputs at their limits")
struct DrawLimitTests {
    @Test("oversized rates, team sizes and numbers are refused, not trapped")
    func limits() throws {
        #expect(throws: DrawError.self) {
            try DrawManifest.parse(manifest(institutions: institutions(2), inspectors: inspectors(2), normal: Rate(num: Int.max, den: Int.max)))
        }
        #expect(throws: DrawError.self) { try DrawManifest.parse(manifest(institutions: institutions(2), inspectors: inspectors(2), teamSize: Int.max)) }
        let bytes = manifest(institutions: institutions(2), inspectors: inspectors(2))
        #expect(throws: DrawError.self) { try DrawAlgorithm.run(manifestBytes: bytes, values: SourceValues(["dice": .integers([UInt64.max])])) }
        #expect(throws: DrawError.self) { try SourceValues.parse(Data("[1, 2]".utf8)) }
        #expect(throws: DrawError.self) { try SourceValues.parse(Data("{\"dice\": [-1]}".utf8)) }
    }
}
