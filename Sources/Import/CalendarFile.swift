import Foundation
public import WorkingDays
import Yams

/// Reads a calendar layer file from `config/calendar/` (YAML: one region, one year, the notice
/// it is written from, its days off and make-up working days) and validates it.
///
/// YAML through Yams because its node tree keeps each entry's line, which every error names.
public enum CalendarFile {
    /// Parses and validates `text`; `file` is only used in messages. Every problem is reported.
    public static func parse(_ text: String, file: String) throws(InputError) -> CalendarLayer {
        var problems: [InputProblem] = []
        func problem(_ node: Node?, _ field: String, _ message: String) {
            problems.append(InputProblem(file: file, line: node?.mark?.line, field: field, message: message))
        }

        let root: Node?
        do {
            // Every value is read as its text (`.string`): no implicit tags to resolve, which
            // spares a regular expression per scalar on every start of every process.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw InputError([InputProblem(file: file, line: error.line, field: "(syntax)", message: error.summary)])
        } catch {
            throw InputError([InputProblem(file: file, line: nil, field: "(syntax)", message: "\(error)")])
        }
        guard let root, let mapping = root.mapping else {
            throw InputError([InputProblem(file: file, line: root?.mark?.line, field: "(file)",
                message: "expected a mapping with region, year, notices, days_off and make_up_days")])
        }

        let known: Set<String> = ["region", "year", "notices", "days_off", "make_up_days"]
        for key in mapping.keys where !known.contains(key.string ?? "") {
            problem(key, key.string ?? "?", "unknown key; expected one of \(known.sorted().joined(separator: ", "))")
        }

        var region = Region.national
        if let node = mapping["region"], let name = node.string, Region.isValidName(name) {
            region = Region(name: name)
        } else {
            problem(mapping["region"] ?? root, "region", "expected a region name such as national or ningxia")
        }

        var year = 0
        if let node = mapping["year"], let text = node.string, let value = Int(text), (1900...9998).contains(value) {
            year = value
        } else {
            problem(mapping["year"] ?? root, "year", "expected the year the notice is for, e.g. 2027")
        }

        var notices: [Notice] = []
        if let list = mapping["notices"]?.sequence, !list.isEmpty {
            for node in list {
                guard let entry = node.mapping else { problem(node, "notices", "expected number, title, published, sources"); continue }
                let title = entry["title"]?.string ?? ""
                if title.isEmpty { problem(node, "notices.title", "every notice needs its title") }
                var published: CivilDate?
                if let value = entry["published"] {
                    published = value.string.flatMap { CivilDate($0) }
                    if published == nil { problem(value, "notices.published", "\"\(value.string ?? "")\" is not a date yyyy-MM-dd") }
                }
                let number = entry["number"]?.string.flatMap { $0.isEmpty ? nil : $0 }
                let sources = entry["sources"]?.sequence?.compactMap(\.string) ?? []
                if sources.isEmpty { problem(node, "notices.sources", "name at least one place the notice's text was read") }
                notices.append(Notice(number: number, title: title, published: published, sources: sources))
            }
        } else {
            problem(mapping["notices"] ?? root, "notices", "expected a list naming the notice (number, title, published, sources)")
        }

        func days(_ key: String) -> [LayerDay] {
            guard let node = mapping[key] else { return [] }
            guard let list = node.sequence else { problem(node, key, "expected a list of {dates, name}"); return [] }
            var result: [LayerDay] = []
            for item in list {
                guard let entry = item.mapping, let datesNode = entry["dates"], let dates = datesNode.string else {
                    problem(item, key, "expected {dates: yyyy-MM-dd or yyyy-MM-dd..yyyy-MM-dd, name: …}")
                    continue
                }
                let line = datesNode.mark?.line
                let parts = dates.components(separatedBy: "..")
                guard (1...2).contains(parts.count), let first = CivilDate(parts[0]), let last = CivilDate(parts[parts.count - 1]) else {
                    problem(datesNode, key, "\"\(dates)\" is not a date yyyy-MM-dd or a range yyyy-MM-dd..yyyy-MM-dd")
                    continue
                }
                guard first <= last, last.dayNumber - first.dayNumber < 31 else {
                    problem(datesNode, key, "\"\(dates)\" is not a range of at most 31 days in order")
                    continue
                }
                let name = entry["name"]?.string ?? ""
                if name.isEmpty { problem(item, "\(key).name", "every entry needs the name the notice gives it (春节, 开斋节 …)") }
                var noticeIndex = 0
                if let noticeNode = entry["notice"] {
                    if let value = noticeNode.string.flatMap({ Int($0) }), value >= 1 { noticeIndex = value - 1 }
                    else { problem(noticeNode, "\(key).notice", "expected the 1-based position of the notice in notices") }
                }
                for dayNumber in first.dayNumber...last.dayNumber {
                    result.append(LayerDay(date: CivilDate(dayNumber: dayNumber), name: name, notice: noticeIndex, line: line))
                }
            }
            return result
        }
        let layer = CalendarLayer(region: region, year: year, notices: notices,
                                  daysOff: days("days_off"), makeUpDays: days("make_up_days"))
        if problems.isEmpty {
            problems += layer.problems().map { InputProblem(file: file, line: $0.line, field: $0.field, message: $0.message) }
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return layer
    }

    /// Reads and parses a file from disk.
    public static func load(path: String) throws(InputError) -> (layer: CalendarLayer, text: String) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError([InputProblem(file: path, line: nil, field: "(file)", message: "cannot be read: \(error.localizedDescription)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError([InputProblem(file: path, line: nil, field: "(file)", message: "is not UTF-8 text")])
        }
        return (try parse(text, file: path), text)
    }
}

extension YamlError {
    /// The line the YAML parser stopped at.
    var line: Int? {
        switch self {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark.line
        case let .duplicatedKeysInMapping(_, context): context.mark.line
        default: nil
        }
    }

    /// The parser's complaint without the echoed document.
    var summary: String {
        switch self {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            [context?.text, problem].compactMap { $0 }.joined(separator: " ")
        case let .duplicatedKeysInMapping(duplicates, _): "duplicated keys \(duplicates.joined(separator: ", "))"
        default: "\(self)"
        }
    }
}
