package import ChatbotEngine

/// Knowledge bases: each bot's draft entries, which every write changes, and the published copy
/// that `publish` replaces with the draft.
extension SQLiteStore {
    private static let entryColumns = "id, key, skill, question, similar, answers, threshold, handoff, follows, slots"
    private static let upsertDraftEntry = """
        INSERT INTO kb_draft_entries (
            bot_id, key, skill, question, similar, answers, threshold, updated_at, handoff, follows, slots
        )
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        ON CONFLICT (bot_id, key) DO UPDATE SET
            skill = excluded.skill, question = excluded.question, similar = excluded.similar,
            answers = excluded.answers, threshold = excluded.threshold, updated_at = excluded.updated_at,
            handoff = excluded.handoff, follows = excluded.follows, slots = excluded.slots
        RETURNING id
        """
    private static let selectDraftIDs = "SELECT id FROM kb_draft_entries WHERE bot_id = ?1"
    private static let deleteDraftEntryByID = "DELETE FROM kb_draft_entries WHERE id = ?1"
    private static let deleteDraftEntryByKey = "DELETE FROM kb_draft_entries WHERE bot_id = ?1 AND key = ?2"
    private static let selectBotExists = "SELECT 1 FROM bots WHERE id = ?1"
    private static let bumpDraftRevision = """
        UPDATE bots SET draft_revision = draft_revision + 1 WHERE id = ?1 RETURNING draft_revision, published_version
        """
    private static let selectDraftEntries = "SELECT \(entryColumns) FROM kb_draft_entries WHERE bot_id = ?1 ORDER BY id"
    private static let selectPublishedEntries =
        "SELECT \(entryColumns) FROM kb_published_entries WHERE bot_id = ?1 ORDER BY id"
    private static let countDraftEntries = "SELECT count(*) FROM kb_draft_entries WHERE bot_id = ?1"
    private static let countPublishedEntries = "SELECT count(*) FROM kb_published_entries WHERE bot_id = ?1"
    private static let bumpPublishedVersion = """
        UPDATE bots SET published_version = published_version + 1 WHERE id = ?1 RETURNING published_version
        """
    private static let deletePublishedEntries = "DELETE FROM kb_published_entries WHERE bot_id = ?1"
    private static let copyDraftToPublished = """
        INSERT INTO kb_published_entries (
            id, bot_id, key, skill, question, similar, answers, threshold, updated_at, handoff, follows, slots
        )
        SELECT id, bot_id, key, skill, question, similar, answers, threshold, updated_at, handoff, follows, slots
        FROM kb_draft_entries WHERE bot_id = ?1
        """
    private static let selectRevisions = "SELECT id, draft_revision, published_version FROM bots ORDER BY id"

    /// Adds entries to a bot's draft, or updates the entries with the same keys, and commits them
    /// before returning, all in one transaction.
    ///
    /// An entry whose ``FAQEntry/key`` is already in the draft keeps its ``FAQEntry/id``; a new one
    /// gets a new id, never one that a deleted entry had. The ids of `entries` are ignored. The
    /// bot's draft revision grows by one.
    ///
    /// - Parameters:
    ///   - botID: The bot's ``Bot/id``.
    ///   - entries: The entries, each with a key of its own.
    ///   - replace: Whether to delete the draft entries whose keys are not in `entries` as well,
    ///     which makes the draft exactly `entries`.
    ///   - isCancelled: Asked once the write holds the database's write lock and has written its
    ///     rows, right before it commits: true rolls it back (for a caller that has gone away
    ///     meanwhile, e.g. while the write waited for another connection's lock).
    /// - Returns: `entries` as stored, with their ids, in their order.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/invalidEntry`` when an entry is
    ///   invalid (see ``checkEntry(_:)``) or two have the same key,
    ///   ``StoreError/Code-swift.struct/unknownBot`` when no bot has `botID`,
    ///   ``StoreError/Code-swift.struct/cancelled`` when `isCancelled` said so. Nothing is written then.
    package func importEntries(
        botID: Int64,
        _ entries: [FAQEntry],
        replace: Bool,
        isCancelled: () -> Bool = { false }
    ) throws(StoreError) -> [FAQEntry] {
        try importEntriesReturningRevision(botID: botID, entries, replace: replace, isCancelled: isCancelled).entries
    }

