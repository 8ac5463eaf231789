import Foundation
import Testing

/// The list and the two rosters through the real binary, with files written as Excel writes them.
@Suite("spotcheck import, lists and publish")
struct RosterCommandTests {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// A database with the Ningxia jurisdictions loaded.
    func prepared() throws -> SpotcheckProcess {
        let cli = SpotcheckProcess()
        let result = try cli.run(["jurisdictions", "load", "config/jurisdictions/640000-ningxia.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        return cli
    }

    /// Writes `text` with CRLF line ends in an encoding Excel uses.
    func excelFile(_ cli: SpotcheckProcess, _ name: String, _ lines: [String], encoding: String.Encoding = gb18030, bom: Bool = false) throws -> String {
        let text = lines.joined(separator: "\r\n") + "\r\n"
        var data = bom ? Data([0xEF, 0xBB, 0xBF]) : Data()
        data += text.data(using: encoding)!
        let url = cli.directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    static let institutionHeader = "统一社会信用代码,机构名称,业务类别,辖区,风险等级,风险原因,状态"
    static let inspectorHeader = "执法证号,姓名,辖区,业务类别,状态"

    @Test("a GB18030 CRLF institution roster and a UTF-8-with-BOM inspector roster import; lists filter by jurisdiction subtree, category and risk")
    func importsAndLists() throws {
        let cli = try prepared()
        let institutions = try excelFile(cli, "institutions.csv", [
            Self.institutionHeader,
            "31640205E78825856H,宁夏正信律师事务所,律师,640104,一般,,正常",
            "31640302E10188790B,宁夏德达律师事务所,律师,640202,较高,投诉较多,正常",
            "\"32640105MA7XY0001\(checkCharacter("32640105MA7XY0001"))\",\"银川市西夏区公证处, 第一\",公证,640105,一般,,停业",
        ])
        let result = try cli.run(["import", "institutions", institutions, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try result.json()
        #expect(summary["encoding"] as? String == "gb18030")
        #expect(summary["added"] as? Int == 3)
        let inspectors = try excelFile(cli, "inspectors.csv", [Self.inspectorHeader, "SF640104001,张三,640104,律师、公证,在岗", "SF640202001,李四,640202,律师,不在岗"],
                                       encoding: .utf8, bom: true)
        let second = try cli.run(["import", "inspectors", inspectors, "--json"])
        #expect(try second.json()["encoding"] as? String == "utf-8-bom")

        let yinchuan = try cli.run(["institutions", "list", "--jurisdiction", "640100", "--json"]).json()
        let rows = yinchuan["institutions"] as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["jurisdiction"] as? String }) == ["640104", "640105"])
        let suspended = rows.first { $0["category"] as? String == "notary" }
        #expect(suspended?["eligible"] as? Bool == false)
        #expect(suspended?["ineligible_reason"] as? String == "suspended (停业)")
        #expect(suspended?["name"] as? String == "银川市西夏区公证处, 第一")
        let high = try cli.run(["institutions", "list", "--risk", "较高", "--json"]).json()["institutions"] as? [[String: Any]] ?? []
        #expect(high.map { $0["id"] as? String } == ["31640302E10188790B"])
        let notaries = try cli.run(["inspectors", "list", "--category", "notary", "--json"]).json()["inspectors"] as? [[String: Any]] ?? []
        #expect(notaries.map { $0["id"] as? String } == ["SF640104001"])
        let text = try cli.run(["institutions", "list", "--category", "律师"])
        #expect(text.stdout.contains("宁夏正信律师事务所"))
        #expect(!text.stdout.contains("公证处"))
    }

    @Test("an .xlsx roster imports through the binary")
    func xlsx() throws {
        let cli = try prepared()
        let path = cli.directory.appendingPathComponent("inspectors.xlsx").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active
            ws.append(["执法证号", "姓名", "辖区", "业务类别", "状态"])
            ws.append(["0640104001", "王五", "640104", "司法鉴定", "在岗"])
            wb.save(sys.argv[1])
            """, path]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let result = try cli.run(["import", "inspectors", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["encoding"] as? String == "xlsx")
        let listed = try cli.run(["inspectors", "list", "--json"]).json()["inspectors"] as? [[String: Any]] ?? []
        #expect(listed.first?["id"] as? String == "0640104001")
    }

    @Test("broken files of each kind: exit 65, every problem with file, line and column, the database byte-for-byte unchanged", arguments: [
        // (kind, lines, expected fragments)
        ("institutions", [institutionHeader, "31640205E78825856A,甲,律师,640104,一般,,正常", "31640302E10188790B,乙,律所,649999,较高,,正常"],
         [":2: 统一社会信用代码: \"31640205E78825856A\" has check character A, expected H", ":3: 业务类别:", ":3: 辖区: \"649999\"", ":3: 风险原因:"]),
        ("institutions", [institutionHeader, "31640205E78825856H,甲,律师,640104,一般,,正常", "31640205E78825856H,乙,律师,640104,一般,,正常"],
         [":3: 统一社会信用代码: \"31640205E78825856H\" is listed twice (also line 2)"]),
        ("institutions", [institutionHeader, "31640205E78825856H,甲,律师,640104"], [":2: (row): has 4 fields, the header has 7"]),
        ("inspectors", [inspectorHeader, "SF1,张三,640104,会计,在岗", "SF1,李四,640104,律师,休假"],
         [":2: 业务类别: \"会计\" is not a category", ":3: 执法证号: \"SF1\" is listed twice (also line 2)", ":3: 状态: \"休假\""]),
        ("checklist", ["业务类别,事项编码,事项名称,抽查依据,抽查主体,抽查内容,抽查方式", "律师,L1,执业许可,,司法厅,许可证,书面检查"],
         [":2: 抽查依据: is empty; a value is required"]),
        ("conflicts", ["执法证号,统一社会信用代码,原因", "SF9,31640205E78825856H,亲属"],
         [":2: 执法证号: \"SF9\" is not on the inspector roster", ":2: 统一社会信用代码: \"31640205E78825856H\" is not on the institution roster"]),
        ("institutions", ["机构名称,备注"], [":1: 备注: unknown column", ":1: 统一社会信用代码/id: required column is missing"]),
    ])
    func brokenFiles(_ kind: String, _ lines: [String], _ expected: [String]) throws {
        let cli = try prepared()
        // Something already imported, so "unchanged" means something.
        let good = try excelFile(cli, "good.csv", [Self.institutionHeader, "31640302E10188790B,宁夏德达律师事务所,律师,640202,一般,,正常"])
        #expect(try cli.run(["import", "institutions", good]).status == 0)
        let before = cli.databaseBytes()
        let bad = try excelFile(cli, "\(kind)-bad.csv", lines)
        let result = try cli.run(["import", kind, bad])
        #expect(result.status == 65)
        for fragment in expected {
            #expect(result.stderr.contains("\(kind)-bad.csv" + fragment), "missing \(fragment) in \(result.stderr)")
        }
        #expect(result.stderr.contains("nothing was changed"))
        #expect(cli.databaseBytes() == before, "the database must be byte-for-byte unchanged")
        let versions = try cli.run(["rosters", "versions", "--json"]).json()["versions"] as? [Any] ?? []
        #expect(versions.count == 1)
    }

    @Test("wrong encodings, UTF-16, an empty file, an unterminated quote: clear errors, nothing imported")
    func unreadableFiles() throws {
        let cli = try prepared()
        let before = cli.databaseBytes()
        let gbAsUTF8 = try excelFile(cli, "gb.csv", [Self.institutionHeader, "31640205E78825856H,宁夏正信律师事务所,律师,640104,一般,,正常"])
        let forced = try cli.run(["import", "institutions", gbAsUTF8, "--encoding", "utf-8"])
        #expect(forced.status == 65)
        #expect(forced.stderr.contains("gb.csv: (encoding): the file is not valid UTF-8"))
        let utf16 = cli.directory.appendingPathComponent("u16.csv")
        try (Data([0xFF, 0xFE]) + Self.institutionHeader.data(using: .utf16LittleEndian)!).write(to: utf16)
        let sixteen = try cli.run(["import", "institutions", utf16.path])
        #expect(sixteen.status == 65)
        #expect(sixteen.stderr.contains("UTF-16"))
        let empty = try cli.write("empty.csv", "")
        let emptyResult = try cli.run(["import", "institutions", empty])
        #expect(emptyResult.status == 65)
        #expect(emptyResult.stderr.contains("empty.csv: (file): the file is empty"))
        let quote = try cli.write("quote.csv", Self.institutionHeader + "\n\"31640205E78825856H,甲,律师,640104,一般,,正常\n")
        let quoteResult = try cli.run(["import", "institutions", quote])
        #expect(quoteResult.status == 65)
        #expect(quoteResult.stderr.contains("quote.csv:2: (csv): a quoted field opened on this line is never closed"))
        #expect(try cli.run(["import", "institutions", "/no/such/file.csv"]).status == 65)
        #expect(cli.databaseBytes() == before)
    }

    @Test("versions: --dry-run changes nothing, --scope replaces a county, --as-of reads an older version")
    func versionsScopeAsOf() throws {
        let cli = try prepared()
        let all = try excelFile(cli, "all.csv", [Self.institutionHeader,
            "31640205E78825856H,甲,律师,640104,一般,,正常", "31640302E10188790B,乙,律师,640202,一般,,正常"])
        #expect(try cli.run(["import", "institutions", all]).status == 0)
        let county = try excelFile(cli, "county.csv", [Self.institutionHeader, "31640205E78825856H,甲（更名）,律师,640104,一般,,正常"])
        let before = cli.databaseBytes()
        let dry = try cli.run(["import", "institutions", county, "--scope", "640104", "--dry-run", "--json"]).json()
        #expect(dry["changed"] as? Int == 1)
        #expect(dry["dry_run"] as? Bool == true)
        #expect(cli.databaseBytes() == before)
        let real = try cli.run(["import", "institutions", county, "--scope", "640104", "--json"]).json()
        #expect(real["changed"] as? Int == 1)
        #expect(real["removed"] as? Int == 0)
        let names = (try cli.run(["institutions", "list", "--json"]).json()["institutions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(names) == ["甲（更名）", "乙"])
        let outside = try cli.run(["import", "institutions", all, "--scope", "640104"])
        #expect(outside.status == 65)
        #expect(outside.stderr.contains("outside --scope 640104"))
        let old = try cli.run(["institutions", "list", "--as-of", "2020-01-01", "--json"]).json()
        #expect((old["institutions"] as? [Any])?.isEmpty == true)
        #expect(try cli.run(["import", "checklist", all, "--scope", "640104"]).status == 64)
        let first = try cli.run(["institutions", "list", "--roster-version", "1", "--json"]).json()
        #expect(Set((first["institutions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }) == ["甲", "乙"])
        #expect((first["version"] as? [String: Any])?["id"] as? Int == 1)
        let versions = try cli.run(["rosters", "versions", "--json"]).json()["versions"] as? [[String: Any]] ?? []
        #expect(versions.map { $0["scope"] as? String } == [nil, "640104"])
    }

    @Test("two imports at once: both land, one after the other, each a version of its own")
    func concurrentImports() throws {
        let cli = try prepared()
        let demo = cli.directory.appendingPathComponent("demo").path
        #expect(try cli.run(["demo", "generate", "--out", demo, "--institutions", "3000"]).status == 0)
        let yinchuan = try excelFile(cli, "yinchuan.csv", [Self.institutionHeader, "31640205E78825856H,甲,律师,640104,一般,,正常"])
        let results = try [["import", "institutions", "\(demo)/institutions.csv"], ["import", "inspectors", "\(demo)/inspectors.csv"],
                           ["import", "institutions", yinchuan, "--scope", "640104"]]
            .map { arguments in
                let process = Process()
                process.executableURL = SpotcheckProcess.binary
                process.arguments = arguments
                process.environment = ProcessInfo.processInfo.environment.merging(
                    ["SPOTCHECK_DB": cli.database.path, "SPOTCHECK_CONFIG": "/nonexistent", "SPOTCHECK_ACTOR": "tester"]) { $1 }
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                return process
            }
            .map { process in
                process.waitUntilExit()
                return process.terminationStatus
            }
        #expect(results == [0, 0, 0])
        let versions = try cli.run(["rosters", "versions", "--json"]).json()["versions"] as? [[String: Any]] ?? []
        #expect(versions.count == 3)
        #expect(Set(versions.compactMap { $0["id"] as? Int }) == [1, 2, 3])
        #expect(try cli.run(["audit", "verify"]).status == 0)
    }

    @Test("publish rosters: UTF-8 CSV and an HTML page; inspectors limited to number, name, jurisdiction, categories")
    func publish() throws {
        let cli = try prepared()
        let demo = cli.directory.appendingPathComponent("demo").path
        #expect(try cli.run(["demo", "generate", "--out", demo, "--institutions", "300"]).status == 0)
        for kind in ["institutions", "inspectors", "checklist", "conflicts"] {
            let result = try cli.run(["import", kind, "\(demo)/\(kind).csv"])
            #expect(result.status == 0, "\(kind): \(result.stderr)")
        }
        let out = cli.directory.appendingPathComponent("portal").path
        #expect(try cli.run(["publish", "rosters", "--out", out]).status == 0)
        let inspectorBytes = try Data(contentsOf: URL(fileURLWithPath: "\(out)/inspectors.csv"))
        #expect(inspectorBytes.starts(with: [0xEF, 0xBB, 0xBF]), "a UTF-8 BOM for Excel")
        let inspectors = String(decoding: inspectorBytes.dropFirst(3), as: UTF8.self)
        #expect(inspectors.hasPrefix("执法证号,姓名,辖区代码,辖区,业务类别\r\n"))
        #expect(!inspectors.contains("在岗"))
        let institutions = try String(contentsOfFile: "\(out)/institutions.csv", encoding: .utf8)
        #expect(!institutions.contains("较高"))
        #expect(institutions.split(separator: "\r\n").count == 301)
        let html = try String(contentsOfFile: "\(out)/index.html", encoding: .utf8)
        #expect(html.contains("监管对象名录库（300 家）"))
        #expect(html.contains("href=\"institutions.csv\""))
    }
}

/// The GB 32100-2015 check character, computed independently of the project's code.
func checkCharacter(_ first17: String) -> String {
    let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    let sum = zip(first17, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
    return String(alphabet[(31 - sum % 31) % 31])
}

/// Stored state is typed; the database is private to its owner (issue 7).
@Suite("Stored state and the database file")
struct StoredStateTests {
    @Test("the database and its WAL are created without access for others (0600)")
    func fileMode() throws {
        let cli = SpotcheckProcess()
        let result = try cli.run(["jurisdictions", "load", "config/jurisdictions/640000-ningxia.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.database.path))
        for suffix in ["", "-wal", "-shm"] {
            let path = cli.database.path + suffix
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path): \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test("an unknown stored state is a clear internal error (exit 70), never read as a default")
    func unknownStoredValue() throws {
        let cli = SpotcheckProcess()
        let path = cli.directory.appendingPathComponent("checklist.csv").path
        #expect(try cli.run(["demo", "generate", "--out", cli.directory.path, "--institutions", "20"]).status == 0)
        #expect(try cli.run(["import", "checklist", path]).status == 0)
        #expect(try cli.run(["plan", "create", "--year", "2026", "--jurisdiction", "640000", "--category", "lawyer"]).status == 0)
        #expect(try cli.run(["round", "propose", "--plan", "640000-2026-lawyer"]).status == 0)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [cli.database.path, "UPDATE round SET state = 'bogus'"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let shown = try cli.run(["round", "show", "640000-2026-lawyer-R1"])
        #expect(shown.status == 70, "\(shown.stderr)")
        #expect(shown.stderr.contains("internal error"))
        #expect(shown.stderr.contains("bogus"))
    }
}
