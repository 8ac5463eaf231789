public import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
// zlib: on Linux the module ZIPFoundation declares for it, on Apple platforms the SDK's.
#if canImport(CZlib)
import CZlib
#else
import zlib
#endif

/// The first worksheet of an Excel workbook (`.xlsx`) as a ``Table``: shared and inline strings,
/// cells kept as the text Excel stored (so leading zeros in text cells survive), records named by
/// their spreadsheet row.
///
/// A workbook is a ZIP file of XML parts, and a small one can inflate to gigabytes (a "ZIP bomb"),
/// so it is read defensively. Only the parts needed are opened (the workbook, its relationships,
/// the shared strings, the first worksheet). Each part's sizes as the ZIP central directory
/// declares them are checked against ``Limits`` before a byte is inflated; then the part is
/// inflated a chunk at a time, straight into a SAX parser (`XMLParser` fed from a stream), with the
/// bytes counted, so that a part whose header lies is refused as soon as it inflates past what it
/// declared. No part is ever held whole in memory and no XML tree is built; only the cells are
/// kept. (Fed one `Data`, `XMLParser` hands libxml2 a single chunk, which it refuses past 10 MB:
/// the XMLCoder reader this replaced could not read a worksheet of more than about 24,000 rows.)
/// A part that declares a DTD is refused (SpreadsheetML has none; a DTD is how XML entity bombs
/// are made).
public enum XLSXTable {
    /// The most one part of a workbook may inflate to: 256 MiB. A roster of 100,000 rows is a
    /// worksheet of about 30 MiB.
    public static let maximumPartSize: UInt64 = 256 << 20
    /// The most a part may inflate per byte stored once it is past ``compressionRatioCheckedPast``:
    /// 100 (ordinary worksheets deflate 5 to 20 times; a bomb deflates about 1,000 times).
    public static let maximumCompressionRatio: UInt64 = 100
    /// Below this many inflated bytes (4 MiB) any ratio is allowed: small parts of repeated markup
    /// deflate well.
    public static let compressionRatioCheckedPast: UInt64 = 4 << 20
    /// The most cells the first worksheet may give, counting the empty cells before each row's
    /// last one and those that pad short rows to the header's width, and the most strings the
    /// shared-string table may hold: 4 Mi (2^22), six times a 100,000-row roster of seven
    /// columns. A gap of cells costs memory without costing bytes in the file.
    public static let maximumCells = 1 << 22
    /// The most UTF-8 bytes one cell's text (or one shared string) may hold: 128 KiB. Excel itself
    /// keeps at most 32,767 characters in a cell.
    public static let maximumCellText = 128 << 10

    /// The limits a workbook is read within; ``standard`` unless a test needs smaller ones.
    public struct Limits: Sendable {
        public var partSize: UInt64
        public var compressionRatio: UInt64
        public var compressionRatioCheckedPast: UInt64
        public var cells: Int
        public var cellText: Int

        public init(partSize: UInt64 = XLSXTable.maximumPartSize, compressionRatio: UInt64 = XLSXTable.maximumCompressionRatio,
                    compressionRatioCheckedPast: UInt64 = XLSXTable.compressionRatioCheckedPast, cells: Int = XLSXTable.maximumCells,
                    cellText: Int = XLSXTable.maximumCellText) {
            self.partSize = partSize
            self.compressionRatio = compressionRatio
            self.compressionRatioCheckedPast = compressionRatioCheckedPast
            self.cells = cells
            self.cellText = cellText
        }

        public static let standard = Limits()
    }

