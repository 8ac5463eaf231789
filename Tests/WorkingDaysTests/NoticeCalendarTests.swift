import Testing
import WorkingDays

/// The calendar against the notices, year by year (shared/calendar/REFERENCE.md §2–4).
@Suite("Working days per the notices, 2020–2026")
struct NoticeCalendarTests {
    let national = Fixtures.national
    let ningxia = Fixtures.ningxia

    @Test("working days per year match the notices (national and Ningxia)")
    func yearCounts() {
        let nationalCounts = [2020: 249, 2021: 250, 2022: 249, 2023: 249, 2024: 251, 2025: 248, 2026: 248]
        for (year, count) in nationalCounts {
            #expect(national.summary(year: year).workingDays == count, "national \(year)")
        }
        let ningxiaCounts = [2020: 245, 2021: 246, 2022: 247, 2023: 247]
        for (year, count) in ningxiaCounts {
            #expect(ningxia.summary(year: year).workingDays == count, "Ningxia \(year)")
        }
    }

    @Test("Spring Festival spans are off, and the day after each span is worked or a weekend")
    func springFestival() {
        let spans = [("2020-01-24", "2020-02-02"), ("2021-02-11", "2021-02-17"), ("2022-01-31", "2022-02-06"),
                     ("2023-01-21", "2023-01-27"), ("2024-02-10", "2024-02-17"), ("2025-01-28", "2025-02-04"),
                     ("2026-02-15", "2026-02-23")]
        for (first, last) in spans {
            for day in days(first, last) {
                #expect(!national.isWorkingDay(day), "\(day) is in 春节 \(first)…\(last)")
                guard case let .dayOff(name, _, _) = national.day(day).kind else { Issue.record("\(day) has no rule"); continue }
                #expect(name.hasPrefix("春节"))
            }
            #expect(national.isWorkingDay(date(first).adding(days: -1)) || date(first).adding(days: -1).isWeekend)
            #expect(national.isWorkingDay(date(last).adding(days: 1)))
        }
    }

