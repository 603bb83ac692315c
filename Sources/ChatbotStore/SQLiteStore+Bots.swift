package import ChatbotEngine

extension SQLiteStore {
    private static let botColumns = "id, name, appid, token, encoding_aes_key, approved, created_at"
    private static let insertBot = """
        INSERT INTO bots (name, appid, token, encoding_aes_key, approved, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """
    private static let selectBots = "SELECT \(botColumns) FROM bots ORDER BY id"
    private static let selectBotByToken = "SELECT \(botColumns) FROM bots WHERE token = ?1"

    /// Adds a bot and commits it before returning.
    ///
    /// The store does not check the credentials' formats; callers do (`chatbotctl bots add` validates
    /// the EncodingAESKey with `EnvelopeCipher`).
    ///
    /// - Parameters:
    ///   - name: The bot's display name.
    ///   - appID: The appid its envelopes carry.
    ///   - token: The TOKEN that selects it; unique among bots.
    ///   - encodingAESKey: Its 43-character EncodingAESKey.
    ///   - approved: Whether it may answer dialogue calls.
    /// - Returns: The bot as stored, with its new ``Bot/id`` and ``Bot/createdAt``.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/duplicateToken`` when a bot
    ///   already has `token`.
    package func addBot(
        name: String,
        appID: String,
        token: String,
        encodingAESKey: String,
        approved: Bool = true
    ) throws(StoreError) -> Bot {
        let createdAt = currentTime()
        do {
            return try withConnection("cannot add the bot") { connection throws(SQLiteError) in
                try connection.withStatement(Self.insertBot) { statement throws(SQLiteError) in
                    try statement.bind(name, at: 1)
                    try statement.bind(appID, at: 2)
                    try statement.bind(token, at: 3)
                    try statement.bind(encodingAESKey, at: 4)
                    try statement.bind(approved ? 1 : 0, at: 5)
                    try statement.bind(createdAt, at: 6)
                    // Outside a transaction the INSERT commits when it finishes.
                    try statement.run()
                }
                return Bot(
                    id: connection.lastInsertRowID,
                    name: name,
                    appID: appID,
                    token: token,
                    encodingAESKey: encodingAESKey,
                    approved: approved,
                    createdAt: createdAt
                )
            }
        } catch let error where (error.cause as? SQLiteError)?.isUniqueViolation(of: "bots.token") == true {
            throw StoreError(.duplicateToken, "a bot with this token already exists", cause: error.cause)
        }
    }

    /// Every bot, in the order they were added.
    package func bots() throws(StoreError) -> [Bot] {
        try withConnection("cannot list the bots") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectBots) { statement throws(SQLiteError) in
                var bots: [Bot] = []
                while try statement.step() {
                    bots.append(try Self.bot(at: statement))
                }
                return bots
            }
        }
    }

    /// The bot that `token` selects, or `nil` when none does.
    package func bot(token: String) throws(StoreError) -> Bot? {
        try withConnection("cannot look up the bot") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectBotByToken) { statement throws(SQLiteError) in
                try statement.bind(token, at: 1)
                guard try statement.step() else { return nil }
                return try Self.bot(at: statement)
            }
        }
    }

    /// The bot in the current row of a statement that selects ``botColumns``.
    private static func bot(at statement: SQLiteStatement) throws(SQLiteError) -> Bot {
        Bot(
            id: statement.int64(at: 0),
            name: try statement.text(at: 1),
            appID: try statement.text(at: 2),
            token: try statement.text(at: 3),
            encodingAESKey: try statement.text(at: 4),
            approved: statement.int64(at: 5) != 0,
            createdAt: statement.int64(at: 6)
        )
    }
}
