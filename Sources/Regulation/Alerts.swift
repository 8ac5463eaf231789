public import WorkingDays

/// What the daemon warns about, each kind with its stable journal MESSAGE_ID (made once with
/// `systemd-id128 new`; never changed, since ops filter on them and the catalog is keyed by them).
public enum AlertKind: String, CaseIterable, Codable, Sendable, Comparable {
    /// A deadline falls due within the configured working days (Art. 13–15).
    case dueSoon = "due-soon"
    /// A deadline has passed with its step not done (Art. 13–15).
    case overdue
    /// Overdue for at least the configured number of working days.
    case escalated
    /// An ended inspection's record leaves out a checklist item (Art. 9).
    case checklistMissing = "checklist-missing"
    /// An open finding is past its rectification date (Art. 16).
    case findingOverdue = "finding-overdue"
    /// Open deadlines are counted over days whose calendar notice is not loaded (one alert per year).
    case provisional
    /// From 1 December, next year's national holiday notice is still not loaded.
    case noticeMissing = "notice-missing"
    /// A yearly rule at risk while there is still time to act: no round by 30 June, too few by
    /// 31 October, a projected shortfall, high-risk institutions not yet inspected (Art. 8).
    case complianceWarning = "compliance-warning"
    /// A yearly rule broken: a sample under the ratio, too few rounds in a year that has ended,
    /// a team of one, a conflicted inspector, a checklist item left out (Art. 8, 9, 11).
    case complianceViolation = "compliance-violation"
    /// Many alerts of one kind at once (a catch-up, a new notice, a year end), folded into one entry.
    case folded
    /// The daemon started and made its first evaluation.
    case started
    /// The daemon reloaded its configuration and calendar (SIGHUP).
    case reloaded
    /// A reload was refused: the configuration is broken; the running one stays.
    case reloadFailed = "reload-failed"
    /// After a downtime, the alerts missed meanwhile were raised in summary.
    case caughtUp = "caught-up"
    /// An outbox row could not be delivered: refused for good, or out of attempts.
    case deliveryDead = "delivery-dead"

    /// The journal's MESSAGE_ID (32 lower-case hex digits).
    public var messageID: String {
        switch self {
        case .dueSoon: "761703750e4b44daac70b3a06dff284e"
        case .overdue: "d892d33ff1af46649c089313bc0d54f9"
        case .escalated: "a9e735ac501a4175a4fa3f8a9827e14b"
        case .checklistMissing: "faf780ad828f478dad4331b1c6b44748"
        case .findingOverdue: "37ab31410f1645e38f45d9bd7d087d63"
        case .provisional: "346f236debb84741a25831e3602ea41c"
        case .noticeMissing: "f59b3de94472465a840f662b788fe1dd"
        case .complianceWarning: "8f0ccdab59a2492cb7e87301e492cd3b"
        case .complianceViolation: "79e697a9d10f4a28b791412196837ac1"
        case .folded: "ca06c33a25e14301aab3f6c2aa6519ff"
        case .started: "219e85bdad3441218a7afa03772b59a1"
        case .reloaded: "0f25deefeb544ce991e6c45fda7f0c72"
        case .reloadFailed: "f5200c20733b4fa3a0425585842bfc82"
        case .caughtUp: "51b02ce0f657431aa6583e4d0d2fdd15"
        case .deliveryDead: "6710608b039c4729a4ef063e2ba7a967"
        }
    }

    /// syslog priority (journal PRIORITY): 2 crit … 6 info.
    public var priority: Int {
        switch self {
        case .escalated: 3
        case .overdue, .checklistMissing, .findingOverdue, .noticeMissing, .complianceViolation, .folded, .reloadFailed, .deliveryDead: 4
        case .dueSoon, .complianceWarning: 5
        case .provisional, .started, .reloaded, .caughtUp: 6
        }
    }

    /// Kinds about a subject (a deadline, an inspection, a finding, a notice), kept as alert
    /// state; the others are events of the daemon itself.
    public var isSubjectAlert: Bool {
        switch self {
        case .dueSoon, .overdue, .escalated, .checklistMissing, .findingOverdue, .provisional, .noticeMissing, .complianceWarning, .complianceViolation: true
        case .folded, .started, .reloaded, .reloadFailed, .caughtUp, .deliveryDead: false
        }
    }

    /// The yearly rules' kinds (Art. 8, 9, 11): evaluated over every round of the year, so the
    /// daemon can leave them to a second pass after its first report of readiness.
    public var isCompliance: Bool { self == .complianceWarning || self == .complianceViolation }

