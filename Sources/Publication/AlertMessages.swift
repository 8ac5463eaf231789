public import Regulation
import Rosters
import WorkingDays

/// The language the deployment's alerts and summaries are written in.
public enum DeploymentLanguage: String, CaseIterable, Sendable {
    case zh
    case en
}

/// The readable MESSAGE of each journal entry, in the deployment's language, naming the article.
public enum AlertMessages {
    static func step(_ detail: String, _ language: DeploymentLanguage) -> String {
        switch (detail, language) {
        case ("report", .zh): "抽查报告"
        case ("feedback", .zh): "结果反馈"
        case ("publication", .zh): "结果公示"
        case ("rectification", .zh): "整改"
        default: detail
        }
    }

    static func articleText(_ article: Int?, _ language: DeploymentLanguage) -> String {
        guard let article else { return "" }
        return language == .zh ? "（第\(ChineseNumeral.text(article))条）" : " (Art. \(article))"
    }

    /// The message for one alert.
    public static func text(_ alert: Alert, language: DeploymentLanguage) -> String {
        let article = articleText(alert.article, language)
        let whose = alert.inspection ?? alert.round ?? ""
        let due = alert.deadline?.description ?? ""
        let days = alert.overdueWorkdays ?? 0
        let step = step(alert.detail, language)
        switch (alert.kind, language) {
        case (.dueSoon, .zh): return "即将到期：\(whose) 的\(step)\(article)应于 \(due) 前完成"
        case (.dueSoon, .en): return "Due soon: the \(step) of \(whose)\(article) is due by \(due)"
        case (.overdue, .zh): return "已逾期：\(whose) 的\(step)\(article)应于 \(due) 前完成，已逾期 \(days) 个工作日"
        case (.overdue, .en): return "Overdue: the \(step) of \(whose)\(article) was due \(due); \(days) working days overdue"
        case (.escalated, .zh): return "严重逾期：\(whose) 的\(step)\(article)应于 \(due) 前完成，已逾期 \(days) 个工作日，请督办"
        case (.escalated, .en): return "Escalated: the \(step) of \(whose)\(article) was due \(due); \(days) working days overdue"
        case (.checklistMissing, .zh): return "检查事项缺漏：\(whose) 的抽查记录缺少 \(alert.detail)\(article)"
        case (.checklistMissing, .en): return "Checklist item missing: the record of \(whose) leaves out \(alert.detail)\(article)"
        case (.findingOverdue, .zh): return "整改逾期：\(whose) 的问题应于 \(due) 前整改完毕，已逾期 \(days) 个工作日\(article)"
        case (.findingOverdue, .en): return "Rectification overdue: the finding at \(whose) was to be rectified by \(due); \(days) working days overdue\(article)"
        case (.provisional, .zh): return "期限暂定：\(alert.count ?? 0) 项未完成的期限涉及尚未载入假日通知的日期（\(alert.detail)）"
        case (.provisional, .en): return "Provisional: \(alert.count ?? 0) open deadlines are counted over days whose holiday notice is not loaded (\(alert.detail))"
        case (.noticeMissing, .zh): return "缺少假日通知：\(alert.detail.filter(\.isNumber))年国务院节假日安排通知尚未载入，跨年期限均为暂定"
        case (.noticeMissing, .en): return "Notice missing: the \(alert.detail) is not loaded; deadlines reaching into that year are provisional"
        case (.complianceWarning, .zh), (.complianceViolation, .zh):
            let what = alert.kind == .complianceWarning ? "合规预警" : "违反规定"
            let category = alert.category.flatMap(Category.init(rawValue:))?.chineseName ?? alert.category ?? ""
            let rule = alert.rule.map(ruleName) ?? ""
            return "\(what)\(article)：\(alert.year.map { "\($0) 年" } ?? "") \(alert.jurisdiction ?? "") \(category)\(rule)——\(alert.detail)"
        case (.complianceWarning, .en):
            return "Compliance warning\(article): \(alert.year.map(String.init) ?? "") \(alert.jurisdiction ?? "") \(alert.category ?? ""): \(alert.detail)"
        case (.complianceViolation, .en):
            return "Compliance violation\(article): \(alert.year.map(String.init) ?? "") \(alert.jurisdiction ?? "") \(alert.category ?? ""): \(alert.detail)"
        default: return alert.detail
        }
    }

