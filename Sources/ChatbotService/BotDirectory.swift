package import ChatbotCrypto
package import ChatbotEngine
package import ChatbotStore
package import NIOPosix
internal import Synchronization

/// A bot with its keys ready: what every operation needs after resolving a TOKEN.
package final class BotEntry: Sendable {
    package let bot: Bot
    package let jwtKey: JWTKey
    package let envelope: EnvelopeCipher

    init(_ bot: Bot) throws(CryptoError) {
        self.bot = bot
        self.jwtKey = try JWTKey(secret: bot.encodingAESKey)
        self.envelope = try EnvelopeCipher(encodingAESKey: bot.encodingAESKey, appID: bot.appID)
    }
}

/// Resolves TOKENs to bots: from memory when it can, from the store otherwise.
///
/// A hit costs a lock and a dictionary lookup, so handlers can answer on the event loop. A miss
/// reads the store on a thread pool (SQLite blocks); a bot added meanwhile by `chatbotctl bots
/// add` is found that way. Unknown TOKENs are remembered for a second, so a client that sends
/// garbage cannot make every request touch the disk.
package final class BotDirectory: Sendable {
    private let store: SQLiteStore
    private let threadPool: NIOThreadPool
    private let now: @Sendable () -> Int64
    private let entries = Mutex<[String: Entry]>([:])

    private enum Entry {
        case found(BotEntry)
        case absent(until: Int64)
    }

    private static let absentMilliseconds: Int64 = 1000

    package init(store: SQLiteStore, threadPool: NIOThreadPool, now: @escaping @Sendable () -> Int64) {
        self.store = store
        self.threadPool = threadPool
        self.now = now
    }

    /// The AppID of every bot in memory, by bot id.
    package func appIDs() -> [Int64: String] {
        var appIDs: [Int64: String] = [:]
        for case .found(let entry) in entries.withLock({ Array($0.values) }) {
            appIDs[entry.bot.id] = entry.bot.appID
        }
        return appIDs
    }

    /// The bot for `token` if it is in memory, without waiting; nil means "ask ``lookup(token:)``".
    package func cached(token: String) -> BotEntry? {
        if case .found(let entry) = entries.withLock({ $0[token] }) { return entry }
        return nil
    }

    /// The bot for `token`.
    /// - Throws: ``PlatformFailure`` 1001 when no bot has this TOKEN, -1 when the store fails.
    package func lookup(token: String) async throws(PlatformFailure) -> BotEntry {
        let time = now()
        switch entries.withLock({ $0[token] }) {
        case .found(let entry): return entry
        case .absent(let until) where until > time: throw Self.unknownToken
        default: break
        }
        let store = self.store
        let loaded: Result<Bot?, StoreError>
        do {
            loaded = try await threadPool.runIfActive {
                Result { () throws(StoreError) in try store.bot(token: token) }
            }
        } catch {
            throw PlatformFailure(.systemError, "system error")
        }
        switch loaded {
        case .success(let bot?):
            let entry: BotEntry
            do throws(CryptoError) {
                entry = try BotEntry(bot)
            } catch {
                // A stored key that does not parse: the bot is misconfigured, the client is not at fault.
                throw PlatformFailure(.systemError, "system error")
            }
            entries.withLock { $0[token] = .found(entry) }
            return entry
        case .success(nil):
            entries.withLock { $0[token] = .absent(until: time + Self.absentMilliseconds) }
            throw Self.unknownToken
        case .failure:
            throw PlatformFailure(.systemError, "system error")
        }
    }

    /// Loads every bot into memory (at start), and afterwards picks up bots whose settings or
    /// approval changed in the store.
    package func reload() async throws {
        let store = self.store
        let bots = try await threadPool.runIfActive { try store.bots() }
        let current = entries.withLock { $0 }
        var loaded: [String: Entry] = [:]
        for bot in bots {
            if case .found(let entry) = current[bot.token], entry.bot == bot { continue }
            if let entry = try? BotEntry(bot) { loaded[bot.token] = .found(entry) }
        }
        if !loaded.isEmpty { entries.withLock { $0.merge(loaded) { _, new in new } } }
    }

    private static let unknownToken = PlatformFailure(.tokenInvalid, "token invalid")
}
