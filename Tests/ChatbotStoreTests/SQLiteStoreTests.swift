import ChatbotEngine
import ChatbotStore
import Foundation
import Testing

@Suite struct SQLiteStoreTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    @Test func opensInMemoryWithTheLatestSchema() throws {
        let store = try SQLiteStore(path: ":memory:")
        #expect(store.appliedMigrations == SQLiteMigration.all.map(\.version))
        #expect(try store.schemaVersion() == SQLiteStore.latestSchemaVersion)
        #expect(try store.bots().isEmpty)
        #expect(try store.bot(token: "nobody") == nil)
    }

    @Test func addsAndLooksUpBots() throws {
        let store = try SQLiteStore(path: ":memory:", now: { 1_700_000_000_123 })
        let first = try store.addBot(name: "FAQ", appID: "wx1", token: "tokenA", encodingAESKey: Self.key)
        let second = try store.addBot(
            name: "Unapproved",
            appID: "wx2",
            token: "tokenB",
            encodingAESKey: Self.key,
            approved: false
        )
        #expect(
            first
                == Bot(
                    id: first.id,
                    name: "FAQ",
                    appID: "wx1",
                    token: "tokenA",
                    encodingAESKey: Self.key,
                    approved: true,
                    createdAt: 1_700_000_000_123
                )
        )
        #expect(!second.approved)
        #expect(second.id > first.id)
        #expect(try store.bots() == [first, second])
        #expect(try store.bot(token: "tokenA") == first)
        #expect(try store.bot(token: "tokenB") == second)
        #expect(try store.bot(token: "tokena") == nil)
        #expect(try store.bot(token: "") == nil)
    }

    @Test func preparesEachStatementOnce() throws {
        let store = try SQLiteStore(path: ":memory:")
        _ = try store.schemaVersion()
        for n in 0..<50 {
            _ = try store.addBot(name: "n", appID: "wx", token: "t\(n)", encodingAESKey: Self.key)
            _ = try store.bot(token: "t\(n)")
            _ = try store.bots()
        }
        _ = try? store.addBot(name: "n", appID: "wx", token: "t0", encodingAESKey: Self.key)
        // PRAGMA user_version, INSERT, SELECT by token, SELECT all.
        #expect(store._testOnly_cachedStatementCount() == 4)
    }

    @Test(arguments: ["", "你好，机器人", "😀👍🏽", "a\u{0}b", "quote ' and \" and ; DROP TABLE bots; --"])
    func keepsTextExactly(text: String) throws {
        let store = try SQLiteStore(path: ":memory:")
        let bot = try store.addBot(name: text, appID: text, token: "t" + text, encodingAESKey: text)
        #expect(try store.bot(token: "t" + text) == bot)
        #expect(try store.bots() == [bot])
        #expect(bot.name == text)
    }

    @Test func refusesADuplicateTokenAndKeepsTheFirstBot() throws {
        let store = try SQLiteStore(path: ":memory:")
        let first = try store.addBot(name: "one", appID: "wx1", token: "same", encodingAESKey: Self.key)
        let error = #expect(throws: StoreError.self) {
            try store.addBot(name: "two", appID: "wx2", token: "same", encodingAESKey: Self.key)
        }
        #expect(error?.code == .duplicateToken)
        #expect(error?.message == "a bot with this token already exists")
        #expect((error?.cause as? SQLiteError)?.resultCode == 2067)
        #expect(try store.bots() == [first])
        // The cached statement was reset after the failure and works again.
        let other = try store.addBot(name: "two", appID: "wx2", token: "other", encodingAESKey: Self.key)
        #expect(try store.bots() == [first, other])
    }

    @Test func keepsDataInAFileAcrossReopeningAndMigratesOnce() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/nested/folders/chatbot.db"
            let added: Bot
            do {
                let store = try SQLiteStore(path: path)
                #expect(store.appliedMigrations == SQLiteMigration.all.map(\.version))
                added = try store.addBot(name: "kept", appID: "wx1", token: "tok", encodingAESKey: Self.key)
                // WAL mode: the write went to the -wal file next to the database.
                #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            }
            let reopened = try SQLiteStore(path: path)
            #expect(reopened.appliedMigrations.isEmpty)
            #expect(try reopened.schemaVersion() == SQLiteStore.latestSchemaVersion)
            #expect(try reopened.bots() == [added])
            #expect(try reopened.bot(token: "tok") == added)
        }
    }

    @Test func createsTheFileReadableByItsOwnerOnly() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let store = try SQLiteStore(path: path)
            _ = try store.addBot(name: "n", appID: "wx1", token: "t", encodingAESKey: Self.key)
            for file in [path, path + "-wal", path + "-shm"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: file)
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(file)")
            }
        }
    }

    @Test func narrowsAnExistingFileOpenToOthersAndItsWALAndSHM() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let manager = FileManager.default
            // A copy of a live database (its committed bot still in the WAL), made with modes open
            // to others, as a `cp` or a restore under umask 022 or 002 leaves it. Non-empty -wal
            // and -shm: SQLite itself gives an empty one the database's mode.
            do {
                let live = try SQLiteStore(path: "\(directory)/live.db")
                _ = try live.addBot(name: "n", appID: "wx1", token: "t", encodingAESKey: Self.key)
                for (suffix, mode) in [("", 0o644), ("-wal", 0o664), ("-shm", 0o666)] {
                    try manager.copyItem(atPath: "\(directory)/live.db" + suffix, toPath: path + suffix)
                    try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: path + suffix)
                }
            }

            let store = try SQLiteStore(path: path)
            #expect(
                Set(store.fileModeRepairs) == [
                    FileModeRepair(path: path, foundMode: 0o644, failure: nil),
                    FileModeRepair(path: path + "-wal", foundMode: 0o664, failure: nil),
                    FileModeRepair(path: path + "-shm", foundMode: 0o666, failure: nil),
                ]
            )
            #expect(store.fileModeRepairs.map(\.mode) == [0o600, 0o600, 0o600])
            #expect(try store.bots().map(\.token) == ["t"])
            _ = try store.addBot(name: "m", appID: "wx2", token: "u", encodingAESKey: Self.key)
            for file in [path, path + "-wal", path + "-shm"] {
                let attributes = try manager.attributesOfItem(atPath: file)
                #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(file)")
            }
            // A second opener finds nothing left to narrow.
            #expect(try SQLiteStore(path: path).fileModeRepairs.isEmpty)
        }
    }

    @Test func appliesOnlyNewMigrationsInOrder() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            _ = try SQLiteStore(path: path).addBot(name: "n", appID: "wx1", token: "t", encodingAESKey: Self.key)

            let next = SQLiteStore.latestSchemaVersion + 1
            let extended =
                SQLiteMigration.all + [
                    SQLiteMigration(version: next, sql: "CREATE TABLE extra (x INTEGER);"),
                    SQLiteMigration(
                        version: next + 1,
                        sql: "ALTER TABLE extra ADD COLUMN y TEXT; CREATE INDEX extra_y ON extra (y);"
                    ),
                ]
            let migrated = try SQLiteStore._testOnly_open(path: path, migrations: extended)
            #expect(migrated.appliedMigrations == [next, next + 1])
            #expect(try migrated.schemaVersion() == next + 1)
            #expect(try migrated.bots().map(\.token) == ["t"])
            // Running them again would fail (the table exists): they are not run again.
            #expect(try SQLiteStore._testOnly_open(path: path, migrations: extended).appliedMigrations.isEmpty)
        }
    }

    @Test func refusesADatabaseFromANewerProgram() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let next = SQLiteStore.latestSchemaVersion + 1
            let newer = SQLiteMigration.all + [SQLiteMigration(version: next, sql: "CREATE TABLE extra (x INTEGER);")]
            _ = try SQLiteStore._testOnly_open(path: path, migrations: newer)
            let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.message.contains("schema version \(next)") == true)
        }
    }

    @Test func rollsBackAFailedMigrationEntirely() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let next = SQLiteStore.latestSchemaVersion + 1
            let broken =
                SQLiteMigration.all + [
                    SQLiteMigration(
                        version: next,
                        sql: "CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);"
                    )
                ]
            let error = #expect(throws: StoreError.self) {
                try SQLiteStore._testOnly_open(path: path, migrations: broken)
            }
            #expect(error?.code == .migrationFailed)
            #expect(error?.message == "schema migration \(next) failed and was rolled back")
            #expect((error?.cause as? SQLiteError)?.message.contains("no such table: nowhere") == true)

            // The earlier migrations went with it: one transaction for all.
            let store = try SQLiteStore._testOnly_open(path: path, migrations: [])
            #expect(try store.schemaVersion() == 0)
            // CREATE TABLE extra was undone, or it would fail now.
            let fixed = SQLiteMigration.all + [SQLiteMigration(version: next, sql: "CREATE TABLE extra (x INTEGER);")]
            #expect(
                try SQLiteStore._testOnly_open(path: path, migrations: fixed).appliedMigrations
                    == SQLiteMigration.all.map(\.version) + [next]
            )
        }
    }

    @Test func seesWritesOfAnotherConnectionToTheSameFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let server = try SQLiteStore(path: path)
            let tool = try SQLiteStore(path: path)
            let added = try tool.addBot(name: "from the tool", appID: "wx1", token: "t1", encodingAESKey: Self.key)
            #expect(try server.bot(token: "t1") == added)
            let error = #expect(throws: StoreError.self) {
                try server.addBot(name: "again", appID: "wx1", token: "t1", encodingAESKey: Self.key)
            }
            #expect(error?.code == .duplicateToken)
        }
    }

    @Test func servesConcurrentCallersOnSharedFiles() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            // Two connections to one file, as chatbotd and chatbotctl: writers wait for the lock.
            let stores = [try SQLiteStore(path: path), try SQLiteStore(path: path)]
            let tasks = 8
            let perTask = 25
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        let store = stores[task % stores.count]
                        for n in 0..<perTask {
                            let token = "task\(task)bot\(n)"
                            let bot = try store.addBot(name: token, appID: "wx", token: token, encodingAESKey: Self.key)
                            #expect(try store.bot(token: token) == bot)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let bots = try stores[0].bots()
            #expect(bots.count == tasks * perTask)
            #expect(Set(bots.map(\.id)).count == bots.count)
            #expect(bots.map(\.id) == bots.map(\.id).sorted())
        }
    }

    @Test func reportsAFileThatIsNotADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/not-a.db"
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
            #expect(error?.code == .corrupt)
            #expect(error?.description.contains("file is not a database") == true)
        }
    }

    @Test func reportsAPathThatCannotBeCreated() async throws {
        try await withTemporaryDirectory { directory in
            let file = "\(directory)/plain-file"
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            for path in [directory, "\(file)/chatbot.db"] {
                let error = #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
                #expect(error?.code == .cannotOpen, "\(path)")
            }
        }
    }
}
