/// A term officials write in Chinese or English: a category, a risk level, a status. One
/// protocol so that every such term is read from a spreadsheet or the command line the same way.
public protocol BilingualTerm: RawRepresentable<String>, CaseIterable, Hashable, Sendable where AllCases == [Self] {
    /// The Chinese name officials use in their spreadsheets.
    var chineseName: String { get }
}

extension BilingualTerm {
    /// Accepts the English code (any case) or the Chinese name, spaces around either trimmed.
    /// Inlinable so that each term's reading is specialised where it runs: three times a row
    /// of a 100,000-row roster, in Import.
    @inlinable
    public init?(text: String) {
        let trimmed = text.trimmingSpaces
        guard let value = Self(rawValue: trimmed) ?? Self.allCases.first(where: { $0.chineseName == trimmed })
            ?? Self(rawValue: trimmed.lowercased()) else { return nil }
        self = value
    }

    /// Position in declaration order.
    @inlinable
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// "lawyer (律师), notary (公证), …" for error messages.
    public static var accepted: String {
        allCases.map { "\($0.rawValue) (\($0.chineseName))" }.joined(separator: ", ")
    }
}

/// A business category of legal-service institutions (Art. 5): each has its own checklist,
/// inspector roster and institution roster.
public enum Category: String, BilingualTerm, Codable, Comparable {
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


    public static func < (lhs: Category, rhs: Category) -> Bool {
        lhs.order < rhs.order
    }

}

/// Risk level (Art. 8): high-risk institutions are sampled at a higher ratio and frequency.
public enum RiskLevel: String, BilingualTerm, Codable {
    case normal
    case high

    public var chineseName: String { self == .normal ? "一般" : "较高" }

}

/// Whether an institution is operating. Suspended institutions are not eligible for draws.
public enum InstitutionStatus: String, BilingualTerm, Codable {
    case active
    case suspended

    public var chineseName: String { self == .active ? "正常" : "停业" }

}

/// Whether an inspector can be drawn.
public enum InspectorStatus: String, BilingualTerm, Codable {
    case available
    case unavailable

    public var chineseName: String { self == .available ? "在岗" : "不在岗" }

}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs, no-break spaces and ideographic spaces
    /// (U+3000, common in spreadsheets typed on Chinese keyboards).
    public var trimmingSpaces: String {
        // Fast path on the UTF-8 bytes: most fields have nothing to trim. A field can only start
        // or end with one of the spaces if its first byte, or its last byte, is one of theirs.
        let utf8 = Substring(self).utf8
        guard let first = utf8.first, let last = utf8.last else { return "" }
        let couldStart = first == 0x20 || first == 0x09 || first == 0xC2 || first == 0xE3
        let couldEnd = last == 0x20 || last == 0x09 || last == 0xA0 || last == 0x80
        if !couldStart && !couldEnd { return String(self) }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{00A0}" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
