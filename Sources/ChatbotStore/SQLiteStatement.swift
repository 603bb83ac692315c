internal import CChatbotShims.SQLite
internal import CSQLite

/// One prepared statement (`sqlite3_stmt *`), prepared once and reused.
///
/// Values are always bound, never spliced into the SQL text. Parameter and column indices are
/// SQLite's: parameters count from 1, columns from 0.
///
/// - Important: Not thread-safe, and it must not outlive the ``SQLiteConnection`` that prepared
///   it: the connection owns it in its statement cache and finalizes it before closing. Use it
///   only inside ``SQLiteConnection/withStatement(_:_:)``, which resets it afterwards.
final class SQLiteStatement {
    private let handle: OpaquePointer

    /// Prepares `sql`, one statement, as a long-lived (`SQLITE_PREPARE_PERSISTENT`) statement.
    init(preparing sql: String, connection: OpaquePointer) throws(SQLiteError) {
        var handle: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let (rc, trailing) = sql.withCString { text in
            let rc = sqlite3_prepare_v3(connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, &tail)
            // Anything after the first statement would be silently ignored: refuse it instead.
            let trailing = tail.map { String(cString: $0).contains { !$0.isWhitespace } } ?? false
            return (rc, trailing)
        }
        guard rc == SQLITE_OK, let handle else {
            // On failure SQLite sets the handle to NULL; a statement that is only a comment gives
            // SQLITE_OK with a NULL handle.
            sqlite3_finalize(handle)
            throw SQLiteError(
                "sqlite3_prepare_v3",
                resultCode: rc == SQLITE_OK ? SQLITE_MISUSE : rc,
                connection: connection
            )
        }
        guard !trailing else {
            sqlite3_finalize(handle)
            throw SQLiteError(
                function: "sqlite3_prepare_v3",
                resultCode: SQLITE_MISUSE,
                message: "more than one statement"
            )
        }
        self.handle = handle
    }

    deinit {
        // The return value repeats the last step's error, which was reported then.
        sqlite3_finalize(handle)
    }

    /// Steps once.
    ///
    /// - Returns: `true` when a row is ready, `false` when the statement has finished; for a
    ///   write outside an explicit transaction, `false` means that it has been committed.
    /// - Throws: ``SQLiteError`` with the statement's error.
    func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError("sqlite3_step", resultCode: rc, connection: sqlite3_db_handle(handle))
        }
    }

    /// Steps a statement that returns no rows (or whose rows are not wanted) to its end.
    func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Readies the statement for its next use: rewinds it and drops its bound values.
    ///
    /// A statement left unreset would keep its read transaction open and its bound copies alive.
    func reset() {
        // sqlite3_reset repeats the error of the last step, which was reported then;
        // sqlite3_clear_bindings always succeeds.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `value` as UTF-8 text; SQLite copies the bytes (`SQLITE_TRANSIENT`).
    func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        var value = value
        let rc = value.withUTF8 { bytes in
            // A NULL pointer would bind SQL NULL, and an empty buffer may have no base address.
            withUnsafePointer(to: CChar(0)) { empty in
                let text = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? empty
                return sqlite3_bind_text64(
                    handle,
                    index,
                    text,
                    UInt64(bytes.count),
                    cchatbot_sqlite3_transient(),
                    UInt8(SQLITE_UTF8)
                )
            }
        }
        try check(rc, "sqlite3_bind_text64")
    }

    /// Binds `value` as an integer.
    func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value), "sqlite3_bind_int64")
    }

    /// Binds `value` as a real number.
    func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, index, value), "sqlite3_bind_double")
    }

    /// Binds `value` as a real number, or SQL NULL when it is `nil`.
    func bind(_ value: Double?, at index: Int32) throws(SQLiteError) {
        if let value {
            try bind(value, at: index)
        } else {
            try check(sqlite3_bind_null(handle, index), "sqlite3_bind_null")
        }
    }

    /// The integer in `column` of the current row.
    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The real number in `column` of the current row.
    func double(at column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// The real number in `column` of the current row, or `nil` when it is NULL.
    func optionalDouble(at column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    /// Lends `body` the UTF-8 bytes of the text in `column` of the current row, without copying
    /// them into a `String`; NULL lends an empty buffer.
    ///
    /// The bytes belong to SQLite and stay valid only until the statement steps, resets or reads
    /// the column as another type: `body` must not keep them.
    func withTextBytes<R>(
        at column: Int32,
        _ body: (UnsafeRawBufferPointer) throws(SQLiteError) -> R
    ) throws(SQLiteError) -> R {
        let text = sqlite3_column_text(handle, column)
        if text == nil && sqlite3_column_type(handle, column) != SQLITE_NULL {
            throw SQLiteError("sqlite3_column_text", resultCode: SQLITE_NOMEM, connection: nil)
        }
        // Read the length after the text: sqlite3_column_text may convert the value first.
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: text, count: text == nil ? 0 : count))
    }

    /// The text in `column` of the current row, which must not be NULL.
    func text(at column: Int32) throws(SQLiteError) -> String {
        guard let text = sqlite3_column_text(handle, column) else {
            if sqlite3_column_type(handle, column) == SQLITE_NULL {
                throw SQLiteError(
                    function: "sqlite3_column_text",
                    resultCode: SQLITE_MISMATCH,
                    message: "column \(column) is NULL"
                )
            }
            throw SQLiteError("sqlite3_column_text", resultCode: SQLITE_NOMEM, connection: nil)
        }
        // Read the length after the text: sqlite3_column_text may convert the value first.
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    private func check(_ rc: Int32, _ function: String) throws(SQLiteError) {
        guard rc == SQLITE_OK else {
            throw SQLiteError(function, resultCode: rc, connection: sqlite3_db_handle(handle))
        }
    }
}
