public import Foundation
import XMLCoder
import ZIPFoundation

/// The first worksheet of an Excel workbook (`.xlsx`) as a ``Table``: shared and inline strings,
/// cells kept as the text Excel stored (so leading zeros in text cells survive), records named by
/// their spreadsheet row. The ZIP container is read with ZIPFoundation, its XML with XMLCoder.
public enum XLSXTable {
    public static func read(_ data: Data, file: String) throws(InputError) -> Table {
        func refuse(_ message: String) -> InputError {
            InputError([InputProblem(file: file, line: nil, field: "(xlsx)", message: message)])
        }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw refuse("not an Excel workbook (.xlsx): the ZIP container cannot be read")
        }
        func part(_ path: String) throws(InputError) -> Data? {
            guard let entry = archive[path] else { return nil }
            var bytes = Data()
            do { _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) } } catch {
                throw refuse("the part \(path) of the workbook is damaged")
            }
            return bytes
        }
        let decoder = XMLDecoder()
        decoder.shouldProcessNamespaces = true
        decoder.trimValueWhitespaces = false

        // The first sheet in workbook order, through the workbook's relationships.
        guard let workbookData = try part("xl/workbook.xml") else { throw refuse("the workbook part xl/workbook.xml is missing") }
        let workbook: Workbook
        do { workbook = try decoder.decode(Workbook.self, from: workbookData) } catch {
            throw refuse("the workbook part cannot be read: \(error)")
        }
        guard let firstSheet = workbook.sheets.sheet.first else { throw refuse("the workbook lists no worksheet") }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let relsData = try part("xl/_rels/workbook.xml.rels"),
           let rels = try? decoder.decode(Relationships.self, from: relsData),
           let target = rels.relationship.first(where: { $0.id == firstSheet.relationshipID })?.target {
            sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        var sharedStrings: [String] = []
        if let stringsData = try part("xl/sharedStrings.xml") {
            guard let table = try? decoder.decode(SharedStringTable.self, from: stringsData) else {
                throw refuse("the shared strings of the workbook cannot be read")
            }
            sharedStrings = table.si.map(\.text)
        }
        guard let sheetData = try part(sheetPath) else { throw refuse("the first worksheet (\(sheetPath)) is missing") }
        let sheet: Worksheet
        do { sheet = try decoder.decode(Worksheet.self, from: sheetData) } catch {
            throw refuse("the first worksheet cannot be read: \(error)")
        }

        var records: [Table.Record] = []
        var problems: [InputProblem] = []
        var nextRow = 1
        for row in sheet.sheetData.row {
            let rowNumber = row.r ?? nextRow
            nextRow = rowNumber + 1
            var fields: [String] = []
            var nextColumn = 0
            for cell in row.c {
                let column = cell.r.flatMap(columnIndex) ?? nextColumn
                nextColumn = column + 1
                if column >= 16_384 { continue }
                while fields.count < column { fields.append("") }
                let value: String
                switch cell.t {
                case "s":
                    guard let index = cell.v.flatMap({ Int($0) }), sharedStrings.indices.contains(index) else {
                        problems.append(InputProblem(file: file, line: rowNumber, field: cell.r ?? "?", message: "refers to a shared string that does not exist"))
                        continue
                    }
                    value = sharedStrings[index]
                case "inlineStr": value = cell.inline?.text ?? ""
                case "b": value = cell.v == "1" ? "TRUE" : "FALSE"
                default: value = cell.v ?? ""
                }
                fields.append(value)
            }
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            records.append(Table.Record(line: rowNumber, fields: fields))
        }
        guard problems.isEmpty else { throw InputError(problems) }
        guard let header = records.first else {
            throw InputError([InputProblem(file: file, line: nil, field: "(file)", message: "the first worksheet has no header and no rows")])
        }
        // Rows may be shorter than the header where trailing cells are empty.
        let width = header.fields.count
        let body = records.dropFirst().map { record in
            var record = record
            if record.fields.count < width { record.fields += Array(repeating: "", count: width - record.fields.count) }
            return record
        }
        return Table(header: header.fields, headerLine: header.line, records: Array(body))
    }

    /// "C7" → 2.
    static func columnIndex(_ reference: String) -> Int? {
        var value = 0
        var sawLetter = false
        for byte in reference.utf8 {
            if byte >= 65 && byte <= 90 { value = value * 26 + Int(byte - 64); sawLetter = true } else { break }
        }
        return sawLetter ? value - 1 : nil
    }

    // The parts of SpreadsheetML read here (ECMA-376 Part 1, §18).
    struct Workbook: Decodable {
        struct Sheets: Decodable { var sheet: [Sheet] }
        struct Sheet: Decodable {
            var relationshipID: String
            /// `r:id`; the prefix is kept on attributes whatever the namespace processing.
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Key.self)
                guard let key = container.allKeys.first(where: { $0.stringValue == "id" || $0.stringValue.hasSuffix(":id") }) else {
                    throw DecodingError.keyNotFound(Key(stringValue: "r:id"), .init(codingPath: decoder.codingPath, debugDescription: "a sheet without r:id"))
                }
                relationshipID = try container.decode(String.self, forKey: key)
            }
        }
        var sheets: Sheets
    }

    struct Relationships: Decodable {
        struct Relationship: Decodable {
            var id: String
            var target: String
            enum CodingKeys: String, CodingKey { case id = "Id", target = "Target" }
        }
        var relationship: [Relationship]
        enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
    }

    /// `<t>` text, possibly in rich-text runs `<r><t>…</t></r>`.
    struct RichText: Decodable {
        struct Run: Decodable { var t: TextElement? }
        var t: TextElement?
        var r: [Run]?
        var text: String { (t?.value ?? "") + (r ?? []).map { $0.t?.value ?? "" }.joined() }
    }

    /// A `<t>` element, which may carry `xml:space="preserve"`.
    struct TextElement: Decodable {
        var value: String
        enum CodingKeys: String, CodingKey { case value = "" }
        init(from decoder: any Decoder) throws {
            if let container = try? decoder.container(keyedBy: CodingKeys.self), let text = try? container.decode(String.self, forKey: .value) {
                value = text
            } else {
                value = (try? decoder.singleValueContainer().decode(String.self)) ?? ""
            }
        }
    }

    struct SharedStringTable: Decodable {
        var si: [RichText]
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            si = try container.decodeIfPresent([RichText].self, forKey: .si) ?? []
        }
        enum CodingKeys: String, CodingKey { case si }
    }

    struct Worksheet: Decodable {
        struct SheetData: Decodable {
            var row: [Row]
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                row = try container.decodeIfPresent([Row].self, forKey: .row) ?? []
            }
            enum CodingKeys: String, CodingKey { case row }
        }
        struct Row: Decodable {
            var r: Int?
            var c: [Cell]
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                r = try container.decodeIfPresent(Int.self, forKey: .r)
                c = try container.decodeIfPresent([Cell].self, forKey: .c) ?? []
            }
            enum CodingKeys: String, CodingKey { case r, c }
        }
        struct Cell: Decodable {
            var r: String?
            var t: String?
            var v: String?
            var inline: RichText?
            enum CodingKeys: String, CodingKey { case r, t, v, inline = "is" }
        }
        var sheetData: SheetData
    }
}
