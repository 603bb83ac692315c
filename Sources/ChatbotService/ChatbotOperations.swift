internal import ChatbotCrypto
package import ChatbotEngine
package import ChatbotStore
package import Logging
package import NIOPosix
internal import Synchronization

/// The platform's operations on plain values, shared by the gRPC service and the `/openapi`
/// gateway, so that both faces answer the same way.
///
/// Dialogue calls (`sign`, `aibot`, `message`) answer from memory. Management calls
/// (`setautoreply`, `batchimportskill`, `publish`) write to ``store`` on ``threadPool``, never on
/// an event loop, and refresh ``knowledgeBases`` there before they return, so the next query sees
/// the write.
package struct ChatbotOperations: Sendable {
    package let directory: BotDirectory
    package let knowledgeBases: KnowledgeBases
    package let store: SQLiteStore
    package let threadPool: NIOThreadPool
    package let logger: Logger
    /// Per-client limits on `sign` and on failed management checks.
    package let limits: AccessLimits
    /// Handoff states, the outbox and callback notices.
    package let customerService: CustomerService
    /// Each user's dialogue with each bot.
    package let sessions: any DialogueSessionStore
    /// How far a dialogue's context reaches.
    package let dialogueOptions: DialogueOptions
    /// Where online questions without an answer are noted, if anywhere.
    package let unanswered: UnansweredLog?
    /// Where the skills with a webhook get their answers (``BotSettings/webhooks``); without it,
    /// their entries answer themselves.
    package let webhooks: Webhooks?
    let publishTasks = PublishTasks()
    /// The current time in seconds since the epoch.
    package let now: @Sendable () -> Int64
    /// The current time in milliseconds since the epoch.
    package let nowMilliseconds: @Sendable () -> Int64
    private let messageIDs: MessageIDs
    /// The answers' `request_id`s: 1, 2, … in this process (small numbers, as the platform's, which
    /// JavaScript clients read exactly).
    private let requestIDs = Counter()

    /// How long a signature from ``sign(bot:userID:userName:avatar:)`` stays valid, in seconds.
    package static let signatureLifetime: Int64 = 7200

    /// The longest query text matched, in characters (Unicode scalars): 1,000.
    ///
    /// Dialogue calls are matched on the event loop, so one long text would hold up every other
    /// call on it: a 1 MiB body would be matched there. The platform's documents give no limit;
    /// a question to a FAQ bot is a sentence or two (faq-bench's longest query has 148
    /// characters), and 1,000 leaves room for a pasted paragraph. A longer query is refused
    /// (``PlatformFailure/malformedRequest(_:)``), never cut: a cut question could match the
    /// wrong entry.
    package static let maxQueryLength = 1000

    /// Refuses a query text over ``maxQueryLength``: what `field` (`query`, `msg`) holds.
    ///
    /// Costs nothing for a text of at most ``maxQueryLength`` UTF-8 bytes, and at most
    /// ``maxQueryLength`` + 1 scalars' worth of counting for a longer one.
    static func checkQueryLength(_ text: String, field: String) throws(PlatformFailure) {
        guard text.utf8.count > maxQueryLength else { return }
        var scalars = 0
        for _ in text.unicodeScalars {
            scalars += 1
            if scalars > maxQueryLength {
                throw PlatformFailure.malformedRequest(
                    "\(field) is too long: \(text.utf8.count) bytes, more than \(maxQueryLength) characters;"
                        + " the limit is \(maxQueryLength) characters"
                )
            }
        }
    }

    package init(
        directory: BotDirectory,
        knowledgeBases: KnowledgeBases,
        store: SQLiteStore,
        threadPool: NIOThreadPool,
        logger: Logger = Logger(label: "chatbotd.operations"),
        limits: AccessLimits = AccessLimits(),
        customerService: CustomerService? = nil,
        sessions: any DialogueSessionStore = MemoryDialogueSessions(),
        dialogueOptions: DialogueOptions = DialogueOptions(),
        unanswered: UnansweredLog? = nil,
        webhooks: Webhooks? = nil,
        now: @escaping @Sendable () -> Int64,
        nowMilliseconds: (@Sendable () -> Int64)? = nil
    ) {
        let nowMilliseconds = nowMilliseconds ?? { now() * 1000 }
        self.directory = directory
        self.knowledgeBases = knowledgeBases
        self.store = store
        self.threadPool = threadPool
        self.logger = logger
        self.limits = limits
        self.customerService =
            customerService ?? CustomerService(store: store, threadPool: threadPool, nowMilliseconds: nowMilliseconds)
        self.sessions = sessions
        self.dialogueOptions = dialogueOptions
        self.unanswered = unanswered
        self.webhooks = webhooks
        self.now = now
        self.nowMilliseconds = nowMilliseconds
        self.messageIDs = MessageIDs()
    }

    /// `sign`: an HS256 JWT over {userid, username, avatar, iat, exp}, keyed with the bot's
    /// EncodingAESKey.
    ///
    /// It takes the TOKEN alone, as on the platform, so `peer` (the client's address) may mint
    /// only so many per second for one bot (``AccessLimits/allowSign(botID:peer:)``).
    ///
    /// - Throws: 1003 when `userID` is empty; a refusal (-1, RESOURCE_EXHAUSTED, HTTP 429) when
    ///   `peer` is over its limit.
    package func sign(
        bot: BotEntry,
        userID: String,
        userName: String,
        avatar: String,
        peer: String
    ) throws(PlatformFailure) -> String {
        guard !userID.isEmpty else { throw PlatformFailure(.signatureMissingUserID, "userid is required") }
        guard limits.allowSign(botID: bot.bot.id, peer: peer) else {
            throw PlatformFailure.tooManyRequests(
                "too many signatures for this bot from this address: the limit is \(limits.settings.signRate) a second"
                    + " after a burst of \(limits.settings.signBurst); sign locally with the EncodingAESKey"
                    + " for more"
            )
        }
        let issued = now()
        let claims = JWTClaims(
            userID: userID,
            userName: userName,
            avatar: avatar,
            issuedAt: issued,
            expiresAt: issued + Self.signatureLifetime
        )
        do throws(CryptoError) {
            return try bot.jwtKey.sign(claims)
        } catch {
            throw PlatformFailure(error, use: .sign)
        }
    }
}

