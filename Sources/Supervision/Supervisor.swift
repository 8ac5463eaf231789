public import Foundation
import Draw
import Import
import Regulation
public import Store
public import WorkingDays
import Records

/// The use cases both executables share. Each reads a Store snapshot, decides with the pure
/// modules (`Regulation`, `Draw`, `Rosters`, `WorkingDays`), and hands Store one change to
/// keep with its audit entry. Executables parse, call one method here, and print.
public struct Supervisor: Sendable {
    /// The database.
    public let store: SpotCheckStore
    /// Who acts, recorded in the audit log.
    public let actor: String
    /// The deployment's region: the calendar queries' default.
    public let region: String
    /// The wall clock (injectable: tests and the daemon move time without touching the machine's).
    public let clock: @Sendable () -> Date
    /// A deadline is due soon within this many working days, the due day included.
    public let dueSoonWorkdays: Int

    /// Opens the database at `path` (created on first use, mode 0600, or 0660 with `group`).
    /// `writerCacheMiB`: the database writer's page cache (``SpotCheckStore/init(path:group:clock:writerCacheMiB:)``).
    public init(databasePath path: String, group: String? = nil, actor: String, region: String, dueSoonWorkdays: Int = 2,
                clock: @escaping @Sendable () -> Date = { Date() }, writerCacheMiB: Int = 64) throws(StoreError) {
        store = try SpotCheckStore(path: path, group: group, clock: clock, writerCacheMiB: writerCacheMiB)
        self.actor = actor
        self.region = region
        self.dueSoonWorkdays = dueSoonWorkdays
        self.clock = clock
    }
}

/// A request that cannot be parsed as given (exit 64): what to type instead.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Times as SpotCheck shows and announces them: Asia/Shanghai (UTC+8, no daylight saving).
public enum ShanghaiTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// `2026-12-01T16:27:09+08:00`: the announcement's `announced_at`.
    public static func iso8601(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: zone)
        style = style.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon)
            .timeZone(separator: .colon)
        return date.formatted(style)
    }

    /// The next midnight in Asia/Shanghai after `date` (UTC+8 all year: no daylight saving).
    public static func startOfNextDay(after date: Date) -> Date {
        let shifted = date.timeIntervalSince1970 + 8 * 3600
        return Date(timeIntervalSince1970: ((shifted / 86400).rounded(.down) + 1) * 86400 - 8 * 3600)
    }

    /// Noon of a civil day in Asia/Shanghai.
    public static func noon(of day: CivilDate) -> Date {
        Date(timeIntervalSince1970: Double(day.dayNumber) * 86400 + 4 * 3600)  // 12:00 UTC+8 = 04:00 UTC
    }

    /// `2026-12-02 00:00 CST`, as the daemon's status line shows an instant.
    public static func minute(_ date: Date) -> String {
        let text = iso8601(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " CST"
    }

    /// The instant the civil day `year-month-day` ends in Asia/Shanghai, as stored (UTC ISO-8601).
    public static func endOfDay(year: Int, month: Int, day: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day + 1))
    }
}

/// How a failure ends a command, for both executables: sysexits codes.
public enum FailureKind: Int32, Sendable {
    /// The request cannot be parsed as given (64).
    case usage = 64
    /// The input was refused and nothing was changed (65).
    case refused = 65
    /// Something that should not happen: a bug to report (70).
    case internalError = 70
    /// The database or a file could not be read or written (74).
    case io = 74
}

/// A failure as the executables report it: its kind and the message a person can act on.
public struct Failure: Sendable {
    public var kind: FailureKind
    public var message: String

    /// Classifies what a use case threw.
    public init(_ error: any Error) {
        switch error {
        case let error as UsageError: (kind, message) = (.usage, error.message)
        case let error as InputError: (kind, message) = (.refused, "\(error)")
        case let error as DrawError: (kind, message) = (.refused, "\(error)")
        case let error as Refusal: (kind, message) = (.refused, error.message)
        case let error as StoreError:
            switch error {
            case let .io(text): (kind, message) = (.io, text)
            case let .refused(text): (kind, message) = (.refused, text)
            case let .corrupt(text): (kind, message) = (.internalError, "internal error: \(text)")
            }
        default: (kind, message) = (.internalError, "internal error: \(error)")
        }
    }
}
