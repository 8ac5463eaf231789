import Foundation
import GRDB
import Records
import Rosters
@testable import Store
import Testing

let ningxiaJurisdictions = [
    Jurisdiction(code: "640000", name: "宁夏回族自治区", parent: nil),
    Jurisdiction(code: "640100", name: "银川市", parent: "640000"),
    Jurisdiction(code: "640104", name: "兴庆区", parent: "640100"),
    Jurisdiction(code: "640105", name: "西夏区", parent: "640100"),
    Jurisdiction(code: "640200", name: "石嘴山市", parent: "640000"),
    Jurisdiction(code: "640202", name: "大武口区", parent: "640200"),
]

func institution(_ serial: Int, _ jurisdiction: String, name: String? = nil, risk: RiskLevel = .normal) -> Institution {
    let body = String(repeating: "0", count: 9 - String(serial).count) + String(serial)
    return Institution(id: CreditCode.complete("31" + jurisdiction + body)!, name: name ?? "机构\(serial)", category: .lawyer,
                       jurisdiction: jurisdiction, risk: risk, riskReason: risk == .high ? "投诉较多" : nil, status: .active)
}

func source(_ name: String) -> RosterSource { RosterSource(file: name, sha256: String(repeating: "a", count: 64), encoding: "utf-8") }

/// `code` and its children in the test tree, as Supervision passes a `--scope`.
func scoped(_ code: String) -> RosterScope {
    RosterScope(jurisdiction: code, codes: JurisdictionTree(ningxiaJurisdictions).subtree(code))
}

@Suite("Roster versions")
struct RosterStoreTests {
    func store() throws -> SpotCheckStore {
        let store = try SpotCheckStore(path: temporaryDatabasePath())
        try store.loadJurisdictions(ningxiaJurisdictions, source: JurisdictionSource(file: "j.csv", sha256: String(repeating: "b", count: 64)), actor: "ops")
        return store
    }

