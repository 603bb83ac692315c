internal import Synchronization

/// One version of a bot's knowledge base (the draft or the published copy) with its matcher
/// index, safe to query from many threads while it changes.
///
/// A query takes a snapshot of the index (a value; copying it retains a few buffers) and matches
/// without holding the lock, so writers never wait for readers. A change to one entry updates the
/// index in place; nothing is rebuilt.
package final class KnowledgeBase: Sendable {
    private let index: Mutex<MatcherIndex>
    private let scratches = Mutex<[MatchScratch]>([])

    /// A knowledge base holding `entries` (their ids must be distinct).
    package init(entries: [FAQEntry] = []) {
        self.index = Mutex(MatcherIndex(entries: entries))
    }

    private init(index: MatcherIndex) {
        self.index = Mutex(index)
    }

    /// A knowledge base with the same entries, which changes apart from this one.
    ///
    /// Cheap: the copy shares the index's storage, and the first change to either copies only
    /// the parts of the index that change touches.
    package func copy() -> KnowledgeBase {
        KnowledgeBase(index: index.withLock { $0 })
    }

    /// The entries, by id.
    package var entries: [FAQEntry] {
        index.withLock { $0.allEntries }.sorted { $0.id < $1.id }
    }

    /// How many entries it holds.
    package var count: Int {
        index.withLock { $0.entryCount }
    }

    /// The entry with this id, if there is one.
    package func entry(id: Int64) -> FAQEntry? {
        index.withLock { index in index.slotByID[id].flatMap { index.entries[Int($0)]?.entry } }
    }

    /// Adds `entry`, or replaces the one with the same id.
    package func upsert(_ entry: FAQEntry) {
        index.withLock { $0.upsert(entry) }
    }

    /// Removes the entry with this id; returns whether there was one.
    @discardableResult
    package func remove(id: Int64) -> Bool {
        index.withLock { $0.remove(id: id) }
    }

    /// The best entries for `query` within `scope`, best first, with calibrated confidences.
    ///
    /// - Parameters:
    ///   - query: The user's text.
    ///   - scope: The skills it may match.
    ///   - limit: How many candidates to return at most (10 at most are scored).
    package func match(_ query: String, scope: SkillScope = .all, limit: Int = 10) -> [MatchCandidate] {
        match(query, scope: scope, limit: limit, limits: MatchLimits())
    }

    /// The best entry for `query` when only the three best entries of the first stage are
    /// re-ranked: a third of the work of ``match(_:scope:limit:)``, for a knowledge base of a few
    /// intents with many phrasings each (``GeneralSkill``), whose best entry is almost always
    /// among the first stage's three.
    package func bestOfFew(_ query: String) -> MatchCandidate? {
        match(query, scope: .all, limit: 1, limits: MatchLimits(entries: 3, documents: 12)).first
    }

    private func match(_ query: String, scope: SkillScope, limit: Int, limits: MatchLimits) -> [MatchCandidate] {
        let snapshot = index.withLock { $0 }
        let scratch = scratches.withLock { $0.popLast() } ?? MatchScratch()
        var candidates = snapshot.match(query, scope: scope, limits: limits, scratch: scratch)
        scratches.withLock { $0.append(scratch) }
        if candidates.count > limit { candidates.removeLast(candidates.count - limit) }
        return candidates
    }
}

extension KnowledgeBase {
    /// The form in which two texts that ask the same thing are equal: the matcher's exact-match
    /// key (normalised, without particles and fillers such as 请问 and 吗, digits kept).
    package static func normalizedQuestion(_ text: String) -> String {
        NormalizedText(text).exactKey
    }
}
