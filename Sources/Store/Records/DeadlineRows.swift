import Foundation
import GRDB
import Records
import Regulation
import Rosters
import WorkingDays

/// Deadlines read by column position rather than through Codable: the deadline queries read
/// thousands of rows (the daemon and `overdue` on every call), and the keyed decoder costs
/// several times the read itself. Just as strict: an unknown stored value is
/// ``StoreError/corrupt(_:)``, naming the column and value.
enum DeadlineRows {
    static let columns = "id, round, institution, rule, article, from_date, due, done_on, provisional, reasons, jurisdiction, category"

    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [DeadlineRecord] {
        var result: [DeadlineRecord] = []
        var reasons = ReasonsCache()
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() { result.append(try record(row, &reasons)) }
        return result
    }

    /// Many deadlines share their reasons (a missing notice, one report's due date): each
    /// distinct JSON text is decoded once per read, and each distinct list encoded once per write.
    struct ReasonsCache {
        var decoded: [String: [String]] = ["[]": []]
        var encoded: [[String]: String] = [[]: "[]"]

        mutating func decode(_ text: String) throws(StoreError) -> [String] {
            if let known = decoded[text] { return known }
            guard let value = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
                throw StoreError.corrupt("deadline.reasons: stored value \(text) is not a JSON list of strings")
            }
            decoded[text] = value
            return value
        }

        mutating func encode(_ reasons: [String]) throws -> String {
            if let known = encoded[reasons] { return known }
            let text = String(decoding: try JSONEncoder().encode(reasons), as: UTF8.self)
            encoded[reasons] = text
            return text
        }
    }

    static func record(_ row: Row, _ cache: inout ReasonsCache) throws(StoreError) -> DeadlineRecord {
        func text(_ index: Int, _ column: String) throws(StoreError) -> String {
            guard let value: String = row[index] else { throw StoreError.corrupt("deadline.\(column): stored value is NULL") }
            return value
        }
        func date(_ index: Int, _ column: String) throws(StoreError) -> CivilDate {
            let value = try text(index, column)
            guard let date = CivilDate(value) else { throw StoreError.corrupt("deadline.\(column): stored value \"\(value)\" is not a date") }
            return date
        }
        let ruleText = try text(3, "rule")
        guard let rule = DeadlineRule(rawValue: ruleText) else {
            throw StoreError.corrupt("deadline.rule: stored value \"\(ruleText)\" is not one of \(DeadlineRule.allCases.map(\.rawValue))")
        }
        let reasons = try cache.decode(try text(9, "reasons"))
        let doneOn: CivilDate? = row.hasNull(atIndex: 7) ? nil : try date(7, "done_on")
        let deadline = Deadline(rule: rule, institution: row[2], from: try date(5, "from_date"), due: try date(6, "due"), doneOn: doneOn,
                                provisional: row[8], reasons: reasons)
        var record = DeadlineRecord(id: row[0], round: try text(1, "round"), deadline: deadline, jurisdiction: try text(10, "jurisdiction"),
                                    category: try row.term(at: 11, "category", in: "deadline"))
        record.article = row[4]
        return record
    }
}
