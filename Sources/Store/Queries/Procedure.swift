import Foundation
import GRDB
public import Records
public import Regulation
public import Rosters
public import WorkingDays

private struct DatedStepDetails: Encodable {
    var round: String
    var step: String
    var on: String
    var detail: String
    var correction: String?
    var content: StepContent?
}

private struct ResultsDetails: Encodable {
    var round: String
    var institution: String
    var on: String
    var items: [String: String]
}

private struct FeedbackDetails: Encodable {
    var round: String
    var institution: String
    var on: String
    var method: String
    var correction: String?
}

/// Everything recorded about a round after its draw: the dated steps (newest row per step in
/// force), the checklist results and the feedback per inspection.
public struct ProcedureRecord: Sendable, Hashable {
    public var round: Round
    public var plan: Plan
    public var steps: [RoundStep]
    public var inspections: [Inspection]
    public var results: [InspectionResult]
    public var feedback: [Feedback]

    /// The day each step happened: its newest row (a correction replaces the date); steps
    /// before the draw have no day of their own here.
    public func date(of step: RoundState) -> CivilDate? {
        steps.last { $0.step == step }?.on
    }

    /// The newest result per item of an inspection.
    public func results(of institution: String) -> [String: InspectionResult] {
        var latest: [String: InspectionResult] = [:]
        for result in results where result.institution == institution { latest[result.code] = result }
        return latest
    }

    /// The newest feedback day per institution.
    public var feedbackDates: [String: CivilDate] {
        var dates: [String: CivilDate] = [:]
        for entry in feedback { dates[entry.institution] = entry.on }
        return dates
    }
}

/// What checklist coverage (Art. 9) needs of a round, read in bulk for the daemon: no teams, no
/// manifests.
public struct CoverageRecord: Sendable, Hashable {
    public var round: String
    public var category: Category
    public var jurisdiction: String
    /// The day the inspection work ended (its newest row).
    public var ended: CivilDate?
    public var institutions: [String]
    /// Every result recorded, oldest first.
    public var results: [InspectionResult]
}

/// A filter of the stored deadlines, for range reads.
public struct DeadlineQuery: Sendable, Hashable {
    /// Only deadlines whose period had started by the end of this day, and not done by then.
    public var openAt: CivilDate
    /// Only those due on or before this day (overdue ones), when given.
    public var dueThrough: CivilDate?

    public init(openAt: CivilDate, dueThrough: CivilDate? = nil) {
        self.openAt = openAt
        self.dueThrough = dueThrough
    }
}

extension SpotCheckStore {
    /// A round's procedure, read in one snapshot.
    public func procedure(round id: String) throws(StoreError) -> ProcedureRecord? {
        try read { db in try Self.procedure(db, round: id) }
    }

    /// A round's steps and the feedback to `institution`, without its inspections and results:
    /// what recording one inspection or one feedback needs, whatever the round's size.
    public func procedureSteps(round id: String, institution: String) throws(StoreError) -> ProcedureRecord? {
        try read { db in
            guard let round = try Round.find(db, key: id), let plan = try Plan.find(db, key: round.plan) else { return nil }
            return ProcedureRecord(
                round: round, plan: plan,
                steps: try RoundStep.all(db, RoundStep.request().filter(Column("round") == id).order(Column("audit_seq"))),
                inspections: [], results: [],
                feedback: try Feedback.all(db, Feedback.request().filter(Column("round") == id && Column("institution") == institution).order(Column("id"))))
        }
    }

    /// One inspection, by its key.
    public func inspection(round: String, institution: String) throws(StoreError) -> Inspection? {
        try read { db in
            try Stored<Inspection>.fetchOne(db, sql: "SELECT * FROM inspection WHERE round = ? AND institution = ?", arguments: [round, institution])?.value
        }
    }

    /// The results recorded for one inspection, oldest first.
    public func results(round: String, institution: String) throws(StoreError) -> [InspectionResult] {
        try read { db in
            try InspectionResult.all(db, InspectionResult.request().filter(Column("round") == round && Column("institution") == institution).order(Column("id")))
        }
    }

