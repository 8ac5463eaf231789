import Foundation
import GRDB
import Records
import Regulation
@testable import Store
import Testing
import WorkingDays

/// The committed schema snapshots and old-database fixtures, read at run time next to this file
/// (Tests/StoreTests/Schema/, excluded from the target in Package.swift).
///
/// - `Schema/<migration identifier>.sql`: the schema right after that migration, one statement
///   per line (see ``MigrationTests/schema(_:)``). One file per registered migration.
/// - `Schema/Databases/*.sql`: scripts that rebuild a database as an older release left it,
///   `grdb_migrations` included.
private let schemaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Schema")

/// Set to write the snapshot of a migration that has none yet (an existing snapshot is never
/// overwritten: a landed migration's schema does not change).
private let writeMissingSnapshots = ProcessInfo.processInfo.environment["SPOTCHECK_WRITE_SCHEMA_SNAPSHOTS"] == "1"

/// The four indexes v2-rosters created as it first landed (71ce35b) and no longer creates, by name.
private let droppedIndexes = ["inspector_by_version", "inspector_current", "institution_by_version", "institution_current"]

@Suite("Migrations")
struct MigrationTests {
    /// The schema as text: the `sql` of every table, index, view and trigger, sorted by type and
    /// name, one statement per line ending in `;`. SQLite's own objects (`sqlite_sequence`,
    /// automatic indexes, which have no `sql`) and GRDB's `grdb_migrations` are left out.
    static func schema(_ db: Database) throws -> String {
        let statements = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'grdb_migrations'
            ORDER BY type, name
            """)
        return statements.map { $0.replacingOccurrences(of: "\n", with: " ") + ";\n" }.joined()
    }

    static func snapshotURL(_ identifier: String) -> URL {
        schemaDirectory.appendingPathComponent("\(identifier).sql")
    }

    static func snapshot(_ identifier: String) throws -> String {
        try String(contentsOf: snapshotURL(identifier), encoding: .utf8)
    }

    /// The snapshot after the last registered migration: today's schema.
    static func latestSnapshot() throws -> String {
        try snapshot(Migrations.migrator.migrations.last!)
    }

    /// The snapshot files, in migration order (`v10-…` after `v9-…`).
    static func snapshotIdentifiers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: schemaDirectory.path)
            .filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: schemaDirectory.appendingPathComponent("Databases/\(name)"), encoding: .utf8)
    }

    /// A new, not yet existing database file in a directory of its own.
    static func newDatabasePath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("spotcheck.sqlite").path
    }

    /// A database file built by a fixture script, closed again.
    static func database(fromFixture name: String) throws -> String {
        let path = try newDatabasePath()
        let script = try fixture(name)
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try db.inTransaction {
                try db.execute(sql: script)
                return .commit
            }
        }
        return path
    }

    static func appliedMigrations(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
    }

    // MARK: - Snapshots

    @Test("every registered migration has a snapshot, in order, and no snapshot lacks a migration")
    func snapshotsMatchMigrations() throws {
        if writeMissingSnapshots { try migrateStepByStep() }
        #expect(try Self.snapshotIdentifiers() == Migrations.migrator.migrations)
    }

    @Test("migrating an empty database step by step gives each migration's committed schema")
    func migrateStepByStep() throws {
        let queue = try DatabaseQueue(path: try Self.newDatabasePath())
        for identifier in Migrations.migrator.migrations {
            try Migrations.migrator.migrate(queue, upTo: identifier)
            let schema = try queue.read { db in try Self.schema(db) }
            let url = Self.snapshotURL(identifier)
            if writeMissingSnapshots && !FileManager.default.fileExists(atPath: url.path) {
                try schema.write(to: url, atomically: true, encoding: .utf8)
            }
            guard let expected = try? Self.snapshot(identifier) else {
                Issue.record("no snapshot Schema/\(identifier).sql for migration \(identifier); run the tests once with SPOTCHECK_WRITE_SCHEMA_SNAPSHOTS=1 to write it, then commit it")
                continue
            }
            if schema != expected {
                let now = schema.split(separator: "\n"), committed = expected.split(separator: "\n")
                let lines = committed.filter { !now.contains($0) }.map { "- \($0)" } + now.filter { !committed.contains($0) }.map { "+ \($0)" }
                Issue.record("""
                    the schema after \(identifier) differs from Schema/\(identifier).sql: a landed migration was edited? \
                    Landed migrations are never edited; append a new migration instead.
                    \(lines.joined(separator: "\n"))
                    """)
            }
        }
    }

    // MARK: - Old databases

    @Test("v1 has not changed since the first commit's fixture: it builds the fixture's schema")
    func v1FixtureIsV1() throws {
        let fixture = try DatabaseQueue(path: try Self.database(fromFixture: "116fd54-v1.sql"))
        let migrated = try DatabaseQueue(path: try Self.newDatabasePath())
        try Migrations.migrator.migrate(migrated, upTo: "v1-audit-and-calendar")
        #expect(try fixture.read(Self.schema) == migrated.read(Self.schema))
        #expect(try fixture.read(Self.schema) == Self.snapshot("v1-audit-and-calendar"))
    }

    @Test("a database from the first commit (v1 only) opens through the store at today's schema, its audit rows intact")
    func fromFirstCommit() throws {
        let path = try Self.database(fromFixture: "116fd54-v1.sql")
        let before = try DatabaseQueue(path: path).read { db in
            (try Self.appliedMigrations(db), try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq"))
        }
        #expect(before.0 == ["v1-audit-and-calendar"])
        #expect(before.1.count == 2)

        let store = try SpotCheckStore(path: path)
        let (schema, applied, audit, verification) = try store.read { db in
            (try Self.schema(db), try Self.appliedMigrations(db), try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq"),
             try AuditLog.verify(db))
        }
        #expect(schema == (try Self.latestSnapshot()))
        #expect(applied == Migrations.migrator.migrations)
        #expect(audit == before.1)
        #expect(verification == AuditVerification(checked: 2, firstBroken: nil))
    }

    @Test("the fixture's four v2 indexes are what 71ce35b's v2-rosters had GRDB write")
    func originalV2IndexesAsGRDBWroteThem() throws {
        // 71ce35b's lines, replayed on the v2 tables of a scratch database.
        let queue = try DatabaseQueue(path: try Self.newDatabasePath())
        try Migrations.migrator.migrate(queue, upTo: "v2-rosters")
        let written = try queue.write { db in
            for table in ["institution", "inspector"] {
                try db.create(index: "\(table)_current", on: table, columns: ["id"], unique: true, condition: Column("until_version") == nil)
                try db.create(index: "\(table)_by_version", on: table, columns: ["since_version", "until_version"])
            }
            return try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN (\(droppedIndexes.map { "'\($0)'" }.joined(separator: ","))) ORDER BY name")
        }
        let fixture = try DatabaseQueue(path: try Self.database(fromFixture: "71ce35b-v2.sql"))
        let stored = try fixture.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name IN (\(droppedIndexes.map { "'\($0)'" }.joined(separator: ","))) ORDER BY name")
        }
        #expect(written.count == 4)
        #expect(stored == written)
        // Apart from those four, the fixture is today's v2.
        let rest = try fixture.read(Self.schema).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !droppedIndexes.contains { line.contains("INDEX \"\($0)\"") } }
            .joined(separator: "\n")
        #expect(rest == (try Self.snapshot("v2-rosters")))
    }

    @Test("a database at v2 as first landed (71ce35b) loses the four roster indexes and ends at today's schema")
    func fromOriginalV2() throws {
        let path = try Self.database(fromFixture: "71ce35b-v2.sql")
        let indexesBefore = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('institution', 'inspector') ORDER BY name")
        }
        #expect(indexesBefore == droppedIndexes)

        let store = try SpotCheckStore(path: path)
        let (schema, applied, indexesAfter, institutions, verification) = try store.read { db in
            (try Self.schema(db), try Self.appliedMigrations(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('institution', 'inspector')"),
             try String.fetchAll(db, sql: "SELECT id FROM institution ORDER BY id"),
             try AuditLog.verify(db))
        }
        #expect(indexesAfter.filter(droppedIndexes.contains) == [], "the four v2 indexes are gone")
        #expect(Set(indexesAfter) == ["institution_by_place", "institution_by_id", "institution_high_risk"], "only the compliance indexes of v15, v16 and v17 are on these tables")
        #expect(schema == (try Self.latestSnapshot()))
        #expect(applied == Migrations.migrator.migrations)
        #expect(institutions == ["12640000MA00000001"])
        #expect(verification == AuditVerification(checked: 1, firstBroken: nil))
    }

    /// A v3 database with one plan per `months` value, closed again.
    static func v3Database(months: [String]) throws -> String {
        let path = try newDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v3-plans-rounds-draws")
        try queue.write { db in
            for (index, months) in months.enumerated() {
                try db.execute(sql: """
                    INSERT INTO plan (id, year, jurisdiction, category, normal_num, normal_den, high_num, high_den,
                                      rounds, months, items, checklist_version, created_at, created_by)
                    VALUES (?, ?, '640000', 'law-firm', 1, 10, 3, 10, 2, ?, '["A01","A02"]', NULL,
                            '2026-01-05T09:00:00.000Z', 'alice')
                    """, arguments: ["plan-\(index)", 2026 + index, months])
            }
        }
        return path
    }

    @Test("v3 plans' comma-separated months become JSON arrays of integers")
    func monthsToJSON() throws {
        let cases: [(String, String)] = [("5,10", "[5,10]"), ("", "[]"), ("6", "[6]"), (" 3, 9 ,12", "[3,9,12]"), ("[4,8]", "[4,8]")]
        let path = try Self.v3Database(months: cases.map(\.0))
        let store = try SpotCheckStore(path: path)
        let (months, schema) = try store.read { db in
            (try String.fetchAll(db, sql: "SELECT months FROM plan ORDER BY id"), try Self.schema(db))
        }
        #expect(months == cases.map(\.1))
        #expect(months.map { try? JSONDecoder().decode([Int].self, from: Data($0.utf8)) } == [[5, 10], [], [6], [3, 9, 12], [4, 8]])
        #expect(schema == (try Self.latestSnapshot()))
    }

    @Test("months that are not a list of integers stop v4, which leaves the database at v3",
          arguments: ["May,Oct", "5,,10", "5;10", "[5,", #"["May"]"#])
    func malformedMonthsRefused(malformed: String) throws {
        let path = try Self.v3Database(months: ["5,10", malformed])
        let queue = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) { try Migrations.migrator.migrate(queue) }
        let (applied, months) = try queue.read { db in
            (try Self.appliedMigrations(db), try String.fetchAll(db, sql: "SELECT months FROM plan ORDER BY id"))
        }
        #expect(applied == ["v1-audit-and-calendar", "v2-rosters", "v3-plans-rounds-draws"])
        #expect(months == ["5,10", malformed])
    }

    @Test("v10 keeps each report's one line typed: what was published as the handling stays the handling")
    func reportLinesBecomeContent() throws {
        let path = try Self.newDatabasePath()
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try Migrations.migrator.migrate(queue, upTo: "v9-alert-fingerprint")
        try queue.write { db in
            for (step, detail) in [("reported", "report: 责令限期整改"), ("reported", "report completed"), ("ended", "inspection ended")] {
                try db.execute(sql: "INSERT INTO round_step (round, step, at, actor, detail, audit_seq, on_date) VALUES ('R', ?, '2026-10-09T02:00:00.000Z', 'alice', ?, 1, '2026-10-09')",
                               arguments: [step, detail])
            }
        }
        try Migrations.migrator.migrate(queue)
        let contents = try queue.read { db in try String?.fetchAll(db, sql: "SELECT content FROM round_step ORDER BY rowid") }
        #expect(contents.count == 3 && contents[1] == nil && contents[2] == nil)
        let content = try JSONDecoder().decode(StepContent.self, from: Data((contents[0] ?? "").utf8))
        #expect(content == .report(summary: "责令限期整改", evaluation: "", handling: "责令限期整改"))
    }

    /// A new database migrated up to `migration`, foreign keys off so that a test can insert
    /// the rows a later migration reads without their parents.
    static func queue(migratedUpTo migration: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: try newDatabasePath(), configuration: configuration)
        try Migrations.migrator.migrate(queue, upTo: migration)
        return queue
    }

    @Test("v11 keeps each drawn round's compliance figures: its draw's strata summed, its small teams, its inspectors once")
    func roundComplianceFacts() throws {
        let queue = try Self.queue(migratedUpTo: "v10-step-content")
        let result = """
            {"strata": [{"jurisdiction": "640104", "risk": "high", "eligible": 4, "selected": [{"institution": "A"}]},
                        {"jurisdiction": "640104", "risk": "normal", "eligible": 40, "selected": [{"institution": "B"}, {"institution": "C"}]},
                        {"jurisdiction": "640105", "risk": "high", "eligible": 6, "selected": [{"institution": "D"}, {"institution": "E"}]}]}
            """
        try queue.write { db in
            try db.execute(sql: "INSERT INTO round (id, plan, number, state, result_json) VALUES ('R', 'P', 1, 'drawn', ?), ('Q', 'P', 2, 'announced', NULL)",
                           arguments: [result])
            for (institution, team) in [("A", #"["X","Y"]"#), ("B", #"["X"]"#), ("C", #"["Y","Z"]"#), ("D", #"[]"#), ("E", #"["Z","X"]"#)] {
                try db.execute(sql: "INSERT INTO inspection (round, institution, drawn_team, team, team_shortfall) VALUES ('R', ?, ?, ?, 0)",
                               arguments: [institution, team, team])
            }
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let facts = try Row.fetchAll(db, sql: "SELECT * FROM round_compliance_facts")
            #expect(facts.count == 1, "only the drawn round")
            #expect(facts.first?["round"] == "R")
            #expect(facts.first?["population"] == 50 && facts.first?["sample"] == 5)
            #expect(facts.first?["high_risk_population"] == 10 && facts.first?["high_risk_sample"] == 3)
            #expect(facts.first?["small_teams"] == #"["B","D"]"#)
            #expect(try String.fetchAll(db, sql: "SELECT inspector FROM round_inspector WHERE round = 'R' ORDER BY inspector") == ["X", "Y", "Z"])
        }
    }

    @Test("v17 counts every institution roster version already imported per jurisdiction and category, and lists the high-risk ones by their own index")
    func institutionTally() throws {
        let queue = try Self.queue(migratedUpTo: "v16-institution-by-id")
        try queue.write { db in
            for (id, kind) in [(1, "institutions"), (2, "inspectors"), (3, "institutions")] {
                try db.execute(sql: """
                    INSERT INTO roster_version (id, kind, file, sha256, encoding, imported_at, imported_by, rows, added, changed, removed, audit_seq)
                    VALUES (?, ?, 'f.csv', '', 'utf-8', '2026-01-01T00:00:00.000Z', 'test', 0, 0, 0, 0, 1)
                    """, arguments: [id, kind])
            }
            // A and B in version 1; B leaves and C arrives in version 3; A stays.
            for (id, place, kind, risk, since, until) in [("A", "640104", "lawyer", "high", 1, nil), ("B", "640104", "lawyer", "normal", 1, 3 as Int?),
                                                          ("C", "640105", "notary", "high", 3, nil)] {
                try db.execute(sql: """
                    INSERT INTO institution (id, name, category, jurisdiction, risk, status, since_version, until_version)
                    VALUES (?, ?, ?, ?, ?, 'active', ?, ?)
                    """, arguments: [id, id, kind, place, risk, since, until])
            }
        }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let tally = try Row.fetchAll(db, sql: "SELECT version, jurisdiction, category, institutions FROM institution_tally ORDER BY version, jurisdiction")
                .map { "\($0[0] as Int)/\($0[1] as String)/\($0[2] as String)=\($0[3] as Int)" }
            #expect(tally == ["1/640104/lawyer=2", "3/640104/lawyer=1", "3/640105/notary=1"], "no tally for the inspectors' version")
            #expect(try String.fetchAll(db, sql: "SELECT id FROM institution INDEXED BY institution_high_risk WHERE risk = 'high' ORDER BY id") == ["A", "C"])
        }
    }

    @Test("v18 counts where each round drawn before sampled, by the roster version its draw used, not the newest")
    func roundSamplePlaces() throws {
        let queue = try Self.queue(migratedUpTo: "v17-institution-tally")
        try queue.write { db in
            // B moved from 640104 to 640105 in version 3, after R was drawn on version 1.
            for (id, place, since, until) in [("A", "640104", 1, nil), ("B", "640104", 1, 3 as Int?), ("B", "640105", 3, nil), ("C", "640105", 1, nil)] {
                try db.execute(sql: """
                    INSERT INTO institution (id, name, category, jurisdiction, risk, status, since_version, until_version)
                    VALUES (?, ?, 'lawyer', ?, 'normal', 'active', ?, ?)
                    """, arguments: [id, id, place, since, until])
            }
            try db.execute(sql: """
                INSERT INTO round (id, plan, number, state, roster_versions, result_json) VALUES
                ('R', 'P', 1, 'drawn', '{"institutions":1}', '{}'), ('S', 'P', 2, 'drawn', '{"institutions":3}', '{}'), ('Q', 'P', 3, 'announced', '{"institutions":3}', NULL)
                """)
            for (round, institution) in [("R", "A"), ("R", "B"), ("R", "C"), ("S", "B")] {
                try db.execute(sql: "INSERT INTO inspection (round, institution, drawn_team, team, team_shortfall) VALUES (?, ?, '[]', '[]', 0)",
                               arguments: [round, institution])
            }
        }
        try Migrations.migrator.migrate(queue)
        let places = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT round, jurisdiction, sampled FROM round_sample_place ORDER BY round, jurisdiction")
                .map { "\($0[0] as String)/\($0[1] as String)=\($0[2] as Int)" }
        }
        #expect(places == ["R/640104=2", "R/640105=1", "S/640105=1"])
    }

    @Test("v22: an evaluation kept before reads back without settings, so the next start evaluates again; the kept alerts are counted by kind from their index")
    func evaluationBasis() throws {
        let path = try Self.newDatabasePath()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v21-open-deadlines-covering")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO daemon_evaluation (id, day, at, audit_seq) VALUES (1, '2026-11-20', '2026-11-20T04:00:00.000Z', 7)")
                try db.execute(sql: """
                    INSERT INTO alert_state (subject, kind, alert, raised_on, raised_at, logged, fingerprint) VALUES
                    ('a', 'overdue', '{}', '2026-11-20', '2026-11-20T04:00:00.000Z', 1, ''), ('b', 'overdue', '{}', '2026-11-20', '2026-11-20T04:00:00.000Z', 1, ''),
                    ('c', 'due-soon', '{}', '2026-11-20', '2026-11-20T04:00:00.000Z', 0, '')
                    """)
            }
        }
        let store = try SpotCheckStore(path: path)
        let kept = try store.lastEvaluation()
        #expect(kept == DaemonEvaluation(day: CivilDate("2026-11-20")!, at: "2026-11-20T04:00:00.000Z", auditSeq: 7, basis: nil))
        #expect(try store.keptAlertCounts() == [.overdue: 2, .dueSoon: 1])
    }
}
