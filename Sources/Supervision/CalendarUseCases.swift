import Foundation
import Fingerprint
import Import
import Records
import ReferenceData
import Regulation
public import Store
public import WorkingDays

/// A calendar layer as `calendar versions` lists it: built in, or loaded from a file.
public struct CalendarVersionRow: Sendable, Hashable, Encodable {
    /// The stored version; `nil` for a built-in layer.
    public var version: Int64?
    public var region: String
    public var year: Int
    public var builtIn: Bool
    public var inForce: Bool
    public var file: String
    public var sha256: String
    public var loadedAt: String?
    public var loadedBy: String
    enum CodingKeys: String, CodingKey {
        case version, region, year, builtIn = "built_in", inForce = "in_force", file, sha256, loadedAt = "loaded_at", loadedBy = "loaded_by"
    }

    /// Every key, `null` where there is no value (a built-in layer has no version nor load time).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(region, forKey: .region)
        try container.encode(year, forKey: .year)
        try container.encode(builtIn, forKey: .builtIn)
        try container.encode(inForce, forKey: .inForce)
        try container.encode(file, forKey: .file)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(loadedAt, forKey: .loadedAt)
        try container.encode(loadedBy, forKey: .loadedBy)
    }
}

/// What loading one calendar file did.
public struct CalendarLoadRow: Sendable, Hashable, Encodable {
    public var file: String
    public var region: String
    public var year: Int
    /// `added`, `replaced` (a stored or the built-in layer), or `unchanged`.
    public var outcome: String
    /// The stored version now in force; `nil` (JSON `null`) when the built-in layer stays in force.
    public var version: Int64?
    public var notices: [String]

    enum CodingKeys: String, CodingKey { case file, region, year, outcome, version, notices }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(region, forKey: .region)
        try container.encode(year, forKey: .year)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(version, forKey: .version)
        try container.encode(notices, forKey: .notices)
    }
}

/// An open deadline a calendar change moves (`calendar load --preview`).
public struct DeadlineMove: Sendable, Hashable, Encodable {
    public var round: String
    public var inspection: String?
    public var article: Int
    public var step: String
    public var from: CivilDate
    public var to: CivilDate
    /// Working days it moves by: positive later, negative earlier.
    public var workdays: Int
    public var wasProvisional: Bool
    public var provisional: Bool
    public var reasons: [String]

    enum CodingKeys: String, CodingKey {
        case round, inspection, article, step, from, to, workdays, wasProvisional = "was_provisional", provisional, reasons
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(round, forKey: .round)
        try container.encode(inspection, forKey: .inspection)
        try container.encode(article, forKey: .article)
        try container.encode(step, forKey: .step)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(workdays, forKey: .workdays)
        try container.encode(wasProvisional, forKey: .wasProvisional)
        try container.encode(provisional, forKey: .provisional)
        try container.encode(reasons, forKey: .reasons)
    }
}

/// The shipped calendar layers, parsed once per process.
enum BuiltInCalendar {
    struct Layer: Sendable {
        var layer: CalendarLayer
        var file: BuiltIn.File
        /// Hashed when asked (listing versions, loading a file), not on every start.
        var sha256: String { sha256Hex(file.text) }
    }

    static let layers: [Layer] = BuiltIn.calendarFiles.compactMap { file in
        // The shipped files are checked by the tests (and by `calendar load`); one that did not
        // parse would be left out rather than stop every command.
        guard let layer = try? CalendarFile.parse(file.text, file: BuiltIn.sourceName(file)) else { return nil }
        return Layer(layer: layer, file: file)
    }

    static func key(_ region: String, _ year: Int) -> String { "\(region)/\(year)" }
}

extension Supervisor {
    /// Starts parsing the shipped calendar files on another thread, for a process that will
    /// need them after its other set-up (the daemon: configuration, signals, the database);
    /// the first read of the calendar waits for it if it has not finished.
    public static func prepareBuiltInCalendar() {
        DispatchQueue.global(qos: .userInitiated).async { _ = BuiltInCalendar.layers }
    }

