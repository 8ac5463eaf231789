import Draw
import Fingerprint
import Foundation
import Testing

/// The worked example of shared/design/draw-vectors, carried here as fixtures.
enum Vectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/example-1")
    static func data(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }
    static func manifest() throws -> Data { try data("manifest.json") }
    static func values() throws -> SourceValues { try SourceValues.parse(try data("values.json")) }
    static func substitutions() throws -> [SubstitutionRequest] {
        try JSONDecoder().decode([SubstitutionRequest].self, from: try data("substitutions.json"))
    }
}

@Suite("SPOTCHECK-DRAW-1 worked example")
struct VectorTests {
    @Test("manifest hash, key string and seed as the example's README gives them")
    func seed() throws {
        let bytes = try Vectors.manifest()
        #expect(sha256Hex(bytes) == "df4c1905aac776adbed40277fd0c8e7f4074c6f0ad2e56e6255e71faca47b538")
        let manifest = try DrawManifest.parse(bytes)
        let key = try DrawAlgorithm.keyString(sources: manifest.sources, values: try Vectors.values())
        #expect(key == "3.7.9.14.19.28.31./4993b3fd67f9b8b675c88985bcb2f837f89b7f9736b73b45b0dbd3a8759a39c5./1.1.1.1.1.2.2.2.3.3.3.3.4.4.4.4.4.4.4.5.5.5.6.6./")
        let seed = DrawAlgorithm.seed(manifestSHA256: sha256Hex(bytes), keyString: key)
        #expect(seed == "c45086ac268796b6ce234969c81781e2b3abea760fe1deea1c1b153542b1b0f4")
        let ticket = TicketHasher(seed: seed).ticket(domain: "institution", id: "31640104E194239616")
        #expect(ticket.hex == "20b331e3b14e30070a164510fa2ff6c94a094893dd23b9e969c1e1a05dfa3223")
    }

    @Test("the whole result is reproduced: every stratum, selection, team, skip and substitution")
    func wholeResult() throws {
        let outcome = try DrawAlgorithm.run(manifestBytes: try Vectors.manifest(), values: try Vectors.values(),
                                            substitutions: try Vectors.substitutions())
        let ours = try JSONValue.parse(Data(outcome.json.serialized().utf8))
        let expected = try JSONValue.parse(try Vectors.data("result.json"))
        #expect(ours == expected)
        // Spot checks that name what the example exercises.
        #expect(outcome.substitutions.first?.replacement == "SF640104002")
        #expect(outcome.teams.first?.skipped.first?.reason == "conflict")
        #expect(outcome.strata.contains { $0.eligible < $0.population })
    }

    @Test("the published result lists its fields in DRAW.md §7's order")
    func fieldOrder() throws {
        let outcome = try DrawAlgorithm.run(manifestBytes: try Vectors.manifest(), values: try Vectors.values())
        guard case let .object(members) = outcome.json else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["format", "round", "manifest_sha256", "sources", "key_string", "seed", "stage1", "strata", "teams", "substitutions"])
    }

    @Test("RFC 3797 §4's key-string example")
    func rfc3797() throws {
        let sources = ["a", "b", "c"].map { DrawManifest.Source(name: $0, kind: "integers", description: "", expectedAt: "") }
        let values = SourceValues(["a": .integers([9319]), "b": .integers([2, 5, 12, 8, 10]), "c": .integers([9, 18, 26, 34, 41, 45])])
        #expect(try DrawAlgorithm.keyString(sources: sources, values: values) == "9319./2.5.8.10.12./9.18.26.34.41.45./")
    }

    @Test("values that do not fit the announced sources are refused")
    func badValues() throws {
        let manifest = try DrawManifest.parse(try Vectors.manifest())
        var values = try Vectors.values()
        values.values["drand-quicknet-23815612"] = .text("not hex!")
        #expect(throws: DrawError.self) { try DrawAlgorithm.keyString(sources: manifest.sources, values: values) }
        values = try Vectors.values()
        values.values.removeValue(forKey: "observer-dice")
        #expect(throws: DrawError.self) { try DrawAlgorithm.keyString(sources: manifest.sources, values: values) }
        values = try Vectors.values()
        values.values["fc-ssq-2025136"] = .text("7")
        #expect(throws: DrawError.self) { try DrawAlgorithm.keyString(sources: manifest.sources, values: values) }
        values = try Vectors.values()
        values.values["extra"] = .integers([1])
        #expect(throws: DrawError.self) { try DrawAlgorithm.keyString(sources: manifest.sources, values: values) }
    }
}
