import Foundation
import GRDB
import Synchronization

/// The SpotCheck database: one SQLite file (WAL, `synchronous=FULL`), opened through GRDB's
/// `DatabasePool` on the system libsqlite3, migrated on open.
///
/// Every state change goes through ``write(_:)``: one transaction that also appends its audit
/// entry (ARCHITECTURE.md, "Rules of the house").
public final class SpotCheckStore: Sendable {
    /// The database file.
    public let path: String
    /// Reads go here: a read-only connection when the file is already migrated (so that a
    /// command that only reads, or refuses its input, leaves the file byte-for-byte as it was),
    /// otherwise the pool.
    private let reader: any DatabaseReader
    /// The writer pool, opened on the first write.
    private let writer: Mutex<DatabasePool?>

    /// Opens the database, creating the file and its directory and migrating it when needed.
    public init(path: String) throws(StoreError) {
        self.path = path
        if FileManager.default.fileExists(atPath: path) {
            do {
                var configuration = Self.configuration()
                configuration.readonly = true
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                if try queue.read({ db in try Migrations.migrator.hasCompletedMigrations(db) }) {
                    reader = queue
                    writer = Mutex(nil)
                    return
                }
            } catch {
                throw StoreError.io("cannot open the database \(path): \(error)")
            }
        }
        let pool = try Self.openPool(path: path)
        reader = pool
        writer = Mutex(pool)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "spotcheck"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        return configuration
    }

    /// Opens the writer pool: WAL, `synchronous=FULL`, migrated.
    static func openPool(path: String) throws(StoreError) -> DatabasePool {
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.io("cannot create the directory of \(path): \(error.localizedDescription)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration())
            // GRDB's pool sets the writer to synchronous=NORMAL when it switches to WAL; NORMAL
            // can lose the last committed transactions on power loss. Nothing committed may be
            // lost, so the writer runs with FULL.
            try pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // A 100,000-row import writes about 20 MB; a 64 MiB page cache keeps the
                // transaction from spilling pages to the log before it commits.
                try db.execute(sql: "PRAGMA cache_size = -65536")
            }
            try Migrations.migrator.migrate(pool)
            return pool
        } catch {
            throw StoreError.io("cannot open the database \(path): \(error)")
        }
    }

    /// The GRDB writer pool (one writer, concurrent readers), opened on first use.
    public var pool: DatabasePool {
        get throws(StoreError) {
            try writer.withLock { (opened: inout DatabasePool?) throws(StoreError) -> DatabasePool in
                if let opened { return opened }
                let pool = try Self.openPool(path: path)
                opened = pool
                return pool
            }
        }
    }

    /// Runs `change` in one write transaction; `change` appends its audit entry with
    /// ``AuditLog/append(_:actor:action:subject:details:)``.
    public func write<T>(_ change: (Database) throws -> T) throws(StoreError) -> T {
        let pool = try pool
        do {
            return try pool.write { db in try change(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.io("database write failed: \(error)")
        }
    }

    /// Reads a consistent snapshot.
    public func read<T>(_ query: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try reader.read { db in try query(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.io("database read failed: \(error)")
        }
    }
}

/// A failure of the store, mapped by the CLI to an exit code.
public enum StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The database could not be opened, read or written (exit 74).
    case io(String)
    /// The request conflicts with what is stored (exit 65).
    case refused(String)

    public var description: String {
        switch self {
        case let .io(message), let .refused(message): message
        }
    }
}
