package import ChatbotStore
package import NIOPosix
internal import Synchronization

/// Commits customer-service writes in groups: the writes that callers submit while one commit is
/// on disk go together in the next transaction, so that one fsync acknowledges many of them.
///
/// At most one group is being committed at a time, on a thread of ``threadPool`` (never an event
/// loop); each caller resumes after the transaction holding its write has committed, with its own
/// result. ``onCommit`` runs on that thread right after each commit, before any caller resumes, in
/// commit order: it applies what was committed to memory (handoff states, outbox subscribers,
/// callback delivery).
///
/// Bounded: at most ``maxPending`` writes wait; more are refused at once
/// (``StoreError/Code-swift.struct/busy``), and a group holds at most ``maxGroup``.
package final class GroupCommitter: Sendable {
    private typealias Waiter = CheckedContinuation<Result<CustomerServiceCommit, StoreError>, Never>

    private struct Queue {
        var writes: [(write: CustomerServiceWrite, waiter: Waiter)] = []
        var committing = false
    }

    /// What was committed, write by write, with what each got.
    package typealias Committed = @Sendable ([(write: CustomerServiceWrite, commit: CustomerServiceCommit)]) -> Void

    package let maxPending: Int
    package let maxGroup: Int
    private let store: any CustomerServiceStore
    private let threadPool: NIOThreadPool
    private let onCommit: Committed
    private let queue = Mutex(Queue())

    package init(
        store: any CustomerServiceStore,
        threadPool: NIOThreadPool,
        maxPending: Int = 10_000,
        maxGroup: Int = 512,
        onCommit: @escaping Committed
    ) {
        self.store = store
        self.threadPool = threadPool
        self.maxPending = maxPending
        self.maxGroup = maxGroup
        self.onCommit = onCommit
    }

    /// Commits `write` with whatever else is waiting, and returns once it is on disk.
    ///
    /// A caller that goes away meanwhile does not take its write back: it is committed anyway.
    package func commit(_ write: CustomerServiceWrite) async -> Result<CustomerServiceCommit, StoreError> {
        await withCheckedContinuation { (waiter: Waiter) in
            enum Next { case refuse, wait, start }
            let next = queue.withLock { queue -> Next in
                guard queue.writes.count < maxPending else { return .refuse }
                queue.writes.append((write, waiter))
                if queue.committing { return .wait }
                queue.committing = true
                return .start
            }
            switch next {
            case .refuse:
                waiter.resume(
                    returning: .failure(
                        StoreError(.busy, "too many customer-service writes are waiting (\(maxPending)): try again")
                    )
                )
            case .wait:
                ()
            case .start:
                threadPool.submit { state in self.drain(state) }
            }
        }
    }

    /// Commits groups until none is waiting.
    private func drain(_ state: NIOThreadPool.WorkItemState) {
        while true {
            let group = queue.withLock { queue -> [(write: CustomerServiceWrite, waiter: Waiter)] in
                let group = Array(queue.writes.prefix(maxGroup))
                queue.writes.removeFirst(group.count)
                if group.isEmpty { queue.committing = false }
                return group
            }
            if group.isEmpty { return }
            guard case .active = state else {
                let stopped = StoreError(.ioFailure, "the server is shutting down: nothing was written")
                for (_, waiter) in group { waiter.resume(returning: .failure(stopped)) }
                continue
            }
            let results: [Result<CustomerServiceCommit, StoreError>]
            do throws(StoreError) {
                results = try store.commit(group.map(\.write))
            } catch {
                results = Array(repeating: .failure(error), count: group.count)
            }
            var committed: [(write: CustomerServiceWrite, commit: CustomerServiceCommit)] = []
            for (entry, result) in zip(group, results) {
                if case .success(let commit) = result { committed.append((entry.write, commit)) }
            }
            if !committed.isEmpty { onCommit(committed) }
            for (entry, result) in zip(group, results) { entry.waiter.resume(returning: result) }
        }
    }
}
