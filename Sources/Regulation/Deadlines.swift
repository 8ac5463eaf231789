public import WorkingDays

/// The procedure's deadlines (Art. 13–15), each counted in working days after the step it
/// follows (the step's own day does not count; RULES.md "Counting working-day periods").
public enum DeadlineRule: String, CaseIterable, Codable, Sendable {
    /// Art. 13: the report within 5 working days after the inspection ends.
    case report
    /// Art. 14: feedback to each institution within 5 working days after the report.
    case feedback
    /// Art. 15: publication within 10 working days after the inspection ends.
    case publication
    /// Art. 16: a finding rectified by the date set for it (not counted in working days).
    case rectification

    /// The article that sets it.
    public var article: Int {
        switch self {
        case .report: 13
        case .feedback: 14
        case .publication: 15
        case .rectification: 16
        }
    }

    /// Working days allowed; 0 for a rectification, whose date is set, not counted.
    public var workingDays: Int {
        switch self {
        case .report, .feedback: 5
        case .publication: 10
        case .rectification: 0
        }
    }
}

/// One deadline as derived from the steps recorded and the calendar.
public struct Deadline: Sendable, Hashable, Codable {
    public var rule: DeadlineRule
    /// The inspected institution, for per-institution deadlines (Art. 14); `nil` for the round's.
    public var institution: String?
    /// The day of the step the period counts from.
    public var from: CivilDate
    /// The last day: due at the end of it, Asia/Shanghai.
    public var due: CivilDate
    /// The day the step it asks for was recorded; `nil` while not done.
    public var doneOn: CivilDate?
    /// Counted from a step that has not happened yet (the report's due date stands in for the
    /// report, Art. 14), or reaching into a year whose notice is missing.
    public var provisional: Bool
    /// Why it is provisional, e.g. "national notice for 2027 not loaded", "counted from the report's due date".
    public var reasons: [String]

    public init(rule: DeadlineRule, institution: String?, from: CivilDate, due: CivilDate, doneOn: CivilDate?, provisional: Bool, reasons: [String]) {
        self.rule = rule
        self.institution = institution
        self.from = from
        self.due = due
        self.doneOn = doneOn
        self.provisional = provisional
        self.reasons = reasons
    }

    enum CodingKeys: String, CodingKey { case rule, institution, from, due, doneOn = "done_on", provisional, reasons }
}

/// Where a deadline stands at the end of a day.
public enum DeadlineStatus: Sendable, Hashable {
    /// Not due soon yet.
    case pending
    /// Due within the configured number of working days (the due day itself included).
    case dueSoon(workdaysLeft: Int)
    /// Past due and not done: working days after the due day, through the day asked about.
    case overdue(workdays: Int)
    /// Done; `lateWorkdays` is 0 when on time.
    case done(lateWorkdays: Int)

    /// `pending`, `due-soon`, `overdue`, `done`.
    public var name: String {
        switch self {
        case .pending: "pending"
        case .dueSoon: "due-soon"
        case .overdue: "overdue"
        case .done: "done"
        }
    }
}

/// The round's dated steps that deadlines count from.
public struct ProcedureDates: Sendable, Hashable {
    /// The inspection work ended (Art. 13's and 15's start).
    public var ended: CivilDate?
    /// The report was completed (Art. 14's start).
    public var reported: CivilDate?
    /// The results were published (Art. 15).
    public var published: CivilDate?
    /// Feedback delivered, per institution (Art. 14).
    public var feedback: [String: CivilDate]

    public init(ended: CivilDate?, reported: CivilDate?, published: CivilDate?, feedback: [String: CivilDate]) {
        self.ended = ended
        self.reported = reported
        self.published = published
        self.feedback = feedback
    }
}

