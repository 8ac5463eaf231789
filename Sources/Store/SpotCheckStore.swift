public import Foundation
import GRDB
import Synchronization

/// The SpotCheck database: one SQLite file (WAL, `synchronous=FULL`), opened through GRDB's
/// `DatabasePool` on the system libsqlite3, migrated on open.
///
/// The only way to change it is one of its methods: each checks its invariants and writes its
/// change and its audit entry in one transaction. Reads return values; no GRDB type leaves.
public final class SpotCheckStore: Sendable {
    /// The database file.
    public let path: String
    /// The wall clock the audit log stamps entries with (injectable for tests and the daemon).
    let clock: @Sendable () -> Date
    /// Whether reads go to read-only connections (the file was already migrated when opened, so
    /// a command that only reads, or refuses its input, leaves it byte-for-byte as it was) rather
    /// than to the writer pool.
    private let readOnly: Bool
    /// The read-only connections not in use. A read takes one and puts it back; when every one
    /// is busy (reads on two threads at once: the daemon reads its kept alerts on another core
    /// while it computes the alerts in force), it opens another, kept for the next time.
    private let idleReaders: Mutex<[DatabaseQueue]>
    /// The writer pool, opened on the first write.
    private let writer: Mutex<DatabasePool?>
    private let access: FileAccess
    /// The writer's page cache, in KiB.
    private let writerCacheKiB: Int

    /// Opens the database, creating the file and its directory and migrating it when needed.
    /// A new file is created readable by its owner only, or by `group` too (0660) when given,
    /// since it holds inspectors' personal data; SQLite gives its WAL and shared-memory files
    /// the same mode.
    /// `writerCacheMiB` bounds the writer's page cache: 64 MiB keeps a 100,000-row import from
    /// spilling before it commits; a long-running writer of small transactions (the daemon's
    /// delivery worker) needs far less, and its resident memory stays flat with a few MiB.
    public init(path: String, group: String? = nil, clock: @escaping @Sendable () -> Date = { Date() }, writerCacheMiB: Int = 64) throws(StoreError) {
        self.path = path
        self.clock = clock
        writerCacheKiB = max(writerCacheMiB, 1) * 1024
        access = FileAccess(group: group)
        if FileManager.default.fileExists(atPath: path) {
            do {
                let queue = try Self.openReadOnly(path)
                if try queue.read({ db in try Migrations.migrator.hasCompletedMigrations(db) }) {
                    readOnly = true
                    idleReaders = Mutex([queue])
                    writer = Mutex(nil)
                    return
                }
            } catch {
                throw StoreError.io("cannot open the database \(path): \(error)")
            }
        }
        let pool = try Self.openPool(path: path, access: access, cacheKiB: writerCacheKiB)
        readOnly = false
        idleReaders = Mutex([])
        writer = Mutex(pool)
    }

    /// A read-only connection not in use, opened when every one is busy; give it back with
    /// ``returnReader(_:)``. `nil` when reads go to the pool (it reads concurrently itself).
    private func takeReader() throws -> DatabaseQueue? {
        guard readOnly else { return nil }
        if let idle = idleReaders.withLock({ $0.popLast() }) { return idle }
        return try Self.openReadOnly(path)
    }