    public static func read(_ data: Data, file: String, limits: Limits = .standard) throws(InputError) -> Table {
        func refuse(_ message: String) -> InputError {
            InputError([InputProblem(file: file, line: nil, field: "(xlsx)", message: message)])
        }
        guard let directory = ZIPDirectory(data) else {
            throw refuse("not an Excel workbook (.xlsx): the ZIP container cannot be read")
        }
        /// Streams one part through `reader`. Limits, damage and what the reader refuses are
        /// thrown; XML that cannot be parsed is returned, for the caller to word.
        func parse(_ path: String, _ label: String, with reader: some PartReader) throws(InputError) -> PartOutcome {
            guard let entry = directory.parts[path] else { return .missing }
            let stream: PartStream
            switch directory.open(entry, path: path, label: label, limits: limits) {
            case .failure(let refusal): throw refuse(refusal.message)
            case .success(let range): stream = PartStream(data: data, range: range, entry: entry, path: path, label: label, limits: limits)
            }
            let parser = XMLParser(stream: stream)
            parser.shouldProcessNamespaces = true
            parser.shouldResolveExternalEntities = false
            parser.externalEntityResolvingPolicy = .never
            parser.delegate = reader
            let parsed = parser.parse()
            if let problem = stream.problem { throw refuse(problem) }
            if let refusal = reader.refusal { throw refuse(refusal) }
            if let problems = reader.problems, !problems.isEmpty { throw InputError(problems) }
            return parsed ? .parsed : .malformed("the XML is not well-formed (near line \(parser.lineNumber))")
        }

        // The first sheet in workbook order, through the workbook's relationships.
        let workbook = WorkbookReader()
        switch try parse("xl/workbook.xml", "the workbook part xl/workbook.xml", with: workbook) {
        case .missing: throw refuse("the workbook part xl/workbook.xml is missing")
        case .malformed(let failure): throw refuse("the workbook part cannot be read: \(failure)")
        case .parsed: if let failure = workbook.unreadable { throw refuse("the workbook part cannot be read: \(failure)") }
        }
        guard let relationshipID = workbook.firstSheet else { throw refuse("the workbook lists no worksheet") }
        var sheetPath = "xl/worksheets/sheet1.xml"
        let relationships = RelationshipsReader()
        if case .parsed = try parse("xl/_rels/workbook.xml.rels", "the workbook relationships xl/_rels/workbook.xml.rels", with: relationships),
           let target = relationships.targets[relationshipID] {
            sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        let strings = SharedStringsReader(limits: limits)
        if case .malformed = try parse("xl/sharedStrings.xml", "the shared strings xl/sharedStrings.xml", with: strings) {
            throw refuse("the shared strings of the workbook cannot be read")
        }
        let sheet = WorksheetReader(file: file, path: sheetPath, sharedStrings: strings.strings, limits: limits)
        switch try parse(sheetPath, "the worksheet \(sheetPath)", with: sheet) {
        case .missing: throw refuse("the first worksheet (\(sheetPath)) is missing")
        case .malformed(let failure): throw refuse("the first worksheet cannot be read: \(failure)")
        case .parsed: if !sheet.sawSheetData { throw refuse("the first worksheet cannot be read: it has no sheetData") }
        }

        let records = sheet.records
        guard let header = records.first else {
            throw InputError([InputProblem(file: file, line: nil, field: "(file)", message: "the first worksheet has no header and no rows")])
        }
        // Rows may be shorter than the header where trailing cells are empty.
        let width = header.fields.count
        let padded = records.reduce(0) { $0 + max($1.fields.count, width) }
        if padded > limits.cells {
            throw refuse(WorksheetReader.tooManyCells(limits.cells, sheetPath))
        }
        let body = records.dropFirst().map { record in
            var record = record
            if record.fields.count < width { record.fields += Array(repeating: "", count: width - record.fields.count) }
            return record
        }
        return Table(header: header.fields, headerLine: header.line, records: Array(body))
    }

    enum PartOutcome { case missing, parsed, malformed(String) }

    /// "C7" → 2.
    static func columnIndex(_ reference: String) -> Int? {
        var value = 0
        var sawLetter = false
        for byte in reference.utf8 {
            // Capped far past the last column (XFD), so that a reference of many letters is skipped.
            if byte >= 65 && byte <= 90 { value = min(value * 26 + Int(byte - 64), 1 << 20); sawLetter = true } else { break }
        }
        return sawLetter ? value - 1 : nil
    }

    /// "256 MiB", "1.5 GiB", "900 bytes".
    static func amount(_ bytes: UInt64) -> String {
        for (unit, name) in [(UInt64(1) << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] where bytes >= unit {
            return bytes % unit == 0 ? "\(bytes / unit) \(name)" : String(format: "%.1f \(name)", Double(bytes) / Double(unit))
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}

// MARK: - The ZIP container (PKWARE APPNOTE.TXT 4.3)

/// The central directory of a ZIP file held in memory, read here rather than through
/// ZIPFoundation's `Archive` because its Linux inflater ignores an entry's compressed size and,
/// on a deflate stream that runs to the end of the file, loops forever without output: a
/// 300-byte file hung the import at 100% CPU. Only what a workbook needs: stored and deflated
/// parts, ZIP64 sizes, no encryption, no multi-disk archives.
struct ZIPDirectory {
    struct Entry {
        var flags: UInt16
        var method: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var size: UInt64
        var headerOffset: UInt64
    }

    struct Refusal: Error { var message: String }

    let data: Data
    let parts: [String: Entry]

    /// Nil when `data` holds no readable central directory.
    init?(_ data: Data) {
        guard let parts = data.withUnsafeBytes({ Self.entries($0) }) else { return nil }
        self.data = data
        self.parts = parts
    }

    static func entries(_ raw: UnsafeRawBufferPointer) -> [String: Entry]? {
        let count = raw.count
        func u16(_ offset: Int) -> UInt16 { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        guard count >= 22 else { return nil }
        // The end of central directory record, behind at most a 64 KiB comment.
        var end = -1
        var offset = count - 22
        while offset >= max(0, count - 22 - 0xFFFF) {
            if u32(offset) == 0x0605_4B50 && offset + 22 + Int(u16(offset + 20)) <= count { end = offset; break }
            offset -= 1
        }
        guard end >= 0 else { return nil }
        var total = UInt64(u16(end + 10))
        var directorySize = UInt64(u32(end + 12))
        var directoryOffset = UInt64(u32(end + 16))
        if total == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = end - 20
            guard locator >= 0, u32(locator) == 0x0706_4B50 else { return nil }
            let record = u64(locator + 8)
            guard count >= 56, record <= UInt64(count - 56), u32(Int(record)) == 0x0606_4B50 else { return nil }
            total = u64(Int(record) + 32)
            directorySize = u64(Int(record) + 40)
            directoryOffset = u64(Int(record) + 48)
        }
        guard directoryOffset <= UInt64(count), directorySize <= UInt64(count) - directoryOffset else { return nil }
        let directoryEnd = Int(directoryOffset + directorySize)
        var parts: [String: Entry] = [:]
        var position = Int(directoryOffset)
        var index: UInt64 = 0
        while index < total {
            guard position + 46 <= directoryEnd, u32(position) == 0x0201_4B50 else { return nil }
            let nameLength = Int(u16(position + 28)), extraLength = Int(u16(position + 30)), commentLength = Int(u16(position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { return nil }
            var entry = Entry(flags: u16(position + 8), method: u16(position + 10), crc32: u32(position + 16),
                              compressedSize: UInt64(u32(position + 20)), size: UInt64(u32(position + 24)),
                              headerOffset: UInt64(u32(position + 42)))
            // ZIP64 extended information (4.5.3): the 64-bit values of the fields set to all ones.
            var field = position + 46 + nameLength
            let extraEnd = field + extraLength
            while field + 4 <= extraEnd {
                let id = u16(field), length = Int(u16(field + 2))
                let body = field + 4
                guard body + length <= extraEnd else { break }
                if id == 0x0001 {
                    var cursor = body
                    for keyPath in [\Entry.size, \Entry.compressedSize, \Entry.headerOffset] where entry[keyPath: keyPath] == 0xFFFF_FFFF {
                        guard cursor + 8 <= body + length else { return nil }
                        entry[keyPath: keyPath] = u64(cursor)
                        cursor += 8
                    }
                }
                field = body + length
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(position + 46)..<(position + 46 + nameLength)]), as: UTF8.self)
            if parts[name] == nil { parts[name] = entry }
            position = next
            index += 1
        }
        return parts
    }

    /// Checks a part's declared sizes against the limits, then finds its bytes: the range of
    /// `data` holding them, stored or deflated.
    func open(_ entry: Entry, path: String, label: String, limits: XLSXTable.Limits) -> Result<Range<Int>, Refusal> {
        if entry.size > limits.partSize {
            return .failure(Refusal(message: "\(label) declares \(XLSXTable.amount(entry.size)) when inflated, past the \(XLSXTable.amount(limits.partSize)) limit for a workbook part; refused"))
        }
        let (ratioBound, overflow) = limits.compressionRatio.multipliedReportingOverflow(by: entry.compressedSize)
        if entry.size > limits.compressionRatioCheckedPast, !overflow, entry.size > ratioBound {
            return .failure(Refusal(message: "\(label) declares \(XLSXTable.amount(entry.size)) inflated from \(XLSXTable.amount(entry.compressedSize)), past the \(limits.compressionRatio):1 compression-ratio limit for a workbook part (a ZIP bomb?); refused"))
        }
        if entry.flags & 1 != 0 {
            return .failure(Refusal(message: "\(label) is encrypted; save the workbook without a password and import it again"))
        }
        guard entry.method == 0 || entry.method == 8 else {
            return .failure(Refusal(message: "\(label) is compressed with ZIP method \(entry.method), which cannot be read; save the workbook again from Excel"))
        }
        let damaged = Refusal(message: "the part \(path) of the workbook is damaged")
        if entry.method == 0 && entry.size != entry.compressedSize { return .failure(damaged) }
        let range: Range<Int>? = data.withUnsafeBytes { raw in
            let count = raw.count
            guard count >= 30, entry.headerOffset <= UInt64(count - 30) else { return nil }
            let header = Int(entry.headerOffset)
            guard UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: header, as: UInt32.self)) == 0x0403_4B50 else { return nil }
            let nameLength = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: header + 26, as: UInt16.self)))
            let extraLength = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: header + 28, as: UInt16.self)))
            let start = header + 30 + nameLength + extraLength
            guard start <= count, entry.compressedSize <= UInt64(count - start) else { return nil }
            return start..<(start + Int(entry.compressedSize))
        }
        guard let range else { return .failure(damaged) }
        return .success(range)
    }
}

