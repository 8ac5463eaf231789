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
    /// `notify.*`: where alert transitions are delivered, and the retries (issue 11).
    public var notify: NotifySettings

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
        func seconds(_ key: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
            let configKey = ConfigKey(key.split(separator: ".").map(String.init))
            if let parsed = config.double(forKey: configKey) ?? config.int(forKey: configKey).map(Double.init) {
                guard range.contains(parsed) else { throw ConfigurationError(key: key, "\(parsed) is not a number of seconds \(range.lowerBound)–\(range.upperBound)") }
                return parsed
            }
            if let text = config.string(forKey: configKey) {
                guard let parsed = Double(text), range.contains(parsed) else {
                    throw ConfigurationError(key: key, "\"\(text)\" is not a number of seconds \(range.lowerBound)–\(range.upperBound)")
                }
                return parsed
            }
            return value
        }
        var notify = NotifySettings(language: language)
        notify.maxAttempts = try number("notify.max_attempts", default: 12, in: 1...100, "a number of attempts")
        notify.retryInitial = try seconds("notify.retry_initial_seconds", default: 30, in: 0.01...86_400)
        notify.retryMax = try seconds("notify.retry_max_seconds", default: 21_600, in: notify.retryInitial...(7 * 86_400))
        notify.timeout = try seconds("notify.timeout_seconds", default: 10, in: 0.1...300)
        notify.pruneDeliveredAfterDays = try number("notify.prune_delivered_after_days", default: 30, in: 1...3650, "a number of days")
        notify.webhooks = try webhooks(config, environment: environment)
        (notify.smtp, notify.mailboxes) = try mail(config)
        notify.summary = try summary(config, notify: notify)
        if let text = config.string(forKey: ConfigKey(["notify", "quiet_hours"])) {
            let passing = try kinds(config, ConfigKey(["notify", "quiet_hours_pass"]), name: "notify.quiet_hours_pass")
            guard let quiet = QuietHours(text, passing: passing ?? []) else {
                throw ConfigurationError(key: "notify.quiet_hours", "\"\(text)\" is not a window as HH:MM-HH:MM (Asia/Shanghai), e.g. 20:00-08:00")
            }
            notify.quietHours = quiet
        }
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
            compliance: compliance,
            notify: notify)
    }

    /// The webhooks `notify.webhooks` names, each checked: an https or http URL, a format, the
    /// signing secret the format needs (given, or read from `secret_file`), known kinds and codes.
    static func webhooks(_ config: ConfigReader, environment: [String: String]) throws -> [WebhookDestination] {
        let names = config.stringArray(forKey: ConfigKey(["notify", "webhooks"]), default: [])
        var seen: Set<String> = []
        return try names.map { name in
            let prefix = "notify.webhook.\(name)"
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError(key: "notify.webhooks", "\"\(name)\" is not a name of letters, digits and _")
            }
            guard seen.insert(name).inserted else { throw ConfigurationError(key: "notify.webhooks", "\(name) is named twice") }
            func key(_ last: String) -> ConfigKey { ConfigKey(["notify", "webhook", name, last]) }
            guard let urlText = config.string(forKey: key("url")) else { throw ConfigurationError(key: "\(prefix).url", "is missing: the receiver's URL") }
            guard let url = URL(string: urlText), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(key: "\(prefix).url", "\"\(urlText)\" is not an http or https URL")
            }
            let formatText = config.string(forKey: key("format"), default: WebhookDestination.Format.standard.rawValue)
            guard let format = WebhookDestination.Format(rawValue: formatText) else {
                throw ConfigurationError(key: "\(prefix).format", "\"\(formatText)\" is not one of \(WebhookDestination.Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var secret = config.string(forKey: key("secret"), isSecret: true)
            var secretKey = "\(prefix).secret"
            if let file = config.string(forKey: key("secret_file")) {
                secretKey = "\(prefix).secret_file"
                do {
                    secret = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                } catch {
                    throw ConfigurationError(key: secretKey, "\(file) cannot be read: \(error.localizedDescription)")
                }
            }
            var signingKey: [UInt8]?
            switch format {
            case .standard:
                // Standard Webhooks: `whsec_` and the key in base64.
                guard let secret else { throw ConfigurationError(key: secretKey, "is missing: a standard webhook is signed (whsec_ and the key in base64)") }
                guard secret.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(secret.dropFirst(6))), bytes.count >= 16 else {
                    throw ConfigurationError(key: secretKey, "is not whsec_ followed by a key of at least 16 bytes in base64")
                }
                signingKey = Array(bytes)
            case .dingtalk:
                signingKey = secret.map { Array($0.utf8) }
            case .wecom:
                if secret != nil { throw ConfigurationError(key: secretKey, "a WeCom robot is not signed: its key is in the URL") }
            }
            let (kinds, jurisdictions) = try filters(config, prefix: prefix, key: key)
            return WebhookDestination(name: name, url: url, format: format, signingKey: signingKey, kinds: kinds, jurisdictions: jurisdictions)
        }
    }

    /// A list of alert kinds, checked.
    static func kinds(_ config: ConfigReader, _ key: ConfigKey, name: String) throws -> Set<AlertKind>? {
        guard let names = config.stringArray(forKey: key) else { return nil }
        return try Set(names.map { text in
            guard let kind = AlertKind(rawValue: text), kind.isSubjectAlert else {
                throw ConfigurationError(key: name, "\"\(text)\" is not one of \(AlertKind.allCases.filter(\.isSubjectAlert).map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        })
    }

    /// A destination's `kinds` and `jurisdictions`, checked.
    static func filters(_ config: ConfigReader, prefix: String, key: (String) -> ConfigKey) throws -> (Set<AlertKind>?, [String]?) {
        let kinds = try kinds(config, key("kinds"), name: "\(prefix).kinds")
        var jurisdictions: [String]?
        if let codes = config.stringArray(forKey: key("jurisdictions")) ?? config.intArray(forKey: key("jurisdictions"))?.map(String.init) {
            for code in codes where !(code.count == 6 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber)) {
                throw ConfigurationError(key: "\(prefix).jurisdictions", "\"\(code)\" is not a six-digit GB/T 2260 code")
            }
            jurisdictions = codes
        }
        return (kinds, jurisdictions)
    }

    /// `notify.summary.*`, checked: days as mon…sun, a time as HH:MM, destinations configured.
    static func summary(_ config: ConfigReader, notify: NotifySettings) throws -> SummarySettings {
        func key(_ last: String) -> ConfigKey { ConfigKey(["notify", "summary", last]) }
        var settings = SummarySettings()
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        if let days = config.stringArray(forKey: key("days")) {
            settings.weekdays = try Set(days.map { day in
                guard let index = names.firstIndex(of: day.lowercased()) else {
                    throw ConfigurationError(key: "notify.summary.days", "\"\(day)\" is not one of \(names.joined(separator: ", "))")
                }
                return index + 1
            })
            guard !settings.weekdays.isEmpty else { throw ConfigurationError(key: "notify.summary.days", "names no day") }
        }
        if let at = config.string(forKey: key("at")) {
            let parts = at.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
                throw ConfigurationError(key: "notify.summary.at", "\"\(at)\" is not a time as HH:MM (Asia/Shanghai), e.g. 09:00")
            }
            (settings.hour, settings.minute) = (parts[0], parts[1])
        }
        let language = config.string(forKey: key("language"), default: DeploymentLanguage.zh.rawValue)
        guard let parsed = DeploymentLanguage(rawValue: language) else {
            throw ConfigurationError(key: "notify.summary.language", "\"\(language)\" is not one of \(DeploymentLanguage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        settings.language = parsed
        settings.mailboxes = config.stringArray(forKey: key("mailboxes"), default: [])
        for name in settings.mailboxes where notify.mailbox(name) == nil {
            throw ConfigurationError(key: "notify.summary.mailboxes", "\(name) is not a mailbox notify.mailboxes names")
        }
        settings.webhooks = config.stringArray(forKey: key("webhooks"), default: [])
        for name in settings.webhooks where notify.webhook(name) == nil {
            throw ConfigurationError(key: "notify.summary.webhooks", "\(name) is not a webhook notify.webhooks names")
        }
        return settings
    }

    /// `notify.mail.smtp.*` and the mailboxes `notify.mailboxes` names, checked: a server when
    /// any mailbox is named, a sender, recipients that look like addresses, no AUTH without STARTTLS.
    static func mail(_ config: ConfigReader) throws -> (SMTPSettings?, [MailboxDestination]) {
        func key(_ parts: String...) -> ConfigKey { ConfigKey(["notify", "mail", "smtp"] + parts) }
        func looksLikeAddress(_ text: String) -> Bool {
            let address = text.split(separator: "<").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? text
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !address.contains(" ")
        }
        var smtp: SMTPSettings?
        if let host = config.string(forKey: key("host")) {
            guard let from = config.string(forKey: key("from")) else { throw ConfigurationError(key: "notify.mail.smtp.from", "is missing: the sender's address") }
            guard looksLikeAddress(from) else { throw ConfigurationError(key: "notify.mail.smtp.from", "\"\(from)\" is not an address such as SpotCheck <spotcheck@example.org>") }
            let port = config.int(forKey: key("port"), default: 587)
            guard (1...65535).contains(port) else { throw ConfigurationError(key: "notify.mail.smtp.port", "\(port) is not a port 1–65535") }
            var password = config.string(forKey: key("password"), isSecret: true)
            if let file = config.string(forKey: key("password_file")) {
                do {
                    password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
                } catch {
                    throw ConfigurationError(key: "notify.mail.smtp.password_file", "\(file) cannot be read: \(error.localizedDescription)")
                }
            }
            let settings = SMTPSettings(host: host, port: port, starttls: config.bool(forKey: key("starttls"), default: true),
                                        username: config.string(forKey: key("username")), password: password, from: from,
                                        heloName: config.string(forKey: key("helo")), caFile: config.string(forKey: key("ca_file")))
            if settings.username != nil && !settings.starttls {
                throw ConfigurationError(key: "notify.mail.smtp.starttls", "is off while a username is set: a password is never sent in the clear")
            }
            if let caFile = settings.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw ConfigurationError(key: "notify.mail.smtp.ca_file", "\(caFile) cannot be read")
            }
            smtp = settings
        }
        let names = config.stringArray(forKey: ConfigKey(["notify", "mailboxes"]), default: [])
        if !names.isEmpty && smtp == nil { throw ConfigurationError(key: "notify.mail.smtp.host", "is missing: notify.mailboxes names mailboxes to mail") }
        var seen: Set<String> = []
        let mailboxes = try names.map { name in
            let prefix = "notify.mailbox.\(name)"
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), seen.insert(name).inserted else {
                throw ConfigurationError(key: "notify.mailboxes", "\"\(name)\" is not a name of letters, digits and _ named once")
            }
            func key(_ last: String) -> ConfigKey { ConfigKey(["notify", "mailbox", name, last]) }
            let to = config.stringArray(forKey: key("to"), default: [])
            guard !to.isEmpty else { throw ConfigurationError(key: "\(prefix).to", "is missing: the recipients' addresses") }
            for address in to where !looksLikeAddress(address) {
                throw ConfigurationError(key: "\(prefix).to", "\"\(address)\" is not an email address")
            }
            let (kinds, jurisdictions) = try filters(config, prefix: prefix, key: key)
            return MailboxDestination(name: name, to: to, kinds: kinds, jurisdictions: jurisdictions)
        }
        return (smtp, mailboxes)
    }
}
