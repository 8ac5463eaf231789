import Foundation
import Records
import Regulation
import Supervision
import Testing
import WorkingDays

/// Quiet hours on the working-day calendar: nights in the window and whole rest days held.
@Suite("quiet hours")
struct QuietHoursTests {
    static let calendar = WorkingDayCalendar(region: Region(name: "ningxia"), layers: [])

    static func at(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    /// Working days as the shipped calendar has them (National Day 2026: 1–7 October off, 10 October worked).
    static func supervisor() throws -> Supervisor {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-quiet-\(UUID().uuidString)/db.sqlite").path
        return try Supervisor(databasePath: path, actor: "tester", region: "ningxia")
    }

    @Test("a window over midnight: the evening held to the next working morning, the early morning to 08:00, the day free; rest days held whole")
    func wrappingWindow() throws {
        let quiet = try #require(QuietHours("20:00-08:00"))
        let supervisor = try Self.supervisor()
        func hold(_ text: String) throws -> Date? { try supervisor.quietUntil(Self.at(text), quiet: quiet) }
        #expect(try hold("2026-11-18T12:00:00+08:00") == nil, "a Wednesday noon")
        #expect(try hold("2026-11-18T07:59:00+08:00") == Self.at("2026-11-18T08:00:00+08:00"))
        #expect(try hold("2026-11-18T21:30:00+08:00") == Self.at("2026-11-19T08:00:00+08:00"))
        #expect(try hold("2026-11-20T20:00:00+08:00") == Self.at("2026-11-23T08:00:00+08:00"), "Friday night to Monday morning")
        #expect(try hold("2026-11-21T12:00:00+08:00") == Self.at("2026-11-23T08:00:00+08:00"), "a Saturday")
        #expect(try hold("2026-10-03T10:00:00+08:00") == Self.at("2026-10-08T08:00:00+08:00"), "National Day to its first working day")
        #expect(try hold("2026-10-09T22:00:00+08:00") == Self.at("2026-10-10T08:00:00+08:00"), "a make-up working Saturday is a working day")
    }

    @Test("a window within a day ends that day; rest days still held to the next working day's start")
    func dayWindow() throws {
        let quiet = try #require(QuietHours("12:00-13:30"))
        let supervisor = try Self.supervisor()
        #expect(try supervisor.quietUntil(Self.at("2026-11-18T12:10:00+08:00"), quiet: quiet) == Self.at("2026-11-18T13:30:00+08:00"))
        #expect(try supervisor.quietUntil(Self.at("2026-11-18T13:30:00+08:00"), quiet: quiet) == nil)
        #expect(try supervisor.quietUntil(Self.at("2026-11-22T09:00:00+08:00"), quiet: quiet) == Self.at("2026-11-23T00:00:00+08:00"))
        #expect(QuietHours("25:00-08:00") == nil && QuietHours("08:00-08:00") == nil && QuietHours("evening") == nil)
    }

    @Test("held: mail and robots; never standard webhooks, nor the kinds configured to pass")
    func whoIsHeld() throws {
        let quiet = try #require(QuietHours("20:00-08:00", passing: [.escalated]))
        #expect(quiet.applies(to: .mail, format: nil, kind: .alert(.overdue)))
        #expect(quiet.applies(to: .webhook, format: .dingtalk, kind: .summary))
        #expect(quiet.applies(to: .webhook, format: .wecom, kind: .alert(.dueSoon)))
        #expect(!quiet.applies(to: .webhook, format: .standard, kind: .alert(.overdue)))
        #expect(!quiet.applies(to: .mail, format: nil, kind: .alert(.escalated)))
    }
}
