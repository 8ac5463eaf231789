import ArgumentParser
import DemoData
import Foundation
import Import
import Publication
import Rosters

/// `spotcheck demo generate`: a synthetic Ningxia deployment as the four import files.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Synthetic data for trying SpotCheck.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write institutions.csv, inspectors.csv, checklist.csv and conflicts.csv with Chinese headers.",
            discussion: "Institutions are written in GB18030 with CRLF (what Excel's \"CSV\" writes on a Chinese desktop), the others as UTF-8 with a BOM (\"CSV UTF-8\").")
        @Option(help: "The output directory.") var out: String
        @Option(help: "About how many institutions.") var institutions = 600
        @Option(help: "The random seed: the same seed gives the same files.") var seed: UInt64 = 2026

        func validate() throws {
            guard (10...2_000_000).contains(institutions) else { throw ValidationError("--institutions must be between 10 and 2000000") }
        }

        func run() async throws {
            try await runReportingErrors {
                let demo = DemoDeployment(seed: seed, institutionCount: institutions)
                let files: [(String, String, String.Encoding)] = [
                    ("institutions.csv", CSVWriter.document(
                        header: ["统一社会信用代码", "机构名称", "业务类别", "辖区", "风险等级", "风险原因", "状态"],
                        rows: demo.institutions.map { [$0.id, $0.name, $0.category.chineseName, $0.jurisdiction, $0.risk.chineseName, $0.riskReason ?? "", $0.status.chineseName] }),
                     TextEncoding.foundationGB18030),
                    ("inspectors.csv", "\u{FEFF}" + CSVWriter.document(
                        header: ["执法证号", "姓名", "辖区", "业务类别", "状态"],
                        rows: demo.inspectors.map { [$0.id, $0.name, $0.jurisdiction, $0.categories.map(\.chineseName).joined(separator: "、"), $0.status.chineseName] }),
                     .utf8),
                    ("checklist.csv", "\u{FEFF}" + CSVWriter.document(
                        header: ["业务类别", "事项编码", "事项名称", "抽查依据", "抽查主体", "抽查内容", "抽查方式"],
                        rows: demo.checklist.map { [$0.category.chineseName, $0.code, $0.name, $0.basis, $0.subject, $0.content, $0.method] }),
                     .utf8),
                    ("conflicts.csv", "\u{FEFF}" + CSVWriter.document(
                        header: ["执法证号", "统一社会信用代码", "原因"],
                        rows: demo.conflicts.map { [$0.inspector, $0.institution, $0.reason] }),
                     .utf8),
                ]
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    for (name, text, encoding) in files {
                        guard let data = text.data(using: encoding) else { throw CLIError.io("cannot encode \(name)") }
                        try data.write(to: URL(fileURLWithPath: out).appendingPathComponent(name))
                    }
                } catch let error as CLIError { throw error } catch {
                    throw CLIError.io("cannot write to \(out): \(error.localizedDescription)")
                }
                print("wrote \(out)/: \(demo.institutions.count) institutions, \(demo.inspectors.count) inspectors, \(demo.checklist.count) checklist items, \(demo.conflicts.count) recusal pairs")
            }
        }
    }
}
