import Foundation
import GRDB

/// The schema, as an ordered list of migrations. A migration that has landed is never edited:
/// changes are new migrations appended here.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-audit-and-calendar") { db in
            // The hash-chained audit log: every state change appends one row in its own transaction.
            try db.create(table: "audit_log") { t in
                t.primaryKey("seq", .integer)
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("details", .text).notNull()
                t.column("prev_hash", .text).notNull()
                t.column("hash", .text).notNull().unique()
            }
            // Every calendar layer ever loaded; the newest per (region, year) is in force.
            try db.create(table: "calendar_layer_version") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("region", .text).notNull()
                t.column("year", .integer).notNull()
                t.column("layer_json", .text).notNull()
                t.column("source_file", .text).notNull()
                t.column("source_sha256", .text).notNull()
                t.column("source_text", .text).notNull()
                t.column("loaded_at", .text).notNull()
                t.column("loaded_by", .text).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
            }
            try db.create(index: "calendar_layer_version_by_year", on: "calendar_layer_version", columns: ["region", "year", "id"])
        }
        migrator.registerMigration("v2-rosters") { db in
            // GB/T 2260 jurisdictions, province → city → county.
            try db.create(table: "jurisdiction") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("parent", .text)
            }
            // One row per import (Art. 6): the roster of a kind, or the part of it in `scope`,
            // replaced by a file. Rows below carry the version they appeared in and the one that
            // replaced them, so any past version can be read back.
            try db.create(table: "roster_version") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("scope", .text)
                t.column("file", .text).notNull()
                t.column("sha256", .text).notNull()
                t.column("encoding", .text).notNull()
                t.column("imported_at", .text).notNull()
                t.column("imported_by", .text).notNull()
                t.column("rows", .integer).notNull()
                t.column("added", .integer).notNull()
                t.column("changed", .integer).notNull()
                t.column("removed", .integer).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
            }
            try db.create(table: "institution") { t in
                t.column("id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("category", .text).notNull()
                t.column("jurisdiction", .text).notNull()
                t.column("risk", .text).notNull()
                t.column("risk_reason", .text)
                t.column("status", .text).notNull()
                t.column("since_version", .integer).notNull()
                t.column("until_version", .integer)
            }
            try db.create(table: "inspector") { t in
                t.column("id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("jurisdiction", .text).notNull()
                t.column("categories", .text).notNull()
                t.column("status", .text).notNull()
                t.column("since_version", .integer).notNull()
                t.column("until_version", .integer)
            }
            try db.create(table: "checklist_item") { t in
                t.column("category", .text).notNull()
                t.column("code", .text).notNull()
                t.column("name", .text).notNull()
                t.column("basis", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("content", .text).notNull()
                t.column("method", .text).notNull()
                t.column("since_version", .integer).notNull()
                t.column("until_version", .integer)
            }
            try db.create(table: "conflict") { t in
                t.column("inspector", .text).notNull()
                t.column("institution", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("since_version", .integer).notNull()
                t.column("until_version", .integer)
            }
            // The two big rosters have no index on id: keys are unique by construction (an
            // import refuses duplicates and replaces rows by rowid), and maintaining a random-key
            // index cost a fifth of a 100,000-row import. The small tables keep theirs.
            try db.create(index: "checklist_item_current", on: "checklist_item", columns: ["category", "code"], unique: true, condition: Column("until_version") == nil)
            try db.create(index: "conflict_current", on: "conflict", columns: ["inspector", "institution"], unique: true, condition: Column("until_version") == nil)
        }
        migrator.registerMigration("v3-plans-rounds-draws") { db in
            // Art. 7: a sampling plan per year, jurisdiction and category.
            try db.create(table: "plan") { t in
                t.primaryKey("id", .text)
                t.column("year", .integer).notNull()
                t.column("jurisdiction", .text).notNull()
                t.column("category", .text).notNull()
                t.column("normal_num", .integer).notNull()
                t.column("normal_den", .integer).notNull()
                t.column("high_num", .integer).notNull()
                t.column("high_den", .integer).notNull()
                t.column("rounds", .integer).notNull()
                t.column("months", .text).notNull()
                t.column("items", .text).notNull()
                t.column("checklist_version", .integer)
                t.column("created_at", .text).notNull()
                t.column("created_by", .text).notNull()
                t.uniqueKey(["year", "jurisdiction", "category"])
            }
            // A round: one draw under a plan, moving through Art. 10's steps. The manifest is kept
            // byte for byte; the result is never edited (substitutions are rows of their own).
            try db.create(table: "round") { t in
                t.primaryKey("id", .text)
                t.column("plan", .text).notNull().references("plan")
                t.column("number", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("manifest", .blob)
                t.column("manifest_sha256", .text)
                t.column("roster_versions", .text)
                t.column("values_json", .text)
                t.column("result_json", .text)
                t.column("seed", .text)
                t.uniqueKey(["plan", "number"])
            }
            try db.create(table: "round_step") { t in
                t.column("round", .text).notNull().references("round")
                t.column("step", .text).notNull()
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
            }
            try db.create(table: "substitution") { t in
                t.column("round", .text).notNull().references("round")
                t.column("number", .integer).notNull()
                t.column("inspector", .text).notNull()
                t.column("institution", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("replacement", .text)
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.primaryKey(["round", "number"])
            }
            // Each drawn institution becomes an inspection (round × institution) with its team.
            try db.create(table: "inspection") { t in
                t.column("round", .text).notNull().references("round")
                t.column("institution", .text).notNull()
                t.column("drawn_team", .text).notNull()
                t.column("team", .text).notNull()
                t.column("team_shortfall", .integer).notNull()
                t.primaryKey(["round", "institution"])
            }
        }
        migrator.registerMigration("v4-schema-repairs") { db in
            // v2-rosters was edited after it had landed (c02bcc5, f3c2bb7): as first landed
            // (71ce35b) it also created these four indexes on the big rosters. Databases created
            // before the edit still have them, so they pay the index upkeep on every import and
            // their schema differs from a new database's. Drop them so that every database ends
            // with the same schema; IF EXISTS because databases created later never had them.
            for index in ["institution_current", "institution_by_version", "inspector_current", "inspector_by_version"] {
                try db.execute(sql: "DROP INDEX IF EXISTS \(index.quotedDatabaseIdentifier)")
            }
            // plan.months held the months as comma-separated text ("5,10", or "" for none);
            // plans now store them as a JSON array of integers ("[5,10]", "[]"), the way GRDB
            // encodes a Codable [Int] column. A value that is not a list of integers stops the
            // migration (and the opening of the database) rather than being guessed at.
            let plans = try Row.fetchAll(db, sql: "SELECT id, months FROM plan")
            for plan in plans {
                let id: String = plan["id"]
                let text: String = plan["months"]
                let refusal = DatabaseError(message: "v4-schema-repairs: plan \(id) has months \(text.debugDescription), not a comma-separated list of integers")
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("[") {  // already a JSON array: keep it if it is one of integers
                    guard (try? JSONDecoder().decode([Int].self, from: Data(trimmed.utf8))) != nil else { throw refusal }
                    continue
                }
                var months: [Int] = []
                if !trimmed.isEmpty {
                    for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let month = Int(part.trimmingCharacters(in: .whitespaces)) else { throw refusal }
                        months.append(month)
                    }
                }
                let json = "[" + months.map(String.init).joined(separator: ",") + "]"
                try db.execute(sql: "UPDATE plan SET months = ? WHERE id = ?", arguments: [json, id])
            }
        }
        migrator.registerMigration("v5-procedure-and-deadlines") { db in
            // Steps after the draw are dated by the day they happened (Art. 10, 13–15); a row that
            // corrects an earlier one of the same step carries the reason (never a silent edit).
            try db.alter(table: "round_step") { t in
                t.add(column: "on_date", .text)
                t.add(column: "correction", .text)
            }
            // The checklist results of an inspection (Art. 9, Attachment 2): every recording is a
            // row; the newest per item is in force.
            try db.create(table: "inspection_result") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("round", .text).notNull()
                t.column("institution", .text).notNull()
                t.column("code", .text).notNull()
                t.column("result", .text).notNull()
                t.column("note", .text)
                t.column("on_date", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
                t.foreignKey(["round", "institution"], references: "inspection")
            }
            try db.create(index: "inspection_result_by_inspection", on: "inspection_result", columns: ["round", "institution", "code"])
            // Feedback to each institution (Art. 14): the newest row per inspection is in force.
            try db.create(table: "inspection_feedback") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("round", .text).notNull()
                t.column("institution", .text).notNull()
                t.column("on_date", .text).notNull()
                t.column("method", .text).notNull()
                t.column("correction", .text)
                t.column("actor", .text).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
                t.foreignKey(["round", "institution"], references: "inspection")
            }
            // The deadlines derived from the steps and the calendar (Art. 13–15), stored so that
            // the queries are range reads; re-derived whenever a step or the calendar changes.
            try db.create(table: "deadline") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("round", .text).notNull().references("round")
                t.column("institution", .text)
                t.column("rule", .text).notNull()
                t.column("article", .integer).notNull()
                t.column("from_date", .text).notNull()
                t.column("due", .text).notNull()
                t.column("done_on", .text)
                t.column("provisional", .boolean).notNull()
                t.column("reasons", .text).notNull()
                t.column("jurisdiction", .text).notNull()
                t.column("category", .text).notNull()
            }
            try db.execute(sql: "CREATE UNIQUE INDEX deadline_key ON deadline(round, rule, ifnull(institution, ''))")
            try db.create(index: "deadline_open_by_due", on: "deadline", columns: ["due"], condition: Column("done_on") == nil)
            try db.create(index: "deadline_by_due", on: "deadline", columns: ["due"])
        }
        migrator.registerMigration("v6-findings") { db in
            // Problems found in an inspection (Art. 16), followed until their rectification closes.
            try db.create(table: "finding") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("round", .text).notNull()
                t.column("institution", .text).notNull()
                t.column("text", .text).notNull()
                t.column("referral", .text)
                t.column("found_on", .text).notNull()
                t.column("rectify_by", .text)
                t.column("closed_on", .text)
                t.column("actor", .text).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
                t.foreignKey(["round", "institution"], references: "inspection")
            }
            try db.create(index: "finding_open_by_due", on: "finding", columns: ["rectify_by"], condition: Column("closed_on") == nil)
            try db.create(index: "finding_by_inspection", on: "finding", columns: ["round", "institution"])
        }
        migrator.registerMigration("v7-deadline-done-index") { db in
            // As-of queries of a past day also read deadlines done after that day: by done_on, so
            // that neither half of the query scans the deadlines done long ago.
            try db.create(index: "deadline_by_done_on", on: "deadline", columns: ["done_on", "due"], condition: Column("done_on") != nil)
        }
        migrator.registerMigration("v8-alert-state") { db in
            // The daemon's alert state: one row per subject in an alert state (due soon, overdue,
            // …), so that an alert is logged once per transition and a restart repeats nothing
            // and loses nothing (a row is written unlogged, then marked once its entry is sent).
            try db.create(table: "alert_state") { t in
                t.primaryKey("subject", .text)
                t.column("kind", .text).notNull()
                t.column("alert", .text).notNull()
                t.column("raised_on", .text).notNull()
                t.column("raised_at", .text).notNull()
                t.column("logged", .boolean).notNull()
            }
            try db.create(index: "alert_state_unlogged", on: "alert_state", columns: ["subject"], condition: Column("logged") == false)
            // The daemon's last evaluation: the day and instant it evaluated, and the last audit
            // entry it had seen (a newer one means the CLI changed something).
            try db.create(table: "daemon_evaluation") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("day", .text).notNull()
                t.column("at", .text).notNull()
                t.column("audit_seq", .integer).notNull()
            }
        }
        migrator.registerMigration("v9-alert-fingerprint") { db in
            // Each kept alert's figures in one string (Alert.fingerprint), so that an evaluation
            // compares strings instead of decoding every kept alert; '' until first refreshed.
            try db.alter(table: "alert_state") { t in t.add(column: "fingerprint", .text).notNull().defaults(to: "") }
            // Checklist coverage reads the rounds in a state (ended) without scanning them all, and
            // each one's steps by round.
            try db.create(index: "round_by_state", on: "round", columns: ["state"])
            try db.create(index: "round_step_by_round", on: "round_step", columns: ["round", "step"])
        }
        migrator.registerMigration("v10-step-content") { db in
            // What a report, review or publication records, typed (StepContent as JSON), instead
            // of a line read back by convention.
            try db.alter(table: "round_step") { t in t.add(column: "content", .text) }
            // Reports recorded before: their one line ("report: …") was published as the handling.
            let reports = try Row.fetchAll(db, sql: "SELECT rowid, detail FROM round_step WHERE step = 'reported' AND detail LIKE 'report: %'")
            for row in reports {
                let line = String((row["detail"] as String).dropFirst("report: ".count))
                // StepContent.report as its Codable form, written out so that this migration stays as it landed.
                let json = try JSONSerialization.data(withJSONObject: ["report": ["summary": line, "evaluation": "", "handling": line]], options: [.sortedKeys])
                let content = String(decoding: json, as: UTF8.self)
                try db.execute(sql: "UPDATE round_step SET content = ? WHERE rowid = ?", arguments: [content, row["rowid"] as Int64])
            }
        }
        migrator.registerMigration("v11-round-compliance-facts") { db in
            // What the yearly rules read of a drawn round, kept with it so that compliance reads
            // one row per round instead of every inspection: the draw's figures (from its result)
            // and the inspections whose team has fewer than 2 inspectors (a JSON list).
            try db.create(table: "round_compliance_facts") { t in
                t.primaryKey("round", .text).references("round")
                t.column("population", .integer).notNull()
                t.column("sample", .integer).notNull()
                t.column("high_risk_population", .integer).notNull()
                t.column("high_risk_sample", .integer).notNull()
                t.column("small_teams", .text).notNull()
            }
            // Each inspector on any of a round's teams, once (Art. 11: the category check).
            try db.create(table: "round_inspector", options: [.withoutRowID]) { t in
                t.column("round", .text).notNull().references("round")
                t.column("inspector", .text).notNull()
                t.primaryKey(["round", "inspector"])
            }
            // Recusal (Art. 11) and the high-risk coverage look inspections up by institution.
            try db.create(index: "inspection_by_institution", on: "inspection", columns: ["institution", "round"])
            try db.execute(sql: """
                INSERT INTO round_compliance_facts
                SELECT r.id,
                       (SELECT total(json_extract(s.value, '$.eligible')) FROM json_each(r.result_json, '$.strata') s),
                       (SELECT total(json_array_length(s.value, '$.selected')) FROM json_each(r.result_json, '$.strata') s),
                       (SELECT total(json_extract(s.value, '$.eligible')) FROM json_each(r.result_json, '$.strata') s WHERE json_extract(s.value, '$.risk') = 'high'),
                       (SELECT total(json_array_length(s.value, '$.selected')) FROM json_each(r.result_json, '$.strata') s WHERE json_extract(s.value, '$.risk') = 'high'),
                       (SELECT json_group_array(institution) FROM (SELECT institution FROM inspection i WHERE i.round = r.id AND json_array_length(i.team) < 2 ORDER BY institution))
                FROM round r WHERE r.result_json IS NOT NULL;
                INSERT OR IGNORE INTO round_inspector SELECT i.round, m.value FROM inspection i, json_each(i.team) m;
                """)
        }
        migrator.registerMigration("v12-feedback-index") { db in
            // Recording one institution's feedback reads that institution's earlier feedback only.
            try db.create(index: "inspection_feedback_by_inspection", on: "inspection_feedback", columns: ["round", "institution"])
        }
        migrator.registerMigration("v13-outbox") { db in
            // The durable notification queue: one row per alert transition and destination,
            // written in the transition's transaction. AUTOINCREMENT: an id is never reused after
            // pruning, since receivers recognise duplicates by it (webhook-id).
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("channel", .text).notNull().check { ["webhook", "mail"].contains($0) }
                t.column("destination", .text).notNull()
                t.column("payload", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .text).notNull()
                t.column("state", .text).notNull().check { ["pending", "delivering", "delivered", "dead"].contains($0) }
                t.column("last_error", .text)
                t.column("created_at", .text).notNull()
                t.column("updated_at", .text).notNull()
                t.column("delivered_at", .text)
                t.uniqueKey(["key", "channel", "destination"])
            }
            // The worker claims the due pending rows in order; ops list by state.
            try db.create(index: "outbox_due", on: "outbox", columns: ["state", "next_attempt_at", "id"])
        }
        migrator.registerMigration("v14-summary-sent") { db in
            // Each leadership summary made: once per schedule slot (the working day it is for),
            // even across restarts, with the subjects it listed (JSON), so that the next one
            // tells what is new, resolved and still open.
            try db.create(table: "summary_sent") { t in
                t.primaryKey("day", .text)
                t.column("made_at", .text).notNull()
                t.column("subjects", .text).notNull()
                t.column("audit_seq", .integer).notNull().references("audit_log", column: "seq")
            }
        }
        migrator.registerMigration("v15-institution-by-place") { db in
            // Compliance counts the institution roster per jurisdiction and category, and lists its
            // high-risk institutions: a covering index in that order reads 100,000 entries without
            // a sort (about 25 ms instead of 115).
            try db.create(index: "institution_by_place", on: "institution", columns: ["jurisdiction", "category", "since_version", "until_version", "risk"])
        }
        migrator.registerMigration("v16-institution-by-id") { db in
            // Roster entries looked up by id (where an inspected institution is registered, Art.
            // 12's stage-1 rows; an entry by its id): a covering index instead of a scan of the
            // whole roster (about 7 ms instead of 100 for 9,500 inspections against 100,000 entries).
            try db.create(index: "institution_by_id", on: "institution", columns: ["id", "since_version", "until_version", "jurisdiction"])
        }
        migrator.registerMigration("v17-institution-tally") { db in
            // Compliance counts the institution roster per jurisdiction and category at a
            // version (Art. 2–4): kept with each import of the institution roster, so that it
            // costs one row per jurisdiction × category instead of a scan of 100,000 entries.
            // This migration counts the versions already imported with its own statement, so
            // that it stays as it landed.
            try db.create(table: "institution_tally") { t in
                t.column("version", .integer).notNull().references("roster_version", column: "id")
                t.column("jurisdiction", .text).notNull()
                t.column("category", .text).notNull()
                t.column("institutions", .integer).notNull()
                t.primaryKey(["version", "jurisdiction", "category"])
            }
            try db.execute(sql: """
                INSERT INTO institution_tally
                SELECT v.id, n.jurisdiction, n.category, count(*)
                FROM roster_version v JOIN institution n ON n.since_version <= v.id AND (n.until_version IS NULL OR n.until_version > v.id)
                WHERE v.kind = 'institutions'
                GROUP BY v.id, n.jurisdiction, n.category
                """)
            // The high-risk institutions (Art. 8), about a tenth of the roster, read without the rest.
            try db.create(index: "institution_high_risk", on: "institution", columns: ["since_version", "until_version", "id", "jurisdiction", "category"],
                          condition: Column("risk") == "high")
        }
        migrator.registerMigration("v18-round-sample-place") { db in
            // Art. 12 stage 1: how many institutions a round sampled in each jurisdiction, where
            // they were registered in the roster its draw used, kept with the round so that the
            // rows below a province or city read one row per place instead of probing the roster
            // once per inspection. This migration fills it for the rounds drawn before with its
            // own statement, so that it stays as it landed.
            try db.create(table: "round_sample_place", options: [.withoutRowID]) { t in
                t.column("round", .text).notNull().references("round")
                t.column("jurisdiction", .text).notNull()
                t.column("sampled", .integer).notNull()
                t.primaryKey(["round", "jurisdiction"])
            }
            try db.execute(sql: """
                INSERT INTO round_sample_place
                SELECT i.round, n.jurisdiction, count(*)
                FROM round r JOIN inspection i ON i.round = r.id
                JOIN institution n ON n.id = i.institution AND n.since_version <= json_extract(r.roster_versions, '$.institutions')
                     AND (n.until_version IS NULL OR n.until_version > json_extract(r.roster_versions, '$.institutions'))
                WHERE r.result_json IS NOT NULL
                GROUP BY i.round, n.jurisdiction
                """)
        }
        migrator.registerMigration("v19-round-by-state-covering") { db in
            // A round's row holds its draw's manifest and result (tens of kilobytes with a large
            // population): the rounds in a state (checklist coverage on every evaluation) are read
            // with their id and plan from the index alone, not from a thousand such rows.
            try db.create(index: "round_by_state_id_plan", on: "round", columns: ["state", "id", "plan"])
            try db.drop(index: "round_by_state")
        }
        migrator.registerMigration("v20-round-by-plan-covering") { db in
            // The rounds of a year's plans (compliance, on every evaluation) with their id and
            // state from the index alone: 10,000 rounds read in about 2 ms instead of 26 (150
            // with a cold cache), since each round's row holds its draw.
            try db.create(index: "round_by_plan_id_state", on: "round", columns: ["plan", "id", "state"])
        }
        migrator.registerMigration("v21-open-deadlines-covering") { db in
            // The open deadlines with every column the evaluator reads, in due order: the daemon's
            // range read up to the due-soon horizon (5,000 of 1,000,000 rows) no longer looks each
            // one up in the table, where they lie on 5,000 different pages (`done_on`, always
            // NULL here, is in it so that SQLite reads nothing else). It replaces v5's partial
            // index on `due` alone.
            try db.create(index: "deadline_open_covering", on: "deadline",
                          columns: ["due", "from_date", "round", "institution", "rule", "article", "provisional", "reasons", "jurisdiction", "category", "done_on"],
                          condition: Column("done_on") == nil)
            try db.drop(index: "deadline_open_by_due")
        }
        migrator.registerMigration("v22-evaluation-basis") { db in
            // The settings the last evaluation used (EvaluationBasis, JSON): a restart on the day
            // evaluated, with nothing recorded since and the same settings, reports the alerts
            // kept instead of evaluating every open deadline before READY=1. NULL for the
            // evaluation kept before, which a restart evaluates again.
            try db.alter(table: "daemon_evaluation") { t in t.add(column: "basis", .text) }
            // The alerts kept, counted by kind for the status line, from an index and not the
            // rows (each holds its alert's JSON).
            try db.create(index: "alert_state_by_kind", on: "alert_state", columns: ["kind"])
        }
        return migrator
    }
}
