/// An administrative area by its GB/T 2260 code (province → city → county), so rules and
/// reports roll up (Art. 2–4).
public struct Jurisdiction: Hashable, Sendable, Codable {
    /// Six digits, e.g. `640104`.
    public var code: String
    public var name: String
    /// `nil` for a province.
    public var parent: String?

    public init(code: String, name: String, parent: String?) {
        self.code = code
        self.name = name
        self.parent = parent
    }

    /// A GB/T 2260 code: six ASCII digits.
    public static func isValidCode(_ code: String) -> Bool {
        code.utf8.count == 6 && code.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

/// The loaded jurisdictions as a tree.
public struct JurisdictionTree: Sendable {
    public let byCode: [String: Jurisdiction]
    let children: [String: [String]]

    public init(_ jurisdictions: [Jurisdiction]) {
        var byCode: [String: Jurisdiction] = [:]
        var children: [String: [String]] = [:]
        for jurisdiction in jurisdictions {
            byCode[jurisdiction.code] = jurisdiction
            if let parent = jurisdiction.parent { children[parent, default: []].append(jurisdiction.code) }
        }
        self.byCode = byCode
        self.children = children.mapValues { $0.sorted() }
    }

    public func contains(_ code: String) -> Bool { byCode[code] != nil }

    /// `code` and every jurisdiction under it.
    public func subtree(_ code: String) -> Set<String> {
        var result: Set<String> = [code]
        var pending = [code]
        while let next = pending.popLast() {
            for child in children[next] ?? [] where result.insert(child).inserted { pending.append(child) }
        }
        return result
    }

    /// The chain from `code` up to its province, `code` first.
    public func ancestry(_ code: String) -> [Jurisdiction] {
        var chain: [Jurisdiction] = []
        var current = byCode[code]
        while let jurisdiction = current, !chain.contains(jurisdiction), chain.count < 10 {
            chain.append(jurisdiction)
            current = jurisdiction.parent.flatMap { byCode[$0] }
        }
        return chain
    }

    /// "银川市兴庆区 (640104)".
    public func displayName(_ code: String) -> String {
        let names = ancestry(code).reversed().dropFirst().map(\.name).joined()
        return "\(names.isEmpty ? (byCode[code]?.name ?? code) : names) (\(code))"
    }
}
