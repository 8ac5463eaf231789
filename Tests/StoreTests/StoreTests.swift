import Foundation
import Fingerprint
import GRDB
import Records
@testable import Store
import Synchronization
import Testing
import WorkingDays

/// A fresh database file in a temporary directory.
func temporaryDatabasePath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-store-\(UUID().uuidString)")
    return directory.appendingPathComponent("db/spotcheck.sqlite").path
}

func layerFile(year: Int, region: Region = .national, offDay: String, text: String? = nil) -> CalendarLayerFile {
    let notice = Notice(number: "N\(year)", title: "notice \(year)", published: nil, sources: ["test"])
    let layer = CalendarLayer(region: region, year: year, notices: [notice],
                              daysOff: [LayerDay(date: CivilDate(offDay)!, name: "holiday")], makeUpDays: [])
    let text = text ?? "layer \(region) \(year) \(offDay)"
    return CalendarLayerFile(layer: layer, text: text, file: "\(region)-\(year).yaml", sha256: sha256Hex(text))
}

@Suite("Store")
struct StoreTests {
    @Test("the file and its directory are created; WAL; the writer runs synchronous=FULL; busy timeout set")
    func pragmas() throws {
        let path = temporaryDatabasePath()
        let store = try SpotCheckStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        let (synchronous, journal, timeout) = try store.pool.write { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous")!, try String.fetchOne(db, sql: "PRAGMA journal_mode")!,
             try Int.fetchOne(db, sql: "PRAGMA busy_timeout")!)
        }
        #expect(synchronous == 2, "2 is FULL; GRDB's pool leaves the writer at NORMAL (1)")
        #expect(journal == "wal")
        #expect(timeout == 10_000)
    }

    @Test("migrations run once and reopening keeps the data")
    func reopen() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try SpotCheckStore(path: path)
            _ = try store.loadCalendarLayers([layerFile(year: 2030, offDay: "2030-01-01")], actor: "test")
        }
        let again = try SpotCheckStore(path: path)
        #expect(try again.calendarLayersInForce().map(\.year) == [2030])
        let applied = try again.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1-audit-and-calendar", "v2-rosters", "v3-plans-rounds-draws", "v4-schema-repairs", "v5-procedure-and-deadlines", "v6-findings", "v7-deadline-done-index", "v8-alert-state", "v9-alert-fingerprint", "v10-step-content", "v11-round-compliance-facts", "v12-feedback-index", "v13-outbox", "v14-summary-sent", "v15-institution-by-place", "v16-institution-by-id", "v17-institution-tally", "v18-round-sample-place", "v19-round-by-state-covering", "v20-round-by-plan-covering", "v21-open-deadlines-covering", "v22-evaluation-basis"])
    }

    @Test("reads on two threads at once each get a read-only connection of their own, and the file stays as it was")
    func concurrentReads() throws {
        let path = temporaryDatabasePath()
        do { _ = try SpotCheckStore(path: path).loadCalendarLayers([layerFile(year: 2030, offDay: "2030-01-01")], actor: "test") }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let store = try SpotCheckStore(path: path)  // migrated: reads go to read-only connections
        // Each read waits, inside its transaction, for the other to be inside its own: on one
        // shared connection the second could not start until the first had given up.
        let inside = Mutex(0), met = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let years = try? store.read { db -> [Int] in
                inside.withLock { $0 += 1 }
                let deadline = ContinuousClock.now + .seconds(10)
                while inside.withLock({ $0 }) < 2 && ContinuousClock.now < deadline { usleep(1000) }
                if inside.withLock({ $0 }) == 2 { met.withLock { $0 += 1 } }
                return try Int.fetchAll(db, sql: "SELECT year FROM calendar_layer_version")
            }
            #expect(years == [2030])
        }
        // One core may run the two one after the other (libdispatch): then each read waited in vain.
        if ProcessInfo.processInfo.activeProcessorCount > 1 { #expect(met.withLock { $0 } == 2, "both reads were open at the same time") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("loading keeps every version, the newest in force; the same bytes again change nothing")
    func versions() throws {
        let store = try SpotCheckStore(path: temporaryDatabasePath())
        let first = try store.loadCalendarLayers([layerFile(year: 2030, offDay: "2030-01-01"),
                                                  layerFile(year: 2030, region: .ningxia, offDay: "2030-03-05")], actor: "alice")
        guard case .added = first[0], case .added = first[1] else { Issue.record("\(first)"); return }
        let same = try store.loadCalendarLayers([layerFile(year: 2030, offDay: "2030-01-01")], actor: "alice")
        guard case .unchanged = same[0] else { Issue.record("\(same)"); return }
        let corrected = try store.loadCalendarLayers([layerFile(year: 2030, offDay: "2030-01-02")], actor: "bob")
        guard case let .replaced(version, previous) = corrected[0] else { Issue.record("\(corrected)"); return }
        #expect(previous == 1)
        #expect(version.loadedBy == "bob")
        let inForce = try store.calendarLayersInForce()
        #expect(inForce.first { $0.region == .national }?.daysOff.first?.date == CivilDate("2030-01-02"))
        #expect(try store.calendarVersions().count == 3)
        let audit = try store.auditEntries()
        #expect(audit.map(\.action) == [.calendarLoad, .calendarLoad, .calendarLoad])
        #expect(audit.last?.subject == "calendar/national/2030")
        #expect(audit.last?.details.contains("\"replaces\":1") == true)
    }

    @Test("a failing change rolls back: no layer and no audit entry")
    func rollback() throws {
        let store = try SpotCheckStore(path: temporaryDatabasePath())
        struct Boom: Error {}
        #expect(throws: StoreError.self) {
            try store.write { db in
                try AuditLog.append(db, at: "2026-01-01T00:00:00.000Z", actor: "t", action: .calendarLoad, subject: "x", details: ["k": "v"])
                throw Boom()
            }
        }
        #expect(try store.auditEntries().isEmpty)
    }

    @Test("audit verify finds the first tampered, deleted or relinked row")
    func auditChain() throws {
        let store = try SpotCheckStore(path: temporaryDatabasePath())
        for year in 2030...2034 {
            _ = try store.loadCalendarLayers([layerFile(year: year, offDay: "\(year)-01-01")], actor: "alice")
        }
        #expect(try store.read { db in try AuditLog.verify(db) }.firstBroken == nil)
        #expect(try store.read { db in try AuditLog.verify(db) }.checked == 5)

        try store.pool.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3") }
        let tampered = try store.read { db in try AuditLog.verify(db) }
        #expect(tampered.firstBroken?.seq == 3)
        #expect(tampered.firstBroken?.problem.contains("does not match its hash") == true)

        try store.pool.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'alice' WHERE seq = 3") }
        #expect(try store.read { db in try AuditLog.verify(db) }.firstBroken == nil)
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 2")
        }
        #expect(try store.read { db in try AuditLog.verify(db) }.firstBroken?.seq == 3)
    }
}
