public import Rosters

/// The list and the two rosters as published on the portal (Art. 6): UTF-8 CSV files and a
/// static HTML page. Inspectors' personal data is limited to name and certificate number (with
/// the jurisdiction and categories they serve); institutions' risk levels and reasons are internal
/// supervision data and are not published.
public struct RosterPublication: Sendable {
    /// Which version of each roster is published, for the page's footer.
    public struct Source: Sendable {
        public var kind: RosterKind
        public var version: Int64?
        public var importedAt: String?
        public var sha256: String?

        public init(kind: RosterKind, version: Int64?, importedAt: String?, sha256: String?) {
            self.kind = kind
            self.version = version
            self.importedAt = importedAt
            self.sha256 = sha256
        }
    }

    public var checklist: [ChecklistItem]
    public var institutions: [Institution]
    public var inspectors: [Inspector]
    public var jurisdictions: JurisdictionTree
    public var sources: [Source]
    /// When the publication was made, shown on the page.
    public var generatedAt: String

    public init(checklist: [ChecklistItem], institutions: [Institution], inspectors: [Inspector],
                jurisdictions: JurisdictionTree, sources: [Source], generatedAt: String) {
        self.checklist = checklist
        self.institutions = institutions
        self.inspectors = inspectors
        self.jurisdictions = jurisdictions
        self.sources = sources
        self.generatedAt = generatedAt
    }

    static let checklistHeader = ["业务类别", "事项编码", "事项名称", "抽查依据", "抽查主体", "抽查内容", "抽查方式"]
    static let institutionHeader = ["统一社会信用代码", "机构名称", "业务类别", "辖区代码", "辖区", "状态"]
    static let inspectorHeader = ["执法证号", "姓名", "辖区代码", "辖区", "业务类别"]

    var checklistRows: [[String]] {
        checklist.sorted { ($0.category, $0.code) < ($1.category, $1.code) }
            .map { [$0.category.chineseName, $0.code, $0.name, $0.basis, $0.subject, $0.content, $0.method] }
    }

    var institutionRows: [[String]] {
        institutions.sorted { ($0.jurisdiction, $0.category, $0.id) < ($1.jurisdiction, $1.category, $1.id) }
            .map { [$0.id, $0.name, $0.category.chineseName, $0.jurisdiction, jurisdictionName($0.jurisdiction), $0.status.chineseName] }
    }

    var inspectorRows: [[String]] {
        inspectors.sorted { ($0.jurisdiction, $0.id) < ($1.jurisdiction, $1.id) }
            .map { [$0.id, $0.name, $0.jurisdiction, jurisdictionName($0.jurisdiction), $0.categories.map(\.chineseName).joined(separator: "、")] }
    }

    func jurisdictionName(_ code: String) -> String {
        jurisdictions.ancestry(code).reversed().map(\.name).joined()
    }

    /// File name → contents. CSV files start with a UTF-8 BOM so that Excel on a Chinese
    /// desktop opens them as UTF-8, and no cell of theirs starts like a formula (a name imported
    /// as `=HYPERLINK(…)` is published as `'=HYPERLINK(…)`, which a spreadsheet shows as text).
    /// The page shows every value as it is, HTML-escaped.
    public func files() -> [(name: String, contents: String)] {
        let bom = "\u{FEFF}"
        return [
            ("checklist.csv", bom + CSVWriter.publishedDocument(header: Self.checklistHeader, rows: checklistRows)),
            ("institutions.csv", bom + CSVWriter.publishedDocument(header: Self.institutionHeader, rows: institutionRows)),
            ("inspectors.csv", bom + CSVWriter.publishedDocument(header: Self.inspectorHeader, rows: inspectorRows)),
            ("index.html", html()),
        ]
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        var html = "<table>\n<thead><tr>" + header.map { "<th>\($0.htmlEscaped)</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\($0.htmlEscaped)</td>" }.joined() + "</tr>\n" }
        return html + "</tbody>\n</table>\n"
    }

    /// The static page for the portal.
    public func html() -> String {
        let footer = sources.map { source in
            let version = source.version.map { "第 \($0) 版" } ?? "未导入"
            let when = source.importedAt.map { "，\($0) 导入" } ?? ""
            let hash = source.sha256.map { "，源文件 SHA-256 <code>\($0)</code>" } ?? ""
            return "<li>\(source.kind.rawValue)：\(version)\(when)\(hash)</li>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>双随机一公开：抽查事项清单、执法检查人员名录库、监管对象名录库</title>
            <style>
            body { font-family: sans-serif; margin: 2em; }
            table { border-collapse: collapse; margin-bottom: 2em; font-size: 90%; }
            th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
            th { background: #eee; }
            </style>
            </head>
            <body>
            <h1>双随机一公开 · 一单两库</h1>
            <p>依据《宁夏司法行政机关“双随机一公开”监管工作细则》（宁司通〔2020〕1号）第五条、第六条公开。
            下载：<a href="checklist.csv">抽查事项清单 (CSV)</a> · <a href="institutions.csv">监管对象名录库 (CSV)</a> ·
            <a href="inspectors.csv">执法检查人员名录库 (CSV)</a></p>
            <h2>抽查事项清单（\(checklist.count) 项）</h2>
            \(table(Self.checklistHeader, checklistRows))
            <h2>监管对象名录库（\(institutions.count) 家）</h2>
            \(table(Self.institutionHeader, institutionRows))
            <h2>执法检查人员名录库（\(inspectors.count) 人）</h2>
            \(table(Self.inspectorHeader, inspectorRows))
            <h2>版本</h2>
            <ul>
            \(footer)
            </ul>
            <p>生成时间 \(generatedAt.htmlEscaped)</p>
            </body>
            </html>

            """
    }
}

func < (lhs: (Category, String), rhs: (Category, String)) -> Bool {
    lhs.0 == rhs.0 ? lhs.1 < rhs.1 : lhs.0 < rhs.0
}

func < (lhs: (String, Category, String), rhs: (String, Category, String)) -> Bool {
    if lhs.0 != rhs.0 { return lhs.0 < rhs.0 }
    if lhs.1 != rhs.1 { return lhs.1 < rhs.1 }
    return lhs.2 < rhs.2
}