    /// Kinds logged again once a working day while they last (a reminder: still overdue).
    public var remindsDaily: Bool {
        switch self {
        case .overdue, .escalated, .findingOverdue: true
        default: false
        }
    }

    public static func < (lhs: AlertKind, rhs: AlertKind) -> Bool {
        // A stored list rather than `allCases`, which builds an array on every call (every alert is sorted by kind).
        ordered.firstIndex(of: lhs)! < ordered.firstIndex(of: rhs)!
    }

    private static let ordered = allCases
}

/// One alert in force: a subject in a state worth telling (due soon, overdue, …) as of a day.
public struct Alert: Sendable, Hashable, Codable {
    public var kind: AlertKind
    /// What it is about, stable across evaluations: `deadline/ROUND/report`,
    /// `deadline/ROUND/feedback/INSTITUTION`, `finding/ID`, `checklist/ROUND/INSTITUTION`, `notice/national/YEAR`,
    /// `compliance/YEAR/JURISDICTION/CATEGORY/RULE[/ROUND]`.
    public var subject: String
    public var article: Int?
    public var round: String?
    /// `ROUND/INSTITUTION`.
    public var inspection: String?
    public var institution: String?
    public var jurisdiction: String?
    public var category: String?
    /// The due day, for deadlines and findings.
    public var deadline: CivilDate?
    public var overdueWorkdays: Int?
    public var provisional: Bool
    /// The step (`report`, `feedback`, `publication`, `rectification`), the missing item codes, or the notices missing.
    public var detail: String
    /// How many items it covers, for an alert about many (the open deadlines a missing notice makes provisional).
    public var count: Int?
    /// The calendar year, for a compliance alert (Art. 8: rounds a year).
    public var year: Int?
    /// The yearly rule, for a compliance alert.
    public var rule: ComplianceRule?

    public init(kind: AlertKind, subject: String, article: Int?, round: String? = nil, inspection: String? = nil, institution: String? = nil,
                jurisdiction: String? = nil, category: String? = nil, deadline: CivilDate? = nil, overdueWorkdays: Int? = nil,
                provisional: Bool = false, detail: String, count: Int? = nil, year: Int? = nil, rule: ComplianceRule? = nil) {
        self.kind = kind
        self.subject = subject
        self.article = article
        self.round = round
        self.inspection = inspection
        self.institution = institution
        self.jurisdiction = jurisdiction
        self.category = category
        self.deadline = deadline
        self.overdueWorkdays = overdueWorkdays
        self.provisional = provisional
        self.detail = detail
        self.count = count
        self.year = year
        self.rule = rule
    }

    enum CodingKeys: String, CodingKey {
        case kind, subject, article, round, inspection, institution, jurisdiction, category, deadline
        case overdueWorkdays = "overdue_workdays", provisional, detail, count, year, rule
    }

    /// Every figure of the alert in one string: equal alerts, equal fingerprints. The store keeps
    /// it beside the alert so that an evaluation compares strings, not decoded values.
    public var fingerprint: String { String(decoding: fingerprintBytes(), as: UTF8.self) }

    /// Whether `kept` is this alert's ``fingerprint``, compared byte for byte without making the
    /// string: every alert in force is compared on every evaluation.
    public func hasFingerprint(_ kept: String) -> Bool {
        let bytes = fingerprintBytes()
        guard kept.utf8.count == bytes.count else { return false }
        return kept.utf8.withContiguousStorageIfAvailable { stored in
            bytes.withUnsafeBytes { Self.sameBytes(UnsafeRawBufferPointer(stored), $0) }
        } ?? kept.utf8.elementsEqual(bytes)
    }

    /// Two buffers of equal length compared eight bytes at a time (the standard library has no
    /// memcmp, and a byte loop costs a fingerprint's length in iterations).
    static func sameBytes(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
        assert(first.count == second.count)
        var offset = 0
        while offset + 8 <= first.count {
            if first.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != second.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        while offset < first.count {
            if first[offset] != second[offset] { return false }
            offset += 1
        }
        return true
    }

    /// The order alerts are listed and kept in: by kind, then subject.
    public static func byKindAndSubject(_ first: Alert, _ second: Alert) -> Bool { (first.kind, first.subject) < (second.kind, second.subject) }

    private func fingerprintBytes() -> [UInt8] {
        // The parts' UTF-8 appended to one buffer: every alert's fingerprint is taken on every
        // evaluation.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        func add(_ figure: String) {
            if !bytes.isEmpty { bytes.append(0x1F) }
            bytes.append(contentsOf: figure.utf8)
        }
        func add(_ number: Int?) { add(number.map(String.init) ?? "") }
        add(kind.rawValue); add(subject); add(article); add(round ?? ""); add(inspection ?? ""); add(institution ?? ""); add(jurisdiction ?? "")
        add(category ?? ""); add(deadline?.description ?? ""); add(overdueWorkdays); add(provisional ? "1" : "0"); add(detail)
        add(count); add(year); add(rule?.rawValue ?? "")
        return bytes
    }
}

