import Foundation
import GRDB
public import Records
public import Regulation
public import Rosters
public import WorkingDays

/// What the yearly rules need of one drawn round (Art. 8, 11), as kept with it: one row per
/// round, whatever its number of inspections.
public struct ComplianceRoundRecord: Sendable, Hashable {
    public var round: String
    public var plan: String
    public var state: RoundState
    /// When the draw was recorded (UTC instant as stored).
    public var drawnAt: String
    /// The day the inspection work ended, once it has.
    public var ended: CivilDate?
    public var population: Int
    public var sample: Int
    public var highRiskPopulation: Int
    public var highRiskSample: Int
    /// Institutions whose team has fewer than 2 inspectors.
    public var smallTeams: [String]
}

extension SpotCheckStore {
    /// The rounds of the plans of a year (the year is the query's argument).
    static func yearRounds() -> String { "SELECT r.id FROM round r JOIN plan p ON p.id = r.plan WHERE p.year = ?" }

    /// Every round drawn of the plans of `year`, with its kept figures: one read, one row per round.
    public func complianceRounds(year: Int) throws(StoreError) -> [ComplianceRoundRecord] {
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT r.id, r.plan, r.state,
                       (SELECT s.at FROM round_step s WHERE s.round = r.id AND s.step = 'drawn' ORDER BY s.rowid DESC LIMIT 1),
                       (SELECT s.on_date FROM round_step s WHERE s.round = r.id AND s.step = 'ended' ORDER BY s.rowid DESC LIMIT 1),
                       f.population, f.sample, f.high_risk_population, f.high_risk_sample, f.small_teams
                FROM round r JOIN plan p ON p.id = r.plan JOIN round_compliance_facts f ON f.round = r.id
                WHERE p.year = ? ORDER BY r.id
                """, arguments: [year])
            var result: [ComplianceRoundRecord] = []
            while let row = try cursor.next() {
                let id: String = row[0]
                let stateText: String = row[2]
                guard let state = RoundState(rawValue: stateText) else { throw StoreError.corrupt("round.state: stored value \"\(stateText)\" is not a round state") }
                guard let drawnAt: String = row[3] else { throw StoreError.corrupt("round \(id) is \(stateText) but has no drawn step") }
                let smallText: String = row[9]
                // Almost every round has no small team: skip the decoder for the empty list.
                guard let small = smallText == "[]" ? [] : try? JSONDecoder().decode([String].self, from: Data(smallText.utf8)) else {
                    throw StoreError.corrupt("round_compliance_facts.small_teams: stored value \(smallText) is not a JSON list of strings")
                }
                result.append(ComplianceRoundRecord(round: id, plan: row[1], state: state, drawnAt: drawnAt, ended: (row[4] as String?).flatMap { CivilDate($0) },
                                                    population: row[5], sample: row[6], highRiskPopulation: row[7], highRiskSample: row[8],
                                                    smallTeams: small))
            }
            return result
        }
    }

    /// Each inspector on a team of a round of `year`, once per round: (round, inspector).
    public func roundInspectors(year: Int) throws(StoreError) -> [(round: String, inspector: String)] {
        try read { db in
            var result: [(round: String, inspector: String)] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT round, inspector FROM round_inspector WHERE round IN (\(Self.yearRounds())) ORDER BY round, inspector", arguments: [year])
            while let row = try cursor.next() { result.append((row[0], row[1])) }
            return result
        }
    }

    /// The high-risk institutions of the roster at `point` that one of `rounds` inspected (Art.
    /// 8): one probe of the institution index per high-risk institution, stopping at the first
    /// inspection found, so that it costs the same with 10,000 inspections or 1,000,000.
    public func highRiskInspected(at point: RosterPoint, rounds: [String]) throws(StoreError) -> Set<String> {
        guard !rounds.isEmpty else { return [] }
        return try read { db in
            guard let version = try Self.rosterVersion(db, .institutions, at: point)?.id else { return [] }
            let list = String(decoding: try JSONEncoder().encode(rounds), as: UTF8.self)
            // `+round`: each institution's few entries are checked against the list, rather than probing every (institution, round) pair.
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT n.id FROM institution n INDEXED BY institution_high_risk
                WHERE n.risk = 'high' AND n.since_version <= ? AND (n.until_version IS NULL OR n.until_version > ?)
                  AND EXISTS (SELECT 1 FROM inspection i INDEXED BY inspection_by_institution
                              WHERE i.institution = n.id AND +i.round IN (SELECT value FROM json_each(?)))
                """, arguments: [version, version, list])
            var result = Set<String>()
            while let row = try cursor.next() { result.insert(row[0]) }
            return result
        }
    }

    /// Art. 11: each inspector on the team of an inspection of a round of `year` who has a
    /// recorded conflict with that institution in the recusal roster at `point`:
    /// (round, inspector, institution), looked up by institution for each conflict.
    public func conflictedTeamMembers(year: Int, at point: RosterPoint) throws(StoreError) -> [(round: String, inspector: String, institution: String)] {
        try read { db in
            guard let version = try Self.rosterVersion(db, .conflicts, at: point)?.id else { return [] }
            // `+round` keeps SQLite on the institution index rather than probing every round × institution pair.
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT i.round, c.inspector, c.institution
                FROM conflict c JOIN inspection i INDEXED BY inspection_by_institution ON i.institution = c.institution
                WHERE c.since_version <= ? AND (c.until_version IS NULL OR c.until_version > ?)
                  AND +i.round IN (\(Self.yearRounds()))
                  AND EXISTS (SELECT 1 FROM json_each(i.team) m WHERE m.value = c.inspector)
                ORDER BY i.round, c.institution, c.inspector
                """, arguments: [version, version, year])
            var result: [(round: String, inspector: String, institution: String)] = []
            while let row = try cursor.next() { result.append((row[0], row[1], row[2])) }
            return result
        }
    }
}

extension SpotCheckStore {
    /// Writes what compliance reads of a drawn round again (its draw's figures, its small teams,
    /// its inspectors, where it sampled), inside the transaction that drew it or changed a team. Migration v11
    /// holds its own copy of these statements, so that it stays as it landed.
    static func refreshComplianceFacts(_ db: Database, round id: String) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO round_compliance_facts
            SELECT r.id,
                   (SELECT total(json_extract(s.value, '$.eligible')) FROM json_each(r.result_json, '$.strata') s),
                   (SELECT total(json_array_length(s.value, '$.selected')) FROM json_each(r.result_json, '$.strata') s),
                   (SELECT total(json_extract(s.value, '$.eligible')) FROM json_each(r.result_json, '$.strata') s WHERE json_extract(s.value, '$.risk') = 'high'),
                   (SELECT total(json_array_length(s.value, '$.selected')) FROM json_each(r.result_json, '$.strata') s WHERE json_extract(s.value, '$.risk') = 'high'),
                   (SELECT json_group_array(institution) FROM (SELECT institution FROM inspection i WHERE i.round = r.id AND json_array_length(i.team) < 2 ORDER BY institution))
            FROM round r WHERE r.id = ? AND r.result_json IS NOT NULL;
            DELETE FROM round_inspector WHERE round = ?;
            INSERT OR IGNORE INTO round_inspector SELECT i.round, m.value FROM inspection i, json_each(i.team) m WHERE i.round = ?;
            DELETE FROM round_sample_place WHERE round = ?;
            INSERT INTO round_sample_place
            SELECT i.round, n.jurisdiction, count(*)
            FROM round r JOIN inspection i ON i.round = r.id
            JOIN institution n ON n.id = i.institution AND n.since_version <= json_extract(r.roster_versions, '$.institutions')
                 AND (n.until_version IS NULL OR n.until_version > json_extract(r.roster_versions, '$.institutions'))
            WHERE r.id = ? AND r.result_json IS NOT NULL
            GROUP BY i.round, n.jurisdiction;
            """, arguments: [id, id, id, id, id])
    }
}

