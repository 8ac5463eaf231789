public import ArgumentParser
import Configuration
import Draw
import Foundation
import Import
import Regulation
import Publication
import Supervision
import SystemPackage
public import WorkingDays

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (created on first use).", discussion: "Default: $SPOTCHECK_DB, then the config file's db, then /var/lib/spotcheck/spotcheck.sqlite."))
    var db: String?

    @Option(name: .long, help: "Who is acting, for the audit log (default: $SPOTCHECK_ACTOR, then the login name).")
    var actor: String?
}

/// Configuration: command-line flags, then the deployment's configuration as both executables
/// read it (`Supervision.Deployment`: environment variables, the YAML file, the defaults).
struct Settings {
    var databasePath: String
    /// The group that may read and write the database file besides its owner (mode 0660).
    var databaseGroup: String?
    /// A deadline is due soon within this many working days (the due day included).
    var dueSoonWorkdays: Int
    /// The wall clock: the machine's, or the instant `SPOTCHECK_NOW` names (ISO-8601 with an
    /// offset), for tests and demonstrations that need time to move without touching the machine's.
    var clock: @Sendable () -> Date
    /// The deployment's region: the default of every `--region`.
    var region: Region
    var actor: String
    /// The alert rules' settings (`alerts.*`), as the daemon has them.
    var alerts: AlertSettings
    /// The yearly rules' thresholds (`compliance.*`).
    var compliance: ComplianceSettings
    /// The leadership summary's language (`notify.summary.language`).
    var summaryLanguage: DeploymentLanguage

    static func load(_ options: GlobalOptions) async throws -> Settings {
        let environment = ProcessInfo.processInfo.environment
        let deployment: Deployment
        do {
            deployment = try await Deployment.load(environment: environment)
        } catch let error as ConfigurationError {
            throw CLIError.badInput("\(error)")
        }
        guard Region.isValidName(deployment.region) else {
            throw CLIError.badInput("configuration key region: \"\(deployment.region)\" is not a region name such as national or ningxia")
        }
        let login = environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"]
            ?? getpwuid(getuid()).flatMap { String(validatingCString: $0.pointee.pw_name) } ?? "uid \(getuid())"
        return Settings(
            databasePath: options.db ?? deployment.databasePath,
            databaseGroup: deployment.databaseGroup,
            dueSoonWorkdays: deployment.dueSoonWorkdays,
            clock: try fixedClock(environment["SPOTCHECK_NOW"]),
            region: Region(name: deployment.region),
            actor: options.actor ?? deployment.actor ?? login,
            alerts: deployment.alerts,
            compliance: deployment.compliance,
            summaryLanguage: deployment.notify.summary.language)
    }

    static func fixedClock(_ text: String?) throws -> @Sendable () -> Date {
        guard let text else { return { Date() } }
        guard let instant = try? Date(text, strategy: .iso8601) else {
            throw CLIError.badInput("SPOTCHECK_NOW: \"\(text)\" is not an ISO-8601 instant such as 2026-10-14T09:00:00+08:00")
        }
        return { instant }
    }

    static func dueSoon(_ value: Int) throws -> Int {
        guard (0...60).contains(value) else {
            throw CLIError.badInput("configuration key due_soon_workdays: \(value) is not a number of working days 0–60")
        }
        return value
    }

    /// The supervision layer on the configured database.
    func supervisor() throws -> Supervisor {
        try Supervisor(databasePath: databasePath, group: databaseGroup, actor: actor, region: region.name, dueSoonWorkdays: dueSoonWorkdays, clock: clock)
    }
}

/// Errors the CLI reports, each with its sysexits code.
enum CLIError: Error, CustomStringConvertible {
    case usage(String)
    case badInput(String)
    case io(String)

    var description: String {
        switch self {
        case let .usage(message), let .badInput(message), let .io(message): message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .badInput: 65
        case .io: 74
        }
    }
}

/// Runs a command body, printing errors to stderr and exiting with the right code: 64 usage,
/// 65 bad input (nothing was changed), 74 I/O, 70 anything unexpected (a bug to report).
func runReportingErrors(_ body: () async throws -> Void) async throws {
    func fail(_ message: String, _ code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        return ExitCode(code)
    }
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CLIError {
        throw fail("spotcheck: \(error)", error.exitCode)
    } catch let error as InputError {
        throw fail("\(error)\nspotcheck: refused; nothing was changed", 65)
    } catch {
        let failure = Failure(error)
        let tail = failure.kind == .refused ? "\nspotcheck: refused; nothing was changed" : ""
        throw fail("spotcheck: \(failure.message)\(tail)", failure.kind.rawValue)
    }
}

/// Prints one JSON document on stdout.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

extension CivilDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Pads `text` to `width` display columns (CJK characters count two).
func pad(_ text: String, _ width: Int) -> String {
    let columns = text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 && $1.properties.isIdeographic || (0x3000...0xFF60).contains($1.value) ? 2 : 1) }
    return text + String(repeating: " ", count: max(1, width - columns))
}
