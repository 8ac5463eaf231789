public import Logging
public import Publication
public import Regulation
public import WorkingDays

/// Writes alert entries through swift-log with their journal fields (`MESSAGE_ID`, `ARTICLE`,
/// `ROUND_ID`, …), so that ops filter them with `journalctl MESSAGE_ID=… ARTICLE=13`.
public struct AlertJournal: Sendable {
    public var logger: Logger
    public var language: DeploymentLanguage

    public init(logger: Logger, language: DeploymentLanguage) {
        self.logger = logger
        self.language = language
    }

    static func level(_ priority: Int) -> Logger.Level {
        switch priority {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// The query that lists the alerts of `kind` in force on `day`.
    public static func query(_ kind: AlertKind, day: CivilDate) -> String { "spotcheck alerts --kind \(kind.rawValue) --as-of \(day)" }

    /// Logs the entries of one evaluation.
    public func log(_ entries: [AlertEntry], day: CivilDate) {
        for entry in entries {
            switch entry {
            case let .alert(alert):
                var fields: Logger.Metadata = [
                    "MESSAGE_ID": "\(alert.kind.messageID)", "ALERT_KIND": "\(alert.kind.rawValue)", "ALERT_SUBJECT": "\(alert.subject)",
                    "PROVISIONAL": "\(alert.provisional ? 1 : 0)",
                ]
                if let article = alert.article { fields["ARTICLE"] = "\(article)" }
                if let round = alert.round { fields["ROUND_ID"] = "\(round)" }
                if let inspection = alert.inspection { fields["INSPECTION_ID"] = "\(inspection)" }
                if let institution = alert.institution { fields["INSTITUTION_ID"] = "\(institution)" }
                if let jurisdiction = alert.jurisdiction { fields["JURISDICTION"] = "\(jurisdiction)" }
                if let category = alert.category { fields["CATEGORY"] = "\(category)" }
                if let deadline = alert.deadline { fields["DEADLINE"] = "\(deadline)" }
                if let days = alert.overdueWorkdays { fields["OVERDUE_WORKDAYS"] = "\(days)" }
                if alert.kind == .checklistMissing { fields["MISSING_ITEMS"] = "\(alert.detail)" }
                if alert.kind == .noticeMissing || alert.kind == .provisional { fields["NOTICE"] = "\(alert.detail)" }
                if let count = alert.count { fields["ALERT_COUNT"] = "\(count)" }
                if let year = alert.year { fields["YEAR"] = "\(year)" }
                logger.log(level: Self.level(alert.kind.priority), "\(AlertMessages.text(alert, language: language))", metadata: fields)
            case let .folded(kind, count, article):
                let query = Self.query(kind, day: day)
                var fields: Logger.Metadata = ["MESSAGE_ID": "\(AlertKind.folded.messageID)", "ALERT_KIND": "\(kind.rawValue)",
                                               "ALERT_COUNT": "\(count)", "QUERY": "\(query)"]
                if let article { fields["ARTICLE"] = "\(article)" }
                logger.log(level: Self.level(max(AlertKind.folded.priority, kind.priority)),
                           "\(AlertMessages.folded(kind: kind, count: count, article: article, query: query, language: language))", metadata: fields)
            }
        }
    }

    /// Logs one of the daemon's own events (started, reloaded, caught up, reload refused).
    public func event(_ kind: AlertKind, _ detail: String, fields extra: Logger.Metadata = [:]) {
        var fields: Logger.Metadata = ["MESSAGE_ID": "\(kind.messageID)", "ALERT_KIND": "\(kind.rawValue)"]
        fields.merge(extra) { _, new in new }
        logger.log(level: Self.level(kind.priority), "\(AlertMessages.event(kind, detail: detail, language: language))", metadata: fields)
    }
}
