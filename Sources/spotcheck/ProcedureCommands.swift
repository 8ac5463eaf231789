public import ArgumentParser
import Foundation
public import Records
import Regulation
import Rosters
import Supervision
import WorkingDays

extension FeedbackMethod: ExpressibleByArgument {}
extension PublicationPlace: ExpressibleByArgument {}

/// Options of a dated step: the day it happened, and a correction with its reason.
struct StepOptions: ParsableArguments {
    @Option(help: "The day it happened (yyyy-MM-dd, Asia/Shanghai; default today). Not in the future, not before the step it follows.")
    var on: CivilDate?
    @Option(name: .customLong("correct"), help: "Correct the date of a step already recorded; the reason (a new audit entry, never an edit).")
    var correction: String?
    @OptionGroup var global: GlobalOptions
}

/// A dated round step (Art. 10): `round end|report|review|publish|file`.
protocol RoundStepCommand: AsyncParsableCommand {
    static var step: RoundState { get }
    var round: String { get }
    var options: StepOptions { get }
    /// What the audit log and `round show` say of the step.
    var detail: String { get }
    /// What the step records, typed (report, review, publication).
    var content: StepContent? { get }
}

extension RoundStepCommand {
    var content: StepContent? { nil }
}

extension RoundStepCommand {
    func run() async throws {
        try await runReportingErrors {
            let supervisor = try await Settings.load(options.global).supervisor()
            let record = try supervisor.recordStep(round, Self.step, on: options.on, detail: detail, content: content, correction: options.correction)
            print("\(record.id): \(Self.step.rawValue) on \(options.on ?? supervisor.today)\(options.correction.map { " (corrected: \($0))" } ?? "")")
            for deadline in try supervisor.roundDeadlines(round) where deadline.view.status != "done" {
                print("  \(deadlineLine(deadline.view))")
            }
        }
    }
}

extension RoundCommand {
    struct End: RoundStepCommand {
        static let configuration = CommandConfiguration(abstract: "The inspection work is over (Art. 10(3)); the report (Art. 13) and publication (Art. 15) periods start.")
        static let step = RoundState.ended
        @Argument(help: "The round id.") var round: String
        @OptionGroup var options: StepOptions
        var detail: String { "inspection ended" }
    }

    struct Report: RoundStepCommand {
        static let configuration = CommandConfiguration(
            abstract: "The report is complete (Art. 13): time, content, institutions, findings, evaluation, proposed handling.",
            discussion: "Refused while an inspection leaves out a checklist item (Art. 9) that is not marked n/a with a note.")
        static let step = RoundState.reported
        @Argument(help: "The round id.") var round: String
        @Option(help: "What the report says: its content and findings.") var summary = ""
        @Option(help: "The evaluation of the institutions inspected.") var evaluation = ""
        @Option(help: "The proposed handling (published with the results, Art. 15).") var handling = ""
        @OptionGroup var options: StepOptions
        var detail: String { summary.isEmpty ? "report completed" : "report: \(summary)" }
        var content: StepContent? { .report(summary: summary, evaluation: evaluation, handling: handling) }
    }

    struct Review: RoundStepCommand {
        static let configuration = CommandConfiguration(abstract: "The team leader and the leader in charge approve the report (Art. 10(5)).")
        static let step = RoundState.reviewed
        @Argument(help: "The round id.") var round: String
        @Option(help: "The team leader.") var leader: String
        @Option(name: .customLong("in-charge"), help: "The leader in charge.") var inCharge: String
        @OptionGroup var options: StepOptions
        var detail: String { "approved by \(leader) (team leader) and \(inCharge) (leader in charge)" }
        var content: StepContent? { .review(leader: leader, inCharge: inCharge) }
    }

    struct Publish: RoundStepCommand {
        static let configuration = CommandConfiguration(abstract: "The results are published (Art. 15).")
        static let step = RoundState.published
        @Argument(help: "The round id.") var round: String
        @Option(name: .customLong("where"), help: "platform (the supervision platform) or portal.") var place: PublicationPlace
        @Option(help: "Where to write results.html and results.csv (default rounds/ROUND).") var out: String?
        @OptionGroup var options: StepOptions
        var detail: String { "published on the \(place.rawValue)" }
        var content: StepContent? { .publication(place: place) }

