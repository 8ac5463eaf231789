import Foundation
import GRDB
import Rosters

/// The source of one roster import, for its version row and audit entry.
public struct RosterSource: Sendable {
    public var file: String
    public var sha256: String
    public var encoding: String

    public init(file: String, sha256: String, encoding: String) {
        self.file = file
        self.sha256 = sha256
        self.encoding = encoding
    }
}

/// What an import did, or would do with `--dry-run`.
public struct RosterImportResult: Sendable, Hashable {
    /// The new version; `nil` for a dry run or when nothing changed.
    public var version: Int64?
    public var rows: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var unchanged: Int
}

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

/// A query's point in history: the rosters as they stood at the end of a day.
public enum RosterPoint: Sendable {
    case current
    /// The newest version imported before the end of this civil day (Asia/Shanghai).
    case asOf(year: Int, month: Int, day: Int)
    /// The roster as a given import left it: the newest version of the kind up to this one.
    case version(Int64)

    /// The UTC instant (as stored) at which the day ends in Asia/Shanghai (UTC+8).
    var cutoff: String? {
        guard case let .asOf(year, month, day) = self else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "Asia/Shanghai")
        components.year = year
        components.month = month
        components.day = day + 1
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = components.timeZone!
        guard let date = calendar.date(from: components) else { return nil }
        return Timestamps.format(date)
    }
}

extension SpotCheckStore {
    // MARK: Jurisdictions

    /// Adds or updates jurisdictions in one transaction with one audit entry.
    public func loadJurisdictions(_ jurisdictions: [Jurisdiction], source: RosterSource, actor: String) throws(StoreError) {
        try write { db in
            try AuditLog.append(db, actor: actor, action: "jurisdictions.load", subject: "jurisdictions",
                                details: JurisdictionLoadDetails(file: source.file, sha256: source.sha256, codes: jurisdictions.count))
            let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO jurisdiction (code, name, parent) VALUES (?, ?, ?)")
            for jurisdiction in jurisdictions {
                try statement.execute(arguments: [jurisdiction.code, jurisdiction.name, jurisdiction.parent])
            }
        }
    }

