internal import ChatbotCrypto
internal import ChatbotEngine
package import ChatbotRPC
internal import ChatbotStore
internal import NIOCore
package import NIOHTTP1

/// The platform's own HTTP API, `POST /openapi/{op}/{TOKEN}`, over HTTP/1.1 and plain HTTP/2 on
/// the gRPC port:
/// the same operations as ``ChatbotRPCService``, with the hosted platform's field names, bodies
/// and error shape, so that its clients only change their base URL.
///
/// - `sign`: `userid` (required, also read from the query string), `username`, `avatar` →
///   `{"signature": "…", "expiresIn": 7200}`.
/// - `aibot`: `signature`, `query`, `env` (`online` by default, or `debug`),
///   `first_priority_skills`, `second_priority_skills` → the aibot response
///   (``DialogueAnswer/json``).
/// - `message` (legacy): `query` = JWT{username, msg} → the legacy response
///   (``DialogueAnswer/legacyJSON``), from the published knowledge base.
/// - `dictmsg`: `encrypt` = the envelope of JSON {username, msg, svrinfo} → the legacy response
///   with `slots_info` (``ChatbotOperations/dictMessage(bot:encrypt:)``).
/// - `setautoreply`, `batchimportskill`, `publish`, `publish_progress`: `encrypt` (or
///   `encrypted`) = the platform's envelope of XML with a `managerid` →
///   `{"errcode":0,"errmsg":"ok", …}` with `ans_node_id`, `imported`, `task_id`, or the progress.
///   They write to the store off the event loop (1007 for a missing or malformed field, 1013 for
///   the envelope or its XML, 1015 for an unknown managerid).
///
/// Bodies are JSON or forms (``OpenAPIFields``). A platform failure is HTTP 200
/// `{"errcode": N, "errmsg": "…"}`, as the platform sends it (1001 unknown TOKEN, 1002–1006 from
/// the operations, -1 our own failure). What has no platform code is an HTTP error status with
/// errcode -1 and an errmsg naming the cause: 400 for a body that cannot be read or a field of
/// another type than the platform documents (`"query": 123` or `null` on aibot), 404 for an
/// unknown operation, 405 for a method other than POST; and
/// (through ``refusal(_:_:)``, which the server answers before any route) 404 for an unknown
/// path, 413 for a body over the limit, 408 for a body that does not arrive in time.
///
/// A dialogue call with a known TOKEN answers on the event loop; an unknown TOKEN is looked up in
/// the store as a task, and management calls always run as tasks.
package struct OpenAPIGateway: Sendable {
    private let operations: ChatbotOperations

    package init(operations: ChatbotOperations) {
        self.operations = operations
    }

    /// The API's routes: one per operation, `POST /openapi/{op}/{token}`, each counted under
    /// `/openapi/{op}` (a missing TOKEN is an unknown one, 1001, as on the platform); the
    /// and any other operation name (404), counted
    /// under `/openapi/`.
    package var routes: [HTTPRoute] {
        let operations = self.operations
        let served = Operation.allCases.map { operation in
            HTTPRoute([.POST], "/openapi/\(operation.rawValue)/{token?}") { request in
                Self.respond(operation, operations, request)
            }
        }
        let unknown = HTTPRoute([], "/openapi/{op}/{token?}", label: "/openapi/") { request in
            .done(Self.error(.notFound, "no such operation: \(request.path)"))
        }
        return served + [unknown]
    }

    /// The operations served, by their path segment.
    private enum Operation: String, CaseIterable {
        case sign
        case aibot
        case message
        case dictMessage = "dictmsg"
        case setAutoReply = "setautoreply"
        case batchImportSkill = "batchimportskill"
        case publish
        case publishProgress = "publish_progress"
        case sendMessage = "sendmsg"
        case getKefuState = "kefustate/get"
        case changeKefuState = "kefustate/change"
    }

    /// Answers one request to `operation`.
    private static func respond(
        _ operation: Operation,
        _ operations: ChatbotOperations,
        _ request: HTTPRouteRequest
    ) -> HTTPRouteOutcome {
        let token = String(request["token"])
        let fields: OpenAPIFields
        do throws(OpenAPIFields.Malformed) {
            fields = try OpenAPIFields(
                body: Array(buffer: request.body),
                contentType: request.head.headers.first(name: "content-type"),
                query: request.query
            )
        } catch {
            return .done(Self.error(.badRequest, error.message))
        }
        if let bot = operations.directory.cached(token: token) {
            return Self.perform(operation, operations, bot, fields, peer: request.peer)
        }
        let peer = request.peer
        return .later {
            do throws(PlatformFailure) {
                let bot = try await operations.directory.lookup(token: token)
                switch Self.perform(operation, operations, bot, fields, peer: peer) {
                case .done(let response): return response
                case .later(let response): return await response()
                }
            } catch {
                return Self.failure(error)
            }
        }
    }

    private static func perform(
        _ operation: Operation,
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        _ fields: OpenAPIFields,
        peer: String
    ) -> HTTPRouteOutcome {
        switch operation {
        case .sign, .aibot, .message, .dictMessage:
            return answer(operation, operations, bot, fields, peer: peer)
        case .sendMessage, .getKefuState, .changeKefuState:
            return customerService(operation, operations, bot, encrypt: Self.encrypt(fields), peer: peer)
        case .setAutoReply, .batchImportSkill, .publish, .publishProgress:
            let encrypt = Self.encrypt(fields)
            let taskID = fields.string("task_id")
            return .later {
                do throws(PlatformFailure) {
                    var writer = Self.okWriter()
                    switch operation {
                    case .setAutoReply:
                        let id = try await operations.setAutoReply(bot: bot, encrypt: encrypt, peer: peer)
                        writer.write(member: "ans_node_id", integer: id)
                    case .batchImportSkill:
                        let imported = try await operations.batchImportSkill(bot: bot, encrypt: encrypt, peer: peer)
                        writer.write(member: "imported", integer: Int64(imported))
                    case .publish:
                        let task = try await operations.publish(bot: bot, encrypt: encrypt, peer: peer)
                        writer.write(member: "task_id", string: task)
                    default:
                        // The platform's shape ({code, msg, data{progress, status}}) and ours.
                        let task = try await operations.publishProgress(
                            bot: bot,
                            encrypt: encrypt,
                            taskID: taskID,
                            peer: peer
                        )
                        writer.write(member: "task_id", string: task)
                        writer.write(member: "progress", integer: 100)
                        writer.write(member: "done", bool: true)
                        writer.write(member: "code", integer: 0)
                        writer.write(member: "msg", string: "success")
                        writer.write(
                            member: "data",
                            value: .object([("progress", .integer(100)), ("status", .integer(1))])
                        )
                    }
                    writer.endObject()
                    return json(.ok, writer.bytes)
                } catch {
                    return failure(error)
                }
            }
        }
    }

    /// sendmsg and kefustate, which write to (or read) the store off the event loop.
    private static func customerService(
        _ operation: Operation,
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        encrypt: String,
        peer: String
    ) -> HTTPRouteOutcome {
        .later {
            do throws(PlatformFailure) {
                var writer = Self.okWriter()
                switch operation {
                case .sendMessage:
                    let seq = try await operations.sendMessage(bot: bot, encrypt: encrypt, peer: peer)
                    // The platform's own answer is {"errcode":0,"msg":"Success"}.
                    writer.write(member: "msg", string: "Success")
                    writer.write(member: "msg_id", string: String(seq))
                    writer.write(member: "seq", integer: seq)
                case .getKefuState:
                    let (record, all) = try await operations.kefuState(bot: bot, encrypt: encrypt, peer: peer)
                    writer.write(member: "kefustate", string: record.state == .personServing ? "on" : "off")
                    if all {
                        writer.write(member: "status", string: record.state.rawValue)
                        writer.write(member: "kefuname", string: record.agentName)
                        writer.write(member: "expires_at", integer: record.expiresAt)
                    }
                default:
                    try await operations.changeKefuState(bot: bot, encrypt: encrypt, peer: peer)
                }
                writer.endObject()
                return json(.ok, writer.bytes)
            } catch {
                return failure(error)
            }
        }
    }

    /// The envelope of a management call: the field `encrypt`, or `encrypted` as some clients send it.
    private static func encrypt(_ fields: OpenAPIFields) -> String {
        fields.contains("encrypt") ? fields.string("encrypt") : fields.string("encrypted")
    }

    /// A writer with `{"errcode":0,"errmsg":"ok"` written, for the caller to add members and close.
    private static func okWriter() -> JSONWriter {
        var writer = JSONWriter(escapingNonASCII: false)
        writer.beginObject()
        writer.write(member: "errcode", integer: 0)
        writer.write(member: "errmsg", string: "ok")
        return writer
    }

    /// The dialogue calls, answered on the event loop, unless the answer changes customer
    /// service (a person serves the user, a handoff request): then after that is committed.
    private static func answer(
        _ operation: Operation,
        _ operations: ChatbotOperations,
        _ bot: BotEntry,
        _ fields: OpenAPIFields,
        peer: String
    ) -> HTTPRouteOutcome {
        do throws(PlatformFailure) {
            switch operation {
            case .sign:
                let signature = try operations.sign(
                    bot: bot,
                    userID: fields.string("userid"),
                    userName: fields.string("username"),
                    avatar: fields.string("avatar"),
                    peer: peer
                )
                var writer = JSONWriter(escapingNonASCII: false)
                writer.beginObject()
                writer.write(member: "signature", string: signature)
                writer.write(member: "expiresIn", integer: ChatbotOperations.signatureLifetime)
                writer.endObject()
                return .done(json(.ok, writer.bytes))
            case .aibot:
                let query: DialogueQuery
                do throws(OpenAPIFields.Malformed) {
                    query = try aibotQuery(fields)
                } catch {
                    return .done(Self.error(.badRequest, error.message))
                }
                return settled(operations, try operations.query(bot: bot, query)) { $0.json }
            case .message:
                let token: String
                do throws(OpenAPIFields.Malformed) {
                    token = try fields.checkedString("query")
                } catch {
                    return .done(Self.error(.badRequest, error.message))
                }
                return settled(operations, try operations.message(bot: bot, query: token)) { $0.legacyJSON }
            case .dictMessage:
                let answer = try operations.dictMessage(bot: bot, encrypt: Self.encrypt(fields))
                return settled(operations, answer) { $0.legacyJSON }
            default:
                preconditionFailure("not a dialogue call")
            }
        } catch {
            return .done(failure(error))
        }
    }

    /// `answer` as `body`, at once, or once what it changed is committed
    /// (``ChatbotOperations/settle(_:)``).
    private static func settled(
        _ operations: ChatbotOperations,
        _ answer: DialogueAnswer,
        _ body: @escaping @Sendable (DialogueAnswer) -> [UInt8]
    ) -> HTTPRouteOutcome {
        guard answer.needsSettling else { return .done(json(.ok, body(answer))) }
        return .later {
            do throws(PlatformFailure) {
                return json(.ok, body(try await operations.settle(answer)))
            } catch {
                return failure(error)
            }
        }
    }

    /// The fields of an aibot request, each of the type the platform documents: `signature` and
    /// `query` strings (`null` is refused: they are required), `env` a string (`null` for the
    /// default), the skills lists of strings.
    ///
    /// - Throws: ``OpenAPIFields/Malformed`` naming the field of the wrong type, or an `env` that
    ///   is neither `online` nor `debug`.
    private static func aibotQuery(_ fields: OpenAPIFields) throws(OpenAPIFields.Malformed) -> DialogueQuery {
        let signature = try fields.checkedString("signature")
        let query = try fields.checkedString("query")
        let env: KnowledgeBaseEnv
        switch try fields.checkedString("env", nullIsAbsent: true).lowercased() {
        case "", "online": env = .online
        case "debug": env = .debug
        case let other: throw OpenAPIFields.Malformed("env must be \"online\" or \"debug\", not \"\(other)\"")
        }
        return DialogueQuery(
            signature: signature,
            query: query,
            env: env,
            firstPrioritySkills: try fields.checkedList("first_priority_skills"),
            secondPrioritySkills: try fields.checkedList("second_priority_skills")
        )
    }

    /// The server's refusals before a route runs, in the platform's error shape.
    package static func refusal(_ status: HTTPResponseStatus, _ cause: String) -> HTTPRouteResponse {
        error(status, cause)
    }

    /// A platform failure, as the platform sends it: HTTP 200 with the errcode in the body; a
    /// malformed request (``PlatformFailure/malformedRequest(_:)``) is HTTP 400, a client over a
    /// limit (``PlatformFailure/tooManyRequests(_:)``) 429.
    private static func failure(_ failure: PlatformFailure) -> HTTPRouteResponse {
        let status: HTTPResponseStatus =
            switch failure.kind {
            case .platform: .ok
            case .malformedRequest: .badRequest
            case .tooManyRequests: .tooManyRequests
            }
        return error(status, failure.errmsg, errcode: failure.errcode)
    }

    private static func error(
        _ status: HTTPResponseStatus,
        _ message: String,
        _ headers: [(String, String)] = [],
        errcode: ErrCode = .systemError
    ) -> HTTPRouteResponse {
        var writer = JSONWriter(escapingNonASCII: false)
        writer.beginObject()
        writer.write(member: "errcode", integer: Int64(errcode.rawValue))
        writer.write(member: "errmsg", string: message)
        writer.endObject()
        var response = json(status, writer.bytes)
        response.headers += headers
        return response
    }

    private static func json(_ status: HTTPResponseStatus, _ bytes: [UInt8]) -> HTTPRouteResponse {
        HTTPRouteResponse(status, headers: [("content-type", "application/json; charset=utf-8")], bytes: bytes)
    }
}
