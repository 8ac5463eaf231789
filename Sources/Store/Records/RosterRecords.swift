import GRDB
import GRDBSQLite
import Rosters

/// One import of a roster file: a new version of that kind (Art. 6).
public struct RosterVersion: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "roster_version"
    public var id: Int64?
    public var kind: String
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

    enum CodingKeys: String, CodingKey {
        case id, kind, scope, file, sha256, encoding
        case importedAt = "imported_at", importedBy = "imported_by"
        case rows, added, changed, removed
        case auditSeq = "audit_seq"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A roster entry stored with the versions it was in force for. Written by hand as SQL and
/// arguments (not GRDB's record persistence) because imports insert 100,000 rows at a time.
protocol VersionedEntry: Equatable, Sendable {
    static var table: String { get }
    static var kind: RosterKind { get }
    /// Columns, without `since_version` and `until_version`.
    static var columns: [String] { get }
    /// The columns that identify an entry, for ordering listings.
    static var keyColumns: [String] { get }
    var key: String { get }
    /// The jurisdiction that `--scope` tests; `nil` for kinds without one.
    var scopeJurisdiction: String? { get }
    /// Binds the column values in `columns` order.
    func bindValues(_ binder: inout SQLiteBinder) throws
    init(row: Row)
}

/// Binds text parameters of a prepared statement in order, through the SQLite C API (GRDB
/// exposes the statement for this): building GRDB's `StatementArguments` for each of 100,000
/// rows triples an import's time.
struct SQLiteBinder {
    let handle: OpaquePointer
    var index: Int32 = 1

    mutating func text(_ value: String?) throws {
        defer { index += 1 }
        guard var value else { sqlite3_bind_null(handle, index); return }
        let code = value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), sqliteTransient) }
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding parameter \(index)") }
    }

    mutating func integer(_ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
        index += 1
    }
}

/// SQLite's SQLITE_TRANSIENT (a C macro Swift does not import): SQLite copies the bound text.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension VersionedEntry {
    /// Inserts `entries` as rows in force from `version`, one prepared statement stepped per
    /// row (measured: faster here than multi-row VALUES statements).
    static func insert(_ entries: [Self], version: Int64, in db: Database) throws {
        let placeholders = Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")
        let statement = try db.cachedStatement(sql: "INSERT INTO \(table) (\(columns.joined(separator: ", ")), since_version) VALUES (\(placeholders))")
        let handle = statement.sqliteStatement
        for index in entries.indices {
            var binder = SQLiteBinder(handle: handle)
            try entries[index].bindValues(&binder)
            binder.integer(version)
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
            }
        }
    }
}

extension Institution: VersionedEntry {
    static let table = "institution"
    static let kind = RosterKind.institutions
    static let columns = ["id", "name", "category", "jurisdiction", "risk", "risk_reason", "status"]
    static let keyColumns = ["id"]
    var key: String { id }
    var scopeJurisdiction: String? { jurisdiction }
    func bindValues(_ binder: inout SQLiteBinder) throws {
        try binder.text(id); try binder.text(name); try binder.text(category.rawValue); try binder.text(jurisdiction)
        try binder.text(risk.rawValue); try binder.text(riskReason); try binder.text(status.rawValue)
    }
    init(row: Row) {
        self.init(id: row["id"], name: row["name"], category: Category(rawValue: row["category"]) ?? .lawyer,
                  jurisdiction: row["jurisdiction"], risk: RiskLevel(rawValue: row["risk"]) ?? .normal,
                  riskReason: row["risk_reason"], status: InstitutionStatus(rawValue: row["status"]) ?? .active)
    }
}

extension Inspector: VersionedEntry {
    static let table = "inspector"
    static let kind = RosterKind.inspectors
    static let columns = ["id", "name", "jurisdiction", "categories", "status"]
    static let keyColumns = ["id"]
    var key: String { id }
    var scopeJurisdiction: String? { jurisdiction }
    func bindValues(_ binder: inout SQLiteBinder) throws {
        try binder.text(id); try binder.text(name); try binder.text(jurisdiction)
        try binder.text(categories.map(\.rawValue).joined(separator: ";")); try binder.text(status.rawValue)
    }
    init(row: Row) {
        let categories: String = row["categories"]
        self.init(id: row["id"], name: row["name"], jurisdiction: row["jurisdiction"],
                  categories: categories.split(separator: ";").compactMap { Category(rawValue: String($0)) },
                  status: InspectorStatus(rawValue: row["status"]) ?? .available)
    }
}

extension ChecklistItem: VersionedEntry {
    static let table = "checklist_item"
    static let kind = RosterKind.checklist
    static let columns = ["category", "code", "name", "basis", "subject", "content", "method"]
    static let keyColumns = ["category", "code"]
    var key: String { "\(category.rawValue)/\(code)" }
    var scopeJurisdiction: String? { nil }
    func bindValues(_ binder: inout SQLiteBinder) throws {
        try binder.text(category.rawValue); try binder.text(code); try binder.text(name); try binder.text(basis)
        try binder.text(subject); try binder.text(content); try binder.text(method)
    }
    init(row: Row) {
        self.init(category: Category(rawValue: row["category"]) ?? .lawyer, code: row["code"], name: row["name"],
                  basis: row["basis"], subject: row["subject"], content: row["content"], method: row["method"])
    }
}

extension Conflict: VersionedEntry {
    static let table = "conflict"
    static let kind = RosterKind.conflicts
    static let columns = ["inspector", "institution", "reason"]
    static let keyColumns = ["inspector", "institution"]
    var key: String { "\(inspector)|\(institution)" }
    var scopeJurisdiction: String? { nil }
    func bindValues(_ binder: inout SQLiteBinder) throws {
        try binder.text(inspector); try binder.text(institution); try binder.text(reason)
    }
    init(row: Row) {
        self.init(inspector: row["inspector"], institution: row["institution"], reason: row["reason"])
    }
}