    /// A read-only connection to `path`.
    private static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private func returnReader(_ connection: DatabaseQueue?) {
        guard let connection else { return }
        idleReaders.withLock { $0.append(connection) }
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
    static func openPool(path: String, access: FileAccess, cacheKiB: Int) throws(StoreError) -> DatabasePool {
        try access.create(path)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration())
            // GRDB's pool sets the writer to synchronous=NORMAL when it switches to WAL; NORMAL
            // can lose the last committed transactions on power loss. Nothing committed may be
            // lost, so the writer runs with FULL.
            try pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // A 100,000-row import writes about 20 MB; a 64 MiB page cache (the default)
                // keeps the transaction from spilling pages to the log before it commits.
                try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
            }
            try Migrations.migrator.migrate(pool)
            return pool
        } catch {
            throw StoreError.io("cannot open the database \(path): \(error)")
        }
    }

    /// The GRDB writer pool (one writer, concurrent readers), opened on first use.
    var pool: DatabasePool {
        get throws(StoreError) {
            try writer.withLock { (opened: inout DatabasePool?) throws(StoreError) -> DatabasePool in
                if let opened { return opened }
                let pool = try Self.openPool(path: path, access: access, cacheKiB: writerCacheKiB)
                opened = pool
                return pool
            }
        }
    }

    /// Runs `change` in one write transaction; `change` appends its audit entry through
    /// ``AuditLog/append(_:at:actor:action:subject:details:)``.
    func write<T>(_ change: (Database) throws -> T) throws(StoreError) -> T {
        let pool = try pool
        do {
            return try pool.write { db in try change(db) }
        } catch {
            throw StoreError.wrapping(error, "database write failed")
        }
    }

    /// Reads a consistent snapshot.
    func read<T>(_ query: (Database) throws -> T) throws(StoreError) -> T {
        do {
            guard let connection = try takeReader() else { return try pool.read { db in try query(db) } }
            defer { returnReader(connection) }
            return try connection.read { db in try query(db) }
        } catch {
            throw StoreError.wrapping(error, "database read failed")
        }
    }

    /// Reads a consistent snapshot without blocking the caller's thread (the daemon's path).
    func read<T: Sendable>(_ query: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            guard let connection = try takeReader() else { return try await pool.read { db in try query(db) } }
            defer { returnReader(connection) }
            return try await connection.read { db in try query(db) }
        } catch {
            throw StoreError.wrapping(error, "database read failed")
        }
    }

    /// One write transaction without blocking the caller's thread (the daemon's path).
    func write<T: Sendable>(_ change: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let pool = try pool
        do {
            return try await pool.write { db in try change(db) }
        } catch {
            throw StoreError.wrapping(error, "database write failed")
        }
    }

    /// Now, as stored: UTC, ISO-8601 with milliseconds.
    func now() -> String { Timestamps.format(clock()) }
}

/// Who may open the database file: its owner, and a configured group.
struct FileAccess: Sendable {
    var group: String?

    /// Creates `path` (and its directory) empty with mode 0600, or 0660 and `group`, unless it
    /// exists; SQLite then opens it and creates `-wal` and `-shm` with the same mode.
    func create(_ path: String) throws(StoreError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.io("cannot create the directory of \(path): \(error.localizedDescription)")
        }
        guard !FileManager.default.fileExists(atPath: path) else { return }
        var groupID: gid_t?
        if let group {
            guard let entry = getgrnam(group) else { throw StoreError.io("db_group \"\(group)\" is not a group on this machine") }
            groupID = entry.pointee.gr_gid
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, groupID == nil ? 0o600 : 0o660)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }
            throw StoreError.io("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // The mode given to open() is masked by the umask; set it exactly.
        _ = fchmod(descriptor, groupID == nil ? 0o600 : 0o660)
        if let groupID, fchown(descriptor, uid_t.max, groupID) != 0 {
            throw StoreError.io("cannot give \(path) to group \(group ?? ""): \(String(cString: strerror(errno)))")
        }
    }
}

/// A failure of the store, mapped by the executables to exit codes.
public enum StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The database could not be opened, read or written (exit 74).
    case io(String)
    /// The request conflicts with what is stored (exit 65).
    case refused(String)
    /// A stored value is not one this version understands (exit 70): never read as a default.
    case corrupt(String)

    public var description: String {
        switch self {
        case let .io(message), let .refused(message), let .corrupt(message): message
        }
    }

    static func wrapping(_ error: any Error, _ context: String) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as RowDecodingError: .corrupt("a stored value cannot be read: \(error)")
        case let error as DecodingError: .corrupt("a stored value cannot be read: \(error)")
        default: .io("\(context): \(error)")
        }
    }
}

/// Instants as stored: UTC, ISO-8601 with milliseconds.
public enum Timestamps {
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// Reads an instant as stored (with or without milliseconds).
    public static func parse(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }
}