    /// The yearly rule, in Chinese.
    static func ruleName(_ rule: ComplianceRule) -> String {
        switch rule {
        case .rounds: "年度抽查次数"
        case .firstRound: "上半年抽查"
        case .allRounds: "年度抽查次数"
        case .projectedShortfall: "抽查计划"
        case .sample: "抽查比例"
        case .highRiskSample: "高风险对象抽查比例"
        case .highRiskEachYear: "高风险对象年度抽查"
        case .teamSize: "检查组人数"
        case .recusal: "回避"
        case .teamCategory: "检查人员类别"
        case .checklist: "抽查事项全覆盖"
        }
    }

    /// The message for many alerts of one kind folded into one entry, with the query that lists them.
    public static func folded(kind: AlertKind, count: Int, article: Int?, query: String, language: DeploymentLanguage) -> String {
        let what: String = switch (kind, language) {
        case (.dueSoon, .zh): "项期限即将到期"
        case (.overdue, .zh): "项期限已逾期"
        case (.escalated, .zh): "项期限严重逾期"
        case (.checklistMissing, .zh): "份抽查记录缺少检查事项"
        case (.findingOverdue, .zh): "个问题整改逾期"
        case (.provisional, .zh): "项期限为暂定"
        case (.complianceWarning, .zh): "项合规预警"
        case (.complianceViolation, .zh): "项违反年度抽查规定"
        case (_, .zh): "条提醒"
        case (_, .en): "\(kind.rawValue) alerts"
        }
        let article = articleText(article, language)
        return language == .zh ? "汇总：\(count) \(what)\(article)；查看：\(query)" : "Summary: \(count) \(what)\(article); list them with: \(query)"
    }

    /// The daemon's one-line status in the deployment's language (the journal's started and
    /// reloaded entries; systemd's STATUS= stays in English for ops).
    public static func status(overdue: Int, dueSoon: Int, nextCheck: String, language: DeploymentLanguage) -> String {
        language == .zh ? "逾期 \(overdue) 项，即将到期 \(dueSoon) 项，下次检查 \(nextCheck)"
            : "\(overdue) overdue, \(dueSoon) due soon, next check \(nextCheck)"
    }

    /// What a catch-up raised, in the deployment's language.
    public static func caughtUp(count: Int, since: String?, language: DeploymentLanguage) -> String {
        switch language {
        case .zh: "自\(since.map { " \($0) " } ?? "首次启动")以来 \(count) 条提醒状态变化"
        case .en: "\(count) alert transitions since \(since ?? "the first start")"
        }
    }

    /// An outbox row given up on: which, where, after how many attempts, and why.
    public static func deliveryDead(id: Int64, destination: String, attempts: Int, error: String, language: DeploymentLanguage) -> String {
        switch language {
        case .zh: "通知 \(id) 未能送达 \(destination)（已尝试 \(attempts) 次）：\(error)；处理后用 spotcheck outbox retry \(id) 重新发送"
        case .en: "Notification \(id) to \(destination) is dead after \(attempts) attempts: \(error); spotcheck outbox retry \(id) sends it again"
        }
    }

    /// The messages of the daemon's own events.
    public static func event(_ kind: AlertKind, detail: String, language: DeploymentLanguage) -> String {
        switch (kind, language) {
        case (.started, .zh): "spotcheckd 已启动：\(detail)"
        case (.started, .en): "spotcheckd started: \(detail)"
        case (.reloaded, .zh): "spotcheckd 已重新载入配置和日历：\(detail)"
        case (.reloaded, .en): "spotcheckd reloaded its configuration and calendar: \(detail)"
        case (.reloadFailed, .zh): "重新载入被拒绝，继续使用原配置：\(detail)"
        case (.reloadFailed, .en): "Reload refused; the running configuration stays: \(detail)"
        case (.caughtUp, .zh): "停机期间的提醒已补记：\(detail)"
        case (.caughtUp, .en): "Caught up on the alerts missed while stopped: \(detail)"
        default: detail
        }
    }
}

/// Chinese numerals for article numbers (第十三条).
enum ChineseNumeral {
    static let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    static func text(_ value: Int) -> String {
        guard value > 0, value < 100 else { return String(value) }
        if value < 10 { return digits[value] }
        let tens = value / 10, ones = value % 10
        return (tens == 1 ? "" : digits[tens]) + "十" + (ones == 0 ? "" : digits[ones])
    }
}
