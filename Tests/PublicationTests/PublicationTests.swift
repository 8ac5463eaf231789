import Foundation
import Import
import Publication
import Rosters
import Testing

/// The jurisdictions the published pages name.
let ningxia = JurisdictionTree([
    Jurisdiction(code: "640000", name: "宁夏回族自治区", parent: nil),
    Jurisdiction(code: "640100", name: "银川市", parent: "640000"),
    Jurisdiction(code: "640104", name: "兴庆区", parent: "640100"),
    Jurisdiction(code: "640105", name: "西夏区", parent: "640100"),
])

@Suite("Publication")
struct PublicationTests {
    @Test("CSV quoting round-trips through our reader")
    func csvRoundTrip() throws {
        let rows = [["a,b", "say \"hi\"", "two\nlines"], ["", "plain", "末尾"]]
        let text = CSVWriter.document(header: ["x", "y", "z"], rows: rows)
        let table = try CSVTable.parse(text, file: "p.csv")
        #expect(table.records.map(\.fields) == rows)
    }

    @Test("the page escapes HTML, and publishes no risk data and no inspector status")
    func page() {
        let institution = Institution(id: "31640205E78825856H", name: "<script>甲</script>", category: .lawyer, jurisdiction: "640104",
                                      risk: .high, riskReason: "投诉较多", status: .active)
        let inspector = Inspector(id: "SF640104001", name: "张三", jurisdiction: "640104", categories: [.lawyer], status: .unavailable)
        let publication = RosterPublication(checklist: [], institutions: [institution], inspectors: [inspector], jurisdictions: ningxia,
                                            sources: [.init(kind: .institutions, version: 3, importedAt: "2026-11-25T00:00:00.000Z", sha256: "ab")],
                                            generatedAt: "now")
        let files = Dictionary(uniqueKeysWithValues: publication.files().map { ($0.name, $0.contents) })
        #expect(Set(files.keys) == ["checklist.csv", "institutions.csv", "inspectors.csv", "index.html"])
        let html = files["index.html"]!
        #expect(html.contains("&lt;script&gt;甲&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("投诉较多"))
        #expect(!html.contains("不在岗"))
        #expect(html.contains("第 3 版"))
        #expect(files["institutions.csv"]!.hasPrefix("\u{FEFF}统一社会信用代码,机构名称,业务类别,辖区代码,辖区,状态\r\n"))
        #expect(!files["institutions.csv"]!.contains("较高"))
        #expect(files["inspectors.csv"]!.contains("SF640104001,张三,640104,宁夏回族自治区银川市兴庆区,律师"))
        #expect(!files["inspectors.csv"]!.contains("在岗"))
    }
}

