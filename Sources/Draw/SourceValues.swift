public import Foundation

/// A published value of an announced public source (DRAW.md §1–2).
public enum SourceValue: Hashable, Sendable {
    /// Lottery numbers, dice: at least one, each ≥ 0, in the order published.
    case integers([UInt64])
    /// A beacon's output: ASCII letters, digits, `-`, `_`, `:`.
    case text(String)

    public var kind: String {
        switch self {
        case .integers: "integers"
        case .text: "text"
        }
    }

    /// The canonical form of DRAW.md §2 (RFC 3797 §4), without the `/`.
    public var canonical: String {
        switch self {
        case let .integers(numbers): numbers.sorted().map { "\($0)." }.joined()
        case let .text(text): text.lowercased() + "."
        }
    }

    /// Reads a value typed on the command line: numbers separated by commas or spaces for
    /// `integers`, the text itself for `text`.
    public static func parse(_ text: String, kind: String) -> SourceValue? {
        switch kind {
        case "integers":
            let parts = text.split(whereSeparator: { $0 == "," || $0 == " " })
            let numbers = parts.compactMap { part in part.allSatisfy(\.isASCII) ? UInt64(part) : nil }
            return numbers.count == parts.count && !numbers.isEmpty ? .integers(numbers) : nil
        case "text":
            return .text(text)
        default:
            return nil
        }
    }

    var json: JSONValue {
        switch self {
        case let .integers(numbers): .array(numbers.map { .int(Int($0)) })
        case let .text(text): .string(text)
        }
    }
}

/// The values file (`values.json`): source name → numbers or text.
public struct SourceValues: Hashable, Sendable, Decodable {
    public var values: [String: SourceValue]

    public init(_ values: [String: SourceValue]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONValue.AnyKey.self)
        var values: [String: SourceValue] = [:]
        for key in container.allKeys {
            if let numbers = try? container.decode([UInt64].self, forKey: key) {
                values[key.stringValue] = .integers(numbers)
            } else {
                values[key.stringValue] = .text(try container.decode(String.self, forKey: key))
            }
        }
        self.values = values
    }

    public static func parse(_ data: Data) throws(DrawError) -> SourceValues {
        do { return try JSONDecoder().decode(SourceValues.self, from: data) } catch {
            throw DrawError.badValues("expected a JSON object of source name → list of integers ≥ 0 or text: \(DrawManifest.describe(error))")
        }
    }

    /// The values file as published: the sources in manifest order.
    public func json(order: [DrawManifest.Source]) -> JSONValue {
        .object(order.compactMap { source in values[source.name].map { (source.name, $0.json) } })
    }
}
