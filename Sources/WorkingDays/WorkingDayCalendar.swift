/// Why a day is, or is not, a working day.
public enum DayKind: Hashable, Sendable {
    /// Monday to Friday with nothing set by a notice.
    case weekday
    /// Saturday or Sunday with nothing set by a notice.
    case weekend
    /// A day off set by a notice (holiday, or weekday moved by 调休).
    case dayOff(name: String, region: Region, notice: Notice)
    /// A Saturday or Sunday worked by a notice (调休上班).
    case makeUpDay(name: String, region: Region, notice: Notice)
}

/// One day as the calendar sees it, with the reason.
public struct DayInfo: Hashable, Sendable {
    public var date: CivilDate
    public var isWorkingDay: Bool
    public var kind: DayKind
    /// A notice that may still change this day is missing.
    public var isProvisional: Bool
}

/// A computed answer and whether it rests on every notice it needs.
public struct Computation<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    /// True when a notice the computation needs is not loaded: the answer uses what is there
    /// (weekends only where the national notice is missing) and may change.
    public var isProvisional: Bool
    /// Which notices are missing, e.g. "Ningxia notice for 2025 not loaded".
    public var reasons: [String]
}

/// One step of an explanation of an N-working-days computation.
public struct TraceStep: Hashable, Sendable {
    public var day: DayInfo
    /// The working days counted so far, including this day (0 for days that do not count).
    public var count: Int
}

/// Working days of one region: the national layers, plus the region's own layers when the
/// region is not `national`, built into per-day tables so that every query is O(1).
///
/// Outside the years the layers cover (one year of margin on each side) every day follows the
/// weekend rule and is provisional; those spans are computed in closed form, never day by day.
public struct WorkingDayCalendar: Sendable {
    public let region: Region
    /// Years whose national notice is loaded.
    public let nationalYears: Set<Int>
    /// Years whose regional notice is loaded (empty for `national`).
    public let regionalYears: Set<Int>

    /// First day of the table.
    @usableFromInline let tableStart: Int
    /// One past the last day of the table.
    @usableFromInline let tableEnd: Int
    /// Bit 0: working day. Bit 1: provisional.
    @usableFromInline let flags: [UInt8]
    /// `workPrefix[i]`: working days among table days `0..<i`.
    @usableFromInline let workPrefix: [Int32]
    /// `provisionalPrefix[i]`: provisional days among table days `0..<i`.
    @usableFromInline let provisionalPrefix: [Int32]
    /// Table offsets of the working days, in order.
    @usableFromInline let workingDayOffsets: [Int32]
    /// What a notice says of each day it names.
    let rules: [Int: DayKind]

