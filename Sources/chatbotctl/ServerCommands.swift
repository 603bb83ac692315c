import ArgumentParser
import ChatbotCrypto
import ChatbotProto
import ChatbotRPC
import ChatbotService
import Foundation
import NIOCore
import NIOPosix

/// Where a running chatbotd listens, for the commands that call it over gRPC.
struct ServerOptions: ParsableArguments {
    @Option(help: "The chatbotd to call, HOST:PORT (env CHATBOT_SERVER; default 127.0.0.1:8080).")
    var server: String = ProcessInfo.processInfo.environment["CHATBOT_SERVER"] ?? "127.0.0.1:8080"

    @Option(help: "Seconds to wait for each answer.") var timeout: Int64 = 10

    /// Connects, runs `body` with the client, and closes; a failure prints `chatbotctl: <step>
    /// failed: STATUS: message (errcode N)` and exits with status 1.
    func withClient<R>(_ step: String, _ body: (RPCClient) async throws(RPCError) -> R) async throws -> R {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ValidationError("--server must be HOST:PORT, not \(server)")
        }
        let host = String(server[..<colon])
        let client: RPCClient
        do {
            client = try await RPCClient.connect(host: host, port: port, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            throw failure(step, "cannot connect to \(server): \(error)")
        }
        do throws(RPCError) {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            let errcode = error.trailers.first { $0.name == RPCError.errcodeTrailer }.map { " (errcode \($0.value))" }
            throw failure(step, "\(error.code.name): \(error.message)\(errcode ?? "")")
        }
    }

    /// One unary call on its own connection (``withClient(_:_:)``), within ``timeout``.
    func unary<Request: ProtoMessage, Response: ProtoMessage>(
        _ step: String,
        _ path: String,
        _ request: Request,
        as: Response.Type,
        metadata: [(name: String, value: String)] = []
    ) async throws -> Response {
        try await withClient(step) { client throws(RPCError) in
            try await client.unary(path, request, as: Response.self, metadata: metadata, timeout: .seconds(timeout))
        }
    }
}

/// `chatbotctl sign`: the Sign RPC of a running server.
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Ask a running chatbotd for a signature (Sign RPC); print {\"signature\",\"expires_in\"}."
    )

    @Option(help: "The bot's TOKEN.") var token: String
    @Option(help: "The user's id (required by the platform).") var userid: String
    @Option(help: "The user's display name.") var username = ""
    @Option(help: "The user's avatar URL.") var avatar = ""
    @OptionGroup var connection: ServerOptions

    func run() async throws {
        let request = ChatbotV1.SignRequest(token: token, userid: userid, username: username, avatar: avatar)
        let response = try await connection.unary(
            "sign",
            "/chatbot.v1.Chatbot/Sign",
            request,
            as: ChatbotV1.SignResponse.self
        )
        writeLine(.object([("signature", .string(response.signature)), ("expires_in", .integer(response.expiresIn))]))
    }
}

/// `chatbotctl query`: the Query RPC of a running server, one call per query.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Ask a running chatbotd (Query RPC); print one aibot-shaped JSON line per query.",
        discussion: """
            Without --signature, signs first with the Sign RPC for --userid. Each answer is printed as the \
            platform's aibot response (ans_node_id, ans_node_name, title, answer, answer_type, confidence, \
            options, status, …; candidates with --explain). A refusal prints the gRPC status, the message and \
            the platform errcode, and exits with status 1.
            """
    )

    @Option(help: "The bot's TOKEN.") var token: String
    @Option(help: "A signature from sign; made with the Sign RPC when omitted.") var signature: String?
    @Option(help: "The user id to sign for when --signature is omitted.") var userid = "chatbotctl"
    @Option(help: "online (published) or debug (draft).") var env: QueryEnv = .online
    @Option(name: .customLong("skill"), help: "Restrict matching to this skill (repeatable; first priority).")
    var skills: [String] = []
    @Flag(help: "Add the scored candidates.") var explain = false
    @OptionGroup var connection: ServerOptions
    @Argument(help: "The queries.") var queries: [String]

    enum QueryEnv: String, ExpressibleByArgument {
        case online, debug
    }

    func run() async throws {
        let timeout = connection.timeout
        try await connection.withClient("query") { client throws(RPCError) in
            var signature = self.signature
            if signature == nil {
                let signed = try await client.unary(
                    "/chatbot.v1.Chatbot/Sign",
                    ChatbotV1.SignRequest(token: token, userid: userid),
                    as: ChatbotV1.SignResponse.self,
                    timeout: .seconds(timeout)
                )
                signature = signed.signature
            }
            for query in queries {
                var request = ChatbotV1.QueryRequest()
                request.token = token
                request.signature = signature!
                request.query = query
                request.env = env == .debug ? .debug : .online
                request.firstPrioritySkills = skills
                request.explain = explain
                let response = try await client.unary(
                    "/chatbot.v1.Chatbot/Query",
                    request,
                    as: ChatbotV1.QueryResponse.self,
                    timeout: .seconds(timeout)
                )
                writeLine(response.json)
            }
        }
    }
}

extension ChatbotV1.QueryResponse {
    /// The aibot response's fields, named as the platform names them.
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("ans_node_id", .integer(ansNodeId)),
            ("ans_node_name", .string(ansNodeName)),
            ("title", .string(title)),
            ("answer", .string(answer)),
            ("answer_type", .string(answerType.name)),
            ("confidence", .number("\(confidence)")),
            (
                "options",
                .array(
                    options.map {
                        .object([
                            ("ans_node_name", .string($0.ansNodeName)), ("title", .string($0.title)),
                            ("answer", .string($0.answer)), ("confidence", .number("\($0.confidence)")),
                        ])
                    }
                )
            ),
            ("status", .string(status.name)),
            ("from_user_name", .string(fromUserName)),
            ("to_user_name", .string(toUserName)),
            ("msg_id", .string(msgId)),
            ("query", .string(query)),
            ("create_time", .string(createTime)),
            ("is_default_answer", .bool(isDefaultAnswer)),
        ]
        if !candidates.isEmpty {
            members.append(
                (
                    "candidates",
                    .array(
                        candidates.map {
                            .object([
                                ("ans_node_id", .integer($0.ansNodeId)), ("ans_node_name", .string($0.ansNodeName)),
                                ("title", .string($0.title)), ("confidence", .number("\($0.confidence)")),
                                ("matched_question", .string($0.matchedQuestion)),
                            ])
                        }
                    )
                )
            )
        }
        return .object(members)
    }
}
