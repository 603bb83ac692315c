/// An error from the store: opening it, migrating it, or reading and writing its rows.
///
/// ``code`` says what kind of failure it was, so that callers can react (a duplicate token, an
/// unknown bot or an invalid entry or setting is the caller's mistake, a busy database may be
/// retried, the rest are internal failures); ``message`` names the cause in words; ``cause`` holds
/// the database's own error, for logs only.
package struct StoreError: Error, CustomStringConvertible {
    /// The class of failure. A struct over a private enum, so that new codes can be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case cannotOpen
            case schemaTooNew
            case migrationFailed
            case duplicateToken
            case unknownBot
            case invalidEntry
            case invalidSettings
            case busy
            case cancelled
            case corrupt
            case ioFailure
            case databaseFailure
        }

        private var wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The database (or the folder that should hold it) could not be opened or created.
        package static let cannotOpen = Self(.cannotOpen)
        /// The database was written by a newer version of this program, with migrations it does not know.
        package static let schemaTooNew = Self(.schemaTooNew)
        /// A schema migration failed; it was rolled back and the database is as it was.
        package static let migrationFailed = Self(.migrationFailed)
        /// A bot with the same TOKEN already exists.
        package static let duplicateToken = Self(.duplicateToken)
        /// No bot has the given identifier (it was never added, or has been removed).
        package static let unknownBot = Self(.unknownBot)
        /// A knowledge-base entry is not valid (no key, no answer, a threshold outside 0…1, a key
        /// repeated in one call); the message names the entry's key. Nothing was written.
        package static let invalidEntry = Self(.invalidEntry)
        /// Bot settings are out of range (a threshold or ratio outside 0…1, options outside 1–5,
        /// no fallback answer). Nothing was written.
        package static let invalidSettings = Self(.invalidSettings)
        /// Another process held the database lock for longer than the busy timeout; retrying may succeed.
        package static let busy = Self(.busy)
        /// The caller gave up (``SQLiteStore/importEntries(botID:_:replace:isCancelled:)`` found it
        /// cancelled) before the write committed; it was rolled back and nothing was written.
        package static let cancelled = Self(.cancelled)
        /// The file is not a database, or is damaged.
        package static let corrupt = Self(.corrupt)
        /// The operating system failed a read, a write or an fsync, or the disk is full.
        package static let ioFailure = Self(.ioFailure)
        /// Any other failure of the database engine; the cause says which.
        package static let databaseFailure = Self(.databaseFailure)

        package var description: String { String(describing: wrapped) }
    }

    package var code: Code
    package var message: String
    /// The underlying error (a ``SQLiteError`` from SQLite), for logs only; never sent to a client.
    package var cause: (any Error)?

    package init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    package var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