    static func procedure(_ db: Database, round id: String) throws -> ProcedureRecord? {
        guard let round = try Round.find(db, key: id), let plan = try Plan.find(db, key: round.plan) else { return nil }
        return ProcedureRecord(
            round: round, plan: plan,
            steps: try RoundStep.all(db, RoundStep.request().filter(Column("round") == id).order(Column("audit_seq"))),
            inspections: try Inspection.all(db, Inspection.request().filter(Column("round") == id).order(Column("institution"))),
            results: try InspectionResult.all(db, InspectionResult.request().filter(Column("round") == id).order(Column("id"))),
            feedback: try Feedback.all(db, Feedback.request().filter(Column("round") == id).order(Column("id"))))
    }

    /// The inspection with this row number (the short id `round show` prints), as (round, institution).
    /// Coverage records of every round in `state` whose inspection work has ended (an `ended`
    /// step is recorded), in three reads whatever their number.
    public func coverageRecords(roundsIn state: RoundState) throws(StoreError) -> [CoverageRecord] {
        try read { db in
            var records: [String: CoverageRecord] = [:]
            var order: [String] = []
            let rounds = try Row.fetchAll(db, sql: """
                SELECT r.id, p.category, p.jurisdiction,
                       (SELECT s.on_date FROM round_step s WHERE s.round = r.id AND s.step = 'ended' ORDER BY s.rowid DESC LIMIT 1) AS ended
                FROM round r JOIN plan p ON p.id = r.plan WHERE r.state = ? ORDER BY r.id
                """, arguments: [state.rawValue])
            for row in rounds {
                let id: String = row["id"]
                let ended: String? = row["ended"]
                guard ended != nil else { continue }
                records[id] = CoverageRecord(round: id, category: try row.term("category", in: "plan"), jurisdiction: row["jurisdiction"],
                                             ended: ended.flatMap { CivilDate($0) }, institutions: [], results: [])
                order.append(id)
            }
            guard !order.isEmpty else { return [] }
            let inRounds = "IN (SELECT id FROM round WHERE state = ? AND EXISTS (SELECT 1 FROM round_step s WHERE s.round = round.id AND s.step = 'ended'))"
            let inspections = try Row.fetchCursor(db, sql: "SELECT round, institution FROM inspection WHERE round \(inRounds) ORDER BY round, institution",
                                                  arguments: [state.rawValue])
            while let row = try inspections.next() { records[row[0] as String]?.institutions.append(row[1]) }
            // By position rather than through Codable: tens of thousands of rows for the daemon's every evaluation.
            let results = try Row.fetchCursor(db, sql: """
                SELECT id, round, institution, code, result, note, on_date, actor, audit_seq FROM inspection_result WHERE round \(inRounds) ORDER BY id
                """, arguments: [state.rawValue])
            while let row = try results.next() {
                let round: String = row[1]
                let resultText: String = row[4], onText: String = row[6]
                guard let result = ItemResult(rawValue: resultText) else { throw StoreError.corrupt("inspection_result.result: stored value \"\(resultText)\" is not pass, fail or n/a") }
                guard let on = CivilDate(onText) else { throw StoreError.corrupt("inspection_result.on_date: stored value \"\(onText)\" is not a date") }
                records[round]?.results.append(InspectionResult(id: row[0], round: round, institution: row[2], code: row[3], result: result, note: row[5],
                                                                on: on, actor: row[7], auditSeq: row[8]))
            }
            return order.compactMap { records[$0] }
        }
    }

    public func inspection(number: Int64) throws(StoreError) -> Inspection? {
        try read { db in try Stored<Inspection>.fetchOne(db, sql: "SELECT * FROM inspection WHERE rowid = ?", arguments: [number])?.value }
    }

