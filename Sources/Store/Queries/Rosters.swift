import Foundation
import GRDB
public import Records
public import Rosters

private struct RosterImportDetails: Encodable {
    var version: Int64
    var kind: String
    var scope: String?
    var file: String
    var sha256: String
    var rows, added, changed, removed: Int
}

private struct JurisdictionLoadDetails: Encodable {
    var file: String
    var sha256: String
    var codes: Int
}

/// The part of a roster an import replaces: a jurisdiction and every code under it.
public struct RosterScope: Sendable, Hashable {
    public var jurisdiction: String
    public var codes: Set<String>
    public init(jurisdiction: String, codes: Set<String>) {
        self.jurisdiction = jurisdiction
        self.codes = codes
    }
}

extension SpotCheckStore {
    // MARK: Jurisdictions

    /// Adds or updates jurisdictions in one transaction with one audit entry.
    public func loadJurisdictions(_ jurisdictions: [Jurisdiction], source: JurisdictionSource, actor: String) throws(StoreError) {
        try write { db in
            try AuditLog.append(db, at: now(), actor: actor, action: .jurisdictionsLoad, subject: "jurisdictions",
                                details: JurisdictionLoadDetails(file: source.file, sha256: source.sha256, codes: jurisdictions.count))
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO jurisdiction (code, name, parent) VALUES (?, ?, ?)")
            for jurisdiction in jurisdictions {
                try statement.execute(arguments: [jurisdiction.code, jurisdiction.name, jurisdiction.parent])
            }
        }
    }

    /// The jurisdictions loaded from files (not the built-in table), by code.
    public func jurisdictions() throws(StoreError) -> [Jurisdiction] {
        try read { db in try Self.fetchJurisdictions(db) }
    }

    static func fetchJurisdictions(_ db: Database) throws -> [Jurisdiction] {
        try Row.fetchAll(db, sql: "SELECT code, name, parent FROM jurisdiction ORDER BY code").map {
            Jurisdiction(code: $0["code"], name: $0["name"], parent: $0["parent"])
        }
    }

    // MARK: Imports

    public func importInstitutions(_ entries: [Institution], scope: RosterScope?, source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        try replace(entries, scope: scope, source: source, actor: actor, dryRun: dryRun)
    }

    public func importInspectors(_ entries: [Inspector], scope: RosterScope?, source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        try replace(entries, scope: scope, source: source, actor: actor, dryRun: dryRun)
    }

    public func importChecklist(_ entries: [ChecklistItem], source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        try replace(entries, scope: nil, source: source, actor: actor, dryRun: dryRun)
    }

    public func importConflicts(_ entries: [Conflict], source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        try replace(entries, scope: nil, source: source, actor: actor, dryRun: dryRun)
    }

    /// Replaces the current roster of `E`'s kind (or its part inside `scope`) with `entries` as a
    /// new version, in one transaction with one audit entry. Unchanged rows keep their version.
    ///
    /// The changes are planned on a read snapshot first, so a refused import never opens the
    /// writer (the file stays byte-for-byte as it was); the write re-plans only if anything was
    /// written in between.
    func replace<E: VersionedEntry>(_ entries: [E], scope: RosterScope?, source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        let planned = try read { db in try RosterPlan(db, entries, scope: scope, file: source.file) }
        if dryRun { return planned.result }
        return try write { db in
            let plan = try Self.lastAuditSeq(db) == planned.auditSeq ? planned : RosterPlan(db, entries, scope: scope, file: source.file)
            var result = plan.result
            let versionID = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM roster_version") ?? 0) + 1
            let at = now()
            let audit = try AuditLog.append(db, at: at, actor: actor, action: .rosterImport, subject: "roster/\(E.kind.rawValue)",
                details: RosterImportDetails(version: versionID, kind: E.kind.rawValue, scope: scope?.jurisdiction, file: source.file,
                                             sha256: source.sha256, rows: result.rows, added: result.added, changed: result.changed,
                                             removed: result.removed))
            try RosterVersion(id: versionID, kind: E.kind, scope: scope?.jurisdiction, file: source.file, sha256: source.sha256,
                              encoding: source.encoding, importedAt: at, importedBy: actor, rows: result.rows,
                              added: result.added, changed: result.changed, removed: result.removed, auditSeq: audit.seq).insert(db)
            let close = try db.cachedStatement(sql: "UPDATE \(E.table) SET until_version = ? WHERE rowid = ?")
            for rowID in plan.replacedRowIDs {
                try close.execute(arguments: [versionID, rowID])
            }
            try Self.withIndexesRebuiltIfLarge(db, table: E.table, inserting: plan.added.count + plan.changed.count) {
                try E.insert(plan.added, version: versionID, in: db)
                try E.insert(plan.changed, version: versionID, in: db)
            }
            if E.kind == .institutions { try Self.writeInstitutionTally(db, version: versionID) }
            result.version = versionID
            return result
        }
    }

