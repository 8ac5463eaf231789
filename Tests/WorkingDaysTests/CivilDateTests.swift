import Testing
import WorkingDays

@Suite("Civil dates")
struct CivilDateTests {
    @Test("yyyy-MM-dd round-trips through the day number for every day of 1900–2100")
    func roundTrip() {
        var expected = CivilDate(year: 1900, month: 1, day: 1)!.dayNumber
        for year in 1900...2100 {
            for month in 1...12 {
                for day in 1...CivilDate.daysInMonth(year: year, month: month) {
                    let value = CivilDate(year: year, month: month, day: day)!
                    #expect(value.dayNumber == expected)
                    let (y, m, d) = value.components
                    #expect(y == year && m == month && d == day)
                    expected += 1
                }
            }
        }
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
    }

    @Test("weekdays are ISO (Monday 1 … Sunday 7)")
    func weekdays() {
        #expect(date("1970-01-01").weekday == 4)
        #expect(date("2024-09-29").weekdayName == "Sun")
        #expect(date("2024-10-12").weekdayName == "Sat")
        #expect(date("1969-12-29").weekday == 1)
        #expect(date("2000-02-29").weekdayName == "Tue")
    }

    @Test("parsing refuses anything but an existing yyyy-MM-dd", arguments: ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-01-01x", "", "abcd-ef-gh", "0000-01-01"])
    func refusesBadText(_ text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test("description pads")
    func description() {
        #expect(date("0999-03-04").description == "0999-03-04")
        #expect(CivilDate(year: 2024, month: 2, day: 29)!.description == "2024-02-29")
    }
}