    /// Builds the calendar of `region` from every layer given; layers of other regions are ignored.
    /// When two layers name the same region and year, the later one in the list wins.
    public init(region: Region, layers: [CalendarLayer]) {
        self.region = region
        var national: [Int: CalendarLayer] = [:]
        var regional: [Int: CalendarLayer] = [:]
        for layer in layers {
            if layer.region == .national { national[layer.year] = layer }
            else if layer.region == region { regional[layer.year] = layer }
        }
        nationalYears = Set(national.keys)
        regionalYears = Set(regional.keys)

        let years = nationalYears.union(regionalYears)
        let firstYear = max(2, (years.min() ?? 2020) - 1)
        let lastYear = min(9998, (years.max() ?? 2020) + 1)
        tableStart = CivilDate(year: firstYear, month: 1, day: 1)!.dayNumber
        tableEnd = CivilDate(year: lastYear, month: 12, day: 31)!.dayNumber + 1

        var rules: [Int: DayKind] = [:]
        // National first, then the region on top (a regional notice can move a national day).
        for layer in national.keys.sorted().map({ national[$0]! }) + regional.keys.sorted().map({ regional[$0]! }) {
            for entry in layer.daysOff {
                rules[entry.date.dayNumber] = .dayOff(name: entry.name, region: layer.region, notice: layer.notices[safe: entry.notice] ?? layer.notices[0])
            }
            for entry in layer.makeUpDays {
                rules[entry.date.dayNumber] = .makeUpDay(name: entry.name, region: layer.region, notice: layer.notices[safe: entry.notice] ?? layer.notices[0])
            }
        }
        self.rules = rules

        let count = tableEnd - tableStart
        var flags = [UInt8](repeating: 0, count: count)
        var workPrefix = [Int32](repeating: 0, count: count + 1)
        var provisionalPrefix = [Int32](repeating: 0, count: count + 1)
        var workingDayOffsets: [Int32] = []
        workingDayOffsets.reserveCapacity(count)
        let needsRegion = !region.isNational
        for offset in 0..<count {
            let date = CivilDate(dayNumber: tableStart + offset)
            let working: Bool
            switch rules[date.dayNumber] {
            case .dayOff?: working = false
            case .makeUpDay?: working = true
            default: working = !date.isWeekend
            }
            let (year, month, day) = date.components
            let lateDecember = month == 12 && day >= CalendarLayer.lateDecemberFirstDay
            var provisional = !national.keys.contains(year) || (lateDecember && !national.keys.contains(year + 1))
            if needsRegion {
                provisional = provisional || !regional.keys.contains(year) || (lateDecember && !regional.keys.contains(year + 1))
            }
            flags[offset] = (working ? 1 : 0) | (provisional ? 2 : 0)
            if working { workingDayOffsets.append(Int32(offset)) }
            workPrefix[offset + 1] = workPrefix[offset] + (working ? 1 : 0)
            provisionalPrefix[offset + 1] = provisionalPrefix[offset] + (provisional ? 1 : 0)
        }
        self.flags = flags
        self.workPrefix = workPrefix
        self.provisionalPrefix = provisionalPrefix
        self.workingDayOffsets = workingDayOffsets
    }

    // MARK: Core queries, O(1)

