internal import ChatbotEngine
internal import ChatbotProto
package import ChatbotRPC

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
                return Self.withBot(operations, token: request.token) { Self.sign(operations, $0, request, peer: peer) }
            },
            .unary("/chatbot.v1.Chatbot/Query") {
                (request: ChatbotV1.QueryRequest, _) -> UnaryOutcome<ChatbotV1.QueryResponse> in
                Self.withBot(operations, token: request.token) {
                    Self.query(operations, $0, request).mapError(\.rpcError)
                }
            },
            .unary("/chatbot.v1.Chatbot/Message") {
                (request: ChatbotV1.MessageRequest, _) -> UnaryOutcome<ChatbotV1.MessageResponse> in
                Self.withBot(operations, token: request.token) { Self.message(operations, $0, request) }
            },
            Self.notYet("DictMessage", ChatbotV1.EncryptedRequest.self, ChatbotV1.QueryResponse.self),
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
            Self.notYet("SendMessage", ChatbotV1.EncryptedRequest.self, ChatbotV1.SendMessageResponse.self),
            Self.notYet("GetKefuState", ChatbotV1.KefuStateResponse.self, operations) {
                (request: ChatbotV1.KefuStateRequest) in request.token
            },
            Self.notYet("ChangeKefuState", ChatbotV1.KefuStateResponse.self, operations) {
                (request: ChatbotV1.ChangeKefuStateRequest) in request.token
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
                    if let bot = operations.directory.cached(token: request.token) {
                        outcome = Self.query(operations, bot, request)
                    } else {
                        do throws(PlatformFailure) {
                            let bot = try await operations.directory.lookup(token: request.token)
                            outcome = Self.query(operations, bot, request)
                        } catch {
                            outcome = .failure(error)
                        }
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
                    _: RPCWriter<ChatbotV1.OutboxMessage>,
                    context
                )
                    throws(RPCError) in
                if let refusal = await Self.authenticate(operations, token: request.token, context) { throw refusal }
                throw Self.unimplemented("SubscribeOutbox")
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
    ) -> Result<ChatbotV1.QueryResponse, PlatformFailure> {
        do throws(PlatformFailure) {
            let answer = try operations.query(
                bot: bot,
                DialogueQuery(
                    signature: request.signature,
                    query: request.query,
                    env: request.env == .debug ? .debug : .online,
                    firstPrioritySkills: request.firstPrioritySkills,
                    secondPrioritySkills: request.secondPrioritySkills
                )
            )
            return .success(ChatbotV1.QueryResponse(answer, explain: request.explain))
        } catch {
            return .failure(error)
        }
    }

    private static func message(
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        _ request: ChatbotV1.MessageRequest
    ) -> Result<ChatbotV1.MessageResponse, RPCError> {
        do throws(PlatformFailure) {
            let answer = try operations.message(bot: bot, query: request.query)
            let full = ChatbotV1.QueryResponse(answer, explain: false)
            return .success(
                ChatbotV1.MessageResponse(
                    answer: full.answer,
                    answerType: full.answerType,
                    msg: full.msg,
                    status: full.status,
                    fromUserName: full.fromUserName,
                    toUserName: full.toUserName,
                    msgId: full.msgId,
                    createTime: full.createTime
                )
            )
        } catch {
            return .failure(error.rpcError)
        }
    }

    /// A management call: it writes to the store, so it always runs off the event loop.
    /// Answers with `answer` for the bot that `token` selects. A known bot answers on the event loop
    /// (a lock and a dictionary lookup; signing and matching are microseconds of CPU); an unknown
    /// TOKEN reads the store off it.
    private static func withBot<Response: Sendable>(
        _ operations: ChatbotOperations,
        token: String,
        _ answer: @escaping @Sendable (BotEntry) -> Result<Response, RPCError>
    ) -> UnaryOutcome<Response> {
        if let bot = operations.directory.cached(token: token) { return .done(answer(bot)) }
        return .later {
            do throws(PlatformFailure) {
                return answer(try await operations.directory.lookup(token: token))
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

    /// The refusal of a management call whose credential does not pass
    /// (``ChatbotOperations/authorizeManager(bot:authorization:peer:)``), or nil when it does.
    private static func authenticate(
        _ operations: ChatbotOperations,
        token: String,
        _ context: RPCContext
    ) async -> RPCError? {
        do throws(PlatformFailure) {
            let bot = try await operations.directory.lookup(token: token)
            _ = try await operations.authorizeManager(
                bot: bot,
                authorization: context.authorization,
                peer: context.peer
            )
            return nil
        } catch {
            return error.rpcError
        }
    }

    /// A management operation declared in the contract and not built yet: it checks the call
    /// credential first, as it will when it is built, so that it says nothing to a caller without one.
    private static func notYet<Request: ProtoMessage, Response: ProtoMessage>(
        _ name: String,
        _: Response.Type,
        _ operations: ChatbotOperations,
        token: @escaping @Sendable (Request) -> String
    ) -> RPCMethod {
        .unary("/chatbot.v1.Chatbot/\(name)") { (request: Request, context) -> UnaryOutcome<Response> in
            let token = token(request)
            return .later {
                .failure(await authenticate(operations, token: token, context) ?? unimplemented(name))
            }
        }
    }

    /// An operation declared in the contract and not built yet.
    private static func notYet<Request: ProtoMessage, Response: ProtoMessage>(
        _ name: String,
        _: Request.Type,
        _: Response.Type
    ) -> RPCMethod {
        .unary("/chatbot.v1.Chatbot/\(name)") { (_: Request, _) -> UnaryOutcome<Response> in
            .done(.failure(unimplemented(name)))
        }
    }

    private static func unimplemented(_ name: String) -> RPCError {
        RPCError(.unimplemented, "chatbot.v1.Chatbot/\(name) is not implemented yet")
    }
}
