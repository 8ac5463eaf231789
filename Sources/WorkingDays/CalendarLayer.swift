/// The region a calendar is computed for: the national calendar alone, or the national calendar
/// with one region's own layer on top (Ningxia adds 开斋节 and 古尔邦节).
public struct Region: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Lower-case identifier used in files and on the command line: `national`, `ningxia`.
    public let name: String

    public static let national = Region(name: "national")
    public static let ningxia = Region(name: "ningxia")

    public init(name: String) { self.name = name }

    public var isNational: Bool { self == .national }

    /// Name for people: "national", "Ningxia".
    public var displayName: String {
        isNational ? "national" : name.prefix(1).uppercased() + name.dropFirst()
    }

    public var description: String { name }

    /// A region name is a lower-case ASCII word (letters, digits, `-`).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    public init(from decoder: any Decoder) throws {
        name = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// The government notice a layer is written from: the State Council's yearly
/// 《国务院办公厅关于YYYY年部分节假日安排的通知》, or a region's own yearly notice.
public struct Notice: Hashable, Sendable, Codable {
    /// Document number, e.g. `国办发明电〔2023〕7号`; `nil` when no source gives it.
    public var number: String?
    public var title: String
    /// Date of publication (or signature) as the sources give it.
    public var published: CivilDate?
    /// Where the text can be read.
    public var sources: [String]

    public init(number: String?, title: String, published: CivilDate?, sources: [String]) {
        self.number = number
        self.title = title
        self.published = published
        self.sources = sources
    }

    /// "国办发明电〔2023〕7号 (2023-10-25)", or the title when there is no number.
    public var citation: String {
        let name = number ?? title
        return published.map { "\(name) (\($0))" } ?? name
    }
}

/// One dated entry of a notice: a day off or a make-up working day (调休上班).
public struct LayerDay: Hashable, Sendable, Codable {
    public var date: CivilDate
    /// What the notice calls it: 春节, 国庆节, 开斋节 …
    public var name: String
    /// Index into the layer's `notices` of the notice that set this day.
    public var notice: Int
    /// Line of the source file the entry came from, for error messages; `nil` when unknown.
    public var line: Int?

    public init(date: CivilDate, name: String, notice: Int = 0, line: Int? = nil) {
        self.date = date
        self.name = name
        self.notice = notice
        self.line = line
    }
}

/// One year of one region's working-day rules, as one notice (or a notice and its amendments)
/// sets them: the days off and the weekend days that are worked instead.
public struct CalendarLayer: Hashable, Sendable, Codable {
    public var region: Region
    public var year: Int
    /// The notice first, then any amendment (the 2020 Spring Festival extension).
    public var notices: [Notice]
    public var daysOff: [LayerDay]
    public var makeUpDays: [LayerDay]

    public init(region: Region, year: Int, notices: [Notice], daysOff: [LayerDay], makeUpDays: [LayerDay]) {
        self.region = region
        self.year = year
        self.notices = notices
        self.daysOff = daysOff
        self.makeUpDays = makeUpDays
    }

    /// The first day a notice for `year` may set: it can reach back into the end of the
    /// December before (the 2023 notice gave 2022-12-31 off; the 2019 one made 2018-12-29 a
    /// working Saturday).
    public static func spanStart(year: Int) -> CivilDate {
        CivilDate(year: year - 1, month: 12, day: lateDecemberFirstDay)!
    }

    /// From this day of December on, a year's days can still be changed by the next notice.
    public static let lateDecemberFirstDay = 25

    /// The days a notice for `year` may name.
    public static func span(year: Int) -> ClosedRange<CivilDate> {
        spanStart(year: year)...CivilDate(year: year, month: 12, day: 31)!
    }

    /// Everything wrong with this layer, each problem naming the entry's line and field.
    /// An empty list means the layer can be loaded.
    public func problems() -> [LayerProblem] {
        var found: [LayerProblem] = []
        guard (2...9998).contains(year) else {
            return [LayerProblem(line: nil, field: "year", message: "year \(year) is out of range")]
        }
        if notices.isEmpty {
            found.append(LayerProblem(line: nil, field: "notices", message: "a layer must name the notice it is written from"))
        }
        let span = Self.span(year: year)
        var offDays: [CivilDate: LayerDay] = [:]
        for entry in daysOff {
            if !span.contains(entry.date) {
                found.append(LayerProblem(line: entry.line, field: "days_off",
                    message: "\(entry.date) is outside the \(year) notice's span \(span.lowerBound)…\(span.upperBound)"))
            }
            if let earlier = offDays[entry.date] {
                found.append(LayerProblem(line: entry.line, field: "days_off",
                    message: "\(entry.date) is listed as a day off twice (also line \(earlier.line.map(String.init) ?? "?"))"))
            }
            offDays[entry.date] = entry
            if !notices.indices.contains(entry.notice) {
                found.append(LayerProblem(line: entry.line, field: "days_off.notice", message: "names notice \(entry.notice + 1), but the layer has \(notices.count)"))
            }
        }
        var makeUps: [CivilDate: LayerDay] = [:]
        for entry in makeUpDays {
            if !span.contains(entry.date) {
                found.append(LayerProblem(line: entry.line, field: "make_up_days",
                    message: "\(entry.date) is outside the \(year) notice's span \(span.lowerBound)…\(span.upperBound)"))
            }
            if !entry.date.isWeekend {
                found.append(LayerProblem(line: entry.line, field: "make_up_days",
                    message: "\(entry.date) is a \(entry.date.weekdayName); a make-up working day must be a Saturday or Sunday"))
            }
            if let off = offDays[entry.date] {
                found.append(LayerProblem(line: entry.line, field: "make_up_days",
                    message: "\(entry.date) is listed both as a make-up working day and as a day off (line \(off.line.map(String.init) ?? "?"))"))
            }
            if let earlier = makeUps[entry.date] {
                found.append(LayerProblem(line: entry.line, field: "make_up_days",
                    message: "\(entry.date) is listed as a make-up day twice (also line \(earlier.line.map(String.init) ?? "?"))"))
            }
            makeUps[entry.date] = entry
            if !notices.indices.contains(entry.notice) {
                found.append(LayerProblem(line: entry.line, field: "make_up_days.notice", message: "names notice \(entry.notice + 1), but the layer has \(notices.count)"))
            }
        }
        return found
    }
}

/// A reason a calendar layer cannot be loaded.
public struct LayerProblem: Hashable, Sendable, Error {
    /// Line of the layer's source file, when known.
    public var line: Int?
    /// The field the problem is in (`days_off`, `make_up_days`, `year` …).
    public var field: String
    public var message: String

    public init(line: Int?, field: String, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }
}
