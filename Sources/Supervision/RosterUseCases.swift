import Foundation
import Fingerprint
public import Import
import Publication
public import Records
import ReferenceData
public import Rosters
public import Store
public import WorkingDays

/// A jurisdiction as `jurisdictions list` shows it: from the built-in table or a loaded file.
public struct JurisdictionRow: Sendable, Hashable, Encodable {
    public var code: String
    public var name: String
    public var parent: String?
    public var builtIn: Bool
    enum CodingKeys: String, CodingKey { case code, name, parent, builtIn = "built_in" }
}

/// What an import did (or would do with `--dry-run`), and from which file.
public struct ImportReport: Sendable, Hashable {
    public var kind: RosterKind
    public var file: String
    public var sha256: String
    public var encoding: String
    public var scope: String?
    public var dryRun: Bool
    public var result: RosterImportResult
}

/// The built-in GB/T 2260 table, parsed once per process.
enum BuiltInJurisdictions {
    static let table: [Jurisdiction] = {
        guard let file = BuiltIn.jurisdictionFile,
              let table = try? CSVTable.parse(file.text, file: BuiltIn.sourceName(file)),
              let jurisdictions = try? JurisdictionFile.parse(table, file: BuiltIn.sourceName(file), existing: []) else { return [] }
        return jurisdictions
    }()
}

/// Filters of the roster lists.
public struct RosterFilter: Sendable, Hashable {
    /// A jurisdiction code: it and its children.
    public var jurisdiction: String?
    public var category: Category?
    public var risk: RiskLevel?
    public init(jurisdiction: String? = nil, category: Category? = nil, risk: RiskLevel? = nil) {
        self.jurisdiction = jurisdiction
        self.category = category
        self.risk = risk
    }
}

/// When a roster query looks: now, at the end of a day, or as an import left it.
public enum RosterAsOf: Sendable, Hashable {
    case current
    /// The rosters as they stood at the end of this day (Asia/Shanghai).
    case endOf(CivilDate)
    case version(Int64)

    var point: RosterPoint {
        switch self {
        case .current: return .current
        case let .version(id): return .version(id)
        case let .endOf(date):
            let (year, month, day) = date.components
            guard let end = ShanghaiTime.endOfDay(year: year, month: month, day: day) else { return .current }
            return .before(Timestamps.format(end))
        }
    }
}

extension Supervisor {
    // MARK: Jurisdictions

    /// The jurisdictions in force: the built-in table with loaded files over it.
    public func jurisdictionRows() throws(StoreError) -> [JurisdictionRow] {
        var byCode: [String: JurisdictionRow] = [:]
        for jurisdiction in BuiltInJurisdictions.table {
            byCode[jurisdiction.code] = JurisdictionRow(code: jurisdiction.code, name: jurisdiction.name, parent: jurisdiction.parent, builtIn: true)
        }
        for jurisdiction in try store.jurisdictions() {
            byCode[jurisdiction.code] = JurisdictionRow(code: jurisdiction.code, name: jurisdiction.name, parent: jurisdiction.parent, builtIn: false)
        }
        return byCode.values.sorted { $0.code < $1.code }
    }

    /// The jurisdiction tree in force.
    public func jurisdictionTree() throws(StoreError) -> JurisdictionTree {
        JurisdictionTree(try jurisdictionRows().map { Jurisdiction(code: $0.code, name: $0.name, parent: $0.parent) })
    }

    /// `code` and its children, refused when `code` is unknown.
    func subtree(_ code: String, option: String) throws -> Set<String> {
        let tree = try jurisdictionTree()
        guard tree.contains(code) else { throw UsageError("\(option) \(code) is not a known jurisdiction") }
        return tree.subtree(code)
    }

    /// Loads a GB/T 2260 table (`code,name,parent`): all or nothing, one audit entry.
    public func loadJurisdictions(file: String) throws -> Int {
        let read = try RosterFile.readTable(path: file)
        let existing = try jurisdictionTree().byCode.values.map { $0 }
        let jurisdictions = try JurisdictionFile.parse(read.table, file: file, existing: existing)
        try store.loadJurisdictions(jurisdictions, source: JurisdictionSource(file: file, sha256: sha256Hex(read.data)), actor: actor)
        return jurisdictions.count
    }

    // MARK: Imports

