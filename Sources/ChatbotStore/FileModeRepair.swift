/// A file of a SQLite database (the database, or its `-wal` or `-shm` file) that was open to
/// other users than its owner when the store opened, and what became of it.
///
/// ``SQLiteStore`` narrows such a file to its owner's permission bits (0600 for a file it
/// created) before SQLite opens it; the programs that open the store report each repair.
package struct FileModeRepair: Sendable, Hashable {
    /// The file's path.
    package var path: String
    /// Its permission bits as found (0644, say); nil when they could not be read.
    package var foundMode: UInt32?
    /// Why the file could not be read or narrowed (the system's message); nil when it was narrowed.
    package var failure: String?

    package init(path: String, foundMode: UInt32?, failure: String?) {
        self.path = path
        self.foundMode = foundMode
        self.failure = failure
    }

    /// The permission bits it has now: the owner's alone when it was narrowed, else as found.
    package var mode: UInt32? {
        guard let foundMode else { return nil }
        return failure == nil ? foundMode & 0o700 : foundMode
    }

    /// `mode` as an octal literal, `0644`.
    package static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
