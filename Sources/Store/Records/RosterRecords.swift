import GRDB
import GRDBSQLite
import Rosters

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
    func bindValues(_ binder: inout SQLiteBinder)
    /// Reads a stored row; a value this version does not know is an error, never a default.
    /// Reads an entry from `columns`, in their order, starting at column `offset` of `row`: by
    /// position, since a roster read decodes every row (100,000 institutions for compliance).
    init(row: Row, from offset: Int) throws
}

/// Collects one row's parameters and runs the prepared statement through the SQLite C API (GRDB
/// exposes the statement for this): building GRDB's `StatementArguments` for each of 100,000 rows
/// triples an import's time. The text is copied once into a buffer reused for every row and bound
/// in place (SQLITE_STATIC) for the duration of the step, so SQLite need not copy it again.
struct SQLiteBinder {
    let handle: OpaquePointer
    /// Every text parameter's bytes, back to back.
    var bytes: [UInt8] = []
    /// Per parameter: nil for NULL, else the range in `bytes`; or an integer.
    var parameters: [Parameter] = []

    enum Parameter {
        case null
        case text(Range<Int>)
        case integer(Int64)
    }

    init(handle: OpaquePointer) {
        self.handle = handle
        bytes.reserveCapacity(1024)
        parameters.reserveCapacity(16)
    }

    mutating func text(_ value: String?) {
        guard let value else { parameters.append(.null); return }
        let start = bytes.count
        bytes.append(contentsOf: value.utf8)
        parameters.append(.text(start..<bytes.count))
    }

    mutating func integer(_ value: Int64) {
        parameters.append(.integer(value))
    }

    /// Binds what was collected, steps the statement once, resets it, and empties the binder.
    mutating func step() throws {
        defer {
            bytes.removeAll(keepingCapacity: true)
            parameters.removeAll(keepingCapacity: true)
        }
        let code: Int32 = try bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            for (offset, parameter) in parameters.enumerated() {
                let index = Int32(offset + 1)
                let result: Int32 = switch parameter {
                case .null: sqlite3_bind_null(handle, index)
                case let .text(range): sqlite3_bind_text(handle, index, base + range.lowerBound, Int32(range.count), nil)  // SQLITE_STATIC
                case let .integer(value): sqlite3_bind_int64(handle, index, value)
                }
                guard result == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: result), message: "binding parameter \(index)") }
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)  // no pointer into the buffer outlives this closure
            return code
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }
}


extension VersionedEntry {
    /// Inserts `entries` as rows in force from `version`, one prepared statement stepped per
    /// row (measured: faster here than multi-row VALUES statements).
    static func insert(_ entries: [Self], version: Int64, in db: Database) throws {
        let placeholders = Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")
        let statement = try db.cachedStatement(sql: "INSERT INTO \(table) (\(columns.joined(separator: ", ")), since_version) VALUES (\(placeholders))")
        var binder = SQLiteBinder(handle: statement.sqliteStatement)
        for index in entries.indices {
            entries[index].bindValues(&binder)
            binder.integer(version)
            try binder.step()
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
    func bindValues(_ binder: inout SQLiteBinder) {
        binder.text(id); binder.text(name); binder.text(category.rawValue); binder.text(jurisdiction)
        binder.text(risk.rawValue); binder.text(riskReason); binder.text(status.rawValue)
    }
    init(row: Row, from offset: Int) throws {
        self.init(id: row[offset], name: row[offset + 1], category: try row.term(at: offset + 2, "category", in: Self.table),
                  jurisdiction: row[offset + 3], risk: try row.term(at: offset + 4, "risk", in: Self.table),
                  riskReason: row[offset + 5], status: try row.term(at: offset + 6, "status", in: Self.table))
    }
}

extension Inspector: VersionedEntry {
    static let table = "inspector"
    static let kind = RosterKind.inspectors
    static let columns = ["id", "name", "jurisdiction", "categories", "status"]
    static let keyColumns = ["id"]
    var key: String { id }
    var scopeJurisdiction: String? { jurisdiction }
    func bindValues(_ binder: inout SQLiteBinder) {
        binder.text(id); binder.text(name); binder.text(jurisdiction)
        binder.text(categories.map(\.rawValue).joined(separator: ";")); binder.text(status.rawValue)
    }
    init(row: Row, from offset: Int) throws {
        let categories: String = row[offset + 3]
        self.init(id: row[offset], name: row[offset + 1], jurisdiction: row[offset + 2],
                  categories: try categories.split(separator: ";").map { part throws(StoreError) in
                      guard let category = Category(rawValue: String(part)) else {
                          throw StoreError.corrupt("inspector \(row[offset] as String? ?? "?"): stored category \"\(part)\" is not one of \(Category.accepted)")
                      }
                      return category
                  },
                  status: try row.term(at: offset + 4, "status", in: Self.table))
    }
}

extension ChecklistItem: VersionedEntry {
    static let table = "checklist_item"
    static let kind = RosterKind.checklist
    static let columns = ["category", "code", "name", "basis", "subject", "content", "method"]
    static let keyColumns = ["category", "code"]
    var key: String { "\(category.rawValue)/\(code)" }
    var scopeJurisdiction: String? { nil }
    func bindValues(_ binder: inout SQLiteBinder) {
        binder.text(category.rawValue); binder.text(code); binder.text(name); binder.text(basis)
        binder.text(subject); binder.text(content); binder.text(method)
    }
    init(row: Row, from offset: Int) throws {
        self.init(category: try row.term(at: offset, "category", in: Self.table), code: row[offset + 1], name: row[offset + 2],
                  basis: row[offset + 3], subject: row[offset + 4], content: row[offset + 5], method: row[offset + 6])
    }
}

extension Conflict: VersionedEntry {
    static let table = "conflict"
    static let kind = RosterKind.conflicts
    static let columns = ["inspector", "institution", "reason"]
    static let keyColumns = ["inspector", "institution"]
    var key: String { "\(inspector)|\(institution)" }
    var scopeJurisdiction: String? { nil }
    func bindValues(_ binder: inout SQLiteBinder) {
        binder.text(inspector); binder.text(institution); binder.text(reason)
    }
    init(row: Row, from offset: Int) throws {
        self.init(inspector: row[offset], institution: row[offset + 1], reason: row[offset + 2])
    }
}

extension Row {
    /// The bilingual term stored in `column`, read strictly: an unknown stored value is
    /// ``StoreError/corrupt(_:)``, naming the table, column and value.
    func term<Term: BilingualTerm>(_ column: String, in table: String) throws(StoreError) -> Term {
        try term(text: self[column], column, in: table)
    }

    /// The same, read at column `index` (named `column` in the error).
    func term<Term: BilingualTerm>(at index: Int, _ column: String, in table: String) throws(StoreError) -> Term {
        try term(text: self[index], column, in: table)
    }

    private func term<Term: BilingualTerm>(text: String?, _ column: String, in table: String) throws(StoreError) -> Term {
        guard let text, let value = Term(rawValue: text) else {
            throw StoreError.corrupt("\(table).\(column): stored value \(text.map { "\"\($0)\"" } ?? "NULL") is not one of \(Term.accepted)")
        }
        return value
    }
}
