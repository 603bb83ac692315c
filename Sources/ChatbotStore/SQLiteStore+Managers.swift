extension SQLiteStore {
    private static let insertManager = """
        INSERT INTO managers (bot_id, managerid, created_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (bot_id, managerid) DO NOTHING
        """
    private static let selectBot = "SELECT 1 FROM bots WHERE id = ?1"
    private static let selectManager = "SELECT 1 FROM managers WHERE bot_id = ?1 AND managerid = ?2"
    private static let selectManagers = "SELECT managerid FROM managers WHERE bot_id = ?1 ORDER BY managerid"

    /// Lets `managerID` make management calls for a bot, and commits before returning.
    ///
    /// - Returns: Whether it was added; false when the bot already had this manager.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/invalidSettings`` for an empty
    ///   managerid, ``StoreError/Code-swift.struct/unknownBot`` when no bot has `botID`.
    package func addManager(botID: Int64, managerID: String) throws(StoreError) -> Bool {
        guard !managerID.isEmpty else { throw StoreError(.invalidSettings, "the managerid is empty") }
        let createdAt = currentTime()
        let added = try withConnection("cannot add the manager") { connection throws(SQLiteError) -> Bool? in
            try connection.withTransaction { () throws(SQLiteError) -> Bool? in
                let botExists = try connection.withStatement(Self.selectBot) { statement throws(SQLiteError) in
                    try statement.bind(botID, at: 1)
                    return try statement.step()
                }
                guard botExists else { return nil }
                try connection.withStatement(Self.insertManager) { statement throws(SQLiteError) in
                    try statement.bind(botID, at: 1)
                    try statement.bind(managerID, at: 2)
                    try statement.bind(createdAt, at: 3)
                    try statement.run()
                }
                return connection.changedRowCount > 0
            }
        }
        guard let added else { throw StoreError(.unknownBot, "no bot has the id \(botID)") }
        return added
    }

    /// Whether `managerID` is one of a bot's managers.
    package func isManager(botID: Int64, managerID: String) throws(StoreError) -> Bool {
        try withConnection("cannot look up the manager") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectManager) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(managerID, at: 2)
                return try statement.step()
            }
        }
    }

    /// A bot's managers, sorted.
    package func managers(botID: Int64) throws(StoreError) -> [String] {
        try withConnection("cannot list the managers") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectManagers) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                var managers: [String] = []
                while try statement.step() { managers.append(try statement.text(at: 0)) }
                return managers
            }
        }
    }
}
