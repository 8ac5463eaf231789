public import ArgumentParser
import Foundation
import Import
import Records
public import Rosters
import Supervision
import WorkingDays

extension TextEncoding: ExpressibleByArgument {}

extension Category: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}

extension RiskLevel: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}

/// `spotcheck jurisdictions …`: the GB/T 2260 table.
struct JurisdictionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jurisdictions",
        abstract: "The GB/T 2260 jurisdiction table (province → city → county).",
        subcommands: [Load.self, List.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a jurisdiction table (code,name,parent); all or nothing.")
        @Argument(help: "A CSV file, e.g. config/jurisdictions/640000-ningxia.csv.") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let count = try await Settings.load(global).supervisor().loadJurisdictions(file: file)
                print("loaded \(count) jurisdictions from \(file)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The jurisdictions in force (built in, or loaded), with their parents.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let rows = try await Settings.load(global).supervisor().jurisdictionRows()
                if json { return try printJSON(["jurisdictions": rows]) }
                let tree = JurisdictionTree(rows.map { Jurisdiction(code: $0.code, name: $0.name, parent: $0.parent) })
                for row in rows {
                    let depth = tree.ancestry(row.code).count - 1
                    print(String(repeating: "  ", count: depth) + "\(row.code) \(row.name)\(row.builtIn ? "" : "  (loaded)")")
                }
            }
        }
    }
}

/// `spotcheck import KIND FILE`: the list and the two rosters (Art. 5–6).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the checklist, a roster or the recusal pairs from CSV (UTF-8, UTF-8 with BOM, GB18030) or .xlsx.",
        discussion: """
            An import replaces the roster of its kind as a new version (or, with --scope, the part \
            of it in that jurisdiction and its children); old versions stay queryable with --as-of. \
            Every problem in the file is reported with file, line, column and value; on any problem \
            nothing is imported (exit 65).
            """)

    @Argument(help: "institutions, inspectors, checklist or conflicts.") var kind: RosterKind
    @Argument(help: "The file (.csv or .xlsx).") var file: String
    @Option(help: "Replace only this jurisdiction and its children (institutions, inspectors).") var scope: String?
    @Option(help: "Force the text encoding: utf-8, utf-8-bom or gb18030 (default: detected).") var encoding: TextEncoding?
    @Flag(help: "Validate and report what would change; change nothing.") var dryRun = false
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    struct Output: Encodable {
        var kind: String
        var file: String
        var sha256: String
        var encoding: String
        var scope: String?
        var dryRun: Bool
        var version: Int64?
        var rows, added, changed, removed, unchanged: Int
        enum CodingKeys: String, CodingKey {
            case kind, file, sha256, encoding, scope, dryRun = "dry_run", version, rows, added, changed, removed, unchanged
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let report = try await Settings.load(global).supervisor().importRoster(kind, file: file, scope: scope, encoding: encoding, dryRun: dryRun)
            let result = report.result
            let output = Output(kind: kind.rawValue, file: file, sha256: report.sha256, encoding: report.encoding, scope: scope, dryRun: dryRun,
                                version: result.version, rows: result.rows, added: result.added, changed: result.changed,
                                removed: result.removed, unchanged: result.unchanged)
            if json { return try printJSON(output) }
            let what = dryRun ? "dry run, nothing changed" : "version \(result.version.map(String.init) ?? "?")"
            print("\(kind.rawValue) from \(file) (\(report.encoding), sha256 \(report.sha256.prefix(12))…)\(scope.map { ", scope \($0)" } ?? ""): \(what)")
            print("  \(result.rows) rows: \(result.added) added, \(result.changed) changed, \(result.removed) removed, \(result.unchanged) unchanged")
        }
    }
}

extension RosterKind: ExpressibleByArgument {}

/// Options shared by the roster queries.
struct RosterQueryOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "The rosters as they stood at the end of this day (yyyy-MM-dd, Asia/Shanghai).") var asOf: CivilDate?
    @Option(help: "The roster as import N left it (see `spotcheck rosters versions`).") var rosterVersion: Int64?
    @Flag(help: "Print one JSON document.") var json = false

    func validate() throws {
        if asOf != nil && rosterVersion != nil { throw ValidationError("give --as-of or --roster-version, not both") }
    }

    var point: RosterAsOf {
        if let rosterVersion { return .version(rosterVersion) }
        return asOf.map { .endOf($0) } ?? .current
    }
}