    /// Imports the checklist, a roster or the recusal pairs from a file as a new version (Art. 5–6).
    public func importRoster(_ kind: RosterKind, file: String, scope: String?, encoding: TextEncoding?, dryRun: Bool) throws -> ImportReport {
        if scope != nil && (kind == .checklist || kind == .conflicts) {
            throw UsageError("--scope applies to institutions and inspectors only")
        }
        let read = try RosterFile.readTable(path: file, encoding: encoding)
        let source = RosterSource(file: file, sha256: sha256Hex(read.data), encoding: read.encoding)
        let tree = try jurisdictionTree()
        let rosterScope: RosterScope? = try scope.map { code in
            guard tree.contains(code) else { throw StoreError.refused("--scope \(code) is not a known jurisdiction") }
            return RosterScope(jurisdiction: code, codes: tree.subtree(code))
        }
        let result: RosterImportResult
        switch kind {
        case .institutions:
            let entries = try RosterFile.institutions(read.table, file: file, jurisdictions: tree)
            result = try store.importInstitutions(entries, scope: rosterScope, source: source, actor: actor, dryRun: dryRun)
        case .inspectors:
            let entries = try RosterFile.inspectors(read.table, file: file, jurisdictions: tree)
            result = try store.importInspectors(entries, scope: rosterScope, source: source, actor: actor, dryRun: dryRun)
        case .checklist:
            let entries = try RosterFile.checklist(read.table, file: file)
            result = try store.importChecklist(entries, source: source, actor: actor, dryRun: dryRun)
        case .conflicts:
            let rosters = try store.currentRosters()
            let entries = try RosterFile.conflicts(read.table, file: file, inspectors: Set(rosters.inspectors.entries.map(\.id)),
                                                   institutions: Set(rosters.institutions.entries.map(\.id)))
            result = try store.importConflicts(entries, source: source, actor: actor, dryRun: dryRun)
        }
        return ImportReport(kind: kind, file: file, sha256: source.sha256, encoding: read.encoding, scope: scope, dryRun: dryRun, result: result)
    }

    // MARK: Queries

    public func institutions(_ filter: RosterFilter, at asOf: RosterAsOf) throws -> RosterListing<Institution> {
        let scope = try filter.jurisdiction.map { code in try subtree(code, option: "--jurisdiction") }
        var listing = try store.institutions(at: asOf.point)
        listing.entries = listing.entries.filter { institution in
            (scope?.contains(institution.jurisdiction) ?? true) && (filter.category.map { $0 == institution.category } ?? true)
                && (filter.risk.map { $0 == institution.risk } ?? true)
        }
        return listing
    }

    public func inspectors(_ filter: RosterFilter, at asOf: RosterAsOf) throws -> RosterListing<Inspector> {
        let scope = try filter.jurisdiction.map { code in try subtree(code, option: "--jurisdiction") }
        var listing = try store.inspectors(at: asOf.point)
        listing.entries = listing.entries.filter { inspector in
            (scope?.contains(inspector.jurisdiction) ?? true) && (filter.category.map { inspector.categories.contains($0) } ?? true)
        }
        return listing
    }

    public func checklist(category: Category?, at asOf: RosterAsOf) throws(StoreError) -> RosterListing<ChecklistItem> {
        var listing = try store.checklist(at: asOf.point)
        listing.entries = listing.entries.filter { item in category.map { $0 == item.category } ?? true }
            .sorted { $0.category == $1.category ? $0.code < $1.code : $0.category < $1.category }
        return listing
    }

    public func conflicts(at asOf: RosterAsOf) throws(StoreError) -> RosterListing<Conflict> {
        try store.conflicts(at: asOf.point)
    }

    public func rosterVersions(kind: RosterKind?) throws(StoreError) -> [RosterVersion] {
        try store.rosterVersions(kind: kind)
    }

    /// The checklist and both rosters as files for the portal (Art. 6): name → contents.
    public func rosterPublication() throws -> [(name: String, contents: String)] {
        let checklist = try store.checklist()
        let institutions = try store.institutions()
        let inspectors = try store.inspectors()
        func source(_ kind: RosterKind, _ version: RosterVersion?) -> RosterPublication.Source {
            .init(kind: kind, version: version?.id, importedAt: version?.importedAt, sha256: version?.sha256)
        }
        let publication = RosterPublication(
            checklist: checklist.entries, institutions: institutions.entries, inspectors: inspectors.entries,
            jurisdictions: try jurisdictionTree(),
            sources: [source(.checklist, checklist.version), source(.institutions, institutions.version), source(.inspectors, inspectors.version)],
            generatedAt: Timestamps.format(clock()))
        return publication.files().map { (name: $0.0, contents: $0.1) }
    }
}
