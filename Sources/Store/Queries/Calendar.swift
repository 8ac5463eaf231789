import GRDB
public import Records
public import WorkingDays

/// What loading one file did.
public enum CalendarLoadOutcome: Sendable, Hashable {
    /// First stored layer for its region and year.
    case added(CalendarLayerVersion)
    /// Replaced the stored layer in force (a corrected or amended notice); the old version is kept.
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
    /// The built-in layer this file replaces, when no file had been loaded for its year.
    var replacesBuiltIn: String?

    enum CodingKeys: String, CodingKey {
        case region, year, file, sha256, notices, replaces, replacesBuiltIn = "replaces_built_in"
    }
}

extension SpotCheckStore {
    /// Loads calendar layers in one transaction, one audit entry per layer that changes.
    /// `builtIn` names, per "region/year", the built-in layer a first file replaces (audited).
    /// `deadlines` are the open deadlines that the new calendar moves, re-derived, written by row
    /// id in the same transaction (refused if anything was recorded since `expectedSeq`).
    public func loadCalendarLayers(_ files: [CalendarLayerFile], builtIn: [String: String] = [:], deadlines: [DeadlineRecord] = [],
                                   expectedSeq: Int64? = nil, actor: String) throws(StoreError) -> [CalendarLoadOutcome] {
        try write { db in
            if let expectedSeq { try Self.checkSnapshot(db, expectedSeq) }
            try Self.updateDeadlines(db, deadlines)
            var outcomes: [CalendarLoadOutcome] = []
            for file in files {
                let region = file.layer.region.name
                let current = try Self.currentVersion(db, region: region, year: file.layer.year)
                if let current, current.sourceSHA256 == file.sha256 {
                    outcomes.append(.unchanged(current))
                    continue
                }
                let at = now()
                let audit = try AuditLog.append(db, at: at, actor: actor, action: .calendarLoad,
                    subject: "calendar/\(region)/\(file.layer.year)",
                    details: CalendarLoadDetails(region: region, year: file.layer.year, file: file.file, sha256: file.sha256,
                                                 notices: file.layer.notices.map(\.citation), replaces: current?.id,
                                                 replacesBuiltIn: current == nil ? builtIn["\(region)/\(file.layer.year)"] : nil))
                let id = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM calendar_layer_version") ?? 0) + 1
                let version = CalendarLayerVersion(
                    id: id, region: region, year: file.layer.year, layer: file.layer, sourceFile: file.file, sourceSHA256: file.sha256,
                    sourceText: file.text, loadedAt: at, loadedBy: actor, auditSeq: audit.seq)
                try version.insert(db)
                outcomes.append(current.map { .replaced(version, previous: $0.id) } ?? .added(version))
            }
            return outcomes
        }
    }

    /// The stored layer versions in force: the newest of each region and year.
    public func calendarLayersInForce() throws(StoreError) -> [CalendarLayer] {
        try read { db in
            try Stored<CalendarLayerVersion>.fetchAll(db, sql: """
                SELECT * FROM calendar_layer_version v
                WHERE v.id = (SELECT MAX(id) FROM calendar_layer_version w WHERE w.region = v.region AND w.year = v.year)
                ORDER BY region, year
                """).map(\.value.layer)
        }
    }

    /// Every version ever loaded, oldest first.
    public func calendarVersions() throws(StoreError) -> [CalendarLayerVersion] {
        try read { db in try CalendarLayerVersion.all(db, CalendarLayerVersion.request().order(Column("id"))) }
    }

    static func currentVersion(_ db: Database, region: String, year: Int) throws -> CalendarLayerVersion? {
        try CalendarLayerVersion.all(db, CalendarLayerVersion.request()
            .filter(Column("region") == region && Column("year") == year)
            .order(Column("id").desc).limit(1)).first
    }
}