// MARK: - One part, inflated as it is read

/// The inflated bytes of one part, pulled by `XMLParser` a chunk at a time (128 KiB) and counted:
/// it fails, and the parse with it, as soon as the part inflates past the size limit or past what
/// its directory entry declared; at its end it checks the size and CRC-32. Until the first
/// element it also checks the XML declaration and refuses a DTD.
final class PartStream: InputStream {
    private let data: Data
    private let range: Range<Int>
    private let entry: ZIPDirectory.Entry
    private let path: String
    private let label: String
    private let limits: XLSXTable.Limits
    private let inflater: UnsafeMutablePointer<z_stream>?
    private var consumed = 0
    private var produced: UInt64 = 0
    private var checksum: UInt = 0
    private var finished = false
    private var prolog = PrologCheck()
    /// Why the part was refused, once it was.
    private(set) var problem: String?

    init(data: Data, range: Range<Int>, entry: ZIPDirectory.Entry, path: String, label: String, limits: XLSXTable.Limits) {
        self.data = data
        self.range = range
        self.entry = entry
        self.path = path
        self.label = label
        self.limits = limits
        if entry.method == 8 {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // Raw deflate, as ZIP stores it (no zlib header).
            if inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) != Z_OK {
                stream.deinitialize(count: 1)
                stream.deallocate()
                inflater = nil
                problem = "the workbook cannot be inflated (zlib could not start)"
            } else {
                inflater = stream
            }
        } else {
            inflater = nil
        }
        super.init(data: Data())
    }

    deinit {
        if let inflater {
            inflateEnd(inflater)
            inflater.deinitialize(count: 1)
            inflater.deallocate()
        }
    }

    private var damaged: String { "the part \(path) of the workbook is damaged" }

    override func open() {}
    override func close() {}
    override var hasBytesAvailable: Bool { problem == nil && !finished }
    override var streamStatus: Stream.Status { problem != nil ? .error : finished ? .atEnd : .open }
    override var streamError: (any Error)? {
        problem.map { NSError(domain: "SpotCheck.XLSX", code: 1, userInfo: [NSLocalizedDescriptionKey: $0]) }
    }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        guard problem == nil else { return -1 }
        guard !finished, length > 0 else { return 0 }
        let capacity = min(length, 1 << 30)
        let count = inflater.map { inflateChunk(into: buffer, capacity, $0) } ?? copy(into: buffer, capacity)
        guard problem == nil else { return -1 }
        if count > 0 { account(UnsafeBufferPointer(start: buffer, count: count)) }
        if finished && problem == nil && (produced != entry.size || UInt32(truncatingIfNeeded: checksum) != entry.crc32) {
            problem = damaged
        }
        return problem == nil ? count : -1
    }

    /// Stored parts: the bytes as they are.
    private func copy(into buffer: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        let count = min(capacity, range.count - consumed)
        data.withUnsafeBytes { raw in
            let source = raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + range.lowerBound + consumed
            buffer.update(from: source, count: count)
        }
        consumed += count
        if consumed == range.count { finished = true }
        return count
    }

    /// Deflated parts: inflates until some output is made, the stream ends, or it proves damaged
    /// (a stream that needs more bytes than the entry holds is damaged).
    private func inflateChunk(into buffer: UnsafeMutablePointer<UInt8>, _ capacity: Int, _ stream: UnsafeMutablePointer<z_stream>) -> Int {
        var written = 0
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { problem = damaged; return }
            while written == 0 && problem == nil && !finished {
                let available = UInt32(min(range.count - consumed, Int(UInt32.max)))
                stream.pointee.next_in = UnsafeMutablePointer(mutating: base + range.lowerBound + consumed)
                stream.pointee.avail_in = available
                stream.pointee.next_out = buffer
                stream.pointee.avail_out = UInt32(capacity)
                let result = inflate(stream, Z_NO_FLUSH)
                let used = Int(available - stream.pointee.avail_in)
                consumed += used
                written = capacity - Int(stream.pointee.avail_out)
                switch result {
                case Z_STREAM_END: finished = true
                case Z_OK: if used == 0 && written == 0 { problem = damaged }
                case Z_BUF_ERROR: if written == 0 { problem = damaged }
                default: problem = damaged
                }
            }
        }
        return written
    }

    /// Counts inflated bytes against the limit and the declared size, and checks the prolog.
    /// Since the declared size passed the size and ratio limits, a part that never inflates past
    /// it stays within both.
    private func account(_ bytes: UnsafeBufferPointer<UInt8>) {
        produced += UInt64(bytes.count)
        checksum = crc32(checksum, bytes.baseAddress, UInt32(bytes.count))
        if produced > limits.partSize {
            problem = "\(label) inflates past the \(XLSXTable.amount(limits.partSize)) limit for a workbook part; refused"
        } else if produced > entry.size {
            problem = "\(label) inflates to more than the \(XLSXTable.amount(entry.size)) its ZIP directory declares, so the workbook is damaged or forged; refused"
        } else if !prolog.done, let refusal = prolog.scan(bytes) {
            problem = "\(label) \(refusal); refused"
        }
    }
}