/// The version a listing comes from, for JSON.
struct VersionJSON: Encodable {
    var id: Int64
    var file: String
    var sha256: String
    var importedAt: String
    var importedBy: String
    enum CodingKeys: String, CodingKey { case id, file, sha256, importedAt = "imported_at", importedBy = "imported_by" }

    init?(_ version: RosterVersion?) {
        guard let version else { return nil }
        id = version.id
        file = version.file
        sha256 = version.sha256
        importedAt = version.importedAt
        importedBy = version.importedBy
    }
}

func versionLine(_ kind: RosterKind, _ version: RosterVersion?) -> String {
    guard let version else { return "\(kind.rawValue): nothing imported yet" }
    return "\(kind.rawValue) version \(version.id), imported \(version.importedAt) by \(version.importedBy) from \(version.file)"
}

/// `spotcheck institutions list`.
struct InstitutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "institutions", abstract: "The institution roster (监管对象名录库).", subcommands: [List.self, History.self])

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An institution's published spot-check results (Art. 15), the feed of its social-credit record.")
        @Argument(help: "The unified social credit code.") var id: String
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let history = try await Settings.load(global).supervisor().institutionHistory(id)
                if json {
                    struct Output: Encodable { var institution: String; var results: [InstitutionHistoryEntry] }
                    return try printJSON(Output(institution: id, results: history))
                }
                if history.isEmpty { print("\(id): no published result") }
                for entry in history {
                    print("\(entry.publishedOn)  \(pad(entry.round, 32))\(pad(entry.conclusion, 8))\((entry.failed + entry.findings).joined(separator: "；"))")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List institutions, filtered.")
        @Option(help: "A jurisdiction code; its children are included.") var jurisdiction: String?
        @Option(help: "A category (lawyer, notary, … or 律师, 公证, …).") var category: Category?
        @Option(help: "normal or high (一般, 较高).") var risk: RiskLevel?
        @OptionGroup var options: RosterQueryOptions

        struct Entry: Encodable {
            var id, name, category, jurisdiction, risk: String
            var riskReason: String?
            var status: String
            var eligible: Bool
            var ineligibleReason: String?
            enum CodingKeys: String, CodingKey {
                case id, name, category, jurisdiction, risk, riskReason = "risk_reason", status, eligible, ineligibleReason = "ineligible_reason"
            }
        }

        func run() async throws {
            try await runReportingErrors {
                let listing = try await Settings.load(options.global).supervisor()
                    .institutions(RosterFilter(jurisdiction: jurisdiction, category: category, risk: risk), at: options.point)
                let (version, entries) = (listing.version, listing.entries)
                if options.json {
                    struct Output: Encodable { var version: VersionJSON?; var institutions: [Entry] }
                    return try printJSON(Output(version: VersionJSON(version), institutions: entries.map {
                        Entry(id: $0.id, name: $0.name, category: $0.category.rawValue, jurisdiction: $0.jurisdiction, risk: $0.risk.rawValue,
                              riskReason: $0.riskReason, status: $0.status.rawValue, eligible: $0.ineligibilityReason == nil,
                              ineligibleReason: $0.ineligibilityReason)
                    }))
                }
                print(versionLine(.institutions, version) + "; \(entries.count) shown")
                for institution in entries {
                    print("\(institution.id)  \(pad(institution.jurisdiction, 8))\(pad(institution.category.chineseName, 14))\(pad(institution.risk.chineseName, 6))\(pad(institution.status.chineseName, 6))\(institution.name)\(institution.riskReason.map { "  [\($0)]" } ?? "")")
                }
            }
        }
    }
}