/// A deadline with its status as of a day, as the evaluator reads it.
public struct TrackedDeadline: Sendable, Hashable {
    public var round: String
    public var jurisdiction: String
    public var category: String
    public var deadline: Deadline
    public var status: DeadlineStatus
    /// The finding's id, for a rectification deadline (Art. 16).
    public var finding: Int64?

    public init(round: String, jurisdiction: String, category: String, deadline: Deadline, status: DeadlineStatus, finding: Int64? = nil) {
        self.finding = finding
        self.round = round
        self.jurisdiction = jurisdiction
        self.category = category
        self.deadline = deadline
        self.status = status
    }
}

/// The alert rules: which subjects are in an alert state as of a day, and what changed since
/// the last evaluation. Pure: the CLI's `alerts --as-of` and the daemon call the same code.
public enum AlertRules {
    /// The alerts the deadlines give: due soon, overdue, escalated (at least `escalateAfter`
    /// working days overdue), and a finding past its rectification date (Art. 16). Pending and
    /// done deadlines give none (a missing notice is one alert per year: ``provisionalAlert(year:reasons:count:)``).
    public static func alerts(for tracked: [TrackedDeadline], escalateAfter: Int, calendar: WorkingDayCalendar) -> [Alert] {
        tracked.compactMap { item in
            let deadline = item.deadline
            let kind: AlertKind
            var overdue: Int?
            switch item.status {
            case .done: return nil
            case let .overdue(workdays):
                overdue = workdays
                kind = deadline.rule == .rectification ? .findingOverdue : workdays >= escalateAfter ? .escalated : .overdue
            case .dueSoon: kind = deadline.rule == .rectification ? .findingOverdue : .dueSoon
            case .pending: return nil
            }
            if kind == .findingOverdue, overdue == nil { return nil }
            let subject = deadline.rule == .rectification
                ? "finding/\(item.finding.map(String.init) ?? "\(item.round)/\(deadline.institution ?? "")")"
                : "deadline/\(item.round)/\(deadline.rule.rawValue)" + (deadline.institution.map { "/\($0)" } ?? "")
            return Alert(kind: kind, subject: subject, article: deadline.rule.article, round: item.round,
                         inspection: deadline.institution.map { "\(item.round)/\($0)" }, institution: deadline.institution,
                         jurisdiction: item.jurisdiction, category: item.category, deadline: deadline.due, overdueWorkdays: overdue,
                         provisional: deadline.provisional, detail: deadline.rule.rawValue)
        }
    }

    /// One alert per year whose provisional days (a notice missing) open deadlines reach into:
    /// `count` of them, with the notices missing. Pending deadlines are told this way, not one by
    /// one (a missing regional notice makes a whole year's deadlines provisional).
    public static func provisionalAlert(year: Int, reasons: [String], count: Int) -> Alert? {
        guard count > 0, !reasons.isEmpty else { return nil }
        return Alert(kind: .provisional, subject: "provisional/\(year)", article: nil, provisional: true,
                     detail: reasons.joined(separator: "; "), count: count)
    }

    /// From 1 December, an alert while next year's national notice is not loaded: deadlines
    /// reaching into next year cannot be counted for certain.
    public static func noticeAlert(on day: CivilDate, nationalYearsLoaded: Set<Int>) -> Alert? {
        guard day.components.month == 12, !nationalYearsLoaded.contains(day.components.year + 1) else { return nil }
        let year = day.components.year + 1
        return Alert(kind: .noticeMissing, subject: "notice/national/\(year)", article: nil, provisional: true,
                     detail: "national notice for \(year)")
    }

