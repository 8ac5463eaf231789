import Draw
import Foundation
import Records
import Regulation
import Rosters
import Store
import Supervision
import Synchronization
import Testing
import WorkingDays

/// The use cases on a real SQLite file, without the executables.
@Suite("Supervision use cases")
struct SupervisorTests {
    static func supervisor(clock: @escaping @Sendable () -> Date = { Date() }) throws -> Supervisor {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-supervision-\(UUID().uuidString)/db.sqlite").path
        return try Supervisor(databasePath: path, actor: "tester", region: "ningxia", clock: clock)
    }

    @Test("a fresh database has the built-in calendar and jurisdictions in force")
    func builtIn() throws {
        let supervisor = try Self.supervisor()
        let calendar = try supervisor.calendar(region: "national")
        let answer = calendar.add(5, to: CivilDate("2026-09-30")!)
        #expect(answer.value == CivilDate("2026-10-13"))
        #expect(!answer.isProvisional)
        #expect(try supervisor.jurisdictionTree().contains("640104"))
        #expect(try supervisor.calendarVersions().allSatisfy { $0.builtIn && $0.inForce })
    }

    @Test("an unknown region is a usage error naming the known ones")
    func unknownRegion() throws {
        #expect(throws: UsageError.self) { try Self.supervisor().calendar(region: "atlantis") }
    }

    @Test("--months entries that are not months are refused, never dropped")
    func months() throws {
        let supervisor = try Self.supervisor()
        let checklist = FileManager.default.temporaryDirectory.appendingPathComponent("checklist-\(UUID().uuidString).csv")
        try Data("业务类别,事项编码,事项名称,抽查依据,抽查主体,抽查内容,抽查方式\n律师,L1,执业情况,律师法,司法局,执业,现场检查\n".utf8).write(to: checklist)
        _ = try supervisor.importRoster(.checklist, file: checklist.path, scope: nil, encoding: nil, dryRun: false)
        let rates = SamplingRates(normal: Rate(num: 5, den: 100), high: Rate(num: 20, den: 100))
        for bad in ["5,x", "5,,10", "13", ""] {
            do {
                _ = try supervisor.createPlan(year: 2026, jurisdiction: "640000", category: .lawyer, rates: rates, rounds: 2, months: bad)
                Issue.record("--months \(bad) was accepted")
            } catch let refusal as Refusal {
                #expect(refusal.message.contains("--months"), "\(refusal)")
            }
        }
        #expect(try supervisor.plans().isEmpty)
        let plan = try supervisor.createPlan(year: 2026, jurisdiction: "640000", category: .lawyer, rates: rates, rounds: 2, months: "5, 10")
        #expect(plan.months == [5, 10])
        #expect(plan.items == ["L1"])
    }

    @Test("the injected clock stamps the audit log")
    func clock() throws {
        let fixed = Date(timeIntervalSince1970: 1_800_000_000)
        let supervisor = try Self.supervisor(clock: { fixed })
        _ = try supervisor.loadJurisdictions(file: SupervisorTests.root.appendingPathComponent("config/jurisdictions/640000-ningxia.csv").path)
        #expect(try supervisor.auditEntries(subjectPrefix: "jurisdictions", round: nil).first?.at == "2027-01-15T08:00:00.000Z")
    }

    /// A wall clock the test moves.
    final class MovableClock: Sendable {
        let instant: Mutex<Date>
        init(_ start: Date) { instant = Mutex(start) }
    }

    /// The demo deployment as of 20 November 2026 (noon, Asia/Shanghai) on a clock the test moves.
    static func demo() throws -> (supervisor: Supervisor, path: String, now: MovableClock) {
        let now = MovableClock(ShanghaiTime.noon(of: CivilDate("2026-11-20")!))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-supervision-\(UUID().uuidString)/db.sqlite").path
        let supervisor = try Supervisor(databasePath: path, actor: "tester", region: "ningxia", clock: { now.instant.withLock { $0 } })
        _ = try supervisor.loadDemo(asOf: CivilDate("2026-11-20")!, institutions: 300, seed: 7)
        return (supervisor, path, now)
    }