    /// ``importEntries(botID:_:replace:isCancelled:)``, which also returns the revisions the write made.
    private func importEntriesReturningRevision(
        botID: Int64,
        _ entries: [FAQEntry],
        replace: Bool,
        isCancelled: () -> Bool
    ) throws(StoreError) -> (entries: [FAQEntry], revision: KnowledgeBaseRevision) {
        var keys = Set<String>(minimumCapacity: entries.count)
        for entry in entries {
            try Self.checkEntry(entry)
            guard keys.insert(entry.key).inserted else {
                throw StoreError(.invalidEntry, "entry \(Self.quoted(entry.key)): the key appears more than once")
            }
        }
        let updatedAt = currentTime()
        let stored = try withConnection("cannot import the entries") { connection throws(SQLiteError) in
            try connection.withTransaction {
                () throws(SQLiteError) -> (entries: [FAQEntry], revision: KnowledgeBaseRevision)? in
                guard let revision = try Self.bumpDraftRevision(botID, connection) else { return nil }
                var stored: [FAQEntry] = []
                stored.reserveCapacity(entries.count)
                for var entry in entries {
                    entry.id = try Self.upsert(entry, botID: botID, updatedAt: updatedAt, connection)
                    stored.append(entry)
                }
                if replace {
                    let kept = Set(stored.map(\.id))
                    let existing = try connection.withStatement(Self.selectDraftIDs) { statement throws(SQLiteError) in
                        try statement.bind(botID, at: 1)
                        var ids: [Int64] = []
                        while try statement.step() { ids.append(statement.int64(at: 0)) }
                        return ids
                    }
                    for id in existing where !kept.contains(id) {
                        try connection.withStatement(Self.deleteDraftEntryByID) { statement throws(SQLiteError) in
                            try statement.bind(id, at: 1)
                            try statement.run()
                        }
                    }
                }
                if isCancelled() { throw SQLiteError.cancelledBeforeCommit }
                return (stored, revision)
            }
        }
        guard let stored else { throw Self.unknownBot(botID) }
        return stored
    }

    /// Adds an entry to a bot's draft, or updates the entry with the same key, and commits it
    /// before returning.
    ///
    /// The same as ``importEntries(botID:_:replace:isCancelled:)`` with one entry and `replace` false.
    ///
    /// - Returns: The entry as stored, with its id, and the bot's revisions right after this write,
    ///   read in its transaction: the write took the bot from the same numbers with a draft
    ///   revision one less. A server whose knowledge base in memory stands there can apply `entry`
    ///   to its draft instead of reloading it.
    package func upsertEntry(
        botID: Int64,
        _ entry: FAQEntry,
        isCancelled: () -> Bool = { false }
    ) throws(StoreError) -> (entry: FAQEntry, revision: KnowledgeBaseRevision) {
        let written = try importEntriesReturningRevision(
            botID: botID,
            [entry],
            replace: false,
            isCancelled: isCancelled
        )
        return (written.entries[0], written.revision)
    }

    /// Deletes the draft entry with key `key`, if there is one, and commits before returning.
    ///
    /// The bot's draft revision grows by one when an entry was deleted. The published copy keeps
    /// the entry until the next ``publish(botID:isCancelled:)``.
    ///
    /// - Returns: Whether there was such an entry.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/unknownBot`` when no bot has `botID`.
    package func deleteEntry(botID: Int64, key: String) throws(StoreError) -> Bool {
        let deleted = try withConnection("cannot delete the entry") { connection throws(SQLiteError) in
            try connection.withTransaction { () throws(SQLiteError) -> Bool? in
                try connection.withStatement(Self.deleteDraftEntryByKey) { statement throws(SQLiteError) in
                    try statement.bind(botID, at: 1)
                    try statement.bind(key, at: 2)
                    try statement.run()
                }
                if connection.changedRowCount > 0 {
                    _ = try Self.bumpDraftRevision(botID, connection)
                    return true
                }
                let botExists = try connection.withStatement(Self.selectBotExists) { statement throws(SQLiteError) in
                    try statement.bind(botID, at: 1)
                    return try statement.step()
                }
                return botExists ? false : nil
            }
        }
        guard let deleted else { throw Self.unknownBot(botID) }
        return deleted
    }