    /// Whether `date` is a working day.
    @inlinable
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        let offset = date.dayNumber &- tableStart
        if offset >= 0 && offset < flags.count { return flags[offset] & 1 != 0 }
        return !date.isWeekend
    }

    /// The `n`-th working day after `date` (the date itself does not count, RULES.md
    /// "Counting working-day periods"); for negative `n`, the `|n|`-th working day before it.
    /// `n == 0` gives `date`.
    @inlinable
    public func workingDay(_ n: Int, after date: CivilDate) -> CivilDate {
        if n > 0 { return workingDay(ordinal: workingDaysBefore(date.dayNumber &+ 1) &+ n &- 1) }
        if n < 0 { return workingDay(ordinal: workingDaysBefore(date.dayNumber) &+ n) }
        return date
    }

    /// Working days in (`start`, `end`]; negative when `end` is before `start`.
    @inlinable
    public func workingDays(after start: CivilDate, through end: CivilDate) -> Int {
        workingDaysBefore(end.dayNumber &+ 1) &- workingDaysBefore(start.dayNumber &+ 1)
    }

    /// Whether any day in `first...last` is provisional.
    @inlinable
    public func isProvisional(from first: CivilDate, through last: CivilDate) -> Bool {
        let (low, high) = first <= last ? (first.dayNumber, last.dayNumber) : (last.dayNumber, first.dayNumber)
        return provisionalDaysBefore(high &+ 1) &- provisionalDaysBefore(low) > 0
    }

    // MARK: Closed forms

    /// Working days in [tableStart, day) — negative for days before the table.
    @inlinable
    func workingDaysBefore(_ day: Int) -> Int {
        if day <= tableStart { return Self.weekdaysBefore(day) &- Self.weekdaysBefore(tableStart) }
        if day >= tableEnd {
            return Int(workPrefix[workPrefix.count &- 1]) &+ Self.weekdaysBefore(day) &- Self.weekdaysBefore(tableEnd)
        }
        return Int(workPrefix[day &- tableStart])
    }

    /// The working day with `ordinal` working days in [tableStart, it) (negative before the table).
    @inlinable
    func workingDay(ordinal: Int) -> CivilDate {
        if ordinal < 0 { return CivilDate(dayNumber: Self.weekday(ordinal: ordinal &+ Self.weekdaysBefore(tableStart))) }
        let total = workingDayOffsets.count
        if ordinal >= total {
            return CivilDate(dayNumber: Self.weekday(ordinal: ordinal &- total &+ Self.weekdaysBefore(tableEnd)))
        }
        return CivilDate(dayNumber: tableStart &+ Int(workingDayOffsets[ordinal]))
    }

    /// Provisional days in [tableStart, day); every day outside the table is provisional.
    @inlinable
    func provisionalDaysBefore(_ day: Int) -> Int {
        if day <= tableStart { return day &- tableStart }
        if day >= tableEnd { return Int(provisionalPrefix[provisionalPrefix.count &- 1]) &+ day &- tableEnd }
        return Int(provisionalPrefix[day &- tableStart])
    }

    /// A Monday, the origin of the weekday closed forms (1969-12-29).
    @usableFromInline static let mondayOrigin = -3

    /// Monday-to-Friday days in [mondayOrigin, day) (negative before the origin).
    @inlinable
    static func weekdaysBefore(_ day: Int) -> Int {
        let t = day &- mondayOrigin
        let weeks = t >= 0 ? t / 7 : (t &- 6) / 7
        let rest = t &- weeks &* 7
        return weeks &* 5 &+ min(rest, 5)
    }

    /// The weekday with `ordinal` weekdays in [mondayOrigin, it).
    @inlinable
    static func weekday(ordinal: Int) -> Int {
        let weeks = ordinal >= 0 ? ordinal / 5 : (ordinal &- 4) / 5
        return mondayOrigin &+ weeks &* 7 &+ (ordinal &- weeks &* 5)
    }

    // MARK: Explained answers

    /// The day with the reason it is or is not worked.
    public func day(_ date: CivilDate) -> DayInfo {
        let working = isWorkingDay(date)
        let kind = rules[date.dayNumber] ?? (date.isWeekend ? .weekend : .weekday)
        return DayInfo(date: date, isWorkingDay: working, kind: kind, isProvisional: isProvisional(from: date, through: date))
    }

    /// Is-working-day with its provisional status.
    public func isWorkingDayComputation(_ date: CivilDate) -> Computation<Bool> {
        Computation(value: isWorkingDay(date), isProvisional: isProvisional(from: date, through: date),
                    reasons: provisionalReasons(from: date, through: date))
    }

    /// N-th working day after (or before) `date`, provisional when a day it passes over is.
    public func add(_ n: Int, to date: CivilDate) -> Computation<CivilDate> {
        let result = workingDay(n, after: date)
        let (first, last) = n >= 0 ? (date.adding(days: n == 0 ? 0 : 1), result) : (result, date.adding(days: -1))
        return Computation(value: result, isProvisional: isProvisional(from: first, through: last),
                           reasons: provisionalReasons(from: first, through: last))
    }

    /// Working days in (`start`, `end`], provisional when a day in that span is.
    public func count(after start: CivilDate, through end: CivilDate) -> Computation<Int> {
        let value = workingDays(after: start, through: end)
        if start == end { return Computation(value: 0, isProvisional: false, reasons: []) }
        let (first, last) = start < end ? (start.adding(days: 1), end) : (end.adding(days: 1), start)
        return Computation(value: value, isProvisional: isProvisional(from: first, through: last),
                           reasons: provisionalReasons(from: first, through: last))
    }

    /// Every day from `date` to the `n`-th working day after (or before) it, in walking order,
    /// with the running count: the trace a person can check against the notices.
    public func explain(_ n: Int, after date: CivilDate) -> [TraceStep] {
        let target = workingDay(n, after: date)
        var steps: [TraceStep] = []
        var count = 0
        let direction = n >= 0 ? 1 : -1
        var current = date
        steps.append(TraceStep(day: day(date), count: 0))
        while current != target {
            current = current.adding(days: direction)
            let info = day(current)
            if info.isWorkingDay { count += 1 }
            steps.append(TraceStep(day: info, count: info.isWorkingDay ? count : 0))
        }
        return steps
    }

    /// The notices missing for the days in `first...last`, e.g. "national notice for 2027 not
    /// loaded". Years are walked, never days; long runs of missing years are folded.
    public func provisionalReasons(from first: CivilDate, through last: CivilDate) -> [String] {
        let (unclampedLow, unclampedHigh) = first <= last ? (first, last) : (last, first)
        guard isProvisional(from: unclampedLow, through: unclampedHigh) else { return [] }
        // Only years 1–9999 have names; a span reaching past them is reported up to them.
        let low = max(unclampedLow, CivilDate.earliest)
        let high = max(low, min(unclampedHigh, CivilDate.latest))
        var missing: [(layer: String, year: Int, lateDecemberOnly: Bool)] = []
        let firstYear = low.year
        let lastYear = high.year
        let lateDecember = high >= CivilDate(year: lastYear, month: 12, day: CalendarLayer.lateDecemberFirstDay)!
        let layers: [(String, Set<Int>)] = region.isNational
            ? [("national", nationalYears)]
            : [("national", nationalYears), (region.displayName, regionalYears)]
        for (name, loaded) in layers {
            for year in firstYear...lastYear where !loaded.contains(year) {
                missing.append((name, year, false))
            }
            if lateDecember && lastYear < 9999 && !loaded.contains(lastYear + 1) {
                missing.append((name, lastYear + 1, true))
            }
        }
        // Fold consecutive years of one layer: "national notices for 1990–2019 not loaded".
        var reasons: [String] = []
        var index = 0
        while index < missing.count {
            var end = index
            while end + 1 < missing.count, missing[end + 1].layer == missing[index].layer,
                  missing[end + 1].year == missing[end].year + 1, !missing[end + 1].lateDecemberOnly {
                end += 1
            }
            let entry = missing[index]
            if end == index {
                reasons.append(entry.lateDecemberOnly
                    ? "\(entry.layer) notice for \(entry.year) not loaded (it can still change late December \(entry.year - 1))"
                    : "\(entry.layer) notice for \(entry.year) not loaded")
            } else {
                reasons.append("\(entry.layer) notices for \(entry.year)–\(missing[end].year) not loaded")
            }
            index = end + 1
        }
        return reasons
    }

    /// The first and last provisional days of `year` from `day` on, if any: the days a missing
    /// notice leaves uncertain (a whole year, or late December of the last year loaded).
    public func provisionalSpan(in year: Int, from day: CivilDate) -> (first: CivilDate, last: CivilDate)? {
        guard let start = CivilDate(year: year, month: 1, day: 1), let end = CivilDate(year: year, month: 12, day: 31), end >= day else { return nil }
        var current = max(start, day)
        guard isProvisional(from: current, through: end) else { return nil }
        while !self.day(current).isProvisional { current = current.adding(days: 1) }
        var last = end
        while !self.day(last).isProvisional { last = last.adding(days: -1) }
        return (current, last)
    }

    // MARK: Year summary

    /// One year as the notices set it: days off, make-up days and the notices behind them.
    public func summary(year: Int) -> YearSummary {
        let first = CivilDate(year: year, month: 1, day: 1)!
        let last = CivilDate(year: year, month: 12, day: 31)!
        var daysOff: [DayInfo] = []
        var makeUpDays: [DayInfo] = []
        for dayNumber in rules.keys.sorted() where dayNumber >= first.dayNumber && dayNumber <= last.dayNumber {
            let info = day(CivilDate(dayNumber: dayNumber))
            switch info.kind {
            case .dayOff: daysOff.append(info)
            case .makeUpDay: makeUpDays.append(info)
            default: break
            }
        }
        var notices: [Notice] = []
        for info in daysOff + makeUpDays {
            if case let .dayOff(_, _, notice) = info.kind, !notices.contains(notice) { notices.append(notice) }
            if case let .makeUpDay(_, _, notice) = info.kind, !notices.contains(notice) { notices.append(notice) }
        }
        return YearSummary(year: year, region: region, daysOff: daysOff, makeUpDays: makeUpDays, notices: notices,
                           workingDays: workingDays(after: first.adding(days: -1), through: last),
                           isProvisional: isProvisional(from: first, through: last),
                           reasons: provisionalReasons(from: first, through: last))
    }
}

/// A year of one region's calendar, for `spotcheck calendar show`.
public struct YearSummary: Hashable, Sendable {
    public var year: Int
    public var region: Region
    public var daysOff: [DayInfo]
    public var makeUpDays: [DayInfo]
    /// The notices behind the days listed.
    public var notices: [Notice]
    public var workingDays: Int
    public var isProvisional: Bool
    public var reasons: [String]
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
