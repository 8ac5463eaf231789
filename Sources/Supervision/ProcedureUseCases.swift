public import Foundation
import Publication
public import Records
public import Regulation
public import Rosters
public import Store
public import WorkingDays

/// A deadline as the queries report it (Art. 13–15), with its status at the end of a day.
public struct DeadlineView: Sendable, Hashable, Encodable {
    public var round: String
    /// `ROUND/INSTITUTION` for an inspection's deadline; `nil` for the round's.
    public var inspection: String?
    public var institution: String?
    public var article: Int
    /// `report`, `feedback` or `publication`.
    public var step: String
    public var due: CivilDate
    public var status: String
    public var doneOn: CivilDate?
    /// Working days past due (overdue), or late when done; 0 otherwise.
    public var overdueWorkdays: Int
    public var provisional: Bool
    public var reasons: [String]
    public var jurisdiction: String
    public var category: String

    /// A deadline as reported; the queries build these from the stored deadlines.
    public init(round: String, inspection: String?, institution: String?, article: Int, step: String, due: CivilDate, status: String,
                doneOn: CivilDate?, overdueWorkdays: Int, provisional: Bool, reasons: [String], jurisdiction: String, category: String) {
        self.round = round
        self.inspection = inspection
        self.institution = institution
        self.article = article
        self.step = step
        self.due = due
        self.status = status
        self.doneOn = doneOn
        self.overdueWorkdays = overdueWorkdays
        self.provisional = provisional
        self.reasons = reasons
        self.jurisdiction = jurisdiction
        self.category = category
    }

    enum CodingKeys: String, CodingKey {
        case round, inspection, institution, article, step, due, status, doneOn = "done_on", overdueWorkdays = "overdue_workdays"
        case provisional, reasons, jurisdiction, category
    }

    /// Every key, `null` where there is no value. Written with concrete types only (dates as
    /// their text, optionals unwrapped here): `overdue --json` encodes thousands of these, and
    /// the generic paths cost a nested encoder or a dynamic cast per value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        func encode(_ value: String?, _ key: CodingKeys) throws {
            if let value { try container.encode(value, forKey: key) } else { try container.encodeNil(forKey: key) }
        }
        try container.encode(round, forKey: .round)
        try encode(inspection, .inspection)
        try encode(institution, .institution)
        try container.encode(article, forKey: .article)
        try container.encode(step, forKey: .step)
        try container.encode(due.description, forKey: .due)
        try container.encode(status, forKey: .status)
        try encode(doneOn?.description, .doneOn)
        try container.encode(overdueWorkdays, forKey: .overdueWorkdays)
        try container.encode(provisional, forKey: .provisional)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(jurisdiction, forKey: .jurisdiction)
        try container.encode(category, forKey: .category)
    }
}

/// Filters of the deadline queries.
public struct DeadlineFilter: Sendable, Hashable {
    public var statuses: Set<String>
    public var jurisdiction: String?
    public var category: Category?
    public var article: Int?
    public init(statuses: Set<String> = [], jurisdiction: String? = nil, category: Category? = nil, article: Int? = nil) {
        self.statuses = statuses
        self.jurisdiction = jurisdiction
        self.category = category
        self.article = article
    }
}

extension ShanghaiTime {
    /// The civil day of `date` in Asia/Shanghai.
    public static func civilDate(_ date: Date) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate(dayNumber: 0)
    }

    /// The civil day, in Asia/Shanghai, of an instant as stored (UTC ISO-8601 with milliseconds).
    public static func civilDate(stored instant: String) -> CivilDate? {
        (try? Date(instant, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))).map(civilDate)
    }
}

extension Supervisor {
    /// Today in Asia/Shanghai, by the injected clock.
    public var today: CivilDate { ShanghaiTime.civilDate(clock()) }

