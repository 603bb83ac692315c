internal import ChatbotCrypto
internal import ChatbotEngine
internal import ChatbotStore
internal import Logging
internal import NIOPosix
internal import Synchronization

/// What `setautoreply` writes: one FAQ entry of the draft.
package struct AutoReply: Sendable, Hashable {
    package var managerID: String
    package var skill: String
    package var title: String
    package var content: String
    package var questions: [String]
    /// The keys of the entries it follows up (``followedKeys(_:skill:)``).
    package var follows: [String] = []
}

extension ChatbotOperations {
    /// Opens a management envelope and reads the XML inside.
    ///
    /// - Throws: 1013 when `encrypt` is empty, does not decrypt, or does not hold acceptable XML
    ///   (DESIGN §4); the errmsg names the cause.
    package func openEnvelope(bot: BotEntry, encrypt: String) throws(PlatformFailure) -> XMLPayload {
        let bytes = try Self.decrypt(bot: bot, encrypt: encrypt)
        do throws(XMLPayload.Malformed) {
            return try XMLPayload(parsing: bytes)
        } catch {
            throw PlatformFailure(.decryptionFailed, "the decrypted payload is not acceptable XML: \(error.message)")
        }
    }

    /// The plaintext of the envelope in `encrypt`.
    ///
    /// - Throws: 1013 when `encrypt` is empty or does not decrypt for the bot (DESIGN §4).
    static func decrypt(bot: BotEntry, encrypt: String) throws(PlatformFailure) -> [UInt8] {
        guard !encrypt.isEmpty else {
            throw PlatformFailure(.decryptionFailed, "encrypt is missing: send the envelope in the field encrypt")
        }
        do throws(CryptoError) {
            return try bot.envelope.decrypt(encrypt)
        } catch {
            throw PlatformFailure(error)
        }
    }

    /// The fields of a `setautoreply` payload, checked.
    ///
    /// - Throws: 1007 when `managerid`, `skillname`, `title` or `content` is missing or empty, when
    ///   a similar question is empty, when there are more than
    ///   ``ChatbotEngine/FAQEntry/maxSimilarQuestions`` `question` elements, or when `content` is a
    ///   malformed rich answer (``RichAnswer``); the errmsg names the field or the limit.
    package static func autoReply(from payload: XMLPayload) throws(PlatformFailure) -> AutoReply {
        let managerID = try required("managerid", in: payload)
        let skill = try required("skillname", in: payload)
        let title = try required("title", in: payload)
        guard let content = payload.value(of: "content"), !content.isEmpty else {
            throw PlatformFailure(.managementFieldEmpty, "content is missing or empty")
        }
        do throws(RichAnswer.Invalid) {
            try RichAnswer.check(content, field: "content")
        } catch {
            throw PlatformFailure(.managementFieldEmpty, error.message)
        }
        let questions = try similarQuestions(payload.values(of: "question"), title: title)
        return AutoReply(
            managerID: managerID,
            skill: skill,
            title: title,
            content: content,
            questions: questions,
            follows: try followedKeys(payload.values(of: "follows"), skill: skill)
        )
    }