/// OWASP's CSV injection: a published cell never starts like a formula.
@Suite("Published CSV neutralises formulas")
struct FormulaNeutralisationTests {
    @Test("a field starting with = + - @ tab CR or NUL gets a leading quote; others, and files for import, are untouched")
    func neutralised() throws {
        for field in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\r\nx", "\0x", "=\u{301}x"] {
            #expect(CSVWriter.neutralized(field) == "'" + field, "\(field.debugDescription)")
        }
        for field in ["", "宁夏正信律师事务所", "'=already", " =1", "a=1", "＝1", "1-1"] {
            #expect(CSVWriter.neutralized(field) == field, "\(field.debugDescription)")
        }
        let rows = [["=1+1", "-2", "plain"]]
        #expect(CSVWriter.document(header: ["a", "b", "c"], rows: rows) == "a,b,c\r\n=1+1,-2,plain\r\n", "import files keep what they hold")
        #expect(CSVWriter.publishedDocument(header: ["a", "b", "c"], rows: rows) == "a,b,c\r\n'=1+1,'-2,plain\r\n")
    }

    @Test("neutralised fields are still quoted as RFC 4180 wants, and read back as written (OWASP's own example)")
    func quotedAfterwards() throws {
        let quoteWithMark = "a\"\u{301},=1+1"
        let rows = [
            [#"=1+2";=1+2"#, "\t=cmd|' /C calc'!A0", "\r\n=1", #"@SUM(1+1)*cmd|" /C calc"!A0"#],
            [quoteWithMark, "two\r\nlines", "x", "-"],
        ]
        let text = CSVWriter.publishedDocument(header: ["a", "b", "c", "d"], rows: rows)
        let owasp = #""'=1+2"";=1+2""#
        #expect(text.contains(owasp))
        let table = try CSVTable.parse(text, file: "p.csv")
        #expect(table.records.map(\.fields) == rows.map { $0.map(CSVWriter.neutralized) })
        // A quote followed by a combining mark is one Character but must still be doubled, or a
        // reader of bytes would end the field there and start a new one at "=1+1".
        #expect(table.records[1].fields[0] == quoteWithMark)
        #expect(table.records.allSatisfy { $0.fields.count == 4 })
    }

    @Test("the rosters' CSV files neutralise imported names; the page shows them as they are, escaped")
    func rosters() throws {
        let institution = Institution(id: "31640205E78825856H", name: #"=HYPERLINK("http://example.invalid","点击")"#, category: .lawyer,
                                      jurisdiction: "640104", risk: .normal, riskReason: nil, status: .active)
        let inspector = Inspector(id: "SF640104001", name: "-张三", jurisdiction: "640104", categories: [.lawyer], status: .available)
        let item = ChecklistItem(category: .lawyer, code: "L1", name: "@名称", basis: "+依据", subject: "\t主体", content: "=内容", method: "书面检查")
        let publication = RosterPublication(checklist: [item], institutions: [institution], inspectors: [inspector], jurisdictions: ningxia,
                                            sources: [], generatedAt: "now")
        let files = Dictionary(uniqueKeysWithValues: publication.files().map { ($0.name, $0.contents) })
        for name in ["checklist.csv", "institutions.csv", "inspectors.csv"] {
            let text = try #require(files[name])
            #expect(text.hasPrefix("\u{FEFF}"))
            let table = try CSVTable.parse(String(text.dropFirst()), file: name)
            for field in table.header + table.records.flatMap(\.fields) {
                #expect(field.unicodeScalars.first.map { CSVWriter.formulaPrefixes.contains($0) } != true, "\(name): \(field.debugDescription)")
            }
        }
        let quoted = #""'=HYPERLINK(""http://example.invalid"",""点击"")""#
        #expect(files["institutions.csv"]!.contains(quoted))
        #expect(files["inspectors.csv"]!.contains("SF640104001,'-张三,"))
        #expect(files["checklist.csv"]!.contains("律师,L1,'@名称,'+依据,'\t主体,'=内容,书面检查"))
        let html = try #require(files["index.html"])
        #expect(html.contains("<td>=HYPERLINK(&quot;http://example.invalid&quot;,&quot;点击&quot;)</td>"))
        #expect(html.contains("<td>-张三</td>"))
        #expect(!html.contains("'="))
    }

    @Test("HTML escaping works on scalars: a quote with a combining mark is still escaped")
    func htmlScalars() {
        let attack = "\"\u{301} onmouseover=x <b\u{301}>&'", escaped = "&quot;\u{301} onmouseover=x &lt;b\u{301}&gt;&amp;&#39;"
        #expect(attack.htmlEscaped == escaped)
        #expect("<script>甲</script>".htmlEscaped == "&lt;script&gt;甲&lt;/script&gt;")
    }
}

@Suite("Draw publication")
struct DrawPublicationTests {
    @Test("docs/draw-algorithm.md is the text published beside every draw")
    func documentInSync() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("docs/draw-algorithm.md"), encoding: .utf8)
        #expect(file == DrawAlgorithmDocument.markdown)
        #expect(file.contains("printf 'SPOTCHECK-DRAW-1\\n%s\\n%s'"))
    }

    @Test("the page names the manifest's fingerprint, links the files and the method, and escapes the result")
    func page() {
        let html = DrawPage(round: "R<1>", manifestSHA256: "abc123", result: "{\"a\": \"<b>\"}").html()
        #expect(html.contains("<code>abc123</code>"))
        #expect(html.contains("href=\"draw-algorithm.md\""))
        #expect(html.contains("href=\"result.json\""))
        #expect(html.contains("R&lt;1&gt;"))
        #expect(html.contains("&lt;b&gt;"))
    }

    @Test("the draw page is Chinese first and lists the drawn institutions and teams by name, escaped")
    func pageTable() {
        let html = DrawPage(round: "R1", manifestSHA256: "abc", result: "{}", teams: [
            .init(institution: "31640205E78825856H", institutionName: "宁夏<某>律师事务所", jurisdiction: "银川市兴庆区 (640104)",
                  members: ["张三（SF1）", "李四（SF2）"]),
        ]).html()
        #expect(html.contains("抽中的机构及检查组（共 1 家）"))
        #expect(html.contains("宁夏&lt;某&gt;律师事务所") && html.contains("张三（SF1）、李四（SF2）"))
        let chinese = html.range(of: "如何核验")?.lowerBound, english = html.range(of: "In English")?.lowerBound
        #expect(chinese != nil && english != nil && chinese! < english!, "Chinese first, English after")
    }
}