    /// The compliance alerts of the rows (Art. 8, 9, 11): one per warning and violation. The
    /// subject names the year, jurisdiction, category, rule and round, so that a note whose
    /// figures move stays the same alert (refreshed), and a warning that becomes a violation is
    /// a new transition.
    public static func complianceAlerts(_ rows: [ComplianceRow]) -> [Alert] {
        rows.flatMap { row in
            let input = row.input
            func alert(_ note: ComplianceNote, _ kind: AlertKind) -> Alert {
                Alert(kind: kind, subject: "compliance/\(input.year)/\(input.jurisdiction)/\(input.category)/\(note.rule.rawValue)" + (note.round.map { "/\($0)" } ?? ""),
                      article: note.article, round: note.round, jurisdiction: input.jurisdiction, category: input.category,
                      detail: note.message, year: input.year, rule: note.rule)
            }
            return row.violations.map { alert($0, .complianceViolation) } + row.warnings.map { alert($0, .complianceWarning) }
        }
    }

    /// What changed between the alert state kept and the alerts in force now: subjects newly in
    /// an alert state or in a different one (raised: logged), subjects still in the same state
    /// whose figures moved, e.g. the working days overdue (refreshed: kept, not logged again),
    /// and subjects no longer in one (cleared).
    public static func transitions(kept: [String: Alert], now current: [Alert]) -> (raised: [Alert], refreshed: [Alert], cleared: [String]) {
        transitions(kept: kept.mapValues { KeptAlert(kind: $0.kind, fingerprint: $0.fingerprint, raisedOn: nil) }, now: current, reminderDay: nil)
    }

    /// The same, with each alert kept as its kind, the fingerprint of its figures and the day it
    /// was last raised (what the store keeps, so that the kept state need not be decoded on
    /// every evaluation). On `reminderDay` (a working day), an overdue alert last raised before
    /// it is raised again: logged at most once per working day while it lasts.
    public static func transitions(kept: [String: KeptAlert], now current: [Alert], reminderDay: CivilDate?) -> (raised: [Alert], refreshed: [Alert], cleared: [String]) {
        var raised: [Alert] = []
        var refreshed: [Alert] = []
        // Each alert in force takes its subject out (one hash per alert, not a lookup and a
        // set of those seen): what is left is cleared. (A subject twice in force compares with
        // the kept alert both times.)
        var remaining = kept
        for alert in current {
            guard let old = remaining.removeValue(forKey: alert.subject) ?? kept[alert.subject], old.kind == alert.kind else {
                raised.append(alert)
                continue
            }
            if alert.kind.remindsDaily, let reminderDay, let last = old.raisedOn, last < reminderDay {
                raised.append(alert)
            } else if !alert.hasFingerprint(old.fingerprint) {
                refreshed.append(alert)
            }
        }
        return (raised, refreshed, remaining.keys.sorted())
    }

    /// The entries to log for alerts raised together: each alert on its own while a kind has at
    /// most `foldAbove` of them, else one folded entry per kind giving the count (journald drops
    /// entries past its rate limit). `fold` folds every kind, as after a downtime.
    public static func entries(for raised: [Alert], foldAbove: Int, foldAll: Bool = false) -> [AlertEntry] {
        var byKind: [AlertKind: [Alert]] = [:]
        for alert in raised { byKind[alert.kind, default: []].append(alert) }
        var result: [AlertEntry] = []
        for kind in byKind.keys.sorted() {
            let alerts = byKind[kind]!
            if alerts.count > foldAbove || (foldAll && alerts.count > 1) {
                let articles = Set(alerts.compactMap(\.article))
                result.append(.folded(kind: kind, count: alerts.count, article: articles.count == 1 ? articles.first : nil))
            } else {
                result += alerts.map { .alert($0) }
            }
        }
        return result
    }
}

/// An alert as kept between evaluations: its kind, ``Alert/fingerprint`` and the day it was last raised.
public struct KeptAlert: Sendable, Hashable {
    public var kind: AlertKind
    public var fingerprint: String
    public var raisedOn: CivilDate?
    public init(kind: AlertKind, fingerprint: String, raisedOn: CivilDate?) {
        self.kind = kind
        self.fingerprint = fingerprint
        self.raisedOn = raisedOn
    }
}

/// One journal entry for alerts: an alert, or many of one kind folded into a count.
public enum AlertEntry: Sendable, Hashable {
    case alert(Alert)
    case folded(kind: AlertKind, count: Int, article: Int?)
}

/// One subject a leadership summary lists, as kept to tell next time what changed.
public struct SummarySubject: Codable, Sendable, Hashable {
    public var subject: String
    public var jurisdiction: String?

    public init(subject: String, jurisdiction: String?) {
        self.subject = subject
        self.jurisdiction = jurisdiction
    }
}
