import ArgumentParser
import Draw
import Foundation

/// `spotcheck draw run|verify`: the stateless draw, for the public and for us (Art. 17).
struct DrawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Compute or check a SPOTCHECK-DRAW-1 draw from its files; no database needed.",
        discussion: "The method is explained in docs/draw-algorithm.md.",
        subcommands: [Run.self, Verify.self])

    static func read(_ path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError.io("cannot read \(path): \(error.localizedDescription)")
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the result JSON of a draw.")
        @Option(help: "The announced manifest.json.") var manifest: String
        @Option(help: "values.json: source name → numbers or text.") var values: String
        @Option(help: "substitutions.json: [{inspector, institution, reason}], in order.") var substitutions: String?

        func run() async throws {
            try await runReportingErrors {
                let manifestBytes = try DrawCommand.read(manifest)
                let sourceValues = try SourceValues.parse(try DrawCommand.read(values))
                let requests = try substitutions.map { try SubstitutionRequest.parseList(try DrawCommand.read($0), file: $0) } ?? []
                let outcome = try DrawAlgorithm.run(manifestBytes: manifestBytes, values: sourceValues, substitutions: requests)
                FileHandle.standardOutput.write(Data(outcome.json.serialized().utf8))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute a published result from its manifest: OK, or the first difference (exit 1).")
        @Option(help: "The announced manifest.json.") var manifest: String
        @Argument(help: "The published result.json.") var result: String

        func run() async throws {
            try await runReportingErrors {
                let outcome = try DrawVerifier.verify(manifestBytes: try DrawCommand.read(manifest), resultBytes: try DrawCommand.read(result))
                switch outcome {
                case .ok:
                    print("OK: \(result) is the draw its manifest and source values give")
                case let .differs(path, published, recomputed):
                    print("DIFFERENT at \(path): published \(published), recomputed \(recomputed)")
                    throw ExitCode(1)
                }
            }
        }
    }
}
