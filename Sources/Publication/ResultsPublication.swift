public import Rosters
public import WorkingDays

/// What a round publishes (Art. 15): each inspected institution with its results, findings and
/// the proposed handling, as a Chinese HTML page and a UTF-8 CSV (formulas neutralised), and the
/// record each result adds to the institution's history (its social-credit record).
public struct ResultsPublication: Sendable {
    /// One inspected institution's result.
    public struct Entry: Sendable, Hashable, Encodable {
        public var institution: String
        public var name: String
        public var jurisdiction: String
        /// `合格` when no item failed, else `不合格`.
        public var conclusion: String
        /// The names of the items that failed, with the inspectors' notes.
        public var failed: [String]
        public var findings: [String]

        public init(institution: String, name: String, jurisdiction: String, failed: [String], findings: [String]) {
            self.institution = institution
            self.name = name
            self.jurisdiction = jurisdiction
            conclusion = failed.isEmpty ? "合格" : "不合格"
            self.failed = failed
            self.findings = findings
        }
    }

    public var round: String
    public var category: Category
    public var jurisdictionName: String
    public var ended: CivilDate?
    public var publishedOn: CivilDate
    /// What the report proposes (Art. 13), as recorded with `round report`.
    public var handling: String
    public var entries: [Entry]

    public init(round: String, category: Category, jurisdictionName: String, ended: CivilDate?, publishedOn: CivilDate, handling: String,
                entries: [Entry]) {
        self.round = round
        self.category = category
        self.jurisdictionName = jurisdictionName
        self.ended = ended
        self.publishedOn = publishedOn
        self.handling = handling
        self.entries = entries
    }

    /// `results.csv` and `results.html`.
    public func files() -> [(name: String, contents: String)] {
        let header = ["统一社会信用代码", "机构名称", "辖区", "抽查结论", "不合格事项", "发现的问题", "处理意见"]
        let rows = entries.map { [$0.institution, $0.name, $0.jurisdiction, $0.conclusion, $0.failed.joined(separator: "；"),
                                  $0.findings.joined(separator: "；"), handling] }
        let csv = "\u{FEFF}" + CSVWriter.publishedDocument(header: header, rows: rows)
        let body = entries.map { entry in
            "<tr><td>\(entry.institution.htmlEscaped)</td><td>\(entry.name.htmlEscaped)</td><td>\(entry.jurisdiction.htmlEscaped)</td>"
                + "<td class=\"\(entry.failed.isEmpty ? "ok" : "bad")\">\(entry.conclusion)</td>"
                + "<td>\(entry.failed.map(\.htmlEscaped).joined(separator: "<br>"))</td><td>\(entry.findings.map(\.htmlEscaped).joined(separator: "<br>"))</td></tr>"
        }.joined(separator: "\n")
        let html = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head><meta charset="utf-8"><title>“双随机一公开”抽查结果公示 \(round.htmlEscaped)</title>
        <style>
        body { font-family: "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 70em; }
        table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: .4em; vertical-align: top; }
        th { background: #eef; } .ok { color: #060; } .bad { color: #a00; font-weight: bold; }
        </style></head>
        <body>
        <h1>\(jurisdictionName.htmlEscaped)\(category.chineseName)“双随机一公开”抽查结果公示</h1>
        <p>抽查任务：\(round.htmlEscaped)；抽查结束：\(ended.map { "\($0)" } ?? "")；公示日期：\(publishedOn)；抽查机构 \(entries.count) 家，\
        其中不合格 \(entries.filter { !$0.failed.isEmpty }.count) 家。</p>
        <p>处理意见：\(handling.isEmpty ? "无" : handling.htmlEscaped)</p>
        <table>
        <tr><th>统一社会信用代码</th><th>机构名称</th><th>辖区</th><th>抽查结论</th><th>不合格事项</th><th>发现的问题</th></tr>
        \(body)
        </table>
        <p>依《宁夏司法行政机关“双随机一公开”监管工作细则》第十五条公示，抽查结果纳入监管对象的社会信用记录。数据下载：<a href="results.csv">results.csv</a>（UTF-8）。</p>
        </body></html>
        """
        return [("results.csv", csv), ("results.html", html)]
    }
}
