package import Logging
internal import NIOCore
internal import Synchronization

/// What one client may do to one bot: how fast it may mint signatures (`sign` takes the TOKEN
/// alone, as on the platform), and how many wrong keys and managerids it may try before it is
/// refused for a while. A client is its IP address (``ChatbotRPC/RPCContext/peer``); both tables
/// are keyed by bot and client.
///
/// Both tables are bounded (``Settings/maxTracked``): when one is full, entries that no longer
/// hold anything (a full bucket, a failure window that has passed) are swept out, at most once a
/// second; a client that still finds it full is served without being tracked, so that a flood of
/// addresses cannot lock out the clients that are not tracked yet.
package final class AccessLimits: Sendable {
    package struct Settings: Sendable, Hashable {
        /// Signatures a client may mint per bot per second, refilled continuously; 0 for no limit.
        package var signRate: Double
        /// Signatures a client may mint at once before ``signRate`` applies.
        package var signBurst: Int
        /// Failed management checks (envelope, credential, managerid) of one client against one
        /// bot within ``failureWindow`` after which it is refused for ``lockout``; 0 for never.
        package var maxFailures: Int
        package var failureWindow: Duration
        package var lockout: Duration
        /// The most (bot, client) pairs each table holds.
        package var maxTracked: Int

        package init(
            signRate: Double = 1000,
            signBurst: Int = 2000,
            maxFailures: Int = 20,
            failureWindow: Duration = .seconds(60),
            lockout: Duration = .seconds(300),
            maxTracked: Int = 100_000
        ) {
            self.signRate = signRate
            self.signBurst = signBurst
            self.maxFailures = maxFailures
            self.failureWindow = failureWindow
            self.lockout = lockout
            self.maxTracked = maxTracked
        }
    }

    /// What has been refused or counted since the start, for `/metrics`.
    package struct Counts: Sendable, Hashable {
        package var signRefused: Int
        package var checkFailures: Int
        package var lockouts: Int
        package var lockedOutRefused: Int
    }

    private struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    private struct Failures {
        var count: Int
        var windowStart: UInt64
        var lockedUntil: UInt64?
    }

    private struct Table<Value> {
        var entries: [BotTextKey: Value] = [:]
        var lastSweep: UInt64 = 0
    }

    package let settings: Settings
    private let clock: @Sendable () -> UInt64
    private let logger: Logger
    private let buckets = Mutex(Table<Bucket>())
    private let failures = Mutex(Table<Failures>())
    private let counters = Mutex(Counts(signRefused: 0, checkFailures: 0, lockouts: 0, lockedOutRefused: 0))

    /// - Parameter clock: Monotonic nanoseconds (tests pass their own).
    package init(
        _ settings: Settings = Settings(),
        logger: Logger = Logger(label: "chatbotd.access"),
        clock: @escaping @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }
    ) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    package var counts: Counts { counters.withLock { $0 } }

    /// Takes one signature from the bucket of `peer` for `botID`: false when it is empty.
    package func allowSign(botID: Int64, peer: String) -> Bool {
        guard settings.signRate > 0 else { return true }
        let now = clock()
        let rate = settings.signRate
        let burst = Double(settings.signBurst)
        let allowed = buckets.withLock { table in
            let key = BotTextKey(botID: botID, text: peer)
            var bucket = table.entries[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + Double(now &- bucket.updated) / 1e9 * rate)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                table.entries[key] = bucket
                return false
            }
            bucket.tokens -= 1
            let isFull = { (bucket: Bucket) in bucket.tokens + Double(now &- bucket.updated) / 1e9 * rate >= burst }
            if table.entries[key] == nil, !makeRoom(&table, now: now, isEmpty: isFull) { return true }
            table.entries[key] = bucket
            return true
        }
        if !allowed { counters.withLock { $0.signRefused += 1 } }
        return allowed
    }

    /// The refusal for `peer` while it is locked out of `botID`'s management operations, if it is.
    package func lockedOut(botID: Int64, peer: String) -> PlatformFailure? {
        guard settings.maxFailures > 0 else { return nil }
        let now = clock()
        let remaining = failures.withLock { table -> UInt64? in
            guard let until = table.entries[BotTextKey(botID: botID, text: peer)]?.lockedUntil, until > now else {
                return nil
            }
            return until - now
        }
        guard let remaining else { return nil }
        counters.withLock { $0.lockedOutRefused += 1 }
        return .tooManyRequests(
            "too many failed management checks from this address: try again in \((remaining + 999_999_999) / 1_000_000_000) s"
        )
    }

    /// Counts a failed envelope, credential or managerid check of `peer` against the bot; the one
    /// that reaches ``Settings/maxFailures`` starts a lockout, logged once.
    package func recordFailure(botID: Int64, appID: String, peer: String) {
        guard settings.maxFailures > 0 else { return }
        let now = clock()
        let window = UInt64(settings.failureWindow.components.seconds) * 1_000_000_000
        let lockout = UInt64(settings.lockout.components.seconds) * 1_000_000_000
        let maxFailures = settings.maxFailures
        let locked = failures.withLock { table -> Bool in
            let key = BotTextKey(botID: botID, text: peer)
            var entry = table.entries[key] ?? Failures(count: 0, windowStart: now)
            if let until = entry.lockedUntil, until > now { return false }
            if entry.lockedUntil != nil || now &- entry.windowStart >= window {
                entry = Failures(count: 0, windowStart: now)
            }
            entry.count += 1
            if entry.count >= maxFailures { entry.lockedUntil = now + lockout }
            let isOver = { (entry: Failures) in
                entry.lockedUntil.map { $0 <= now } ?? (now &- entry.windowStart >= window)
            }
            if table.entries[key] == nil, !makeRoom(&table, now: now, isEmpty: isOver) { return false }
            table.entries[key] = entry
            return entry.lockedUntil != nil
        }
        counters.withLock {
            $0.checkFailures += 1
            if locked { $0.lockouts += 1 }
        }
        if locked {
            logger.warning(
                "refusing management calls from a client after failed checks",
                metadata: [
                    "bot": "\(appID)", "peer": "\(peer)", "failures": "\(maxFailures)",
                    "lockout_seconds": "\(settings.lockout.components.seconds)",
                ]
            )
        }
    }

    /// Forgets the failures of `peer` against the bot: it has just proved it holds the key.
    package func recordSuccess(botID: Int64, peer: String) {
        guard settings.maxFailures > 0 else { return }
        failures.withLock { table in
            let key = BotTextKey(botID: botID, text: peer)
            if table.entries[key]?.lockedUntil == nil { table.entries[key] = nil }
        }
    }

    /// Whether `table` has room for one more entry, after sweeping out the empty ones when it is
    /// full (at most once a second).
    private func makeRoom<Value>(_ table: inout Table<Value>, now: UInt64, isEmpty: (Value) -> Bool) -> Bool {
        guard table.entries.count >= settings.maxTracked else { return true }
        guard now &- table.lastSweep >= 1_000_000_000 || table.lastSweep == 0 else { return false }
        table.lastSweep = now
        table.entries = table.entries.filter { !isEmpty($0.value) }
        return table.entries.count < settings.maxTracked
    }
}