        /// Records the step, then writes what it publishes (Art. 15).
        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(options.global).supervisor()
                _ = try supervisor.recordStep(round, Self.step, on: options.on, detail: detail, content: content, correction: options.correction)
                print("\(round): published on \(options.on ?? supervisor.today) (\(place.rawValue))")
                let files = try supervisor.publishedResults(round: round)
                try writeFiles(files.map { ($0.name, Data($0.contents.utf8)) }, to: out ?? "rounds/\(round)")
            }
        }
    }

    struct File: RoundStepCommand {
        static let configuration = CommandConfiguration(abstract: "Filed with the legal-affairs office (Art. 10(6)).")
        static let step = RoundState.filed
        @Argument(help: "The round id.") var round: String
        @OptionGroup var options: StepOptions
        var detail: String { "filed with the legal-affairs office" }
    }
}

/// `spotcheck inspection …`: each drawn institution's record and feedback.
struct InspectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspection", abstract: "An inspection: its checklist results (Art. 9) and the feedback (Art. 14).",
        discussion: "INSPECTION is ROUND/INSTITUTION or the number round show prints.",
        subcommands: [Record.self, FeedbackStep.self, Form.self])

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record checklist results: --item CODE=pass|fail|n/a[:note], repeatable.")
        @Argument(help: "ROUND/INSTITUTION or the inspection's number.") var inspection: String
        @Option(help: "The day of the inspection (default today).") var on: CivilDate?
        @Option(name: .customLong("item"), help: ArgumentHelp("CODE=pass|fail|n/a[:note]; n/a needs a note.", valueName: "item")) var items: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let missing = try await Settings.load(global).supervisor().recordInspection(inspection, on: on, items: items)
                print("\(inspection): \(items.count) result\(items.count == 1 ? "" : "s") recorded")
                if !missing.isEmpty { print("  still missing (Art. 9): \(missing.joined(separator: ", "))") }
            }
        }
    }

    struct Form: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the regulation's Attachment 2, the 抽查记录表, filled in: a page to print and carry.")
        @Argument(help: "ROUND/INSTITUTION or the inspection's number.") var inspection: String
        @Option(help: "The HTML file to write.") var out: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let form = try await Settings.load(global).supervisor().inspectionForm(inspection)
                do {
                    let url = URL(fileURLWithPath: out)
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(form.html.utf8).write(to: url)
                } catch { throw CLIError.io("cannot write \(out): \(error.localizedDescription)") }
                print("wrote \(out)")
            }
        }
    }

    struct FeedbackStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "feedback", abstract: "The result was delivered to the institution (Art. 14).")
        @Argument(help: "ROUND/INSTITUTION or the inspection's number.") var inspection: String
        @Option(help: "direct, post or portal.") var method: FeedbackMethod
        @OptionGroup var options: StepOptions

        func run() async throws {
            try await runReportingErrors {
                let supervisor = try await Settings.load(options.global).supervisor()
                try supervisor.feedback(inspection, on: options.on, method: method, correction: options.correction)
                print("\(inspection): feedback (\(method.rawValue)) on \(options.on ?? supervisor.today)")
            }
        }
    }
}

/// "2026-10-13  overdue 3 wd  Art. 13 report  ROUND" for people.
func deadlineLine(_ view: DeadlineView) -> String {
    let status = switch view.status {
    case "overdue": "overdue \(view.overdueWorkdays) wd"
    case "done": view.overdueWorkdays > 0 ? "done \(view.overdueWorkdays) wd late" : "done"
    default: view.status
    }
    return "\(view.due)  \(pad(status, 16))Art. \(view.article) \(pad(view.step, 12))\(view.inspection ?? view.round)"
        + (view.provisional ? "  [provisional: \(view.reasons.joined(separator: "; "))]" : "")
}

/// `spotcheck deadlines`: every open deadline as of a day (Art. 13–15).
struct DeadlinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadlines", abstract: "Open deadlines (Art. 13–15) at the end of a day: pending, due soon, overdue.")
    @Option(help: "The day (yyyy-MM-dd, Asia/Shanghai): steps dated after it count as not done. Default today.") var asOf: CivilDate?
    @Option(help: "Only these statuses: pending, due-soon, overdue; repeatable.") var status: [String] = []
    @Option(help: "A jurisdiction code; its children are included.") var jurisdiction: String?
    @Option(help: "A category.") var category: Category?
    @Option(help: "13, 14 or 15.") var article: Int?
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    func validate() throws {
        for value in status where !["pending", "due-soon", "overdue"].contains(value) {
            throw ValidationError("--status \(value): expected pending, due-soon or overdue")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let supervisor = try await Settings.load(global).supervisor()
            let day = asOf ?? supervisor.today
            let rows = try supervisor.deadlines(asOf: day, filter: DeadlineFilter(statuses: Set(status), jurisdiction: jurisdiction,
                                                                                   category: category, article: article))
            try printDeadlines(rows, asOf: day, json: json)
        }
    }
}