/// What compliance reads of the institution roster at a point: counts, not entries (Art. 2–4,
/// 8), so that 100,000 institutions cost one aggregate read.
public struct InstitutionFigures: Sendable {
    /// Institutions per jurisdiction (where registered) and category.
    public var counts: [(jurisdiction: String, category: Category, count: Int)]
    /// The high-risk ones, each with where it is registered (Art. 8).
    public var highRisk: [(id: String, jurisdiction: String, category: Category)]
}

extension SpotCheckStore {
    /// The institution roster at `point`, counted per jurisdiction and category (as kept with
    /// its version), with its high-risk institutions listed.
    public func institutionFigures(at point: RosterPoint) throws(StoreError) -> InstitutionFigures {
        try read { db in
            guard let version = try Self.rosterVersion(db, .institutions, at: point)?.id else { return InstitutionFigures(counts: [], highRisk: []) }
            var figures = InstitutionFigures(counts: [], highRisk: [])
            let counts = try Row.fetchCursor(db, sql: "SELECT jurisdiction, category, institutions FROM institution_tally WHERE version = ?", arguments: [version])
            while let row = try counts.next() { figures.counts.append((row[0], try row.term(at: 1, "category", in: "institution_tally"), row[2])) }
            let high = try Row.fetchCursor(db, sql: """
                SELECT id, jurisdiction, category FROM institution INDEXED BY institution_high_risk
                WHERE risk = 'high' AND since_version <= ? AND (until_version IS NULL OR until_version > ?)
                """, arguments: [version, version])
            while let row = try high.next() { figures.highRisk.append((row[0], row[1], try row.term(at: 2, "category", in: "institution"))) }
            return figures
        }
    }

    /// Counts the institution roster in force at `version` per jurisdiction and category, in the
    /// transaction that imported it.
    static func writeInstitutionTally(_ db: Database, version: Int64) throws {
        try db.execute(sql: """
            INSERT INTO institution_tally
            SELECT ?, jurisdiction, category, count(*) FROM institution
            WHERE since_version <= ? AND (until_version IS NULL OR until_version > ?)
            GROUP BY jurisdiction, category
            """, arguments: [version, version, version])
    }

    /// How many institutions each of these rounds sampled per jurisdiction, where they were
    /// registered in the roster its draw used (Art. 12 stage 1): (round, jurisdiction, sampled).
    public func samplePlaces(rounds: [String]) throws(StoreError) -> [(round: String, jurisdiction: String, sampled: Int)] {
        guard !rounds.isEmpty else { return [] }
        return try read { db in
            let list = String(decoding: try JSONEncoder().encode(rounds), as: UTF8.self)
            let cursor = try Row.fetchCursor(db, sql: "SELECT round, jurisdiction, sampled FROM round_sample_place WHERE round IN (SELECT value FROM json_each(?))",
                                             arguments: [list])
            var result: [(round: String, jurisdiction: String, sampled: Int)] = []
            while let row = try cursor.next() { result.append((row[0], row[1], row[2])) }
            return result
        }
    }
}
