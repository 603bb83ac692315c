package import ChatbotEngine
package import ChatbotStore
internal import Synchronization

/// Every bot's knowledge bases in memory (draft and published, each with its matcher index),
/// kept in step with the store.
///
/// ``refresh()`` compares each bot's revisions in the store (bumped by every draft write and
/// every publish, whoever made them: this server, `chatbotctl`, another replica) with those in
/// memory and rebuilds the versions that changed; a rebuilt index replaces the old one at once,
/// so a query sees the old version or the new one, never a mix. The server refreshes at start,
/// before it listens, and then every second (``KnowledgeBaseRefresher``).
///
/// A write of one entry by this server skips the rebuild: ``applyDraftUpsert(_:revision:)``
/// changes the draft in memory in place when nothing else was written in between.
///
/// **Bots apart.** Nothing here makes one bot wait for another's change: each bot has its own
/// lock for changes to its versions, and this server's writes queue per bot
/// (``withWriteSlot(botID:_:)``). While a bot's write is in flight the periodic refresh leaves that
/// bot to the writer, which applies its change or refreshes that bot itself, so the two do not
/// rebuild the same index at once.
package final class KnowledgeBases: Sendable {
    private struct Versions: Sendable {
        var draft: KnowledgeBase
        var online: KnowledgeBase
        /// The bot's slot dictionaries, reloaded with the draft (an import bumps its revision).
        var dictionaries: SlotDictionaries
        var revision: KnowledgeBaseRevision
    }

    /// What serialises the changes of one bot's versions.
    private final class ChangeLock: Sendable {
        let mutex = Mutex<Void>(())
    }

    private let store: SQLiteStore
    private let versions = Mutex<[Int64: Versions]>([:])
    /// Per bot, held by whatever changes that bot's versions: an incremental change (from its check
    /// of the revision to its record of the new one, the change of the index included) and the last
    /// step of a refresh. Taken before ``versions``; queries never take it.
    private let changeLocks = Mutex<[Int64: ChangeLock]>([:])
    /// Per bot with a write of this server in flight (its slot taken), the writes waiting for
    /// their turn, first come first.
    private let writeSlots = Mutex<[Int64: [CheckedContinuation<Void, Never>]]>([:])
    private let whileChanging: (@Sendable (Int64) -> Void)?
    private static let empty = KnowledgeBase()

    /// - Parameters:
    ///   - store: The store to load from.
    ///   - _testOnly_whileChanging: Called with the bot's id while an incremental change holds
    ///     the bot's change lock, for tests of what waits for it.
    package init(store: SQLiteStore, _testOnly_whileChanging: (@Sendable (Int64) -> Void)? = nil) {
        self.store = store
        self.whileChanging = _testOnly_whileChanging
    }

    /// The knowledge base a query of `botID` in `env` reads; empty when the bot has none yet.
    package func knowledgeBase(botID: Int64, env: KnowledgeBaseEnv) -> KnowledgeBase {
        guard let versions = versions.withLock({ $0[botID] }) else { return Self.empty }
        return env == .debug ? versions.draft : versions.online
    }

    /// The knowledge base a query of `botID` in `env` reads, with the bot's slot dictionaries.
    package func dialogue(botID: Int64, env: KnowledgeBaseEnv) -> (KnowledgeBase, SlotDictionaries) {
        // Only what the query reads leaves the lock: copying the bot's versions out whole would
        // retain both knowledge bases.
        versions.withLock { all in
            guard let versions = all[botID] else { return (Self.empty, SlotDictionaries()) }
            return (env == .debug ? versions.draft : versions.online, versions.dictionaries)
        }
    }

    /// How many entries each bot's draft and online versions hold, by bot id.
    package func entryCounts() -> [(botID: Int64, draft: Int, online: Int)] {
        let current = versions.withLock { $0 }
        return current.sorted { $0.key < $1.key }.map { ($0.key, $0.value.draft.count, $0.value.online.count) }
    }

    // MARK: Writes of this server

    /// Runs `body` as this server's only write to `botID`'s knowledge base at the moment.
    ///
    /// Writes of one bot run one at a time, in the order they asked, so that each finds the draft
    /// in memory where the one before left it and applies in place
    /// (``applyDraftUpsert(_:revision:)``); writes of other bots run meanwhile. A write waiting for
    /// its turn holds no thread. While `body` runs, ``refresh()`` leaves this bot alone: `body`
    /// is expected to bring the bot in memory up to its write (applying it, or with
    /// ``refresh(botID:)``).
    package func withWriteSlot<T, Failure: Error>(
        botID: Int64,
        _ body: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        await takeWriteSlot(botID)
        defer { releaseWriteSlot(botID) }
        return try await body()
    }

    /// Whether a write of this server to `botID` is in flight.
    package func isWriting(botID: Int64) -> Bool {
        writeSlots.withLock { $0[botID] != nil }
    }

    private func takeWriteSlot(_ botID: Int64) async {
        let free = writeSlots.withLock { slots in
            guard slots[botID] == nil else { return false }
            slots[botID] = []
            return true
        }
        if free { return }
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let freed = writeSlots.withLock { slots in
                guard slots[botID] != nil else {
                    slots[botID] = []
                    return true
                }
                slots[botID]!.append(turn)
                return false
            }
            if freed { turn.resume() }
        }
    }

    /// Hands the slot to the next write waiting, or frees it.
    private func releaseWriteSlot(_ botID: Int64) {
        let next = writeSlots.withLock { slots -> CheckedContinuation<Void, Never>? in
            guard var waiting = slots[botID], !waiting.isEmpty else {
                slots[botID] = nil
                return nil
            }
            let next = waiting.removeFirst()
            slots[botID] = waiting
            return next
        }
        next?.resume()
    }

    // MARK: Refreshing

    /// Reloads the knowledge bases whose revisions changed in the store, except those of bots with
    /// a write of this server in flight (``withWriteSlot(botID:_:)``), which bring themselves up
    /// to date.
    ///
    /// Blocks on the store and on index building: call it on a thread pool.
    /// - Returns: How many versions (draft or online) were rebuilt.
    @discardableResult
    package func refresh() throws(StoreError) -> Int {
        try refresh(only: nil)
    }

    /// Reloads one bot's knowledge bases if its revisions changed in the store: what a write of
    /// this bot does when it cannot apply its change in place.
    ///
    /// Blocks on the store and on index building: call it on a thread pool.
    /// - Returns: How many versions (draft or online) were rebuilt.
    @discardableResult
    package func refresh(botID: Int64) throws(StoreError) -> Int {
        try refresh(only: botID)
    }

    private func refresh(only: Int64?) throws(StoreError) -> Int {
        let revisions = try store.knowledgeBaseRevisions()
        let current = versions.withLock { $0 }
        var rebuilt = 0
        var updated: [Int64: Versions] = [:]
        for revision in revisions {
            let old = current[revision.botID]
            if let old, old.revision == revision { continue }
            if let only, revision.botID != only { continue }
            if only == nil && isWriting(botID: revision.botID) { continue }
            var draftEntries: [FAQEntry]?
            let draft: KnowledgeBase
            let dictionaries: SlotDictionaries
            if let old, old.revision.draftRevision == revision.draftRevision {
                draft = old.draft
                dictionaries = old.dictionaries
            } else {
                let entries = try store.entries(botID: revision.botID, env: .debug)
                dictionaries = SlotDictionaries(try store.dictionaries(botID: revision.botID))
                draft = KnowledgeBase(entries: entries)
                draftEntries = entries
                rebuilt += 1
            }
            let online: KnowledgeBase
            if let old, old.revision.publishedVersion == revision.publishedVersion {
                online = old.online
            } else {
                let entries = try store.entries(botID: revision.botID, env: .online)
                // Right after a publish the two versions hold the same entries: share one index
                // (it is never changed in place here, only replaced).
                if entries == (draftEntries ?? draft.entries) {
                    online = draft
                } else {
                    online = KnowledgeBase(entries: entries)
                    rebuilt += 1
                }
            }
            updated[revision.botID] = Versions(
                draft: draft,
                online: online,
                dictionaries: dictionaries,
                revision: revision
            )
        }
        // Refreshes may run at once (the poller, and a management call after its write), and
        // incremental changes with them: keep whichever state of a bot is newer, so an older
        // refresh never undoes a newer one. Each state is one the store went through (a refresh
        // reads both numbers in one query; an incremental change stands where its write left the
        // store), so two states of a bot are always ordered. Each bot is changed under its own
        // lock, so a slow change of one bot holds up no other.
        for (botID, new) in updated {
            withChangeLock(botID) {
                versions.withLock { versions in
                    if let existing = versions[botID],
                        existing.revision.draftRevision > new.revision.draftRevision
                            || existing.revision.publishedVersion > new.revision.publishedVersion
                    {
                        return
                    }
                    versions[botID] = new
                }
            }
        }
        if only == nil {
            // Bots no longer in the store.
            let known = Set(revisions.map(\.botID))
            for botID in current.keys where !known.contains(botID) {
                withChangeLock(botID) { _ = versions.withLock { $0.removeValue(forKey: botID) } }
            }
        }
        return rebuilt
    }

    private func withChangeLock<R>(_ botID: Int64, _ body: () -> R) -> R {
        let lock = changeLocks.withLock { locks in
            if let lock = locks[botID] { return lock }
            let lock = ChangeLock()
            locks[botID] = lock
            return lock
        }
        return lock.mutex.withLock { _ in body() }
    }

    /// Applies this server's write of one draft entry to the draft in memory, without rebuilding
    /// it when it can.
    ///
    /// `revision` is the bot's revisions right after the write, as the store returned them
    /// (``ChatbotStore/SQLiteStore/upsertEntry(botID:_:isCancelled:)``). When the bot in memory
    /// stands exactly where the write started (the same published version and the draft revision
    /// one less), `entry` is upserted into the draft, replacing the entry with its id, and the bot
    /// stands at `revision`. Right after a publish the draft is the online version too: it is
    /// copied first, so online answers do not change. Otherwise (another write came in between,
    /// from `chatbotctl`, another replica or a concurrent call, or the bot is not loaded) this
    /// refreshes the bot instead.
    ///
    /// A query sees the draft without the entry or with it, never a part of the change. Only
    /// this bot's changes wait for it.
    ///
    /// Blocks on the index and, when it refreshes, on the store: call it on a thread pool.
    /// - Parameters:
    ///   - entry: The entry as stored, with its id.
    ///   - revision: The bot's revisions after the write.
    /// - Returns: Whether the entry was applied in place; false when this refreshed instead.
    /// - Throws: ``StoreError`` when the refresh fails.
    @discardableResult
    package func applyDraftUpsert(_ entry: FAQEntry, revision: KnowledgeBaseRevision) throws(StoreError) -> Bool {
        var previous = revision
        previous.draftRevision -= 1
        let applied = withChangeLock(revision.botID) {
            guard var current = versions.withLock({ $0[revision.botID] }), current.revision == previous else {
                return false
            }
            whileChanging?(revision.botID)
            if current.draft === current.online {
                // Shared with the online version: change a copy, which only draft queries see
                // once it replaces the draft below.
                let draft = current.draft.copy()
                draft.upsert(entry)
                current.draft = draft
            } else {
                // Only draft queries read this one; each sees it before the upsert or after.
                current.draft.upsert(entry)
            }
            current.revision = revision
            versions.withLock { $0[revision.botID] = current }
            return true
        }
        if !applied { try refresh(botID: revision.botID) }
        return applied
    }
}
