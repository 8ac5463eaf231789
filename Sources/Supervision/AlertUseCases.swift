import Foundation
import Parallel
import Rosters
public import Records
public import Regulation
public import Store
public import WorkingDays

/// How the alert rules are tuned (configuration keys `alerts.*`).
public struct AlertSettings: Sendable {
    /// An overdue deadline escalates after this many working days overdue.
    public var escalateAfterWorkdays: Int
    /// More alerts than this of one kind in one evaluation are folded into one summary entry.
    public var foldAbove: Int
    /// The yearly rules the compliance alerts check (Art. 8, 9, 11).
    public var compliance: ComplianceSettings

    public init(escalateAfterWorkdays: Int = 5, foldAbove: Int = 50, compliance: ComplianceSettings = ComplianceSettings()) {
        self.escalateAfterWorkdays = escalateAfterWorkdays
        self.foldAbove = foldAbove
        self.compliance = compliance
    }
}

/// What one evaluation by the daemon found: the entries to log now, the subjects they cover
/// (to mark logged once written), and the counts for the status line.
public struct AlertEvaluation: Sendable {
    public var day: CivilDate
    public var entries: [AlertEntry]
    public var subjects: [String]
    /// After a downtime (or on a first start): the day last evaluated, `nil` if never.
    public var caughtUpSince: CivilDate??
    public var raised: Int
    public var cleared: Int
    /// Alerts in force by kind.
    public var inForce: [AlertKind: Int]
    /// The last audit entry the evaluation accounts for: a newer one is a change it has not seen.
    public var seenSeq: Int64
    /// Whether the alerts kept were taken as in force without evaluating (a restart on the day
    /// last evaluated, nothing recorded since, the same settings).
    public var resumed = false
    /// The wall clock's day, when it is behind the day evaluated (a day already evaluated holds,
    /// up to ``Supervisor/maximumHeldDays``).
    public var clockBehind: CivilDate? = nil
}

extension Supervisor {
    /// The alerts in force at the end of `day`: what the daemon says as of that day. The same
    /// evaluator for `spotcheck alerts --as-of` and the daemon.
    public func alerts(asOf day: CivilDate? = nil, settings: AlertSettings = AlertSettings()) throws -> [Alert] {
        let layers = try calendarLayersInForce()
        return try alerts(asOf: day ?? today, settings: settings, layers: layers, calendar: WorkingDayCalendar(region: Region(name: region), layers: layers),
                          compliance: true, ordered: true)
    }

    /// The alerts with the calendar layers already read (one read per evaluation); the yearly
    /// rules' alerts only with `compliance`; by kind and subject when `ordered` (the daemon
    /// orders only the transitions it writes).
    func alerts(asOf day: CivilDate, settings: AlertSettings, layers: [CalendarLayer], calendar: WorkingDayCalendar, compliance withCompliance: Bool,
                ordered: Bool) throws -> [Alert] {
        var result = try deadlineAlerts(asOf: day, settings: settings, calendar: calendar) + checklistAlerts(asOf: day)
        // A missing notice: one alert per year whose provisional days open deadlines reach into.
        for year in day.year...(day.year + 1) {
            guard let span = calendar.provisionalSpan(in: year, from: day) else { continue }
            let count = try store.countOpenDeadlines(dueFrom: span.first, startedBy: span.last)
            if let alert = AlertRules.provisionalAlert(year: year, reasons: calendar.provisionalReasons(from: span.first, through: span.last), count: count) {
                result.append(alert)
            }
        }
        let nationalYears = Set(layers.filter { $0.region == .national }.map(\.year))
        if let notice = AlertRules.noticeAlert(on: day, nationalYearsLoaded: nationalYears) { result.append(notice) }
        // The yearly rules (Art. 8, 9, 11): this year's warnings and violations, and through
        // January last year's, final once it has ended (too few rounds is then a violation).
        for year in (day.components.month == 1 ? [day.year - 1, day.year] : [day.year]) where withCompliance {
            result += AlertRules.complianceAlerts(try compliance(year: year, asOf: day, settings: settings.compliance, sampledBelow: false).rows)
        }
        return ordered ? result.sorted(by: Alert.byKindAndSubject) : result
    }

