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
    /// `id = ?`, or the composite key's predicate.
    static var keyPredicate: String { get }
    var key: String { get }
    var keyArguments: StatementArguments { get }
    /// The jurisdiction that `--scope` tests; `nil` for kinds without one.
    var scopeJurisdiction: String? { get }
    /// The column values in `columns` order, for binding.
    var values: [String?] { get }
    init(row: Row)
}

/// SQLite's SQLITE_TRANSIENT (a C macro Swift does not import): SQLite copies the bound text.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension VersionedEntry {
    var arguments: StatementArguments { StatementArguments(values.map { $0?.databaseValue ?? .null }) }

    /// Binds `values` and `version` to `statement`'s parameters and runs it. Written against the
    /// SQLite C API (GRDB exposes the statement for this) because building GRDB's
    /// `StatementArguments` for each of 100,000 rows triples an import's time.
    func insert(with statement: Statement, version: Int64) throws {
        let handle = statement.sqliteStatement
        var index: Int32 = 1
        for value in values {
            if var value {
                let code = value.withUTF8 { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), sqliteTransient) }
                }
                guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "binding \(Self.columns[Int(index) - 1])") }
            } else {
                sqlite3_bind_null(handle, index)
            }
            index += 1
        }
        sqlite3_bind_int64(handle, index, version)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }
}

extension Institution: VersionedEntry {
    static let table = "institution"
    static let kind = RosterKind.institutions
    static let columns = ["id", "name", "category", "jurisdiction", "risk", "risk_reason", "status"]
    static let keyPredicate = "id = ?"
    var key: String { id }
    var keyArguments: StatementArguments { [id] }
    var scopeJurisdiction: String? { jurisdiction }
    var values: [String?] { [id, name, category.rawValue, jurisdiction, risk.rawValue, riskReason, status.rawValue] }
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
    static let keyPredicate = "id = ?"
    var key: String { id }
    var keyArguments: StatementArguments { [id] }
    var scopeJurisdiction: String? { jurisdiction }
    var values: [String?] { [id, name, jurisdiction, categories.map(\.rawValue).joined(separator: ";"), status.rawValue] }
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
    static let keyPredicate = "category = ? AND code = ?"
    var key: String { "\(category.rawValue)/\(code)" }
    var keyArguments: StatementArguments { [category.rawValue, code] }
    var scopeJurisdiction: String? { nil }
    var values: [String?] { [category.rawValue, code, name, basis, subject, content, method] }
    init(row: Row) {
        self.init(category: Category(rawValue: row["category"]) ?? .lawyer, code: row["code"], name: row["name"],
                  basis: row["basis"], subject: row["subject"], content: row["content"], method: row["method"])
    }
}

extension Conflict: VersionedEntry {
    static let table = "conflict"
    static let kind = RosterKind.conflicts
    static let columns = ["inspector", "institution", "reason"]
    static let keyPredicate = "inspector = ? AND institution = ?"
    var key: String { "\(inspector)|\(institution)" }
    var keyArguments: StatementArguments { [inspector, institution] }
    var scopeJurisdiction: String? { nil }
    var values: [String?] { [inspector, institution, reason] }
    init(row: Row) {
        self.init(inspector: row["inspector"], institution: row["institution"], reason: row["reason"])
    }
}
