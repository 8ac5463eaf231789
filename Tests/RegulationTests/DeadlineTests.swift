import Regulation
import Testing
import WorkingDays

/// Deadlines (Art. 13–15) derived from the steps and a calendar, without a database.
@Suite("Deadlines")
struct DeadlineTests {
    /// A calendar with one holiday week (2030-10-01…07) and a make-up Saturday (2030-10-12).
    static let calendar: WorkingDayCalendar = {
        let notice = Notice(number: "T", title: "test notice", published: nil, sources: ["test"])
        let off = (1...7).map { LayerDay(date: CivilDate(year: 2030, month: 10, day: $0)!, name: "国庆节") }
        let layer = CalendarLayer(region: .national, year: 2030, notices: [notice], daysOff: off,
                                  makeUpDays: [LayerDay(date: CivilDate("2030-10-12")!, name: "国庆节")])
        let next = CalendarLayer(region: .national, year: 2031, notices: [notice], daysOff: [], makeUpDays: [])
        return WorkingDayCalendar(region: .national, layers: [layer, next])
    }()

    static func date(_ text: String) -> CivilDate { CivilDate(text)! }

    @Test("report and publication count from the end; the end day does not count; holidays skipped, make-up days counted")
    func fromTheEnd() {
        let deadlines = Deadlines.derive(ProcedureDates(ended: Self.date("2030-09-30"), reported: nil, published: nil, feedback: [:]),
                                         institutions: ["A"], calendar: Self.calendar)
        // 2030-09-30 is a Monday; Oct 1–7 off; Oct 8 Tue … Oct 12 Sat (make-up) is the 5th.
        #expect(deadlines.first { $0.rule == .report }?.due == Self.date("2030-10-12"))
        #expect(deadlines.first { $0.rule == .publication }?.due == Self.date("2030-10-18"))
        let feedback = deadlines.first { $0.rule == .feedback }
        #expect(feedback?.institution == "A")
        #expect(feedback?.provisional == true, "no report yet: counted from the report's due date")
        #expect(feedback?.due == Self.date("2030-10-18"), "the report's due day (a make-up Saturday) + 5: Oct 14–18")
        #expect(Deadlines.derive(ProcedureDates(ended: nil, reported: nil, published: nil, feedback: [:]), institutions: ["A"], calendar: Self.calendar).isEmpty)
    }

    @Test("a late report moves the feedback deadlines")
    func lateReport() {
        let deadlines = Deadlines.derive(ProcedureDates(ended: Self.date("2030-09-30"), reported: Self.date("2030-10-16"), published: nil, feedback: [:]),
                                         institutions: ["A", "B"], calendar: Self.calendar)
        let feedback = deadlines.filter { $0.rule == .feedback }
        #expect(feedback.map(\.due) == [Self.date("2030-10-23"), Self.date("2030-10-23")])
        #expect(feedback.allSatisfy { !$0.provisional })
        let report = deadlines.first { $0.rule == .report }!
        #expect(Deadlines.status(of: report, on: Self.date("2030-10-20"), dueSoonWithin: 2, calendar: Self.calendar) == .done(lateWorkdays: 3))
    }

    @Test("as of a day before a late report, feedback is what it was before the report: provisional, from the report's due date")
    func feedbackBeforeLateReport() {
        let ended = ProcedureDates(ended: Self.date("2030-09-30"), reported: nil, published: nil, feedback: [:])
        let reported = ProcedureDates(ended: Self.date("2030-09-30"), reported: Self.date("2030-10-16"), published: nil, feedback: ["A": Self.date("2030-10-17")])
        let before = Deadlines.derive(ended, institutions: ["A"], calendar: Self.calendar)
        let after = Deadlines.derive(reported, institutions: ["A"], calendar: Self.calendar)
        let reportDue = before.first { $0.rule == .report }!.due
        let feedbackAfter = after.first { $0.rule == .feedback }!
        var expected = before.first { $0.rule == .feedback }!
        expected.doneOn = Self.date("2030-10-17")
        #expect(Deadlines.beforeReport(feedbackAfter, reportDue: reportDue, calendar: Self.calendar) == expected)
    }

