package import ChatbotStore
internal import Synchronization

/// The handoff states that change how the bot answers, in memory, so that dialogue calls read
/// them on the event loop: every user in needperson or personserving, and users whose state became
/// complete within ``completeLinger`` milliseconds.
///
/// The store holds every state; this is what the group committer applied after each commit, in
/// commit order, plus what was active in the store at start. A user not here is asking.
///
/// Bounded: at most ``capacity`` users. Expired states are dropped when a change finds the table
/// full, and at most every ten seconds otherwise.
package final class HandoffStates: Sendable {
    private struct Key: Hashable {
        var botID: Int64
        var openID: String
    }

    private struct Table {
        var records: [Key: KefuRecord] = [:]
        var lastSweep: Int64 = 0
    }

    /// How long a complete state is remembered in memory, so that answers report it: 30 minutes.
    package static let completeLinger: Int64 = 30 * 60 * 1000

    /// The most users held.
    package let capacity: Int
    private let table = Mutex(Table())
    /// How many users are held: dialogue calls skip the lock while it is 0.
    private let count = Atomic<Int>(0)

    package init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// The state of a user at `now` (milliseconds), or nil for one not held (asking).
    package func state(botID: Int64, openID: String, now: Int64) -> KefuRecord? {
        guard count.load(ordering: .relaxed) > 0 else { return nil }
        guard let record = table.withLock({ $0.records[Key(botID: botID, openID: openID)] }) else { return nil }
        return Self.isLive(record, now: now) ? record : nil
    }

    /// Whether one more user fits (or `openID` is already held).
    package func hasRoom(botID: Int64, openID: String) -> Bool {
        table.withLock { table in
            table.records.count < capacity || table.records[Key(botID: botID, openID: openID)] != nil
        }
    }

    /// Holds a user's new state (``ChatbotStore/KefuState/asking`` removes it).
    ///
    /// - Returns: False when the table is full of live states and the user is not in it: the state
    ///   is not held.
    @discardableResult
    package func apply(_ record: KefuRecord, now: Int64) -> Bool {
        let key = Key(botID: record.botID, openID: record.openID)
        return table.withLock { table -> Bool in
            defer { count.store(table.records.count, ordering: .relaxed) }
            if now - table.lastSweep >= 10_000 || table.records.count >= capacity {
                table.lastSweep = now
                table.records = table.records.filter { Self.isLive($0.value, now: now) }
            }
            if record.state == .asking {
                table.records[key] = nil
                return true
            }
            guard table.records.count < capacity || table.records[key] != nil else { return false }
            table.records[key] = record
            return true
        }
    }

    /// Holds the states read from the store at start.
    package func load(_ records: [KefuRecord], now: Int64) {
        for record in records { apply(record, now: now) }
    }

    private static func isLive(_ record: KefuRecord, now: Int64) -> Bool {
        switch record.state {
        case .asking: false
        case .complete: now - record.updatedAt < completeLinger
        case .needPerson, .personServing: record.expiresAt > now
        }
    }
}
