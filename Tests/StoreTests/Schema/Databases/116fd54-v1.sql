-- A database as the first commit (116fd54) left it: only v1-audit-and-calendar, whose text has
-- not changed since. Schema as GRDB wrote it (sqlite_master), GRDB's migrations table, and two
-- audit entries with a valid hash chain.
CREATE TABLE "audit_log" ("seq" INTEGER PRIMARY KEY, "at" TEXT NOT NULL, "actor" TEXT NOT NULL, "action" TEXT NOT NULL, "subject" TEXT NOT NULL, "details" TEXT NOT NULL, "prev_hash" TEXT NOT NULL, "hash" TEXT NOT NULL UNIQUE);
CREATE TABLE "calendar_layer_version" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "region" TEXT NOT NULL, "year" INTEGER NOT NULL, "layer_json" TEXT NOT NULL, "source_file" TEXT NOT NULL, "source_sha256" TEXT NOT NULL, "source_text" TEXT NOT NULL, "loaded_at" TEXT NOT NULL, "loaded_by" TEXT NOT NULL, "audit_seq" INTEGER NOT NULL REFERENCES "audit_log"("seq"));
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
CREATE INDEX "calendar_layer_version_by_year" ON "calendar_layer_version"("region", "year", "id");
INSERT INTO grdb_migrations (identifier) VALUES ('v1-audit-and-calendar');
INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (1, '2026-11-25T19:30:00.000Z', 'alice', 'calendar.load', 'calendar/national/2026', '{"file":"national-2026.yaml","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}', '0000000000000000000000000000000000000000000000000000000000000000', 'c1c55e199f227e5cbaee86a88929272a3462a5c2b05a252e780047def6cee3e3');
INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (2, '2026-11-25T19:31:00.000Z', 'bob', 'calendar.load', 'calendar/ningxia/2026', '{"file":"ningxia-2026.yaml","sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}', 'c1c55e199f227e5cbaee86a88929272a3462a5c2b05a252e780047def6cee3e3', 'b02da8f79df7a59911a1f70207c258998c707155073c5a4b4a27e00df0ca0b1f');