    /// `ROUND/INSTITUTION`, or the short number `round show` prints (`17` or `#17`).
    public func inspection(_ reference: String) throws -> Inspection {
        let trimmed = reference.hasPrefix("#") ? String(reference.dropFirst()) : reference
        if let number = Int64(trimmed) {
            guard let inspection = try store.inspection(number: number) else { throw Refusal("no inspection #\(number)") }
            return inspection
        }
        guard let slash = reference.lastIndex(of: "/") else {
            throw UsageError("inspection \"\(reference)\": give ROUND/INSTITUTION or the number round show prints")
        }
        let round = String(reference[..<slash]), institution = String(reference[reference.index(after: slash)...])
        guard let found = try store.inspection(round: round, institution: institution) else {
            throw Refusal("no inspection of \(institution) in round \(round)")
        }
        return found
    }

    func procedure(_ id: String) throws -> ProcedureRecord {
        guard let procedure = try store.procedure(round: id) else { throw Refusal("no round \(id)") }
        return procedure
    }

    /// The day a step happened: its `--on` date, or for the draw the day it was recorded.
    static func day(of step: RoundState, in procedure: ProcedureRecord) -> CivilDate? {
        if step.isDated { return procedure.date(of: step) }
        return procedure.steps.last { $0.step == step }.flatMap { ShanghaiTime.civilDate(stored: $0.at) }
    }

    /// The round's deadlines as the steps in `procedure` and the calendar give them.
    func deadlineRecords(_ procedure: ProcedureRecord, calendar: WorkingDayCalendar) -> [DeadlineRecord] {
        let dates = ProcedureDates(ended: procedure.date(of: .ended), reported: procedure.date(of: .reported),
                                   published: procedure.date(of: .published), feedback: procedure.feedbackDates)
        return Deadlines.derive(dates, institutions: procedure.inspections.map(\.institution), calendar: calendar).map {
            DeadlineRecord(round: procedure.round.id, deadline: $0, jurisdiction: procedure.plan.jurisdiction, category: procedure.plan.category)
        }
    }

    /// Records a dated step of the round (Art. 10) and re-derives its deadlines. With
    /// `correction` (the reason), re-dates a step already recorded; a new row and audit entry.
    public func recordStep(_ id: String, _ step: RoundState, on date: CivilDate?, detail: String, content: StepContent? = nil, correction: String?) throws -> Round {
        let seq = try store.lastAuditSeq()
        var procedure = try procedure(id)
        let day = date ?? today
        if let correction, correction.trimmingSpaces.isEmpty { throw Refusal("--correct needs its reason") }
        if correction == nil, let refusal = procedure.round.state.refusal(toward: step) { throw Refusal("round \(id): \(refusal)") }
        let previous = step.predecessor.flatMap { before in Self.day(of: before, in: procedure).map { (step: before.rawValue, date: $0) } }
        if let refusal = StepDating.refusal(step.rawValue, on: day, after: previous, today: today) { throw Refusal("round \(id): \(refusal)") }
        if correction != nil, let next = RoundState.allCases.first(where: { $0.predecessor == step }), let nextDay = procedure.date(of: next), day > nextDay {
            throw Refusal("round \(id): \(step.rawValue) on \(day) would come after \(next.rawValue) on \(nextDay)")
        }
        if step == .reported, correction == nil {
            let missing = try missingItems(procedure)
            guard missing.isEmpty else {
                throw Refusal("round \(id): the report waits for every checklist item (Art. 9); missing: "
                    + missing.map { "\($0.institution): \($0.codes.joined(separator: ", "))" }.joined(separator: "; ")
                    + " (record them, or mark them n/a with a note)")
            }
        }
        var content = content
        if correction != nil, let previous = procedure.steps.last(where: { $0.step == step })?.content {
            content = content.map { $0.correcting(previous) } ?? previous
        }
        // The deadlines as they will stand once this step is recorded.
        procedure.steps.append(RoundStep(round: id, step: step, at: "", actor: actor, detail: detail, auditSeq: 0, on: day, correction: correction))
        let deadlines = deadlineRecords(procedure, calendar: try calendar())
        return try store.recordDatedStep(round: id, step: step, on: day, detail: detail, content: content, correction: correction, deadlines: deadlines,
                                         expectedSeq: seq, actor: actor)
    }

