import Foundation
import Regulation
import Testing

/// The message catalogs explain every alert: one entry per MESSAGE_ID, in English and Chinese.
@Suite("Message catalogs")
struct CatalogTests {
    static let systemd = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd")

    static func entries(_ name: String) throws -> [String: String] {
        let text = try String(contentsOf: systemd.appendingPathComponent(name), encoding: .utf8)
        var result: [String: String] = [:]
        for block in text.components(separatedBy: "\n-- ").dropFirst() {
            let id = String(block.prefix(32))
            result[id] = block
        }
        return result
    }

    @Test("every alert kind's MESSAGE_ID has an entry in both catalogs, with its subject, Defined-By and what to do", arguments: ["spotcheckd.catalog", "spotcheckd.zh_CN.catalog"])
    func everyKind(file: String) throws {
        let entries = try Self.entries(file)
        #expect(Set(entries.keys) == Set(AlertKind.allCases.map(\.messageID)), "one entry per kind, no stray ones")
        for kind in AlertKind.allCases {
            let entry = try #require(entries[kind.messageID])
            #expect(entry.contains("\nSubject: ") && entry.contains("\nDefined-By: spotcheck"), "\(kind)")
            if kind.isSubjectAlert || kind == .folded || kind == .reloadFailed {
                #expect(entry.contains("What to do:") || entry.contains("处理："), "\(kind) says what to do")
            }
        }
    }

    @Test("MESSAGE_IDs are distinct 128-bit ids")
    func distinct() {
        let ids = AlertKind.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }
}
