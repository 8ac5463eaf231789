import Foundation
import Publication
import Records
import Regulation
import Supervision
import WorkingDays

/// The mail one outbox row becomes: the alert's message as the subject, its figures in a text
/// part and an HTML table (inline styles only: mail clients drop scripts, style sheets and
/// external images). Pure.
enum AlertMail {
    static func message(_ entry: OutboxEntry, to mailbox: MailboxDestination, smtp: SMTPSettings, language: DeploymentLanguage) -> MailMessage {
        let domain = MailMessage.domain(of: smtp.from)
        switch entry.payload {
        case let .alert(notice):
            let zh = language == .zh
            var fields: [(String, String)] = []
            if let article = notice.article { fields.append((zh ? "条款" : "Article", zh ? "第\(article)条" : "Art. \(article)")) }
            if let round = notice.round { fields.append((zh ? "轮次" : "Round", round)) }
            if let inspection = notice.inspection { fields.append((zh ? "检查" : "Inspection", inspection)) }
            if let jurisdiction = notice.jurisdiction { fields.append((zh ? "辖区" : "Jurisdiction", jurisdiction)) }
            if let category = notice.category { fields.append((zh ? "类别" : "Category", category)) }
            if let deadline = notice.deadline { fields.append((zh ? "期限" : "Deadline", deadline.description)) }
            if let days = notice.overdueWorkdays { fields.append((zh ? "逾期工作日" : "Working days overdue", String(days))) }
            if notice.provisional { fields.append((zh ? "暂定" : "Provisional", zh ? "是（假日通知未载入）" : "yes (a holiday notice is missing)")) }
            fields.append((zh ? "提醒" : "Alert", "\(notice.kind.rawValue) · \(notice.subject)"))
            let text = ([notice.message, ""] + fields.map { "\($0.0): \($0.1)" } + ["", "spotcheck alerts --kind \(notice.kind.rawValue)"]).joined(separator: "\n")
            let rows = fields.map { "<tr><th style=\"text-align:left;padding:4px 12px 4px 0;color:#555\">\(escape($0.0))</th><td style=\"padding:4px 0\">\(escape($0.1))</td></tr>" }
            let html = """
                <!DOCTYPE html><html lang="\(zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>\(escape(notice.message))</title></head>
                <body style="font-family:sans-serif;color:#222"><p style="font-size:16px;font-weight:bold">\(escape(notice.message))</p>
                <table style="border-collapse:collapse">\(rows.joined())</table></body></html>
                """
            return MailMessage(from: smtp.from, to: mailbox.to, subject: "[SpotCheck] " + notice.message, text: text, html: html,
                               messageID: "<spotcheck-outbox-\(entry.id)@\(domain)>", date: OutboxTime.date(notice.raisedAt) ?? Date())
        case let .summary(notice):
            return MailMessage(from: smtp.from, to: mailbox.to, subject: notice.subject, text: notice.text, html: notice.html,
                               messageID: "<spotcheck-outbox-\(entry.id)@\(domain)>", date: OutboxTime.date(notice.madeAt) ?? Date())
        }
    }

    static func escape(_ text: String) -> String { text.htmlEscaped }
}
