import Regulation
import Testing
import WorkingDays

/// The alert rules the daemon and `spotcheck alerts --as-of` share, without a database.
@Suite("Alert rules")
struct AlertRulesTests {
    static let calendar = DeadlineTests.calendar
    static func date(_ text: String) -> CivilDate { CivilDate(text)! }

    static func tracked(_ rule: DeadlineRule, institution: String? = nil, due: String, status: DeadlineStatus, finding: Int64? = nil) -> TrackedDeadline {
        TrackedDeadline(round: "R1", jurisdiction: "640100", category: "lawyer",
                        deadline: Deadline(rule: rule, institution: institution, from: date("2030-09-02"), due: date(due), doneOn: nil, provisional: false, reasons: []),
                        status: status, finding: finding)
    }

    @Test("statuses become kinds: due soon, overdue, escalated at the threshold, a finding overdue (Art. 16); pending and done give none")
    func kinds() {
        let alerts = AlertRules.alerts(for: [
            Self.tracked(.report, due: "2030-09-09", status: .dueSoon(workdaysLeft: 1)),
            Self.tracked(.publication, due: "2030-09-09", status: .overdue(workdays: 4)),
            Self.tracked(.feedback, institution: "A", due: "2030-09-09", status: .overdue(workdays: 5)),
            Self.tracked(.feedback, institution: "B", due: "2030-09-09", status: .pending),
            Self.tracked(.feedback, institution: "C", due: "2030-09-09", status: .done(lateWorkdays: 2)),
            Self.tracked(.rectification, institution: "A", due: "2030-09-09", status: .overdue(workdays: 9), finding: 7),
            Self.tracked(.rectification, institution: "B", due: "2030-09-09", status: .dueSoon(workdaysLeft: 1), finding: 8),
        ], escalateAfter: 5, calendar: Self.calendar)
        #expect(alerts.map(\.kind) == [.dueSoon, .overdue, .escalated, .findingOverdue])
        #expect(alerts.map(\.subject) == ["deadline/R1/report", "deadline/R1/publication", "deadline/R1/feedback/A", "finding/7"])
        #expect(alerts.map(\.article) == [13, 15, 14, 16])
        #expect(alerts[2].inspection == "R1/A" && alerts[2].overdueWorkdays == 5 && alerts[2].jurisdiction == "640100")
    }

    @Test("a transition is a subject new to an alert state or in another one; the same state with moved figures is refreshed, not raised; a subject gone is cleared")
    func transitions() {
        let overdue = Alert(kind: .overdue, subject: "deadline/R1/report", article: 13, overdueWorkdays: 1, detail: "report")
        let dueSoon = Alert(kind: .dueSoon, subject: "deadline/R2/report", article: 13, detail: "report")
        let stillOverdue = Alert(kind: .overdue, subject: "deadline/R4/report", article: 13, overdueWorkdays: 3, detail: "report")
        var olderOverdue = stillOverdue
        olderOverdue.overdueWorkdays = 2
        var keptDueSoon = overdue
        keptDueSoon.kind = .dueSoon
        let kept = ["deadline/R1/report": keptDueSoon, "deadline/R2/report": dueSoon,
                    "deadline/R3/report": Alert(kind: .overdue, subject: "deadline/R3/report", article: 13, detail: "report"),
                    "deadline/R4/report": olderOverdue]
        let (raised, refreshed, cleared) = AlertRules.transitions(kept: kept, now: [overdue, dueSoon, stillOverdue])
        #expect(raised == [overdue], "R1 moved from due soon to overdue; R2 is unchanged")
        #expect(refreshed == [stillOverdue], "R4 is still overdue, one more working day")
        #expect(cleared == ["deadline/R3/report"])
        let again = AlertRules.transitions(kept: ["deadline/R1/report": overdue, "deadline/R2/report": dueSoon], now: [overdue, dueSoon])
        #expect(again.raised.isEmpty && again.refreshed.isEmpty && again.cleared.isEmpty, "the same state again changes nothing")
    }

