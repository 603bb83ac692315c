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

    /// Narrows the database file at `path` and its `-wal` and `-shm` files, those that exist, to
    /// their owner (clearing the group and other permission bits) when they are open to others:
    /// they hold the bots' keys. Run before SQLite opens the file, so that the `-wal` and `-shm`
    /// files it creates take the narrowed mode.
    ///
    /// Narrowing rather than only warning: the process that opens the store is the one that needs
    /// the file, and it goes on working as before; whoever else could read it could read every
    /// bot's EncodingAESKey. A file this process cannot change (another user's) is left as it is
    /// and reported.
    ///
    /// - Returns: The files that were open to others, and what became of each.
    static func narrowPermissions(_ path: String) -> [FileModeRepair] {
        var repairs: [FileModeRepair] = []
        for file in [path, path + "-wal", path + "-shm"] {
            // O_NONBLOCK: a FIFO put in the database's place must not hang the open.
            let fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else {
                if errno != ENOENT {
                    repairs.append(FileModeRepair(path: file, foundMode: nil, failure: lastErrorDescription()))
                }
                continue
            }
            defer { close(fd) }
            var status = stat()
            guard fstat(fd, &status) == 0 else {
                repairs.append(FileModeRepair(path: file, foundMode: nil, failure: lastErrorDescription()))
                continue
            }
            let mode = UInt32(status.st_mode) & 0o7777
            guard mode & 0o077 != 0 else { continue }
            let failure = fchmod(fd, mode_t(mode & 0o700)) == 0 ? nil : lastErrorDescription()
            repairs.append(FileModeRepair(path: file, foundMode: mode, failure: failure))
        }
        return repairs
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
