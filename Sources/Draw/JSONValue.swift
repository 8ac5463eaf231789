public import Foundation

/// A JSON value whose objects keep their keys in order. Foundation's JSONEncoder does not keep
/// key order on Linux, and the published manifest and result list their fields in DRAW.md's
/// order so that a person can read them side by side with it.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(serialized(pretty: false))
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// Two-space indented JSON; an object or array of scalars inside an array stays on one line,
    /// as the rows of the manifest's lists are written. `pretty: false` gives compact JSON.
    public func serialized(pretty: Bool = true) -> String {
        var output = ""
        write(to: &output, layout: pretty ? .indented(0) : .compact)
        if pretty { output += "\n" }
        return output
    }

    enum Layout {
        case indented(Int)
        /// One line with a space after `,` and `:`.
        case line
        /// One line, no spaces.
        case compact
    }

    private func write(to output: inout String, layout: Layout) {
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .string(value): Self.writeString(value, to: &output)
        case let .array(values):
            if values.isEmpty { output += "[]"; return }
            switch layout {
            case let .indented(indent) where !(values.allSatisfy(\.isScalar) && values.count <= 32):
                let rowLayout: Layout = values.allSatisfy(\.isFlat) ? .line : .indented(indent + 1)
                output += "[\n"
                for (index, value) in values.enumerated() {
                    output += String(repeating: "  ", count: indent + 1)
                    value.write(to: &output, layout: rowLayout)
                    output += index == values.count - 1 ? "\n" : ",\n"
                }
                output += String(repeating: "  ", count: indent) + "]"
            default:
                let separator = if case .compact = layout { "," } else { ", " }
                output += "["
                for (index, value) in values.enumerated() {
                    if index > 0 { output += separator }
                    value.write(to: &output, layout: layout.isCompact ? .compact : .line)
                }
                output += "]"
            }
        case let .object(members):
            if members.isEmpty { output += "{}"; return }
            switch layout {
            case let .indented(indent):
                output += "{\n"
                for (index, (key, value)) in members.enumerated() {
                    output += String(repeating: "  ", count: indent + 1)
                    Self.writeString(key, to: &output)
                    output += ": "
                    value.write(to: &output, layout: .indented(indent + 1))
                    output += index == members.count - 1 ? "\n" : ",\n"
                }
                output += String(repeating: "  ", count: indent) + "}"
            case .line, .compact:
                output += "{"
                for (index, (key, value)) in members.enumerated() {
                    if index > 0 { output += layout.isCompact ? "," : ", " }
                    Self.writeString(key, to: &output)
                    output += layout.isCompact ? ":" : ": "
                    value.write(to: &output, layout: layout)
                }
                output += "}"
            }
        }
    }

    /// Scalars, or an object of scalars (and of objects of scalars): one line inside an array.
    var isFlat: Bool {
        switch self {
        case let .object(members): members.allSatisfy { $0.1.isScalar || $0.1.isFlatObject }
        default: isScalar
        }
    }

    private var isFlatObject: Bool {
        if case let .object(members) = self { return members.allSatisfy(\.1.isScalar) }
        return false
    }

    static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    /// Reads JSON. Object keys come back sorted (the decoder keeps no order): use this for
    /// comparing values, not for re-publishing them.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The same value with every object's keys sorted, as `parse` returns them.
    public func sortingKeys() -> JSONValue {
        switch self {
        case let .array(values): .array(values.map { $0.sortingKeys() })
        case let .object(members): .object(members.map { ($0.0, $0.1.sortingKeys()) }.sorted { $0.0 < $1.0 })
        default: self
        }
    }

    /// Member lookup for objects.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }
}

extension JSONValue.Layout {
    var isCompact: Bool { if case .compact = self { true } else { false } }
}

extension JSONValue: Decodable {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(try container.allKeys.map { ($0.stringValue, try container.decode(JSONValue.self, forKey: $0)) }.sorted { $0.0 < $1.0 })
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !container.isAtEnd { values.append(try container.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else { self = .string(try container.decode(String.self)) }
    }
}