    @Test("the fingerprint is every figure joined by U+001F, as the store has kept it since v9, so that an upgrade refreshes nothing")
    func fingerprintAsKept() {
        let alert = Alert(kind: .escalated, subject: "deadline/R1/report", article: 13, round: "R1", inspection: nil, institution: nil,
                          jurisdiction: "640104", category: "lawyer", deadline: CivilDate(year: 2026, month: 11, day: 30), overdueWorkdays: 7,
                          provisional: true, detail: "报告 report", count: nil, year: 2026, rule: nil)
        let parts = ["escalated", "deadline/R1/report", "13", "R1", "", "", "640104", "lawyer", "2026-11-30", "7", "1", "报告 report", "", "2026", ""]
        #expect(alert.fingerprint == parts.joined(separator: "\u{1F}"))
        var moved = alert
        moved.overdueWorkdays = 8
        #expect(moved.fingerprint != alert.fingerprint)
        // Compared in place, byte for byte: equal only to its own text, whichever byte differs
        // (in the first eight, in the middle, in the last few) or when one is a prefix.
        var bytes = Array(alert.fingerprint.utf8)
        #expect(alert.hasFingerprint(String(decoding: bytes, as: UTF8.self)), "its own text, in another string's storage")
        for offset in [0, 7, 8, bytes.count / 2, bytes.count - 1] {
            var changed = bytes
            changed[offset] ^= 0x01
            #expect(!alert.hasFingerprint(String(decoding: changed, as: UTF8.self)), "byte \(offset) differs")
        }
        bytes.removeLast()
        #expect(!alert.hasFingerprint(String(decoding: bytes, as: UTF8.self)) && !alert.hasFingerprint(alert.fingerprint + "x") && !alert.hasFingerprint(""))
        #expect(!alert.hasFingerprint(moved.fingerprint))
    }

    @Test("an overdue alert is raised again on a later working day (a reminder), at most once a day; a due-soon one is not")
    func reminders() {
        let overdue = Alert(kind: .overdue, subject: "deadline/R1/report", article: 13, overdueWorkdays: 2, detail: "report")
        let dueSoon = Alert(kind: .dueSoon, subject: "deadline/R2/report", article: 13, detail: "report")
        let yesterday = Self.date("2030-09-02"), today = Self.date("2030-09-03")
        let kept = ["deadline/R1/report": KeptAlert(kind: .overdue, fingerprint: overdue.fingerprint, raisedOn: yesterday),
                    "deadline/R2/report": KeptAlert(kind: .dueSoon, fingerprint: dueSoon.fingerprint, raisedOn: yesterday)]
        #expect(AlertRules.transitions(kept: kept, now: [overdue, dueSoon], reminderDay: today).raised == [overdue])
        #expect(AlertRules.transitions(kept: kept, now: [overdue, dueSoon], reminderDay: nil).raised.isEmpty, "not on a rest day")
        let raisedToday = ["deadline/R1/report": KeptAlert(kind: .overdue, fingerprint: overdue.fingerprint, raisedOn: today)]
        #expect(AlertRules.transitions(kept: raisedToday, now: [overdue], reminderDay: today).raised.isEmpty, "once a day")
    }

    @Test("entries: one per alert up to the fold limit per kind, one summary with the count above it, or for everything after a downtime")
    func folding() {
        let many = (0..<5).map { Alert(kind: .overdue, subject: "deadline/R\($0)/report", article: 13, detail: "report") }
        let one = Alert(kind: .dueSoon, subject: "deadline/X/report", article: 13, detail: "report")
        #expect(AlertRules.entries(for: many + [one], foldAbove: 5).count == 6)
        let folded = AlertRules.entries(for: many + [one], foldAbove: 4)
        #expect(folded == [.alert(one), .folded(kind: .overdue, count: 5, article: 13)])
        #expect(AlertRules.entries(for: many + [one], foldAbove: 50, foldAll: true) == [.alert(one), .folded(kind: .overdue, count: 5, article: 13)])
    }

    @Test("next year's national notice is missing from 1 December, not before, and not once loaded")
    func noticeMissing() {
        #expect(AlertRules.noticeAlert(on: Self.date("2030-11-30"), nationalYearsLoaded: [2030]) == nil)
        #expect(AlertRules.noticeAlert(on: Self.date("2030-12-01"), nationalYearsLoaded: [2030])?.subject == "notice/national/2031")
        #expect(AlertRules.noticeAlert(on: Self.date("2030-12-01"), nationalYearsLoaded: [2030, 2031]) == nil)
    }

    @Test("provisional days: a year without its notice from the day asked, or late December of the last year loaded")
    func provisionalSpan() {
        // The test calendar loads 2030 and 2031 (national): 2032 is provisional throughout, and so is late December 2031.
        let span = Self.calendar.provisionalSpan(in: 2031, from: Self.date("2031-06-01"))
        #expect(span?.first == Self.date("2031-12-25") && span?.last == Self.date("2031-12-31"))
        #expect(Self.calendar.provisionalSpan(in: 2030, from: Self.date("2030-06-01")) == nil)
        #expect(Self.calendar.provisionalSpan(in: 2032, from: Self.date("2031-06-01"))?.first == Self.date("2032-01-01"))
        let alert = AlertRules.provisionalAlert(year: 2031, reasons: ["national notice for 2032 not loaded"], count: 12)
        #expect(alert?.subject == "provisional/2031" && alert?.count == 12)
        #expect(AlertRules.provisionalAlert(year: 2031, reasons: ["x"], count: 0) == nil, "nothing open reaches it: no alert")
    }
}
