internal import CSQLite
import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The store on one SQLite file: the default deployment's database.
///
/// Opening a store opens (and creates, with its folders, when missing) the file, narrows it (and
/// its `-wal` and `-shm`) to its owner when others may read it (``fileModeRepairs``), puts it in WAL
/// mode with `synchronous=FULL` and foreign keys on, and applies the schema migrations it lacks
/// (``SQLiteMigration``). Several processes may share the file, `chatbotd` and `chatbotctl` for
/// example: a call waits up to ``busyTimeoutMilliseconds`` for another process's write lock.
///
/// **Durability.** Every write method commits before it returns, and with WAL and
/// `synchronous=FULL` a commit is on disk (the WAL is fsynced) by then: a write acknowledged to
/// the caller survives a crash of the process or of the machine.
///
/// **Threads.** The store is `Sendable`: its one connection sits behind a `Mutex`, so calls from
/// several threads run one at a time. Every call blocks its thread on SQLite and on disk I/O (an
/// fsync per write, a lock wait up to the busy timeout). Callers on an event loop or in the
/// cooperative pool must hop to a thread pool first (for example `NIOThreadPool.runIfActive`).
///
/// The connection is closed, and the WAL checkpointed into the file when it was the last one,
/// when the store is released.
package final class SQLiteStore: Sendable {
    /// How long a call waits for another connection's lock before failing with ``StoreError/Code-swift.struct/busy``.
    package static let busyTimeoutMilliseconds: Int32 = 5000

    /// The version of the newest migration this program knows.
    package static var latestSchemaVersion: Int32 { SQLiteMigration.all.last?.version ?? 0 }

    /// The path the store was opened with.
    package let path: String
    /// The versions of the migrations this store applied when it opened, oldest first; empty
    /// when the schema was already current.
    package let appliedMigrations: [Int32]
    /// The files of the database (the database, its `-wal` and `-shm`) that were open to other
    /// users than their owner when the store opened, narrowed to the owner's permission bits
    /// where this process could; empty in the usual case, a file this program created (mode 0600).
    package let fileModeRepairs: [FileModeRepair]

    private let connection: Mutex<SQLiteConnection>
    private let now: @Sendable () -> Int64

    /// Opens or creates the database at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: A file name (relative to the working directory, or absolute), or `":memory:"`
    ///     for a private in-memory database, as tests use.
    ///   - now: The clock for `created_at`, in milliseconds since the epoch.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/cannotOpen`` when the file or its
    ///   folders cannot be created or opened, ``StoreError/Code-swift.struct/schemaTooNew`` when a
    ///   newer program has migrated it, ``StoreError/Code-swift.struct/migrationFailed`` when a
    ///   migration fails (the file is left as it was).
    package convenience init(
        path: String,
        now: @escaping @Sendable () -> Int64 = SQLiteStore.currentTimeMilliseconds
    ) throws(StoreError) {
        try self.init(path: path, migrations: SQLiteMigration.all, now: now)
    }

    /// Opens a store with other migrations than ``SQLiteMigration/all``, for tests of migrating.
    package static func _testOnly_open(path: String, migrations: [SQLiteMigration]) throws(StoreError) -> SQLiteStore {
        try SQLiteStore(path: path, migrations: migrations, now: currentTimeMilliseconds)
    }

    private init(
        path: String,
        migrations: [SQLiteMigration],
        now: @escaping @Sendable () -> Int64
    ) throws(StoreError) {
        for (index, migration) in migrations.enumerated() {
            precondition(migration.version == Int32(index + 1), "migrations must be numbered 1, 2, 3… in order")
        }
        let changedDirectories = DatabaseFile.isFileless(path) ? [] : try DatabaseFile.prepare(path)
        // Before SQLite opens the file: the -wal and -shm files it creates take its mode.
        self.fileModeRepairs = DatabaseFile.isFileless(path) ? [] : DatabaseFile.narrowPermissions(path)

        let connection: SQLiteConnection
        do throws(SQLiteError) {
            connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
        } catch {
            throw StoreError(error, "cannot open the database at \(path)")
        }
        try Self.configure(connection, path: path)
        self.appliedMigrations = try Self.migrate(connection, to: migrations)
        try DatabaseFile.syncDirectories(changedDirectories)

        self.path = path
        self.now = now
        self.connection = Mutex(connection)
    }

    /// The schema version recorded in the file (`PRAGMA user_version`).
    package func schemaVersion() throws(StoreError) -> Int32 {
        try withConnection("cannot read the schema version") { connection throws(SQLiteError) in
            try Self.userVersion(connection)
        }
    }

    /// How many prepared statements the connection keeps, for tests that calls reuse them.
    package func _testOnly_cachedStatementCount() -> Int {
        connection.withLock { $0.cachedStatementCount }
    }

    /// Runs `body` inside a write transaction on this store's connection, holding the database's
    /// write lock meanwhile, for tests of writers that wait for it. Writes nothing.
    package func _testOnly_holdingWriteLock(_ body: () -> Void) throws(StoreError) {
        try withConnection("cannot take the write lock") { connection throws(SQLiteError) in
            try connection.withTransaction { () throws(SQLiteError) in body() }
        }
    }

    /// The current time in milliseconds since the epoch: the default clock.
    package static func currentTimeMilliseconds() -> Int64 {
        var now = timespec()
        // CLOCK_REALTIME with a valid pointer cannot fail.
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Runs `body` with the connection, holding the lock, and turns a SQLite failure into a
    /// ``StoreError`` that says what the store was doing.
    func withConnection<R: Sendable>(
        _ what: String,
        _ body: (SQLiteConnection) throws(SQLiteError) -> R
    ) throws(StoreError) -> R {
        do throws(SQLiteError) {
            return try connection.withLock { connection throws(SQLiteError) in try body(connection) }
        } catch {
            throw StoreError(error, what)
        }
    }

    /// The time for a new row's `created_at`.
    func currentTime() -> Int64 { now() }

    private static func configure(_ connection: SQLiteConnection, path: String) throws(StoreError) {
        do throws(SQLiteError) {
            // WAL lets readers in other processes go on while one writes; an in-memory database
            // answers "memory" and keeps it.
            let mode = try connection.text(of: "PRAGMA journal_mode=WAL")
            guard mode == "wal" || (DatabaseFile.isFileless(path) && mode == "memory") else {
                throw SQLiteError(
                    function: "PRAGMA journal_mode",
                    resultCode: SQLITE_ERROR,
                    message: "the database stayed in journal mode \(mode), not wal"
                )
            }
            // FULL: the WAL is fsynced at every commit, so that a commit survives power loss too
            // (NORMAL would only survive a crash of the process).
            try connection.execute("PRAGMA synchronous=FULL")
            try connection.execute("PRAGMA foreign_keys=ON")
        } catch {
            throw StoreError(error, "cannot configure the database at \(path)")
        }
    }

    /// Applies the migrations the database lacks, in one write transaction.
    ///
    /// - Returns: The versions applied.
    private static func migrate(
        _ connection: SQLiteConnection,
        to migrations: [SQLiteMigration]
    ) throws(StoreError) -> [Int32] {
        let latest = migrations.last?.version ?? 0
        // Most opens find the schema current: check before taking the write lock, which another
        // process may hold.
        let current: Int32
        do throws(SQLiteError) {
            current = try userVersion(connection)
        } catch {
            throw StoreError(error, "cannot read the schema version")
        }
        if current == latest { return [] }
        if current > latest { throw StoreError(.schemaTooNew, schemaTooNewMessage(current, latest)) }

        var failedVersion: Int32?
        let found: Int32
        let applied: [Int32]
        do throws(SQLiteError) {
            (found, applied) = try connection.withTransaction { () throws(SQLiteError) -> (Int32, [Int32]) in
                // Another process may have migrated between the check and the lock.
                let current = try userVersion(connection)
                guard current <= latest else { return (current, []) }
                var applied: [Int32] = []
                for migration in migrations where migration.version > current {
                    failedVersion = migration.version
                    try connection.execute(migration.sql)
                    // PRAGMA takes no bound values; the version is an integer from this code.
                    try connection.execute("PRAGMA user_version = \(migration.version)")
                    applied.append(migration.version)
                }
                return (current, applied)
            }
        } catch {
            let what =
                if let failedVersion {
                    "schema migration \(failedVersion) failed and was rolled back"
                } else {
                    "cannot start the schema migration"
                }
            var storeError = StoreError(error, what)
            if failedVersion != nil, storeError.code == .databaseFailure { storeError.code = .migrationFailed }
            throw storeError
        }
        if found > latest { throw StoreError(.schemaTooNew, schemaTooNewMessage(found, latest)) }
        return applied
    }

    private static func userVersion(_ connection: SQLiteConnection) throws(SQLiteError) -> Int32 {
        try connection.withStatement("PRAGMA user_version") { statement throws(SQLiteError) in
            guard try statement.step() else {
                throw SQLiteError(function: "PRAGMA user_version", resultCode: SQLITE_ERROR, message: "no row")
            }
            return Int32(truncatingIfNeeded: statement.int64(at: 0))
        }
    }

    private static func schemaTooNewMessage(_ current: Int32, _ latest: Int32) -> String {
        "the database has schema version \(current), newer than this program's \(latest): upgrade the program"
    }
}
