import ChatbotEngine
import ChatbotService
import ChatbotStore
import NIOPosix
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct CustomerServiceTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    @Test func handoffStatesExpireAndStayBounded() {
        let states = HandoffStates(capacity: 2)
        let serving = KefuRecord(botID: 1, openID: "a", state: .personServing, expiresAt: 2_000, updatedAt: 1_000)
        #expect(states.apply(serving, now: 1_000))
        #expect(states.state(botID: 1, openID: "a", now: 1_999)?.state == .personServing)
        #expect(states.state(botID: 1, openID: "a", now: 2_000) == nil)
        #expect(states.state(botID: 2, openID: "a", now: 1_000) == nil)
        #expect(
            states.apply(
                KefuRecord(botID: 1, openID: "b", state: .needPerson, expiresAt: 5_000, updatedAt: 1),
                now: 1_000
            )
        )
        #expect(
            !states.apply(
                KefuRecord(botID: 1, openID: "c", state: .needPerson, expiresAt: 5_000, updatedAt: 1),
                now: 1_000
            )
        )
        // Once a's state has expired it makes room.
        #expect(
            states.apply(
                KefuRecord(botID: 1, openID: "c", state: .needPerson, expiresAt: 5_000, updatedAt: 1),
                now: 2_500
            )
        )
        #expect(states.apply(KefuRecord(botID: 1, openID: "b", state: .asking, updatedAt: 3_000), now: 3_000))
        #expect(states.state(botID: 1, openID: "b", now: 3_000) == nil)
    }

    @Test func concurrentWritesShareCommitsAndEachGetsItsOwnSeq() async throws {
        let store = try SQLiteStore(path: ":memory:")
        let bot = try store.addBot(name: "a", appID: "wx1", token: "A", encodingAESKey: Self.key)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let groups = Mutex<[Int]>([])
        let committer = GroupCommitter(store: store, threadPool: pool) { committed in
            groups.withLock { $0.append(committed.count) }
        }
        let seqs = await withTaskGroup(of: Int64?.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let write = CustomerServiceWrite(
                        botID: bot.id,
                        message: OutboxDraft(openID: "o\(i)", appID: "wx1", channel: 0, msg: "m")
                    )
                    return try? await committer.commit(write).get().outboxSeq
                }
            }
            var seqs: [Int64] = []
            for await seq in group { if let seq { seqs.append(seq) } }
            return seqs
        }
        #expect(seqs.sorted() == Array(1...200))
        #expect(groups.withLock { $0.reduce(0, +) } == 200)
        // Writes that came while a commit was on its way went together.
        #expect(groups.withLock { $0.count } < 200)
        try await pool.shutdownGracefully()
    }

    @Test func aSubscriberWaitsForTheNextSeqAndACancelledOneStops() async {
        let signal = OutboxSignal()
        signal.published(botID: 1, seq: 3)
        await signal.wait(botID: 1, after: 2)  // already there
        let woken = Flag()
        let waiter = Task {
            await signal.wait(botID: 1, after: 3)
            woken.set()
        }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(!woken.isSet)
        signal.published(botID: 2, seq: 9)
        signal.published(botID: 1, seq: 4)
        await waiter.value
        #expect(woken.isSet)
        let cancelled = Task { await signal.wait(botID: 1, after: 100) }
        cancelled.cancel()
        await cancelled.value
    }
}

private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() { value.store(true, ordering: .relaxed) }
}