    /// The short numbers of a round's inspections, by institution.
    public func inspectionNumbers(round: String) throws(StoreError) -> [String: Int64] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT institution, rowid FROM inspection WHERE round = ?", arguments: [round])
                .map { ($0[0] as String, $0[1] as Int64) })
        }
    }

    /// Records a dated step of a round (Art. 10) with its audit entry, and the round's deadlines
    /// as they now stand, in one transaction. With `correction`, the step must have been
    /// recorded already and only its date changes (a new row, never an edit).
    /// `expectedSeq` is the audit entry the caller's snapshot was read at: if anything was
    /// recorded since, the change is refused (decide again on fresh data).
    public func recordDatedStep(round id: String, step: RoundState, on date: CivilDate, detail: String, content: StepContent? = nil, correction: String?,
                                deadlines: [DeadlineRecord], expectedSeq: Int64, actor: String) throws(StoreError) -> Round {
        try write { db in
            try Self.checkSnapshot(db, expectedSeq)
            var round = try Self.existingRound(db, id)
            if correction == nil {
                if let refusal = round.state.refusal(toward: step) { throw StoreError.refused("round \(id): \(refusal)") }
                round.state = step
            } else if round.state < step {
                throw StoreError.refused("round \(id): \"\(step.rawValue)\" has not been recorded, so there is nothing to correct")
            }
            let at = now()
            let audit = try AuditLog.append(db, at: at, actor: actor, action: step.auditAction, subject: "round/\(id)",
                                            details: DatedStepDetails(round: id, step: step.rawValue, on: date.description, detail: detail,
                                                                      correction: correction, content: content))
            try RoundStep(round: id, step: step, at: at, actor: actor, detail: detail, auditSeq: audit.seq, on: date, correction: correction,
                          content: content).insert(db)
            try round.update(db)
            try Self.replaceDeadlines(db, round: id, deadlines)
            return round
        }
    }

    /// Writes deadlines derived again for some of a round's subjects (one institution's
    /// feedback), each over the stored row with its key, or as a new row.
    static func upsertDeadlines(_ db: Database, _ deadlines: [DeadlineRecord]) throws {
        for deadline in deadlines {
            var row = deadline
            row.id = try Int64.fetchOne(db, sql: "SELECT id FROM deadline WHERE round = ? AND rule = ? AND ifnull(institution, '') = ?",
                                        arguments: [deadline.round, deadline.rule.rawValue, deadline.institution ?? ""])
            if row.id == nil { try row.insert(db) } else { try row.update(db) }
        }
    }

    /// Records checklist results of one inspection (Art. 9) with one audit entry.
    public func recordResults(_ results: [InspectionResult], round id: String, institution: String, on date: CivilDate,
                              expectedSeq: Int64, actor: String) throws(StoreError) {
        try write { db in
            try Self.checkSnapshot(db, expectedSeq)
            let round = try Self.existingRound(db, id)
            guard round.state >= .drawn, round.state < .reported else {
                throw StoreError.refused("round \(id) is \"\(round.state.rawValue)\": results are recorded after the draw and before the report")
            }
            let at = now()
            let audit = try AuditLog.append(db, at: at, actor: actor, action: .inspectionRecord, subject: "inspection/\(id)/\(institution)",
                                            details: ResultsDetails(round: id, institution: institution, on: date.description,
                                                                    items: Dictionary(results.map { ($0.code, $0.result.rawValue + ($0.note.map { ": \($0)" } ?? "")) },
                                                                                      uniquingKeysWith: { _, last in last })))
            for var result in results {
                result.round = id
                result.institution = institution
                result.on = date
                result.actor = actor
                result.auditSeq = audit.seq
                try result.insert(db)
            }
        }
    }

    /// Keeps feedback to one institution (Art. 14) and its feedback deadline (`deadlines`: that one, derived again).
    public func recordFeedback(_ feedback: Feedback, deadlines: [DeadlineRecord], expectedSeq: Int64, actor: String) throws(StoreError) {
        try write { db in
            try Self.checkSnapshot(db, expectedSeq)
            let round = try Self.existingRound(db, feedback.round)
            guard round.state >= .reported else {
                throw StoreError.refused("round \(round.id) is \"\(round.state.rawValue)\": feedback follows the report (Art. 14)")
            }
            let audit = try AuditLog.append(db, at: now(), actor: actor, action: .inspectionFeedback,
                                            subject: "inspection/\(feedback.round)/\(feedback.institution)",
                                            details: FeedbackDetails(round: feedback.round, institution: feedback.institution, on: feedback.on.description,
                                                                     method: feedback.method.rawValue, correction: feedback.correction))
            var row = feedback
            row.actor = actor
            row.auditSeq = audit.seq
            try row.insert(db)
            try Self.upsertDeadlines(db, deadlines.filter { $0.round == feedback.round && $0.rule == .feedback && $0.institution == feedback.institution })
        }
    }

    static func replaceDeadlines(_ db: Database, round: String, _ deadlines: [DeadlineRecord]) throws {
        try db.execute(sql: "DELETE FROM deadline WHERE round = ?", arguments: [round])
        for deadline in deadlines where deadline.round == round {
            var row = deadline
            row.id = nil
            try row.insert(db)
        }
    }

    static func checkSnapshot(_ db: Database, _ expectedSeq: Int64) throws {
        guard try lastAuditSeq(db) == expectedSeq else {
            throw StoreError.refused("something else was recorded meanwhile; run the command again")
        }
    }

    /// Deadlines open at the end of a day (period started, not done by then), in no particular
    /// order (each caller orders what it shows): two range reads, the open ones through their
    /// partial index and those done after the day through the done_on index, so that the
    /// deadlines done long ago are never scanned.
    public func deadlines(_ query: DeadlineQuery) throws(StoreError) -> [DeadlineRecord] {
        try read { db in
            let day = query.openAt.description
            let due = query.dueThrough.map { " AND due <= '\($0.description)'" } ?? ""
            let open = try DeadlineRows.fetchAll(db, sql: "SELECT \(DeadlineRows.columns) FROM deadline WHERE done_on IS NULL AND from_date <= ?\(due)",
                                                 arguments: [day])
            let doneLater = try DeadlineRows.fetchAll(db, sql: "SELECT \(DeadlineRows.columns) FROM deadline WHERE done_on > ? AND from_date <= ?\(due)",
                                                      arguments: [day, day])
            return open + doneLater
        }
    }

    /// The feedback deadlines (Art. 14) of rounds whose report was due by the end of `day` (the
    /// day feedback counted from it opens) but was recorded after it, each with its round's report due date: as of `day` there was
    /// no report yet, so feedback counts from that due date instead. With `reportDueThrough`,
    /// only rounds whose report is due by then (the feedback counted from it is due later).
    public func feedbackBeforeLaterReport(asOf day: CivilDate, reportDueThrough: CivilDate? = nil) throws(StoreError) -> [(feedback: DeadlineRecord, reportDue: CivilDate)] {
        try read { db in
            let columns = DeadlineRows.columns.split(separator: ", ").map { "f.\($0)" }.joined(separator: ", ")
            let due = reportDueThrough.map { " AND r.due <= '\($0.description)'" } ?? ""
            let sql = """
                SELECT \(columns), r.due FROM deadline r JOIN deadline f ON f.round = r.round AND f.rule = 'feedback'
                WHERE r.rule = 'report' AND r.done_on > ? AND r.due <= ?\(due)
                """
            var reasons = DeadlineRows.ReasonsCache()
            var result: [(feedback: DeadlineRecord, reportDue: CivilDate)] = []
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: [day.description, day.description])
            while let row = try cursor.next() {
                let record = try DeadlineRows.record(row, &reasons)
                guard let text: String = row[12], let reportDue = CivilDate(text) else { throw StoreError.corrupt("deadline.due: stored value is not a date") }
                result.append((record, reportDue))
            }
            return result
        }
    }

    /// Every stored deadline of a round.
    public func deadlines(round: String) throws(StoreError) -> [DeadlineRecord] {
        try read { db in try DeadlineRecord.all(db, DeadlineRecord.request().filter(Column("round") == round).order(Column("id"))) }
    }

    /// How many deadlines not yet done are due on or after `dueFrom` and started by `startedBy`:
    /// those a run of provisional days reaches. A count over the open-deadline index.
    public func countOpenDeadlines(dueFrom: CivilDate, startedBy: CivilDate) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM deadline INDEXED BY deadline_open_covering WHERE done_on IS NULL AND due >= ? AND from_date <= ?",
                             arguments: [dueFrom.description, startedBy.description]) ?? 0
        }
    }

    /// Every deadline not yet done, in no particular order: what a new calendar notice can move.
    /// One read of the covering partial index on open deadlines.
    public func openDeadlines() throws(StoreError) -> [DeadlineRecord] {
        try read { db in
            try DeadlineRows.fetchAll(db, sql: "SELECT \(DeadlineRows.columns) FROM deadline INDEXED BY deadline_open_covering WHERE done_on IS NULL")
        }
    }

    /// Writes deadlines re-derived in place (their due day, start, provisional state and
    /// reasons), by row id, inside the caller's transaction.
    static func updateDeadlines(_ db: Database, _ deadlines: [DeadlineRecord]) throws {
        let statement = try db.makeStatement(sql: "UPDATE deadline SET from_date = ?, due = ?, provisional = ?, reasons = ? WHERE id = ? AND done_on IS NULL")
        var cache = DeadlineRows.ReasonsCache()
        for deadline in deadlines {
            guard let id = deadline.id else { throw StoreError.refused("a re-derived deadline without its row id") }
            let reasons = try cache.encode(deadline.reasons)
            try statement.execute(arguments: [deadline.from.description, deadline.due.description, deadline.provisional, reasons, id])
            guard db.changesCount == 1 else { throw StoreError.refused("deadline \(id) changed meanwhile; run the command again") }
        }
    }
}