/// A dialogue query, as both faces receive it.
package struct DialogueQuery: Sendable {
    package var signature: String
    package var query: String
    package var env: KnowledgeBaseEnv
    package var firstPrioritySkills: [String]
    package var secondPrioritySkills: [String]
    /// Per-request dictionaries by name, added to the bot's of the same name for this query.
    package var slotDictionaries: [String: [String]]

    package init(
        signature: String,
        query: String,
        env: KnowledgeBaseEnv = .online,
        firstPrioritySkills: [String] = [],
        secondPrioritySkills: [String] = [],
        slotDictionaries: [String: [String]] = [:]
    ) {
        self.signature = signature
        self.query = query
        self.env = env
        self.firstPrioritySkills = firstPrioritySkills
        self.secondPrioritySkills = secondPrioritySkills
        self.slotDictionaries = slotDictionaries
    }
}

/// The bot's answer to a dialogue query, with what both faces put around it.
///
/// A class: the answer passes through the faces' outcome types and closures, and a struct of a
/// score of strings and arrays would be retained field by field at every copy.
package final class DialogueAnswer: Sendable {
    package let reply: DialogueReply
    /// The userid from the signature (`from_user_name`).
    package let userID: String
    /// The bot's appid (`to_user_name`).
    package let botName: String
    package let messageID: String
    /// The platform's `request_id`: a number per answer, unique within the process.
    package let requestID: Int64
    /// The user's dialogue session (``DialogueSession/id``).
    package let sessionID: String
    /// Milliseconds since the epoch.
    package let createTime: Int64
    package let query: String
    /// The user's handoff state after this call.
    package let kefuState: KefuState
    /// What the call changed in customer service, to commit before answering
    /// (``ChatbotOperations/settle(_:)``): the message of a user a person serves, a handoff request.
    package let write: CustomerServiceWrite?
    /// The webhook call whose reply replaces the entry's answer (``ChatbotOperations/settle(_:)``).
    package let webhook: WebhookCall?

    package init(
        reply: DialogueReply,
        userID: String,
        botName: String,
        messageID: String,
        requestID: Int64,
        sessionID: String,
        createTime: Int64,
        query: String,
        kefuState: KefuState,
        write: CustomerServiceWrite?,
        webhook: WebhookCall?
    ) {
        self.reply = reply
        self.userID = userID
        self.botName = botName
        self.messageID = messageID
        self.requestID = requestID
        self.sessionID = sessionID
        self.createTime = createTime
        self.query = query
        self.kefuState = kefuState
        self.write = write
        self.webhook = webhook
    }

    /// Whether ``ChatbotOperations/settle(_:)`` has anything to do before the answer is sent.
    package var needsSettling: Bool { write != nil || webhook != nil }

    /// This answer with `text` (a webhook's reply) instead of the entry's answer.
    func answering(_ text: String) -> DialogueAnswer {
        var reply = reply
        reply.answer = text
        reply.answerKind = AnswerKind(content: text)
        return DialogueAnswer(
            reply: reply,
            userID: userID,
            botName: botName,
            messageID: messageID,
            requestID: requestID,
            sessionID: sessionID,
            createTime: createTime,
            query: query,
            kefuState: kefuState,
            write: write,
            webhook: webhook
        )
    }
}

