internal import Synchronization

/// Tells outbox subscribers that a bot's outbox grew: the sequence number of each bot's newest
/// committed message, and the subscribers waiting for a newer one.
///
/// Holds no message: subscribers read the store. Memory is one number per bot that has sent a
/// message since start, and one waiter per waiting subscriber.
package final class OutboxSignal: Sendable {
    private struct Bot {
        var latest: Int64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private struct State {
        var bots: [Int64: Bot] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// The newest sequence number committed for `botID` since start (0 if none).
    package func latest(botID: Int64) -> Int64 {
        state.withLock { $0.bots[botID]?.latest ?? 0 }
    }

    /// Records that `botID`'s outbox holds messages up to `seq`, and wakes its waiting subscribers.
    package func published(botID: Int64, seq: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var bot = state.bots[botID] ?? Bot()
            guard seq > bot.latest else { return [] }
            bot.latest = seq
            let woken = Array(bot.waiters.values)
            bot.waiters = [:]
            state.bots[botID] = bot
            return woken
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once `botID` has a message after `seq`, or when the calling task is cancelled.
    package func wait(botID: Int64, after seq: Int64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    var bot = state.bots[botID] ?? Bot()
                    if bot.latest > seq || Task.isCancelled { return true }
                    bot.waiters[id] = waiter
                    state.bots[botID] = bot
                    return false
                }
                if ready { waiter.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.bots[botID]?.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
