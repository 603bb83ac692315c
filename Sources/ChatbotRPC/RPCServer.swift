internal import ChatbotHTTP2
internal import Glibc
package import Logging
package import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// The server: one port, gRPC over HTTP/2 (prior knowledge) and HTTP/1.1, told apart by the
/// connection preface; plain HTTP routes are served over both.
///
/// With an admin listener (``Configuration/admin``) it listens on a second port, which serves
/// everything, and the first one serves only the methods and routes the admin listener names as
/// public: the others are refused there, a gRPC call with UNIMPLEMENTED and a plain HTTP request
/// with 404 (through the routes' refusal), both saying that the operation is served on the admin
/// address. The two ports share the metrics; each has its own connection limit.
///
/// ``run()`` serves until ``shutDownGracefully()``: then it stops accepting, sends GOAWAY on
/// every connection, lets calls in flight finish (bounded by the grace period) and returns.
package final class RPCServer: Sendable {
    package struct Configuration: Sendable {
        package var host = "127.0.0.1"
        package var port = 8080
        /// The largest request message accepted (RESOURCE_EXHAUSTED above).
        package var maxReceiveMessageSize = 4 << 20
        /// The most concurrent calls per connection (announced in SETTINGS).
        package var maxConcurrentStreams: UInt32 = 1024
        /// How long a graceful shutdown waits for calls in flight.
        package var shutdownGracePeriod = TimeAmount.seconds(10)
        /// The largest plain HTTP request body accepted, over HTTP/1.1 and HTTP/2 (413 above).
        package var maxHTTPBodySize = 1 << 20
        /// How long an HTTP/1.1 connection may take to send a request head, counted from when it
        /// opened or from the previous response; idle keep-alive connections close after it.
        package var http1HeaderTimeout = TimeAmount.seconds(10)
        /// How long a request may take to arrive: a plain HTTP body after its head, over HTTP/1.1
        /// (408 and close after) and HTTP/2 (408); a unary gRPC call's message after its headers,
        /// a streaming call's message after its first byte (DEADLINE_EXCEEDED).
        package var requestTimeout = TimeAmount.seconds(10)
        /// How long a new connection may take to send its first 4 bytes (the HTTP/2 preface's
        /// start, or an HTTP/1.1 request line's) before it is closed.
        package var handshakeTimeout = TimeAmount.seconds(10)
        /// How long an HTTP/2 connection with no calls stays open (then GOAWAY); nil for ever.
        package var idleTimeout: TimeAmount? = .minutes(5)
        /// How long an HTTP/2 connection stays open before a graceful GOAWAY; nil for ever.
        package var maxConnectionAge: TimeAmount?
        /// An HTTP/2 connection silent for one to two keepalive times is PINGed, and closes unless
        /// the client acknowledges within the keepalive timeout.
        package var keepaliveTime = TimeAmount.minutes(5)
        package var keepaliveTimeout = TimeAmount.seconds(20)
        /// The most request bytes held for the calls of one HTTP/2 connection together.
        package var maxBufferedRequestBytes = 16 << 20
        /// The most open connections; one more is accepted and closed at once, and counted.
        /// Default: the descriptor limit less a reserve for the database and the process.
        package var maxConnections = RPCServer.defaultMaxConnections()
        /// Where the server answers with its ``ServerMetrics`` in the Prometheus text format, version
        /// 0.0.4 (`GET`, over HTTP/1.1 and HTTP/2); nil for nowhere.
        package var metricsPath: String? = "/metrics"
        /// A second address, for operators, that alone serves what ``AdminListener`` does not name
        /// as public; nil for one address that serves everything.
        package var admin: AdminListener?

        package init() {}
    }

    /// The operators' address, and what the first address still serves when there is one.
    package struct AdminListener: Sendable {
        package var host: String
        package var port: Int
        /// The gRPC methods the first address serves, by path (`/package.Service/Method`).
        package var publicMethods: Set<String>
        /// The plain HTTP routes the first address serves, by label (`/openapi/aibot`, `/healthz`);
        /// ``Configuration/metricsPath`` is one only if listed.
        package var publicRoutes: Set<String>
        /// Most open connections on this address, counted apart from the first one's
        /// ``Configuration/maxConnections``: a flood of the public address does not lock the
        /// operators out.
        package var maxConnections: Int

        package init(
            host: String,
            port: Int,
            publicMethods: Set<String>,
            publicRoutes: Set<String>,
            maxConnections: Int = 64
        ) {
            self.host = host
            self.port = port
            self.publicMethods = publicMethods
            self.publicRoutes = publicRoutes
            self.maxConnections = maxConnections
        }
    }

    /// Sent to every connection's pipeline when the server shuts down.
    struct GracefulShutdownEvent: Sendable {}

    private let configuration: Configuration
    /// Every method and route: what the admin address serves, and the first one when there is none.
    private let router: RPCRouter
    private let httpRoutes: HTTPRoutes
    /// What the first address serves.
    private let publicRouter: RPCRouter
    private let publicRoutes: HTTPRoutes
    private let group: any EventLoopGroup
    private let logger: Logger
    /// The server's counters, served at ``Configuration/metricsPath``.
    package let metrics: ServerMetrics
    private let state = Mutex(State())

    private struct State {
        var listeners: [any Channel] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
        /// How many of ``connections`` came to the admin address.
        var adminConnections = 0
        var shuttingDown = false
        var addressWaiters: [CheckedContinuation<SocketAddress?, Never>] = []
        /// The first address, set once every listener is bound.
        var address: SocketAddress?
        var adminAddress: SocketAddress?
        var stopped = false
        /// Whether refusing a connection at the maximum has been logged (once per episode).
        var warnedFull = false
    }

    /// - Parameters:
    ///   - metricsCollectors: Update their own metrics in ``ServerMetrics/registry`` at each scrape
    ///     of ``Configuration/metricsPath``, before it is rendered.
    package init(
        configuration: Configuration,
        services: [any RPCService],
        httpRoutes: HTTPRoutes,
        metricsCollectors: [ServerMetrics.Collector] = [],
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        let router = RPCRouter(services: services)
        self.router = router
        self.group = group
        self.logger = logger
        // The route reads the metrics, which need the routes' labels: it finds them through a box
        // filled right after.
        let box = MetricsBox()
        let routes =
            configuration.metricsPath.map { path in
                httpRoutes.adding(
                    HTTPRoute([.GET], path) { _ in
                        // A task, not the event loop: the scrape reads /proc and walks glibc's arenas.
                        .later {
                            HTTPRouteResponse(
                                .ok,
                                headers: [("content-type", ServerMetrics.contentType)],
                                bytes: box.metrics.withLock { $0 }?.scrape() ?? []
                            )
                        }
                    }
                )
            } ?? httpRoutes
        self.httpRoutes = routes
        if let admin = configuration.admin {
            self.publicRouter = router.serving(only: admin.publicMethods) { path in
                RPCError(.unimplemented, "\(path.dropFirst()) is served on the admin address, not this one")
            }
            let refusal = routes.refusal
            self.publicRoutes = routes.serving(only: admin.publicRoutes) { label in
                refusal(.notFound, "\(label) is served on the admin address, not this one")
            }
        } else {
            self.publicRouter = router
            self.publicRoutes = routes
        }
        self.metrics = ServerMetrics(router: router, httpRoutes: routes, collectors: metricsCollectors)
        box.metrics.withLock { $0 = self.metrics }
    }

    /// Binds, serves, and returns after a graceful shutdown has drained the connections.
    package func run() async throws {
        var perConnection = GRPCConnectionHandler.Configuration()
        perConnection.maxReceiveMessageSize = configuration.maxReceiveMessageSize
        perConnection.http2.maxConcurrentStreams = configuration.maxConcurrentStreams
        perConnection.shutdownGracePeriod = configuration.shutdownGracePeriod
        perConnection.maxPlainBodySize = configuration.maxHTTPBodySize
        perConnection.requestTimeout = configuration.requestTimeout
        perConnection.idleTimeout = configuration.idleTimeout
        perConnection.maxConnectionAge = configuration.maxConnectionAge
        perConnection.keepaliveTime = configuration.keepaliveTime
        perConnection.keepaliveTimeout = configuration.keepaliveTimeout
        perConnection.maxBufferedRequestBytes = configuration.maxBufferedRequestBytes
        let connectionConfiguration = perConnection
        let http1Configuration = HTTP1Handler.Configuration(
            maxBodySize: configuration.maxHTTPBodySize,
            headerTimeout: configuration.http1HeaderTimeout,
            bodyTimeout: configuration.requestTimeout
        )
        let handshakeTimeout = configuration.handshakeTimeout
        let metrics = self.metrics
        let logger = self.logger
        /// A listener on `host:port` serving `router` and `routes`.
        func bind(
            _ host: String,
            _ port: Int,
            _ router: RPCRouter,
            _ routes: HTTPRoutes,
            admin: Bool
        ) async throws -> any Channel {
            try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: false)
                .childChannelInitializer { [self] channel in
                    guard self.register(channel, admin: admin) else {
                        return channel.eventLoop.makeSucceededVoidFuture()
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        let detector = ProtocolDetector(
                            makeGRPCHandler: {
                                GRPCConnectionHandler(
                                    router: router,
                                    httpRoutes: routes,
                                    configuration: connectionConfiguration,
                                    metrics: metrics,
                                    logger: logger
                                )
                            },
                            httpRoutes: routes,
                            http1Configuration: http1Configuration,
                            handshakeTimeout: handshakeTimeout,
                            metrics: metrics
                        )
                        try channel.pipeline.syncOperations.addHandler(detector)
                    }
                }
                .bind(host: host, port: port)
                .get()
        }
        var listeners = [
            try await bind(configuration.host, configuration.port, publicRouter, publicRoutes, admin: false)
        ]
        if let admin = configuration.admin {
            do {
                listeners.append(try await bind(admin.host, admin.port, router, httpRoutes, admin: true))
            } catch {
                try? await listeners[0].close()
                throw error
            }
        }
        let (shutDownEarly, waiters) = state.withLock { state in
            state.listeners = listeners
            state.address = listeners[0].localAddress
            state.adminAddress = listeners.count > 1 ? listeners[1].localAddress : nil
            let waiters = state.addressWaiters
            state.addressWaiters = []
            return (state.shuttingDown, waiters)
        }
        for waiter in waiters { waiter.resume(returning: listeners[0].localAddress) }
        if shutDownEarly {
            for listener in listeners { try? await listener.close() }
        }
        for listener in listeners { try await listener.closeFuture.get() }
        // The listeners are closed: wait for the connections to drain.
        while !state.withLock({ $0.connections.isEmpty }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        state.withLock { $0.stopped = true }
    }

    /// The address the server listens on, once it does, and on the admin address too when there is
    /// one (nil if it stopped before binding).
    package func listeningAddress() async -> SocketAddress? {
        await withCheckedContinuation { continuation in
            let ready: SocketAddress?? = state.withLock { state in
                if let address = state.address { return .some(address) }
                if state.shuttingDown { return .some(nil) }
                state.addressWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The admin address the server listens on (``Configuration/admin``), once
    /// ``listeningAddress()`` has returned; nil without one.
    package var adminAddress: SocketAddress? {
        state.withLock { $0.adminAddress }
    }

    /// Stops accepting, sends GOAWAY on every connection and lets calls in flight finish.
    package func shutDownGracefully() {
        let (listeners, connections, waiters) = state.withLock { state in
            state.shuttingDown = true
            let waiters = state.addressWaiters
            state.addressWaiters = []
            return (state.listeners, Array(state.connections.values), waiters)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        for listener in listeners { listener.close(promise: nil) }
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(GracefulShutdownEvent())
        }
    }

    /// Tracks a new connection; false (and closed) when shutting down or at the maximum of its
    /// address (the admin address's own, ``AdminListener/maxConnections``, when `admin`).
    private func register(_ channel: any Channel, admin: Bool) -> Bool {
        let id = ObjectIdentifier(channel)
        let limit = admin ? configuration.admin?.maxConnections ?? 0 : configuration.maxConnections
        let refusal = state.withLock { state -> Refusal? in
            if state.shuttingDown { return .shuttingDown }
            let open = admin ? state.adminConnections : state.connections.count - state.adminConnections
            if open >= limit {
                defer { state.warnedFull = true }
                return .full(warn: !state.warnedFull)
            }
            state.connections[id] = channel
            if admin { state.adminConnections += 1 }
            return nil
        }
        switch refusal {
        case .full(let warn)?:
            metrics.connectionRefused()
            if warn {
                logger.warning(
                    "refusing connections: the maximum is open",
                    metadata: ["max-connections": "\(limit)", "address": "\(admin ? "admin" : "public")"]
                )
            }
            channel.close(promise: nil)
            return false
        case .shuttingDown?:
            channel.close(promise: nil)
            return false
        case nil:
            channel.closeFuture.whenComplete { [self] _ in
                state.withLock { state in
                    state.connections.removeValue(forKey: id)
                    if admin { state.adminConnections -= 1 }
                    // Warn again the next time the server fills up.
                    if state.connections.count - state.adminConnections < configuration.maxConnections / 2 {
                        state.warnedFull = false
                    }
                }
            }
            return true
        }
    }

    private enum Refusal {
        case shuttingDown
        case full(warn: Bool)
    }

    /// The descriptor limit (RLIMIT_NOFILE) less 256 for the database, logs and the process, at
    /// least 64.
    package static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else {
            return 10_000
        }
        return max(64, Int(clamping: limit.rlim_cur) - 256)
    }
}

/// Hands the metrics to the route that serves them, which is made before them.
private final class MetricsBox: Sendable {
    let metrics = Mutex<ServerMetrics?>(nil)
}