    /// The deadlines' and findings' alerts (Art. 13–16) as of `day`.
    func deadlineAlerts(asOf day: CivilDate, settings: AlertSettings, calendar: WorkingDayCalendar) throws -> [Alert] {
        // Only deadlines that can be due soon or overdue: a range read up to the due-soon horizon.
        let horizon = calendar.add(dueSoonWorkdays + 1, to: day).value
        var tracked = try openDeadlines(asOf: day, dueThrough: horizon, calendar: calendar).map { row in
            TrackedDeadline(round: row.round, jurisdiction: row.jurisdiction, category: row.category.rawValue, deadline: row.deadline,
                            status: Deadlines.status(of: row.deadline, on: day, dueSoonWithin: dueSoonWorkdays, calendar: calendar))
        }
        for item in try rectificationDeadlines(openAt: day) {
            tracked.append(TrackedDeadline(round: item.finding.round, jurisdiction: item.plan.jurisdiction, category: item.plan.category.rawValue,
                                           deadline: item.deadline,
                                           status: Deadlines.status(of: item.deadline, on: day, dueSoonWithin: dueSoonWorkdays, calendar: calendar),
                                           finding: item.id))
        }
        return AlertRules.alerts(for: tracked, escalateAfter: settings.escalateAfterWorkdays, calendar: calendar)
    }

    /// Art. 9: each ended inspection whose record leaves out an item (the report is refused until it is made good).
    func checklistAlerts(asOf day: CivilDate) throws -> [Alert] {
        var result: [Alert] = []
        var checklists = ChecklistCache()
        for record in try store.coverageRecords(roundsIn: .ended) {
            guard let ended = record.ended, ended <= day else { continue }
            let latest = Self.latestResults(record.results)
            for (institution, missing) in try missingItems(category: record.category, ended: ended, institutions: record.institutions,
                                                           results: { latest[$0] ?? [:] }, checklists: &checklists) {
                result.append(Alert(kind: .checklistMissing, subject: "checklist/\(record.round)/\(institution)", article: 9, round: record.round,
                                    inspection: "\(record.round)/\(institution)", institution: institution, jurisdiction: record.jurisdiction,
                                    category: record.category.rawValue, detail: missing.joined(separator: ", ")))
            }
        }
        return result
    }

    /// The alert state the daemon keeps.
    public func alertState() throws(StoreError) -> [AlertStateRecord] { try store.alertStates() }

    /// The last audit entry: it moves whenever anything is recorded.
    public func lastChange() throws(StoreError) -> Int64 { try store.lastAuditSeq() }

