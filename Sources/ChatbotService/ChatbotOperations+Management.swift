internal import ChatbotCrypto
internal import ChatbotEngine
internal import ChatbotStore
internal import Logging
internal import NIOPosix

/// What `setautoreply` writes: one FAQ entry of the draft.
package struct AutoReply: Sendable, Hashable {
    package var managerID: String
    package var skill: String
    package var title: String
    package var content: String
    package var questions: [String]
}

extension ChatbotOperations {
    /// Opens a management envelope and reads the XML inside.
    ///
    /// - Throws: 1013 when `encrypt` is empty, does not decrypt, or does not hold acceptable XML
    ///   (DESIGN §4); the errmsg names the cause.
    package func openEnvelope(bot: BotEntry, encrypt: String) throws(PlatformFailure) -> XMLPayload {
        guard !encrypt.isEmpty else {
            throw PlatformFailure(.decryptionFailed, "encrypt is missing: send the envelope in the field encrypt")
        }
        let bytes: [UInt8]
        do throws(CryptoError) {
            bytes = try bot.envelope.decrypt(encrypt)
        } catch {
            throw PlatformFailure(error)
        }
        do throws(XMLPayload.Malformed) {
            return try XMLPayload(parsing: bytes)
        } catch {
            throw PlatformFailure(.decryptionFailed, "the decrypted payload is not acceptable XML: \(error.message)")
        }
    }

    /// The fields of a `setautoreply` payload, checked.
    ///
    /// - Throws: 1007 when `managerid`, `skillname`, `title` or `content` is missing or empty, when
    ///   a similar question is empty, or when `content` is a malformed rich answer
    ///   (``RichAnswer``); the errmsg names the field.
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
        var questions: [String] = []
        for (i, question) in payload.values(of: "question").enumerated() {
            let trimmed = question.trimmingWhitespace
            guard !trimmed.isEmpty else { throw PlatformFailure(.managementFieldEmpty, "question[\(i)] is empty") }
            if trimmed != title && !questions.contains(trimmed) { questions.append(trimmed) }
        }
        return AutoReply(managerID: managerID, skill: skill, title: title, content: content, questions: questions)
    }

    /// `setautoreply`: upserts one entry of the draft, keyed by skill and title
    /// (``FAQEntry/autoReplyKey(skill:question:)``), and refreshes the draft in memory before
    /// returning, so that the next `env=debug` query finds it.
    ///
    /// - Returns: The entry's id (`ans_node_id`).
    /// - Throws: 1013 for the envelope, 1007 for the fields (see ``autoReply(from:)``), 1015 when
    ///   the managerid is not one of the bot's managers, -1 when the store fails.
    package func setAutoReply(bot: BotEntry, encrypt: String) async throws(PlatformFailure) -> Int64 {
        let reply = try Self.autoReply(from: openEnvelope(bot: bot, encrypt: encrypt))
        let entry = FAQEntry(
            key: FAQEntry.autoReplyKey(skill: reply.skill, question: reply.title),
            skill: reply.skill,
            question: reply.title,
            similar: reply.questions,
            answers: [reply.content]
        )
        let botID = bot.bot.id
        let knowledgeBases = self.knowledgeBases
        let managerID = reply.managerID
        let id = try await withStore { store throws(StoreError) -> Int64? in
            guard try store.isManager(botID: botID, managerID: managerID) else { return nil }
            let stored = try store.upsertEntry(botID: botID, entry)
            try knowledgeBases.refresh()
            return stored.id
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

    /// Runs `body` on the thread pool (the store blocks) and maps its failures: an invalid entry
    /// is the client's (1007, with the store's message), an unknown bot 1001, anything else ours
    /// (-1, the cause logged and not sent).
    func withStore<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteStore) throws(StoreError) -> T
    ) async throws(PlatformFailure) -> T {
        let store = self.store
        let result: Result<T, StoreError>
        do {
            result = try await threadPool.runIfActive { Result { () throws(StoreError) in try body(store) } }
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
        case .failure(let error):
            logger.error("store failure", metadata: ["error": "\(error)"])
            throw PlatformFailure(.systemError, "system error")
        }
    }

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
