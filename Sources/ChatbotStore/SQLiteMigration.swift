/// One step of the SQLite schema, kept in code and applied once, in order.
///
/// A database records the version of the last migration applied to it in `PRAGMA user_version`
/// (0 for a new file). Opening a store applies every later migration, all in one transaction, so
/// that a failure leaves the file as it was. Migrations are never edited once released: a change
/// is a new migration with the next version.
package struct SQLiteMigration: Sendable {
    /// 1 for the first migration, then one more for each.
    package var version: Int32
    /// The statements, separated by semicolons.
    package var sql: String

    package init(version: Int32, sql: String) {
        self.version = version
        self.sql = sql
    }

    /// Every migration of this version of the program, oldest first.
    package static let all: [SQLiteMigration] = [
        SQLiteMigration(
            version: 1,
            sql: """
                CREATE TABLE bots (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    appid TEXT NOT NULL,
                    token TEXT NOT NULL UNIQUE,
                    encoding_aes_key TEXT NOT NULL,
                    approved INTEGER NOT NULL DEFAULT 1 CHECK (approved IN (0, 1)),
                    created_at INTEGER NOT NULL
                ) STRICT;
                """
        )
    ]
}
