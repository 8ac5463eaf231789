import GRDB
import Records

/// A value of the Records module kept as a row of its table. The values stay plain (no GRDB
/// conformance leaves Store); this wrapper gives GRDB their Codable columns: enums as their raw
/// text (an unknown stored value is a decoding error, never a default) and nested values as JSON.
protocol StoredValue: Codable, Sendable {
    static var table: String { get }
}

struct Stored<Value: StoredValue>: Codable, FetchableRecord, PersistableRecord {
    static var databaseTableName: String { Value.table }
    var value: Value

    init(_ value: Value) { self.value = value }
    init(from decoder: any Decoder) throws { value = try Value(from: decoder) }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension Plan: StoredValue { static let table = "plan" }
extension Round: StoredValue { static let table = "round" }
extension RoundStep: StoredValue { static let table = "round_step" }
extension Substitution: StoredValue { static let table = "substitution" }
extension Inspection: StoredValue { static let table = "inspection" }
extension RosterVersion: StoredValue { static let table = "roster_version" }
extension CalendarLayerVersion: StoredValue { static let table = "calendar_layer_version" }
extension AuditEntry: StoredValue { static let table = "audit_log" }

extension StoredValue {
    /// Inserts the value as a new row.
    func insert(_ db: Database) throws { try Stored(self).insert(db) }
    /// Writes every column of the row with the value's primary key.
    func update(_ db: Database) throws { try Stored(self).update(db) }

    static func all(_ db: Database, _ request: QueryInterfaceRequest<Stored<Self>>) throws -> [Self] {
        try request.fetchAll(db).map(\.value)
    }

    static func request() -> QueryInterfaceRequest<Stored<Self>> { Stored<Self>.all() }

    static func find(_ db: Database, key: some DatabaseValueConvertible) throws -> Self? {
        try Stored<Self>.fetchOne(db, key: key)?.value
    }
}
extension InspectionResult: StoredValue { static let table = "inspection_result" }
extension Feedback: StoredValue { static let table = "inspection_feedback" }
extension DeadlineRecord: StoredValue { static let table = "deadline" }
extension Finding: StoredValue { static let table = "finding" }