    public func jurisdictions() throws(StoreError) -> [Jurisdiction] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, parent FROM jurisdiction ORDER BY code").map {
                Jurisdiction(code: $0["code"], name: $0["name"], parent: $0["parent"])
            }
        }
    }

    public func jurisdictionTree() throws(StoreError) -> JurisdictionTree {
        JurisdictionTree(try jurisdictions())
    }

    // MARK: Imports

    public func importInstitutions(_ entries: [Institution], scope: String?, source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        try replace(entries, scope: scope, source: source, actor: actor, dryRun: dryRun)
    }

    public func importInspectors(_ entries: [Inspector], scope: String?, source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
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
    func replace<E: VersionedEntry>(_ entries: [E], scope: String?, source: RosterSource, actor: String, dryRun: Bool) throws(StoreError) -> RosterImportResult {
        let planned = try read { db in try RosterPlan(db, entries, scope: scope, file: source.file) }
        if dryRun { return planned.result }
        return try write { db in
            let plan = try Self.lastAuditSeq(db) == planned.auditSeq ? planned : RosterPlan(db, entries, scope: scope, file: source.file)
            var result = plan.result
            let versionID = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM roster_version") ?? 0) + 1
            let audit = try AuditLog.append(db, actor: actor, action: "roster.import", subject: "roster/\(E.kind.rawValue)",
                details: RosterImportDetails(version: versionID, kind: E.kind.rawValue, scope: scope, file: source.file, sha256: source.sha256,
                                             rows: result.rows, added: result.added, changed: result.changed, removed: result.removed))
            var version = RosterVersion(id: versionID, kind: E.kind.rawValue, scope: scope, file: source.file, sha256: source.sha256,
                                        encoding: source.encoding, importedAt: audit.at, importedBy: actor, rows: result.rows,
                                        added: result.added, changed: result.changed, removed: result.removed, auditSeq: audit.seq)
            try version.insert(db)
            let close = try db.cachedStatement(sql: "UPDATE \(E.table) SET until_version = ? WHERE rowid = ?")
            for rowID in plan.replacedRowIDs {
                try close.execute(arguments: [versionID, rowID])
            }
            try E.insert(plan.added, version: versionID, in: db)
            try E.insert(plan.changed, version: versionID, in: db)
            result.version = versionID
            return result
        }
    }

    static func lastAuditSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM audit_log") ?? 0
    }

    static func fetchJurisdictions(_ db: Database) throws -> [Jurisdiction] {
        try Row.fetchAll(db, sql: "SELECT code, name, parent FROM jurisdiction").map {
            Jurisdiction(code: $0["code"], name: $0["name"], parent: $0["parent"])
        }
    }

    // MARK: Queries

    /// Every import, oldest first.
    public func rosterVersions(kind: RosterKind? = nil) throws(StoreError) -> [RosterVersion] {
        try read { db in
            var request = RosterVersion.order(Column("id"))
            if let kind { request = request.filter(Column("kind") == kind.rawValue) }
            return try request.fetchAll(db)
        }
    }

    /// The version of `kind` in force at `point`: `nil` when none had been imported yet.
    public func rosterVersion(_ kind: RosterKind, at point: RosterPoint) throws(StoreError) -> RosterVersion? {
        try read { db in try Self.rosterVersion(db, kind, at: point) }
    }

    static func rosterVersion(_ db: Database, _ kind: RosterKind, at point: RosterPoint) throws -> RosterVersion? {
        var request = RosterVersion.filter(Column("kind") == kind.rawValue)
        if let cutoff = point.cutoff { request = request.filter(Column("imported_at") < cutoff) }
        if case let .version(id) = point { request = request.filter(Column("id") <= id) }
        return try request.order(Column("id").desc).fetchOne(db)
    }

    /// Entries of `E`'s kind in force at `version` (`nil`: none).
    static func entries<E: VersionedEntry>(_ db: Database, _ type: E.Type, at version: Int64?) throws -> [E] {
        guard let version else { return [] }
        return try Row.fetchAll(db, sql: """
            SELECT \(E.columns.joined(separator: ", ")) FROM \(E.table)
            WHERE since_version <= ? AND (until_version IS NULL OR until_version > ?)
            ORDER BY \(E.keyColumns.joined(separator: ", "))
            """, arguments: [version, version]).map(E.init(row:))
    }

    /// The institution roster at `point`, with the version it is.
    public func institutions(at point: RosterPoint = .current) throws(StoreError) -> (version: RosterVersion?, entries: [Institution]) {
        try read { db in
            let version = try Self.rosterVersion(db, .institutions, at: point)
            return (version, try Self.entries(db, Institution.self, at: version?.id))
        }
    }

    public func inspectors(at point: RosterPoint = .current) throws(StoreError) -> (version: RosterVersion?, entries: [Inspector]) {
        try read { db in
            let version = try Self.rosterVersion(db, .inspectors, at: point)
            return (version, try Self.entries(db, Inspector.self, at: version?.id))
        }
    }

    public func checklist(at point: RosterPoint = .current) throws(StoreError) -> (version: RosterVersion?, entries: [ChecklistItem]) {
        try read { db in
            let version = try Self.rosterVersion(db, .checklist, at: point)
            return (version, try Self.entries(db, ChecklistItem.self, at: version?.id))
        }
    }

    public func conflicts(at point: RosterPoint = .current) throws(StoreError) -> (version: RosterVersion?, entries: [Conflict]) {
        try read { db in
            let version = try Self.rosterVersion(db, .conflicts, at: point)
            return (version, try Self.entries(db, Conflict.self, at: version?.id))
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

    init(_ db: Database, _ entries: [E], scope: String?, file: String) throws {
        auditSeq = try SpotCheckStore.lastAuditSeq(db)
        let inScope: Set<String>? = try scope.map { code in
            let tree = JurisdictionTree(try SpotCheckStore.fetchJurisdictions(db))
            guard tree.contains(code) else { throw StoreError.refused("--scope \(code) is not a known jurisdiction") }
            return tree.subtree(code)
        }
        var current: [String: (rowID: Int64, entry: E)] = [:]
        var outside: [String: E] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, \(E.columns.joined(separator: ", ")) FROM \(E.table) WHERE until_version IS NULL")
        while let row = try cursor.next() {
            let entry = E(row: row)
            if let inScope, let code = entry.scopeJurisdiction, !inScope.contains(code) { outside[entry.key] = entry }
            else { current[entry.key] = (row[0], entry) }
        }
        var seen = Set<String>()
        // With nothing in force (a first import) there is nothing to remove: skip the key set.
        let tracksRemovals = !current.isEmpty
        if tracksRemovals { seen.reserveCapacity(entries.count) }
        for entry in entries {
            if let inScope, let code = entry.scopeJurisdiction, !inScope.contains(code) {
                throw StoreError.refused("\(file): \(entry.key) is in jurisdiction \(code), outside --scope \(scope!)")
            }
            if let other = outside[entry.key] {
                throw StoreError.refused("\(file): \(entry.key) is currently in jurisdiction \(other.scopeJurisdiction ?? "?"), outside --scope \(scope!); import it from a scope that covers both")
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
