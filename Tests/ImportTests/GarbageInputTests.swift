import Foundation
import Import
import Rosters
import Testing

/// No input crashes an import: random bytes and mangled files end in a refusal or a table.
@Suite("Garbage in")
struct GarbageInputTests {
    static func randomBytes(_ count: Int, _ generator: inout SystemRandomNumberGenerator) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    @Test("random bytes as CSV, workbook, calendar file and roster")
    func randomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("a,\"\n\r统 ;、0".utf8)
        for round in 0..<300 {
            let bytes = round % 2 == 0 ? Self.randomBytes(Int.random(in: 0...400, using: &generator), &generator)
                : Data((0..<Int.random(in: 0...400, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            if let (text, _) = try? TextEncoding.decode(bytes, file: "r.csv"), let table = try? CSVTable.parse(text, file: "r.csv") {
                _ = try? RosterFile.institutions(table, file: "r.csv", jurisdictions: ningxia)
                _ = try? RosterFile.inspectors(table, file: "r.csv", jurisdictions: ningxia)
                _ = try? RosterFile.checklist(table, file: "r.csv")
                _ = try? RosterFile.conflicts(table, file: "r.csv", inspectors: [], institutions: [])
            }
            _ = try? XLSXTable.read(bytes, file: "r.xlsx")
            _ = try? CalendarFile.parse(String(decoding: bytes, as: UTF8.self), file: "r.yaml")
        }
        // A real workbook cut short.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-garbage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("w.xlsx").path
        try XLSXTableTests.python("import sys, openpyxl\nwb = openpyxl.Workbook(); wb.active.append(['a', 'b']); wb.save(sys.argv[1])", [path])
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in stride(from: 0, to: whole.count, by: max(1, whole.count / 40)) {
            _ = try? XLSXTable.read(whole.prefix(cut), file: "w.xlsx")
        }
        #expect(try XLSXTable.read(whole, file: "w.xlsx").header == ["a", "b"])
    }
}
