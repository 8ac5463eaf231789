import Rosters

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
        var result: [Jurisdiction] = []
        var lineOf: [String: Int] = [:]
        RosterFile.eachRecord(table, columns, indexByKey, file: file, problems: &problems) { record, row, problems in
            let before = problems.count
            let code = row.required("code", &problems)
            if let code {
                if !Jurisdiction.isValidCode(code) { problems.append(row.problem("code", "\"\(code)\" is not a six-digit GB/T 2260 code")) }
                if let earlier = lineOf[code] { problems.append(row.problem("code", "\"\(code)\" is listed twice (also line \(earlier))")) }
                else { lineOf[code] = record.line }
            }
            let name = row.required("name", &problems)
            let parent = row.value("parent")
            guard problems.count == before, let code, let name else { return }
            result.append(Jurisdiction(code: code, name: name, parent: parent.isEmpty ? nil : parent))
        }
        let known = Set(result.map(\.code) + existing.map(\.code))
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
}