    @Test("a re-import is a new version with added, changed and removed counted; old versions stay readable")
    func versions() throws {
        let store = try store()
        let first = [institution(1, "640104"), institution(2, "640105"), institution(3, "640202")]
        let v1 = try store.importInstitutions(first, scope: nil, source: source("v1.csv"), actor: "alice", dryRun: false)
        #expect(v1.added == 3)
        let second = [institution(1, "640104"), institution(2, "640105", name: "改名"), institution(4, "640202")]
        let v2 = try store.importInstitutions(second, scope: nil, source: source("v2.csv"), actor: "bob", dryRun: false)
        #expect((v2.added, v2.changed, v2.removed, v2.unchanged) == (1, 1, 1, 1))
        #expect(try store.institutions().entries.map(\.name).sorted() == ["改名", "机构1", "机构4"])
        let versions = try store.rosterVersions(kind: .institutions)
        #expect(versions.map(\.importedBy) == ["alice", "bob"])
        #expect(versions.last?.file == "v2.csv")
        #expect((versions.last?.added, versions.last?.changed, versions.last?.removed) == (1, 1, 1))
        // The first version, read back through the version-range columns.
        let old = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM institution WHERE since_version <= ? AND (until_version IS NULL OR until_version > ?) ORDER BY name",
                                arguments: [v1.version!, v1.version!])
        }
        #expect(old == ["机构1", "机构2", "机构3"])
        let audit = try store.auditEntries().filter { $0.action == .rosterImport }
        #expect(audit.count == 2)
        #expect(audit.last?.details.contains("\"changed\":1") == true)
    }

    @Test("--as-of a day before any import reads nothing; today reads the newest")
    func asOf() throws {
        let store = try store()
        _ = try store.importInstitutions([institution(1, "640104")], scope: nil, source: source("a.csv"), actor: "a", dryRun: false)
        #expect(try store.institutions(at: .before("2020-01-01T16:00:00.000Z")).entries.isEmpty)
        #expect(try store.institutions(at: .before("2999-01-01T16:00:00.000Z")).entries.count == 1)
        #expect(try store.institutions(at: .before("2020-01-01T16:00:00.000Z")).version == nil)
    }

    @Test("--scope replaces only that jurisdiction and its children")
    func scope() throws {
        let store = try store()
        _ = try store.importInstitutions([institution(1, "640104"), institution(2, "640105"), institution(3, "640202")],
                                         scope: nil, source: source("all.csv"), actor: "province", dryRun: false)
        // Yinchuan re-imports its own: 2 is dropped, 5 added; Shizuishan's 3 is untouched.
        let result = try store.importInstitutions([institution(1, "640104"), institution(5, "640105")],
                                                  scope: scoped("640100"), source: source("yinchuan.csv"), actor: "city", dryRun: false)
        #expect((result.added, result.removed, result.unchanged) == (1, 1, 1))
        #expect(try store.institutions().entries.map(\.jurisdiction).sorted() == ["640104", "640105", "640202"])
        #expect(try store.institutions().entries.contains { $0.id == institution(3, "640202").id })
        // A row outside the scope, or one that lives outside it now, is refused.
        #expect(throws: StoreError.self) {
            try store.importInstitutions([institution(3, "640202")], scope: scoped("640104"), source: source("x.csv"), actor: "c", dryRun: false)
        }
        #expect(throws: StoreError.self) {
            var moved = institution(3, "640202")
            moved.jurisdiction = "640104"
            return try store.importInstitutions([moved], scope: scoped("640104"), source: source("x.csv"), actor: "c", dryRun: false)
        }
        #expect(try store.rosterVersions(kind: .institutions).count == 2)
    }

    @Test("each institution import keeps its version's counts per jurisdiction and category, and the high-risk list, as the entries in force give them")
    func institutionFiguresKeptWithEachVersion() throws {
        let store = try store()
        _ = try store.importInstitutions([institution(1, "640104"), institution(2, "640104", risk: .high), institution(3, "640202", risk: .high)],
                                         scope: nil, source: source("all.csv"), actor: "province", dryRun: false)
        // Yinchuan's scoped import drops 2 and adds 5 and 6; Shizuishan's 3 stays in force.
        _ = try store.importInstitutions([institution(1, "640104"), institution(5, "640105"), institution(6, "640105", risk: .high)],
                                         scope: scoped("640100"), source: source("yinchuan.csv"), actor: "city", dryRun: false)
        let versions = try store.rosterVersions(kind: .institutions).map(\.id)
        for version in versions {
            let figures = try store.institutionFigures(at: .version(version))
            let entries = try store.institutions(at: .version(version)).entries
            var expected: [String: Int] = [:]
            for entry in entries { expected["\(entry.jurisdiction)/\(entry.category.rawValue)", default: 0] += 1 }
            #expect(Dictionary(uniqueKeysWithValues: figures.counts.map { ("\($0.jurisdiction)/\($0.category.rawValue)", $0.count) }) == expected)
            #expect(Set(figures.highRisk.map(\.id)) == Set(entries.filter { $0.risk == .high }.map(\.id)))
        }
        let latest = try store.institutionFigures(at: .current)
        #expect(latest.counts.map(\.count).reduce(0, +) == 4)
        #expect(Set(latest.highRisk.map(\.jurisdiction)) == ["640105", "640202"])
        // A dry run counts nothing.
        _ = try store.importInstitutions([institution(7, "640104")], scope: nil, source: source("dry.csv"), actor: "a", dryRun: true)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(DISTINCT version) FROM institution_tally") } == 2)
    }

    @Test("a first import of 12,000 institutions builds the roster's indexes after its rows, from their own definitions: the same schema, every row indexed")
    func largeFirstImport() throws {
        let store = try store()
        let definitions = { try store.read { db in try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'institution' ORDER BY name")
            .map { "\($0["name"] as String): \($0["sql"] as String? ?? "")" } } }
        // Where each index starts in the file: a rebuilt index is written afresh, elsewhere.
        let roots = { try store.read { db in try Int.fetchAll(db, sql: "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'institution' AND type = 'index' ORDER BY name") } }
        let before = try definitions(), rootsBefore = try roots()
        #expect(before.count == 4, "the table and its three indexes")
        let places = ["640104", "640105", "640202"]
        let entries = (0..<12_000).map { institution($0, places[$0 % 3], risk: $0 % 10 == 0 ? .high : .normal) }
        _ = try store.importInstitutions(entries.shuffled(), scope: nil, source: source("big.csv"), actor: "ops", dryRun: false)
        #expect(try definitions() == before)
        let rootsRebuilt = try roots()
        #expect(zip(rootsBefore, rootsRebuilt).allSatisfy { $0 != $1 }, "each index was made again")
        let (integrity, byID, byPlace, highRisk) = try store.read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM institution INDEXED BY institution_by_id WHERE id > ''"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM institution INDEXED BY institution_by_place WHERE jurisdiction > ''"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM institution INDEXED BY institution_high_risk WHERE risk = 'high'"))
        }
        #expect(integrity == ["ok"], "every index holds every row")
        #expect(byID == 12_000 && byPlace == 12_000 && highRisk == 1_200)
        // A later import of a few changes goes row by row, into the indexes as they are.
        var changed = entries
        changed[7] = institution(7, "640105", name: "改名")
        let result = try store.importInstitutions(changed, scope: nil, source: source("big2.csv"), actor: "ops", dryRun: false)
        #expect(result.changed == 1 && result.added == 0)
        #expect(try definitions() == before && (try roots()) == rootsRebuilt, "the indexes as they were")
    }

    @Test("a large first import keeps a unique index as it is and checks it row by row: a duplicate conflict is refused, and nothing is written")
    func largeImportKeepsUniqueIndexes() throws {
        let store = try store()
        let root = { try store.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'conflict_current'") } }
        let before = try root()
        #expect(before != nil)
        var conflicts = (0..<10_500).map { Conflict(inspector: "SF\($0 % 50)", institution: "I\($0)", reason: "亲属") }
        _ = try store.importConflicts(conflicts, source: source("c.csv"), actor: "a", dryRun: false)
        #expect(try root() == before, "not dropped and made again")
        conflicts += [Conflict(inspector: "SF1", institution: "J", reason: "亲属"), Conflict(inspector: "SF1", institution: "J", reason: "同学")]
        let fresh = try self.store()
        #expect(throws: StoreError.self) { try fresh.importConflicts(conflicts, source: source("c2.csv"), actor: "a", dryRun: false) }
        #expect(try fresh.rosterVersions(kind: .conflicts).isEmpty)
    }

    @Test("a dry run reports the changes and writes nothing")
    func dryRun() throws {
        let store = try store()
        let result = try store.importInstitutions([institution(1, "640104")], scope: nil, source: source("a.csv"), actor: "a", dryRun: true)
        #expect(result.added == 1)
        #expect(result.version == nil)
        #expect(try store.institutions().entries.isEmpty)
        #expect(try store.rosterVersions().isEmpty)
    }

    @Test("the other kinds version the same way")
    func otherKinds() throws {
        let store = try store()
        let inspector = Inspector(id: "SF1", name: "张三", jurisdiction: "640104", categories: [.lawyer, .notary], status: .available)
        _ = try store.importInspectors([inspector], scope: nil, source: source("i.csv"), actor: "a", dryRun: false)
        #expect(try store.inspectors().entries == [inspector])
        let item = ChecklistItem(category: .notary, code: "N1", name: "n", basis: "b", subject: "s", content: "c", method: "m")
        _ = try store.importChecklist([item], source: source("c.csv"), actor: "a", dryRun: false)
        #expect(try store.checklist().entries == [item])
        let conflict = Conflict(inspector: "SF1", institution: "X", reason: "亲属")
        _ = try store.importConflicts([conflict], source: source("r.csv"), actor: "a", dryRun: false)
        let changed = try store.importConflicts([Conflict(inspector: "SF1", institution: "X", reason: "同学")], source: source("r2.csv"), actor: "a", dryRun: false)
        #expect(changed.changed == 1)
        #expect(try store.conflicts().entries.first?.reason == "同学")
    }
}
