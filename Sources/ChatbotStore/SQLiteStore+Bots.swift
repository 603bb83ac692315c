package import ChatbotEngine

extension SQLiteStore {
    private static let botColumns = """
        id, name, appid, token, encoding_aes_key, approved, created_at, \
        threshold, recommend_ratio, max_options, fallback_answers, recommend_prompt, general_skill, general_answers, \
        webhooks
        """
    private static let insertBot = """
        INSERT INTO bots (
            name, appid, token, encoding_aes_key, approved, created_at,
            threshold, recommend_ratio, max_options, fallback_answers, recommend_prompt, general_skill, general_answers,
            webhooks
        ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
        """
    // Settings are read by the server with the bot, so a change counts as a draft revision: the
    // server's poll of knowledgeBaseRevisions() sees it and reloads the bot.
    private static let updateBotSettings = """
        UPDATE bots SET
            threshold = ?2, recommend_ratio = ?3, max_options = ?4, fallback_answers = ?5, recommend_prompt = ?6,
            general_skill = ?7, general_answers = ?8, webhooks = ?9, draft_revision = draft_revision + 1
        WHERE id = ?1
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
    ///   - settings: Its thresholds and fallback answers; by default this program's defaults.
    /// - Returns: The bot as stored, with its new ``Bot/id`` and ``Bot/createdAt``.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/duplicateToken`` when a bot
    ///   already has `token`, ``StoreError/Code-swift.struct/invalidSettings`` when `settings` are
    ///   out of range.
    package func addBot(
        name: String,
        appID: String,
        token: String,
        encodingAESKey: String,
        approved: Bool = true,
        settings: BotSettings = BotSettings()
    ) throws(StoreError) -> Bot {
        try Self.checkSettings(settings)
        let createdAt = currentTime()
        do {
            return try withConnection("cannot add the bot") { connection throws(SQLiteError) in
                try connection.withStatement(Self.insertBot) { statement throws(SQLiteError) in
                    try statement.bind(name, at: 1)
                    try statement.bind(appID, at: 2)
                    try statement.bind(token, at: 3)
                    try statement.bind(encodingAESKey, at: 4)
                    try statement.bind(Int64(approved ? 1 : 0), at: 5)
                    try statement.bind(createdAt, at: 6)
                    try Self.bind(settings, at: 7, to: statement)
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
                    createdAt: createdAt,
                    settings: settings
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

    /// Replaces a bot's settings and commits them before returning.
    ///
    /// The change also bumps the bot's draft revision (``KnowledgeBaseRevision/draftRevision``), so
    /// that a server polling ``knowledgeBaseRevisions()`` reloads the bot. Settings have no draft:
    /// they apply to both environments at once.
    ///
    /// - Parameters:
    ///   - botID: The bot's ``Bot/id``.
    ///   - settings: The new settings, all of them.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/invalidSettings`` when
    ///   `settings` are out of range, ``StoreError/Code-swift.struct/unknownBot`` when no bot has
    ///   `botID`.
    package func updateSettings(botID: Int64, _ settings: BotSettings) throws(StoreError) {
        try Self.checkSettings(settings)
        let found = try withConnection("cannot update the bot's settings") { connection throws(SQLiteError) in
            try connection.withStatement(Self.updateBotSettings) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try Self.bind(settings, at: 2, to: statement)
                // Outside a transaction the UPDATE commits when it finishes.
                try statement.run()
                return connection.changedRowCount > 0
            }
        }
        guard found else { throw StoreError(.unknownBot, "no bot has the id \(botID)") }
    }

    /// Checks what the schema's CHECK constraints would refuse, and a few things they cannot
    /// express, with a message for people.
    ///
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/invalidSettings``.
    package static func checkSettings(_ settings: BotSettings) throws(StoreError) {
        func invalid(_ reason: String) -> StoreError { StoreError(.invalidSettings, reason) }
        guard (0...1).contains(settings.threshold) else {
            throw invalid("the threshold must be between 0 and 1, got \(settings.threshold)")
        }
        guard (0...1).contains(settings.recommendRatio) else {
            throw invalid("the recommend ratio must be between 0 and 1, got \(settings.recommendRatio)")
        }
        guard BotSettings.maxOptionsRange.contains(settings.maxOptions) else {
            let range = BotSettings.maxOptionsRange
            throw invalid(
                "the number of options must be \(range.lowerBound) to \(range.upperBound), got \(settings.maxOptions)"
            )
        }
        guard !settings.fallbackAnswers.isEmpty else { throw invalid("there must be a fallback answer") }
        guard !settings.fallbackAnswers.contains(where: \.isEmpty) else {
            throw invalid("a fallback answer is empty")
        }
        for (intent, answer) in settings.generalAnswers {
            guard GeneralSkill.intentKeys.contains(intent) else {
                throw invalid(
                    "no general-skill intent is called \"\(intent)\": they are \(GeneralSkill.intentKeys.joined(separator: ", "))"
                )
            }
            guard !answer.isEmpty else { throw invalid("the answer to the general-skill intent \(intent) is empty") }
        }
        for (skill, url) in settings.webhooks {
            guard !skill.isEmpty else { throw invalid("a webhook names no skill") }
            // chatbotctl parses the URL fully (ChatbotService's CallbackURL); this keeps the column sane.
            guard url.lowercased().hasPrefix("http://"), url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
                throw invalid("the webhook of the skill \(skill) is not an http:// URL: \(url)")
            }
        }
    }

    /// Binds the eight settings columns, in ``botColumns`` order, from parameter `index` on.
    private static func bind(
        _ settings: BotSettings,
        at index: Int32,
        to statement: SQLiteStatement
    ) throws(SQLiteError) {
        try statement.bind(settings.threshold, at: index)
        try statement.bind(settings.recommendRatio, at: index + 1)
        try statement.bind(Int64(settings.maxOptions), at: index + 2)
        try statement.bind(JSONStringArray.encode(settings.fallbackAnswers), at: index + 3)
        try statement.bind(settings.recommendPrompt, at: index + 4)
        try statement.bind(Int64(settings.generalSkill ? 1 : 0), at: index + 5)
        try statement.bind(pairs(settings.generalAnswers), at: index + 6)
        try statement.bind(pairs(settings.webhooks), at: index + 7)
    }

    /// `dictionary` as the column ``pairs(at:of:column:)`` reads: key and value strings in turn,
    /// by key, in one JSON array.
    private static func pairs(_ dictionary: [String: String]) -> String {
        JSONStringArray.encode(dictionary.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
    }

    /// A column of key and value strings in turn, as one JSON array, read as a dictionary.
    private static func pairs(
        at index: Int32,
        of statement: SQLiteStatement,
        column: String
    ) throws(SQLiteError) -> [String: String] {
        let strings = try statement.withTextBytes(at: index) { bytes throws(SQLiteError) in
            try JSONStringArray.decode(bytes, column: column)
        }
        guard strings.count % 2 == 0 else { throw JSONStringArray.corrupt(column, "not two strings per key") }
        var pairs: [String: String] = [:]
        for i in stride(from: 0, to: strings.count, by: 2) { pairs[strings[i]] = strings[i + 1] }
        return pairs
    }

    /// The bot in the current row of a statement that selects ``botColumns``.
    private static func bot(at statement: SQLiteStatement) throws(SQLiteError) -> Bot {
        let fallbackAnswers = try statement.withTextBytes(at: 10) { bytes throws(SQLiteError) in
            try JSONStringArray.decode(bytes, column: "bots.fallback_answers")
        }
        let generalAnswers = try pairs(at: 13, of: statement, column: "bots.general_answers")
        let webhooks = try pairs(at: 14, of: statement, column: "bots.webhooks")
        return Bot(
            id: statement.int64(at: 0),
            name: try statement.text(at: 1),
            appID: try statement.text(at: 2),
            token: try statement.text(at: 3),
            encodingAESKey: try statement.text(at: 4),
            approved: statement.int64(at: 5) != 0,
            createdAt: statement.int64(at: 6),
            settings: BotSettings(
                threshold: statement.double(at: 7),
                recommendRatio: statement.double(at: 8),
                maxOptions: Int(statement.int64(at: 9)),
                fallbackAnswers: fallbackAnswers,
                recommendPrompt: try statement.text(at: 11),
                generalSkill: statement.int64(at: 12) != 0,
                generalAnswers: generalAnswers,
                webhooks: webhooks
            )
        )
    }
}
