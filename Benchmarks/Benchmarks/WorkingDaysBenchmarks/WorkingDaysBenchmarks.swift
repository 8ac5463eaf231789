import Benchmark
import Foundation
import Import
import WorkingDays

// Target (issue 2): ≥ 100 million operations a second each, on one core, for is-working-day,
// N-th-working-day-after and count-between, on the shipped Ningxia calendar.

/// The shipped calendar, read from config/calendar as `spotcheck calendar load` reads it.
let calendar: WorkingDayCalendar = {
    let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/calendar")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    let layers = names.filter { $0.hasSuffix(".yaml") }.sorted().compactMap {
        try? CalendarFile.load(path: directory.appendingPathComponent($0).path).layer
    }
    precondition(layers.count == 11, "config/calendar did not load")
    return WorkingDayCalendar(region: .ningxia, layers: layers)
}()

/// 4096 dates spread over 2019–2027 (a power of two, so the loop masks instead of dividing).
let dates: [CivilDate] = {
    var generator = SystemRandomNumberGenerator()
    let first = CivilDate(year: 2019, month: 1, day: 1)!.dayNumber
    let last = CivilDate(year: 2027, month: 12, day: 31)!.dayNumber
    return (0..<4096).map { _ in CivilDate(dayNumber: Int.random(in: first...last, using: &generator)) }
}()
let counts: [Int] = (0..<4096).map { _ in Int.random(in: 1...15) }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        timeUnits: .nanoseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(2),
        maxIterations: 50)

    Benchmark("is-working-day (×1M)") { benchmark in
        var working = 0
        for index in benchmark.scaledIterations {
            if calendar.isWorkingDay(dates[index & 4095]) { working &+= 1 }
        }
        blackHole(working)
    }

    Benchmark("N-th working day after (×1M)") { benchmark in
        var sum = 0
        for index in benchmark.scaledIterations {
            sum &+= calendar.workingDay(counts[index & 4095], after: dates[index & 4095]).dayNumber
        }
        blackHole(sum)
    }

    Benchmark("count between (×1M)") { benchmark in
        var sum = 0
        for index in benchmark.scaledIterations {
            sum &+= calendar.workingDays(after: dates[index & 4095], through: dates[(index &+ 1) & 4095])
        }
        blackHole(sum)
    }
}