    /// Per inspection, the checklist items (of the checklist in force on the inspection's last
    /// record, or the end) without an acceptable result (Art. 9).
    func missingItems(_ procedure: ProcedureRecord) throws -> [(institution: String, codes: [String])] {
        var checklists = ChecklistCache()
        let latest = Self.latestResults(procedure.results)
        return try missingItems(category: procedure.plan.category, ended: procedure.date(of: .ended),
                                institutions: procedure.inspections.map(\.institution), results: { latest[$0] ?? [:] }, checklists: &checklists)
    }

    /// The newest result per institution and item, in one pass (results are oldest first).
    static func latestResults(_ results: [InspectionResult]) -> [String: [String: InspectionResult]] {
        var latest: [String: [String: InspectionResult]] = [:]
        for result in results { latest[result.institution, default: [:]][result.code] = result }
        return latest
    }

    /// The checklist codes of a category in force at the end of a day, read once per category and day.
    struct ChecklistCache {
        var codes: [String: [String]] = [:]
    }

    /// Art. 9 coverage for the inspections of one round, from their newest results per item.
    func missingItems(category: Category, ended: CivilDate?, institutions: [String], results: (String) -> [String: InspectionResult],
                      checklists: inout ChecklistCache) throws -> [(institution: String, codes: [String])] {
        var found: [(institution: String, codes: [String])] = []
        for institution in institutions {
            let latest = results(institution)
            let day = latest.values.map(\.on).max() ?? ended ?? today
            let key = "\(category.rawValue)/\(day)"
            if checklists.codes[key] == nil { checklists.codes[key] = try checklist(category: category, at: .endOf(day)).entries.map(\.code) }
            let missing = ChecklistCoverage.missing(items: checklists.codes[key]!, results: latest.mapValues { ($0.result, $0.note) })
            if !missing.isEmpty { found.append((institution, missing)) }
        }
        return found
    }

    /// Records checklist results, typed `CODE=pass|fail|n/a[:note]` (Art. 9); returns the items
    /// of the checklist still without an acceptable result for this inspection.
    public func recordInspection(_ reference: String, on date: CivilDate?, items texts: [String]) throws -> [String] {
        let seq = try store.lastAuditSeq()
        let inspection = try inspection(reference)
        // One inspection's record: the round's steps are read, not its other inspections.
        guard let procedure = try store.procedureSteps(round: inspection.round, institution: inspection.institution) else { throw Refusal("no round \(inspection.round)") }
        let day = date ?? today
        let drawn = Self.day(of: .drawn, in: procedure).map { (step: "drawn", date: $0) }
        if let refusal = StepDating.refusal("the record", on: day, after: drawn, today: today) { throw Refusal(refusal) }
        let checklist = try checklist(category: procedure.plan.category, at: .endOf(day)).entries.map(\.code)
        guard !texts.isEmpty else { throw UsageError("give at least one --item CODE=pass|fail|n/a[:note]") }
        var results: [InspectionResult] = []
        for text in texts {
            guard let equals = text.firstIndex(of: "=") else { throw UsageError("--item \(text): expected CODE=pass|fail|n/a[:note]") }
            let code = String(text[..<equals]).trimmingSpaces
            let rest = text[text.index(after: equals)...]
            let (resultText, note): (Substring, String?) = rest.firstIndex(of: ":").map { (rest[..<$0], String(rest[rest.index(after: $0)...]).trimmingSpaces) } ?? (rest, nil)
            guard let result = ItemResult(rawValue: resultText.trimmingSpaces.lowercased()) else {
                throw Refusal("--item \(code): \"\(resultText)\" is not pass, fail or n/a")
            }
            guard checklist.contains(code) else {
                throw Refusal("--item \(code) is not an item of the \(procedure.plan.category.rawValue) checklist in force on \(day)")
            }
            if result == .notApplicable && (note ?? "").isEmpty { throw Refusal("--item \(code)=n/a needs a note saying why (Art. 9)") }
            results.append(InspectionResult(round: inspection.round, institution: inspection.institution, code: code, result: result,
                                            note: note?.isEmpty == true ? nil : note, on: day, actor: actor))
        }
        try store.recordResults(results, round: inspection.round, institution: inspection.institution, on: day, expectedSeq: seq, actor: actor)
        let latest = Self.latestResults(try store.results(round: inspection.round, institution: inspection.institution))
        var checklists = ChecklistCache()
        return try missingItems(category: procedure.plan.category, ended: procedure.date(of: .ended), institutions: [inspection.institution],
                                results: { latest[$0] ?? [:] }, checklists: &checklists).first?.codes ?? []
    }

