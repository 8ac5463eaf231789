import ArgumentParser
import Foundation
import Supervision
import WorkingDays

/// `spotcheck calendar …`: working days as the notices set them.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Working days: queries, explanations, and loading a year's notice.",
        subcommands: [IsWorkday.self, Add.self, Between.self, Show.self, Explain.self, Load.self, Versions.self]
    )
}

/// Options of every calendar query.
struct CalendarQueryOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(help: "national, or a region with its own layer (ningxia). Default: the configured region.")
    var region: String?

    @Flag(help: "Print one JSON document.")
    var json = false

    /// The settings and the calendar of the chosen region, built from the layers in force.
    func calendar() async throws -> (Settings, WorkingDayCalendar) {
        let settings = try await Settings.load(global)
        return (settings, try settings.supervisor().calendar(region: region))
    }
}

/// JSON of a day's reason.
struct DayJSON: Encodable {
    var date: String
    var weekday: String
    var workingDay: Bool
    var kind: String
    var name: String?
    var layer: String?
    var notice: String?
    var provisional: Bool

    enum CodingKeys: String, CodingKey {
        case date, weekday, workingDay = "working_day", kind, name, layer, notice, provisional
    }

    init(_ info: DayInfo) {
        date = info.date.description
        weekday = info.date.weekdayName
        workingDay = info.isWorkingDay
        provisional = info.isProvisional
        switch info.kind {
        case .weekday: kind = "weekday"
        case .weekend: kind = "weekend"
        case let .dayOff(name, region, notice):
            kind = "day_off"; self.name = name; layer = region.name; self.notice = notice.citation
        case let .makeUpDay(name, region, notice):
            kind = "make_up_day"; self.name = name; layer = region.name; self.notice = notice.citation
        }
    }

    /// "weekend", "day off: 春节 (national, 国办发明电〔2023〕7号 (2023-10-25))" …
    var why: String {
        switch kind {
        case "day_off": "day off: \(name ?? "") (\(layer ?? ""), \(notice ?? ""))"
        case "make_up_day": "make-up working day: \(name ?? "") (\(layer ?? ""), \(notice ?? ""))"
        default: kind
        }
    }
}

/// N must be exactly one integer.
func validateWorkdays(_ arguments: [String]) throws {
    guard arguments.count == 1, Int(arguments[0]) != nil else {
        throw ValidationError("expected one whole number of working days N after DATE (negative counts back), got \(arguments.isEmpty ? "none" : arguments.joined(separator: " "))")
    }
}

func provisionalLine(_ provisional: Bool, _ reasons: [String]) -> String {
    provisional ? "\nPROVISIONAL: \(reasons.joined(separator: "; "))" : ""
}

