public import Foundation
public import Publication
import Records
import Regulation
import Rosters
import Store
public import WorkingDays

/// When the leadership overdue summary is made and who gets it (`notify.summary.*`).
public struct SummarySettings: Sendable, Hashable {
    /// ISO weekdays of the slots (1 = Monday): `notify.summary.days` (default `[mon]`).
    public var weekdays: Set<Int>
    /// The slot's time in Asia/Shanghai: `notify.summary.at` (default `09:00`).
    public var hour: Int
    public var minute: Int
    /// `notify.summary.mailboxes`: each gets the summary of its `jurisdictions`.
    public var mailboxes: [String]
    /// `notify.summary.webhooks`.
    public var webhooks: [String]
    /// `notify.summary.language` (default `zh`).
    public var language: DeploymentLanguage

    public init(weekdays: Set<Int> = [1], hour: Int = 9, minute: Int = 0, mailboxes: [String] = [], webhooks: [String] = [], language: DeploymentLanguage = .zh) {
        self.weekdays = weekdays
        self.hour = hour
        self.minute = minute
        self.mailboxes = mailboxes
        self.webhooks = webhooks
        self.language = language
    }

    /// Whether any summary is sent.
    public var enabled: Bool { !mailboxes.isEmpty || !webhooks.isEmpty }

    /// The slot of the week containing `day`'s scheduled weekday: on a rest day it moves to the
    /// next working day (a holiday Monday's summary comes on the first working day after).
    static func effectiveDay(_ scheduled: CivilDate, calendar: WorkingDayCalendar) -> CivilDate {
        var day = scheduled
        for _ in 0..<30 where !calendar.isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The instant of a slot on `day`.
    func instant(_ day: CivilDate) -> Date {
        ShanghaiTime.noon(of: day).addingTimeInterval(Double((hour - 12) * 3600 + minute * 60))
    }

    /// The slots whose scheduled day lies in `range`, as (effective working day, instant), in order.
    func slots(scheduledIn range: ClosedRange<Int>, calendar: WorkingDayCalendar) -> [(day: CivilDate, at: Date)] {
        var result: [(CivilDate, Date)] = []
        for number in range {
            let scheduled = CivilDate(dayNumber: number)
            guard weekdays.contains(scheduled.weekday) else { continue }
            let day = Self.effectiveDay(scheduled, calendar: calendar)
            if result.last?.0 != day { result.append((day, instant(day))) }
        }
        return result.sorted { $0.1 < $1.1 }
    }
}

extension Supervisor {
    /// The overdue summary as of the end of `day` (default today), for the jurisdictions given
    /// (each with its children; all when `nil`), compared with the last summary made before it.
    public func summary(asOf day: CivilDate? = nil, jurisdictions: [String]? = nil, language: DeploymentLanguage = .zh,
                        settings: AlertSettings = AlertSettings()) throws -> OverdueSummary {
        let day = day ?? today
        let alerts = try alerts(asOf: day, settings: settings)
        return try summary(day: day, alerts: alerts, jurisdictions: jurisdictions, language: language)
    }

    func summary(day: CivilDate, alerts: [Alert], jurisdictions: [String]?, language: DeploymentLanguage) throws -> OverdueSummary {
        func covered(_ jurisdiction: String?) -> Bool { JurisdictionCode.covered(jurisdiction, by: jurisdictions) }
        let previous = try store.lastSummary(before: day).map { (day: $0.day, subjects: $0.subjects.filter { covered($0.jurisdiction) }) }
        let names = try jurisdictionTree().byCode.mapValues(\.name)
        return OverdueSummary(day: day, alerts: alerts.filter { covered($0.jurisdiction) }, previous: previous, names: names, language: language)
    }

    /// The next summary slot after `now`, if any is configured (the scheduler wakes for it).
    public func nextSummarySlot(after now: Date, settings: SummarySettings) throws -> Date? {
        guard settings.enabled else { return nil }
        let calendar = WorkingDayCalendar(region: Region(name: region), layers: try calendarLayersInForce())
        let today = ShanghaiTime.civilDate(now).dayNumber
        return settings.slots(scheduledIn: (today - 7)...(today + 21), calendar: calendar).first { $0.at > now }?.at
    }

    /// Makes the summary of the latest slot that has come unless it was made: today's, or, once
    /// summaries have been made before, one missed while the daemon was down (within the last
    /// week; a new deployment does not start with last week's): one row per summary mailbox (its jurisdictions' items) and webhook, queued with the
    /// record of the slot in one transaction, so that a slot gives one summary across restarts.
    /// Returns the slot's day when one was made.
    @discardableResult
    public func makeSummaryIfDue(notify: NotifySettings, summary settings: SummarySettings, alertSettings: AlertSettings) throws -> CivilDate? {
        guard settings.enabled else { return nil }
        let now = clock()
        let calendar = WorkingDayCalendar(region: Region(name: region), layers: try calendarLayersInForce())
        let today = ShanghaiTime.civilDate(now).dayNumber
        guard let slot = settings.slots(scheduledIn: (today - 7)...today, calendar: calendar).last(where: { $0.at <= now }),
              try !store.summaryMade(for: slot.day) else { return nil }
        if slot.day != ShanghaiTime.civilDate(now), try store.lastSummary(before: slot.day) == nil { return nil }
        let day = ShanghaiTime.civilDate(now)
        let alerts = try alerts(asOf: day, settings: alertSettings)
        let everything = try summary(day: day, alerts: alerts, jurisdictions: nil, language: settings.language)
        let madeAt = OutboxTime.instant(now)
        func notice(_ summary: OverdueSummary) -> NotificationPayload {
            .summary(SummaryNotice(day: slot.day, subject: SummaryDocument.subject(summary), text: SummaryDocument.text(summary), html: SummaryDocument.html(summary), madeAt: madeAt))
        }
        var drafts: [OutboxDraft] = []
        for name in settings.mailboxes {
            guard let mailbox = notify.mailbox(name) else { continue }
            let part = mailbox.jurisdictions == nil ? everything : try summary(day: day, alerts: alerts, jurisdictions: mailbox.jurisdictions, language: settings.language)
            drafts.append(OutboxDraft(key: "summary/\(slot.day)", kind: .summary, destination: NotificationDestination(channel: .mail, name: name), payload: notice(part)))
        }
        for name in settings.webhooks {
            guard let webhook = notify.webhook(name) else { continue }
            let part = webhook.jurisdictions == nil ? everything : try summary(day: day, alerts: alerts, jurisdictions: webhook.jurisdictions, language: settings.language)
            drafts.append(OutboxDraft(key: "summary/\(slot.day)", kind: .summary, destination: NotificationDestination(channel: .webhook, name: name), payload: notice(part)))
        }
        do {
            try store.recordSummary(day: slot.day, subjects: everything.subjects, notifications: drafts, actor: actor)
        } catch {
            // Made meanwhile (another process, a retried pass): once per slot.
            if case .refused = error { return nil }
            throw error
        }
        return slot.day
    }
}
