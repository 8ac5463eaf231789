import Foundation
import Testing
import WorkingDays

/// Cross-checks against an independent source: the PyPI package `chinesecalendar`
/// (installed by `.ci/run`), run as a real Python process.
@Suite("Cross-check with chinesecalendar")
struct ChineseCalendarCrossCheckTests {
    /// Runs a Python snippet and returns its standard output.
    static func python(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CrossCheckError(message: "python3 failed (is chinesecalendar installed? .ci/run installs it): \(errorText)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct CrossCheckError: Error { var message: String }

    @Test("every day of 2020–2026: our national layer agrees with chinesecalendar.is_workday")
    func dayByDay() throws {
        let output = try Self.python("""
            import datetime, chinese_calendar
            d = datetime.date(2020, 1, 1)
            while d <= datetime.date(2026, 12, 31):
                print(d.isoformat(), 1 if chinese_calendar.is_workday(d) else 0)
                d += datetime.timedelta(days=1)
            """)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2557)
        var disagreements: [String] = []
        for line in lines {
            let parts = line.split(separator: " ")
            let day = CivilDate(parts[0])!
            let theirs = parts[1] == "1"
            if Fixtures.national.isWorkingDay(day) != theirs {
                disagreements.append("\(day): ours \(Fixtures.national.isWorkingDay(day)), chinesecalendar \(theirs)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
    }

    /// chinesecalendar's `find_workday(5, d)` first moves to the next working day and counts from
    /// it when `d` is not one; the regulation counts from the day after the event, whatever it is.
    @Test("an inspection ending on a Saturday or a holiday: we follow RULES.md, chinesecalendar does not",
          arguments: [("2025-03-01", "2025-03-07"), ("2024-10-01", "2024-10-12")])
    func findWorkdayDiffers(_ end: String, _ ours: String) throws {
        let theirs = try Self.python("""
            import datetime, chinese_calendar
            print(chinese_calendar.find_workday(5, datetime.date.fromisoformat("\(end)")).isoformat())
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        let answer = Fixtures.national.workingDay(5, after: date(end))
        #expect(answer == date(ours))
        #expect(ArithmeticTests.walk(Fixtures.national, 5, after: date(end)) == date(ours))
        #expect(theirs != ours, "chinesecalendar gives \(theirs)")
    }
}