    /// Records feedback to the institution (Art. 14) and re-derives the round's deadlines.
    public func feedback(_ reference: String, on date: CivilDate?, method: FeedbackMethod, correction: String?) throws {
        let seq = try store.lastAuditSeq()
        let inspection = try inspection(reference)
        // Feedback moves only this institution's deadline: the round's steps are read, not its inspections.
        guard var procedure = try store.procedureSteps(round: inspection.round, institution: inspection.institution) else { throw Refusal("no round \(inspection.round)") }
        procedure.inspections = [inspection]
        let day = date ?? today
        let reported = procedure.date(of: .reported).map { (step: "reported", date: $0) }
        guard reported != nil else { throw Refusal("round \(inspection.round) has no report yet: feedback follows the report (Art. 14)") }
        if let refusal = StepDating.refusal("feedback", on: day, after: reported, today: today) { throw Refusal(refusal) }
        let already = procedure.feedback.contains { $0.institution == inspection.institution }
        if already && correction == nil {
            throw Refusal("feedback to \(inspection.institution) is recorded already; give --correct REASON to change its date")
        }
        if !already && correction != nil { throw Refusal("no feedback to \(inspection.institution) is recorded yet: nothing to correct") }
        let entry = Feedback(round: inspection.round, institution: inspection.institution, on: day, method: method, correction: correction, actor: actor)
        procedure.feedback.append(entry)
        try store.recordFeedback(entry, deadlines: deadlineRecords(procedure, calendar: try calendar()), expectedSeq: seq, actor: actor)
    }

    /// The deadlines at the end of `day` (default today): steps dated after it count as not
    /// done, statuses are those of the end of that day (Asia/Shanghai). Range reads only.
    public func deadlines(asOf day: CivilDate? = nil, filter: DeadlineFilter = DeadlineFilter(), overdueOnly: Bool = false) throws -> [DeadlineView] {
        let day = day ?? today
        let calendar = try calendar()
        let scope = try filter.jurisdiction.map { try subtree($0, option: "--jurisdiction") }
        let rows = try openDeadlines(asOf: day, dueThrough: overdueOnly ? day.adding(days: -1) : nil, calendar: calendar)
        let findings = try findingDeadlines(asOf: day, calendar: calendar).filter { view in
            (scope?.contains(view.jurisdiction) ?? true) && (filter.category.map { $0.rawValue == view.category } ?? true)
                && (filter.article.map { $0 == 16 } ?? true) && (!overdueOnly || view.status == "overdue")
                && (filter.statuses.isEmpty || filter.statuses.contains(view.status))
        }
        let procedure = rows.compactMap { row -> DeadlineView? in
            if let scope, !scope.contains(row.jurisdiction) { return nil }
            if let category = filter.category, category != row.category { return nil }
            if let article = filter.article, article != row.article { return nil }
            let status = Deadlines.status(of: row.deadline, on: day, dueSoonWithin: dueSoonWorkdays, calendar: calendar)
            if overdueOnly, status.name != "overdue" { return nil }
            if !filter.statuses.isEmpty, !filter.statuses.contains(status.name) { return nil }
            let workdays: Int = switch status {
            case let .overdue(workdays): workdays
            case let .done(late): late
            default: 0
            }
            return DeadlineView(round: row.round, inspection: row.institution.map { "\(row.round)/\($0)" }, institution: row.institution,
                                article: row.article, step: row.rule.rawValue, due: row.due, status: status.name, doneOn: nil,
                                overdueWorkdays: workdays, provisional: row.provisional, reasons: row.reasons,
                                jurisdiction: row.jurisdiction, category: row.category.rawValue)
        }
        return (procedure + findings).sorted { ($0.due, $0.round, $0.inspection ?? "") < ($1.due, $1.round, $1.inspection ?? "") }
    }