/// `spotcheck inspectors list`.
struct InspectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspectors", abstract: "The inspector roster (执法检查人员名录库).", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List inspectors, filtered.")
        @Option(help: "A jurisdiction code; its children are included.") var jurisdiction: String?
        @Option(help: "Inspectors serving this category.") var category: Category?
        @OptionGroup var options: RosterQueryOptions

        struct Entry: Encodable {
            var id, name, jurisdiction: String
            var categories: [String]
            var status: String
        }

        func run() async throws {
            try await runReportingErrors {
                let listing = try await Settings.load(options.global).supervisor()
                    .inspectors(RosterFilter(jurisdiction: jurisdiction, category: category), at: options.point)
                let (version, entries) = (listing.version, listing.entries)
                if options.json {
                    struct Output: Encodable { var version: VersionJSON?; var inspectors: [Entry] }
                    return try printJSON(Output(version: VersionJSON(version), inspectors: entries.map {
                        Entry(id: $0.id, name: $0.name, jurisdiction: $0.jurisdiction, categories: $0.categories.map(\.rawValue), status: $0.status.rawValue)
                    }))
                }
                print(versionLine(.inspectors, version) + "; \(entries.count) shown")
                for inspector in entries {
                    print("\(pad(inspector.id, 14))\(pad(inspector.name, 10))\(pad(inspector.jurisdiction, 8))\(pad(inspector.status.chineseName, 8))\(inspector.categories.map(\.chineseName).joined(separator: "、"))")
                }
            }
        }
    }
}

/// `spotcheck checklist list`.
struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checklist", abstract: "The checklist (抽查事项清单).", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List checklist items.")
        @Option(help: "Only this category.") var category: Category?
        @OptionGroup var options: RosterQueryOptions

        struct Entry: Encodable { var category, code, name, basis, subject, content, method: String }

        func run() async throws {
            try await runReportingErrors {
                let listing = try await Settings.load(options.global).supervisor().checklist(category: category, at: options.point)
                let (version, entries) = (listing.version, listing.entries)
                if options.json {
                    struct Output: Encodable { var version: VersionJSON?; var items: [Entry] }
                    return try printJSON(Output(version: VersionJSON(version), items: entries.map {
                        Entry(category: $0.category.rawValue, code: $0.code, name: $0.name, basis: $0.basis, subject: $0.subject, content: $0.content, method: $0.method)
                    }))
                }
                print(versionLine(.checklist, version) + "; \(entries.count) shown")
                for item in entries {
                    print("\(pad(item.category.chineseName, 14))\(pad(item.code, 20))\(pad(item.name, 22))\(item.basis) | \(item.method)")
                }
            }
        }
    }
}

/// `spotcheck conflicts list`.
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "conflicts", abstract: "Recusal pairs (回避, Art. 11).", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recusal pairs.")
        @OptionGroup var options: RosterQueryOptions

        func run() async throws {
            try await runReportingErrors {
                let listing = try await Settings.load(options.global).supervisor().conflicts(at: options.point)
                let (version, entries) = (listing.version, listing.entries)
                if options.json {
                    struct Output: Encodable { var version: VersionJSON?; var conflicts: [Conflict] }
                    return try printJSON(Output(version: VersionJSON(version), conflicts: entries))
                }
                print(versionLine(.conflicts, version) + "; \(entries.count) pairs")
                for conflict in entries { print("\(pad(conflict.inspector, 14))\(pad(conflict.institution, 20))\(conflict.reason)") }
            }
        }
    }
}

/// `spotcheck rosters versions`: every import.
struct RostersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rosters", abstract: "Roster import history (Art. 6).", subcommands: [Versions.self])

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every import: who, when, which file and SHA-256, what changed.")
        @Option(help: "Only this kind.") var kind: RosterKind?
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let versions = try await Settings.load(global).supervisor().rosterVersions(kind: kind)
                if json { return try printJSON(["versions": versions]) }
                for version in versions {
                    print("\(pad(String(version.id), 5))\(pad(version.kind.rawValue, 14))\(pad(version.scope ?? "all", 8))\(pad(version.importedAt, 26))\(pad(version.importedBy, 10))+\(version.added) ~\(version.changed) -\(version.removed) of \(version.rows)  \(version.sha256.prefix(12))  \(version.file) (\(version.encoding))")
                }
            }
        }
    }
}
