public import Foundation
public import Rosters
import Parallel

/// One column of a roster file: its key, the Chinese and English headers accepted for it.
struct ColumnSpec: Sendable {
    var key: String
    var chinese: String
    var english: String
    /// Whether the column must be present.
    var required = true
}

/// Reads the four roster files officials hand in (Art. 5–6) into validated values, reporting
/// every problem with file, line, column and value. Nothing here touches the database: the
/// caller passes what validation needs (jurisdictions, the current rosters for conflicts).
public enum RosterFile {
    static let institutionColumns = [
        ColumnSpec(key: "id", chinese: "统一社会信用代码", english: "id"),
        ColumnSpec(key: "name", chinese: "机构名称", english: "name"),
        ColumnSpec(key: "category", chinese: "业务类别", english: "category"),
        ColumnSpec(key: "jurisdiction", chinese: "辖区", english: "jurisdiction"),
        ColumnSpec(key: "risk", chinese: "风险等级", english: "risk"),
        ColumnSpec(key: "risk_reason", chinese: "风险原因", english: "risk_reason", required: false),
        ColumnSpec(key: "status", chinese: "状态", english: "status"),
    ]
    static let inspectorColumns = [
        ColumnSpec(key: "id", chinese: "执法证号", english: "id"),
        ColumnSpec(key: "name", chinese: "姓名", english: "name"),
        ColumnSpec(key: "jurisdiction", chinese: "辖区", english: "jurisdiction"),
        ColumnSpec(key: "categories", chinese: "业务类别", english: "categories"),
        ColumnSpec(key: "status", chinese: "状态", english: "status"),
    ]
    static let checklistColumns = [
        ColumnSpec(key: "category", chinese: "业务类别", english: "category"),
        ColumnSpec(key: "code", chinese: "事项编码", english: "code"),
        ColumnSpec(key: "name", chinese: "事项名称", english: "name"),
        ColumnSpec(key: "basis", chinese: "抽查依据", english: "basis"),
        ColumnSpec(key: "subject", chinese: "抽查主体", english: "subject"),
        ColumnSpec(key: "content", chinese: "抽查内容", english: "content"),
        ColumnSpec(key: "method", chinese: "抽查方式", english: "method"),
    ]
    static let conflictColumns = [
        ColumnSpec(key: "inspector", chinese: "执法证号", english: "inspector"),
        ColumnSpec(key: "institution", chinese: "统一社会信用代码", english: "institution"),
        ColumnSpec(key: "reason", chinese: "原因", english: "reason"),
    ]

