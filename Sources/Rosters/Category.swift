/// A business category of legal-service institutions (Art. 5): each has its own checklist,
/// inspector roster and institution roster.
public enum Category: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case lawyer
    case notary
    case forensic
    case arbitration
    case legalAid = "legal-aid"
    case grassroots

    /// The Chinese name officials use in their spreadsheets.
    public var chineseName: String {
        switch self {
        case .lawyer: "律师"
        case .notary: "公证"
        case .forensic: "司法鉴定"
        case .arbitration: "仲裁"
        case .legalAid: "法律援助"
        case .grassroots: "基层法律服务"
        }
    }

    /// Accepts the English code or the Chinese name.
    public init?(text: String) {
        let trimmed = text.trimmingSpaces
        if let value = Category(rawValue: trimmed.lowercased()) { self = value; return }
        guard let value = Category.allCases.first(where: { $0.chineseName == trimmed }) else { return nil }
        self = value
    }

    public static func < (lhs: Category, rhs: Category) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// "lawyer (律师), notary (公证), …" for error messages.
    public static var accepted: String {
        allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")
    }
}

/// Risk level (Art. 8): high-risk institutions are sampled at a higher ratio and frequency.
public enum RiskLevel: String, CaseIterable, Sendable, Codable, Hashable {
    case normal
    case high

    public var chineseName: String { self == .normal ? "一般" : "较高" }

    public init?(text: String) {
        let trimmed = text.trimmingSpaces
        if let value = RiskLevel(rawValue: trimmed.lowercased()) { self = value; return }
        guard let value = RiskLevel.allCases.first(where: { $0.chineseName == trimmed }) else { return nil }
        self = value
    }
}

/// Whether an institution is operating. Suspended institutions are not eligible for draws.
public enum InstitutionStatus: String, CaseIterable, Sendable, Codable, Hashable {
    case active
    case suspended

    public var chineseName: String { self == .active ? "正常" : "停业" }

    public init?(text: String) {
        let trimmed = text.trimmingSpaces
        if let value = InstitutionStatus(rawValue: trimmed.lowercased()) { self = value; return }
        guard let value = InstitutionStatus.allCases.first(where: { $0.chineseName == trimmed }) else { return nil }
        self = value
    }
}

/// Whether an inspector can be drawn.
public enum InspectorStatus: String, CaseIterable, Sendable, Codable, Hashable {
    case available
    case unavailable

    public var chineseName: String { self == .available ? "在岗" : "不在岗" }

    public init?(text: String) {
        let trimmed = text.trimmingSpaces
        if let value = InspectorStatus(rawValue: trimmed.lowercased()) { self = value; return }
        guard let value = InspectorStatus.allCases.first(where: { $0.chineseName == trimmed }) else { return nil }
        self = value
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and ideographic spaces (U+3000, common in
    /// spreadsheets typed on Chinese keyboards).
    public var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{00A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
