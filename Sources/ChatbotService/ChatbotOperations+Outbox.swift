internal import ChatbotEngine
package import ChatbotRPC
package import ChatbotStore

extension ChatbotOperations {
    /// The most outbox messages read from the store at once for one subscriber: what it holds in
    /// memory besides what the connection buffers.
    static let outboxPage = 256

    /// Hands `deliver` every message of the bot's outbox after `seq` (of `channels`, all when
    /// empty), oldest first, then each new one once it is committed, until `deliver` throws (the
    /// subscriber has gone) or the task is cancelled; with `untilCaughtUp`, returns instead once
    /// a read of the store finds nothing more.
    ///
    /// Reads the store a page at a time on the thread pool and waits for `deliver` between
    /// messages, so a subscriber that reads slowly holds one page, and one that stops reading
    /// stops the reading.
    ///
    /// - Throws: What `deliver` throws; the store's failure as its gRPC status.
    package func followOutbox(
        bot: BotEntry,
        after seq: Int64,
        channels: [Int32],
        untilCaughtUp: Bool = false,
        _ deliver: (OutboxItem) async throws(RPCError) -> Void
    ) async throws(RPCError) {
        let store = customerService.store
        let signal = customerService.outbox
        let botID = bot.bot.id
        var cursor = max(0, seq)
        while !Task.isCancelled {
            // Read before the page: whatever commits after it wakes the wait below.
            let head = signal.latest(botID: botID)
            let after = cursor
            let page: [OutboxItem]
            do throws(PlatformFailure) {
                page = try await withStore { _, _ throws(StoreError) in
                    try store.outbox(botID: botID, after: after, channels: channels, limit: Self.outboxPage)
                }
            } catch {
                // Cancelled: the subscriber has gone, nobody reads the status.
                if Task.isCancelled { return }
                throw error.rpcError
            }
            for item in page {
                try await deliver(item)
                cursor = item.seq
            }
            if page.count < Self.outboxPage {
                if untilCaughtUp { return }
                // Nothing more to read (of these channels) up to `head` at least.
                await signal.wait(botID: botID, after: max(cursor, head))
            }
        }
    }
}