    /// The keys of the entries that `<follows>` elements name, each by the title of an entry of
    /// the same skill (keyed as ``FAQEntry/autoReplyKey(skill:question:)``): the entry is then a
    /// follow-up of those, matched only in their context (CONTEXT_FAQ).
    ///
    /// - Throws: 1007 for an empty one, or more than ``ChatbotEngine/FAQEntry/maxSimilarQuestions``.
    static func followedKeys(_ titles: [String], skill: String, path: String = "") throws(PlatformFailure) -> [String] {
        guard titles.count <= FAQEntry.maxSimilarQuestions else {
            throw PlatformFailure(.managementFieldEmpty, "\(path)follows: at most \(FAQEntry.maxSimilarQuestions)")
        }
        var keys: [String] = []
        for (i, title) in titles.enumerated() {
            let trimmed = title.trimmingWhitespace
            guard !trimmed.isEmpty else {
                throw PlatformFailure(.managementFieldEmpty, "\(path)follows[\(i)] is empty")
            }
            let key = FAQEntry.autoReplyKey(skill: skill, question: trimmed)
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// The similar questions of an entry as sent: trimmed, without repeats or the title, in
    /// their order.
    ///
    /// - Parameter path: Where they are, for the errmsg (`skill[2].`).
    /// - Throws: 1007 when there are more than ``ChatbotEngine/FAQEntry/maxSimilarQuestions``
    ///   (counted as sent, repeats included, before any other work), or one is empty.
    static func similarQuestions(
        _ sent: [String],
        title: String,
        path: String = ""
    ) throws(PlatformFailure) -> [String] {
        guard sent.count <= FAQEntry.maxSimilarQuestions else {
            let place = path.isEmpty ? "" : "\(path.dropLast()): "
            throw PlatformFailure(
                .managementFieldEmpty,
                "\(place)too many questions: \(sent.count), the limit is \(FAQEntry.maxSimilarQuestions)"
            )
        }
        var questions: [String] = []
        var seen: Set<String> = [title]
        for (i, question) in sent.enumerated() {
            let trimmed = question.trimmingWhitespace
            guard !trimmed.isEmpty else {
                throw PlatformFailure(.managementFieldEmpty, "\(path)question[\(i)] is empty")
            }
            if seen.insert(trimmed).inserted { questions.append(trimmed) }
        }
        return questions
    }

    /// `setautoreply`: upserts one entry of the draft, keyed by skill and title
    /// (``FAQEntry/autoReplyKey(skill:question:)``), and updates the draft in memory before
    /// returning (that one entry, or a refresh when another write came in between:
    /// ``KnowledgeBases/applyDraftUpsert(_:revision:)``), so that the next `env=debug` query finds it.
    ///
    /// Writes of one bot take turns (``KnowledgeBases/withWriteSlot(botID:_:)``); other bots' writes
    /// do not wait for them. A caller that goes away (its task cancelled) before the write commits
    /// gets nothing written.
    ///
    /// - Returns: The entry's id (`ans_node_id`).
    /// - Throws: 1013 for the envelope, 1007 for the fields (see ``autoReply(from:)``), 1015 when
    ///   the managerid is not one of the bot's managers, -1 when the store fails or the call was
    ///   cancelled.
    package func setAutoReply(bot: BotEntry, encrypt: String, peer: String) async throws(PlatformFailure) -> Int64 {
        try await checkingManagement(bot: bot, peer: peer) { () async throws(PlatformFailure) in
            try await setAutoReply(bot: bot, encrypt: encrypt)
        }
    }

    private func setAutoReply(bot: BotEntry, encrypt: String) async throws(PlatformFailure) -> Int64 {
        let reply = try Self.autoReply(from: openEnvelope(bot: bot, encrypt: encrypt))
        let entry = FAQEntry(
            key: FAQEntry.autoReplyKey(skill: reply.skill, question: reply.title),
            skill: reply.skill,
            question: reply.title,
            similar: reply.questions,
            answers: [reply.content],
            follows: reply.follows
        )
        let botID = bot.bot.id
        let knowledgeBases = self.knowledgeBases
        let managerID = reply.managerID
        let id = try await knowledgeBases.withWriteSlot(botID: botID) { () async throws(PlatformFailure) in
            try await withStore { store, isCancelled throws(StoreError) -> Int64? in
                guard try store.isManager(botID: botID, managerID: managerID) else { return nil }
                let stored = try store.upsertEntry(botID: botID, entry, isCancelled: isCancelled)
                try knowledgeBases.applyDraftUpsert(stored.entry, revision: stored.revision)
                return stored.entry.id
            }
        }
        guard let id else { throw Self.unknownManager(managerID) }
        return id
    }

    /// 1015, naming the managerid.
    static func unknownManager(_ managerID: String) -> PlatformFailure {
        PlatformFailure(
            .managerUnknown,
            "managerid \"\(managerID)\" is not a manager of this bot (chatbotctl bots add-manager)"
        )
    }

    /// `batchimportskill`: adds or updates the payload's skills in the draft (mode 0), or makes the
    /// draft exactly those skills (mode 1), in one transaction, keyed like `setautoreply` (skill and
    /// title), and refreshes the draft in memory before returning.
    ///
    /// - Returns: How many entries were written.
    /// - Throws: 1013 for the envelope, 1007 for a missing or malformed field (the errmsg names it,
    ///   e.g. `skill[2].answer[0]`), 1015 for an unknown managerid, -1 when the store fails.
    package func batchImportSkill(bot: BotEntry, encrypt: String, peer: String) async throws(PlatformFailure) -> Int {
        try await checkingManagement(bot: bot, peer: peer) { () async throws(PlatformFailure) in
            try await batchImportSkill(bot: bot, encrypt: encrypt)
        }
    }

    private func batchImportSkill(bot: BotEntry, encrypt: String) async throws(PlatformFailure) -> Int {
        let payload = try openEnvelope(bot: bot, encrypt: encrypt)
        let managerID = try Self.required("managerid", in: payload)
        let replace: Bool
        switch payload.value(of: "mode")?.trimmingWhitespace ?? "" {
        case "", "0": replace = false
        case "1": replace = true
        case let other:
            throw PlatformFailure(.managementFieldEmpty, "mode must be 0 (append) or 1 (replace all), not \"\(other)\"")
        }
        let skills = payload.children(named: "skill")
        guard !skills.isEmpty else {
            throw PlatformFailure(.managementFieldEmpty, "skill is missing: send at least one <skill>")
        }
        var entries: [FAQEntry] = []
        var seen: [String: Int] = [:]
        for (i, skill) in skills.enumerated() {
            let path = "skill[\(i)]."
            let name = try Self.required("skillname", in: skill, path: path)
            let title = try Self.required("title", in: skill, path: path)
            let answers = skill.values(of: "answer")
            guard !answers.isEmpty else { throw PlatformFailure(.managementFieldEmpty, "\(path)answer is missing") }
            for (j, answer) in answers.enumerated() {
                do throws(RichAnswer.Invalid) {
                    try RichAnswer.check(answer, field: "\(path)answer[\(j)]")
                } catch {
                    throw PlatformFailure(.managementFieldEmpty, error.message)
                }
            }
            let questions = try Self.similarQuestions(skill.values(of: "question"), title: title, path: path)
            let key = FAQEntry.autoReplyKey(skill: name, question: title)
            if let first = seen[key] {
                throw PlatformFailure(
                    .managementFieldEmpty,
                    "skill[\(i)] repeats the skillname and title of skill[\(first)]"
                )
            }
            seen[key] = i
            let follows = try Self.followedKeys(skill.values(of: "follows"), skill: name, path: path)
            entries.append(
                FAQEntry(key: key, skill: name, question: title, similar: questions, answers: answers, follows: follows)
            )
        }
        let botID = bot.bot.id
        let knowledgeBases = self.knowledgeBases
        let entriesToWrite = entries
        let imported = try await knowledgeBases.withWriteSlot(botID: botID) { () async throws(PlatformFailure) in
            try await withStore { store, isCancelled throws(StoreError) -> Int? in
                guard try store.isManager(botID: botID, managerID: managerID) else { return nil }
                let stored = try store.importEntries(
                    botID: botID,
                    entriesToWrite,
                    replace: replace,
                    isCancelled: isCancelled
                )
                try knowledgeBases.refresh(botID: botID)
                return stored.count
            }
        }
        guard let imported else { throw Self.unknownManager(managerID) }
        return imported
    }

    /// `publish` over HTTP: the platform's envelope carries the managerid, checked like the other
    /// management calls. gRPC's `Publish` has no envelope: it checks a call credential
    /// (``authorizeManager(bot:authorization:peer:)``) and calls ``publish(bot:managerID:)``.
    package func publish(bot: BotEntry, encrypt: String, peer: String) async throws(PlatformFailure) -> String {
        try await checkingManagement(bot: bot, peer: peer) { () async throws(PlatformFailure) in
            let payload = try openEnvelope(bot: bot, encrypt: encrypt)
            return try await publish(bot: bot, managerID: Self.required("managerid", in: payload))
        }
    }

    /// Copies the draft to the published knowledge base (one store transaction, committed before
    /// returning), refreshes the online version in memory, and returns the task id for
    /// `publish_progress`.
    ///
    /// - Throws: 1015 for a managerid that is not the bot's, -1 when the store fails.
    package func publish(bot: BotEntry, managerID: String) async throws(PlatformFailure) -> String {
        let botID = bot.bot.id
        let knowledgeBases = self.knowledgeBases
        let version = try await knowledgeBases.withWriteSlot(botID: botID) { () async throws(PlatformFailure) in
            try await withStore { store, isCancelled throws(StoreError) -> Int64? in
                guard try store.isManager(botID: botID, managerID: managerID) else { return nil }
                let version = try store.publish(botID: botID, isCancelled: isCancelled)
                try knowledgeBases.refresh(botID: botID)
                return version
            }
        }
        guard let version else { throw Self.unknownManager(managerID) }
        return publishTasks.record(botID: botID, version: version).id
    }

    /// `publish_progress` over HTTP: the envelope carries the managerid and, optionally, the
    /// task_id (also accepted as a plain field); without one, the bot's latest publish.
    package func publishProgress(
        bot: BotEntry,
        encrypt: String,
        taskID: String,
        peer: String
    ) async throws(PlatformFailure) -> String {
        let payload = try await checkingManagement(bot: bot, peer: peer) { () async throws(PlatformFailure) in
            let payload = try openEnvelope(bot: bot, encrypt: encrypt)
            let managerID = try Self.required("managerid", in: payload)
            let botID = bot.bot.id
            let known = try await withStore { store, _ throws(StoreError) in
                try store.isManager(botID: botID, managerID: managerID)
            }
            guard known else { throw Self.unknownManager(managerID) }
            return payload
        }
        let taskID = payload.value(of: "task_id")?.trimmingWhitespace ?? taskID
        return try publishProgress(bot: bot, taskID: taskID)
    }

    /// The progress of a publish task of this bot: always complete, since publishing commits
    /// before `publish` answers.
    ///
    /// - Returns: The task's id.
    /// - Throws: 1007 when the task is unknown (another bot's, from before a restart, or never
    ///   issued), or when `taskID` is empty and the bot has not been published by this process.
    package func publishProgress(bot: BotEntry, taskID: String) throws(PlatformFailure) -> String {
        guard let task = publishTasks.task(id: taskID, botID: bot.bot.id) else {
            if taskID.isEmpty {
                throw PlatformFailure(.managementFieldEmpty, "task_id is missing and this bot has no publish task yet")
            }
            throw PlatformFailure(
                .managementFieldEmpty,
                "task_id \"\(taskID)\" is not a publish task of this bot (tasks are kept in memory until a restart)"
            )
        }
        return task.id
    }

    /// Runs `body` on the thread pool (the store blocks) and maps its failures: an invalid entry
    /// is the client's (1007, with the store's message), an unknown bot 1001, anything else ours
    /// (-1, the cause logged and not sent).
    ///
    /// `body` gets the store and whether the calling task has been cancelled (its client has gone
    /// away, e.g. an HTTP/2 stream reset or a closed connection), for writes to check right before
    /// they commit (``ChatbotStore/SQLiteStore/upsertEntry(botID:_:isCancelled:)``): a write
    /// nobody waits for any more is rolled back, one that has committed is kept and applied. A
    /// task cancelled before `body` starts does not run it.
    func withStore<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteStore, _ isCancelled: () -> Bool) throws(StoreError) -> T
    ) async throws(PlatformFailure) -> T {
        let store = self.store
        let cancelled = CancellationFlag()
        let result: Result<T, StoreError>
        do {
            result = try await withTaskCancellationHandler {
                try await threadPool.runIfActive {
                    Result { () throws(StoreError) in try body(store) { cancelled.isSet } }
                }
            } onCancel: {
                cancelled.set()
            }
        } catch is CancellationError where Task.isCancelled {
            // runIfActive dropped the work before it started. (A pool that is not running throws
            // CancellationError too, for a task nobody cancelled: that is the case below.)
            throw Self.cancelled
        } catch {
            logger.error("the thread pool is not running", metadata: ["error": "\(error)"])
            throw PlatformFailure(.systemError, "system error")
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error) where error.code == .invalidEntry:
            throw PlatformFailure(.managementFieldEmpty, error.message)
        case .failure(let error) where error.code == .unknownBot:
            throw PlatformFailure(.tokenInvalid, "token invalid")
        case .failure(let error) where error.code == .cancelled:
            throw Self.cancelled
        case .failure(let error):
            logger.error("store failure", metadata: ["error": "\(error)"])
            throw PlatformFailure(.systemError, "system error")
        }
    }

    /// What a cancelled call ends with; nobody is waiting for it any more.
    private static let cancelled = PlatformFailure(.systemError, "the call was cancelled: nothing was written")

    static func required(_ name: String, in payload: XMLPayload, path: String = "") throws(PlatformFailure) -> String {
        guard let value = payload.value(of: name)?.trimmingWhitespace, !value.isEmpty else {
            throw PlatformFailure(.managementFieldEmpty, "\(path)\(name) is missing or empty")
        }
        return value
    }
}

extension String {
    var trimmingWhitespace: String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return String(self[start..<end])
    }
}

/// Set once, when a task is cancelled, and read on the thread pool.
private final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() { flag.store(true, ordering: .releasing) }
}
