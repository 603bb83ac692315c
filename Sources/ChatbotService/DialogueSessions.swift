package import ChatbotEngine
internal import Synchronization

/// Where the dialogue sessions of users live, keyed by (bot, user): what ``ChatbotOperations``
/// reads before a dialogue call and writes after it.
///
/// ``MemoryDialogueSessions`` keeps them in this process. The calls are synchronous because
/// dialogue calls answer on the event loop; a store shared by replicas would keep a local copy
/// in front of the shared one and write behind it. Two calls of one user at the same moment may
/// both read the session before either writes it; the later write wins, as with two messages
/// crossing in a chat.
package protocol DialogueSessionStore: Sendable {
    /// The session of `user` with `botID` at `now` (milliseconds): the kept one, or a new one when
    /// there is none or it was idle too long.
    func session(botID: Int64, user: String, now: Int64) -> DialogueSession
    /// Keeps `session` as the user's.
    func save(_ session: DialogueSession, botID: Int64, user: String)
}

/// Dialogue sessions in memory, bounded in count and idle time.
///
/// Sixteen shards, each under its own lock, so calls of different users seldom wait for each
/// other. A shard over its share of ``maxSessions`` drops its sessions idle too long and, if that
/// is not enough, its least recently active eighth; an idle session is never answered from, and
/// is gone at the latest when its shard fills.
package final class MemoryDialogueSessions: DialogueSessionStore {
    private final class Shard: Sendable {
        let sessions = Mutex<[BotTextKey: DialogueSession]>([:])
    }

    private static let shardCount = 16
    private let shards: [Shard]
    private let shardCapacity: Int
    /// The most sessions kept.
    package let maxSessions: Int
    /// Milliseconds of idleness after which a session ends.
    package let idleTimeout: Int64

    /// - Parameters:
    ///   - maxSessions: The most sessions kept (at least 16).
    ///   - idleTimeout: Seconds of idleness after which a session ends.
    package init(maxSessions: Int = 100_000, idleTimeout: Int64 = 1800) {
        self.maxSessions = max(maxSessions, Self.shardCount)
        self.shardCapacity = self.maxSessions / Self.shardCount
        self.idleTimeout = idleTimeout * 1000
        self.shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    package func session(botID: Int64, user: String, now: Int64) -> DialogueSession {
        let key = BotTextKey(botID: botID, text: user)
        if let kept = shard(key).sessions.withLock({ $0[key] }), now - kept.lastActive <= idleTimeout {
            return kept
        }
        return DialogueSession(id: Self.newID(), lastActive: now)
    }

    package func save(_ session: DialogueSession, botID: Int64, user: String) {
        let key = BotTextKey(botID: botID, text: user)
        let capacity = shardCapacity
        let idleTimeout = self.idleTimeout
        shard(key).sessions.withLock { sessions in
            sessions[key] = session
            guard sessions.count > capacity else { return }
            let now = session.lastActive
            sessions = sessions.filter { now - $0.value.lastActive <= idleTimeout }
            guard sessions.count > capacity else { return }
            let dropped = sessions.sorted { $0.value.lastActive < $1.value.lastActive }.prefix(max(capacity / 8, 1))
            for (old, _) in dropped where old != key { sessions.removeValue(forKey: old) }
        }
    }

    /// How many sessions are kept, idle ones included.
    package var count: Int {
        shards.reduce(0) { total, shard in total + shard.sessions.withLock { $0.count } }
    }

    private func shard(_ key: BotTextKey) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(Self.shardCount))]
    }

    /// 16 random hexadecimal digits.
    private static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        let value = random.next() as UInt64
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