    /// A bot's draft or published entries, ordered by id; none for a bot that has none, or that
    /// does not exist.
    ///
    /// One query, so the entries are a consistent snapshot even while another process writes.
    package func entries(botID: Int64, env: KnowledgeBaseEnv) throws(StoreError) -> [FAQEntry] {
        let sql = env == .debug ? Self.selectDraftEntries : Self.selectPublishedEntries
        return try withConnection("cannot read the entries") { connection throws(SQLiteError) in
            try connection.withStatement(sql) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                var entries: [FAQEntry] = []
                while try statement.step() {
                    entries.append(try Self.entry(at: statement))
                }
                return entries
            }
        }
    }

    /// How many draft or published entries a bot has.
    package func entryCount(botID: Int64, env: KnowledgeBaseEnv) throws(StoreError) -> Int {
        let sql = env == .debug ? Self.countDraftEntries : Self.countPublishedEntries
        return try withConnection("cannot count the entries") { connection throws(SQLiteError) in
            try connection.withStatement(sql) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                _ = try statement.step()
                return Int(statement.int64(at: 0))
            }
        }
    }

    /// Replaces a bot's published entries with a copy of its draft, ids included, and commits
    /// before returning.
    ///
    /// One transaction: a reader sees either the old published copy or the new one, never a mix,
    /// and later draft writes do not change the copy.
    ///
    /// - Parameter isCancelled: Asked right before the commit, as by
    ///   ``importEntries(botID:_:replace:isCancelled:)``: true rolls the publish back.
    /// - Returns: The new published version, one more than the last.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/unknownBot`` when no bot has
    ///   `botID`, ``StoreError/Code-swift.struct/cancelled`` when `isCancelled` said so.
    package func publish(botID: Int64, isCancelled: () -> Bool = { false }) throws(StoreError) -> Int64 {
        let version = try withConnection("cannot publish the knowledge base") { connection throws(SQLiteError) in
            try connection.withTransaction { () throws(SQLiteError) -> Int64? in
                let version = try connection.withStatement(Self.bumpPublishedVersion) {
                    statement throws(SQLiteError) -> Int64? in
                    try statement.bind(botID, at: 1)
                    guard try statement.step() else { return nil }
                    let version = statement.int64(at: 0)
                    try statement.run()
                    return version
                }
                guard let version else { return nil }
                for sql in [Self.deletePublishedEntries, Self.copyDraftToPublished] {
                    try connection.withStatement(sql) { statement throws(SQLiteError) in
                        try statement.bind(botID, at: 1)
                        try statement.run()
                    }
                }
                if isCancelled() { throw SQLiteError.cancelledBeforeCommit }
                return version
            }
        }
        guard let version else { throw Self.unknownBot(botID) }
        return version
    }

    /// Every bot's draft revision and published version, ordered by bot id.
    ///
    /// One small query, for a server to poll: it reloads the bots whose numbers changed.
    package func knowledgeBaseRevisions() throws(StoreError) -> [KnowledgeBaseRevision] {
        try withConnection("cannot read the knowledge-base revisions") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectRevisions) { statement throws(SQLiteError) in
                var revisions: [KnowledgeBaseRevision] = []
                while try statement.step() {
                    revisions.append(
                        KnowledgeBaseRevision(
                            botID: statement.int64(at: 0),
                            draftRevision: statement.int64(at: 1),
                            publishedVersion: statement.int64(at: 2)
                        )
                    )
                }
                return revisions
            }
        }
    }

    /// Checks an entry before it is written: a key, a question, at least one answer, no empty
    /// answer or similar question, at most ``ChatbotEngine/FAQEntry/maxSimilarQuestions`` similar
    /// questions, a threshold between 0 and 1 when there is one.
    ///
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/invalidEntry``, whose message
    ///   names the entry's key.
    package static func checkEntry(_ entry: FAQEntry) throws(StoreError) {
        func invalid(_ reason: String) -> StoreError {
            StoreError(.invalidEntry, "entry \(quoted(entry.key)): \(reason)")
        }
        guard !entry.key.isEmpty else { throw StoreError(.invalidEntry, "an entry has an empty key") }
        guard !entry.question.isEmpty else { throw invalid("the question is empty") }
        guard !entry.answers.isEmpty else { throw invalid("there is no answer") }
        guard !entry.answers.contains(where: \.isEmpty) else { throw invalid("an answer is empty") }
        guard !entry.similar.contains(where: \.isEmpty) else { throw invalid("a similar question is empty") }
        guard entry.similar.count <= FAQEntry.maxSimilarQuestions else {
            throw invalid(
                "too many similar questions: \(entry.similar.count), the limit is \(FAQEntry.maxSimilarQuestions)"
            )
        }
        if let threshold = entry.threshold, !(0...1).contains(threshold) {
            throw invalid("the threshold must be between 0 and 1, got \(threshold)")
        }
        guard entry.follows.count <= FAQEntry.maxSimilarQuestions, !entry.follows.contains(where: \.isEmpty) else {
            throw invalid("follows must name at most \(FAQEntry.maxSimilarQuestions) entries, none of them empty")
        }
        guard entry.slots.count <= SlotSpec.maxPerEntry else {
            throw invalid("too many slots: \(entry.slots.count), the limit is \(SlotSpec.maxPerEntry)")
        }
        var names = Set<String>()
        for slot in entry.slots {
            guard !slot.name.isEmpty, !slot.dictionary.isEmpty else {
                throw invalid("a slot needs a name and a dict")
            }
            guard !slot.name.contains(where: { "{}".contains($0) }) else {
                throw invalid("slot name \(quoted(slot.name)) has a brace")
            }
            guard names.insert(slot.name).inserted else { throw invalid("slot \(quoted(slot.name)) is declared twice") }
        }
    }

    /// Bumps the bot's draft revision, in the caller's transaction.
    ///
    /// - Returns: The bot's revisions after the bump; nil when the bot does not exist.
    static func bumpDraftRevision(
        _ botID: Int64,
        _ connection: SQLiteConnection
    ) throws(SQLiteError) -> KnowledgeBaseRevision? {
        try connection.withStatement(bumpDraftRevision) { statement throws(SQLiteError) -> KnowledgeBaseRevision? in
            try statement.bind(botID, at: 1)
            guard try statement.step() else { return nil }
            let revision = KnowledgeBaseRevision(
                botID: botID,
                draftRevision: statement.int64(at: 0),
                publishedVersion: statement.int64(at: 1)
            )
            try statement.run()
            return revision
        }
    }

    /// Inserts or updates one draft entry, in the caller's transaction, and returns its id.
    private static func upsert(
        _ entry: FAQEntry,
        botID: Int64,
        updatedAt: Int64,
        _ connection: SQLiteConnection
    ) throws(SQLiteError) -> Int64 {
        try connection.withStatement(upsertDraftEntry) { statement throws(SQLiteError) in
            try statement.bind(botID, at: 1)
            try statement.bind(entry.key, at: 2)
            try statement.bind(entry.skill, at: 3)
            try statement.bind(entry.question, at: 4)
            try statement.bind(JSONStringArray.encode(entry.similar), at: 5)
            try statement.bind(JSONStringArray.encode(entry.answers), at: 6)
            try statement.bind(entry.threshold, at: 7)
            try statement.bind(updatedAt, at: 8)
            try statement.bind(Int64(entry.handoff ? 1 : 0), at: 9)
            try statement.bind(JSONStringArray.encode(entry.follows), at: 10)
            try statement.bind(JSONStringArray.encode(entry.slots.flatMap(Self.columns)), at: 11)
            // RETURNING gives the id whether the row was inserted or updated; the write is done
            // by the first step, the rest only finishes the statement.
            _ = try statement.step()
            let id = statement.int64(at: 0)
            try statement.run()
            return id
        }
    }

    /// The entry in the current row of a statement that selects ``entryColumns``.
    private static func entry(at statement: SQLiteStatement) throws(SQLiteError) -> FAQEntry {
        let similar = try statement.withTextBytes(at: 4) { bytes throws(SQLiteError) in
            try JSONStringArray.decode(bytes, column: "similar")
        }
        let answers = try statement.withTextBytes(at: 5) { bytes throws(SQLiteError) in
            try JSONStringArray.decode(bytes, column: "answers")
        }
        let follows = try statement.withTextBytes(at: 8) { bytes throws(SQLiteError) in
            try JSONStringArray.decode(bytes, column: "follows")
        }
        let slotColumns = try statement.withTextBytes(at: 9) { bytes throws(SQLiteError) in
            try JSONStringArray.decode(bytes, column: "slots")
        }
        guard slotColumns.count % 4 == 0 else { throw JSONStringArray.corrupt("slots", "not four strings per slot") }
        let slots = stride(from: 0, to: slotColumns.count, by: 4).map { i in
            SlotSpec(
                name: slotColumns[i],
                dictionary: slotColumns[i + 1],
                required: !slotColumns[i + 2].isEmpty,
                prompt: slotColumns[i + 3]
            )
        }
        return FAQEntry(
            id: statement.int64(at: 0),
            key: try statement.text(at: 1),
            skill: try statement.text(at: 2),
            question: try statement.text(at: 3),
            similar: similar,
            answers: answers,
            threshold: statement.optionalDouble(at: 6),
            handoff: statement.int64(at: 7) != 0,
            follows: follows,
            slots: slots
        )
    }

    /// A slot as the four strings of the `slots` column.
    private static func columns(_ slot: SlotSpec) -> [String] {
        [slot.name, slot.dictionary, slot.required ? "1" : "", slot.prompt]
    }

    static func unknownBot(_ botID: Int64) -> StoreError {
        StoreError(.unknownBot, "no bot has the id \(botID)")
    }

    /// `key` in double quotes, as in messages.
    private static func quoted(_ key: String) -> String { "\"\(key)\"" }
}
