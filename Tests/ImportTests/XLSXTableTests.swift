import Foundation
import Import
import Rosters
import Testing

/// Workbooks written by real tools: openpyxl (shared strings, as Excel writes them) and a
/// hand-built SpreadsheetML package with inline strings, rich text and a gap in the cells.
@Suite("Excel workbooks")
struct XLSXTableTests {
    static func python(_ script: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: message]) }
    }

    static func temporary(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-xlsx-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    @Test("openpyxl workbook: first sheet in workbook order, leading zeros of text cells kept, numbers as written")
    func openpyxl() throws {
        let path = Self.temporary("inspectors.xlsx")
        try Self.python("""
            import sys, openpyxl
            wb = openpyxl.Workbook()
            first = wb.active
            first.title = "执法人员"
            first.append(["执法证号", "姓名", "辖区", "业务类别", "状态"])
            first.append(["00123", "张三", 640104, "律师、公证", "在岗"])
            first.append([])
            first.append(["SF640105002", "李四", "640105", "仲裁", "不在岗"])
            other = wb.create_sheet("说明", 1)
            other.append(["not", "this", "sheet"])
            wb.save(sys.argv[1])
            """, [path])
        let (table, _, encoding) = try RosterFile.readTable(path: path)
        #expect(encoding == "xlsx")
        #expect(table.header == ["执法证号", "姓名", "辖区", "业务类别", "状态"])
        #expect(table.records.map(\.line) == [2, 4])
        #expect(table.records[0].fields == ["00123", "张三", "640104", "律师、公证", "在岗"])
        let inspectors = try RosterFile.inspectors(table, file: path, jurisdictions: ningxia)
        #expect(inspectors.map(\.id) == ["00123", "SF640105002"])
    }

    @Test("inline strings, rich-text runs and skipped cells")
    func inlineStrings() throws {
        let path = Self.temporary("checklist.xlsx")
        try Self.python(#"""
            import sys, zipfile
            sheet = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>业务类别</t></is></c><c r="B1" t="inlineStr"><is><t>事项编码</t></is></c><c r="C1" t="s"><v>0</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><r><t>律</t></r><r><t xml:space="preserve">师</t></r></is></c><c r="C3" t="inlineStr"><is><t xml:space="preserve"> 0042 </t></is></c></row>
            </sheetData></worksheet>'''
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
                z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="清单" sheetId="1" r:id="rId7"/></sheets></workbook>')
                z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>')
                z.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>事项名称</t></si></sst>')
                z.writestr("xl/worksheets/data.xml", sheet)
            """#, [path])
        let (table, _, _) = try RosterFile.readTable(path: path)
        #expect(table.header == ["业务类别", "事项编码", "事项名称"])
        #expect(table.records.first?.line == 3)
        #expect(table.records.first?.fields == ["律师", "", " 0042 "])
    }

    @Test("a file that is not a workbook is a clear error")
    func notAWorkbook() throws {
        let path = Self.temporary("fake.xlsx")
        try Data("统一社会信用代码,机构名称\n".utf8).write(to: URL(fileURLWithPath: path))
        do { _ = try RosterFile.readTable(path: path); Issue.record("accepted") } catch {
            #expect(error.problems.first?.description.contains("fake.xlsx: (xlsx): not an Excel workbook") == true)
        }
    }
}