    @Test("an evaluation that changes nothing writes nothing, and each evaluation tells the audit entry it saw, so a later write is still to evaluate")
    func evaluationThatChangesNothing() throws {
        let (supervisor, path, now) = try Self.demo()
        let first = try supervisor.evaluateAlerts(settings: AlertSettings(), starting: true)
        #expect(first.raised > 0, "the demo has overdue items as of 20 November")
        let afterFirst = try supervisor.lastChange()
        #expect(first.seenSeq == afterFirst, "its own transitions' entry is seen")
        let store = try SpotCheckStore(path: path)
        let kept = try store.lastEvaluation()
        now.instant.withLock { $0 = $0.addingTimeInterval(600) }
        let again = try supervisor.evaluateAlerts(settings: AlertSettings(), starting: true)
        #expect(again.raised == 0 && again.cleared == 0)
        let afterAgain = try supervisor.lastChange(), keptAgain = try store.lastEvaluation()
        #expect(again.seenSeq == first.seenSeq && afterAgain == first.seenSeq, "no audit entry")
        #expect(keptAgain == kept, "no write at all: the kept evaluation is as it was")
        // A write after the evaluation is a change it has not seen.
        let rates = SamplingRates(normal: Rate(num: 5, den: 100), high: Rate(num: 20, den: 100))
        _ = try supervisor.createPlan(year: 2027, jurisdiction: "640000", category: .lawyer, rates: rates, rounds: 2, months: "5,10")
        let afterPlan = try supervisor.lastChange()
        #expect(afterPlan > again.seenSeq)
        // The next day changes the day evaluated: written, though no alert moved.
        now.instant.withLock { $0 = $0.addingTimeInterval(86_400) }
        _ = try supervisor.evaluateAlerts(settings: AlertSettings(), starting: false)
        let nextDay = try store.lastEvaluation()?.day
        #expect(nextDay == CivilDate("2026-11-21"))
    }

