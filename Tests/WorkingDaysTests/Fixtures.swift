import Foundation
import Import
import WorkingDays

/// The project's own calendar data, `config/calendar/`, read as `spotcheck calendar load` reads it.
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let calendarDirectory = repositoryRoot.appendingPathComponent("config/calendar")

    static let layers: [CalendarLayer] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: calendarDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            do {
                return try CalendarFile.load(path: calendarDirectory.appendingPathComponent(name).path).layer
            } catch {
                fatalError("config/calendar/\(name) does not load: \(error)")
            }
        }
    }()

    static let national = WorkingDayCalendar(region: .national, layers: layers)
    static let ningxia = WorkingDayCalendar(region: .ningxia, layers: layers)
}

func date(_ text: String) -> CivilDate {
    guard let value = CivilDate(text) else { fatalError("bad test date \(text)") }
    return value
}

func days(_ first: String, _ last: String) -> [CivilDate] {
    (date(first).dayNumber...date(last).dayNumber).map(CivilDate.init(dayNumber:))
}
