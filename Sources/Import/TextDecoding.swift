public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The text encodings officials' files come in: what Excel writes on a Chinese Windows desktop
/// ("CSV" is GB18030/GBK, "CSV UTF-8" is UTF-8 with a BOM), and plain UTF-8.
public enum TextEncoding: String, CaseIterable, Sendable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case gb18030

    /// GB 18030 (a superset of GBK and GB2312) as Foundation names it: the CoreFoundation
    /// encoding kCFStringEncodingGB_18030_2000 (0x0632) as an NSStringEncoding.
    public static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Decodes `data`: with `forced`, as that encoding; otherwise a BOM says UTF-8, then strict
    /// UTF-8 is tried, then GB18030.
    public static func decode(_ data: Data, file: String, forced: TextEncoding? = nil) throws(InputError) -> (text: String, encoding: TextEncoding) {
        func refuse(_ message: String) -> InputError {
            InputError([InputProblem(file: file, line: nil, field: "(encoding)", message: message)])
        }
        guard !data.isEmpty else {
            throw InputError([InputProblem(file: file, line: nil, field: "(file)", message: "the file is empty")])
        }
        let hasBOM = data.starts(with: [0xEF, 0xBB, 0xBF])
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw refuse("the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or \"CSV\" instead")
        }
        switch forced {
        case .utf8?, .utf8BOM?:
            guard let text = String(validating: hasBOM ? data.dropFirst(3) : data[...], as: UTF8.self) else {
                throw refuse("the file is not valid UTF-8 (forced with --encoding); at byte \(firstInvalidUTF8Offset(data) ?? 0)")
            }
            return (text, hasBOM ? .utf8BOM : .utf8)
        case .gb18030?:
            guard let text = gb18030(data) else {
                throw refuse("the file is not valid GB18030 (forced with --encoding)")
            }
            return (text, .gb18030)
        case nil:
            if hasBOM {
                guard let text = String(validating: data.dropFirst(3), as: UTF8.self) else {
                    throw refuse("the file starts with a UTF-8 BOM but is not valid UTF-8 at byte \(firstInvalidUTF8Offset(data) ?? 0)")
                }
                return (text, .utf8BOM)
            }
            if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
            if let text = gb18030(data) { return (text, .gb18030) }
            throw refuse("the file is neither UTF-8 nor GB18030; save it from Excel as \"CSV UTF-8\"")
        }
    }

    /// GB18030 → String through glibc's iconv, which converts straight to UTF-8 (Foundation
    /// goes through UTF-16 and is several times slower on a 100,000-row roster); `nil` on any
    /// invalid or truncated sequence.
    static func gb18030(_ data: Data) -> String? {
        #if canImport(Glibc)
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { return String(data: data, encoding: foundationGB18030) }
        defer { iconv_close(converter) }
        var input = [UInt8](data)
        // Every GB18030 sequence of n bytes becomes at most 2n UTF-8 bytes.
        var output = [UInt8](repeating: 0, count: input.count * 2 + 4)
        var inputLeft = input.count
        var outputLeft = output.count
        let status = input.withUnsafeMutableBytes { inputBuffer in
            output.withUnsafeMutableBytes { outputBuffer in
                var inputPointer = inputBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outputPointer = outputBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                return iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
            }
        }
        guard status != -1, inputLeft == 0 else { return nil }
        return String(validating: output[0..<(output.count - outputLeft)], as: UTF8.self)
        #else
        return String(data: data, encoding: foundationGB18030)
        #endif
    }

    static func firstInvalidUTF8Offset(_ data: Data) -> Int? {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar):
                consumed += UTF8.width(scalar)
                offset = consumed
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
