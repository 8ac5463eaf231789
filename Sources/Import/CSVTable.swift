/// A table read from a file: its header and its records, each with the line (CSV) or row
/// (spreadsheet) it starts on, for error messages.
public struct Table: Sendable {
    public struct Record: Sendable {
        /// 1-based line or spreadsheet row.
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    /// Line of the header.
    public var headerLine: Int
    public var records: [Record]
}

/// RFC 4180 CSV as Excel writes it: `,` separated, `"` quoted with `""` escapes, fields may span
/// lines, CRLF or LF line ends.
///
/// Written here rather than taken from CSV.swift (the CSV library on this machine) because that
/// one reports neither the line a record starts on nor an unterminated quote, both of which
/// every error message needs, and it walks Unicode scalars one at a time, too slow for the
/// 100,000-row import target. This works on UTF-8 bytes.
public enum CSVTable {
    /// Parses `text`; entirely blank lines are skipped.
    public static func parse(_ text: String, file: String) throws(InputError) -> Table {
        var records: [Table.Record] = []
        var problem: InputProblem?
        var text = text
        text.withUTF8 { bytes in
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
            let count = bytes.count
            var index = 0
            var line = 1
            var fields: [String] = []
            fields.reserveCapacity(16)
            var recordLine = 1
            var field: [UInt8] = []
            while index < count {
                // One record.
                recordLine = line
                fields.removeAll(keepingCapacity: true)
                var endOfRecord = false
                while !endOfRecord {
                    // One field.
                    if index < count && bytes[index] == quote {
                        field.removeAll(keepingCapacity: true)
                        let fieldLine = line
                        index += 1
                        var closed = false
                        while index < count {
                            let byte = bytes[index]
                            if byte == quote {
                                if index + 1 < count && bytes[index + 1] == quote {
                                    field.append(quote)
                                    index += 2
                                    continue
                                }
                                index += 1
                                closed = true
                                break
                            }
                            if byte == newline { line += 1 }
                            field.append(byte)
                            index += 1
                        }
                        guard closed else {
                            problem = InputProblem(file: file, line: fieldLine, field: "(csv)", message: "a quoted field opened on this line is never closed")
                            return
                        }
                        fields.append(String(decoding: field, as: UTF8.self))
                        if index < count, bytes[index] != comma, bytes[index] != newline, bytes[index] != carriage {
                            problem = InputProblem(file: file, line: line, field: "(csv)", message: "unexpected text after a closing quote in field \(fields.count)")
                            return
                        }
                    } else {
                        let start = index
                        while index < count, bytes[index] != comma, bytes[index] != newline, bytes[index] != carriage { index += 1 }
                        fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                    }
                    // After a field: a comma, a line end, or the end.
                    if index >= count {
                        endOfRecord = true
                    } else if bytes[index] == comma {
                        index += 1
                    } else {
                        if bytes[index] == carriage { index += 1 }
                        if index < count, bytes[index] == newline { index += 1 }
                        line += 1
                        endOfRecord = true
                    }
                }
                if fields.allSatisfy(\.isEmpty) { continue }  // a blank line, or an empty spreadsheet row
                records.append(Table.Record(line: recordLine, fields: fields))
            }
        }
        if let problem { throw InputError([problem]) }
        guard let first = records.first else {
            throw InputError([InputProblem(file: file, line: nil, field: "(file)", message: "the file has no header and no rows")])
        }
        return Table(header: first.fields, headerLine: first.line, records: Array(records.dropFirst()))
    }
}