    /// The deadlines open at the end of `day`, as they stood then: a range read of the stored
    /// ones, and, for a report recorded after `day`, its feedback deadlines counted from the
    /// report's due date (Art. 14), as they were before the report.
    func openDeadlines(asOf day: CivilDate, dueThrough: CivilDate?, calendar: WorkingDayCalendar) throws -> [DeadlineRecord] {
        let stored = try store.deadlines(DeadlineQuery(openAt: day, dueThrough: dueThrough))
        let beforeReport = try store.feedbackBeforeLaterReport(asOf: day, reportDueThrough: dueThrough).compactMap { row -> DeadlineRecord? in
            guard row.feedback.from > day else { return nil }
            let record = DeadlineRecord(id: row.feedback.id, round: row.feedback.round,
                                        deadline: Deadlines.beforeReport(row.feedback.deadline, reportDue: row.reportDue, calendar: calendar),
                                        jurisdiction: row.feedback.jurisdiction, category: row.feedback.category)
            if let dueThrough, record.due > dueThrough { return nil }
            return record
        }
        return stored + beforeReport
    }

    /// A round's deadlines at the end of `day`, done ones included, each with its arithmetic
    /// (`calendar explain`).
    public func roundDeadlines(_ id: String, asOf day: CivilDate? = nil) throws -> [(view: DeadlineView, trace: [TraceStep])] {
        let day = day ?? today
        let calendar = try calendar()
        let stored = try store.deadlines(round: id)
        let report = stored.first { $0.rule == .report }
        return stored.compactMap { stored -> DeadlineRecord? in
            // As of a day before the report: feedback as it stood then (Art. 14), counted from the
            // report's due date, so open from that day on.
            if stored.rule == .feedback, stored.from > day, let report, report.due <= day {
                return DeadlineRecord(id: stored.id, round: stored.round, deadline: Deadlines.beforeReport(stored.deadline, reportDue: report.due, calendar: calendar),
                                      jurisdiction: stored.jurisdiction, category: stored.category)
            }
            return stored.from <= day ? stored : nil
        }.map { row in
            let status = Deadlines.status(of: row.deadline, on: day, dueSoonWithin: dueSoonWorkdays, calendar: calendar)
            let workdays: Int = switch status {
            case let .overdue(workdays): workdays
            case let .done(late): late
            default: 0
            }
            let view = DeadlineView(round: row.round, inspection: row.institution.map { "\(row.round)/\($0)" }, institution: row.institution,
                                    article: row.article, step: row.rule.rawValue, due: row.due, status: status.name,
                                    doneOn: row.doneOn.flatMap { $0 <= day ? $0 : nil }, overdueWorkdays: workdays, provisional: row.provisional,
                                    reasons: row.reasons, jurisdiction: row.jurisdiction, category: row.category.rawValue)
            return (view, calendar.explain(row.rule.workingDays, after: row.from))
        }
    }
}

extension Supervisor {
    // MARK: Findings (Art. 16)

    /// Records a problem found in an inspection, and where it is handed over.
    public func addFinding(_ reference: String, text: String, referral: FindingReferral?, on date: CivilDate?) throws -> Finding {
        let inspection = try inspection(reference)
        let procedure = try procedure(inspection.round)
        guard !text.trimmingSpaces.isEmpty else { throw Refusal("a finding needs its --text") }
        let day = date ?? today
        let drawn = Self.day(of: .drawn, in: procedure).map { (step: "drawn", date: $0) }
        if let refusal = StepDating.refusal("the finding", on: day, after: drawn, today: today) { throw Refusal(refusal) }
        return try store.addFinding(Finding(round: inspection.round, institution: inspection.institution, text: text, referral: referral,
                                            foundOn: day, actor: actor), actor: actor)
    }

