import Import
import Testing
import WorkingDays

@Suite("Calendar layer files")
struct CalendarFileTests {
    static let header = """
        region: national
        year: 2027
        notices:
          - number: 国办发明电〔2026〕9号
            title: 国务院办公厅关于2027年部分节假日安排的通知
            published: 2026-11-20
            sources: [example]

        """

    @Test("a good file parses into days, ranges expanded, lines kept")
    func parses() throws {
        let layer = try CalendarFile.parse(Self.header + """
            days_off:
              - {dates: 2026-12-31..2027-01-01, name: 元旦}
              - {dates: 2027-02-06..2027-02-13, name: 春节}
            make_up_days:
              - {dates: 2027-01-31, name: 春节}
            """, file: "national-2027.yaml")
        #expect(layer.region == .national)
        #expect(layer.year == 2027)
        #expect(layer.daysOff.count == 10)
        #expect(layer.daysOff.first?.line == 9)
        #expect(layer.makeUpDays.map(\.date) == [CivilDate("2027-01-31")!])
        #expect(layer.notices.first?.citation == "国办发明电〔2026〕9号 (2026-11-20)")
    }

    static func problems(_ body: String) -> [InputProblem] {
        do {
            _ = try CalendarFile.parse(Self.header + body, file: "bad.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a date both off and a make-up day is refused, naming line and field")
    func bothOffAndMakeUp() {
        let found = Self.problems("""
            days_off:
              - {dates: 2027-02-06..2027-02-13, name: 春节}
            make_up_days:
              - {dates: 2027-02-07, name: 春节}
            """)
        #expect(found.count == 1)
        #expect(found.first?.line == 11)
        #expect(found.first?.field == "make_up_days")
        #expect(found.first?.description.hasPrefix("bad.yaml:11: make_up_days: 2027-02-07 is listed both") == true)
    }

    @Test("a make-up day that is not a weekend, and a day outside the notice's span, are refused")
    func weekdayMakeUpAndOutOfSpan() {
        let found = Self.problems("""
            days_off:
              - {dates: 2026-12-20, name: 元旦}
              - {dates: 2028-01-01, name: 元旦}
            make_up_days:
              - {dates: 2027-02-08, name: 春节}
            """)
        #expect(found.map(\.line) == [9, 10, 12])
        #expect(found[0].message.contains("outside the 2027 notice's span 2026-12-25…2027-12-31"))
        #expect(found[2].message.contains("is a Mon"))
        #expect(found.allSatisfy { $0.file == "bad.yaml" })
    }

    @Test("syntax errors, bad dates, unknown keys and missing notices are reported with lines")
    func malformed() throws {
        #expect(Self.problems("days_off: [{dates: 2027-02-30, name: x}]").first?.message.contains("2027-02-30") == true)
        #expect(Self.problems("days_off:\n  - {dates: 2027-01-01, name: x\n").first?.field == "(syntax)")
        #expect(Self.problems("holidays: []").first?.field == "holidays")
        let noNotice = (try? CalendarFile.parse("region: national\nyear: 2027\n", file: "x.yaml")) == nil
        #expect(noNotice)
        do {
            _ = try CalendarFile.parse("region: National Layer\nyear: twenty\n", file: "x.yaml")
            Issue.record("accepted")
        } catch {
            #expect(Set(error.problems.map(\.field)).isSuperset(of: ["region", "year", "notices"]))
            #expect(error.problems.first { $0.field == "year" }?.line == 2)
        }
        do { _ = try CalendarFile.parse("", file: "empty.yaml"); Issue.record("accepted an empty file") } catch {
            #expect(error.problems.first?.file == "empty.yaml")
        }
    }
}