/// What comes before a part's first element: an XML declaration with an encoding that leaves
/// ASCII as ASCII (UTF-16 and UTF-32 are read with their zero bytes skipped), and no DTD.
struct PrologCheck {
    private(set) var done = false
    private var window: [UInt8] = []
    private var declaration: [UInt8] = []
    private var declarationDone = false
    private static let doctype = Array("<!DOCTYPE".utf8)
    private static let encodings: Set<String> = [
        "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "ucs-2", "ucs-4",
        "us-ascii", "ascii", "iso-8859-1", "latin1", "windows-1252", "gb2312", "gbk", "gb18030",
    ]

    /// A reason to refuse, or nil.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        for byte in bytes where byte != 0 {
            if !declarationDone {
                declaration.append(byte)
                if declaration.count >= 512 || declaration.suffix(2) == [0x3F, 0x3E] {  // "?>"
                    declarationDone = true
                    if let refusal = checkDeclaration() { return refusal }
                }
            }
            let previous = window.last
            window.append(byte)
            if window.count > Self.doctype.count { window.removeFirst() }
            if window == Self.doctype { return "declares a DTD (<!DOCTYPE …>), which workbooks never do and XML entity bombs need" }
            // "<" then a name character: the first element has begun, and with it the prolog is over.
            if previous == 0x3C, byte >= 0x80 || byte == 0x5F || byte == 0x3A || (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
                if !declarationDone, let refusal = checkDeclaration() { return refusal }
                done = true
                return nil
            }
        }
        return nil
    }

    private mutating func checkDeclaration() -> String? {
        declarationDone = true
        // Whatever byte-order mark came first is skipped.
        let text = String(decoding: declaration, as: UTF8.self).drop { $0 != "<" }
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>"),
              let key = text[..<end.lowerBound].range(of: "encoding") else { return nil }
        let rest = text[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let name = rest.dropFirst().prefix { $0 != quote }
        return Self.encodings.contains(name.lowercased()) ? nil : "declares the character encoding \(name), which a workbook part does not use"
    }
}

