import ArgumentParser
import Foundation
import Supervision

/// `spotcheck publish rosters --out DIR`: the list and the two rosters for the portal (Art. 6).
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: "Write files for publication.", subcommands: [Rosters.self])

    struct Rosters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The checklist and both rosters as UTF-8 CSV and a static HTML page.",
            discussion: "Inspectors are published with certificate number, name, jurisdiction and categories only; institutions without risk data.")
        @Option(help: "The output directory (created if missing).") var out: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let files = try await Settings.load(global).supervisor().rosterPublication()
                try writeFiles(files.map { ($0.name, Data($0.contents.utf8)) }, to: out)
            }
        }
    }
}

/// Writes `files` into `directory` (created if missing), printing each path.
func writeFiles(_ files: [(name: String, contents: Data)], to directory: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, contents) in files {
            try contents.write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
            print("wrote \(directory)/\(name)")
        }
    } catch {
        throw CLIError.io("cannot write to \(directory): \(error.localizedDescription)")
    }
}
