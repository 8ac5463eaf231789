/// The steps a round goes through, in order (Art. 10): the application approved by the unit
/// head (1), the announcement of the manifest, the random draw (2). Later steps (inspection,
/// report, publication, filing) belong to each inspection.
public enum RoundState: String, CaseIterable, Sendable, Codable, Comparable {
    case proposed
    case approved
    case announced
    case drawn

    /// The step that must come before this one.
    public var predecessor: RoundState? {
        switch self {
        case .proposed: nil
        case .approved: .proposed
        case .announced: .approved
        case .drawn: .announced
        }
    }

    public static func < (lhs: RoundState, rhs: RoundState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Why a round in state `self` cannot move to `next`, or `nil` if it can (Art. 10's order;
    /// a round is drawn once).
    public func refusal(toward next: RoundState) -> String? {
        if next == .drawn && self == .drawn {
            return "the round has been drawn already; a round is drawn once: announce a new round to draw again"
        }
        guard next.predecessor == self else {
            let needed = next.predecessor.map { "\"\($0.rawValue)\"" } ?? "none"
            return "the round is \"\(rawValue)\"; \"\(next.rawValue)\" must follow \(needed) (Art. 10)"
        }
        return nil
    }
}

/// A sampling plan's rates (Art. 7–8): at least 5 % of institutions, higher for high risk.
public struct SamplingRates: Hashable, Sendable, Codable {
    public var normalNumerator: Int
    public var normalDenominator: Int
    public var highNumerator: Int
    public var highDenominator: Int

    public init(normalNumerator: Int = 5, normalDenominator: Int = 100, highNumerator: Int = 20, highDenominator: Int = 100) {
        self.normalNumerator = normalNumerator
        self.normalDenominator = normalDenominator
        self.highNumerator = highNumerator
        self.highDenominator = highDenominator
    }

    /// Art. 8's floor: each sampling covers at least 5 % of the institutions.
    public var problems: [String] {
        var found: [String] = []
        if normalDenominator <= 0 || highDenominator <= 0 { found.append("a ratio's denominator must be positive") }
        else {
            if normalNumerator * 100 < 5 * normalDenominator { found.append("the ratio \(normalNumerator)/\(normalDenominator) is below Art. 8's 5/100") }
            if highNumerator * normalDenominator < normalNumerator * highDenominator {
                found.append("the high-risk ratio \(highNumerator)/\(highDenominator) is below the normal ratio (Art. 8 asks for a higher one)")
            }
            if normalNumerator > normalDenominator || highNumerator > highDenominator { found.append("a ratio above 1 cannot be sampled") }
        }
        return found
    }
}
