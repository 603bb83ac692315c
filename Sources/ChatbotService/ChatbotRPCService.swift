internal import ChatbotEngine
internal import ChatbotProto
package import ChatbotRPC
internal import ChatbotStore

/// `chatbot.v1.Chatbot` over gRPC: decodes requests, resolves the bot, calls
/// ``ChatbotOperations``, and maps failures through ``PlatformFailure/rpcError``.
package struct ChatbotRPCService: RPCService {
    private typealias PublishProgress = ChatbotV1.PublishProgressResponse

    private let operations: ChatbotOperations

    package init(operations: ChatbotOperations) {
        self.operations = operations
    }

    package var methods: [RPCMethod] {
        let operations = self.operations
        return [
            .unary("/chatbot.v1.Chatbot/Sign") {
                (request: ChatbotV1.SignRequest, context) -> UnaryOutcome<ChatbotV1.SignResponse> in
                let peer = context.peer
                return Self.withBot(operations, token: request.token) {
                    .done(Self.sign(operations, $0, request, peer: peer))
                }
            },
            .unary("/chatbot.v1.Chatbot/Query") {
                (request: ChatbotV1.QueryRequest, _) -> UnaryOutcome<ChatbotV1.QueryResponse> in
                Self.withBot(operations, token: request.token) { bot in
                    Self.settled(operations, Self.query(operations, bot, request)) {
                        ChatbotV1.QueryResponse($0, explain: request.explain)
                    }
                }
            },
            .unary("/chatbot.v1.Chatbot/Message") {
                (request: ChatbotV1.MessageRequest, _) -> UnaryOutcome<ChatbotV1.MessageResponse> in
                Self.withBot(operations, token: request.token) { bot in
                    let answer = Result { () throws(PlatformFailure) in
                        try operations.message(bot: bot, query: request.query)
                    }
                    return Self.settled(operations, answer, ChatbotV1.MessageResponse.init)
                }
            },
            .unary("/chatbot.v1.Chatbot/DictMessage") {
                (request: ChatbotV1.EncryptedRequest, _) -> UnaryOutcome<ChatbotV1.MessageResponse> in
                Self.withBot(operations, token: request.token) { bot in
                    let answer = Result { () throws(PlatformFailure) in
                        try operations.dictMessage(bot: bot, encrypt: request.encrypt)
                    }
                    return Self.settled(operations, answer, ChatbotV1.MessageResponse.init)
                }
            },
            .unary("/chatbot.v1.Chatbot/SetAutoReply") {
                (request: ChatbotV1.EncryptedRequest, context) -> UnaryOutcome<ChatbotV1.SetAutoReplyResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    let id = try await operations.setAutoReply(bot: bot, encrypt: request.encrypt, peer: context.peer)
                    return ChatbotV1.SetAutoReplyResponse(ansNodeId: id)
                }
            },
            .unary("/chatbot.v1.Chatbot/BatchImportSkill") {
                (request: ChatbotV1.EncryptedRequest, context) -> UnaryOutcome<ChatbotV1.BatchImportSkillResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    let imported = try await operations.batchImportSkill(
                        bot: bot,
                        encrypt: request.encrypt,
                        peer: context.peer
                    )
                    return ChatbotV1.BatchImportSkillResponse(imported: Int32(clamping: imported))
                }
            },
            // The requests below carry no envelope: a call credential in the metadata proves the key.
            .unary("/chatbot.v1.Chatbot/Publish") {
                (request: ChatbotV1.PublishRequest, context) -> UnaryOutcome<ChatbotV1.PublishResponse> in
                Self.management(operations, token: request.token, credential: context) {
                    (bot, manager) throws(PlatformFailure) in
                    ChatbotV1.PublishResponse(taskId: try await operations.publish(bot: bot, managerID: manager))
                }
            },
            .unary("/chatbot.v1.Chatbot/PublishProgress") {
                (request: ChatbotV1.PublishProgressRequest, context) -> UnaryOutcome<PublishProgress> in
                Self.management(operations, token: request.token, credential: context) {
                    (bot, _) throws(PlatformFailure) in
                    _ = try operations.publishProgress(bot: bot, taskID: request.taskId)
                    return PublishProgress(progress: 100, done: true)
                }
            },
            .unary("/chatbot.v1.Chatbot/SendMessage") {
                (request: ChatbotV1.EncryptedRequest, context) -> UnaryOutcome<ChatbotV1.SendMessageResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    let seq = try await operations.sendMessage(bot: bot, encrypt: request.encrypt, peer: context.peer)
                    return ChatbotV1.SendMessageResponse(msgId: String(seq), seq: seq)
                }
            },
            .unary("/chatbot.v1.Chatbot/GetKefuState") {
                (request: ChatbotV1.KefuStateRequest, context) -> UnaryOutcome<ChatbotV1.KefuStateResponse> in
                Self.management(operations, token: request.token, credential: context) {
                    (bot, _) throws(PlatformFailure) in
                    guard !request.openid.isEmpty else {
                        throw PlatformFailure(.customerServiceFieldEmpty, "openid is missing or empty")
                    }
                    return ChatbotV1.KefuStateResponse(try await operations.kefuState(bot: bot, openID: request.openid))
                }
            },
            .unary("/chatbot.v1.Chatbot/ChangeKefuState") {
                (request: ChatbotV1.ChangeKefuStateRequest, context) -> UnaryOutcome<ChatbotV1.KefuStateResponse> in
                Self.management(operations, token: request.token, credential: context) {
                    (bot, _) throws(PlatformFailure) in
                    let record = try await operations.changeKefuState(
                        bot: bot,
                        openID: request.openid,
                        to: try KefuState(request.state),
                        expires: request.expires == 0 ? nil : request.expires,
                        agentName: request.kefuname
                    )
                    return ChatbotV1.KefuStateResponse(record)
                }
            },
            .unary("/chatbot.v1.Chatbot/ListUnanswered") {
                (request: ChatbotV1.ListUnansweredRequest, context) -> UnaryOutcome<ChatbotV1.ListUnansweredResponse> in
                Self.management(operations, token: request.token, credential: context) {
                    (bot, _) throws(PlatformFailure) in
                    let questions = try await operations.unanswered(
                        bot: bot,
                        since: request.since,
                        limit: Int(request.limit)
                    )
                    return ChatbotV1.ListUnansweredResponse(questions: questions.map(ChatbotV1.UnansweredQuestion.init))
                }
            },
            .bidirectionalStreaming("/chatbot.v1.Chatbot/QueryStream") {
                (
                    requests: RPCReader<ChatbotV1.QueryRequest>,
                    results: RPCWriter<ChatbotV1.QueryResult>,
                    _
                )
                    throws(RPCError) in
                // One result per request, in order; a failing item gets its errcode in the result
                // and the stream goes on.
                while let request = try await requests.next() {
                    let outcome: Result<ChatbotV1.QueryResponse, PlatformFailure>
                    do throws(PlatformFailure) {
                        let bot =
                            if let bot = operations.directory.cached(token: request.token) {
                                bot
                            } else {
                                try await operations.directory.lookup(token: request.token)
                            }
                        let answer = try await operations.settle(Self.query(operations, bot, request).get())
                        outcome = .success(ChatbotV1.QueryResponse(answer, explain: request.explain))
                    } catch {
                        outcome = .failure(error)
                    }
                    let result: ChatbotV1.QueryResult.OneOf_Result =
                        switch outcome {
                        case .success(let response): .response(response)
                        case .failure(let failure):
                            .error(ChatbotV1.Status(errcode: failure.errcode.rawValue, errmsg: failure.errmsg))
                        }
                    try await results.write(ChatbotV1.QueryResult(requestId: request.requestId, result: result))
                }
            },
            .serverStreaming("/chatbot.v1.Chatbot/SubscribeOutbox") {
                (
                    request: ChatbotV1.SubscribeOutboxRequest,
                    messages: RPCWriter<ChatbotV1.OutboxMessage>,
                    context
                )
                    throws(RPCError) in
                let bot: BotEntry
                do throws(PlatformFailure) {
                    bot = try await operations.directory.lookup(token: request.token)
                    _ = try await operations.authorizeManager(
                        bot: bot,
                        authorization: context.authorization,
                        peer: context.peer
                    )
                } catch {
                    throw error.rpcError
                }
                try await operations.followOutbox(
                    bot: bot,
                    after: request.afterSeq,
                    channels: request.channels,
                    untilCaughtUp: request.untilCaughtUp
                ) { item throws(RPCError) in
                    try await messages.write(ChatbotV1.OutboxMessage(item))
                }
            },
        ]
    }

    private static func sign(
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        _ request: ChatbotV1.SignRequest,
        peer: String
    ) -> Result<ChatbotV1.SignResponse, RPCError> {
        do throws(PlatformFailure) {
            let signature = try operations.sign(
                bot: bot,
                userID: request.userid,
                userName: request.username,
                avatar: request.avatar,
                peer: peer
            )
            return .success(
                ChatbotV1.SignResponse(signature: signature, expiresIn: ChatbotOperations.signatureLifetime)
            )
        } catch {
            return .failure(error.rpcError)
        }
    }

    private static func query(
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        _ request: ChatbotV1.QueryRequest
    ) -> Result<DialogueAnswer, PlatformFailure> {
        Result { () throws(PlatformFailure) in
            try operations.query(
                bot: bot,
                DialogueQuery(
                    signature: request.signature,
                    query: request.query,
                    env: request.env == .debug ? .debug : .online,
                    firstPrioritySkills: request.firstPrioritySkills,
                    secondPrioritySkills: request.secondPrioritySkills,
                    slotDictionaries: request.slotDictionaries.mapValues(\.values)
                )
            )
        }
    }

    /// The response for `answer`, at once, or once what it changed in customer service is
    /// committed (``ChatbotOperations/settle(_:)``).
    private static func settled<Response: Sendable>(
        _ operations: ChatbotOperations,
        _ answer: Result<DialogueAnswer, PlatformFailure>,
        _ response: @escaping @Sendable (DialogueAnswer) -> Response
    ) -> UnaryOutcome<Response> {
        switch answer {
        case .failure(let failure):
            return .done(.failure(failure.rpcError))
        case .success(let answer) where !answer.needsSettling:
            return .done(.success(response(answer)))
        case .success(let answer):
            return .later {
                do throws(PlatformFailure) {
                    return .success(response(try await operations.settle(answer)))
                } catch {
                    return .failure(error.rpcError)
                }
            }
        }
    }

    /// A management call: it writes to the store, so it always runs off the event loop.
    /// Answers with `answer` for the bot that `token` selects. A known bot answers on the event loop
    /// (a lock and a dictionary lookup; signing and matching are microseconds of CPU); an unknown
    /// TOKEN reads the store off it.
    private static func withBot<Response: Sendable>(
        _ operations: ChatbotOperations,
        token: String,
        _ answer: @escaping @Sendable (BotEntry) -> UnaryOutcome<Response>
    ) -> UnaryOutcome<Response> {
        if let bot = operations.directory.cached(token: token) { return answer(bot) }
        return .later {
            do throws(PlatformFailure) {
                switch answer(try await operations.directory.lookup(token: token)) {
                case .done(let result): return result
                case .later(let work): return await work()
                }
            } catch {
                return .failure(error.rpcError)
            }
        }
    }

    private static func management<Response: Sendable>(
        _ operations: ChatbotOperations,
        token: String,
        _ body: @escaping @Sendable (BotEntry) async throws(PlatformFailure) -> Response
    ) -> UnaryOutcome<Response> {
        .later {
            do throws(PlatformFailure) {
                let bot = try await operations.directory.lookup(token: token)
                return .success(try await body(bot))
            } catch {
                return .failure(error.rpcError)
            }
        }
    }

    /// A management call whose request carries no envelope: the call credential in `credential`'s
    /// metadata must prove the bot's key and name one of its managers
    /// (``ChatbotOperations/authorizeManager(bot:authorization:peer:)``) before `body` runs with
    /// the bot and the managerid.
    private static func management<Response: Sendable>(
        _ operations: ChatbotOperations,
        token: String,
        credential context: RPCContext,
        _ body: @escaping @Sendable (BotEntry, String) async throws(PlatformFailure) -> Response
    ) -> UnaryOutcome<Response> {
        management(operations, token: token) { bot throws(PlatformFailure) in
            let manager = try await operations.authorizeManager(
                bot: bot,
                authorization: context.authorization,
                peer: context.peer
            )
            return try await body(bot, manager)
        }
    }

}

extension ChatbotV1.UnansweredQuestion {
    init(_ question: UnansweredQuestion) {
        self.init(
            query: question.query,
            normalized: question.normalized,
            count: question.count,
            firstSeen: question.firstSeen,
            lastSeen: question.lastSeen,
            status: question.status == "NOMATCH" ? .nomatch : .faqRecommend,
            bestId: question.bestKey,
            bestQuestion: question.bestQuestion,
            bestConfidence: question.bestConfidence
        )
    }
}