extension ChatbotOperations {
    /// `aibot`: checks the bot and the signature, then matches and decides the reply.
    ///
    /// - Throws: 1002 when the bot is not approved; 1004 for an empty signature, 1005 for an
    ///   invalid or expired one, 1006 when it carries no userid; a malformed request (-1,
    ///   INVALID_ARGUMENT, HTTP 400) for a query over ``maxQueryLength``.
    package func query(bot: BotEntry, _ query: DialogueQuery) throws(PlatformFailure) -> DialogueAnswer {
        guard bot.bot.approved else { throw PlatformFailure(.botNotApproved, "bot not approved") }
        let userID: String
        do throws(CryptoError) {
            userID = try bot.jwtKey.verify(query.signature, now: now()).requireUserID()
        } catch {
            throw PlatformFailure(error, use: .dialogue)
        }
        try Self.checkQueryLength(query.query, field: "query")
        try Self.checkSlotDictionaries(query.slotDictionaries)
        return converse(
            bot: bot,
            userID: userID,
            env: query.env,
            text: query.query,
            firstPrioritySkills: query.firstPrioritySkills,
            secondPrioritySkills: query.secondPrioritySkills,
            slotDictionaries: query.slotDictionaries
        )
    }

    /// `message` (legacy): the query is a JWT {username, msg} keyed like `sign`'s; the answer
    /// comes from the published knowledge base, keyed by username (`from_user_name`).
    ///
    /// - Throws: 1002 when the bot is not approved; 1004 for an empty query, 1005 for an invalid
    ///   or expired JWT, 1006 when it carries no username; a malformed request (-1,
    ///   INVALID_ARGUMENT, HTTP 400) for a `msg` over ``maxQueryLength``.
    package func message(bot: BotEntry, query token: String) throws(PlatformFailure) -> DialogueAnswer {
        guard bot.bot.approved else { throw PlatformFailure(.botNotApproved, "bot not approved") }
        let claims: JWTClaims
        do throws(CryptoError) {
            claims = try bot.jwtKey.verify(token, now: now())
        } catch {
            throw PlatformFailure(error, use: .dialogue)
        }
        guard let userName = claims.userName, !userName.isEmpty else {
            throw PlatformFailure(.signatureUserIDMissing, "the query JWT carries no username")
        }
        let text = claims.message ?? ""
        try Self.checkQueryLength(text, field: "msg")
        return converse(bot: bot, userID: userName, env: .online, text: text)
    }

