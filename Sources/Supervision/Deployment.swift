import Configuration
public import Foundation
public import Publication
import SystemPackage
import Draw
import WorkingDays
public import Regulation

/// A configuration value that cannot be used: the key and what is wrong (spotcheckd exits 78,
/// EX_CONFIG; the CLI 65).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { "configuration key \(key): \(message)" }
}

/// The deployment's configuration, for both executables, read through swift-configuration:
/// environment variables (`SPOTCHECK_` + the key upper-cased, dots as `_`: `SPOTCHECK_DB`,
/// `SPOTCHECK_ALERTS_FOLD_ABOVE`), then the YAML file `SPOTCHECK_CONFIG` names (default
/// `/etc/spotcheck/spotcheck.yaml`, optional), then the defaults. Flags win over all of it.
public struct Deployment: Sendable {
    public static let defaultConfigFile = "/etc/spotcheck/spotcheck.yaml"

    /// The file read (it may not exist).
    public var configFile: String
    /// `db`: the database file. Default `$STATE_DIRECTORY/spotcheck.sqlite` (systemd's
    /// StateDirectory=), else `/var/lib/spotcheck/spotcheck.sqlite`.
    public var databasePath: String
    /// `db_group`: the group that shares the database with the daemon (mode 0660).
    public var databaseGroup: String?
    /// `region`: the deployment's region (default `ningxia`).
    public var region: String
    /// `actor`: who acts, for the audit log (default the login name).
    public var actor: String?
    /// `due_soon_workdays`: a deadline is due soon within this many working days (default 2).
    public var dueSoonWorkdays: Int
    /// `language`: alerts and summaries in `zh` (default) or `en`.
    public var language: DeploymentLanguage
    /// `alerts.escalate_after_workdays` (default 5) and `alerts.fold_above` (default 50).
    public var alerts: AlertSettings
    /// `log`: `journal`, `stderr` or `auto` (default), for spotcheckd.
    public var log: String
    /// `compliance.minimum_rounds` (2), `compliance.minimum_rate` (5/100), `compliance.high_risk_rate`
    /// (default each plan's), `compliance.high_risk_each_year` (false): never below Art. 8's floors;
    /// `compliance.first_round_by` (06-30) and `compliance.all_rounds_by` (10-31): the warning days.
    public var compliance: ComplianceSettings

    /// Reads the configuration; throws the first unusable key.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Deployment {
        let configFile = environment["SPOTCHECK_CONFIG"] ?? defaultConfigFile
        let fileProvider: FileProvider<YAMLSnapshot>
        do {
            fileProvider = try await FileProvider<YAMLSnapshot>(filePath: FilePath(configFile), allowMissing: true)
        } catch {
            throw ConfigurationError(key: "(file)", "\(configFile) cannot be read as the SpotCheck configuration: \(error)")
        }
        let config = ConfigReader(providers: [EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "spotcheck"), fileProvider])
        let region = config.string(forKey: "region", default: "ningxia")
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw ConfigurationError(key: "region", "\"\(region)\" is not a region name such as national or ningxia")
        }
        let stateDirectory = environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
        let languageText = config.string(forKey: "language", default: DeploymentLanguage.zh.rawValue)
        guard let language = DeploymentLanguage(rawValue: languageText) else {
            throw ConfigurationError(key: "language", "\"\(languageText)\" is not one of \(DeploymentLanguage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let log = config.string(forKey: "log", default: "auto")
        guard ["journal", "stderr", "auto"].contains(log) else { throw ConfigurationError(key: "log", "\"\(log)\" is not one of journal, stderr, auto") }
        func number(_ key: String, default value: Int, in range: ClosedRange<Int>, _ what: String) throws -> Int {
            let configKey = ConfigKey(key.split(separator: ".").map(String.init))
            if let parsed = config.int(forKey: configKey) {
                guard range.contains(parsed) else { throw ConfigurationError(key: key, "\(parsed) is not \(what) \(range.lowerBound)–\(range.upperBound)") }
                return parsed
            }
            if let text = config.string(forKey: configKey) {
                throw ConfigurationError(key: key, "\"\(text)\" is not \(what) \(range.lowerBound)–\(range.upperBound)")
            }
            return value
        }
        var compliance = ComplianceSettings()
        compliance.minimumRounds = try number("compliance.minimum_rounds", default: 2, in: 0...12, "a number of rounds")
        for (key, assign) in [("compliance.minimum_rate", { (rate: Rate) in compliance.minimumRate = rate }),
                              ("compliance.high_risk_rate", { (rate: Rate) in compliance.highRiskRate = rate })] as [(String, (Rate) -> Void)] {
            guard let text = config.string(forKey: ConfigKey(key.split(separator: ".").map(String.init))) else { continue }
            let rate = Rate(text: text)
            guard let rate, rate.problem == nil else { throw ConfigurationError(key: key, "\"\(text)\" is not a ratio such as 5/100") }
            assign(rate)
        }
        compliance.highRiskEachYear = config.bool(forKey: ConfigKey(["compliance", "high_risk_each_year"]), default: false)
        // The early-warning days, as MM-DD (Art. 8).
        for (key, assign) in [("first_round_by", { (day: (month: Int, day: Int)) in compliance.firstRoundBy = day }),
                              ("all_rounds_by", { (day: (month: Int, day: Int)) in compliance.allRoundsBy = day })] as [(String, ((month: Int, day: Int)) -> Void)] {
            guard let text = config.string(forKey: ConfigKey(["compliance", key])) else { continue }
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, CivilDate(year: 2024, month: parts[0], day: parts[1]) != nil else {
                throw ConfigurationError(key: "compliance.\(key)", "\"\(text)\" is not a day of the year as MM-DD, e.g. 06-30")
            }
            assign((parts[0], parts[1]))
        }
        if let (key, message) = compliance.belowFloor { throw ConfigurationError(key: key, message) }
        return Deployment(
            configFile: configFile,
            databasePath: config.string(forKey: "db", default: stateDirectory.map { $0 + "/spotcheck.sqlite" } ?? "/var/lib/spotcheck/spotcheck.sqlite"),
            databaseGroup: config.string(forKey: "db_group"),
            region: region,
            actor: config.string(forKey: "actor"),
            dueSoonWorkdays: try number("due_soon_workdays", default: 2, in: 0...60, "a number of working days"),
            language: language,
            alerts: AlertSettings(escalateAfterWorkdays: try number("alerts.escalate_after_workdays", default: 5, in: 1...250, "a number of working days"),
                                  foldAbove: try number("alerts.fold_above", default: 50, in: 1...5000, "a number of alerts"), compliance: compliance),
            log: log,
            compliance: compliance)
    }
}