    @Test("status on each side of the due day, and on it")
    func status() {
        let report = Deadline(rule: .report, institution: nil, from: Self.date("2030-09-30"), due: Self.date("2030-10-12"), doneOn: nil,
                              provisional: false, reasons: [])
        func status(_ day: String) -> DeadlineStatus { Deadlines.status(of: report, on: Self.date(day), dueSoonWithin: 2, calendar: Self.calendar) }
        #expect(status("2030-10-09") == .pending)
        #expect(status("2030-10-11") == .dueSoon(workdaysLeft: 2))
        #expect(status("2030-10-12") == .dueSoon(workdaysLeft: 1))
        #expect(status("2030-10-13") == .overdue(workdays: 0), "Sunday: past due, no working day yet")
        #expect(status("2030-10-15") == .overdue(workdays: 2))
        var done = report
        done.doneOn = Self.date("2030-10-11")
        #expect(Deadlines.status(of: done, on: Self.date("2030-10-20"), dueSoonWithin: 2, calendar: Self.calendar) == .done(lateWorkdays: 0))
        #expect(Deadlines.status(of: done, on: Self.date("2030-10-10"), dueSoonWithin: 2, calendar: Self.calendar) == .pending,
                "as of a day before it was done, it is not done")
    }

    @Test("a deadline reaching into a year without its notice is provisional, with the reason")
    func provisional() {
        let deadlines = Deadlines.derive(ProcedureDates(ended: Self.date("2031-12-26"), reported: nil, published: nil, feedback: [:]),
                                         institutions: [], calendar: Self.calendar)
        #expect(deadlines.allSatisfy { $0.provisional })
        #expect(deadlines.first?.reasons.isEmpty == false)
    }

    @Test("re-deriving the open deadlines from what they store gives what deriving from the steps gives, with a new notice")
    func rederiveOpen() {
        // Without the 2030 notice (the old calendar), every deadline is counted over plain weeks.
        let old = WorkingDayCalendar(region: .national, layers: [])
        let cases: [ProcedureDates] = [
            ProcedureDates(ended: Self.date("2030-09-27"), reported: nil, published: nil, feedback: [:]),
            ProcedureDates(ended: Self.date("2030-09-27"), reported: Self.date("2030-09-30"), published: nil, feedback: ["A": Self.date("2030-10-08")]),
            ProcedureDates(ended: Self.date("2030-09-20"), reported: Self.date("2030-09-26"), published: Self.date("2030-09-29"), feedback: [:]),
        ]
        for dates in cases {
            let stored = Deadlines.derive(dates, institutions: ["A", "B"], calendar: old).filter { $0.doneOn == nil }
            let expected = Deadlines.derive(dates, institutions: ["A", "B"], calendar: Self.calendar).filter { $0.doneOn == nil }
            let rederived = Deadlines.rederive(open: stored, calendar: Self.calendar)
            #expect(rederived == expected)
            #expect(rederived != stored, "the holiday week moves them: the test is not vacuous")
        }
    }

    @Test("Art. 9: an item without a result, or n/a without a note, is missing")
    func coverage() {
        let missing = ChecklistCoverage.missing(items: ["A", "B", "C", "D"], results: [
            "A": (.pass, nil), "B": (.notApplicable, nil), "C": (.notApplicable, "no branch office"),
        ])
        #expect(missing == ["B", "D"])
    }

    @Test("a step is refused in the future and before the step it follows")
    func dating() {
        let today = Self.date("2030-10-15")
        #expect(StepDating.refusal("ended", on: Self.date("2030-10-16"), after: nil, today: today)?.contains("future") == true)
        #expect(StepDating.refusal("reported", on: Self.date("2030-10-01"), after: ("ended", Self.date("2030-10-02")), today: today)?.contains("before ended") == true)
        #expect(StepDating.refusal("reported", on: Self.date("2030-10-02"), after: ("ended", Self.date("2030-10-02")), today: today) == nil)
    }
}
