/// Writes RFC 4180 CSV, as Excel reads it. Quoting is the whole of it, so it is written here
/// rather than pulling in a CSV library's stream-based writer.
public enum CSVWriter {
    /// What is done with a field that a spreadsheet would take for a formula.
    public enum Formulas: Sendable {
        /// Written as it is: files that SpotCheck itself reads back (the demo's import files).
        case kept
        /// Prefixed with `'` (OWASP, "CSV Injection"): every file published for the public to
        /// open in a spreadsheet, since its cells come from files officials imported.
        case neutralized
    }

    /// What a field may not start with in a published file: `=`, `+`, `-`, `@`, a tab, a carriage
    /// return (OWASP), and NUL (OWASP ASVS 1.2.10). Compared as Unicode scalars, as a spreadsheet
    /// reads them: "=\u{301}" is one `Character` but still starts with `=`.
    public static let formulaPrefixes: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\0"]

    /// The field with a `'` before it when it starts like a formula, so that Excel, LibreOffice
    /// and Numbers show it as the text it is; any other field unchanged.
    public static func neutralized(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, formulaPrefixes.contains(first) else { return field }
        return "'" + field
    }

    /// The field, quoted when it holds a comma, quote or line break, quotes doubled. Scalars, not
    /// `Character`s: "\r\n" is one `Character`, and so is a quote followed by a combining mark,
    /// which a reader of bytes still takes for a quote.
    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        var result = String.UnicodeScalarView()
        result.append("\"")
        for scalar in field.unicodeScalars {
            result.append(scalar)
            if scalar == "\"" { result.append("\"") }
        }
        result.append("\"")
        return String(result)
    }

    /// One record with CRLF, fields quoted when they hold a comma, quote or line break.
    public static func record(_ fields: [String], formulas: Formulas = .kept) -> String {
        fields.map { quoted(formulas == .neutralized ? neutralized($0) : $0) }.joined(separator: ",") + "\r\n"
    }

    /// A whole document: the header, then the rows.
    public static func document(header: [String], rows: [[String]], formulas: Formulas = .kept) -> String {
        var text = record(header, formulas: formulas)
        for row in rows { text += record(row, formulas: formulas) }
        return text
    }

    /// A document for the public: ``document(header:rows:formulas:)`` with formulas neutralized.
    public static func publishedDocument(header: [String], rows: [[String]]) -> String {
        document(header: header, rows: rows, formulas: .neutralized)
    }
}

extension String {
    /// Escaped for HTML text and attribute values. Scalar by scalar, as a browser reads them: a
    /// quote followed by a combining mark is one `Character` but still ends an attribute.
    public var htmlEscaped: String {
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
