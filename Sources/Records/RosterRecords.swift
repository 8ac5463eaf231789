public import Rosters

/// One import of a roster file: a new version of that kind (Art. 6).
public struct RosterVersion: Codable, Sendable, Hashable {
    public var id: Int64
    public var kind: RosterKind
    /// The jurisdiction whose part of the roster was replaced; `nil` for the whole roster.
    public var scope: String?
    public var file: String
    public var sha256: String
    /// `utf-8`, `utf-8-bom`, `gb18030` or `xlsx`.
    public var encoding: String
    public var importedAt: String
    public var importedBy: String
    public var rows: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var auditSeq: Int64

    public init(id: Int64, kind: RosterKind, scope: String?, file: String, sha256: String, encoding: String, importedAt: String,
                importedBy: String, rows: Int, added: Int, changed: Int, removed: Int, auditSeq: Int64) {
        self.id = id
        self.kind = kind
        self.scope = scope
        self.file = file
        self.sha256 = sha256
        self.encoding = encoding
        self.importedAt = importedAt
        self.importedBy = importedBy
        self.rows = rows
        self.added = added
        self.changed = changed
        self.removed = removed
        self.auditSeq = auditSeq
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, scope, file, sha256, encoding
        case importedAt = "imported_at", importedBy = "imported_by"
        case rows, added, changed, removed
        case auditSeq = "audit_seq"
    }
}

/// The source of one import, for its version row and audit entry.
public struct RosterSource: Sendable, Hashable {
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
    /// The new version; `nil` for a dry run.
    public var version: Int64?
    public var rows: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var unchanged: Int

    public init(version: Int64?, rows: Int, added: Int, changed: Int, removed: Int, unchanged: Int) {
        self.version = version
        self.rows = rows
        self.added = added
        self.changed = changed
        self.removed = removed
        self.unchanged = unchanged
    }
}

/// A query's point in history.
public enum RosterPoint: Sendable, Hashable {
    case current
    /// The newest version imported before this UTC instant (as stored, ISO-8601).
    case before(String)
    /// The roster as a given import left it: the newest version of the kind up to this one.
    case version(Int64)
}

/// A roster listing: the version it is and its entries.
public struct RosterListing<Entry: Sendable & Hashable>: Sendable, Hashable {
    /// `nil` when nothing of the kind had been imported at that point.
    public var version: RosterVersion?
    public var entries: [Entry]

    public init(version: RosterVersion?, entries: [Entry]) {
        self.version = version
        self.entries = entries
    }
}

/// A loaded jurisdiction table, for its audit entry.
public struct JurisdictionSource: Sendable, Hashable {
    public var file: String
    public var sha256: String

    public init(file: String, sha256: String) {
        self.file = file
        self.sha256 = sha256
    }
}
