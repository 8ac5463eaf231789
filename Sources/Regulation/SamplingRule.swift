public import Draw

/// Art. 8's floors on a plan's rates: each sampling covers at least 5 % of the institutions,
/// and high-risk institutions are sampled at a higher ratio than the others.
public enum SamplingRule {
    /// Art. 8: at least 5/100 of a jurisdiction's institutions per round.
    public static let minimumRatio = Rate(num: 5, den: 100)

    /// What is wrong with `rates` under Art. 8; empty when they are allowed.
    public static func problems(_ rates: SamplingRates) -> [String] {
        var found = [rates.normal, rates.high].compactMap(\.problem)
        guard found.isEmpty else { return found }
        if rates.normal.isBelow(minimumRatio) { found.append("the ratio \(rates.normal) is below Art. 8's \(minimumRatio)") }
        if rates.high.isBelow(rates.normal) {
            found.append("the high-risk ratio \(rates.high) is below the normal ratio (Art. 8 asks for a higher one)")
        }
        return found
    }
}

/// A request the regulation does not allow, with the reason a person can act on (exit 65).
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