    /// Runs `insert`; when it adds many rows to a table that holds fewer (a first import of a
    /// large roster), the table's indexes are dropped first and made again after from their own
    /// stored definitions, in the same transaction: one sort each instead of a hundred thousand
    /// inserts at scattered places (a first import of 100,000 institutions spent about a third of
    /// its time in its three indexes). Unique indexes stay and are checked row by row, so that a
    /// duplicate is refused at its row.
    static func withIndexesRebuiltIfLarge(_ db: Database, table: String, inserting count: Int, _ insert: () throws -> Void) throws {
        guard count >= 10_000, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 < count else { return try insert() }
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY name
            """, arguments: [table])
        for index in indexes { try db.execute(sql: "DROP INDEX \((index["name"] as String).quotedDatabaseIdentifier)") }
        try insert()
        for index in indexes { try db.execute(sql: index["sql"] as String) }
    }

    // MARK: Queries

    /// Every import, oldest first.
    public func rosterVersions(kind: RosterKind? = nil) throws(StoreError) -> [RosterVersion] {
        try read { db in
            var request = RosterVersion.request().order(Column("id"))
            if let kind { request = request.filter(Column("kind") == kind.rawValue) }
            return try RosterVersion.all(db, request)
        }
    }

    static func rosterVersion(_ db: Database, _ kind: RosterKind, at point: RosterPoint) throws -> RosterVersion? {
        var request = RosterVersion.request().filter(Column("kind") == kind.rawValue)
        switch point {
        case .current: break
        case let .before(instant): request = request.filter(Column("imported_at") < instant)
        case let .version(id): request = request.filter(Column("id") <= id)
        }
        return try RosterVersion.all(db, request.order(Column("id").desc).limit(1)).first
    }

    /// Entries of `E`'s kind in force at `version` (`nil`: none).
    static func entries<E: VersionedEntry>(_ db: Database, _ type: E.Type, at version: Int64?) throws -> [E] {
        guard let version else { return [] }
        var result: [E] = []
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT \(E.columns.joined(separator: ", ")) FROM \(E.table)
            WHERE since_version <= ? AND (until_version IS NULL OR until_version > ?)
            ORDER BY \(E.keyColumns.joined(separator: ", "))
            """, arguments: [version, version])
        while let row = try cursor.next() { result.append(try E(row: row, from: 0)) }
        return result
    }

    static func listing<E: VersionedEntry & Hashable>(_ db: Database, _ type: E.Type, at point: RosterPoint) throws -> RosterListing<E> {
        let version = try rosterVersion(db, E.kind, at: point)
        return RosterListing(version: version, entries: try entries(db, E.self, at: version?.id))
    }

    /// The institution roster at `point`, with the version it is.
    public func institutions(at point: RosterPoint = .current) throws(StoreError) -> RosterListing<Institution> {
        try read { db in try Self.listing(db, Institution.self, at: point) }
    }

    public func inspectors(at point: RosterPoint = .current) throws(StoreError) -> RosterListing<Inspector> {
        try read { db in try Self.listing(db, Inspector.self, at: point) }
    }

    public func checklist(at point: RosterPoint = .current) throws(StoreError) -> RosterListing<ChecklistItem> {
        try read { db in try Self.listing(db, ChecklistItem.self, at: point) }
    }

    public func conflicts(at point: RosterPoint = .current) throws(StoreError) -> RosterListing<Conflict> {
        try read { db in try Self.listing(db, Conflict.self, at: point) }
    }

    /// The current institutions, inspectors and recusal pairs read in one snapshot, for an announcement.
    public func currentRosters() throws(StoreError) -> (institutions: RosterListing<Institution>, inspectors: RosterListing<Inspector>, conflicts: RosterListing<Conflict>) {
        try read { db in
            (try Self.listing(db, Institution.self, at: .current), try Self.listing(db, Inspector.self, at: .current),
             try Self.listing(db, Conflict.self, at: .current))
        }
    }
}

/// What replacing a roster changes, computed against a snapshot.
struct RosterPlan<E: VersionedEntry> {
    var added: [E] = []
    var changed: [E] = []
    var removed: [E] = []
    /// Rows in force now that the import ends: those changed and those removed.
    var replacedRowIDs: [Int64] = []
    var result: RosterImportResult
    /// The audit log's last entry when planned: if it moved, the plan is stale.
    var auditSeq: Int64

    init(_ db: Database, _ entries: [E], scope: RosterScope?, file: String) throws {
        auditSeq = try SpotCheckStore.lastAuditSeq(db)
        let inScope = scope?.codes
        var current: [String: (rowID: Int64, entry: E)] = [:]
        var outside: [String: E] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, \(E.columns.joined(separator: ", ")) FROM \(E.table) WHERE until_version IS NULL")
        while let row = try cursor.next() {
            let entry = try E(row: row, from: 1)
            if let inScope, let code = entry.scopeJurisdiction, !inScope.contains(code) { outside[entry.key] = entry }
            else { current[entry.key] = (row[0], entry) }
        }
        var seen = Set<String>()
        // With nothing in force (a first import) there is nothing to remove: skip the key set.
        let tracksRemovals = !current.isEmpty
        if tracksRemovals { seen.reserveCapacity(entries.count) }
        let scopeName = scope?.jurisdiction ?? ""
        for entry in entries {
            if let inScope, let code = entry.scopeJurisdiction, !inScope.contains(code) {
                throw StoreError.refused("\(file): \(entry.key) is in jurisdiction \(code), outside --scope \(scopeName)")
            }
            if let other = outside[entry.key] {
                throw StoreError.refused("\(file): \(entry.key) is currently in jurisdiction \(other.scopeJurisdiction ?? "?"), outside --scope \(scopeName); import it from a scope that covers both")
            }
            if tracksRemovals { seen.insert(entry.key) }
            if let existing = current[entry.key] {
                if existing.entry != entry {
                    changed.append(entry)
                    replacedRowIDs.append(existing.rowID)
                }
            } else {
                added.append(entry)
            }
        }
        for (key, existing) in current where tracksRemovals && !seen.contains(key) {
            removed.append(existing.entry)
            replacedRowIDs.append(existing.rowID)
        }
        result = RosterImportResult(version: nil, rows: entries.count, added: added.count, changed: changed.count,
                                    removed: removed.count, unchanged: entries.count - added.count - changed.count)
    }
}