extension CalendarCommand {
    struct IsWorkday: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "is-workday", abstract: "Whether DATE is a working day, and why.")
        @Argument(help: "yyyy-MM-dd") var date: CivilDate
        @OptionGroup var options: CalendarQueryOptions

        struct Output: Encodable {
            var date: String
            var region: String
            var workingDay: Bool
            var day: DayJSON
            var provisional: Bool
            var reasons: [String]
            enum CodingKeys: String, CodingKey { case date, region, workingDay = "working_day", day, provisional, reasons }
        }

        func run() async throws {
            try await runReportingErrors {
                let (_, calendar) = try await options.calendar()
                let answer = calendar.isWorkingDayComputation(date)
                let day = DayJSON(calendar.day(date))
                if options.json {
                    try printJSON(Output(date: date.description, region: calendar.region.name, workingDay: answer.value, day: day,
                                         provisional: answer.isProvisional, reasons: answer.reasons))
                } else {
                    print("\(date) \(date.weekdayName) is \(answer.value ? "a working day" : "not a working day") (\(calendar.region.displayName)): \(day.why)"
                          + provisionalLine(answer.isProvisional, answer.reasons))
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "The N-th working day after DATE (DATE itself does not count); negative N counts back.")
        @Argument(help: "yyyy-MM-dd") var date: CivilDate
        // `.allUnrecognized` so that a negative N such as -5 is taken as a number, not an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Working days; negative for before (e.g. -5).", valueName: "n"))
        var workdaysArgument: [String] = []
        var workdays: Int { Int(workdaysArgument.first ?? "") ?? 0 }
        @OptionGroup var options: CalendarQueryOptions

        struct Output: Encodable {
            var from: String
            var workdays: Int
            var region: String
            var date: String
            var provisional: Bool
            var reasons: [String]
        }

        func validate() throws {
            try validateWorkdays(workdaysArgument)
            guard abs(workdays) <= 1_000_000 else { throw ValidationError("N must be between -1000000 and 1000000") }
        }

        func run() async throws {
            try await runReportingErrors {
                let (_, calendar) = try await options.calendar()
                let answer = calendar.add(workdays, to: date)
                guard answer.value >= CivilDate.earliest, answer.value <= CivilDate.latest else {
                    throw CLIError.usage("the answer falls outside years 1–9999")
                }
                if options.json {
                    try printJSON(Output(from: date.description, workdays: workdays, region: calendar.region.name,
                                         date: answer.value.description, provisional: answer.isProvisional, reasons: answer.reasons))
                } else {
                    print("\(date) \(workdays >= 0 ? "+" : "−") \(abs(workdays)) working days (\(calendar.region.displayName)) = \(answer.value) \(answer.value.weekdayName)"
                          + provisionalLine(answer.isProvisional, answer.reasons))
                }
            }
        }
    }

    struct Between: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "between",
            abstract: "Working days in (A, B]: after A, up to and including B; negative when B is before A.")
        @Argument(help: "yyyy-MM-dd") var from: CivilDate
        @Argument(help: "yyyy-MM-dd") var to: CivilDate
        @OptionGroup var options: CalendarQueryOptions

        struct Output: Encodable {
            var from: String
            var to: String
            var region: String
            var workdays: Int
            var provisional: Bool
            var reasons: [String]
        }

        func run() async throws {
            try await runReportingErrors {
                let (_, calendar) = try await options.calendar()
                let answer = calendar.count(after: from, through: to)
                if options.json {
                    try printJSON(Output(from: from.description, to: to.description, region: calendar.region.name,
                                         workdays: answer.value, provisional: answer.isProvisional, reasons: answer.reasons))
                } else {
                    print("working days after \(from) through \(to) (\(calendar.region.displayName)): \(answer.value)"
                          + provisionalLine(answer.isProvisional, answer.reasons))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A year's days off, make-up days and the notices behind them.")
        @Argument(help: "The year.") var year: Int
        @OptionGroup var options: CalendarQueryOptions

        struct Span: Encodable {
            var from: String
            var to: String
            var days: Int
            var name: String
            var layer: String
            var notice: String
        }

        struct NoticeJSON: Encodable {
            var number: String?
            var title: String
            var published: String?
            var sources: [String]
        }

        struct Output: Encodable {
            var year: Int
            var region: String
            var workingDays: Int
            var provisional: Bool
            var reasons: [String]
            var daysOff: [Span]
            var makeUpDays: [Span]
            var notices: [NoticeJSON]
            enum CodingKeys: String, CodingKey {
                case year, region, workingDays = "working_days", provisional, reasons, daysOff = "days_off", makeUpDays = "make_up_days", notices
            }
        }

        func validate() throws {
            guard (1...9998).contains(year) else { throw ValidationError("YEAR must be between 1 and 9998") }
        }

        /// Consecutive days with the same name and notice become one span.
        static func spans(_ days: [DayInfo]) -> [Span] {
            var spans: [Span] = []
            for info in days {
                let day = DayJSON(info)
                if var last = spans.last, last.name == day.name, last.layer == day.layer, last.notice == day.notice,
                   CivilDate(last.to)?.adding(days: 1) == info.date {
                    last.to = info.date.description
                    last.days += 1
                    spans[spans.count - 1] = last
                } else {
                    spans.append(Span(from: info.date.description, to: info.date.description, days: 1,
                                      name: day.name ?? "", layer: day.layer ?? "", notice: day.notice ?? ""))
                }
            }
            return spans
        }

        func run() async throws {
            try await runReportingErrors {
                let (_, calendar) = try await options.calendar()
                let summary = calendar.summary(year: year)
                let output = Output(
                    year: year, region: calendar.region.name, workingDays: summary.workingDays,
                    provisional: summary.isProvisional, reasons: summary.reasons,
                    daysOff: Self.spans(summary.daysOff), makeUpDays: Self.spans(summary.makeUpDays),
                    notices: summary.notices.map { NoticeJSON(number: $0.number, title: $0.title, published: $0.published?.description, sources: $0.sources) })
                if options.json { return try printJSON(output) }
                print("\(year), \(calendar.region.displayName): \(summary.workingDays) working days" + provisionalLine(summary.isProvisional, summary.reasons))
                print("\nDays off")
                for span in output.daysOff {
                    let dates = span.from == span.to ? span.from : "\(span.from)…\(span.to)"
                    print("  \(pad(dates, 24))\(pad(span.name, 18))\(pad("\(span.days) d", 6))\(pad(span.layer, 10))\(span.notice)")
                }
                if output.daysOff.isEmpty { print("  (none loaded)") }
                print("\nMake-up working days (调休上班)")
                for span in output.makeUpDays {
                    print("  \(pad("\(span.from) \(CivilDate(span.from)!.weekdayName)", 24))\(pad(span.name, 18))\(pad("", 6))\(pad(span.layer, 10))\(span.notice)")
                }
                if output.makeUpDays.isEmpty { print("  (none)") }
                print("\nNotices")
                for notice in summary.notices {
                    print("  \(notice.citation) \(notice.title)")
                }
                if summary.notices.isEmpty { print("  (none loaded)") }
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "The day-by-day trace of DATE + N working days, with the reason for each day.")
        @Argument(help: "yyyy-MM-dd") var date: CivilDate
        // `.allUnrecognized` so that a negative N such as -5 is taken as a number, not an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Working days; negative for before (e.g. -5).", valueName: "n"))
        var workdaysArgument: [String] = []
        var workdays: Int { Int(workdaysArgument.first ?? "") ?? 0 }
        @OptionGroup var options: CalendarQueryOptions

        struct Step: Encodable {
            var day: DayJSON
            var count: Int
        }

        struct Output: Encodable {
            var from: String
            var workdays: Int
            var region: String
            var date: String
            var provisional: Bool
            var reasons: [String]
            var steps: [Step]
        }

        func validate() throws {
            try validateWorkdays(workdaysArgument)
            guard abs(workdays) <= 400 else { throw ValidationError("explain walks day by day: N must be between -400 and 400") }
        }

        func run() async throws {
            try await runReportingErrors {
                let (_, calendar) = try await options.calendar()
                let answer = calendar.add(workdays, to: date)
                guard answer.value >= CivilDate.earliest, answer.value <= CivilDate.latest else {
                    throw CLIError.usage("the answer falls outside years 1–9999")
                }
                let steps = calendar.explain(workdays, after: date)
                if options.json {
                    return try printJSON(Output(from: date.description, workdays: workdays, region: calendar.region.name,
                                                date: answer.value.description, provisional: answer.isProvisional, reasons: answer.reasons,
                                                steps: steps.map { Step(day: DayJSON($0.day), count: $0.count) }))
                }
                print("\(date) \(workdays >= 0 ? "+" : "−") \(abs(workdays)) working days, \(calendar.region.displayName); the start day does not count.")
                print("  \(pad("date", 15))\(pad("work", 6))\(pad("count", 7))why")
                for (index, step) in steps.enumerated() {
                    let day = DayJSON(step.day)
                    let count = index == 0 ? "start" : (day.workingDay ? String(step.count) : "")
                    print("  \(pad("\(day.date) \(day.weekday)", 15))\(pad(index == 0 ? "" : (day.workingDay ? "yes" : "no"), 6))\(pad(count, 7))\(day.why)\(day.provisional ? " [provisional]" : "")")
                }
                print("= \(answer.value) \(answer.value.weekdayName)" + provisionalLine(answer.isProvisional, answer.reasons))
            }
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Load calendar layer files (a year's notice); all or nothing.",
            discussion: """
                A directory loads every *.yaml in it. Every problem in every file is reported; on any problem nothing is loaded (exit 65). \
                Open deadlines are derived again with the new calendar; --preview lists those that would move, and changes nothing.
                """)
        @Argument(help: "Layer files or directories of them.") var paths: [String]
        @Flag(help: "List the open deadlines the files would move, and by how many working days; load nothing.") var preview = false
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(global).supervisor()
                if preview {
                    let moves = try supervisor.previewCalendarLoad(paths: paths)
                    if json { return try printJSON(["moves": moves]) }
                    print("\(moves.count) open deadline\(moves.count == 1 ? "" : "s") would move; nothing was loaded")
                    for move in moves {
                        print("  Art. \(move.article) \(pad(move.step, 12))\(pad(move.inspection ?? move.round, 48))\(move.from) → \(move.to) (\(move.workdays >= 0 ? "+" : "")\(move.workdays) wd)\(move.wasProvisional && !move.provisional ? ", no longer provisional" : "")")
                    }
                    return
                }
                let rows = try supervisor.loadCalendar(paths: paths)
                if json { return try printJSON(["files": rows]) }
                for row in rows {
                    print("\(pad(row.outcome, 10))\(pad("\(row.region) \(row.year)", 16))version \(pad(row.version.map(String.init) ?? "built-in", 9))\(row.file)  \(row.notices.joined(separator: "; "))")
                }
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "versions", abstract: "Every calendar layer loaded: source file, SHA-256, when and by whom.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let rows = try await Settings.load(global).supervisor().calendarVersions()
                if json { return try printJSON(["versions": rows]) }
                for row in rows {
                    print("\(pad(row.version.map(String.init) ?? "built-in", 9))\(pad(row.region, 10))\(pad(String(row.year), 6))\(pad(row.inForce ? "in force" : "replaced", 10))\(pad(row.loadedAt ?? "-", 26))\(pad(row.loadedBy, 10))\(row.sha256.prefix(12))  \(row.file)")
                }
            }
        }
    }
}
