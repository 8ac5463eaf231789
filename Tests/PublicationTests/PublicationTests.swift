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
}
