package import ChatbotEngine
package import ChatbotStore
package import Logging
package import NIOPosix
internal import ServiceLifecycle
internal import Synchronization

/// Records the questions bots could not answer (NOMATCH) or only recommended entries for
/// (FAQ_RECOMMEND), grouped by normalised text, in the store: what a knowledge base's owners
/// read to know what to add (`chatbotctl unanswered`, gRPC `ListUnanswered`).
///
/// A dialogue call only adds to a bounded buffer in memory (``record(botID:query:reply:now:)``:
/// a lock and a dictionary update); this service writes the buffer to the store every
/// ``interval`` on the thread pool, normalising the texts there, and once more on graceful
/// shutdown. No user id is kept. At most ``capacity`` distinct texts wait between two writes;
/// more are dropped and counted (``dropped``).
package final class UnansweredLog: Service, Sendable {
    private struct Seen {
        var count: Int64
        var first: Int64
        var last: Int64
        var status: String
        var bestKey: String
        var bestQuestion: String
        var bestConfidence: Double

        /// Counts one more query at `now` that got `status`, with `best` its best candidate.
        mutating func note(status: String, best: MatchCandidate?, now: Int64) {
            count += 1
            last = max(last, now)
            self.status = status
            bestKey = best?.entry.key ?? ""
            bestQuestion = best?.entry.question ?? ""
            bestConfidence = best?.confidence ?? 0
        }
    }

    private let pending = Mutex<[BotTextKey: Seen]>([:])
    private let droppedCount = Atomic<Int>(0)
    private let store: SQLiteStore
    private let threadPool: NIOThreadPool
    private let logger: Logger
    /// How often the buffer is written.
    package let interval: Duration
    /// The most distinct texts buffered between two writes.
    package let capacity: Int

    package init(
        store: SQLiteStore,
        threadPool: NIOThreadPool,
        interval: Duration = .seconds(2),
        capacity: Int = 10_000,
        logger: Logger
    ) {
        self.store = store
        self.threadPool = threadPool
        self.interval = interval
        self.capacity = capacity
        self.logger = logger
    }

    /// Texts dropped because the buffer was full.
    package var dropped: Int { droppedCount.load(ordering: .relaxed) }

    /// Notes `reply` to `query` if it is NOMATCH or FAQ_RECOMMEND; `now` in milliseconds.
    package func record(botID: Int64, query: String, reply: DialogueReply, now: Int64) {
        let status: String
        switch reply.status {
        case .noMatch: status = "NOMATCH"
        case .recommend: status = "FAQ_RECOMMEND"
        default: return
        }
        let best = reply.candidates.first
        let key = BotTextKey(botID: botID, text: query)
        // One hash for a text seen before (the usual case): its entry is updated in place.
        let kept = pending.withLock { pending in
            if let index = pending.index(forKey: key) {
                pending.values[index].note(status: status, best: best, now: now)
                return true
            }
            guard pending.count < capacity else { return false }
            var seen = Seen(
                count: 0,
                first: now,
                last: now,
                status: status,
                bestKey: "",
                bestQuestion: "",
                bestConfidence: 0
            )
            seen.note(status: status, best: best, now: now)
            pending[key] = seen
            return true
        }
        if !kept { droppedCount.wrappingAdd(1, ordering: .relaxed) }
    }

    /// Writes what is buffered to the store, grouped by normalised text. Blocks: call it on the
    /// thread pool.
    package func flush() throws(StoreError) {
        let taken = pending.withLock { pending in
            let taken = pending
            pending.removeAll(keepingCapacity: true)
            return taken
        }
        guard !taken.isEmpty else { return }
        var groups: [BotTextKey: UnansweredQuestion] = [:]
        for (key, seen) in taken {
            let normalized = KnowledgeBase.normalizedQuestion(key.text)
            let group = BotTextKey(botID: key.botID, text: normalized)
            var question =
                groups[group]
                ?? UnansweredQuestion(
                    normalized: normalized,
                    query: key.text,
                    count: 0,
                    firstSeen: seen.first,
                    lastSeen: seen.last,
                    status: seen.status,
                    bestKey: seen.bestKey,
                    bestQuestion: seen.bestQuestion,
                    bestConfidence: seen.bestConfidence
                )
            question.count += seen.count
            question.firstSeen = min(question.firstSeen, seen.first)
            if seen.last >= question.lastSeen {
                question.lastSeen = seen.last
                question.query = key.text
                question.status = seen.status
                question.bestKey = seen.bestKey
                question.bestQuestion = seen.bestQuestion
                question.bestConfidence = seen.bestConfidence
            }
            groups[group] = question
        }
        try store.recordUnanswered(groups.map { ($0.key.botID, $0.value) })
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: self.interval)
                    await self.flushLogging()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: what the last interval gathered still goes to the store.
        }
        await flushLogging()
    }

    private func flushLogging() async {
        do {
            try await threadPool.runIfActive { try self.flush() }
        } catch {
            logger.warning("cannot record unanswered questions", metadata: ["error": "\(error)"])
        }
    }
}
