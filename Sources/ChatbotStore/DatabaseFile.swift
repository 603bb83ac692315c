#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The file system around a database file: its folders, its permissions and the durability of
/// its directory entry.
enum DatabaseFile {
    /// Whether `path` names a private in-memory (`":memory:"`) or temporary (`""`) database,
    /// which has no file of its own.
    static func isFileless(_ path: String) -> Bool { path.isEmpty || path == ":memory:" }

    /// Creates the missing parent folders of `path` and, when the file does not exist, an empty
    /// file with mode 0600: the database holds the bots' keys, and SQLite gives its `-wal` and
    /// `-shm` files the mode of the database file.
    ///
    /// - Returns: The directories whose entries changed (the parents of whatever was created),
    ///   to pass to ``syncDirectories(_:)`` once the database is set up.
    static func prepare(_ path: String) throws(StoreError) -> [String] {
        var changed: [String] = []
        let components = path.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        // "" stands for the working directory, so that relative paths stay as they were written.
        var directory = path.hasPrefix("/") ? "/" : ""
        for component in components {
            let next =
                directory.isEmpty ? String(component) : directory == "/" ? "/\(component)" : "\(directory)/\(component)"
            if mkdir(next, 0o755) == 0 {
                changed.append(directory.isEmpty ? "." : directory)
            } else if errno != EEXIST {
                throw StoreError(.cannotOpen, "cannot create the folder \(next): \(lastErrorDescription())")
            }
            directory = next
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
            changed.append(directory.isEmpty ? "." : directory)
        } else if errno != EEXIST {
            throw StoreError(.cannotOpen, "cannot create the database file \(path): \(lastErrorDescription())")
        }
        return changed
    }

    /// Flushes the entries of `directories` to disk, so that a newly created file or folder
    /// survives a power failure, not only a crash of the process.
    static func syncDirectories(_ directories: [String]) throws(StoreError) {
        for directory in directories {
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw StoreError(.ioFailure, "cannot open the folder \(directory): \(lastErrorDescription())")
            }
            defer { close(fd) }
            guard fsync(fd) == 0 else {
                throw StoreError(.ioFailure, "cannot sync the folder \(directory): \(lastErrorDescription())")
            }
        }
    }

    private static func lastErrorDescription() -> String {
        String(cString: strerror(errno))
    }
}
