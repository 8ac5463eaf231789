import Foundation
import Testing

/// Hostile files through the real binary (issue 7 item 9): a ZIP bomb is refused fast and small,
/// and names from imported files cannot become formulas in the published CSV.
@Suite("Safe files")
struct SafeFilesTests {
    /// A database with the Ningxia jurisdictions loaded (an institution import needs them).
    func prepared() throws -> SpotcheckProcess {
        let cli = SpotcheckProcess()
        let result = try cli.run(["jurisdictions", "load", "config/jurisdictions/640000-ningxia.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        return cli
    }

    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
        return text
    }

    /// A workbook of about 1 MB whose first worksheet, one cell of "A"s, inflates to SIZE bytes:
    /// deflated a MiB at a time with full flushes, so that the same block repeats. Its ZIP headers
    /// declare DECLARED bytes (the real size unless told). Prints the real size.
    static let bombScript = #"""
        import sys, struct, zlib
        path, size = sys.argv[1], int(sys.argv[2])
        declared = int(sys.argv[3]) if len(sys.argv) > 3 else None
        ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + ns + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        tail = b'</t></is></c></row></sheetData></worksheet>'
        chunk = b"A" * (1 << 20)
        count = -(-(size - len(head) - len(tail)) // len(chunk))
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        first, block, last = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH), c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH), c.compress(tail) + c.flush()
        crc = zlib.crc32(head)
        for _ in range(count): crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail, crc)
        real = len(head) + count * len(chunk) + len(tail)
        def part(text):
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            return [c.compress(text) + c.flush()], zlib.crc32(text), len(text)
        parts = [
            ("[Content_Types].xml", part(b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')),
            ("xl/workbook.xml", part(b'<?xml version="1.0"?><workbook ' + ns + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>')),
            ("xl/_rels/workbook.xml.rels", part(b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/></Relationships>')),
            ("xl/worksheets/sheet1.xml", ([first] + [block] * count + [last], crc, real if declared is None else declared)),
        ]
        with open(path, "wb") as f:
            central = b""
            for name, (pieces, crc, size_field) in parts:
                offset = f.tell()
                header = (20, 0, 8, 0, 0x21, crc, sum(len(p) for p in pieces), size_field, len(name))
                f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *header, 0) + name.encode())
                for p in pieces: f.write(p)
                central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *header, 0, 0, 0, 0, 0, offset) + name.encode()
            start = f.tell()
            f.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), start, 0))
        print(real)
        """#

    @Test("the measuring helper sees a child's wall time and peak memory")
    func measuringWorks() throws {
        let scratch = SpotcheckProcess().directory
        let run = try SpotcheckProcess.measure("/usr/bin/env", ["python3", "-c", "import time; x = bytearray(300 << 20); time.sleep(0.3); print('ok')"],
                                               environment: ProcessInfo.processInfo.environment, scratch: scratch)
        #expect(run.result.status == 0)
        #expect(run.result.stdout == "ok\n")
        #expect(run.peakResidentBytes > 300 << 20, "\(run.peakResidentBytes)")
        #expect(run.peakResidentBytes < 400 << 20, "\(run.peakResidentBytes)")
        #expect(run.seconds >= 0.3 && run.seconds < 10, "\(run.seconds)")
        let failed = try SpotcheckProcess.measure("/bin/sh", ["-c", "echo no >&2; exit 65"], environment: [:], scratch: scratch)
        #expect(failed.result.status == 65)
        #expect(failed.result.stderr == "no\n")
    }

    @Test("a 1 MB .xlsx whose sheet inflates to 1 GiB is refused in under 5 s and 512 MiB, naming the limit; nothing changes",
          arguments: [nil, 4096])
    func zipBomb(declared: Int?) throws {
        let cli = try prepared()
        let path = cli.directory.appendingPathComponent("bomb.xlsx").path
        let printed = try Self.python(Self.bombScript, [path, String(1 << 30)] + (declared.map { [String($0)] } ?? []))
        #expect(Int(printed.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 1 << 30)
        let bytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(bytes < 1_200_000, "the bomb is \(bytes) bytes")
        let before = cli.databaseBytes()

        let run = try cli.measured(["import", "institutions", path])
        #expect(run.result.status == 65, "\(run.result.stderr)")
        if declared == nil {
            #expect(run.result.stderr.contains("\(path): (xlsx): the worksheet xl/worksheets/sheet1.xml declares 1.0 GiB when inflated, past the 256 MiB limit for a workbook part; refused"),
                    "\(run.result.stderr)")
        } else {
            #expect(run.result.stderr.contains("\(path): (xlsx): the worksheet xl/worksheets/sheet1.xml inflates to more than the 4 KiB its ZIP directory declares, so the workbook is damaged or forged; refused"),
                    "\(run.result.stderr)")
        }
        #expect(run.seconds < 5, "took \(run.seconds) s")
        #expect(run.peakResidentBytes < 512 << 20, "peak RSS \(run.peakResidentBytes >> 20) MiB")
        #expect(cli.databaseBytes() == before, "the database changed")
    }

    @Test("names that start like formulas are published as text: no cell of any published CSV starts with = + - @ tab or CR; the page shows them escaped")
    func csvInjection() throws {
        let cli = try prepared()
        let names = [
            #"=HYPERLINK("http://example.invalid","点击")"#,
            #"@SUM(1+1)*cmd|" /C calc"!A0"#,
            "+1",
            "-1",
            "\t=1+1",
            "宁夏正信律师事务所",
        ]
        func csvField(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = ["统一社会信用代码,机构名称,业务类别,辖区,风险等级,风险原因,状态"]
        for (index, name) in names.enumerated() {
            let first17 = "31640205E7882585\(index)"
            lines.append("\(first17)\(checkCharacter(first17)),\(csvField(name)),律师,640104,一般,\(csvField("=cmd|' /C calc'!A0")),正常")
        }
        let institutions = try cli.write("institutions.csv", lines.joined(separator: "\r\n") + "\r\n")
        let imported = try cli.run(["import", "institutions", institutions, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try imported.json()["added"] as? Int == names.count)
        let inspectors = try cli.write("inspectors.csv", "执法证号,姓名,辖区,业务类别,状态\r\nSF640104001,=1+1,640104,律师,在岗\r\nSF640104002,-张三,640104,律师,在岗\r\n")
        #expect(try cli.run(["import", "inspectors", inspectors]).status == 0)
        let checklist = try cli.write("checklist.csv", "业务类别,事项编码,事项名称,抽查依据,抽查主体,抽查内容,抽查方式\r\n律师,L1,=1+1,@依据,+主体,-内容,\"=HYPERLINK(\"\"http://example.invalid\"\")\"\r\n")
        #expect(try cli.run(["import", "checklist", checklist]).status == 0)

        let out = cli.directory.appendingPathComponent("portal").path
        let published = try cli.run(["publish", "rosters", "--out", out])
        #expect(published.status == 0, "\(published.stderr)")

        // Every published CSV, read by Python's csv module (not by our reader).
        let json = try Self.python("""
            import csv, glob, json, os, sys
            print(json.dumps({os.path.basename(p): list(csv.reader(open(p, encoding="utf-8-sig", newline=""))) for p in sorted(glob.glob(sys.argv[1] + "/*.csv"))}))
            """, [out])
        let files = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [[String]]])
        #expect(Set(files.keys) == ["checklist.csv", "institutions.csv", "inspectors.csv"])
        let formula: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
        for (file, rows) in files {
            #expect(rows.count >= 2, "\(file)")
            for row in rows {
                for cell in row {
                    #expect(cell.unicodeScalars.first.map { formula.contains(Character($0)) } != true, "\(file): \(cell.debugDescription)")
                }
            }
        }
        let publishedNames = Set((files["institutions.csv"] ?? []).dropFirst().map { $0[1] })
        #expect(publishedNames == [
            #"'=HYPERLINK("http://example.invalid","点击")"#,
            #"'@SUM(1+1)*cmd|" /C calc"!A0"#,
            "'+1",
            "'-1",
            "'=1+1",  // the import trimmed the tab; what was behind it is neutralized too
            "宁夏正信律师事务所",
        ])
        #expect(!(files["institutions.csv"] ?? []).flatMap { $0 }.contains { $0.contains("cmd|' /C") }, "risk reasons are not published")
        #expect((files["inspectors.csv"] ?? []).dropFirst().map { $0[1] } == ["'=1+1", "'-张三"])
        #expect(files["checklist.csv"]?.last == ["律师", "L1", "'=1+1", "'@依据", "'+主体", "'-内容", #"'=HYPERLINK("http://example.invalid")"#])

        let html = try String(contentsOfFile: "\(out)/index.html", encoding: .utf8)
        #expect(html.contains("<td>=HYPERLINK(&quot;http://example.invalid&quot;,&quot;点击&quot;)</td>"))
        #expect(html.contains("<td>@SUM(1+1)*cmd|&quot; /C calc&quot;!A0</td>"))
        #expect(html.contains("<td>+1</td>") && html.contains("<td>-1</td>"))
        #expect(!html.contains("'=HYPERLINK"), "the page shows the names as they are")
        #expect(!html.contains("\"http://example.invalid\""))
    }
}
