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
package final class KnowledgeBases: Sendable {
    private struct Versions: Sendable {
        var draft: KnowledgeBase
        var online: KnowledgeBase
        var revision: KnowledgeBaseRevision
    }

    private let store: SQLiteStore
    private let versions = Mutex<[Int64: Versions]>([:])
    private static let empty = KnowledgeBase()

    package init(store: SQLiteStore) {
        self.store = store
    }

    /// The knowledge base a query of `botID` in `env` reads; empty when the bot has none yet.
    package func knowledgeBase(botID: Int64, env: KnowledgeBaseEnv) -> KnowledgeBase {
        guard let versions = versions.withLock({ $0[botID] }) else { return Self.empty }
        return env == .debug ? versions.draft : versions.online
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
        // Refreshes may run at once (the poller, and a management call after its write): keep
        // whichever state of a bot is newer, so an older refresh never undoes a newer one.
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
        return rebuilt
    }
}
