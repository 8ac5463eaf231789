/// The page published with a draw (Art. 17), in Chinese first: the drawn institutions and their
/// teams by name, what the files are, and how anyone can check them (English follows).
public struct DrawPage: Sendable {
    /// A drawn institution and its team, as the public reads them.
    public struct Team: Sendable, Hashable {
        public var institution: String
        public var institutionName: String
        public var jurisdiction: String
        /// Inspectors as "name（certificate number）".
        public var members: [String]
        public init(institution: String, institutionName: String, jurisdiction: String, members: [String]) {
            self.institution = institution
            self.institutionName = institutionName
            self.jurisdiction = jurisdiction
            self.members = members
        }
    }

    public var round: String
    public var manifestSHA256: String
    /// The result JSON, shown on the page.
    public var result: String
    /// The drawn institutions with their current teams (substitutions applied), in draw order.
    public var teams: [Team]

    public init(round: String, manifestSHA256: String, result: String, teams: [Team] = []) {
        self.round = round
        self.manifestSHA256 = manifestSHA256
        self.result = result
        self.teams = teams
    }

    public func html() -> String {
        let rows = teams.enumerated().map { index, team in
            "<tr><td>\(index + 1)</td><td>\(team.institutionName.htmlEscaped)</td><td>\(team.institution.htmlEscaped)</td>"
                + "<td>\(team.jurisdiction.htmlEscaped)</td><td>\(team.members.map(\.htmlEscaped).joined(separator: "、"))</td></tr>"
        }.joined(separator: "\n")
        return """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head><meta charset="utf-8"><title>抽查摇号结果 \(round.htmlEscaped)</title>
        <style>body { font-family: "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 64em; }
        pre { background: #f4f4f4; padding: 1em; overflow-x: auto; } table { border-collapse: collapse; width: 100%; }
        td, th { border: 1px solid #999; padding: .35em; } th { background: #eef; } .en { color: #444; }</style>
        </head>
        <body>
        <h1>“双随机一公开”抽查摇号结果：\(round.htmlEscaped)</h1>
        <p>本次抽取依据《宁夏司法行政机关“双随机一公开”监管工作细则》（宁司通〔2020〕1号）第十条、第十一条、第十七条，
        采用公开可验证的 SPOTCHECK-DRAW-1 方法：抽取前公布名单（manifest）及其指纹，并约定使用当时尚未产生的公开随机数；
        随机数公布后，结果由公开规则唯一确定，任何人都可以复算。</p>
        <h2>抽中的机构及检查组（共 \(teams.count) 家）</h2>
        <table>
        <tr><th>序号</th><th>机构名称</th><th>统一社会信用代码</th><th>辖区</th><th>检查组（执法证号）</th></tr>
        \(rows)
        </table>
        <h2>公布的文件</h2>
        <ul>
        <li><a href="manifest.json">manifest.json</a>：抽取前公布的名单。运行 <code>sha256sum manifest.json</code> 应得到 <code>\(manifestSHA256)</code>。</li>
        <li><a href="values.json">values.json</a>：各公开随机数来源公布的数值。</li>
        <li><a href="substitutions.json">substitutions.json</a>：检查人员因故替换的记录（含原因，按顺序）。</li>
        <li><a href="result.json">result.json</a>：抽取结果。</li>
        </ul>
        <h2>如何核验</h2>
        <ol>
        <li>用 <code>sha256sum manifest.json</code> 核对名单指纹。</li>
        <li>把每个随机数按固定格式写出（数字从小到大、每个后加一个点；文字转小写、后加一个点），每个来源后加 <code>/</code>：即 result.json 中的 <code>key_string</code>。</li>
        <li>种子：<code>printf 'SPOTCHECK-DRAW-1\\n%s\\n%s' MANIFEST_SHA256 KEY_STRING | sha256sum</code>。</li>
        <li>机构的签号：<code>printf '%s\\n%s\\n%s' SEED institution ID | sha256sum</code>；每组中签号最小的机构中选，数量为 ceil(组内机构数 × 比例)。
        检查人员对某机构的签号使用 <code>inspector/机构ID</code>；本地人员优先于协作人员，回避和超出上限的人员依次跳过。</li>
        <li>或运行 <code>spotcheck draw verify --manifest manifest.json result.json</code>，或任何按方法独立编写的程序。</li>
        </ol>
        <p>完整方法及示例：<a href="draw-algorithm.md">draw-algorithm.md</a>（SpotCheck 源码中的 <code>docs/draw-algorithm.md</code>）。</p>
        <h2 class="en">In English</h2>
        <p class="en">The manifest (<a href="manifest.json">manifest.json</a>, SHA-256 <code>\(manifestSHA256)</code>) was published before the
        public random values (<a href="values.json">values.json</a>) existed; the result (<a href="result.json">result.json</a>) follows from them
        by the published method (<a href="draw-algorithm.md">draw-algorithm.md</a>), and
        <code>spotcheck draw verify --manifest manifest.json result.json</code> recomputes it. Substitutions of drawn inspectors, with their
        reasons, are in <a href="substitutions.json">substitutions.json</a>.</p>
        <h2>结果数据（result.json）</h2>
        <pre>\(result.htmlEscaped)</pre>
        </body>
        </html>

        """
    }
}
