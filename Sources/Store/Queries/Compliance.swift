import Foundation
import GRDB
public import Records
import Regulation
public import WorkingDays

/// What the yearly rules need of one drawn round (Art. 8, 9, 11), read in bulk: the round with
/// its draw result, the instant it was drawn, its inspections' teams, and its results while
/// its records can still be incomplete (ended, not yet reported: the report waits for every item).
public struct ComplianceRoundRecord: Sendable {
    public var round: Round
    /// When the draw was recorded (UTC instant as stored).
    public var drawnAt: String
    public var inspections: [Inspection]
    /// The day the inspection work ended, once it has.
    public var ended: CivilDate?
    /// Every result recorded, oldest first; only for rounds in the `ended` state.
    public var results: [InspectionResult]
}

extension SpotCheckStore {
    /// Every round drawn of the plans of `year`, with what compliance reads of it, in a few reads
    /// whatever their number (one per table, not one per round).
    public func complianceRounds(year: Int) throws(StoreError) -> [ComplianceRoundRecord] {
        try read { db in
            let drawnStates = RoundState.allCases.filter { $0 >= .drawn }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let ofYear = "SELECT r.id FROM round r JOIN plan p ON p.id = r.plan WHERE p.year = ? AND r.state IN (\(drawnStates))"
            var records: [String: ComplianceRoundRecord] = [:]
            var order: [String] = []
            let rounds = try Row.fetchAll(db, sql: """
                SELECT r.*,
                       (SELECT s.at FROM round_step s WHERE s.round = r.id AND s.step = 'drawn' ORDER BY s.rowid DESC LIMIT 1) AS drawn_at,
                       (SELECT s.on_date FROM round_step s WHERE s.round = r.id AND s.step = 'ended' ORDER BY s.rowid DESC LIMIT 1) AS ended_on
                FROM round r WHERE r.id IN (\(ofYear)) ORDER BY r.id
                """, arguments: [year])
            for row in rounds {
                let round = try Stored<Round>(row: row).value
                guard let drawnAt: String = row["drawn_at"] else { throw StoreError.corrupt("round \(round.id) is \(round.state.rawValue) but has no drawn step") }
                let ended: String? = row["ended_on"]
                records[round.id] = ComplianceRoundRecord(round: round, drawnAt: drawnAt, inspections: [], ended: ended.flatMap { CivilDate($0) }, results: [])
                order.append(round.id)
            }
            guard !order.isEmpty else { return [] }
            for inspection in try Stored<Inspection>.fetchAll(db, sql: "SELECT * FROM inspection WHERE round IN (\(ofYear)) ORDER BY round, institution",
                                                               arguments: [year]) {
                records[inspection.value.round]?.inspections.append(inspection.value)
            }
            let ended = "SELECT r.id FROM round r JOIN plan p ON p.id = r.plan WHERE p.year = ? AND r.state = '\(RoundState.ended.rawValue)'"
            for result in try Stored<InspectionResult>.fetchAll(db, sql: "SELECT * FROM inspection_result WHERE round IN (\(ended)) ORDER BY id",
                                                                arguments: [year]) {
                records[result.value.round]?.results.append(result.value)
            }
            return order.compactMap { records[$0] }
        }
    }
}