    /// The most values the per-request dictionaries of one query may hold together: 1,000.
    package static let maxRequestDictionaryValues = 1000

    /// Refuses per-request dictionaries over ``maxRequestDictionaryValues`` values in all, or with
    /// an empty name or value: a malformed request (-1, INVALID_ARGUMENT, HTTP 400).
    static func checkSlotDictionaries(_ dictionaries: [String: [String]]) throws(PlatformFailure) {
        guard !dictionaries.isEmpty else { return }
        let total = dictionaries.values.reduce(0) { $0 + $1.count }
        guard total <= maxRequestDictionaryValues else {
            throw PlatformFailure.malformedRequest(
                "the request's dictionaries hold \(total) values; the limit is \(maxRequestDictionaryValues)"
            )
        }
        for (name, values) in dictionaries {
            guard !name.isEmpty else { throw PlatformFailure.malformedRequest("a request dictionary has no name") }
            guard !values.contains(where: \.isEmpty) else {
                throw PlatformFailure.malformedRequest("the request dictionary \"\(name)\" has an empty value")
            }
        }
    }

    /// One turn of `userID`'s dialogue with the bot: reads the session, answers (unless a person
    /// serves the user: ``handOff(bot:userID:query:reply:)``), keeps the session, and notes an
    /// online question without an answer (``unanswered``).
    func converse(
        bot: BotEntry,
        userID: String,
        env: KnowledgeBaseEnv,
        text: String,
        firstPrioritySkills: [String] = [],
        secondPrioritySkills: [String] = [],
        slotDictionaries: [String: [String]] = [:]
    ) -> DialogueAnswer {
        let (knowledgeBase, botDictionaries) = knowledgeBases.dialogue(botID: bot.bot.id, env: env)
        var dictionaries = botDictionaries
        if !slotDictionaries.isEmpty {
            for name in slotDictionaries.keys.sorted() {
                dictionaries = dictionaries.adding(name, values: slotDictionaries[name] ?? [])
            }
        }
        let created = nowMilliseconds()
        var session = sessions.session(botID: bot.bot.id, user: userID, now: created)
        let turn = DialogueTurn(
            query: text,
            firstPrioritySkills: firstPrioritySkills,
            secondPrioritySkills: secondPrioritySkills,
            settings: bot.bot.settings,
            fallbackSeed: Self.seed(text),
            dictionaries: dictionaries,
            options: dialogueOptions
        )
        let (reply, state, write) = handOff(bot: bot, userID: userID, query: text) {
            knowledgeBase.converse(turn, session: &session)
        }
        session.lastActive = created
        sessions.save(session, botID: bot.bot.id, user: userID)
        if env == .online { unanswered?.record(botID: bot.bot.id, query: text, reply: reply, now: created) }
        let requestID = requestIDs.next()
        return DialogueAnswer(
            reply: reply,
            userID: userID,
            botName: bot.bot.appID,
            messageID: messageIDs.next(),
            requestID: requestID,
            sessionID: session.id,
            createTime: created,
            query: text,
            kefuState: state,
            write: write,
            webhook: webhooks?.call(
                bot: bot,
                reply: reply,
                userID: userID,
                sessionID: session.id,
                requestID: requestID,
                query: text,
                now: created / 1000
            )
        )
    }

    /// FNV-1a of the query: picks among several fallback answers, the same one for the same text.
    private static func seed(_ text: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash)
    }
}

/// Numbers 1, 2, …, one per call.
private final class Counter: Sendable {
    private let value = Atomic<Int64>(0)

    func next() -> Int64 { value.wrappingAdd(1, ordering: .relaxed).newValue }
}

/// Message ids: a random start, then one more per message, as decimal text. Unique within the
/// process and hard to guess across restarts.
private final class MessageIDs: Sendable {
    private let counter: Atomic<UInt64>

    init() {
        var random = SystemRandomNumberGenerator()
        // 2^62 leaves room to count without wrapping.
        counter = Atomic(random.next() >> 2)
    }

    func next() -> String {
        String(counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }
}
