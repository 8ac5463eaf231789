import Foundation
import Import
import Rosters
import Testing

let ningxia = JurisdictionTree([
    Jurisdiction(code: "640000", name: "宁夏回族自治区", parent: nil),
    Jurisdiction(code: "640100", name: "银川市", parent: "640000"),
    Jurisdiction(code: "640104", name: "兴庆区", parent: "640100"),
    Jurisdiction(code: "640105", name: "西夏区", parent: "640100"),
])

func table(_ text: String) throws -> Table { try CSVTable.parse(text, file: "f.csv") }

@Suite("Roster files")
struct RosterFileTests {
    @Test("institutions with Chinese headers parse; Chinese and English values both accepted")
    func institutions() throws {
        let entries = try RosterFile.institutions(try table("""
            统一社会信用代码,机构名称,业务类别,辖区,风险等级,风险原因,状态
            31640205E78825856H,宁夏正信律师事务所,律师,640104,一般,,正常
            31640302E10188790B,宁夏德达律师事务所,lawyer,640105,high,complaints,suspended
            """), file: "f.csv", jurisdictions: ningxia)
        #expect(entries.count == 2)
        #expect(entries[1].risk == .high)
        #expect(entries[1].ineligibilityReason == "suspended (停业)")
    }

    @Test("every problem is reported, each with line, column as the file names it, value and what was expected")
    func everyProblem() throws {
        do {
            _ = try RosterFile.institutions(try table("""
                统一社会信用代码,机构名称,业务类别,辖区,风险等级,风险原因,状态
                31640205E78825856A,甲,律师,640104,一般,,正常
                31640302E10188790B,,律所,649999,较高,,正常
                31640302E10188790B,乙,律师,640104,一般,,开业
                31640205E78825856H,丙,律师,640104
                """), file: "institutions.csv", jurisdictions: ningxia)
            Issue.record("accepted")
        } catch let error as InputError {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("institutions.csv:2: 统一社会信用代码: \"31640205E78825856A\" has check character A, expected H"))
            #expect(lines.contains("institutions.csv:3: 机构名称: is empty; a value is required"))
            #expect(lines.contains { $0.hasPrefix("institutions.csv:3: 业务类别: \"律所\" is not one of lawyer (律师)") })
            #expect(lines.contains("institutions.csv:3: 辖区: \"649999\" is not a known GB/T 2260 jurisdiction code"))
            #expect(lines.contains { $0.hasPrefix("institutions.csv:3: 风险原因: is empty; a high-risk institution needs the reason") })
            #expect(lines.contains("institutions.csv:4: 统一社会信用代码: \"31640302E10188790B\" is listed twice (also line 3)"))
            #expect(lines.contains("institutions.csv:4: 状态: \"开业\" is not one of 正常/active or 停业/suspended"))
            #expect(lines.contains("institutions.csv:5: (row): has 4 fields, the header has 7"))
            #expect(error.problems.count == 8)
        }
    }

    @Test("headers: unknown, duplicated and missing columns are refused before any row")
    func headers() throws {
        do {
            _ = try RosterFile.inspectors(try table("执法证号,姓名,姓名,备注\nA1,张三,张三,x\n"), file: "i.csv", jurisdictions: ningxia)
            Issue.record("accepted")
        } catch let error as InputError {
            let fields = error.problems.map(\.field)
            #expect(fields.contains("备注"))
            #expect(error.problems.contains { $0.field == "姓名" && $0.message == "the column appears twice" })
            #expect(fields.contains("辖区/jurisdiction"))
            #expect(fields.contains("业务类别/categories"))
            #expect(error.problems.allSatisfy { $0.line == 1 })
        }
    }

    @Test("inspectors: categories split on ; and 、, ids plain ASCII")
    func inspectors() throws {
        let entries = try RosterFile.inspectors(try table("id,name,jurisdiction,categories,status\nSF640104001,张三,640104,律师、公证;legal-aid,在岗\n"), file: "i.csv", jurisdictions: ningxia)
        #expect(entries.first?.categories == [.lawyer, .notary, .legalAid])
        do {
            _ = try RosterFile.inspectors(try table("id,name,jurisdiction,categories,status\nSF 1,张三,640104,律师；会计,休假\n"), file: "i.csv", jurisdictions: ningxia)
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.problems.map(\.field).sorted() == ["categories", "id", "status"])
        }
    }

    @Test("checklist: every field required (Art. 5), codes unique per category")
    func checklist() throws {
        let header = "业务类别,事项编码,事项名称,抽查依据,抽查主体,抽查内容,抽查方式\n"
        let entries = try RosterFile.checklist(try table(header + "律师,L1,执业许可,律师法,司法厅,许可证,书面检查\n公证,L1,公证程序,公证法,司法厅,卷宗,查阅\n"), file: "c.csv")
        #expect(entries.count == 2)
        do {
            _ = try RosterFile.checklist(try table(header + "律师,L1,执业许可,,司法厅,许可证,书面检查\n律师,L1,x,y,z,w,v\n"), file: "c.csv")
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.problems.map(\.description) == [
                "c.csv:2: 抽查依据: is empty; a value is required",
                "c.csv:3: 事项编码: \"L1\" is listed twice for 律师 (also line 2)",
            ])
        }
    }

    @Test("conflicts must name inspectors and institutions on the rosters")
    func conflicts() throws {
        do {
            _ = try RosterFile.conflicts(try table("执法证号,统一社会信用代码,原因\nSF1,31640205E78825856H,亲属\nSF9,X,亲属\n"), file: "r.csv",
                                         inspectors: ["SF1"], institutions: ["31640205E78825856H"])
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.problems.map(\.description) == [
                "r.csv:3: 执法证号: \"SF9\" is not on the inspector roster",
                "r.csv:3: 统一社会信用代码: \"X\" is not on the institution roster",
            ])
        }
    }

    @Test("jurisdiction tables: six-digit codes, known parents, no cycles")
    func jurisdictions() throws {
        let loaded = try JurisdictionFile.parse(try table("code,name,parent\n650000,新疆维吾尔自治区,\n650100,乌鲁木齐市,650000\n"), file: "j.csv", existing: [])
        #expect(loaded.count == 2)
        do {
            _ = try JurisdictionFile.parse(try table("code,name,parent\n65010,x,\n650100,y,659999\n"), file: "j.csv", existing: [])
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.problems.map(\.line) == [2, 3])
        }
        do {
            _ = try JurisdictionFile.parse(try table("code,name,parent\n650100,y,659999\n"), file: "j.csv", existing: [])
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.problems.first?.message == "\"659999\" is not a jurisdiction in this file or already loaded")
        }
        do {
            _ = try JurisdictionFile.parse(try table("code,name,parent\n650100,a,650200\n650200,b,650100\n"), file: "j.csv", existing: [])
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.problems.first?.message.contains("its own ancestor") == true)
        }
    }
}