private struct FindingDetails: Encodable {
    var finding: Int64
    var round: String
    var institution: String
    var text: String?
    var referral: String?
    var on: String?
    var rectifyBy: String?
    enum CodingKeys: String, CodingKey { case finding, round, institution, text, referral, on, rectifyBy = "rectify_by" }
}

extension SpotCheckStore {
    /// Keeps a new finding of an inspection (Art. 16) with its audit entry.
    public func addFinding(_ finding: Finding, actor: String) throws(StoreError) -> Finding {
        try write { db in
            let round = try Self.existingRound(db, finding.round)
            guard round.state >= .drawn else { throw StoreError.refused("round \(round.id) has not been drawn") }
            let id = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM finding") ?? 0) + 1
            let audit = try AuditLog.append(db, at: now(), actor: actor, action: .findingAdd, subject: "finding/\(id)",
                                            details: FindingDetails(finding: id, round: finding.round, institution: finding.institution, text: finding.text,
                                                                    referral: finding.referral?.rawValue, on: finding.foundOn.description))
            var row = finding
            row.id = id
            row.actor = actor
            row.auditSeq = audit.seq
            try row.insert(db)
            return row
        }
    }

    /// Sets a finding's rectification date, or closes it: the finding as it now stands, with an
    /// audit entry naming the change.
    public func updateFinding(_ id: Int64, rectifyBy: CivilDate? = nil, closedOn: CivilDate? = nil, actor: String) throws(StoreError) -> Finding {
        try write { db in
            guard var finding = try Finding.find(db, key: id) else { throw StoreError.refused("no finding \(id)") }
            if let closed = finding.closedOn { throw StoreError.refused("finding \(id) was closed on \(closed)") }
            let action: AuditAction = closedOn == nil ? .findingRectify : .findingClose
            try AuditLog.append(db, at: now(), actor: actor, action: action, subject: "finding/\(id)",
                                details: FindingDetails(finding: id, round: finding.round, institution: finding.institution,
                                                        on: closedOn?.description, rectifyBy: rectifyBy?.description))
            if let rectifyBy { finding.rectifyBy = rectifyBy }
            if let closedOn { finding.closedOn = closedOn }
            try finding.update(db)
            return finding
        }
    }

    public func finding(_ id: Int64) throws(StoreError) -> Finding? {
        try read { db in try Finding.find(db, key: id) }
    }

    /// Findings, oldest first: of a round, or those open at the end of a day (found by then, not closed by then).
    public func findings(round: String? = nil, openAt day: CivilDate? = nil) throws(StoreError) -> [Finding] {
        try read { db in
            var request = Finding.request().order(Column("id"))
            if let round { request = request.filter(Column("round") == round) }
            if let day {
                request = request.filter(Column("found_on") <= day.description)
                    .filter(Column("closed_on") == nil || Column("closed_on") > day.description)
            }
            return try Finding.all(db, request)
        }
    }
}
