public import Foundation
public import Records
public import Regulation
public import WorkingDays

/// When mail and group robots are held (`notify.quiet_hours`, e.g. `20:00-08:00`): every night
/// in that window and all of every rest day. Held rows wait, never drop; the kinds in
/// `notify.quiet_hours_pass` (e.g. escalated overdue items) go through. Standard webhooks are
/// machines and are never held. Off unless configured.
public struct QuietHours: Sendable, Hashable {
    /// Minutes after midnight, Asia/Shanghai; the window wraps midnight when `start > end`.
    public var start: Int
    public var end: Int
    /// Kinds delivered even in quiet hours.
    public var passing: Set<AlertKind>

    public init(start: Int, end: Int, passing: Set<AlertKind> = []) {
        self.start = start
        self.end = end
        self.passing = passing
    }

    /// Parses `HH:MM-HH:MM`.
    public init?(_ text: String, passing: Set<AlertKind> = []) {
        let halves = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else { return nil }
            return parts[0] * 60 + parts[1]
        }
        guard halves.count == 2, let start = minutes(halves[0]), let end = minutes(halves[1]), start != end else { return nil }
        self.init(start: start, end: end, passing: passing)
    }

    func inWindow(_ minute: Int) -> Bool { start < end ? (start <= minute && minute < end) : (minute >= start || minute < end) }

    /// Until when a row is held at `now`, or `nil` when it may go: the first instant on a working
    /// day outside the window.
    public func holdUntil(_ now: Date, isWorkingDay: (CivilDate) -> Bool) -> Date? {
        let shifted = Int((now.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let dayNumber = Int((Double(shifted) / 86_400).rounded(.down))
        let minute = (shifted - dayNumber * 86_400) / 60
        let day = CivilDate(dayNumber: dayNumber)
        if isWorkingDay(day) && !inWindow(minute) { return nil }
        func instant(_ day: CivilDate, _ minute: Int) -> Date { Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + minute * 60 - 8 * 3600)) }
        // A working day's window that ends later today (the morning of a wrapping window, or all
        // of one that does not wrap): its end.
        if isWorkingDay(day), minute < end { return instant(day, end) }
        // The evening of a wrapping window, or a rest day: the next working day, at its first
        // minute outside the window.
        var next = day.adding(days: 1)
        for _ in 0..<60 where !isWorkingDay(next) { next = next.adding(days: 1) }
        return instant(next, inWindow(0) ? end : 0)
    }

    /// Whether a row of `kind` to a destination of this `channel`/`format` is held by these hours.
    public func applies(to destination: NotificationDestination.Channel, format: WebhookDestination.Format?, kind: NotificationKind) -> Bool {
        if destination == .webhook && format == .standard { return false }
        if case let .alert(alert) = kind, passing.contains(alert) { return false }
        return true
    }
}

extension Supervisor {
    /// Until when `quiet` holds a row at `now` on this deployment's working-day calendar.
    public func quietUntil(_ now: Date, quiet: QuietHours) throws -> Date? {
        let calendar = WorkingDayCalendar(region: Region(name: region), layers: try calendarLayersInForce())
        return quiet.holdUntil(now) { calendar.isWorkingDay($0) }
    }
}