    /// Reads a file into a table: `.xlsx` as a workbook, anything else as CSV in a detected
    /// (or forced) encoding. Also returns the file's bytes, for its SHA-256.
    public static func readTable(path: String, encoding: TextEncoding? = nil) throws(InputError) -> (table: Table, data: Data, encoding: String) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError([InputProblem(file: path, line: nil, field: "(file)", message: "cannot be read: \(error.localizedDescription)")])
        }
        if path.lowercased().hasSuffix(".xlsx") {
            return (try XLSXTable.read(data, file: path), data, "xlsx")
        }
        let (text, detected) = try TextEncoding.decode(data, file: path, forced: encoding)
        return (try CSVTable.parse(text, file: path), data, detected.rawValue)
    }

    /// Maps header cells to column keys; every problem (unknown, duplicated, missing) reported.
    static func columns(_ table: Table, _ specs: [ColumnSpec], file: String, problems: inout [InputProblem]) -> [String: Int]? {
        var indexByKey: [String: Int] = [:]
        let before = problems.count
        for (index, rawName) in table.header.enumerated() {
            let name = rawName.trimmingSpaces
            guard let spec = specs.first(where: { $0.chinese == name || $0.english.caseInsensitiveCompare(name) == .orderedSame }) else {
                problems.append(InputProblem(file: file, line: table.headerLine, field: name.isEmpty ? "column \(index + 1)" : name,
                    message: "unknown column; expected \(specs.map { "\($0.chinese)/\($0.english)" }.joined(separator: ", "))"))
                continue
            }
            if indexByKey[spec.key] != nil {
                problems.append(InputProblem(file: file, line: table.headerLine, field: name, message: "the column appears twice"))
            }
            indexByKey[spec.key] = index
        }
        for spec in specs where spec.required && indexByKey[spec.key] == nil {
            problems.append(InputProblem(file: file, line: table.headerLine, field: "\(spec.chinese)/\(spec.english)", message: "required column is missing"))
        }
        return problems.count == before ? indexByKey : nil
    }

    /// One row's outcome: its key for the duplicate check (when it has one) and its value
    /// (when the row is valid).
    struct Checked<Value: Sendable>: Sendable {
        var key: String?
        var value: Value?
        var line: Int
    }

    /// Validates every record with `check`, in parallel chunks on large files (rows are
    /// independent; only the duplicate check, done after, needs them all), then reports keys
    /// seen twice with `duplicate`. Ragged rows are reported and skipped. Returns the valid
    /// rows' values in file order; the caller refuses the file if any problem was found.
    static func validate<Value: Sendable>(
        _ table: Table, _ specs: [ColumnSpec], _ indexByKey: [String: Int], file: String, problems: inout [InputProblem],
        of type: Value.Type, duplicateColumn: String, duplicate: (Value?, String, Int) -> String,
        check: @Sendable @escaping (Row, inout [InputProblem]) -> Checked<Value>
    ) -> [Value] {
        let width = table.header.count
        let layout = Layout(specs: specs, indexByKey: indexByKey, file: file, header: table.header)
        let records = table.records
        let outcomes = Parallel.map(count: records.count, parts: min(8, Parallel.cores), minimumCount: 20_000) { range in
            var checked: [Checked<Value>] = []
            var found: [InputProblem] = []
            checked.reserveCapacity(range.count)
            for record in records[range] {
                guard record.fields.count == width else {
                    found.append(InputProblem(file: file, line: record.line, field: "(row)",
                        message: "has \(record.fields.count) fields, the header has \(width)"))
                    continue
                }
                var result = check(Row(record: record, layout: layout), &found)
                result.line = record.line
                checked.append(result)
            }
            return (checked, found)
        }
        var values: [Value] = []
        values.reserveCapacity(records.count)
        var firstLine: [String: Int] = [:]
        firstLine.reserveCapacity(records.count)
        var rowProblems: [InputProblem] = []
        var duplicates: [InputProblem] = []
        let column = Row(record: Table.Record(line: 0, fields: []), layout: layout).column(duplicateColumn)
        for (checked, found) in outcomes {
            rowProblems += found
            for row in checked {
                if let value = row.value { values.append(value) }
                guard let key = row.key else { continue }
                if let earlier = firstLine[key] {
                    duplicates.append(InputProblem(file: file, line: row.line, field: column, message: duplicate(row.value, key, earlier)))
                } else {
                    firstLine[key] = row.line
                }
            }
        }
        if !duplicates.isEmpty {
            // Keep each line's problems together, in file order.
            rowProblems = (rowProblems + duplicates).enumerated()
                .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
        }
        problems += rowProblems
        return values
    }

    /// Where each column is, shared by every row of a file.
    final class Layout: Sendable {
        let specs: [ColumnSpec]
        /// (key, field index) pairs: a linear scan of a handful of short keys beats hashing.
        let positions: [(key: String, index: Int)]
        let file: String
        let header: [String]

        init(specs: [ColumnSpec], indexByKey: [String: Int], file: String, header: [String]) {
            self.specs = specs
            positions = indexByKey.map { ($0.key, $0.value) }
            self.file = file
            self.header = header
        }

        func index(_ key: String) -> Int? {
            for position in positions where position.key == key { return position.index }
            return nil
        }
    }

    /// Access to one record's fields by column key, producing located problems.
    struct Row {
        var record: Table.Record
        let layout: Layout

        func value(_ key: String) -> String {
            layout.index(key).map { record.fields[$0].trimmingSpaces } ?? ""
        }

        /// The column's name as the file's header spells it.
        func column(_ key: String) -> String {
            if let index = layout.index(key) { return layout.header[index].trimmingSpaces }
            return layout.specs.first { $0.key == key }.map { "\($0.chinese)/\($0.english)" } ?? key
        }

        func problem(_ key: String, _ message: String) -> InputProblem {
            InputProblem(file: layout.file, line: record.line, field: column(key), message: message)
        }

        /// A non-empty value, or a problem.
        func required(_ key: String, _ problems: inout [InputProblem]) -> String? {
            let text = value(key)
            if text.isEmpty { problems.append(problem(key, "is empty; a value is required")); return nil }
            return text
        }
    }

    // MARK: The four kinds

    /// Institutions: credit codes checked (GB 32100-2015), jurisdictions known, risk reasons
    /// given for high risk (Art. 8), ids unique.
    public static func institutions(_ table: Table, file: String, jurisdictions: JurisdictionTree) throws(InputError) -> [Institution] {
        var problems: [InputProblem] = []
        guard let indexByKey = columns(table, institutionColumns, file: file, problems: &problems) else { throw InputError(problems) }
        let result = validate(table, institutionColumns, indexByKey, file: file, problems: &problems, of: Institution.self, duplicateColumn: "id",
                              duplicate: { _, id, earlier in "\"\(id)\" is listed twice (also line \(earlier))" }) { row, problems in
            let before = problems.count
            let id = row.required("id", &problems)
            if let id {
                switch CreditCode.problem(in: id) {
                case let .length(count)?: problems.append(row.problem("id", "\"\(id)\" has \(count) characters, a unified social credit code has 18"))
                case let .character(character, position)?: problems.append(row.problem("id", "\"\(id)\" has \"\(character)\" at position \(position), outside the code's alphabet (digits and capitals without I, O, S, V, Z)"))
                case let .checkCharacter(found, expected)?: problems.append(row.problem("id", "\"\(id)\" has check character \(found), expected \(expected)"))
                case nil: break
                }
            }
            let name = row.required("name", &problems)
            let category = parse(row, "category", &problems, Category.init(text:), expected: Category.accepted)
            let jurisdiction = row.required("jurisdiction", &problems)
            if let jurisdiction, !jurisdictions.contains(jurisdiction) {
                problems.append(row.problem("jurisdiction", "\"\(jurisdiction)\" is not a known GB/T 2260 jurisdiction code"))
            }
            let risk = parse(row, "risk", &problems, RiskLevel.init(text:), expected: "一般/normal or 较高/high")
            let reason = row.value("risk_reason")
            if risk == .high && reason.isEmpty {
                problems.append(row.problem("risk_reason", "is empty; a high-risk institution needs the reason (complaints, abnormal-operation list, poor credit, major hazard)"))
            }
            let status = parse(row, "status", &problems, InstitutionStatus.init(text:), expected: "正常/active or 停业/suspended")
            guard problems.count == before, let id, let name, let category, let jurisdiction, let risk, let status else {
                return Checked(key: id, value: nil, line: 0)
            }
            return Checked(key: id, value: Institution(id: id, name: name, category: category, jurisdiction: jurisdiction, risk: risk,
                                                       riskReason: reason.isEmpty ? nil : reason, status: status), line: 0)
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return result
    }

    /// Inspectors: certificate numbers unique, one or more categories separated by `;` or `、`.
    public static func inspectors(_ table: Table, file: String, jurisdictions: JurisdictionTree) throws(InputError) -> [Inspector] {
        var problems: [InputProblem] = []
        guard let indexByKey = columns(table, inspectorColumns, file: file, problems: &problems) else { throw InputError(problems) }
        let result = validate(table, inspectorColumns, indexByKey, file: file, problems: &problems, of: Inspector.self, duplicateColumn: "id",
                              duplicate: { _, id, earlier in "\"\(id)\" is listed twice (also line \(earlier))" }) { row, problems in
            let before = problems.count
            let id = row.required("id", &problems)
            if let id, !Identifier.isPlain(id) { problems.append(row.problem("id", "\"\(id)\" must be \(Identifier.rule)")) }
            let name = row.required("name", &problems)
            let jurisdiction = row.required("jurisdiction", &problems)
            if let jurisdiction, !jurisdictions.contains(jurisdiction) {
                problems.append(row.problem("jurisdiction", "\"\(jurisdiction)\" is not a known GB/T 2260 jurisdiction code"))
            }
            var categories: [Category] = []
            if let text = row.required("categories", &problems) {
                for part in text.split(whereSeparator: { $0 == ";" || $0 == "、" || $0 == "；" }).map(\.trimmingSpaces) where !part.isEmpty {
                    if let category = Category(text: part) {
                        if !categories.contains(category) { categories.append(category) }
                    } else {
                        problems.append(row.problem("categories", "\"\(part)\" is not a category; expected \(Category.accepted)"))
                    }
                }
                if categories.isEmpty && problems.count == before { problems.append(row.problem("categories", "names no category")) }
            }
            let status = parse(row, "status", &problems, InspectorStatus.init(text:), expected: "在岗/available or 不在岗/unavailable")
            guard problems.count == before, let id, let name, let jurisdiction, let status else { return Checked(key: id, value: nil, line: 0) }
            return Checked(key: id, value: Inspector(id: id, name: name, jurisdiction: jurisdiction, categories: categories.sorted(), status: status), line: 0)
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return result
    }

    /// Checklist items: every field required (Art. 5), codes unique within a category.
    public static func checklist(_ table: Table, file: String) throws(InputError) -> [ChecklistItem] {
        var problems: [InputProblem] = []
        guard let indexByKey = columns(table, checklistColumns, file: file, problems: &problems) else { throw InputError(problems) }
        let result = validate(table, checklistColumns, indexByKey, file: file, problems: &problems, of: ChecklistItem.self, duplicateColumn: "code",
                              duplicate: { _, key, earlier in
                                  let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                                  return "\"\(parts[1])\" is listed twice for \(Category(rawValue: parts[0])?.chineseName ?? parts[0]) (also line \(earlier))"
                              }) { row, problems in
            let before = problems.count
            let category = parse(row, "category", &problems, Category.init(text:), expected: Category.accepted)
            let code = row.required("code", &problems)
            let values = ["name", "basis", "subject", "content", "method"].map { row.required($0, &problems) }
            let key = category.flatMap { category in code.map { "\(category.rawValue)/\($0)" } }
            guard problems.count == before, let category, let code else { return Checked(key: key, value: nil, line: 0) }
            return Checked(key: key, value: ChecklistItem(category: category, code: code, name: values[0]!, basis: values[1]!, subject: values[2]!,
                                                          content: values[3]!, method: values[4]!), line: 0)
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return result
    }

    /// Recusal pairs: both sides must be on the current rosters.
    public static func conflicts(_ table: Table, file: String, inspectors: Set<String>, institutions: Set<String>) throws(InputError) -> [Conflict] {
        var problems: [InputProblem] = []
        guard let indexByKey = columns(table, conflictColumns, file: file, problems: &problems) else { throw InputError(problems) }
        let result = validate(table, conflictColumns, indexByKey, file: file, problems: &problems, of: Conflict.self, duplicateColumn: "inspector",
                              duplicate: { _, key, earlier in
                                  "the pair \(key.replacingOccurrences(of: "|", with: " / ")) is listed twice (also line \(earlier))"
                              }) { row, problems in
            let before = problems.count
            let inspector = row.required("inspector", &problems)
            if let inspector, !inspectors.contains(inspector) {
                problems.append(row.problem("inspector", "\"\(inspector)\" is not on the inspector roster"))
            }
            let institution = row.required("institution", &problems)
            if let institution, !institutions.contains(institution) {
                problems.append(row.problem("institution", "\"\(institution)\" is not on the institution roster"))
            }
            let reason = row.required("reason", &problems)
            let key = inspector.flatMap { inspector in institution.map { "\(inspector)|\($0)" } }
            guard problems.count == before, let inspector, let institution, let reason else { return Checked(key: key, value: nil, line: 0) }
            return Checked(key: key, value: Conflict(inspector: inspector, institution: institution, reason: reason), line: 0)
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return result
    }

    static func parse<T>(_ row: Row, _ key: String, _ problems: inout [InputProblem], _ make: (String) -> T?, expected: @autoclosure () -> String) -> T? {
        guard let text = row.required(key, &problems) else { return nil }
        guard let value = make(text) else {
            problems.append(row.problem(key, "\"\(text)\" is not one of \(expected())"))
            return nil
        }
        return value
    }
}
