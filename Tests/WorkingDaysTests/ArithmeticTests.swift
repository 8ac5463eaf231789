import Testing
import WorkingDays

/// The O(1) arithmetic against a plain day-by-day walk, inside and outside the table.
@Suite("Working-day arithmetic")
struct ArithmeticTests {
    /// The definition, walked day by day (RULES.md: the start day does not count).
    static func walk(_ calendar: WorkingDayCalendar, _ n: Int, after start: CivilDate) -> CivilDate {
        var current = start
        var remaining = abs(n)
        while remaining > 0 {
            current = current.adding(days: n > 0 ? 1 : -1)
            if calendar.isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    static func walkCount(_ calendar: WorkingDayCalendar, _ a: CivilDate, _ b: CivilDate) -> Int {
        let (low, high, sign) = a <= b ? (a, b, 1) : (b, a, -1)
        var count = 0
        var current = low
        while current < high {
            current = current.adding(days: 1)
            if calendar.isWorkingDay(current) { count += 1 }
        }
        return sign * count
    }

    @Test("N-th working day and counting agree with the walk, 2012–2034, both regions")
    func agreesWithWalk() {
        var generator = SystemRandomNumberGenerator()
        let first = date("2012-01-01").dayNumber
        let last = date("2034-12-31").dayNumber
        for calendar in [Fixtures.national, Fixtures.ningxia] {
            for _ in 0..<4000 {
                let start = CivilDate(dayNumber: Int.random(in: first...last, using: &generator))
                let n = Int.random(in: -40...40, using: &generator)
                let expected = Self.walk(calendar, n, after: start)
                #expect(calendar.workingDay(n, after: start) == expected, "\(start) \(n)")
                let other = CivilDate(dayNumber: Int.random(in: first...last, using: &generator))
                #expect(calendar.workingDays(after: start, through: other) == Self.walkCount(calendar, start, other), "\(start) \(other)")
            }
        }
    }

    @Test("the day itself never counts, working day or not")
    func startDoesNotCount() {
        let calendar = Fixtures.national
        // Friday 2024-09-27 (working): +1 is Sunday 09-29, a make-up working day.
        #expect(calendar.workingDay(1, after: date("2024-09-27")) == date("2024-09-29"))
        #expect(calendar.workingDay(0, after: date("2024-09-28")) == date("2024-09-28"))
        #expect(calendar.workingDays(after: date("2024-09-27"), through: date("2024-09-27")) == 0)
        #expect(calendar.workingDay(-1, after: date("2024-10-08")) == date("2024-09-30"))
    }

    @Test("spans of centuries are counted in closed form")
    func longSpans() {
        let calendar = Fixtures.national
        // 400 Gregorian years are exactly 20871 weeks: 104355 weekdays, minus holidays inside the notices' years.
        let weekdayOnly = WorkingDayCalendar(region: .national, layers: [])
        #expect(weekdayOnly.workingDays(after: date("1600-01-01"), through: date("2000-01-01")) == 104_355)
        #expect(weekdayOnly.workingDay(104_355, after: date("1600-01-01")) == date("1999-12-31"))
        let count = calendar.workingDays(after: date("1800-01-01"), through: date("2200-01-01"))
        #expect(count == weekdayOnly.workingDays(after: date("1800-01-01"), through: date("2200-01-01"))
                - (weekdayOnly.workingDays(after: date("2019-12-31"), through: date("2026-12-31"))
                   - calendar.workingDays(after: date("2019-12-31"), through: date("2026-12-31"))))
    }

    @Test("spans past year 9999 or before year 1 are computed, and their reasons stop at the named years")
    func edgesOfTheCalendar() {
        let calendar = Fixtures.ningxia
        let late = calendar.add(5, to: date("9999-12-30"))
        #expect(late.value > CivilDate.latest)
        #expect(late.isProvisional)
        #expect(late.reasons == ["national notice for 9999 not loaded", "Ningxia notice for 9999 not loaded"])
        let early = calendar.add(-5, to: date("0001-01-02"))
        #expect(early.value < CivilDate.earliest)
        #expect(early.reasons.first == "national notice for 1 not loaded")
    }

    @Test("the explanation walks every day and ends on the answer")
    func explain() {
        let calendar = Fixtures.national
        let steps = calendar.explain(5, after: date("2024-09-27"))
        #expect(steps.first?.day.date == date("2024-09-27"))
        #expect(steps.last?.day.date == calendar.workingDay(5, after: date("2024-09-27")))
        #expect(steps.last?.count == 5)
        #expect(steps.filter(\.day.isWorkingDay).count - (steps.first!.day.isWorkingDay ? 1 : 0) == 5)
        let back = calendar.explain(-3, after: date("2024-10-08"))
        #expect(back.last?.day.date == date("2024-09-27"))
    }
}