    /// The layers in force: per region and year, the newest loaded file, else the built-in layer.
    public func calendarLayersInForce() throws(StoreError) -> [CalendarLayer] {
        var byKey: [String: CalendarLayer] = [:]
        for builtIn in BuiltInCalendar.layers { byKey[BuiltInCalendar.key(builtIn.layer.region.name, builtIn.layer.year)] = builtIn.layer }
        for layer in try store.calendarLayersInForce() { byKey[BuiltInCalendar.key(layer.region.name, layer.year)] = layer }
        return byKey.values.sorted { ($0.region.name, $0.year) < ($1.region.name, $1.year) }
    }

    /// The working-day calendar of `regionName` (default: the deployment's region).
    public func calendar(region regionName: String? = nil) throws -> WorkingDayCalendar {
        let layers = try calendarLayersInForce()
        let name = regionName ?? region
        let known = Set([Region.national.name, region] + layers.map(\.region.name))
        guard known.contains(name) else {
            throw UsageError("unknown region \"\(name)\"; known here: \(known.sorted().joined(separator: ", "))")
        }
        return WorkingDayCalendar(region: Region(name: name), layers: layers)
    }

    /// Every layer: the built-in ones, then every file loaded, each saying whether it is in force.
    public func calendarVersions() throws(StoreError) -> [CalendarVersionRow] {
        let stored = try store.calendarVersions()
        var newest: [String: Int64] = [:]
        for version in stored { newest[BuiltInCalendar.key(version.region, version.year)] = version.id }
        let builtIn = BuiltInCalendar.layers.map { layer in
            CalendarVersionRow(version: nil, region: layer.layer.region.name, year: layer.layer.year, builtIn: true,
                               inForce: newest[BuiltInCalendar.key(layer.layer.region.name, layer.layer.year)] == nil,
                               file: BuiltIn.sourceName(layer.file), sha256: layer.sha256, loadedAt: nil, loadedBy: "built-in")
        }
        return builtIn + stored.map {
            CalendarVersionRow(version: $0.id, region: $0.region, year: $0.year, builtIn: false,
                               inForce: newest[BuiltInCalendar.key($0.region, $0.year)] == $0.id, file: $0.sourceFile,
                               sha256: $0.sourceSHA256, loadedAt: $0.loadedAt, loadedBy: $0.loadedBy)
        }
    }

