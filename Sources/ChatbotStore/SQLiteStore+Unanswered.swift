/// A question a bot could not answer (NOMATCH) or only recommended entries for (FAQ_RECOMMEND),
/// grouped by its normalised text: how often, since when, and the best candidate. No user id.
package struct UnansweredQuestion: Sendable, Hashable {
    /// The grouping key (``ChatbotEngine/FAQEntry`` matching's exact-match form of the text).
    package var normalized: String
    /// The text as last asked.
    package var query: String
    package var count: Int64
    /// Milliseconds since the epoch.
    package var firstSeen: Int64
    package var lastSeen: Int64
    /// `NOMATCH` or `FAQ_RECOMMEND`, as last answered.
    package var status: String
    /// The best candidate's key and question ("" without one) and its confidence.
    package var bestKey: String
    package var bestQuestion: String
    package var bestConfidence: Double

    package init(
        normalized: String,
        query: String,
        count: Int64,
        firstSeen: Int64,
        lastSeen: Int64,
        status: String,
        bestKey: String,
        bestQuestion: String,
        bestConfidence: Double
    ) {
        self.normalized = normalized
        self.query = query
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.status = status
        self.bestKey = bestKey
        self.bestQuestion = bestQuestion
        self.bestConfidence = bestConfidence
    }
}

/// The unanswered questions of each bot, at most ``maxUnansweredPerBot`` per bot.
extension SQLiteStore {
    private static let upsertUnanswered = """
        INSERT INTO unanswered_questions (
            bot_id, normalized, query, count, first_seen, last_seen, status, best_key, best_question, best_confidence
        ) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM bots WHERE id = ?1)
        ON CONFLICT (bot_id, normalized) DO UPDATE SET
            count = count + excluded.count,
            first_seen = min(first_seen, excluded.first_seen),
            last_seen = max(last_seen, excluded.last_seen),
            query = excluded.query, status = excluded.status, best_key = excluded.best_key,
            best_question = excluded.best_question, best_confidence = excluded.best_confidence
        """
    private static let trimUnanswered = """
        DELETE FROM unanswered_questions WHERE bot_id = ?1 AND normalized IN (
            SELECT normalized FROM unanswered_questions WHERE bot_id = ?1
            ORDER BY last_seen DESC, normalized LIMIT -1 OFFSET ?2
        )
        """
    private static let selectUnanswered = """
        SELECT normalized, query, count, first_seen, last_seen, status, best_key, best_question, best_confidence
        FROM unanswered_questions WHERE bot_id = ?1 AND last_seen >= ?2
        ORDER BY count DESC, last_seen DESC, normalized LIMIT ?3
        """

    /// The most unanswered questions kept per bot: 10,000; the least recently asked go first.
    package static let maxUnansweredPerBot = 10_000

    /// Adds `questions` (each a group seen `count` times) to their bots' records in one
    /// transaction: counts add up, first and last seen widen, the text and best candidate are the
    /// newest. Then each bot keeps its ``maxUnansweredPerBot`` most recently asked. Questions of
    /// bots that no longer exist are dropped.
    package func recordUnanswered(_ questions: [(botID: Int64, question: UnansweredQuestion)]) throws(StoreError) {
        guard !questions.isEmpty else { return }
        try withConnection("cannot record unanswered questions") { connection throws(SQLiteError) in
            try connection.withTransaction { () throws(SQLiteError) in
                for (botID, question) in questions {
                    try connection.withStatement(Self.upsertUnanswered) { statement throws(SQLiteError) in
                        try statement.bind(botID, at: 1)
                        try statement.bind(question.normalized, at: 2)
                        try statement.bind(question.query, at: 3)
                        try statement.bind(question.count, at: 4)
                        try statement.bind(question.firstSeen, at: 5)
                        try statement.bind(question.lastSeen, at: 6)
                        try statement.bind(question.status, at: 7)
                        try statement.bind(question.bestKey, at: 8)
                        try statement.bind(question.bestQuestion, at: 9)
                        try statement.bind(question.bestConfidence, at: 10)
                        try statement.run()
                    }
                }
                for botID in Set(questions.map(\.botID)) {
                    try connection.withStatement(Self.trimUnanswered) { statement throws(SQLiteError) in
                        try statement.bind(botID, at: 1)
                        try statement.bind(Int64(Self.maxUnansweredPerBot), at: 2)
                        try statement.run()
                    }
                }
            }
        }
    }

    /// The bot's unanswered questions last asked at or after `since` (milliseconds), most asked
    /// first, at most `limit`.
    package func unanswered(
        botID: Int64,
        since: Int64 = 0,
        limit: Int = maxUnansweredPerBot
    ) throws(StoreError)
        -> [UnansweredQuestion]
    {
        try withConnection("cannot read unanswered questions") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectUnanswered) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(since, at: 2)
                try statement.bind(Int64(limit), at: 3)
                var questions: [UnansweredQuestion] = []
                while try statement.step() {
                    questions.append(
                        UnansweredQuestion(
                            normalized: try statement.text(at: 0),
                            query: try statement.text(at: 1),
                            count: statement.int64(at: 2),
                            firstSeen: statement.int64(at: 3),
                            lastSeen: statement.int64(at: 4),
                            status: try statement.text(at: 5),
                            bestKey: try statement.text(at: 6),
                            bestQuestion: try statement.text(at: 7),
                            bestConfidence: statement.double(at: 8)
                        )
                    )
                }
                return questions
            }
        }
    }
}
