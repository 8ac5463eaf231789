/// The reference data that ships with SpotCheck, compiled into the binary (not a resource
/// bundle beside it, so a binary copied alone to /usr/local/bin still has it): the calendar
/// notices of `config/calendar/` and the Ningxia GB/T 2260 table. They are in force on a fresh
/// database; a file loaded later for the same region and year, or the same codes, replaces them.
public enum BuiltIn {
    /// One shipped file: its path in the repository and its exact text.
    public struct File: Sendable, Hashable {
        /// E.g. `config/calendar/national-2026.yaml`.
        public let path: String
        public let text: String
    }

    /// The calendar layer files (`config/calendar/*.yaml`).
    public static var calendarFiles: [File] { files.filter { $0.path.hasPrefix("config/calendar/") } }

    /// The GB/T 2260 jurisdiction table (`config/jurisdictions/640000-ningxia.csv`).
    public static var jurisdictionFile: File? { files.first { $0.path.hasPrefix("config/jurisdictions/") } }

    /// How built-in data is named where a loaded file would be: `built-in:config/…`.
    public static func sourceName(_ file: File) -> String { "built-in:\(file.path)" }
}
