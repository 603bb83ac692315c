package import ChatbotStore
package import NIOPosix
internal import Synchronization

/// The customer-service side of the bots: the store of handoff states, outbox and callback
/// notices, the group committer that writes to it, and what readers hold in memory (the handoff
/// states dialogue calls check, the outbox signal subscribers wait on).
package final class CustomerService: Sendable {
    /// How long needperson and personserving last without a change, in seconds, unless the
    /// caller says: 1800, as on the platform.
    package static let defaultExpiry: Int64 = 1800
    /// The longest expiry a caller may ask for, in seconds: 7 days.
    package static let maxExpiry: Int64 = 7 * 24 * 3600

    package let store: any CustomerServiceStore
    package let states: HandoffStates
    package let outbox: OutboxSignal
    private let committer: GroupCommitter
    private let wakers: Wakers
    private let nowMilliseconds: @Sendable () -> Int64

    /// The callback delivery's wake-ups.
    private final class Wakers: Sendable {
        let list = Mutex<[@Sendable () -> Void]>([])

        func wake() { for wake in list.withLock({ $0 }) { wake() } }
    }

    package init(
        store: any CustomerServiceStore,
        threadPool: NIOThreadPool,
        capacity: Int = 1_000_000,
        nowMilliseconds: @escaping @Sendable () -> Int64
    ) {
        let states = HandoffStates(capacity: capacity)
        let outbox = OutboxSignal()
        let wakers = Wakers()
        self.store = store
        self.states = states
        self.outbox = outbox
        self.wakers = wakers
        self.nowMilliseconds = nowMilliseconds
        committer = GroupCommitter(store: store, threadPool: threadPool) { committed in
            let now = nowMilliseconds()
            var callbacks = false
            for (write, commit) in committed {
                if let state = write.state { states.apply(state, now: now) }
                if let seq = commit.outboxSeq { outbox.published(botID: write.botID, seq: seq) }
                if commit.callbacksWritten > 0 { callbacks = true }
            }
            if callbacks { wakers.wake() }
        }
    }

    /// Calls `wake` after each commit that wrote callback notices (the callback delivery's).
    package func onCallbacksWritten(_ wake: @escaping @Sendable () -> Void) {
        wakers.list.withLock { $0.append(wake) }
    }

    /// Reads the active handoff states from the store into memory. Blocks: call it at start, off
    /// the event loops.
    package func load() throws(StoreError) {
        let now = nowMilliseconds()
        states.load(try store.activeKefuRecords(now: now), now: now)
    }

    /// Commits `write` (with others: ``GroupCommitter``) and applies it to memory before returning.
    package func commit(_ write: CustomerServiceWrite) async -> Result<CustomerServiceCommit, StoreError> {
        await committer.commit(write)
    }
}