/// `spotcheck overdue`: overdue deadlines, oldest first.
struct OverdueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "overdue", abstract: "Overdue deadlines (Art. 13–15), oldest first.")
    @Option(help: "The day (yyyy-MM-dd, Asia/Shanghai). Default today.") var asOf: CivilDate?
    @Option(help: "A jurisdiction code; its children are included.") var jurisdiction: String?
    @Option(help: "A category.") var category: Category?
    @Flag(help: "Exit 1 when anything is overdue.") var failOnOverdue = false
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document.") var json = false

    func run() async throws {
        try await runReportingErrors {
            let supervisor = try await Settings.load(global).supervisor()
            let day = asOf ?? supervisor.today
            let rows = try supervisor.deadlines(asOf: day, filter: DeadlineFilter(jurisdiction: jurisdiction, category: category), overdueOnly: true)
            try printDeadlines(rows, asOf: day, json: json)
            if failOnOverdue && !rows.isEmpty { throw ExitCode(1) }
        }
    }
}

func printDeadlines(_ rows: [DeadlineView], asOf day: CivilDate, json: Bool) throws {
    if json {
        return FileHandle.standardOutput.write(Data(DeadlineJSON.document(asOf: day, deadlines: rows)))
    }
    print("as of the end of \(day) (Asia/Shanghai): \(rows.count) deadline\(rows.count == 1 ? "" : "s")")
    for row in rows { print("  " + deadlineLine(row)) }
}

extension FindingReferral: ExpressibleByArgument {}

/// `spotcheck finding …`: problems found, followed until rectified (Art. 16).
struct FindingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finding", abstract: "Problems found in inspections, followed until their rectification is closed (Art. 16).",
        subcommands: [Add.self, Rectify.self, Close.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a problem found in an inspection; prints its number.")
        @Argument(help: "ROUND/INSTITUTION or the inspection's number.") var inspection: String
        @Option(help: "What was found.") var text: String
        @Option(help: "Handed over: judicial (suspected crime) or department.") var referral: FindingReferral?
        @Option(help: "The day it was found (default today).") var on: CivilDate?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let finding = try await Settings.load(global).supervisor().addFinding(inspection, text: text, referral: referral, on: on)
                print("finding \(finding.id ?? 0): \(finding.round)/\(finding.institution): \(finding.text)")
            }
        }
    }

    struct Rectify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the date by which the finding is to be rectified; an open finding is overdue after it.")
        @Argument(help: "The finding's number.") var finding: Int64
        @Option(help: "yyyy-MM-dd.") var due: CivilDate
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let updated = try await Settings.load(global).supervisor().rectifyFinding(finding, due: due)
                print("finding \(finding): to be rectified by \(updated.rectifyBy.map(\.description) ?? "")")
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The rectification is done.")
        @Argument(help: "The finding's number.") var finding: Int64
        @Option(help: "The day (default today).") var on: CivilDate?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingErrors {
                let closed = try await Settings.load(global).supervisor().closeFinding(finding, on: on)
                print("finding \(finding): closed on \(closed.closedOn.map(\.description) ?? "")")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Findings: of a round, or those open at the end of a day.")
        @Option(help: "Only this round's.") var round: String?
        @Option(help: "Only those open at the end of this day.") var openAt: CivilDate?
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON document.") var json = false

        func run() async throws {
            try await runReportingErrors {
                let findings = try await Settings.load(global).supervisor().findings(round: round, openAt: openAt)
                if json { return try printJSON(["findings": findings]) }
                for finding in findings {
                    let state = finding.closedOn.map { "closed \($0)" } ?? finding.rectifyBy.map { "rectify by \($0)" } ?? "open"
                    print("\(pad(String(finding.id ?? 0), 6))\(pad("\(finding.round)/\(finding.institution)", 50))\(pad(state, 22))\(finding.text)")
                }
            }
        }
    }
}
