import Foundation
@testable import Import
import Testing

@Suite("Encodings")
struct TextEncodingTests {
    static let sample = "统一社会信用代码,机构名称\r\n31640205E78825856H,宁夏正信律师事务所\r\n"

    @Test("UTF-8, UTF-8 with a BOM and GB18030 are told apart without asking")
    func detection() throws {
        let utf8 = try TextEncoding.decode(Data(Self.sample.utf8), file: "a.csv")
        #expect(utf8.encoding == .utf8)
        #expect(utf8.text == Self.sample)
        let bom = try TextEncoding.decode(Data([0xEF, 0xBB, 0xBF]) + Data(Self.sample.utf8), file: "a.csv")
        #expect(bom.encoding == .utf8BOM)
        #expect(bom.text == Self.sample)
        let gbData = Self.sample.data(using: String.Encoding(rawValue: 0x8000_0632))!
        #expect(gbData.count < Data(Self.sample.utf8).count)
        let gb = try TextEncoding.decode(gbData, file: "a.csv")
        #expect(gb.encoding == .gb18030)
        #expect(gb.text == Self.sample)
    }

    @Test("GB18030 bytes forced as UTF-8, UTF-16 and empty files are clear errors")
    func refusals() {
        let gbData = Self.sample.data(using: String.Encoding(rawValue: 0x8000_0632))!
        #expect(throws: InputError.self) { try TextEncoding.decode(gbData, file: "a.csv", forced: .utf8) }
        do { _ = try TextEncoding.decode(Data([0xFF, 0xFE, 0x41, 0x00]), file: "u16.csv"); Issue.record("accepted") } catch {
            #expect(error.problems.first?.description.hasPrefix("u16.csv: (encoding): the file is UTF-16") == true)
        }
        do { _ = try TextEncoding.decode(Data(), file: "empty.csv"); Issue.record("accepted") } catch {
            #expect(error.problems.first?.message == "the file is empty")
        }
    }
}

@Suite("CSV")
struct CSVTableTests {
    @Test("quotes, doubled quotes, commas and line breaks inside fields; records keep their first line")
    func quoting() throws {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n2,\"multi\r\nline\",4\r\n5,,\r\n"
        let table = try CSVTable.parse(text, file: "q.csv")
        #expect(table.header == ["a", "b", "c"])
        #expect(table.records.map(\.line) == [2, 4, 6])
        #expect(table.records[0].fields == ["1", "x, \"y\"", "3"])
        #expect(table.records[1].fields == ["2", "multi\r\nline", "4"])
        #expect(table.records[2].fields == ["5", "", ""])
    }

    @Test("LF line ends and no final newline")
    func lf() throws {
        let table = try CSVTable.parse("a,b\n1,2\n3,4", file: "x.csv")
        #expect(table.records.map(\.fields) == [["1", "2"], ["3", "4"]])
    }

    @Test("an unterminated quote names its line; text after a closing quote is refused")
    func broken() {
        do { _ = try CSVTable.parse("a,b\n1,2\n3,\"open\n4,5\n", file: "u.csv"); Issue.record("accepted") } catch {
            #expect(error.problems.first?.description == "u.csv:3: (csv): a quoted field opened on this line is never closed")
        }
        do { _ = try CSVTable.parse("a,b\n\"1\"x,2\n", file: "t.csv"); Issue.record("accepted") } catch {
            #expect(error.problems.first?.line == 2)
        }
        do { _ = try CSVTable.parse("\r\n\r\n", file: "blank.csv"); Issue.record("accepted") } catch {
            #expect(error.problems.first?.field == "(file)")
        }
    }
}

@Suite("CSV on all cores")
struct ParallelCSVTests {
    /// A file of about 2 MB (over the 1 MB split threshold) whose records hold quoted commas, doubled quotes and line breaks,
    /// so that the split points fall among them.
    static func bigFile() -> String {
        var text = "id,name,note\r\n"
        for index in 0..<60_000 {
            switch index % 4 {
            case 0: text += "\(index),\"name, \(index)\",\"two\r\nlines \"\"quoted\"\"\"\r\n"
            case 1: text += "\(index),宁夏第\(index)律师事务所,plain\n"
            case 2: text += "\(index),\"\",\"\"\r\n"
            default: text += "\(index),x,\"multi\nline\nnote\"\r\n"
            }
        }
        return text
    }

    @Test("a large file parsed in parts gives exactly the records and lines of one pass")
    func sameAsOnePass() throws {
        let text = Self.bigFile()
        #expect(text.utf8.count > 1 << 20)
        let parallel = try CSVTable.parse(text, file: "big.csv")
        var copy = text
        let sequential = copy.withUTF8 { CSVTable.parseRecords($0, 0..<$0.count, firstLine: 1, file: "big.csv") }
        #expect(sequential.1 == nil)
        #expect(parallel.records.count == 60_000)
        #expect(parallel.records.map(\.line) == sequential.0.dropFirst().map(\.line))
        #expect(parallel.records.map(\.fields) == sequential.0.dropFirst().map(\.fields))
        // Each group of four records spans 7 lines; the last record (3 lines) starts 2 lines before the end.
        #expect(parallel.records.last?.line == 1 + 7 * 15_000 - 2)
        let parts = copy.withUTF8 { CSVTable.split($0, into: 2) }
        #expect(parts.count == 2)
    }

    @Test("a stray quote that misleads the split still gives the one-pass answer")
    func strayQuote() throws {
        // The stray quote (taken literally, inside an unquoted field) flips the quote parity the
        // split relies on, so the split cuts inside the quoted line breaks that follow.
        var text = "a,b\n" + "x,ab\"c\n"
        for index in 0..<60_000 { text += "\(index),\"first line\nsecond line \(index)\"\n" }
        var copy = text
        let parts = copy.withUTF8 { CSVTable.split($0, into: 2) }
        #expect(parts.count == 2)
        let misled = copy.withUTF8 { CSVTable.parseRecords($0, parts[0].range, firstLine: 1, file: "stray.csv") }
        #expect(misled.1 != nil, "the first part ends inside a quoted field")
        let parsed = try CSVTable.parse(text, file: "stray.csv")
        #expect(parsed.records.first?.fields == ["x", "ab\"c"])
        #expect(parsed.records.count == 60_001)
        #expect(parsed.records.last?.line == 3 + 2 * 59_999)
        #expect(parsed.records.last?.fields == ["59999", "first line\nsecond line 59999"])
    }
}