    /// Reads calendar layer files (a directory gives its `*.yaml`): every problem in every file
    /// is reported; two files for one region and year are refused.
    func readCalendarFiles(_ paths: [String]) throws -> [CalendarLayerFile] {
        var files: [CalendarLayerFile] = []
        var problems: [InputProblem] = []
        for path in try Self.expand(paths) {
            switch Result(catching: { () throws(InputError) in try CalendarFile.load(path: path) }) {
            case let .success((layer, text)): files.append(CalendarLayerFile(layer: layer, text: text, file: path, sha256: sha256Hex(text)))
            case let .failure(error): problems += error.problems
            }
        }
        var seen: [String: String] = [:]
        for file in files {
            let key = BuiltInCalendar.key(file.layer.region.name, file.layer.year)
            if let other = seen[key] {
                problems.append(InputProblem(file: file.file, line: nil, field: "year", message: "\(key) is also given by \(other)"))
            }
            seen[key] = file.file
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return files
    }

    /// The deployment's calendar as it would be with `files` loaded over the layers in force.
    func calendar(with files: [CalendarLayerFile]) throws -> WorkingDayCalendar {
        var byKey: [String: CalendarLayer] = [:]
        for layer in try calendarLayersInForce() + files.map(\.layer) { byKey[BuiltInCalendar.key(layer.region.name, layer.year)] = layer }
        return WorkingDayCalendar(region: Region(name: region), layers: byKey.values.sorted { ($0.region.name, $0.year) < ($1.region.name, $1.year) })
    }

    /// What loading `paths` would move: every open deadline whose due day or provisional state
    /// changes, with the working days it moves by. Nothing is changed.
    public func previewCalendarLoad(paths: [String]) throws -> [DeadlineMove] {
        try rederive(with: calendar(with: readCalendarFiles(paths)), moves: true).moves
    }

    /// Loads calendar layer files: all or nothing. A file byte-equal to the layer in force (built
    /// in or loaded) changes nothing. The open deadlines are re-derived with the new calendar in
    /// the same transaction (a new notice can move them, Art. 13–15).
    public func loadCalendar(paths: [String]) throws -> [CalendarLoadRow] {
        let seq = try store.lastAuditSeq()
        let files = try readCalendarFiles(paths)
        let storedInForce = Set(try store.calendarVersions().map { BuiltInCalendar.key($0.region, $0.year) })
        var builtInByKey: [String: BuiltInCalendar.Layer] = [:]
        for layer in BuiltInCalendar.layers { builtInByKey[BuiltInCalendar.key(layer.layer.region.name, layer.layer.year)] = layer }
        var rows: [CalendarLoadRow?] = Array(repeating: nil, count: files.count)
        var toLoad: [(index: Int, file: CalendarLayerFile)] = []
        for (index, file) in files.enumerated() {
            let key = BuiltInCalendar.key(file.layer.region.name, file.layer.year)
            if !storedInForce.contains(key), let builtIn = builtInByKey[key], builtIn.sha256 == file.sha256 {
                rows[index] = CalendarLoadRow(file: file.file, region: file.layer.region.name, year: file.layer.year, outcome: "unchanged",
                                              version: nil, notices: file.layer.notices.map(\.citation))
            } else {
                toLoad.append((index, file))
            }
        }
        let rederived = toLoad.isEmpty ? [] : try rederive(with: calendar(with: toLoad.map(\.file))).changed
        let replacedBuiltIn = Dictionary(builtInByKey.map { ($0.key, BuiltIn.sourceName($0.value.file)) }, uniquingKeysWith: { first, _ in first })
        let outcomes = try store.loadCalendarLayers(toLoad.map(\.file), builtIn: replacedBuiltIn, deadlines: rederived, expectedSeq: seq, actor: actor)
        for ((index, file), outcome) in zip(toLoad, outcomes) {
            let key = BuiltInCalendar.key(file.layer.region.name, file.layer.year)
            let (name, version): (String, CalendarLayerVersion) = switch outcome {
            case let .added(version): (builtInByKey[key] == nil ? "added" : "replaced", version)
            case let .replaced(version, _): ("replaced", version)
            case let .unchanged(version): ("unchanged", version)
            }
            rows[index] = CalendarLoadRow(file: file.file, region: version.region, year: version.year, outcome: name, version: version.id,
                                          notices: file.layer.notices.map(\.citation))
        }
        return rows.compactMap { $0 }
    }

    /// Every open deadline derived again with `calendar` from what it stores (one read of the
    /// open deadlines, not of each round's procedure): those that change and, when asked for
    /// (`--preview`), the moves to show.
    func rederive(with calendar: WorkingDayCalendar, moves wantMoves: Bool = false) throws -> (changed: [DeadlineRecord], moves: [DeadlineMove]) {
        let open = try store.openDeadlines()
        // Art. 14: while a round's report is not done, its feedback counts from the report's due date.
        var reportDue: [String: CivilDate] = [:]
        for row in open where row.rule == .report {
            reportDue[row.round] = Deadlines.rederive(row.deadline, reportDue: nil, calendar: calendar).due
        }
        var changed: [DeadlineRecord] = []
        var moves: [DeadlineMove] = []
        for old in open {
            let new = Deadlines.rederive(old.deadline, reportDue: reportDue[old.round], calendar: calendar)
            guard new != old.deadline else { continue }
            var row = old
            (row.from, row.due, row.provisional, row.reasons) = (new.from, new.due, new.provisional, new.reasons)
            changed.append(row)
            guard wantMoves, old.due != new.due || old.provisional != new.provisional else { continue }
            moves.append(DeadlineMove(round: old.round, inspection: new.institution.map { "\(old.round)/\($0)" }, article: new.rule.article,
                                      step: new.rule.rawValue, from: old.due, to: new.due, workdays: calendar.workingDays(after: old.due, through: new.due),
                                      wasProvisional: old.provisional, provisional: new.provisional, reasons: new.reasons))
        }
        moves.sort { ($0.round, $0.inspection ?? "") < ($1.round, $1.inspection ?? "") }
        return (changed, moves)
    }

    static func expand(_ paths: [String]) throws(InputError) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError([InputProblem(file: path, line: nil, field: "(file)", message: "does not exist")])
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                result += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                    .map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            } else {
                result.append(path)
            }
        }
        return result
    }
}
