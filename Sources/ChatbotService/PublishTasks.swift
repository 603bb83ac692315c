internal import Synchronization

/// The publish tasks this process ran, for `publish_progress`.
///
/// Publishing is one store transaction that is committed before `publish` answers, so a task is
/// done as soon as it has an id; the id is what platform clients poll. Ids live in memory: after a
/// restart, or once ``capacity`` newer tasks have pushed them out, they are unknown.
final class PublishTasks: Sendable {
    struct Task: Sendable, Hashable {
        var id: String
        var botID: Int64
        /// The published version the task produced.
        var version: Int64
    }

    private struct State {
        var tasks: [String: Task] = [:]
        var order: [String] = []
        var latest: [Int64: String] = [:]
    }

    static let capacity = 4096
    private let state = Mutex(State())

    /// Records a finished publish and returns its task.
    func record(botID: Int64, version: Int64) -> Task {
        var random = SystemRandomNumberGenerator()
        let suffix = String(random.next() as UInt64, radix: 16)
        let task = Task(id: "publish-\(botID)-\(version)-\(suffix)", botID: botID, version: version)
        state.withLock { state in
            state.tasks[task.id] = task
            state.order.append(task.id)
            state.latest[botID] = task.id
            if state.order.count > Self.capacity {
                let dropped = state.order.removeFirst()
                if let old = state.tasks.removeValue(forKey: dropped), state.latest[old.botID] == dropped {
                    state.latest[old.botID] = nil
                }
            }
        }
        return task
    }

    /// The task `id` of bot `botID`, or the bot's latest task when `id` is empty.
    func task(id: String, botID: Int64) -> Task? {
        state.withLock { state in
            let id = id.isEmpty ? state.latest[botID] : id
            guard let id, let task = state.tasks[id], task.botID == botID else { return nil }
            return task
        }
    }
}
