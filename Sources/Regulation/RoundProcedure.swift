public import WorkingDays

/// The steps a round goes through, in order (Art. 10): the application approved by the unit
/// head (1), the announcement of the manifest, the random draw (2), the inspection (3) until
/// it ends, the report (4, Art. 13), its approval by the team leader and the leader in charge
/// (5), publication (5, Art. 15), and filing with the legal-affairs office (6). Feedback to each
/// institution (5, Art. 14) and the checklist results (3, Art. 9) belong to each inspection.
public enum RoundState: String, CaseIterable, Sendable, Codable, Comparable {
    case proposed
    case approved
    case announced
    case drawn
    /// The inspection work is over (Art. 10(3)); Art. 13's and Art. 15's periods start.
    case ended
    /// The report is complete (Art. 10(4), Art. 13); Art. 14's periods start.
    case reported
    /// The team leader and the leader in charge approved the report (Art. 10(5)).
    case reviewed
    /// The results are published (Art. 10(5), Art. 15).
    case published
    /// Filed with the legal-affairs office (Art. 10(6)).
    case filed

    /// The step that must come before this one.
    public var predecessor: RoundState? {
        switch self {
        case .proposed: nil
        case .approved: .proposed
        case .announced: .approved
        case .drawn: .announced
        case .ended: .drawn
        case .reported: .ended
        case .reviewed: .reported
        case .published: .reviewed
        case .filed: .published
        }
    }

    /// Steps recorded with the day they happened (`--on`); the earlier ones are dated by when
    /// they were recorded.
    public var isDated: Bool { self >= .ended }

    public static func < (lhs: RoundState, rhs: RoundState) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// Why a round in state `self` cannot move to `next`, or `nil` if it can (Art. 10's order;
    /// a round is drawn once).
    public func refusal(toward next: RoundState) -> String? {
        if next == .drawn && self >= .drawn {
            return "the round has been drawn already; a round is drawn once: announce a new round to draw again"
        }
        guard next.predecessor == self else {
            let needed = next.predecessor.map { "\"\($0.rawValue)\"" } ?? "none"
            return "the round is \"\(rawValue)\"; \"\(next.rawValue)\" must follow \(needed) (Art. 10)"
        }
        return nil
    }
}

/// The dating rule of a step: not in the future, not before the step it follows (Art. 10's order).
public enum StepDating {
    /// Why `step` cannot be dated `date`, or `nil`. `previous` is the step it follows and its date.
    public static func refusal(_ step: String, on date: CivilDate, after previous: (step: String, date: CivilDate)?, today: CivilDate) -> String? {
        if date > today { return "\(step) on \(date) is in the future (today is \(today) in Asia/Shanghai)" }
        if let previous, date < previous.date {
            return "\(step) on \(date) is before \(previous.step) on \(previous.date)"
        }
        return nil
    }
}

/// A checklist item's result in an inspection record (Attachment 2, 抽查记录表).
public enum ItemResult: String, CaseIterable, Codable, Sendable {
    case pass
    case fail
    /// Not applicable: allowed only with a note saying why (Art. 9).
    case notApplicable = "n/a"

    /// 合格, 不合格, 不适用.
    public var chineseName: String {
        switch self {
        case .pass: "合格"
        case .fail: "不合格"
        case .notApplicable: "不适用"
        }
    }
}

/// Art. 9: every item of the category's checklist is checked; none may be left out.
public enum ChecklistCoverage {
    /// The item codes with no acceptable result: no result, or `n/a` without a note.
    public static func missing(items: [String], results: [String: (result: ItemResult, note: String?)]) -> [String] {
        items.filter { code in
            guard let entry = results[code] else { return true }
            return entry.result == .notApplicable && (entry.note?.isEmpty ?? true)
        }
    }
}
