import ArgumentParser
import ChatbotEngine
import ChatbotRPC
import ChatbotService
import ChatbotStore
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The server: gRPC (h2c, prior knowledge) and HTTP/1.1 on one port, or on two with
/// `--admin-listen` (dialogue on the first, management and customer service on the second).
@main
struct Chatbotd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatbotd",
        abstract: "Serve the WeChat Dialogue Open Platform API over gRPC and HTTP."
    )

    @Option(help: "HOST:PORT to listen on (env CHATBOT_LISTEN).")
    var listen: String = ProcessInfo.processInfo.environment["CHATBOT_LISTEN"] ?? "127.0.0.1:8080"

    @Option(
        help: """
            HOST:PORT of a second listener for operators (env CHATBOT_ADMIN_LISTEN; default: none). When set, \
            it alone serves the management and customer-service operations and /metrics; --listen keeps the \
            dialogue operations, health and reflection.
            """
    )
    var adminListen: String = ProcessInfo.processInfo.environment["CHATBOT_ADMIN_LISTEN"] ?? ""

    @Option(help: "The SQLite database file (env CHATBOT_DB).")
    var db: String = ProcessInfo.processInfo.environment["CHATBOT_DB"] ?? "./var/chatbot.db"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env CHATBOT_LOG_LEVEL).")
    var logLevel: String = ProcessInfo.processInfo.environment["CHATBOT_LOG_LEVEL"] ?? "info"

    @Option(help: "Event-loop threads (default: one per core).")
    var threads: Int = System.coreCount

    @Option(help: "Most open connections; more are accepted and closed at once (default: descriptor limit - 256).")
    var maxConnections: Int = RPCServer.defaultMaxConnections()

    @Option(help: "Seconds a new connection may take to send its first bytes.")
    var handshakeTimeout: Double = 10

    @Option(help: "Seconds a request body or gRPC request message may take to arrive.")
    var requestTimeout: Double = 10

    @Option(help: "Seconds an HTTP/2 connection without calls stays open (0: for ever).")
    var idleTimeout: Double = 300

    @Option(help: "Seconds before an HTTP/2 connection is asked to go away (0: for ever).")
    var maxConnectionAge: Double = 0

    @Option(help: "Seconds of silence (one to two of them) before the server PINGs an HTTP/2 client.")
    var keepaliveTime: Double = 300

    @Option(help: "Seconds the client has to acknowledge a keepalive PING.")
    var keepaliveTimeout: Double = 20

    @Option(help: "Most request bytes buffered for the calls of one HTTP/2 connection.")
    var maxBufferedRequestBytes: Int = 16 << 20

    @Option(
        help: "Seconds between checks that give glibc's free heap memory (over 32 MiB) back to the system (0: never)."
    )
    var heapTrimInterval: Double = 0

    @Option(help: "Signatures one client address may mint per bot per second (0: no limit; env CHATBOT_SIGN_RATE).")
    var signRate: Double = ProcessInfo.processInfo.environment["CHATBOT_SIGN_RATE"].flatMap(Double.init) ?? 1000

    @Option(help: "Signatures one client address may mint per bot at once before --sign-rate applies.")
    var signBurst: Int = 2000

    @Option(
        help: """
            Failed envelope, credential or managerid checks from one client address against one bot \
            within a minute before its management calls are refused for --lockout seconds (0: never).
            """
    )
    var maxManagementFailures: Int = 20

    @Option(help: "Seconds a client address is refused after --max-management-failures failed checks.")
    var lockout: Int = 300

    @Option(help: "Most users handed off at once (needperson or personserving), across bots.")
    var maxHandoffs: Int = 1_000_000

    @Option(help: "Most dialogue sessions (bot, user) kept in memory; the least recently active go first.")
    var maxSessions: Int = 100_000

    @Option(help: "Seconds of idleness after which a user's dialogue session ends.")
    var sessionIdleTimeout: Int = 1800

    @Option(help: "Turns after an answer within which its follow-up entries match.")
    var contextTurns: Int = 3

    @Option(help: "Seconds a skill's webhook may take to answer before the entry's own answer is sent.")
    var webhookTimeout: Double = 2

    @Option(help: "Most webhook calls waiting at once; more get the entry's own answer at once.")
    var maxWebhookCalls: Int = 256

    @Option(help: "Seconds one callback attempt may take, connection included.")
    var callbackTimeout: Double = 5

    @Option(help: "Attempts at a callback notice before it is dead (chatbotctl outbox failed|retry).")
    var callbackMaxAttempts: Int = 10

    @Option(help: "Seconds outbox messages and delivered callback notices are kept.")
    var outboxRetention: Double = 7 * 24 * 3600

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level \(logLevel)")
        }
        let (host, port) = try Self.parse(listen: listen)
        let admin = adminListen.isEmpty ? nil : try Self.parse(listen: adminListen, option: "--admin-listen")
        if let admin, admin == (host, port), port != 0 {
            throw ValidationError("--admin-listen must be another address than --listen")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "chatbotd")

        let store = try SQLiteStore(path: db)
        Self.log(store.fileModeRepairs, logger)
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
        let unanswered = UnansweredLog(store: store, threadPool: threadPool, logger: logger)
        var webhookSettings = Webhooks.Settings()
        webhookSettings.timeout = .nanoseconds(try Self.duration(webhookTimeout, "--webhook-timeout").nanoseconds)
        webhookSettings.maxInFlight = try Self.positive(maxWebhookCalls, "--max-webhook-calls")
        let operations = ChatbotOperations(
            directory: directory,
            knowledgeBases: knowledgeBases,
            store: store,
            threadPool: threadPool,
            logger: logger,
            limits: AccessLimits(try accessSettings(), logger: logger),
            customerService: CustomerService(
                store: store,
                threadPool: threadPool,
                capacity: try Self.positive(maxHandoffs, "--max-handoffs"),
                nowMilliseconds: milliseconds
            ),
            sessions: MemoryDialogueSessions(
                maxSessions: try Self.positive(maxSessions, "--max-sessions"),
                idleTimeout: Int64(try Self.positive(sessionIdleTimeout, "--session-idle-timeout"))
            ),
            dialogueOptions: DialogueOptions(contextTurns: try Self.positive(contextTurns, "--context-turns")),
            unanswered: unanswered,
            webhooks: Webhooks(group: group, settings: webhookSettings, logger: logger),
            now: seconds,
            nowMilliseconds: milliseconds
        )
        // Dialogue calls check who a person serves: read before the server listens.
        try await threadPool.runIfActive { try operations.customerService.load() }

        var configuration = RPCServer.Configuration()
        configuration.host = host
        configuration.port = port
        configuration.maxConnections = maxConnections
        configuration.handshakeTimeout = try Self.duration(handshakeTimeout, "--handshake-timeout")
        configuration.requestTimeout = try Self.duration(requestTimeout, "--request-timeout")
        configuration.idleTimeout = idleTimeout == 0 ? nil : try Self.duration(idleTimeout, "--idle-timeout")
        configuration.maxConnectionAge =
            maxConnectionAge == 0 ? nil : try Self.duration(maxConnectionAge, "--max-connection-age")
        configuration.keepaliveTime = try Self.duration(keepaliveTime, "--keepalive-time")
        configuration.keepaliveTimeout = try Self.duration(keepaliveTimeout, "--keepalive-timeout")
        guard maxBufferedRequestBytes >= configuration.maxReceiveMessageSize + 5 else {
            throw ValidationError("--max-buffered-request-bytes must hold one whole request message (4 MiB)")
        }
        configuration.maxBufferedRequestBytes = maxBufferedRequestBytes
        let health = HealthService()
        let gateway = OpenAPIGateway(operations: operations)
        let services: [any RPCService] = [ChatbotRPCService(operations: operations), health]
        let reflection = ReflectionService(services: services)
        if let admin {
            // The public address keeps the dialogue, health and reflection; the admin one serves all.
            configuration.admin = RPCServer.AdminListener(
                host: admin.0,
                port: admin.1,
                publicMethods: ChatbotRPCService.dialogueMethodPaths.union(
                    (health.methods + reflection.methods).map(\.path)
                ),
                publicRoutes: OpenAPIGateway.dialogueRouteLabels.union(["/healthz"])
            )
        }
        let server = RPCServer(
            configuration: configuration,
            services: services + [reflection],
            httpRoutes: HTTPRoutes(
                [
                    HTTPRoute([.GET, .HEAD], "/healthz") { _ in
                        .done(
                            health.isServing
                                ? HTTPRouteResponse(.ok, text: "ok\n")
                                : HTTPRouteResponse(.serviceUnavailable, text: "shutting down\n")
                        )
                    }
                ] + gateway.routes,
                refusal: OpenAPIGateway.refusal
            ),
            metricsCollectors: [operations.makeMetricsCollector()],
            group: group,
            logger: logger
        )
        // What libraries report through swift-metrics lands in the same registry as the server's own.
        var factory = PrometheusMetricsFactory(registry: server.metrics.registry)
        factory.defaultDurationHistogramBuckets = ServerMetrics.durationBuckets
        MetricsSystem.bootstrap(factory)
        var callbackSettings = CallbackDelivery.Settings()
        callbackSettings.timeout = .nanoseconds(try Self.duration(callbackTimeout, "--callback-timeout").nanoseconds)
        callbackSettings.maxAttempts = try Self.positive(callbackMaxAttempts, "--callback-max-attempts")
        callbackSettings.retention = .nanoseconds(
            try Self.duration(outboxRetention, "--outbox-retention").nanoseconds
        )
        let callbacks = CallbackDelivery(
            store: store,
            directory: directory,
            threadPool: threadPool,
            group: group,
            settings: callbackSettings,
            registry: server.metrics.registry,
            logger: logger,
            nowMilliseconds: milliseconds
        )
        operations.customerService.onCallbacksWritten { callbacks.wake() }
        let heapTrimmer: [ServiceGroupConfiguration.ServiceConfiguration] =
            heapTrimInterval == 0
            ? []
            : [
                .init(
                    service: HeapTrimmer(
                        interval: .nanoseconds(try Self.duration(heapTrimInterval, "--heap-trim-interval").nanoseconds),
                        logger: logger
                    )
                )
            ]
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
                    .init(service: callbacks),
                    .init(service: unanswered),
                ] + heapTrimmer,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await serviceGroup.run()
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
        logger.info("stopped")
    }

    /// The limits on `sign` and on failed management checks, checked.
    func accessSettings() throws -> AccessLimits.Settings {
        guard signRate >= 0, signRate.isFinite else { throw ValidationError("--sign-rate must be 0 or more") }
        guard signBurst >= 1 else { throw ValidationError("--sign-burst must be at least 1") }
        guard maxManagementFailures >= 0 else { throw ValidationError("--max-management-failures must be 0 or more") }
        guard lockout >= 1 else { throw ValidationError("--lockout must be at least 1 second") }
        return AccessLimits.Settings(
            signRate: signRate,
            signBurst: signBurst,
            maxFailures: maxManagementFailures,
            lockout: .seconds(lockout)
        )
    }

    /// Says which database files were open to other users when the store opened: a notice for each
    /// one narrowed to its owner, a warning for each one that could not be.
    static func log(_ repairs: [FileModeRepair], _ logger: Logger) {
        for repair in repairs {
            var metadata: Logger.Metadata = ["path": "\(repair.path)"]
            if let mode = repair.foundMode { metadata["mode"] = "\(FileModeRepair.octal(mode))" }
            if let failure = repair.failure {
                metadata["error"] = "\(failure)"
                logger.warning("a database file is open to other users and cannot be narrowed", metadata: metadata)
            } else if let mode = repair.mode {
                metadata["narrowed-to"] = "\(FileModeRepair.octal(mode))"
                logger.notice("a database file was open to other users: narrowed to its owner", metadata: metadata)
            }
        }
    }

    /// `value` when it is at least 1, or a usage error naming `option`.
    static func positive(_ value: Int, _ option: String) throws -> Int {
        guard value >= 1 else { throw ValidationError("\(option) must be at least 1") }
        return value
    }

    /// `seconds` (positive) as a duration, or a usage error naming `option`.
    static func duration(_ seconds: Double, _ option: String) throws -> TimeAmount {
        guard seconds > 0, seconds < 1e9 else {
            throw ValidationError("\(option) must be a positive number of seconds")
        }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    static func parse(listen: String, option: String = "--listen") throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("\(option) must be HOST:PORT, got \(listen)") }
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
                    // Its own line, before the readiness signal, and never with "listening on" in it:
                    // scripts take the first such line for the public address.
                    if let admin = server.adminAddress {
                        FileHandle.standardError.write(Data("admin listener on \(Self.describe(admin))\n".utf8))
                        logger.info("serving operators", metadata: ["address": "\(Self.describe(admin))"])
                    }
                    // The readiness signal scripts wait for: on stderr, flushed, once every listener is bound.
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
