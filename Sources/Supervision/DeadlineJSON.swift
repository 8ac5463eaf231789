public import WorkingDays

/// The JSON document of the deadline queries, `{"as_of", "deadlines": […]}`, written byte for byte
/// as `JSONEncoder` writes it with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes`.
///
/// Written by hand because `JSONEncoder` builds a tree of boxed values per object and sorts its keys
/// on every object: on the few thousand deadlines of `spotcheck overdue --json` that was 40 % of the
/// whole process. The shape is fixed, so the keys are written in their sorted order directly; a
/// test holds the output equal to `JSONEncoder`'s.
public enum DeadlineJSON {
    /// The document for `rows` as of the end of `day`, with a final newline.
    public static func document(asOf day: CivilDate, deadlines rows: [DeadlineView]) -> [UInt8] {
        var out = Writer()
        out.bytes.reserveCapacity(64 + rows.count * 420)
        out.raw("{\n  \"as_of\" : ")
        out.string(day.description)
        out.raw(",\n  \"deadlines\" : [")
        if rows.isEmpty { out.raw("\n\n  ]") }
        for (index, row) in rows.enumerated() {
            out.raw(index == 0 ? "\n    {\n" : ",\n    {\n")
            // Keys in the order `.sortedKeys` gives.
            out.key("article"); out.raw(String(row.article)); out.raw(",\n")
            out.key("category"); out.string(row.category); out.raw(",\n")
            out.key("done_on"); out.optional(row.doneOn?.description); out.raw(",\n")
            out.key("due"); out.string(row.due.description); out.raw(",\n")
            out.key("inspection"); out.optional(row.inspection); out.raw(",\n")
            out.key("institution"); out.optional(row.institution); out.raw(",\n")
            out.key("jurisdiction"); out.string(row.jurisdiction); out.raw(",\n")
            out.key("overdue_workdays"); out.raw(String(row.overdueWorkdays)); out.raw(",\n")
            out.key("provisional"); out.raw(row.provisional ? "true" : "false"); out.raw(",\n")
            out.key("reasons")
            if row.reasons.isEmpty {
                out.raw("[\n\n      ]")
            } else {
                out.raw("[\n")
                for (position, reason) in row.reasons.enumerated() {
                    out.raw(position == 0 ? "        " : ",\n        ")
                    out.string(reason)
                }
                out.raw("\n      ]")
            }
            out.raw(",\n")
            out.key("round"); out.string(row.round); out.raw(",\n")
            out.key("status"); out.string(row.status); out.raw(",\n")
            out.key("step"); out.string(row.step); out.raw("\n")
            out.raw("    }")
        }
        if !rows.isEmpty { out.raw("\n  ]") }
        out.raw("\n}\n")
        return out.bytes
    }

    /// Bytes of pretty-printed JSON, appended in order.
    struct Writer {
        var bytes: [UInt8] = []

        mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

        /// A key of a deadline object, at its indentation.
        mutating func key(_ name: String) {
            raw("      \"")
            raw(name)
            raw("\" : ")
        }

        mutating func optional(_ text: String?) {
            if let text { string(text) } else { raw("null") }
        }

        /// A JSON string as `JSONEncoder` escapes it: quote, backslash and control characters;
        /// everything else, slashes and non-ASCII included, as its UTF-8 bytes.
        mutating func string(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            // Most texts need no escape: copy their UTF-8 whole.
            let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
                guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
                bytes.append(contentsOf: utf8)
                return true
            }
            if copied != true { escape(text) }
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func escape(_ text: String) {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0x00..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
        }
    }
}
