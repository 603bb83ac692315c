import ArgumentParser
import ChatbotRPC
import ChatbotService
import ChatbotStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// The server: gRPC (h2c, prior knowledge) and HTTP/1.1 on one port.
@main
struct Chatbotd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatbotd",
        abstract: "Serve the WeChat Dialogue Open Platform API over gRPC and HTTP."
    )

    @Option(help: "HOST:PORT to listen on (env CHATBOT_LISTEN).")
    var listen: String = ProcessInfo.processInfo.environment["CHATBOT_LISTEN"] ?? "127.0.0.1:8080"

    @Option(help: "The SQLite database file (env CHATBOT_DB).")
    var db: String = ProcessInfo.processInfo.environment["CHATBOT_DB"] ?? "./var/chatbot.db"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CHATBOT_LOG_LEVEL).")
    var logLevel: String = ProcessInfo.processInfo.environment["CHATBOT_LOG_LEVEL"] ?? "info"

    @Option(help: "Event-loop threads (default: one per core).")
    var threads: Int = System.coreCount

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level \(logLevel)")
        }
        let (host, port) = try Self.parse(listen: listen)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "chatbotd")

        let store = try SQLiteStore(path: db)
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let seconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
        let milliseconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
        let directory = BotDirectory(store: store, threadPool: threadPool, now: milliseconds)
        try await directory.reload()
        // Every knowledge base is indexed before the server listens.
        let knowledgeBases = KnowledgeBases(store: store)
        let started = ContinuousClock.now
        let versions = try await threadPool.runIfActive { try knowledgeBases.refresh() }
        logger.info(
            "knowledge bases indexed",
            metadata: ["versions": "\(versions)", "duration": "\(ContinuousClock.now - started)"]
        )
        let operations = ChatbotOperations(
            directory: directory,
            knowledgeBases: knowledgeBases,
            store: store,
            threadPool: threadPool,
            logger: logger,
            now: seconds,
            nowMilliseconds: milliseconds
        )

        var configuration = RPCServer.Configuration()
        configuration.host = host
        configuration.port = port
        let health = HealthService()
        let gateway = OpenAPIGateway(operations: operations)
        let services: [any RPCService] = [ChatbotRPCService(operations: operations), health]
        let server = RPCServer(
            configuration: configuration,
            services: services + [ReflectionService(services: services)],
            httpRoutes: HTTPRoutes(
                [
                    "/healthz": { _, _ in
                        .done(
                            health.isServing
                                ? HTTPRouteResponse(.ok, text: "ok\n")
                                : HTTPRouteResponse(.serviceUnavailable, text: "shutting down\n")
                        )
                    }
                ],
                prefixes: [OpenAPIGateway.pathPrefix: { head, body in gateway.respond(to: head, body: body) }],
                segments: [OpenAPIGateway.pathPrefix: OpenAPIGateway.operationNames],
                refusal: OpenAPIGateway.refusal
            ),
            metricsCollectors: [{ operations.collectMetrics(into: &$0) }],
            group: group,
            logger: logger
        )
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: ServerService(server: server, health: health, logger: logger)),
                    .init(
                        service: KnowledgeBaseRefresher(
                            knowledgeBases: knowledgeBases,
                            directory: directory,
                            threadPool: threadPool,
                            logger: logger
                        )
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await serviceGroup.run()
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
        logger.info("stopped")
    }

    static func parse(listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen must be HOST:PORT, got \(listen)") }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}

/// Runs the server as a lifecycle service: announces readiness, drains on graceful shutdown.
struct ServerService: Service {
    let server: RPCServer
    let health: HealthService
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.run() }
                if let address = await server.listeningAddress() {
                    // The readiness signal scripts wait for: on stderr, flushed, once bound.
                    let line = "listening on \(Self.describe(address))\n"
                    FileHandle.standardError.write(Data(line.utf8))
                    logger.info("serving", metadata: ["address": "\(Self.describe(address))"])
                }
            }
        } onGracefulShutdown: {
            logger.info("shutting down: draining calls in flight")
            health.shutDown()
            server.shutDownGracefully()
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port ?? 0
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
