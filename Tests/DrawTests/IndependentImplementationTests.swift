import Draw
import Foundation
import Testing

/// Our published files, read back by an independent implementation of DRAW.md (Python,
/// standard library only, Tests/DrawTests/Independent/draw.py).
@Suite("Independent implementation")
struct IndependentImplementationTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Independent/draw.py").path

    static func python(manifest: Data, result: Data) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-draw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let manifestURL = directory.appendingPathComponent("manifest.json")
        let resultURL = directory.appendingPathComponent("result.json")
        try manifest.write(to: manifestURL)
        try result.write(to: resultURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, manifestURL.path, resultURL.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A round with everything DRAW.md has: stage 1, county strata, high risk, ineligible
    /// institutions, fallback and unavailable inspectors, conflicts, a cap, substitutions.
    static func richRound() throws -> (manifest: Data, result: Data, outcome: DrawOutcome) {
        var people: [DrawManifest.Institution] = []
        for (number, code) in ["640104", "640105", "640106", "640202", "640302", "640402"].enumerated() {
            people += institutions(30 + number * 7, jurisdiction: code)
            people += institutions(4 + number, jurisdiction: code, risk: "high")
            people += institutions(2, jurisdiction: code, eligible: false, prefix: "S")
        }
        var pool = inspectors(9) + inspectors(4, pool: "fallback", prefix: "FB")
        pool[2].available = false
        let conflicts = people.enumerated().filter { $0.offset % 5 == 0 }.map { DrawManifest.ConflictPair(inspector: "SF\($0.offset % 9)", institution: $0.element.id) }
        let bytes = manifest(institutions: people, inspectors: pool, conflicts: conflicts, stage1: 4, teamSize: 3, cap: 4,
                             normal: Rate(num: 10, den: 100), high: Rate(num: 30, den: 100))
        let first = try DrawAlgorithm.run(manifestBytes: bytes, values: dice)
        let substitutions = [
            SubstitutionRequest(inspector: first.teams[0].members[0].id, institution: first.teams[0].institution, reason: "因病住院"),
            SubstitutionRequest(inspector: first.teams[3].members[1].id, institution: first.teams[3].institution, reason: "回避"),
        ]
        let outcome = try DrawAlgorithm.run(manifestBytes: bytes, values: dice, substitutions: substitutions)
        return (bytes, Data(outcome.json.serialized().utf8), outcome)
    }

    @Test("the worked example and a rich round of ours verify in Python")
    func agrees() throws {
        let example = try Self.python(manifest: try Vectors.manifest(), result: try Vectors.data("result.json"))
        #expect(example.output == "OK")
        let round = try Self.richRound()
        #expect(round.outcome.stage1?.count == 4)
        #expect(round.outcome.teams.contains { !$0.skipped.isEmpty })
        let check = try Self.python(manifest: round.manifest, result: round.result)
        #expect(check.status == 0)
        #expect(check.output == "OK")
    }

    @Test("Python catches a tampered selection too (the check is not vacuous)")
    func catchesTampering() throws {
        let round = try Self.richRound()
        let victim = round.outcome.strata.first { !$0.selected.isEmpty }!.selected[0].id
        var tampered = String(decoding: round.result, as: UTF8.self)
        // Only the first mention, in the strata; the teams still name the real institution.
        let mention = try #require(tampered.range(of: "\"institution\": \"\(victim)\""))
        tampered.replaceSubrange(mention, with: "\"institution\": \"FORGED\"")
        let check = try Self.python(manifest: round.manifest, result: Data(tampered.utf8))
        #expect(check.status == 1)
        #expect(check.output.hasPrefix("DIFFERENT: result.strata["))
    }
}
