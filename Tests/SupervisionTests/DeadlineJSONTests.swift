import Foundation
import Supervision
import Testing
import WorkingDays

/// The hand-written deadline document must stay what `JSONEncoder` writes.
@Suite("Deadline JSON document")
struct DeadlineJSONTests {
    struct Document: Encodable {
        var asOf: CivilDate
        var deadlines: [DeadlineView]
        enum CodingKeys: String, CodingKey { case asOf = "as_of", deadlines }
    }

    static func encoderOutput(_ day: CivilDate, _ rows: [DeadlineView]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Document(asOf: day, deadlines: rows)), as: UTF8.self) + "\n"
    }

    @Test("the deadlines of a demo deployment are written exactly as JSONEncoder writes them")
    func demoDeployment() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spotcheck-deadline-json-\(UUID().uuidString)/db.sqlite").path
        let supervisor = try Supervisor(databasePath: path, actor: "tester", region: "ningxia", clock: { Date() })
        let day = CivilDate("2026-11-20")!
        _ = try supervisor.loadDemo(asOf: day, institutions: 300, seed: 7)
        let open = try supervisor.deadlines(asOf: day)
        let rounds = Set(open.map(\.round)).sorted()
        let rows = try open + rounds.flatMap { try supervisor.roundDeadlines($0, asOf: day).map(\.view) }
        #expect(open.count > 20)
        #expect(rows.contains { $0.inspection == nil } && rows.contains { $0.inspection != nil } && rows.contains { $0.doneOn != nil })
        #expect(String(decoding: DeadlineJSON.document(asOf: day, deadlines: rows), as: UTF8.self) == (try Self.encoderOutput(day, rows)))
    }

    @Test("escapes, empty lists and missing values are written exactly as JSONEncoder writes them")
    func edgeCases() throws {
        let day = CivilDate("2027-01-04")!
        let row = DeadlineView(
            round: "2026-律师-\"01\"/a\\b", inspection: nil, institution: nil, article: 13, step: "report", due: day, status: "overdue",
            doneOn: nil, overdueWorkdays: 12, provisional: true,
            reasons: ["line\none\ttab\r\u{8}\u{c}\u{1}\u{1f}", "https://example.org/x", "宁夏回族自治区 2027 年通知未载入 😀"],
            jurisdiction: "640104", category: "律师")
        var done = row
        done.inspection = "R1/I2"
        done.institution = "I2"
        done.doneOn = CivilDate("2026-12-31")
        done.provisional = false
        done.reasons = []
        for rows in [[], [row], [row, done]] {
            #expect(String(decoding: DeadlineJSON.document(asOf: day, deadlines: rows), as: UTF8.self) == (try Self.encoderOutput(day, rows)))
        }
    }
}
