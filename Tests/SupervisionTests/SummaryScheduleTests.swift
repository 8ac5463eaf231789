import Foundation
import Publication
import Records
import Supervision
import Synchronization
import Testing
import WorkingDays

/// The leadership summary's schedule on the working-day calendar, and once per slot.
@Suite("summary schedule")
struct SummaryScheduleTests {
    final class Clock: Sendable {
        let now: Mutex<Date>
        init(_ text: String) { now = Mutex(try! Date(text, strategy: .iso8601)) }
        func set(_ text: String) { now.withLock { $0 = try! Date(text, strategy: .iso8601) } }
    }

    static func supervisor(_ clock: Clock) throws -> Supervisor {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-summary-\(UUID().uuidString)/db.sqlite").path
        return try Supervisor(databasePath: path, actor: "spotcheckd", region: "ningxia", clock: { clock.now.withLock { $0 } })
    }

    static let notify: NotifySettings = {
        var notify = NotifySettings()
        notify.smtp = SMTPSettings(host: "localhost", from: "spotcheck@example.org")
        notify.mailboxes = [MailboxDestination(name: "leaders", to: ["director@example.org"])]
        notify.summary = SummarySettings(weekdays: [1], hour: 9, minute: 0, mailboxes: ["leaders"])
        return notify
    }()

    @Test("a Monday slot on a holiday moves to the next working day (National Day 2026: Thursday 8 October), at the configured time")
    func holidayMoves() throws {
        let clock = Clock("2026-10-04T12:00:00+08:00")
        let supervisor = try Self.supervisor(clock)
        let next = try supervisor.nextSummarySlot(after: clock.now.withLock { $0 }, settings: Self.notify.summary)
        #expect(next == (try Date("2026-10-08T09:00:00+08:00", strategy: .iso8601)))
        clock.set("2026-10-08T09:00:01+08:00")
        #expect(try supervisor.nextSummarySlot(after: clock.now.withLock { $0 }, settings: Self.notify.summary) == (try Date("2026-10-12T09:00:00+08:00", strategy: .iso8601)))
        #expect(try supervisor.nextSummarySlot(after: Date(), settings: SummarySettings()) == nil, "none without a destination")
    }

    @Test("made once per slot: not before its time, once at it, not again; a new deployment does not start with last week's")
    func oncePerSlot() throws {
        let clock = Clock("2026-10-12T08:59:00+08:00")
        let supervisor = try Self.supervisor(clock)
        #expect(try supervisor.makeSummaryIfDue(notify: Self.notify, summary: Self.notify.summary, alertSettings: AlertSettings()) == nil,
                "before 09:00: last week's slot (8 October) is not made by a new deployment")
        clock.set("2026-10-12T09:00:00+08:00")
        #expect(try supervisor.makeSummaryIfDue(notify: Self.notify, summary: Self.notify.summary, alertSettings: AlertSettings()) == CivilDate("2026-10-12"))
        #expect(try supervisor.makeSummaryIfDue(notify: Self.notify, summary: Self.notify.summary, alertSettings: AlertSettings()) == nil)
        let rows = try supervisor.outbox()
        #expect(rows.count == 1 && rows[0].kind == .summary && rows[0].key == "summary/2026-10-12" && rows[0].destination.description == "mail:leaders")
        // Down over the next Monday, back on Wednesday: the missed slot is made, late, once.
        clock.set("2026-10-21T10:00:00+08:00")
        #expect(try supervisor.makeSummaryIfDue(notify: Self.notify, summary: Self.notify.summary, alertSettings: AlertSettings()) == CivilDate("2026-10-19"))
        #expect(try supervisor.makeSummaryIfDue(notify: Self.notify, summary: Self.notify.summary, alertSettings: AlertSettings()) == nil)
        #expect(try supervisor.summary(asOf: CivilDate("2026-10-26")!).previousDay == CivilDate("2026-10-19"))
    }
}
