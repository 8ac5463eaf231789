import Foundation
import Import
import Testing

/// Hostile workbooks are refused at once, with a message naming the limit, and ordinary ones
/// (deflated, stored, ZIP64, every kind of cell) still read. The bombs are real: made here, they
/// inflate to what they say.
@Suite("Safe workbooks")
struct SafeWorkbookTests {
    /// Writes a workbook whose first worksheet inflates to at least SIZE bytes: a header row, then
    /// `cell` (one cell of "A"s) or `rows` (rows of one cell "x"). The worksheet is deflated a MiB
    /// at a time with full flushes, so one compressed block repeats and a GiB takes a second to
    /// make; its ZIP headers declare DECLARED bytes (the real size unless told). Prints the real
    /// size and the number of rows after the header.
    static let bombScript = #"""
        import sys, struct, zlib
        path, size, fill = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        declared = int(sys.argv[4]) if len(sys.argv) > 4 else None
        ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + ns + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe7\xbc\x96\xe5\x8f\xb7</t></is></c></row>'
        if fill == "cell":
            head += b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
            tail = b'</t></is></c></row></sheetData></worksheet>'
            chunk = b"A" * (1 << 20)
        else:
            tail = b'</sheetData></worksheet>'
            row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
            chunk = row * ((1 << 20) // len(row))
        count = max(0, -(-(size - len(head) - len(tail)) // len(chunk)))
        def deflate(text):
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            return c.compress(text) + c.flush()
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
        block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        last = c.compress(tail) + c.flush()
        crc = zlib.crc32(head)
        for _ in range(count): crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail, crc)
        real = len(head) + count * len(chunk) + len(tail)
        def part(text):
            return ([deflate(text)], zlib.crc32(text), len(text), len(text))
        parts = [
            ("[Content_Types].xml", part(b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')),
            ("xl/workbook.xml", part(b'<?xml version="1.0"?><workbook ' + ns + b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>')),
            ("xl/_rels/workbook.xml.rels", part(b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')),
            ("xl/worksheets/sheet1.xml", ([first] + [block] * count + [last], crc, real, real if declared is None else declared)),
        ]
        with open(path, "wb") as f:
            central = b""
            for name, (pieces, crc, real_size, declared_size) in parts:
                offset = f.tell()
                compressed = sum(len(p) for p in pieces)
                header = (20, 0, 8, 0, 0x21, crc, compressed, declared_size, len(name))
                f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *header, 0) + name.encode())
                for p in pieces: f.write(p)
                central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *header, 0, 0, 0, 0, 0, offset) + name.encode()
            start = f.tell()
            f.write(central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), start, 0))
        print(real, count * chunk.count(b"<row>"))
        """#

    /// Makes a bomb (see ``bombScript``): its path, the size it really inflates to, its rows.
    static func bomb(_ name: String, size: Int, fill: String = "cell", declared: Int? = nil) throws -> (path: String, real: Int, rows: Int) {
        let path = XLSXTableTests.temporary(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", bombScript, path, String(size), fill] + (declared.map { [String($0)] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let numbers = printed.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(numbers.count == 2)
        return (path, numbers[0], numbers[1])
    }

    /// The one problem a refused workbook reports.
    static func refusal(_ path: String, limits: XLSXTable.Limits = .standard) throws -> (problem: InputProblem, seconds: Double) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let start = ContinuousClock.now
        do {
            let table = try XLSXTable.read(data, file: path, limits: limits)
            Issue.record("accepted, \(table.records.count) rows")
            throw CocoaError(.coderInvalidValue)
        } catch let error as InputError {
            let elapsed = ContinuousClock.now - start
            #expect(error.problems.count == 1, "\(error)")
            let problem = try #require(error.problems.first)
            return (problem, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    @Test("a 1 MB workbook whose worksheet inflates to 1 GiB is refused at once, from its declared size, naming the limit")
    func gigabyteBomb() throws {
        let (path, real, _) = try Self.bomb("bomb.xlsx", size: 1 << 30)
        #expect(real >= 1 << 30)
        let bytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(bytes < 1_200_000, "a bomb of \(bytes) bytes")
        let (problem, seconds) = try Self.refusal(path)
        #expect(problem.field == "(xlsx)")
        #expect(problem.line == nil)
        #expect(problem.message == "the worksheet xl/worksheets/sheet1.xml declares 1.0 GiB when inflated, past the 256 MiB limit for a workbook part; refused")
        #expect(problem.description.hasPrefix("\(path): (xlsx): "))
        #expect(seconds < 1, "\(seconds) s")
        // The same through the roster reader, as the CLI calls it.
        do { _ = try RosterFile.readTable(path: path); Issue.record("accepted") } catch {
            #expect(error.problems.first?.message.contains("past the 256 MiB limit for a workbook part") == true)
        }
    }

    @Test("a bomb whose ZIP headers declare 4 KiB is caught while inflating, after its first chunk")
    func lyingHeader() throws {
        let (path, _, _) = try Self.bomb("liar.xlsx", size: 1 << 30, declared: 4096)
        let (problem, seconds) = try Self.refusal(path)
        #expect(problem.message == "the worksheet xl/worksheets/sheet1.xml inflates to more than the 4 KiB its ZIP directory declares, so the workbook is damaged or forged; refused")
        #expect(seconds < 1, "\(seconds) s")
    }

    @Test("a part that declares exactly the size limit and inflates past it is refused naming the limit")
    func lyingAtTheLimit() throws {
        let (path, _, _) = try Self.bomb("limit.xlsx", size: 64 << 20, fill: "rows", declared: 1 << 20)
        let (problem, _) = try Self.refusal(path, limits: XLSXTable.Limits(partSize: 1 << 20))
        #expect(problem.message == "the worksheet xl/worksheets/sheet1.xml inflates past the 1 MiB limit for a workbook part; refused")
    }

    @Test("a part that declares more than 100 times its compressed size, past 4 MiB, is refused at once")
    func compressionRatio() throws {
        let (path, real, _) = try Self.bomb("ratio.xlsx", size: 64 << 20)
        #expect(real < 256 << 20, "under the size limit, so that the ratio is what refuses it")
        let (problem, seconds) = try Self.refusal(path)
        #expect(problem.message.hasPrefix("the worksheet xl/worksheets/sheet1.xml declares 64.0 MiB inflated from "))
        #expect(problem.message.hasSuffix(", past the 100:1 compression-ratio limit for a workbook part (a ZIP bomb?); refused"))
        #expect(seconds < 1, "\(seconds) s")
    }

    @Test("below 4 MiB any ratio is allowed: 3 MiB of repeated rows that deflate 300 times read")
    func smallPartsDeflateWell() throws {
        let (path, real, rows) = try Self.bomb("rows.xlsx", size: 3 << 20, fill: "rows")
        let compressed = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(real / compressed > 100, "ratio \(real / compressed)")
        #expect(rows > 60_000)
        let (table, _, _) = try RosterFile.readTable(path: path)
        #expect(table.header == ["编号"])
        #expect(table.records.count == rows)
        #expect(table.records.allSatisfy { $0.fields == ["x"] })
        #expect(table.records.first?.line == 2)
        #expect(table.records.last?.line == table.records.count + 1)
    }

    @Test("a cell of more than 128 KiB of text is refused; so is a worksheet of more cells than the limit")
    func cellLimits() throws {
        let (path, _, _) = try Self.bomb("cell.xlsx", size: 1 << 20)
        let (problem, _) = try Self.refusal(path)
        #expect(problem.message == "the worksheet xl/worksheets/sheet1.xml has a cell (row 2) whose text is longer than 128 KiB, past the limit for a cell's text; refused")

        let wide = XLSXTableTests.temporary("wide.xlsx")
        try XLSXTableTests.python("""
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active
            ws.append(["a", "b"])
            for row in range(2, 12): ws.cell(row=row, column=100, value="far")
            wb.save(sys.argv[1])
            """, [wide])
        let (many, _) = try Self.refusal(wide, limits: XLSXTable.Limits(cells: 500))
        #expect(many.message == "the worksheet xl/worksheets/sheet1.xml has more than 500 cells (counting the empty ones before a row's last cell), past the limit for a worksheet; refused")
        // The header's 2 cells and 10 rows of 100 (99 of them empty): 1,002 in all.
        #expect(try XLSXTable.read(Data(contentsOf: URL(fileURLWithPath: wide)), file: wide, limits: XLSXTable.Limits(cells: 1_002)).records.count == 10)
        #expect(try Self.refusal(wide, limits: XLSXTable.Limits(cells: 1_001)).problem.message.contains("more than 1001 cells"))
    }

    /// A workbook of the given parts, written by Python's zipfile; or, for `zip64`, by hand with
    /// every size and offset in ZIP64 fields (all ones in the 32-bit ones, a ZIP64 end record), as
    /// streaming writers do.
    static func workbook(_ name: String, sheet: String, sharedStrings: String? = nil, compression: String = "ZIP_DEFLATED", zip64: Bool = false) throws -> String {
        let path = XLSXTableTests.temporary(name)
        try XLSXTableTests.python(#"""
            import sys, struct, zipfile, zlib
            path, sheet, strings, compression, zip64 = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"
            ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            parts = [
                ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
                ("xl/workbook.xml", '<?xml version="1.0"?><workbook %s xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>' % ns),
                ("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/></Relationships>'),
            ] + ([("xl/sharedStrings.xml", strings)] if strings else []) + [("xl/worksheets/sheet1.xml", sheet)]
            if not zip64:
                with zipfile.ZipFile(path, "w", getattr(zipfile, compression)) as z:
                    for name, text in parts: z.writestr(name, text)
                sys.exit(0)
            ones = 0xFFFFFFFF
            with open(path, "wb") as f:
                central = b""
                for name, text in parts:
                    data = text.encode(); c = zlib.compressobj(9, zlib.DEFLATED, -15); packed = c.compress(data) + c.flush()
                    offset, crc, name = f.tell(), zlib.crc32(data), name.encode()
                    extra = struct.pack("<HHQQ", 1, 16, len(data), len(packed))
                    f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, ones, ones, len(name), len(extra)) + name + extra + packed)
                    extra = struct.pack("<HHQQQ", 1, 24, len(data), len(packed), offset)
                    central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc, ones, ones, len(name), len(extra), 0, 0, 0, 0, ones) + name + extra
                start = f.tell(); f.write(central); end = f.tell()
                f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(parts), len(parts), len(central), start))
                f.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
                f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, ones, ones, 0))
            with zipfile.ZipFile(path) as z:  # Python reads it back, or the test is wrong
                assert [z.read(name).decode() for name, _ in parts] == [text for _, text in parts]
                assert all(info.header_offset >= 0 for info in z.infolist())
            """#, [path, sheet, sharedStrings ?? "", compression, zip64 ? "1" : "0"])
        return path
    }

    static let cells = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D4"/><sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>合计</t></is></c><c r="D1" t="str"><f>"有效"</f><v>有效</v></c></row>
        <row r="2"><c r="A2" t="s"><v>2</v></c><c r="C2"><f>1+1</f><v>2</v></c><c r="D2" t="b"><v>1</v></c></row>
        <row><c t="s"><v>3</v></c><c t="inlineStr"><is><t xml:space="preserve"> 007 </t></is></c><c r="D3" t="b"><v>0</v></c></row>
        <row r="9" spans="1:4"><c r="A9" t="inlineStr"><is><r><rPr><b/></rPr><t>律</t></r><r><t>师&amp;&lt;</t></r></is></c></row>
        </sheetData><mergeCells count="0"/></worksheet>
        """
    static let strings = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
        <si><t>编号</t></si><si><r><t>名</t></r><r><rPr><i/></rPr><t>称</t></r></si><si><t>000123</t><rPh sb="0" eb="1"><t>ピン</t></rPh><phoneticPr fontId="1"/></si><si><t/></si>
        </sst>
        """

    @Test("ordinary workbooks still read: deflated, stored, ZIP64; shared, rich, inline, boolean and formula cells, gaps and rows without numbers")
    func ordinaryWorkbooks() throws {
        for (name, compression, zip64) in [("deflated.xlsx", "ZIP_DEFLATED", false), ("stored.xlsx", "ZIP_STORED", false), ("zip64.xlsx", "ZIP_DEFLATED", true)] {
            let path = try Self.workbook(name, sheet: Self.cells, sharedStrings: Self.strings, compression: compression, zip64: zip64)
            let (table, _, encoding) = try RosterFile.readTable(path: path)
            #expect(encoding == "xlsx")
            #expect(table.header == ["编号", "名称", "合计", "有效"], "\(name)")
            #expect(table.headerLine == 1)
            #expect(table.records.map(\.line) == [2, 3, 9], "\(name)")
            #expect(table.records.map(\.fields) == [
                ["000123", "", "2", "TRUE"],
                ["", " 007 ", "", "FALSE"],
                ["律师&<", "", "", ""],
            ], "\(name)")
        }
    }

    @Test("a cell naming a shared string that does not exist is reported with its row and reference")
    func missingSharedString() throws {
        let sheet = #"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="s"><v>x</v></c></row></sheetData></worksheet>"#
        let path = try Self.workbook("missing.xlsx", sheet: sheet, sharedStrings: Self.strings)
        do { _ = try RosterFile.readTable(path: path); Issue.record("accepted") } catch {
            #expect(error.problems.map(\.description) == [
                "\(path):2: A2: refers to a shared string that does not exist",
                "\(path):2: B2: refers to a shared string that does not exist",
            ])
        }
    }

    @Test("a DTD (the way to an XML entity bomb) is refused before it is expanded, in UTF-8 or UTF-16; so is an encoding that hides one")
    func entityBombs() throws {
        let entities = "<!ENTITY a \"aaaaaaaaaa\">" + (1...9).map { "<!ENTITY a\($0) \"" + String(repeating: $0 == 1 ? "&a;" : "&a\($0 - 1);", count: 10) + "\">" }.joined()
        let laughs = #"<?xml version="1.0"?><!DOCTYPE worksheet [\#(entities)]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData></worksheet>"#
        let path = try Self.workbook("laughs.xlsx", sheet: laughs)
        let (problem, seconds) = try Self.refusal(path)
        #expect(problem.message == "the worksheet xl/worksheets/sheet1.xml declares a DTD (<!DOCTYPE …>), which workbooks never do and XML entity bombs need; refused")
        #expect(seconds < 1)

        // The same document in UTF-16 with a byte-order mark.
        let utf16 = XLSXTableTests.temporary("laughs16.xlsx")
        try XLSXTableTests.python("""
            import sys, zipfile
            src = zipfile.ZipFile(sys.argv[1])
            with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
                for info in src.infolist():
                    data = src.read(info)
                    if info.filename.endswith("sheet1.xml"): data = data.decode().replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>', 1).encode("utf-16")
                    z.writestr(info.filename, data)
            """, [path, utf16])
        #expect(try Self.refusal(utf16).problem.message.contains("declares a DTD"))

        let utf7 = #"<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE worksheet+AD4-<worksheet/>"#
        let seven = try Self.workbook("utf7.xlsx", sheet: utf7)
        #expect(try Self.refusal(seven).problem.message == "the worksheet xl/worksheets/sheet1.xml declares the character encoding UTF-7, which a workbook part does not use; refused")
    }

    @Test("a deflate stream that runs past its entry is damaged, not looped on; so is a wrong CRC")
    func damagedStreams() throws {
        let good = try Self.workbook("good.xlsx", sheet: Self.cells, sharedStrings: Self.strings)
        // xl/workbook.xml's deflate data replaced by a stored block that promises 65,535 bytes and
        // holds the start of a document: the inflater wants more than the entry has. (ZIPFoundation's
        // Linux inflater read on into the central directory and then looped forever at 100% CPU.)
        let runsOn = XLSXTableTests.temporary("runs-on.xlsx")
        let badCRC = XLSXTableTests.temporary("bad-crc.xlsx")
        try XLSXTableTests.python(#"""
            import sys, struct, zipfile
            data = bytearray(open(sys.argv[1], "rb").read())
            def local(name):
                pos = 0
                while True:
                    pos = data.index(b"PK\x03\x04", pos)
                    n, e = struct.unpack_from("<HH", data, pos + 26)
                    if data[pos + 30:pos + 30 + n] == name: return pos, pos + 30 + n + e, struct.unpack_from("<I", data, pos + 18)[0]
                    pos += 4
            _, start, size = local(b"xl/workbook.xml")
            prefix = b'<?xml version="1.0"?><workbook'
            assert size >= 5 + len(prefix)
            runs = bytearray(data)
            runs[start:start + size] = bytes([0x00, 0xFF, 0xFF, 0x00, 0x00]) + prefix + b" " * (size - 5 - len(prefix))
            open(sys.argv[2], "wb").write(runs)
            crc = bytearray(data)
            # The central directory's CRC of the worksheet, off by one.
            pos = 0
            while True:
                pos = crc.index(b"PK\x01\x02", pos)
                n = struct.unpack_from("<H", crc, pos + 28)[0]
                if crc[pos + 46:pos + 46 + n] == b"xl/worksheets/sheet1.xml": break
                pos += 4
            struct.pack_into("<I", crc, pos + 16, (struct.unpack_from("<I", crc, pos + 16)[0] + 1) & 0xFFFFFFFF)
            open(sys.argv[3], "wb").write(crc)
            """#, [good, runsOn, badCRC])
        #expect(try RosterFile.readTable(path: good).table.records.count == 3)
        let (problem, seconds) = try Self.refusal(runsOn)
        #expect(problem.message == "the part xl/workbook.xml of the workbook is damaged")
        #expect(seconds < 1)
        #expect(try Self.refusal(badCRC).problem.message == "the part xl/worksheets/sheet1.xml of the workbook is damaged")
    }
}