// MARK: - The parts of SpreadsheetML read here (ECMA-376 Part 1, §18), by SAX

/// A delegate that reads one part; what it refuses stops the parse.
protocol PartReader: XMLParserDelegate {
    var refusal: String? { get }
    var problems: [InputProblem]? { get }
}

extension PartReader {
    var problems: [InputProblem]? { nil }
}

/// `xl/workbook.xml`: the relationship id (`r:id`) of the first `<sheet>` in `<sheets>`.
final class WorkbookReader: NSObject, PartReader {
    private var depth = 0
    private var inSheets = false
    private var sawSheets = false
    private(set) var firstSheet: String?
    private(set) var unreadable: String?
    var refusal: String? { nil }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        depth += 1
        if depth == 2 && name == "sheets" { inSheets = true; sawSheets = true }
        if depth == 3 && inSheets && name == "sheet" && firstSheet == nil && unreadable == nil {
            // `r:id`; the prefix is kept on attributes whatever the namespace processing.
            if let id = attributes.first(where: { $0.key == "id" || $0.key.hasSuffix(":id") })?.value {
                firstSheet = id
            } else {
                unreadable = "a sheet without r:id"
            }
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if depth == 2 && name == "sheets" { inSheets = false }
        depth -= 1
    }

    func parserDidEndDocument(_ parser: XMLParser) {
        if !sawSheets && unreadable == nil { unreadable = "it has no sheets" }
    }
}

