-- A database as commit 71ce35b left it: v1 and v2-rosters as v2 first landed, with the four
-- roster indexes that c02bcc5 and f3c2bb7 later deleted from the migration's text (v4-schema-repairs
-- drops them). Schema as GRDB wrote it (the four index statements rebuilt from 71ce35b's calls;
-- MigrationTests.originalV2IndexesAsGRDBWroteThem replays those calls and compares), GRDB's
-- migrations table, one import with its audit entry.
CREATE TABLE "audit_log" ("seq" INTEGER PRIMARY KEY, "at" TEXT NOT NULL, "actor" TEXT NOT NULL, "action" TEXT NOT NULL, "subject" TEXT NOT NULL, "details" TEXT NOT NULL, "prev_hash" TEXT NOT NULL, "hash" TEXT NOT NULL UNIQUE);
CREATE TABLE "calendar_layer_version" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "region" TEXT NOT NULL, "year" INTEGER NOT NULL, "layer_json" TEXT NOT NULL, "source_file" TEXT NOT NULL, "source_sha256" TEXT NOT NULL, "source_text" TEXT NOT NULL, "loaded_at" TEXT NOT NULL, "loaded_by" TEXT NOT NULL, "audit_seq" INTEGER NOT NULL REFERENCES "audit_log"("seq"));
CREATE TABLE "checklist_item" ("category" TEXT NOT NULL, "code" TEXT NOT NULL, "name" TEXT NOT NULL, "basis" TEXT NOT NULL, "subject" TEXT NOT NULL, "content" TEXT NOT NULL, "method" TEXT NOT NULL, "since_version" INTEGER NOT NULL, "until_version" INTEGER);
CREATE TABLE "conflict" ("inspector" TEXT NOT NULL, "institution" TEXT NOT NULL, "reason" TEXT NOT NULL, "since_version" INTEGER NOT NULL, "until_version" INTEGER);
CREATE TABLE "inspector" ("id" TEXT NOT NULL, "name" TEXT NOT NULL, "jurisdiction" TEXT NOT NULL, "categories" TEXT NOT NULL, "status" TEXT NOT NULL, "since_version" INTEGER NOT NULL, "until_version" INTEGER);
CREATE TABLE "institution" ("id" TEXT NOT NULL, "name" TEXT NOT NULL, "category" TEXT NOT NULL, "jurisdiction" TEXT NOT NULL, "risk" TEXT NOT NULL, "risk_reason" TEXT, "status" TEXT NOT NULL, "since_version" INTEGER NOT NULL, "until_version" INTEGER);
CREATE TABLE "jurisdiction" ("code" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL, "parent" TEXT);
CREATE TABLE "roster_version" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "kind" TEXT NOT NULL, "scope" TEXT, "file" TEXT NOT NULL, "sha256" TEXT NOT NULL, "encoding" TEXT NOT NULL, "imported_at" TEXT NOT NULL, "imported_by" TEXT NOT NULL, "rows" INTEGER NOT NULL, "added" INTEGER NOT NULL, "changed" INTEGER NOT NULL, "removed" INTEGER NOT NULL, "audit_seq" INTEGER NOT NULL REFERENCES "audit_log"("seq"));
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
CREATE INDEX "calendar_layer_version_by_year" ON "calendar_layer_version"("region", "year", "id");
CREATE UNIQUE INDEX "checklist_item_current" ON "checklist_item"("category", "code") WHERE "until_version" IS NULL;
CREATE UNIQUE INDEX "conflict_current" ON "conflict"("inspector", "institution") WHERE "until_version" IS NULL;
CREATE INDEX "institution_by_version" ON "institution"("since_version", "until_version");
CREATE UNIQUE INDEX "institution_current" ON "institution"("id") WHERE "until_version" IS NULL;
CREATE INDEX "inspector_by_version" ON "inspector"("since_version", "until_version");
CREATE UNIQUE INDEX "inspector_current" ON "inspector"("id") WHERE "until_version" IS NULL;
INSERT INTO grdb_migrations (identifier) VALUES ('v1-audit-and-calendar');
INSERT INTO grdb_migrations (identifier) VALUES ('v2-rosters');
INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (1, '2026-11-25T19:45:00.000Z', 'alice', 'roster.import', 'roster/institution', '{"file":"institutions.csv","rows":1}', '0000000000000000000000000000000000000000000000000000000000000000', '206d05b703cb8f4e8604a3d168f444d23c4c4f7ea69bd1036ad79217396fbc6e');
INSERT INTO roster_version (id, kind, scope, file, sha256, encoding, imported_at, imported_by, rows, added, changed, removed, audit_seq) VALUES (1, 'institution', NULL, 'institutions.csv', 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 'utf-8', '2026-11-25T19:45:00.000Z', 'alice', 1, 1, 0, 0, 1);
INSERT INTO jurisdiction (code, name, parent) VALUES ('640000', '宁夏回族自治区', NULL);
INSERT INTO institution (id, name, category, jurisdiction, risk, risk_reason, status, since_version, until_version) VALUES ('12640000MA00000001', '宁夏示例律师事务所', 'law-firm', '640000', 'normal', NULL, 'active', 1, NULL);