    /// Sets the date by which a finding is to be rectified; an open finding is overdue after it.
    public func rectifyFinding(_ id: Int64, due: CivilDate) throws -> Finding {
        guard let finding = try store.finding(id) else { throw Refusal("no finding \(id)") }
        guard due >= finding.foundOn else { throw Refusal("finding \(id): --due \(due) is before it was found on \(finding.foundOn)") }
        return try store.updateFinding(id, rectifyBy: due, actor: actor)
    }

    /// Closes a finding: its rectification is done (Art. 16).
    public func closeFinding(_ id: Int64, on date: CivilDate?) throws -> Finding {
        guard let finding = try store.finding(id) else { throw Refusal("no finding \(id)") }
        let day = date ?? today
        if let refusal = StepDating.refusal("closing", on: day, after: (step: "found", date: finding.foundOn), today: today) {
            throw Refusal("finding \(id): \(refusal)")
        }
        return try store.updateFinding(id, closedOn: day, actor: actor)
    }

    public func findings(round: String?, openAt day: CivilDate?) throws(StoreError) -> [Finding] {
        try store.findings(round: round, openAt: day)
    }

    /// An open finding with a rectification date, as a deadline (Art. 16), with its round's plan.
    struct FindingDeadline {
        var finding: Finding
        var id: Int64
        var plan: Plan
        var deadline: Deadline
    }

    /// The findings open at the end of `day` that have a rectification date, as deadlines (Art. 16):
    /// the one reading behind both `deadlines` and the alerts.
    func rectificationDeadlines(openAt day: CivilDate) throws -> [FindingDeadline] {
        var plans: [String: Plan] = [:]
        return try store.findings(openAt: day).compactMap { finding -> FindingDeadline? in
            guard let due = finding.rectifyBy, let id = finding.id else { return nil }
            if plans[finding.round] == nil { plans[finding.round] = try store.plan(ofRound: finding.round) }
            guard let plan = plans[finding.round] else { return nil }
            let deadline = Deadline(rule: .rectification, institution: finding.institution, from: finding.foundOn, due: due, doneOn: finding.closedOn,
                                    provisional: false, reasons: [])
            return FindingDeadline(finding: finding, id: id, plan: plan, deadline: deadline)
        }
    }

    /// The open findings with a rectification date, as deadlines (Art. 16) at the end of `day`.
    func findingDeadlines(asOf day: CivilDate, calendar: WorkingDayCalendar) throws -> [DeadlineView] {
        try rectificationDeadlines(openAt: day).map { item in
            let status = Deadlines.status(of: item.deadline, on: day, dueSoonWithin: dueSoonWorkdays, calendar: calendar)
            let workdays: Int = if case let .overdue(workdays) = status { workdays } else { 0 }
            return DeadlineView(round: item.finding.round, inspection: "\(item.finding.round)/\(item.finding.institution)", institution: item.finding.institution,
                                article: 16, step: "rectification", due: item.deadline.due, status: status.name, doneOn: nil, overdueWorkdays: workdays,
                                provisional: false, reasons: ["finding \(item.id): \(item.finding.text)"], jurisdiction: item.plan.jurisdiction,
                                category: item.plan.category.rawValue)
        }
    }
}

