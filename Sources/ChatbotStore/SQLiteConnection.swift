internal import CSQLite

/// One SQLite connection (`sqlite3 *`) and its cache of prepared statements.
///
/// The connection is opened in multi-thread mode (`SQLITE_OPEN_NOMUTEX`): SQLite does not lock
/// it, so its owner must. Each SQL text is prepared once, on first use, and kept until `deinit`.
///
/// - Important: Not thread-safe: one caller at a time (``SQLiteStore`` keeps it behind a
///   `Mutex`). Its statements never escape it; `deinit` finalizes them and then closes the
///   connection, which checkpoints the WAL when it is the last connection to the file.
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (and creates, when missing) the database at `path`, with extended result codes.
    ///
    /// - Parameters:
    ///   - path: A file name, `":memory:"` for a private in-memory database, or `""` for a
    ///     private temporary one.
    ///   - busyTimeoutMilliseconds: How long a call waits for another connection's lock before it
    ///     fails with `SQLITE_BUSY`.
    init(path: String, busyTimeoutMilliseconds: Int32) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            // SQLite usually returns a handle even on failure: it holds the message and must be closed.
            let error = SQLiteError("sqlite3_open_v2", resultCode: rc, connection: handle)
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        // From here on, a throw runs deinit, which closes the handle.
        try check(sqlite3_busy_timeout(handle, busyTimeoutMilliseconds), "sqlite3_busy_timeout")
    }

    deinit {
        // Finalize first: a connection with live statements would stay open as a zombie.
        statements.removeAll()
        let rc = sqlite3_close_v2(handle)
        assert(rc == SQLITE_OK, "sqlite3_close_v2 failed: \(rc)")
    }

    /// Runs `body` with the cached statement for `sql`, preparing it on first use, and resets it
    /// afterwards, whether `body` returned or threw.
    func withStatement<R>(
        _ sql: String,
        _ body: (SQLiteStatement) throws(SQLiteError) -> R
    ) throws(SQLiteError) -> R {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try SQLiteStatement(preparing: sql, connection: handle)
            statements[sql] = statement
        }
        defer { statement.reset() }
        return try body(statement)
    }

    /// Runs SQL text from this module's code, which may hold several statements, once, without
    /// caching it: migrations and transaction control. Never pass it text built from input.
    func execute(_ sql: String) throws(SQLiteError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), "sqlite3_exec")
    }

    /// The single value of a one-row query from this module's code (a PRAGMA), as text, without caching it.
    func text(of sql: String) throws(SQLiteError) -> String {
        let statement = try SQLiteStatement(preparing: sql, connection: handle)
        guard try statement.step() else {
            throw SQLiteError(function: "sqlite3_step", resultCode: SQLITE_MISMATCH, message: "\(sql) returned no row")
        }
        let value = try statement.text(at: 0)
        try statement.run()
        return value
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`, which waits for the write lock up to
    /// the busy timeout) and commits it; rolls back when `body` or the commit throws.
    func withTransaction<R>(_ body: () throws(SQLiteError) -> R) throws(SQLiteError) -> R {
        try execute("BEGIN IMMEDIATE")
        do throws(SQLiteError) {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // After some errors SQLite has already rolled back; then there is nothing left to undo.
            if sqlite3_get_autocommit(handle) == 0 {
                _ = try? execute("ROLLBACK")
            }
            throw error
        }
    }

    /// How many statements the cache holds.
    var cachedStatementCount: Int { statements.count }

    /// The rowid of the last successful INSERT on this connection.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// How many rows the last INSERT, UPDATE or DELETE on this connection changed.
    var changedRowCount: Int64 { sqlite3_changes64(handle) }

    private func check(_ rc: Int32, _ function: String) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw SQLiteError(function, resultCode: rc, connection: handle) }
    }
}
