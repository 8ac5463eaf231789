import ArgumentParser
import Foundation
import Publication
import Rosters
import Store

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
                let settings = try await Settings.load(global)
                let store = try settings.openStore()
                let checklist = try store.checklist()
                let institutions = try store.institutions()
                let inspectors = try store.inspectors()
                func source(_ kind: RosterKind, _ version: RosterVersion?) -> RosterPublication.Source {
                    .init(kind: kind, version: version?.id, importedAt: version?.importedAt, sha256: version?.sha256)
                }
                let publication = RosterPublication(
                    checklist: checklist.entries, institutions: institutions.entries, inspectors: inspectors.entries,
                    jurisdictions: try store.jurisdictionTree(),
                    sources: [source(.checklist, checklist.version), source(.institutions, institutions.version), source(.inspectors, inspectors.version)],
                    generatedAt: Timestamps.now())
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    for (name, contents) in publication.files() {
                        try Data(contents.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(name))
                        print("wrote \(out)/\(name)")
                    }
                } catch {
                    throw CLIError.io("cannot write to \(out): \(error.localizedDescription)")
                }
            }
        }
    }
}