    /// One evaluation by the daemon, as of today: the alerts in force compared with the state
    /// kept, the transitions written in one transaction (retried if the CLI wrote meanwhile), and
    /// the entries to log for every alert not yet logged, folded when many come at once. On
    /// `starting` after a day or more without an evaluation, everything missed is folded, as it
    /// is with `foldAll`. Without `compliance`, the yearly rules' alerts are left as they are
    /// kept (neither raised nor cleared): the daemon's first pass, before READY=1, the second
    /// pass right after it; that first pass resumes from the state kept when it is current
    /// (``resume(day:basis:last:settings:)``). Each raised transition is enqueued, in the same
    /// transaction, for every destination `notify` routes it to.
    public func evaluateAlerts(settings: AlertSettings, notify: NotifySettings = NotifySettings(), starting: Bool, compliance: Bool = true,
                               foldAll: Bool = false) throws -> AlertEvaluation {
        // A clock set back a little behind a day already evaluated (a correction across
        // midnight) would clear alerts and raise them again once it is right, each transition
        // logged and delivered twice: the day last evaluated holds until the clock reaches it.
        // A step back of more than `maximumHeldDays` is a correction of a clock that ran ahead:
        // taken, or the daemon would sit on a wrong day until the world got there.
        // (`spotcheck alerts --as-of` answers for any day.)
        let clockDay = today
        // Read once: only this evaluation writes it (the retries below are for the CLI's writes).
        let last = try store.lastEvaluation()
        let day = if let lastDay = last?.day, lastDay > clockDay, lastDay <= clockDay.adding(days: Self.maximumHeldDays) { lastDay } else { clockDay }
        let behind = day > clockDay ? clockDay : nil
        let basis = EvaluationBasis(region: region, dueSoonWorkdays: dueSoonWorkdays, escalateAfterWorkdays: settings.escalateAfterWorkdays,
                                    program: Self.program)
        if starting, !compliance, !foldAll, var resumed = try resume(day: day, basis: basis, last: last, settings: settings) {
            resumed.clockBehind = behind
            return resumed
        }
        var attempt = 0
        while true {
            attempt += 1
            let seq = try store.lastAuditSeq()
            let layers = try calendarLayersInForce()
            let calendar = WorkingDayCalendar(region: Region(name: region), layers: layers)
            // Only the daemon writes the kept state: it is read on a connection of its own, on
            // another core, while the alerts in force are computed.
            let excluded = compliance ? [] : AlertKind.allCases.filter(\.isCompliance)
            let (currentRead, keptRead) = Parallel.both(
                { Result { try alerts(asOf: day, settings: settings, layers: layers, calendar: calendar, compliance: compliance, ordered: false) } },
                { [store] in Result { () throws(StoreError) in try store.keptAlerts(except: excluded) } })
            let current = try currentRead.get(), kept = try keptRead.get()
            let reminderDay = calendar.isWorkingDay(day) ? day : nil
            var (raised, refreshed, cleared) = AlertRules.transitions(kept: kept, now: current, reminderDay: reminderDay)
            // In the order `spotcheck alerts` lists them: the order they are enqueued and kept.
            raised.sort(by: Alert.byKindAndSubject)
            refreshed.sort(by: Alert.byKindAndSubject)
            // Refused when the CLI recorded something meanwhile: evaluate again on the newer state.
            let applied: Bool
            var seenSeq = seq
            if raised.isEmpty && refreshed.isEmpty && cleared.isEmpty && last?.day == day {
                if !starting, last?.auditSeq != seq || last?.basis != basis {
                    // The state kept is current as of a newer entry: stamped, so that a restart
                    // can resume from it (after READY=1: the first pass writes nothing).
                    do {
                        try store.stampEvaluation(day: day, basis: basis, expectedSeq: seq)
                        applied = true
                    } catch {
                        guard case .refused = error else { throw error }
                        // Bookkeeping only: after five tries the stamp waits for the next evaluation.
                        applied = attempt >= 5
                    }
                } else {
                    // Nothing to write (a restart, or a wake-up that changed nothing): no write
                    // transaction, so no fsync; evaluated again if the CLI recorded something meanwhile.
                    applied = try store.lastAuditSeq() == seq || attempt >= 5
                }
            } else {
                do {
                    let notifications = notify.drafts(for: raised, day: day, at: Timestamps.format(clock()))
                    seenSeq = try store.applyEvaluation(AlertStateChange(day: day, raised: raised, refreshed: refreshed, cleared: cleared, notifications: notifications,
                                                                         basis: basis),
                                                        expectedSeq: seq, actor: actor)
                    applied = true
                } catch {
                    guard case .refused = error, attempt < 5 else { throw error }
                    applied = false
                }
            }
            if !applied { continue }
            let catchingUp = starting && (last.map { $0.day < day } ?? true)
            let unlogged = try store.unloggedAlerts()
            var inForce: [AlertKind: Int] = [:]
            for alert in current { inForce[alert.kind, default: 0] += 1 }
            return AlertEvaluation(day: day, entries: AlertRules.entries(for: unlogged.map(\.alert), foldAbove: settings.foldAbove, foldAll: catchingUp || foldAll),
                                   subjects: unlogged.map(\.subject), caughtUpSince: catchingUp ? .some(last?.day) : .none,
                                   raised: raised.count, cleared: cleared.count, inForce: inForce, seenSeq: seenSeq, clockBehind: behind)
        }
    }

    /// How many days behind the day last evaluated the clock may be and that day still hold.
    public static let maximumHeldDays = 2

    /// The running executable as a file: its path, size and modification time, which an upgrade
    /// changes (one stat, once a process).
    static let program: String? = {
        guard let path = Bundle.main.executablePath.map({ URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }),
              let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date else { return nil }
        return "\(path) \(size) \(modified.timeIntervalSince1970)"
    }()

    /// A restart's first pass without evaluating: when the last evaluation was of `day`, with
    /// `basis`, and nothing was recorded since, the deadline alerts kept are those in force (their
    /// statuses change only with the day, the records and the settings). Reports their counts and
    /// the entries not yet logged (a crash between the two); the second pass evaluates as always.
    func resume(day: CivilDate, basis: EvaluationBasis, last: DaemonEvaluation?, settings: AlertSettings) throws(StoreError) -> AlertEvaluation? {
        let seq = try store.lastAuditSeq()
        guard basis.program != nil, let last, last.day == day, last.auditSeq == seq, last.basis == basis else { return nil }
        let unlogged = try store.unloggedAlerts()
        // The deadline kinds, as the first pass counts them (the yearly rules' come in the second).
        let inForce = try store.keptAlertCounts().filter { !$0.key.isCompliance }
        return AlertEvaluation(day: day, entries: AlertRules.entries(for: unlogged.map(\.alert), foldAbove: settings.foldAbove), subjects: unlogged.map(\.subject),
                               caughtUpSince: .none, raised: 0, cleared: 0, inForce: inForce, seenSeq: seq, resumed: true)
    }

    /// Marks the entries of an evaluation as written to the journal.
    public func markLogged(_ subjects: [String]) throws(StoreError) { try store.markAlertsLogged(subjects) }
}