    @Test("National Day spans are off")
    func nationalDay() {
        let spans = [("2020-10-01", "2020-10-08"), ("2021-10-01", "2021-10-07"), ("2022-10-01", "2022-10-07"),
                     ("2023-09-29", "2023-10-06"), ("2024-10-01", "2024-10-07"), ("2025-10-01", "2025-10-08"),
                     ("2026-10-01", "2026-10-07")]
        for (first, last) in spans {
            for day in days(first, last) { #expect(!national.isWorkingDay(day), "\(day)") }
        }
    }

    @Test("make-up Saturdays and Sundays are worked", arguments: [
        "2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10",
        "2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09",
        "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09",
        "2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08",
        "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12",
        "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ])
    func makeUpDays(_ text: String) {
        let day = date(text)
        #expect(day.isWeekend)
        #expect(national.isWorkingDay(day))
        #expect(ningxia.isWorkingDay(day))
        guard case .makeUpDay = national.day(day).kind else { Issue.record("\(day) is not a make-up day"); return }
    }

    @Test("the 2020 extension: 01-31 off, Saturday 02-01 not worked after all, work resumes 02-03")
    func springFestivalExtension2020() {
        #expect(!national.isWorkingDay(date("2020-01-31")))
        #expect(!national.isWorkingDay(date("2020-02-01")))
        #expect(!national.isWorkingDay(date("2020-02-02")))
        #expect(national.isWorkingDay(date("2020-02-03")))
        #expect(national.isWorkingDay(date("2020-01-19")))
        guard case let .dayOff(_, _, notice) = national.day(date("2020-01-31")).kind else { Issue.record("no rule"); return }
        #expect(notice.number == "国办发明电〔2020〕1号")
        // An inspection ending 2020-01-23 (Thu): 5 working days after it reach 2020-02-07.
        #expect(national.workingDay(5, after: date("2020-01-23")) == date("2020-02-07"))
    }

    @Test("除夕 2024-02-09 stays a working day (the notice only encourages a day off)")
    func newYearsEve2024() {
        #expect(national.isWorkingDay(date("2024-02-09")))
    }

    @Test("Ningxia's Eid days are off in Ningxia and worked nationally")
    func ningxiaEid() {
        for text in ["2020-05-25", "2020-05-26", "2020-07-30", "2020-07-31", "2021-05-13", "2021-05-14",
                     "2021-07-19", "2021-07-20", "2022-07-11", "2022-07-12", "2023-06-29", "2023-06-30"] {
            #expect(!ningxia.isWorkingDay(date(text)), "\(text) Ningxia")
            #expect(national.isWorkingDay(date(text)), "\(text) national")
            guard case let .dayOff(name, region, _) = ningxia.day(date(text)).kind else { Issue.record("\(text)"); continue }
            #expect(region == .ningxia)
            #expect(name == "开斋节" || name == "古尔邦节")
        }
        // An inspection ending Friday 2020-07-24: Ningxia skips the two 古尔邦节 days.
        #expect(national.workingDay(5, after: date("2020-07-24")) == date("2020-07-31"))
        #expect(ningxia.workingDay(5, after: date("2020-07-24")) == date("2020-08-04"))
    }

    @Test("periods that cross a year boundary")
    func yearBoundary() {
        // 2022-12-31 was given off by the 2023 notice, with 2023-01-01 and 01-02.
        #expect(national.workingDay(3, after: date("2022-12-28")) == date("2023-01-03"))
        #expect(national.workingDays(after: date("2022-12-28"), through: date("2023-01-03")) == 3)
        #expect(national.workingDays(after: date("2023-01-03"), through: date("2022-12-28")) == -3)
        #expect(national.workingDay(-3, after: date("2023-01-03")) == date("2022-12-28"))
        // 2025-12-31 (Wed) + 5: 2026-01-01…03 off, 01-04 Sunday worked.
        #expect(national.workingDay(5, after: date("2025-12-31")) == date("2026-01-08"))
        let answer = national.add(5, to: date("2025-12-31"))
        #expect(!answer.isProvisional)
    }

    @Test("a period reaching into 2027 is provisional until 2027's notice is loaded")
    func into2027() {
        let answer = national.add(10, to: date("2026-12-21"))
        #expect(answer.isProvisional)
        #expect(answer.reasons == ["national notice for 2027 not loaded"])
        // Weekends-only where the notice is missing.
        #expect(answer.value == date("2027-01-04"))

        // Late December of the last notice's year is provisional too: the 2027 notice can change it.
        let lateDecember = national.isWorkingDayComputation(date("2026-12-28"))
        #expect(lateDecember.isProvisional)
        #expect(lateDecember.reasons == ["national notice for 2027 not loaded (it can still change late December 2026)"])
        #expect(!national.isWorkingDayComputation(date("2026-12-18")).isProvisional)

        // Loading a 2027 layer makes it exact, and its days count.
        let notice = Notice(number: "测试", title: "test notice for 2027", published: date("2026-11-20"), sources: ["test"])
        let layer2027 = CalendarLayer(region: .national, year: 2027, notices: [notice],
                                      daysOff: [LayerDay(date: date("2027-01-01"), name: "元旦")], makeUpDays: [])
        let withNotice = WorkingDayCalendar(region: .national, layers: Fixtures.layers + [layer2027])
        let exact = withNotice.add(10, to: date("2026-12-21"))
        #expect(!exact.isProvisional)
        #expect(exact.reasons.isEmpty)
        #expect(exact.value == date("2027-01-05"))
    }

    @Test("Ningxia without its 2024–2026 notices is provisional and says which")
    func ningxiaProvisional() {
        let answer = ningxia.add(5, to: date("2025-06-03"))
        #expect(answer.isProvisional)
        #expect(answer.reasons == ["Ningxia notice for 2025 not loaded"])
        #expect(!national.add(5, to: date("2025-06-03")).isProvisional)
        let exact = ningxia.add(5, to: date("2022-07-06"))
        #expect(!exact.isProvisional)
        #expect(exact.value == date("2022-07-15"))
        let span = ningxia.count(after: date("2023-12-01"), through: date("2026-01-10"))
        #expect(span.reasons == ["Ningxia notices for 2024–2026 not loaded"])
    }

    @Test("years with no notice at all use the weekend rule and are provisional")
    func beforeAnyNotice() {
        let answer = national.add(5, to: date("2010-09-30"))
        #expect(answer.value == date("2010-10-07"))
        #expect(answer.isProvisional)
        #expect(answer.reasons == ["national notice for 2010 not loaded"])
        let far = national.count(after: date("1990-01-01"), through: date("2019-12-31"))
        #expect(far.isProvisional)
        #expect(far.reasons == ["national notices for 1990–2019 not loaded"])
    }
}
