import Draw
import Foundation
import GRDB
import WorkingDays

/// One loaded calendar layer file, as stored.
public struct CalendarLayerVersion: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "calendar_layer_version"
    public var id: Int64?
    public var region: String
    public var year: Int
    public var layerJSON: String
    public var sourceFile: String
    public var sourceSHA256: String
    public var sourceText: String
    public var loadedAt: String
    public var loadedBy: String
    public var auditSeq: Int64

    enum CodingKeys: String, CodingKey {
        case id, region, year
        case layerJSON = "layer_json"
        case sourceFile = "source_file"
        case sourceSHA256 = "source_sha256"
        case sourceText = "source_text"
        case loadedAt = "loaded_at"
        case loadedBy = "loaded_by"
        case auditSeq = "audit_seq"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The layer it holds.
    public func layer() throws -> CalendarLayer {
        try JSONDecoder().decode(CalendarLayer.self, from: Data(layerJSON.utf8))
    }
}

/// A calendar file to load: its parsed layer and the exact text it came from.
public struct CalendarLayerFile: Sendable {
    public var layer: CalendarLayer
    public var text: String
    /// The path as the user gave it.
    public var file: String

    public init(layer: CalendarLayer, text: String, file: String) {
        self.layer = layer
        self.text = text
        self.file = file
    }
}

/// What loading one file did.
public enum CalendarLoadOutcome: Sendable, Hashable {
    /// First layer for its region and year.
    case added(CalendarLayerVersion)
    /// Replaced the layer in force (a corrected or amended notice); the old version is kept.
    case replaced(CalendarLayerVersion, previous: Int64)
    /// The same bytes are already in force.
    case unchanged(CalendarLayerVersion)
}

private struct CalendarLoadDetails: Encodable {
    var region: String
    var year: Int
    var file: String
    var sha256: String
    var notices: [String]
    var replaces: Int64?
}

extension SpotCheckStore {
    /// Loads calendar layers in one transaction, one audit entry per layer that changes.
    public func loadCalendarLayers(_ files: [CalendarLayerFile], actor: String) throws(StoreError) -> [CalendarLoadOutcome] {
        try write { db in
            var outcomes: [CalendarLoadOutcome] = []
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for file in files {
                let sha = sha256Hex(Data(file.text.utf8))
                let current = try Self.currentVersion(db, region: file.layer.region.name, year: file.layer.year)
                if let current, current.sourceSHA256 == sha {
                    outcomes.append(.unchanged(current))
                    continue
                }
                let audit = try AuditLog.append(db, actor: actor, action: "calendar.load",
                    subject: "calendar/\(file.layer.region.name)/\(file.layer.year)",
                    details: CalendarLoadDetails(region: file.layer.region.name, year: file.layer.year, file: file.file, sha256: sha,
                                                 notices: file.layer.notices.map(\.citation), replaces: current?.id))
                var version = CalendarLayerVersion(
                    id: nil, region: file.layer.region.name, year: file.layer.year,
                    layerJSON: String(decoding: try encoder.encode(file.layer), as: UTF8.self),
                    sourceFile: file.file, sourceSHA256: sha, sourceText: file.text,
                    loadedAt: audit.at, loadedBy: actor, auditSeq: audit.seq)
                try version.insert(db)
                outcomes.append(current.map { .replaced(version, previous: $0.id!) } ?? .added(version))
            }
            return outcomes
        }
    }

    /// The layer versions in force: the newest of each region and year.
    public func calendarLayersInForce() throws(StoreError) -> [CalendarLayer] {
        try read { db in
            try CalendarLayerVersion.fetchAll(db, sql: """
                SELECT * FROM calendar_layer_version v
                WHERE v.id = (SELECT MAX(id) FROM calendar_layer_version w WHERE w.region = v.region AND w.year = v.year)
                ORDER BY region, year
                """).map { try $0.layer() }
        }
    }

    /// Every version ever loaded, oldest first.
    public func calendarVersions() throws(StoreError) -> [CalendarLayerVersion] {
        try read { db in try CalendarLayerVersion.order(Column("id")).fetchAll(db) }
    }

    static func currentVersion(_ db: Database, region: String, year: Int) throws -> CalendarLayerVersion? {
        try CalendarLayerVersion
            .filter(Column("region") == region && Column("year") == year)
            .order(Column("id").desc)
            .fetchOne(db)
    }
}
