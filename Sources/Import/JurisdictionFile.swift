public import Rosters

/// A GB/T 2260 jurisdiction table (`code,name,parent`; Chinese headers 代码/名称/上级 too).
public enum JurisdictionFile {
    static let columns = [
        ColumnSpec(key: "code", chinese: "代码", english: "code"),
        ColumnSpec(key: "name", chinese: "名称", english: "name"),
        ColumnSpec(key: "parent", chinese: "上级", english: "parent"),
    ]

    /// Validates codes (six digits, unique) and parents (in this file or `existing`, no cycles).
    public static func parse(_ table: Table, file: String, existing: [Jurisdiction]) throws(InputError) -> [Jurisdiction] {
        var problems: [InputProblem] = []
        guard let indexByKey = RosterFile.columns(table, columns, file: file, problems: &problems) else { throw InputError(problems) }
        let result = validate(table, file: file, indexByKey: indexByKey, problems: &problems)
        let known = Set(result.map(\.code) + existing.map(\.code))
        let lineOf = Dictionary(table.records.map { ($0.fields.first?.trimmingSpaces ?? "", $0.line) }, uniquingKeysWith: { first, _ in first })
        for jurisdiction in result {
            if let parent = jurisdiction.parent, !known.contains(parent) {
                problems.append(InputProblem(file: file, line: lineOf[jurisdiction.code], field: "parent", message: "\"\(parent)\" is not a jurisdiction in this file or already loaded"))
            }
        }
        if problems.isEmpty {
            let tree = JurisdictionTree(existing.filter { existing in !result.contains { $0.code == existing.code } } + result)
            for jurisdiction in result where tree.ancestry(jurisdiction.code).last?.parent != nil {
                problems.append(InputProblem(file: file, line: lineOf[jurisdiction.code], field: "parent", message: "\"\(jurisdiction.code)\" is its own ancestor"))
            }
        }
        guard problems.isEmpty else { throw InputError(problems) }
        return result
    }

    static func validate(_ table: Table, file: String, indexByKey: [String: Int], problems: inout [InputProblem]) -> [Jurisdiction] {
        RosterFile.validate(table, columns, indexByKey, file: file, problems: &problems, of: Jurisdiction.self, duplicateColumn: "code",
                            duplicate: { _, code, earlier in "\"\(code)\" is listed twice (also line \(earlier))" }) { row, problems in
            let before = problems.count
            let code = row.required("code", &problems)
            if let code, !Jurisdiction.isValidCode(code) { problems.append(row.problem("code", "\"\(code)\" is not a six-digit GB/T 2260 code")) }
            let name = row.required("name", &problems)
            let parent = row.value("parent")
            guard problems.count == before, let code, let name else { return RosterFile.Checked(key: code, value: nil, line: 0) }
            return RosterFile.Checked(key: code, value: Jurisdiction(code: code, name: name, parent: parent.isEmpty ? nil : parent), line: 0)
        }
    }
}
