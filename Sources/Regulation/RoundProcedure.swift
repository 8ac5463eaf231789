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
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
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