extension Supervisor {
    /// Attachment 2, the 抽查记录表, filled in for an inspection: the institution as on the roster
    /// the round was drawn from, its team by name, every item of the checklist in force on the
    /// inspection day with its result, and its findings. One HTML page.
    public func inspectionForm(_ reference: String) throws -> (file: String, html: String) {
        let inspection = try inspection(reference)
        let procedure = try procedure(inspection.round)
        let results = procedure.results(of: inspection.institution)
        let day = results.values.map(\.on).max()
        let versions = procedure.round.rosterVersions
        let institutions = try store.institutions(at: versions?.institutions.map(RosterPoint.version) ?? .current).entries
        guard let institution = institutions.first(where: { $0.id == inspection.institution }) else {
            throw Refusal("\(inspection.institution) is not on the roster round \(inspection.round) was drawn from")
        }
        let inspectors = try store.inspectors(at: versions?.inspectors.map(RosterPoint.version) ?? .current).entries
        let names = Dictionary(inspectors.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let items = try checklist(category: procedure.plan.category, at: day.map(RosterAsOf.endOf) ?? .current).entries
        let form = InspectionForm(
            round: inspection.round, number: try store.inspectionNumbers(round: inspection.round)[inspection.institution],
            institution: institution, jurisdictionName: try jurisdictionTree().displayName(institution.jurisdiction),
            team: inspection.team.map { InspectionForm.Member(id: $0, name: names[$0] ?? $0) }, date: day,
            lines: items.map { InspectionForm.Line(item: $0, result: results[$0.code]?.result, note: results[$0.code]?.note) },
            findings: try store.findings(round: inspection.round).filter { $0.institution == inspection.institution }.map(\.text))
        return ("\(inspection.institution).html", form.html())
    }
}

/// One published result in an institution's record (Art. 15: the feed of its social-credit record).
public struct InstitutionHistoryEntry: Sendable, Hashable, Encodable {
    public var round: String
    public var category: String
    public var publishedOn: CivilDate
    public var conclusion: String
    public var failed: [String]
    public var findings: [String]
    enum CodingKeys: String, CodingKey { case round, category, publishedOn = "published_on", conclusion, failed, findings }
}

extension Supervisor {
    /// The results of a round as published (Art. 15), from what was recorded.
    func results(_ procedure: ProcedureRecord, publishedOn: CivilDate) throws -> ResultsPublication {
        let versions = procedure.round.rosterVersions
        let names = Dictionary(try store.institutions(at: versions?.institutions.map(RosterPoint.version) ?? .current).entries.map { ($0.id, $0) },
                               uniquingKeysWith: { first, _ in first })
        let items = Dictionary(try checklist(category: procedure.plan.category, at: .current).entries.map { ($0.code, $0.name) },
                               uniquingKeysWith: { first, _ in first })
        let tree = try jurisdictionTree()
        let findings = try store.findings(round: procedure.round.id)
        let handling = procedure.steps.last { $0.step == .reported }?.content?.handling ?? ""
        let entries = procedure.inspections.map { inspection in
            let results = procedure.results(of: inspection.institution)
            let failed = results.values.filter { $0.result == .fail }.sorted { $0.code < $1.code }
                .map { "\(items[$0.code] ?? $0.code)\($0.note.map { "（\($0)）" } ?? "")" }
            let institution = names[inspection.institution]
            return ResultsPublication.Entry(
                institution: inspection.institution, name: institution?.name ?? inspection.institution,
                jurisdiction: institution.map { tree.displayName($0.jurisdiction) } ?? "", failed: failed,
                findings: findings.filter { $0.institution == inspection.institution }.map(\.text))
        }
        return ResultsPublication(round: procedure.round.id, category: procedure.plan.category,
                                  jurisdictionName: tree.byCode[procedure.plan.jurisdiction]?.name ?? procedure.plan.jurisdiction,
                                  ended: procedure.date(of: .ended), publishedOn: publishedOn, handling: handling, entries: entries)
    }

    /// The files a published round shows the public (Art. 15): `results.html` and `results.csv`.
    public func publishedResults(round id: String) throws -> [(name: String, contents: String)] {
        let procedure = try procedure(id)
        guard let published = procedure.date(of: .published) else { throw Refusal("round \(id) has not been published") }
        return try results(procedure, publishedOn: published).files()
    }

    /// Every published result of an institution, oldest first (Art. 15).
    public func institutionHistory(_ id: String) throws -> [InstitutionHistoryEntry] {
        var history: [InstitutionHistoryEntry] = []
        for round in try store.rounds() where round.state >= .published {
            let procedure = try procedure(round.id)
            guard procedure.inspections.contains(where: { $0.institution == id }), let published = procedure.date(of: .published) else { continue }
            guard let entry = try results(procedure, publishedOn: published).entries.first(where: { $0.institution == id }) else { continue }
            history.append(InstitutionHistoryEntry(round: round.id, category: procedure.plan.category.rawValue, publishedOn: published,
                                                   conclusion: entry.conclusion, failed: entry.failed, findings: entry.findings))
        }
        return history.sorted { $0.publishedOn < $1.publishedOn }
    }
}
