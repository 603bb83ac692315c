internal import ChatbotEngine
package import ChatbotStore

extension ChatbotOperations {
    /// The default and largest number of unanswered questions one call returns: 1,000.
    package static let maxUnansweredListed = 1000

    /// The bot's unanswered questions (``UnansweredLog``) last asked at or after `since`
    /// (milliseconds), most asked first, at most `limit` (0 or more than
    /// ``maxUnansweredListed``: that many). Read on the thread pool.
    package func unanswered(
        bot: BotEntry,
        since: Int64,
        limit: Int
    ) async throws(PlatformFailure)
        -> [UnansweredQuestion]
    {
        let botID = bot.bot.id
        let limit = limit <= 0 ? Self.maxUnansweredListed : min(limit, Self.maxUnansweredListed)
        return try await withStore { store, _ throws(StoreError) in
            try store.unanswered(botID: botID, since: since, limit: limit)
        }
    }
}
