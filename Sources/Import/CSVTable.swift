import Foundation
import Parallel

/// A table read from a file: its header and its records, each with the line (CSV) or row
/// (spreadsheet) it starts on, for error messages.
public struct Table: Sendable {
    /// One record and the line (or row) it starts on.
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
/// 100,000-row import target. This works on UTF-8 bytes, and splits large files at record
/// boundaries to parse the parts on all cores.
public enum CSVTable {
    /// Parses `text`; entirely blank lines are skipped.
    public static func parse(_ text: String, file: String) throws(InputError) -> Table {
        var text = text
        let (records, problem) = text.withUTF8 { bytes -> ([Table.Record], InputProblem?) in
            let parts = split(bytes, into: bytes.count >= 1 << 20 ? ProcessInfo.processInfo.activeProcessorCount : 1)
            if parts.count == 1 { return parseRecords(bytes, 0..<bytes.count, firstLine: 1, file: file) }
            nonisolated(unsafe) let shared = bytes
            let results = Parallel.map(parts) { part in parseRecords(shared, part.range, firstLine: part.firstLine, file: file) }
            var combined: [Table.Record]? = []
            for (partRecords, problem) in results {
                guard problem == nil else { combined = nil; break }
                combined?.append(contentsOf: partRecords)
            }
            // A problem in any part (or a stray quote that misled the split) is settled by
            // parsing the whole file in one pass, which gives the authoritative message.
            return combined.map { ($0, nil) } ?? parseRecords(bytes, 0..<bytes.count, firstLine: 1, file: file)
        }
        if let problem { throw InputError([problem]) }
        guard let first = records.first else {
            throw InputError([InputProblem(file: file, line: nil, field: "(file)", message: "the file has no header and no rows")])
        }
        return Table(header: first.fields, headerLine: first.line, records: Array(records.dropFirst()))
    }

    /// Cuts `bytes` into about `count` parts, each ending after a line feed outside quotes,
    /// with the line each part starts on. In well-formed CSV every quote toggles the quoted
    /// state (a doubled quote toggles it twice), so the state at a byte is the parity of the
    /// quotes before it; a malformed file that fools this makes a part fail, and `parse` then
    /// parses in one pass.
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, into count: Int) -> [(range: Range<Int>, firstLine: Int)] {
        guard count > 1 else { return [(0..<bytes.count, 1)] }
        var parts: [(range: Range<Int>, firstLine: Int)] = []
        var start = 0
        var startLine = 1
        var line = 1
        var quoted = false
        var index = 0
        for part in 1..<count {
            let target = bytes.count * part / count
            var cut: Int?
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") {
                    quoted.toggle()
                } else if byte == UInt8(ascii: "\n") {
                    line += 1
                    if !quoted && index >= target { cut = index; break }
                } else if byte == UInt8(ascii: "\r") && !quoted && (index >= bytes.count || bytes[index] != UInt8(ascii: "\n")) {
                    line += 1  // a lone carriage return ends a line for the parser too
                }
            }
            guard let cut else { break }
            parts.append((start..<cut, startLine))
            start = cut
            startLine = line
        }
        parts.append((start..<bytes.count, startLine))
        return parts
    }

    /// Parses the records in `range`, the first starting on `firstLine`.
    static func parseRecords(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int, file: String) -> ([Table.Record], InputProblem?) {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        var records: [Table.Record] = []
        let count = range.upperBound
        var index = range.lowerBound
        var line = firstLine
        var fields: [String] = []
        fields.reserveCapacity(16)
        var field: [UInt8] = []
        while index < count {
            // One record.
            let recordLine = line
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
                        return ([], InputProblem(file: file, line: fieldLine, field: "(csv)", message: "a quoted field opened on this line is never closed"))
                    }
                    fields.append(String(decoding: field, as: UTF8.self))
                    if index < count, bytes[index] != comma, bytes[index] != newline, bytes[index] != carriage {
                        return ([], InputProblem(file: file, line: line, field: "(csv)", message: "unexpected text after a closing quote in field \(fields.count)"))
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
        return (records, nil)
    }
}
