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
        return migrator
    }
}
