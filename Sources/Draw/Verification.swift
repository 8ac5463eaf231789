import Fingerprint
public import Foundation

/// The result of checking a published draw.
public enum VerificationOutcome: Hashable, Sendable {
    case ok
    /// The first place where the published result and the recomputation differ.
    case differs(path: String, published: String, recomputed: String)
}

/// Checks a published result against its manifest (DRAW.md §7): recomputes everything from the
/// manifest bytes, the source values and the substitutions the result records, and reports the
/// first difference.
public enum DrawVerifier {
    public static func verify(manifestBytes: Data, resultBytes: Data) throws(DrawError) -> VerificationOutcome {
        let manifest = try DrawManifest.parse(manifestBytes)
        return try verify(manifest: manifest, manifestSHA256: sha256Hex(manifestBytes), resultBytes: resultBytes)
    }

    /// The same, for a manifest already parsed from bytes whose SHA-256 is `manifestSHA256`.
    public static func verify(manifest: DrawManifest, manifestSHA256: String, resultBytes: Data) throws(DrawError) -> VerificationOutcome {
        let published: JSONValue
        do { published = try JSONValue.parse(resultBytes) } catch {
            throw DrawError.badManifest("the result is not JSON: \(error)")
        }
        if let recorded = published["manifest_sha256"], recorded != .string(manifestSHA256) {
            return .differs(path: "manifest_sha256", published: recorded.serialized(pretty: false), recomputed: "\"\(manifestSHA256)\"")
        }
        // The values and substitutions are taken from the result itself: it publishes them.
        var values: [String: SourceValue] = [:]
        if case let .array(sources)? = published["sources"] {
            for source in sources {
                guard case let .string(name)? = source["name"] else { continue }
                switch source["value"] {
                case let .array(numbers)?:
                    values[name] = .integers(numbers.compactMap { if case let .int(value) = $0, value >= 0 { UInt64(value) } else { nil } })
                case let .string(text)?:
                    values[name] = .text(text)
                default: break
                }
            }
        }
        var substitutions: [SubstitutionRequest] = []
        if case let .array(recorded)? = published["substitutions"] {
            for entry in recorded {
                guard case let .string(inspector)? = entry["inspector"], case let .string(institution)? = entry["institution"] else { continue }
                var reason = ""
                if case let .string(text)? = entry["reason"] { reason = text }
                substitutions.append(SubstitutionRequest(inspector: inspector, institution: institution, reason: reason))
            }
        }
        let outcome = try DrawAlgorithm.run(manifest: manifest, manifestSHA256: manifestSHA256, values: SourceValues(values), substitutions: substitutions)
        let recomputed = outcome.json.sortingKeys()
        if let difference = firstDifference(published, recomputed, path: "") { return difference }
        return .ok
    }

    /// Walks both trees in order (object keys sorted) and reports the first mismatch.
    static func firstDifference(_ published: JSONValue, _ recomputed: JSONValue, path: String) -> VerificationOutcome? {
        switch (published, recomputed) {
        case let (.object(a), .object(b)):
            let keys = Set(a.map(\.0)).union(b.map(\.0)).sorted()
            // Walk in DRAW.md's order where it applies, so the first difference is the first a reader meets.
            let order = ["format", "round", "manifest_sha256", "sources", "key_string", "seed", "stage1", "strata", "teams", "substitutions"]
            let ordered = order.filter(keys.contains) + keys.filter { !order.contains($0) }
            for key in ordered {
                let left = a.first { $0.0 == key }?.1
                let right = b.first { $0.0 == key }?.1
                let here = path.isEmpty ? key : "\(path).\(key)"
                guard let left else { return .differs(path: here, published: "(missing)", recomputed: right!.serialized(pretty: false)) }
                guard let right else { return .differs(path: here, published: left.serialized(pretty: false), recomputed: "(absent)") }
                if let difference = firstDifference(left, right, path: here) { return difference }
            }
            return nil
        case let (.array(a), .array(b)):
            for index in 0..<max(a.count, b.count) {
                let here = "\(path)[\(index)]"
                guard index < a.count else { return .differs(path: here, published: "(missing)", recomputed: b[index].serialized(pretty: false)) }
                guard index < b.count else { return .differs(path: here, published: a[index].serialized(pretty: false), recomputed: "(absent)") }
                if let difference = firstDifference(a[index], b[index], path: here) { return difference }
            }
            return nil
        default:
            return published == recomputed ? nil
                : .differs(path: path, published: published.serialized(pretty: false), recomputed: recomputed.serialized(pretty: false))
        }
    }
}