/// Derives deadlines and their status: pure, from the steps and the working-day calendar.
public enum Deadlines {
    /// A round's deadlines: none until its inspection ends; then the report (Art. 13) and the
    /// publication (Art. 15) from the end, and feedback for each institution (Art. 14) from the
    /// report, or provisionally from the report's due date while there is no report.
    public static func derive(_ dates: ProcedureDates, institutions: [String], calendar: WorkingDayCalendar) -> [Deadline] {
        guard let ended = dates.ended else { return [] }
        let report = deadline(.report, institution: nil, from: ended, doneOn: dates.reported, calendar: calendar)
        var result = [report, deadline(.publication, institution: nil, from: ended, doneOn: dates.published, calendar: calendar)]
        for institution in institutions.sorted() {
            if let reported = dates.reported {
                result.append(deadline(.feedback, institution: institution, from: reported, doneOn: dates.feedback[institution], calendar: calendar))
            } else {
                result.append(deadline(.feedback, institution: institution, from: report.due, doneOn: dates.feedback[institution],
                                       standIn: standIn(reportDue: report.due), calendar: calendar))
            }
        }
        return result
    }

    /// The open deadlines of one round derived again with another calendar (a new notice), from
    /// what they store alone: each period counts from the same step, except that while the report
    /// is not done (its deadline is among the open ones) feedback counts from the report's new due
    /// date (Art. 14). Gives what `derive` gives with that calendar; rectification dates are set,
    /// not counted, and stay.
    public static func rederive(open: [Deadline], calendar: WorkingDayCalendar) -> [Deadline] {
        let reportDue = open.first { $0.rule == .report }.map { calendar.add(DeadlineRule.report.workingDays, to: $0.from).value }
        return open.map { rederive($0, reportDue: reportDue, calendar: calendar) }
    }

    /// One open deadline derived again; `reportDue` is the round's report due date under
    /// `calendar` while the report is not done, `nil` once it is.
    public static func rederive(_ old: Deadline, reportDue: CivilDate?, calendar: WorkingDayCalendar) -> Deadline {
        switch old.rule {
        case .rectification: old
        case .feedback:
            if let reportDue {
                deadline(.feedback, institution: old.institution, from: reportDue, doneOn: nil, standIn: standIn(reportDue: reportDue), calendar: calendar)
            } else {
                deadline(.feedback, institution: old.institution, from: old.from, doneOn: nil, calendar: calendar)
            }
        case .report, .publication: deadline(old.rule, institution: old.institution, from: old.from, doneOn: nil, calendar: calendar)
        }
    }

    /// A feedback deadline as it stood before its report was recorded (Art. 14): counted
    /// provisionally from the report's due date. What an as-of query shows for a day before the
    /// report; the feedback's own completion, later still, is kept.
    public static func beforeReport(_ feedback: Deadline, reportDue: CivilDate, calendar: WorkingDayCalendar) -> Deadline {
        deadline(.feedback, institution: feedback.institution, from: reportDue, doneOn: feedback.doneOn, standIn: standIn(reportDue: reportDue), calendar: calendar)
    }

    static func standIn(reportDue: CivilDate) -> String { "no report yet: counted from the report's due date \(reportDue)" }

    static func deadline(_ rule: DeadlineRule, institution: String?, from: CivilDate, doneOn: CivilDate?, standIn: String? = nil,
                         calendar: WorkingDayCalendar) -> Deadline {
        let due = calendar.add(rule.workingDays, to: from)
        return Deadline(rule: rule, institution: institution, from: from, due: due.value, doneOn: doneOn,
                        provisional: due.isProvisional || standIn != nil, reasons: (standIn.map { [$0] } ?? []) + due.reasons)
    }

    /// The status at the end of `day`: steps done after `day` count as not done.
    public static func status(of deadline: Deadline, on day: CivilDate, dueSoonWithin: Int, calendar: WorkingDayCalendar) -> DeadlineStatus {
        if let done = deadline.doneOn, done <= day {
            return .done(lateWorkdays: done > deadline.due ? calendar.workingDays(after: deadline.due, through: done) : 0)
        }
        if day > deadline.due {
            return .overdue(workdays: calendar.workingDays(after: deadline.due, through: day))
        }
        // Working days left, the due day included: 1 on the due day itself.
        let left = calendar.workingDays(after: day, through: deadline.due) + (calendar.isWorkingDay(day) ? 1 : 0)
        return left <= dueSoonWithin ? .dueSoon(workdaysLeft: left) : .pending
    }
}
