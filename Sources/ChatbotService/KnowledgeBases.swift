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
package final class KnowledgeBases: Sendable {
    private struct Versions: Sendable {
        var draft: KnowledgeBase
        var online: KnowledgeBase
        var revision: KnowledgeBaseRevision
    }

    private let store: SQLiteStore
    private let versions = Mutex<[Int64: Versions]>([:])
    /// Held by whatever changes a bot's versions: an incremental change (from its check of the
    /// revision to its record of the new one, the change of the index included) and the last step
    /// of a refresh. Taken before ``versions``; queries never take it.
    private let changes = Mutex<Void>(())
    private static let empty = KnowledgeBase()

    package init(store: SQLiteStore) {
        self.store = store
    }

    /// The knowledge base a query of `botID` in `env` reads; empty when the bot has none yet.
    package func knowledgeBase(botID: Int64, env: KnowledgeBaseEnv) -> KnowledgeBase {
        guard let versions = versions.withLock({ $0[botID] }) else { return Self.empty }
        return env == .debug ? versions.draft : versions.online
    }

    /// How many entries each bot's draft and online versions hold, by bot id.
    package func entryCounts() -> [(botID: Int64, draft: Int, online: Int)] {
        let current = versions.withLock { $0 }
        return current.sorted { $0.key < $1.key }.map { ($0.key, $0.value.draft.count, $0.value.online.count) }
    }

    /// Reloads the knowledge bases whose revisions changed in the store.
    ///
    /// Blocks on the store and on index building: call it on a thread pool.
    /// - Returns: How many versions (draft or online) were rebuilt.
    @discardableResult
    package func refresh() throws(StoreError) -> Int {
        let revisions = try store.knowledgeBaseRevisions()
        let current = versions.withLock { $0 }
        var rebuilt = 0
        var updated: [Int64: Versions] = [:]
        for revision in revisions {
            let old = current[revision.botID]
            if let old, old.revision == revision {
                updated[revision.botID] = old
                continue
            }
            var draftEntries: [FAQEntry]?
            let draft: KnowledgeBase
            if let old, old.revision.draftRevision == revision.draftRevision {
                draft = old.draft
            } else {
                let entries = try store.entries(botID: revision.botID, env: .debug)
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
            updated[revision.botID] = Versions(draft: draft, online: online, revision: revision)
        }
        // Refreshes may run at once (the poller, and a management call after its write), and
        // incremental changes with them: keep whichever state of a bot is newer, so an older
        // refresh never undoes a newer one. Each state is one the store went through (a refresh
        // reads both numbers in one query; an incremental change stands where its write left the
        // store), so two states of a bot are always ordered.
        changes.withLock { _ in
            versions.withLock { versions in
                for (botID, new) in updated {
                    if let existing = versions[botID],
                        existing.revision.draftRevision > new.revision.draftRevision
                            || existing.revision.publishedVersion > new.revision.publishedVersion
                    {
                        continue
                    }
                    versions[botID] = new
                }
                for botID in versions.keys where updated[botID] == nil { versions[botID] = nil }
            }
        }
        return rebuilt
    }

    /// Applies this server's write of one draft entry to the draft in memory, without rebuilding
    /// it when it can.
    ///
    /// `revision` is the bot's revisions right after the write, as the store returned them
    /// (``ChatbotStore/SQLiteStore/upsertEntry(botID:_:)``). When the bot in memory stands exactly
    /// where the write started (the same published version and the draft revision one less),
    /// `entry` is upserted into the draft, replacing the entry with its id, and the bot stands at
    /// `revision`. Right after a publish the draft is the online version too: it is copied first,
    /// so online answers do not change. Otherwise (another write came in between, from `chatbotctl`,
    /// another replica or a concurrent call, or the bot is not loaded) this refreshes instead.
    ///
    /// A query sees the draft without the entry or with it, never a part of the change.
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
        let applied = changes.withLock { _ in
            guard var current = versions.withLock({ $0[revision.botID] }), current.revision == previous else {
                return false
            }
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
        if !applied { try refresh() }
        return applied
    }
}
