internal import CChatbotShims.SQLite
internal import CSQLite

/// A failed SQLite call: which function, its (extended) result code and `sqlite3_errmsg`.
///
/// It is the ``StoreError/cause`` of store errors that SQLite reported, for logs only.
package struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failing function, as we called it.
    package var function: String
    /// The extended result code, e.g. 2067 (`SQLITE_CONSTRAINT_UNIQUE`).
    package var resultCode: Int32
    /// `sqlite3_errmsg` right after the failure, or `sqlite3_errstr` when there was no connection.
    package var message: String

    package init(function: String, resultCode: Int32, message: String) {
        self.function = function
        self.resultCode = resultCode
        self.message = message
    }

    package var description: String { "\(function): \(message) [\(resultCode)]" }

    /// The error of the last failed call on `connection`, which must be the call that returned `resultCode`.
    init(_ function: String, resultCode: Int32, connection: OpaquePointer?) {
        let message =
            if let connection, let text = sqlite3_errmsg(connection) {
                String(cString: text)
            } else {
                String(cString: sqlite3_errstr(resultCode))
            }
        self.init(function: function, resultCode: resultCode, message: message)
    }

    /// The primary result code (`SQLITE_CONSTRAINT` for `SQLITE_CONSTRAINT_UNIQUE`).
    var primaryResultCode: Int32 { resultCode & 0xff }

    /// Whether a UNIQUE constraint on `column` (written `table.column`, as SQLite names it) failed.
    func isUniqueViolation(of column: String) -> Bool {
        resultCode == cchatbot_sqlite3_constraint_unique() && message.hasSuffix(": \(column)")
    }
}

extension StoreError {
    /// A store error for a failed SQLite call, classified by its result code.
    ///
    /// - Parameters:
    ///   - error: What SQLite reported; it becomes the ``cause``.
    ///   - message: What the store was doing, e.g. "cannot add the bot".
    init(_ error: SQLiteError, _ message: String) {
        let code: Code
        switch error.primaryResultCode {
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_INTERRUPT: code = .cancelled
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
        case SQLITE_IOERR, SQLITE_FULL: code = .ioFailure
        case SQLITE_CANTOPEN, SQLITE_PERM: code = .cannotOpen
        default: code = .databaseFailure
        }
        self.init(code, message, cause: error)
    }
}

extension SQLiteError {
    /// What a write's transaction throws, to be rolled back, when its caller has given up.
    static let cancelledBeforeCommit = SQLiteError(
        function: "COMMIT",
        resultCode: SQLITE_INTERRUPT,
        message: "the caller gave up before the write committed"
    )
}
