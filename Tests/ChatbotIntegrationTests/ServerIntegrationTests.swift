import ChatbotCrypto
import ChatbotEngine
import ChatbotProto
import ChatbotRPC
import ChatbotService
import ChatbotStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing

/// The real server on 127.0.0.1:0, called with the project's own gRPC client.
@Suite(.timeLimit(.minutes(1))) struct ServerIntegrationTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    /// Serves a store with one bot for the length of `body`; `prepare` writes to the store before
    /// the server indexes it.
    func withServer(
        prepare: (SQLiteStore, Bot) throws -> Void = { _, _ in },
        _ body: (RPCClient, Bot) async throws -> Void
    ) async throws {
        try await withServer(prepare: prepare) { _, client, bot, _ in try await body(client, bot) }
    }

    /// Serves as ``withServer(prepare:_:)`` does, with `configure` applied to the configuration;
    /// `body` gets the server and its event loops too.
    func withServer(
        configure: (inout RPCServer.Configuration) -> Void = { _ in },
        prepare: (SQLiteStore, Bot) throws -> Void = { _, _ in },
        _ body: (RPCServer, RPCClient, Bot, any EventLoopGroup) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chatbotd-it-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("chatbot.db").path)
        let bot = try store.addBot(name: "it", appID: "wx0123456789abcdef", token: "itToken", encodingAESKey: Self.key)
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let directoryOfBots = BotDirectory(store: store, threadPool: threadPool) {
            Int64(Date().timeIntervalSince1970 * 1000)
        }
        try prepare(store, bot)
        let knowledgeBases = KnowledgeBases(store: store)
        try knowledgeBases.refresh()
        let operations = ChatbotOperations(
            directory: directoryOfBots,
            knowledgeBases: knowledgeBases,
            store: store,
            threadPool: threadPool
        ) {
            1_700_000_000
        }
        var configuration = RPCServer.Configuration()
        configuration.port = 0
        configure(&configuration)
        let server = RPCServer(
            configuration: configuration,
            services: [ChatbotRPCService(operations: operations), HealthService()],
            httpRoutes: HTTPRoutes([]),
            group: group,
            logger: Logger(label: "it")
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            let address = try #require(await server.listeningAddress())
            let client = try await RPCClient.connect(host: "127.0.0.1", port: address.port!, group: group)
            do {
                try await body(server, client, bot, group)
            } catch {
                await client.close()
                server.shutDownGracefully()
                throw error
            }
            await client.close()
            server.shutDownGracefully()
            try await tasks.waitForAll()
        }
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
    }

    @Test func signReturnsAVerifiableJWT() async throws {
        try await withServer { client, bot in
            let response = try await client.unary(
                "/chatbot.v1.Chatbot/Sign",
                ChatbotV1.SignRequest(token: bot.token, userid: "u1", username: "张三", avatar: ""),
                as: ChatbotV1.SignResponse.self,
                timeout: .seconds(10)
            )
            #expect(response.expiresIn == 7200)
            let claims = try JWTKey(secret: Self.key).verify(response.signature, now: 1_700_000_001)
            #expect(
                claims
                    == JWTClaims(
                        userID: "u1",
                        userName: "张三",
                        avatar: "",
                        issuedAt: 1_700_000_000,
                        expiresAt: 1_700_007_200
                    )
            )
        }
    }

    @Test func errorsCarryStatusAndErrcode() async throws {
        try await withServer { client, bot in
            for (request, code, errcode) in [
                (ChatbotV1.SignRequest(token: "nope", userid: "u"), RPCError.Code.unauthenticated, "1001"),
                (ChatbotV1.SignRequest(token: bot.token, userid: ""), .invalidArgument, "1003"),
            ] {
                do throws(RPCError) {
                    _ = try await client.unary("/chatbot.v1.Chatbot/Sign", request, as: ChatbotV1.SignResponse.self)
                    Issue.record("expected \(code)")
                } catch {
                    #expect(error.code == code)
                    #expect(error.trailers.first { $0.name == "chatbot-errcode" }?.value == errcode)
                }
            }
        }
    }

    @Test func unknownMethodsAreUnimplemented() async throws {
        try await withServer { client, _ in
            await #expect(throws: RPCError(.unimplemented, "Method not found: /chatbot.v1.Chatbot/Nope")) {
                try await client.unary(
                    "/chatbot.v1.Chatbot/Nope",
                    ChatbotV1.SignRequest(),
                    as: ChatbotV1.SignResponse.self
                )
            }
        }
    }

    @Test func withAnAdminListenerThePublicAddressRefusesTheRest() async throws {
        let publicMethods = ChatbotRPCService.dialogueMethodPaths.union(HealthService().methods.map(\.path))
        try await withServer { configuration in
            configuration.admin = RPCServer.AdminListener(
                host: "127.0.0.1",
                port: 0,
                publicMethods: publicMethods,
                publicRoutes: []
            )
        } _: { server, publicClient, bot, group in
            let admin = try #require(server.adminAddress)
            let adminClient = try await RPCClient.connect(host: "127.0.0.1", port: admin.port!, group: group)
            let sign = ChatbotV1.SignRequest(token: bot.token, userid: "u1")
            let health = GrpcHealthV1.HealthCheckRequest()
            for client in [publicClient, adminClient] {
                let signed = try await client.unary("/chatbot.v1.Chatbot/Sign", sign, as: ChatbotV1.SignResponse.self)
                #expect(signed.expiresIn == 7200)
                _ = try await client.unary(
                    "/grpc.health.v1.Health/Check",
                    health,
                    as: GrpcHealthV1.HealthCheckResponse.self
                )
            }
            let publish = ChatbotV1.PublishRequest(token: bot.token)
            await #expect(
                throws: RPCError(
                    .unimplemented,
                    "chatbot.v1.Chatbot/Publish is served on the admin address, not this one"
                )
            ) {
                try await publicClient.unary("/chatbot.v1.Chatbot/Publish", publish, as: ChatbotV1.PublishResponse.self)
            }
            // On the admin address the call reaches the operation (whatever it answers).
            do throws(RPCError) {
                _ = try await adminClient.unary(
                    "/chatbot.v1.Chatbot/Publish",
                    publish,
                    as: ChatbotV1.PublishResponse.self
                )
            } catch {
                #expect(error.code != .unimplemented, "\(error)")
            }
            await adminClient.close()
        }
    }

    @Test func concurrentCallsShareOneConnection() async throws {
        try await withServer { client, bot in
            try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<500 {
                    group.addTask {
                        try await client.unary(
                            "/chatbot.v1.Chatbot/Sign",
                            ChatbotV1.SignRequest(token: bot.token, userid: "u\(i)"),
                            as: ChatbotV1.SignResponse.self
                        ).signature
                    }
                }
                var signatures = Set<String>()
                for try await signature in group { signatures.insert(signature) }
                #expect(signatures.count == 500)
            }
        }
    }

    @Test func queryAnswersFromThePublishedKnowledgeBase() async throws {
        let entries = [
            FAQEntry(key: "refund", skill: "售后", question: "怎么申请退款", similar: ["退款怎么申请"], answers: ["点“申请退款”。"]),
            FAQEntry(key: "ship", skill: "物流", question: "多久能发货", similar: ["什么时候发货"], answers: ["48小时内。"]),
        ]
        let prepare: (SQLiteStore, Bot) throws -> Void = { store, bot in
            _ = try store.importEntries(botID: bot.id, entries, replace: false)
            _ = try store.publish(botID: bot.id)
        }
        try await withServer(prepare: prepare) { client, bot in
            let signature = try JWTKey(secret: Self.key).sign(payload: Array(#"{"userid":"u1"}"#.utf8))
            let response = try await client.unary(
                "/chatbot.v1.Chatbot/Query",
                ChatbotV1.QueryRequest(token: bot.token, signature: signature, query: "请问怎么申请退款？", explain: true),
                as: ChatbotV1.QueryResponse.self,
                timeout: .seconds(10)
            )
            #expect(response.status == .faq)
            #expect(response.answer == "点“申请退款”。")
            #expect(response.confidence == 1)
            #expect(response.fromUserName == "u1")
            #expect(response.msg.first?.content == response.answer)
            #expect(response.candidates.first?.title == "怎么申请退款")
            do throws(RPCError) {
                _ = try await client.unary(
                    "/chatbot.v1.Chatbot/Query",
                    ChatbotV1.QueryRequest(token: bot.token, signature: "", query: "x"),
                    as: ChatbotV1.QueryResponse.self
                )
                Issue.record("expected 1004")
            } catch {
                #expect(error.code == .invalidArgument)
                #expect(error.trailers.first { $0.name == "chatbot-errcode" }?.value == "1004")
            }
        }
    }
}