    @Test("a restart resumes from the alerts kept while they are current: same day, nothing recorded since, same settings; else it evaluates")
    func restartResumes() throws {
        let (supervisor, path, now) = try Self.demo()
        let settings = AlertSettings()
        let never = try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false)
        #expect(!never.resumed, "nothing kept yet")
        let full = try supervisor.evaluateAlerts(settings: settings, starting: false)
        try supervisor.markLogged(full.subjects + never.subjects)
        #expect(full.inForce.values.reduce(0, +) > 0)
        // The daemon restarted on the same day, nothing recorded: the kept alerts are reported as in force.
        let resumed = try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false)
        #expect(resumed.resumed)
        #expect(resumed.inForce == full.inForce.filter { !$0.key.isCompliance }, "the counts a full evaluation gave, the yearly rules' left to the second pass")
        let seq = try supervisor.lastChange()
        #expect(resumed.entries.isEmpty && resumed.seenSeq == seq)
        // Other settings: evaluated.
        #expect(!(try supervisor.evaluateAlerts(settings: AlertSettings(escalateAfterWorkdays: 9), starting: true, compliance: false)).resumed)
        // A CLI write: evaluated until an evaluation after READY=1 finds the state current and stamps it.
        let rates = SamplingRates(normal: Rate(num: 5, den: 100), high: Rate(num: 20, den: 100))
        _ = try supervisor.createPlan(year: 2027, jurisdiction: "640000", category: .lawyer, rates: rates, rounds: 2, months: "5,10")
        let afterWrite = try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false)
        #expect(!afterWrite.resumed && afterWrite.raised == 0)
        let store = try SpotCheckStore(path: path)
        let written = try supervisor.lastChange()
        #expect(try store.lastEvaluation()?.auditSeq != written, "the first pass writes nothing")
        _ = try supervisor.evaluateAlerts(settings: settings, starting: false)
        #expect(try store.lastEvaluation()?.auditSeq == written, "stamped as current")
        #expect(try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false).resumed)
        // Three days on (a Monday): evaluated and caught up; its entries, if never logged (a
        // crash before they were), come back on the restart that resumes.
        now.instant.withLock { $0 = $0.addingTimeInterval(3 * 86_400) }
        let monday = try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false)
        #expect(!monday.resumed && monday.caughtUpSince == .some(CivilDate("2026-11-20")))
        #expect(monday.raised > 0, "overdue alerts are raised again on a working day")
        let restarted = try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false)
        #expect(restarted.resumed)
        #expect(Set(restarted.subjects) == Set(monday.subjects) && !restarted.subjects.isEmpty)
        #expect(restarted.inForce[.overdue] == monday.inForce[.overdue] && restarted.inForce[.escalated] == monday.inForce[.escalated])
    }

    @Test("a clock set back a little behind the day evaluated holds that day (nothing cleared, nothing raised twice, a restart resumes it); set back further, the clock is taken")
    func clockSetBack() throws {
        let (supervisor, _, now) = try Self.demo()
        let settings = AlertSettings()
        // Evaluated on Monday 23 November.
        now.instant.withLock { $0 = $0.addingTimeInterval(3 * 86_400) }
        let monday = try supervisor.evaluateAlerts(settings: settings, starting: false)
        #expect(monday.day == CivilDate("2026-11-23") && monday.raised > 0 && monday.clockBehind == nil)
        let keptOnMonday = try supervisor.alertState().map(\.subject)
        // Set back to Saturday (two days, the most held): nothing cleared, Monday held, the clock's day told.
        now.instant.withLock { $0 = $0.addingTimeInterval(-2 * 86_400) }
        let behind = try supervisor.evaluateAlerts(settings: settings, starting: false)
        #expect(behind.day == CivilDate("2026-11-23") && behind.clockBehind == CivilDate("2026-11-21"))
        #expect(behind.cleared == 0 && behind.raised == 0)
        #expect(try supervisor.alertState().map(\.subject) == keptOnMonday, "the alerts kept are Monday's")
        #expect(try supervisor.alerts(asOf: CivilDate("2026-11-21")).map(\.subject) != keptOnMonday, "Saturday's would differ (--as-of still answers for it)")
        let restarted = try supervisor.evaluateAlerts(settings: settings, starting: true, compliance: false)
        #expect(restarted.resumed && restarted.day == CivilDate("2026-11-23") && restarted.clockBehind == CivilDate("2026-11-21"), "a restart resumes Monday's")
        // Set back ten days: a correction of a clock that ran ahead, taken.
        now.instant.withLock { $0 = $0.addingTimeInterval(-8 * 86_400) }
        let corrected = try supervisor.evaluateAlerts(settings: settings, starting: false)
        #expect(corrected.day == CivilDate("2026-11-13") && corrected.clockBehind == nil && corrected.cleared > 0)
        // And forward again past Monday: evaluated as of Tuesday.
        now.instant.withLock { $0 = $0.addingTimeInterval(11 * 86_400) }
        let tuesday = try supervisor.evaluateAlerts(settings: settings, starting: false)
        #expect(tuesday.day == CivilDate("2026-11-24") && tuesday.clockBehind == nil)
    }

    @Test("failures classify to sysexits codes")
    func failures() {
        #expect(Failure(UsageError("x")).kind == .usage)
        #expect(Failure(StoreError.io("x")).kind == .io)
        #expect(Failure(StoreError.refused("x")).kind == .refused)
        #expect(Failure(StoreError.corrupt("x")).kind == .internalError)
        struct Unexpected: Error {}
        #expect(Failure(Unexpected()).kind == .internalError)
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the executables do not import GRDB: only Store knows the database")
    func noGRDBInExecutables() throws {
        let directory = Self.root.appendingPathComponent("Sources/spotcheck")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("import GRDB"), "\(name)")
            #expect(!text.contains("import Store"), "\(name)")
        }
    }
}