/// `xl/_rels/workbook.xml.rels`: relationship id → target.
final class RelationshipsReader: NSObject, PartReader {
    private var depth = 0
    private(set) var targets: [String: String] = [:]
    var refusal: String? { nil }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        depth += 1
        if depth == 2 && name == "Relationship", let id = attributes["Id"], let target = attributes["Target"], targets[id] == nil {
            targets[id] = target
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { depth -= 1 }
}

/// `xl/sharedStrings.xml`: each `<si>`'s text, from its `<t>` and the `<t>` of its rich-text runs
/// `<r>` (not of its phonetic runs `<rPh>`).
final class SharedStringsReader: NSObject, PartReader {
    private let limits: XLSXTable.Limits
    private var stack: [String] = []
    private var current: String?
    private var capturing = false
    private(set) var strings: [String] = []
    private(set) var refusal: String?

    init(limits: XLSXTable.Limits) { self.limits = limits }

    private func refuse(_ parser: XMLParser, _ message: String) {
        if refusal == nil { refusal = message }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        guard refusal == nil else { return }
        stack.append(name)
        switch (stack.count, name) {
        case (2, "si"): current = ""
        case (3, "t") where stack[1] == "si", (4, "t") where stack[1] == "si" && stack[2] == "r": capturing = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard capturing, refusal == nil else { return }
        current? += string
        if let current, current.utf8.count > limits.cellText {
            refuse(parser, "the shared strings xl/sharedStrings.xml hold a string longer than \(XLSXTable.amount(UInt64(limits.cellText))), past the limit for a cell's text; refused")
        }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        self.parser(parser, foundCharacters: String(decoding: block, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard refusal == nil, !stack.isEmpty else { return }
        switch (stack.count, name) {
        case (2, "si"):
            strings.append(current ?? "")
            current = nil
            if strings.count > limits.cells {
                refuse(parser, "the shared strings xl/sharedStrings.xml hold more than \(limits.cells) strings, past the limit for a workbook; refused")
            }
        case (3, "t"), (4, "t"): capturing = false
        default: break
        }
        stack.removeLast()
    }
}

/// The worksheet: `<sheetData>`'s rows, their cells placed by reference (`r="C7"`), gaps filled
/// with empty cells, rows entirely blank skipped.
final class WorksheetReader: NSObject, PartReader {
    private let file: String
    private let path: String
    private let sharedStrings: [String]
    private let limits: XLSXTable.Limits
    private var stack: [String] = []
    private(set) var sawSheetData = false
    private(set) var records: [Table.Record] = []
    private var found: [InputProblem] = []
    private(set) var refusal: String?
    var problems: [InputProblem]? { found }
    private var cells = 0

    private var rowNumber = 0
    private var nextRow = 1
    private var fields: [String] = []
    private var nextColumn = 0
    private var inRow = false
    private var cellReference: String?
    private var cellType: String?
    private var value: String?
    private var inline: String?
    private enum Capture { case none, value, inline }
    private var capture = Capture.none

    init(file: String, path: String, sharedStrings: [String], limits: XLSXTable.Limits) {
        self.file = file
        self.path = path
        self.sharedStrings = sharedStrings
        self.limits = limits
    }

    /// Cells that name a shared string that does not exist are all reported, up to this many.
    static let problemLimit = 1_000

    static func tooManyCells(_ limit: Int, _ path: String) -> String {
        "the worksheet \(path) has more than \(limit) cells (counting the empty ones before a row's last cell), past the limit for a worksheet; refused"
    }

    private func refuse(_ parser: XMLParser, _ message: String) {
        if refusal == nil { refusal = message }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        guard refusal == nil else { return }
        stack.append(name)
        let parent = stack.count >= 2 ? stack[stack.count - 2] : ""
        switch name {
        case "sheetData" where stack.count == 2:
            sawSheetData = true
        case "row" where stack.count == 3 && parent == "sheetData":
            if let text = attributes["r"] {
                guard let number = Int(text) else { return refuse(parser, "the first worksheet cannot be read: the row number \"\(text)\" is not a number") }
                rowNumber = number
            } else {
                rowNumber = nextRow
            }
            nextRow = rowNumber &+ 1
            fields = []
            nextColumn = 0
            inRow = true
        case "c" where inRow && stack.count == 4:
            cellReference = attributes["r"]
            cellType = attributes["t"]
            value = nil
            inline = nil
        case "v" where stack.count == 5 && parent == "c":
            capture = .value
            value = value ?? ""
        case "t" where stack.count == 6 && parent == "is" && stack[3] == "c" || stack.count == 7 && parent == "r" && stack[4] == "is" && stack[3] == "c":
            capture = .inline
            inline = inline ?? ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard refusal == nil else { return }
        let length: Int
        switch capture {
        case .value: value? += string; length = value?.utf8.count ?? 0
        case .inline: inline? += string; length = inline?.utf8.count ?? 0
        case .none: return
        }
        if length > limits.cellText {
            refuse(parser, "the worksheet \(path) has a cell (row \(rowNumber)) whose text is longer than \(XLSXTable.amount(UInt64(limits.cellText))), past the limit for a cell's text; refused")
        }
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        self.parser(parser, foundCharacters: String(decoding: block, as: UTF8.self))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard refusal == nil, !stack.isEmpty else { return }
        switch name {
        case "v" where stack.count == 5, "t" where stack.count == 6 || stack.count == 7: capture = .none
        case "c" where inRow && stack.count == 4: endCell(parser)
        case "row" where inRow && stack.count == 3: endRow()
        default: break
        }
        stack.removeLast()
    }

    private func endCell(_ parser: XMLParser) {
        let column = cellReference.flatMap(XLSXTable.columnIndex) ?? nextColumn
        nextColumn = column + 1
        if column >= 16_384 { return }
        let cost = max(column - fields.count, 0) + 1
        cells += cost
        if cells > limits.cells {
            return refuse(parser, Self.tooManyCells(limits.cells, path))
        }
        while fields.count < column { fields.append("") }
        let text: String
        switch cellType {
        case "s":
            guard let index = value.flatMap({ Int($0) }), sharedStrings.indices.contains(index) else {
                found.append(InputProblem(file: file, line: rowNumber, field: cellReference ?? "?", message: "refers to a shared string that does not exist"))
                if found.count == Self.problemLimit {
                    found.append(InputProblem(file: file, line: nil, field: "(xlsx)", message: "stopped after \(Self.problemLimit) such cells"))
                    parser.abortParsing()
                }
                return
            }
            text = sharedStrings[index]
        case "inlineStr": text = inline ?? ""
        case "b": text = value == "1" ? "TRUE" : "FALSE"
        default: text = value ?? ""
        }
        fields.append(text)
    }

    private func endRow() {
        inRow = false
        if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { return }
        records.append(Table.Record(line: rowNumber, fields: fields))
    }
}
