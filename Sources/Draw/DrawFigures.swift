import Foundation

/// The figures of a recorded draw result that yearly compliance reads (Art. 8): per stratum its
/// risk, the institutions eligible and how many were selected. Read from the result JSON the
/// draw recorded (DRAW.md §5), without replaying the draw.
public struct DrawFigures: Decodable, Sendable, Hashable {
    /// One stratum's figures.
    public struct Stratum: Decodable, Sendable, Hashable {
        public var risk: String
        public var eligible: Int
        public var selected: Int

        enum CodingKeys: String, CodingKey { case risk, eligible, selected }
        private struct Pick: Decodable {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            risk = try container.decode(String.self, forKey: .risk)
            eligible = try container.decode(Int.self, forKey: .eligible)
            selected = try container.decode([Pick].self, forKey: .selected).count
        }
    }

    public var strata: [Stratum]

    /// Parses the recorded result JSON.
    public static func parse(_ json: String) throws -> DrawFigures {
        try JSONDecoder().decode(DrawFigures.self, from: Data(json.utf8))
    }
}
