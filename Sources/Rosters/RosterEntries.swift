/// An institution on the institution roster (监管对象名录库, Art. 5–6).
public struct Institution: Hashable, Sendable, Codable {
    /// The unified social credit code.
    public var id: String
    public var name: String
    public var category: Category
    public var jurisdiction: String
    public var risk: RiskLevel
    /// Why the risk is high: complaints, abnormal-operation list, poor credit, major hazard (Art. 8).
    public var riskReason: String?
    public var status: InstitutionStatus

    public init(id: String, name: String, category: Category, jurisdiction: String, risk: RiskLevel,
                riskReason: String?, status: InstitutionStatus) {
        self.id = id
        self.name = name
        self.category = category
        self.jurisdiction = jurisdiction
        self.risk = risk
        self.riskReason = riskReason
        self.status = status
    }

    /// Suspended institutions cannot be drawn; the reason is shown with the draw.
    public var ineligibilityReason: String? {
        status == .suspended ? "suspended (停业)" : nil
    }
}

/// An inspector on the inspector roster (执法检查人员名录库, Art. 5, 11).
public struct Inspector: Hashable, Sendable, Codable {
    /// Law-enforcement certificate number (执法证号).
    public var id: String
    public var name: String
    public var jurisdiction: String
    public var categories: [Category]
    public var status: InspectorStatus

    public init(id: String, name: String, jurisdiction: String, categories: [Category], status: InspectorStatus) {
        self.id = id
        self.name = name
        self.jurisdiction = jurisdiction
        self.categories = categories
        self.status = status
    }
}

/// An item of a category's checklist (抽查事项清单, Art. 5): all fields required.
public struct ChecklistItem: Hashable, Sendable, Codable {
    public var category: Category
    public var code: String
    public var name: String
    public var basis: String
    public var subject: String
    public var content: String
    public var method: String

    public init(category: Category, code: String, name: String, basis: String, subject: String, content: String, method: String) {
        self.category = category
        self.code = code
        self.name = name
        self.basis = basis
        self.subject = subject
        self.content = content
        self.method = method
    }
}

/// A recusal pair (回避, Art. 11): the inspector is never drawn for the institution.
public struct Conflict: Hashable, Sendable, Codable {
    public var inspector: String
    public var institution: String
    public var reason: String

    public init(inspector: String, institution: String, reason: String) {
        self.inspector = inspector
        self.institution = institution
        self.reason = reason
    }
}

/// The four kinds of file officials import.
public enum RosterKind: String, CaseIterable, Sendable, Codable {
    case institutions
    case inspectors
    case checklist
    case conflicts
}
