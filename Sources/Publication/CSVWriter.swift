/// Writes RFC 4180 CSV, as Excel reads it. Quoting is the whole of it, so it is written here
/// rather than pulling in a CSV library's stream-based writer.
public enum CSVWriter {
    /// One record with CRLF, fields quoted when they hold a comma, quote or line break.
    public static func record(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingAll("\"", with: "\"\"") + "\""
                : field
        }.joined(separator: ",") + "\r\n"
    }

    /// A whole document: the header, then the rows.
    public static func document(header: [String], rows: [[String]]) -> String {
        var text = record(header)
        for row in rows { text += record(row) }
        return text
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }

    /// Escaped for HTML text and attribute values.
    public var htmlEscaped: String {
        var result = ""
        for character in self {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
