public import Regulation
public import Rosters
public import WorkingDays

/// The regulation's Attachment 2, 宁夏法律服务机构“双随机一公开”抽查记录表, filled in for one
/// inspection: a page officials print (A4) and carry, with blanks for what is written by hand.
public struct InspectionForm: Sendable {
    /// A drawn inspector: certificate number and name.
    public struct Member: Sendable, Hashable {
        public var id: String
        public var name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// One checklist item with its result, if recorded.
    public struct Line: Sendable, Hashable {
        public var item: ChecklistItem
        public var result: ItemResult?
        public var note: String?
        public init(item: ChecklistItem, result: ItemResult?, note: String?) {
            self.item = item
            self.result = result
            self.note = note
        }
    }

    public var round: String
    public var number: Int64?
    public var institution: Institution
    public var jurisdictionName: String
    public var team: [Member]
    public var date: CivilDate?
    public var lines: [Line]
    public var findings: [String]

    public init(round: String, number: Int64?, institution: Institution, jurisdictionName: String, team: [Member], date: CivilDate?,
                lines: [Line], findings: [String]) {
        self.round = round
        self.number = number
        self.institution = institution
        self.jurisdictionName = jurisdictionName
        self.team = team
        self.date = date
        self.lines = lines
        self.findings = findings
    }

    /// The filled-in form as one HTML page (Chinese, escaped, printable on A4).
    public func html() -> String {
        func box(_ result: ItemResult, _ chosen: ItemResult?) -> String {
            "<span class=\"box\">\(chosen == result ? "☑" : "☐")</span>\(result.chineseName)"
        }
        let rows = lines.enumerated().map { index, line in
            """
            <tr><td>\(index + 1)</td><td>\(line.item.code.htmlEscaped)</td><td>\(line.item.name.htmlEscaped)</td>\
            <td>\(line.item.basis.htmlEscaped)</td><td>\(line.item.content.htmlEscaped)</td><td>\(line.item.method.htmlEscaped)</td>\
            <td class="result">\(ItemResult.allCases.map { box($0, line.result) }.joined(separator: "<br>"))</td>\
            <td>\((line.note ?? "").htmlEscaped)</td></tr>
            """
        }.joined(separator: "\n")
        let team = team.map { "\($0.name.htmlEscaped)（执法证号 \($0.id.htmlEscaped)）" }.joined(separator: "、")
        let findings = findings.isEmpty ? "<p class=\"blank\"></p><p class=\"blank\"></p>"
            : "<ol>" + findings.map { "<li>\($0.htmlEscaped)</li>" }.joined() + "</ol>"
        return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head><meta charset="utf-8"><title>抽查记录表 \(institution.name.htmlEscaped)</title>
        <style>
        @page { size: A4; margin: 15mm; }
        body { font-family: "Noto Serif CJK SC", "Songti SC", serif; font-size: 10.5pt; margin: 0 auto; max-width: 190mm; }
        h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; }
        table { border-collapse: collapse; width: 100%; }
        td, th { border: 1px solid #000; padding: 1.5mm; vertical-align: top; }
        th { background: #eee; }
        table.head td:nth-child(odd) { width: 18%; background: #f6f6f6; }
        .result { white-space: nowrap; }
        .box { font-size: 12pt; margin-right: 1mm; }
        .blank { border-bottom: 1px solid #000; height: 8mm; margin: 0; }
        .signatures td { height: 18mm; }
        .meta { color: #555; font-size: 8.5pt; margin-top: 3mm; }
        </style></head>
        <body>
        <h1>宁夏法律服务机构“双随机一公开”抽查记录表</h1>
        <table class="head">
        <tr><td>被抽查机构</td><td colspan="3">\(institution.name.htmlEscaped)</td></tr>
        <tr><td>统一社会信用代码</td><td>\(institution.id.htmlEscaped)</td><td>业务类别</td><td>\(institution.category.chineseName)</td></tr>
        <tr><td>所属辖区</td><td>\(jurisdictionName.htmlEscaped)</td><td>检查日期</td><td>\(date.map { "\($0)" } ?? "　　年　　月　　日")</td></tr>
        <tr><td>抽查任务</td><td>\(round.htmlEscaped)\(number.map { "（第 \($0) 号）" } ?? "")</td><td>检查组成员</td><td>\(team)</td></tr>
        </table>
        <h2>抽查事项及结果（第九条：抽查事项不得遗漏）</h2>
        <table>
        <tr><th>序号</th><th>事项编码</th><th>事项名称</th><th>抽查依据</th><th>抽查内容</th><th>抽查方式</th><th>检查结果</th><th>备注</th></tr>
        \(rows)
        </table>
        <h2>发现的问题及处理意见（第十六条）</h2>
        \(findings)
        <table class="signatures">
        <tr><td>检查人员签字：</td><td>检查人员签字：</td><td>被抽查机构负责人签字：</td></tr>
        <tr><td colspan="3">日期：　　　　年　　月　　日</td></tr>
        </table>
        <p class="meta">本表依《宁夏司法行政机关“双随机一公开”监管工作细则》（宁司通〔2020〕1号）附件2制作，由 SpotCheck 生成。</p>
        </body></html>
        """
    }
}
