internal import ChatbotEngine
internal import ChatbotProto
package import ChatbotRPC

/// `chatbot.v1.Chatbot` over gRPC: decodes requests, resolves the bot, calls
/// ``ChatbotOperations``, and maps failures through ``PlatformFailure/rpcError``.
package struct ChatbotRPCService: RPCService {
    private let operations: ChatbotOperations

    package init(operations: ChatbotOperations) {
        self.operations = operations
    }

    package var methods: [RPCMethod] {
        let operations = self.operations
        return [
            .unary("/chatbot.v1.Chatbot/Sign") {
                (request: ChatbotV1.SignRequest, _) -> UnaryOutcome<ChatbotV1.SignResponse> in
                Self.withBot(operations, token: request.token) { Self.sign(operations, $0, request) }
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
                (request: ChatbotV1.EncryptedRequest, _) -> UnaryOutcome<ChatbotV1.SetAutoReplyResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    let id = try await operations.setAutoReply(bot: bot, encrypt: request.encrypt)
                    return ChatbotV1.SetAutoReplyResponse(ansNodeId: id)
                }
            },
            .unary("/chatbot.v1.Chatbot/BatchImportSkill") {
                (request: ChatbotV1.EncryptedRequest, _) -> UnaryOutcome<ChatbotV1.BatchImportSkillResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    let imported = try await operations.batchImportSkill(bot: bot, encrypt: request.encrypt)
                    return ChatbotV1.BatchImportSkillResponse(imported: Int32(clamping: imported))
                }
            },
            // Publish and PublishProgress carry no envelope in the contract: the TOKEN is the credential.
            .unary("/chatbot.v1.Chatbot/Publish") {
                (request: ChatbotV1.PublishRequest, _) -> UnaryOutcome<ChatbotV1.PublishResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    ChatbotV1.PublishResponse(taskId: try await operations.publish(bot: bot, managerID: nil))
                }
            },
            .unary("/chatbot.v1.Chatbot/PublishProgress") {
                (request: ChatbotV1.PublishProgressRequest, _) -> UnaryOutcome<ChatbotV1.PublishProgressResponse> in
                Self.management(operations, token: request.token) { bot throws(PlatformFailure) in
                    _ = try operations.publishProgress(bot: bot, taskID: request.taskId)
                    return ChatbotV1.PublishProgressResponse(progress: 100, done: true)
                }
            },
            Self.notYet("SendMessage", ChatbotV1.EncryptedRequest.self, ChatbotV1.SendMessageResponse.self),
            Self.notYet("GetKefuState", ChatbotV1.KefuStateRequest.self, ChatbotV1.KefuStateResponse.self),
            Self.notYet("ChangeKefuState", ChatbotV1.ChangeKefuStateRequest.self, ChatbotV1.KefuStateResponse.self),
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
                (_: ChatbotV1.SubscribeOutboxRequest, _: RPCWriter<ChatbotV1.OutboxMessage>, _) throws(RPCError) in
                throw Self.unimplemented("SubscribeOutbox")
            },
        ]
    }

    private static func sign(
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        _ request: ChatbotV1.SignRequest
    ) -> Result<ChatbotV1.SignResponse, RPCError> {
        do throws(PlatformFailure) {
            let signature = try operations.sign(
                bot: bot,
                userID: request.userid,
                userName: request.username,
                avatar: request.avatar
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
