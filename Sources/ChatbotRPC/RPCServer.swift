internal import ChatbotHTTP2
package import Logging
package import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// The server: one port, gRPC over HTTP/2 (prior knowledge) and HTTP/1.1, told apart by the
/// connection preface; plain HTTP routes are served over both.
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
        /// How long a plain HTTP request body may take after its head, over HTTP/1.1 (408 and
        /// close after) and HTTP/2 (408).
        package var httpBodyTimeout = TimeAmount.seconds(10)
        /// Where the server answers with its ``ServerMetrics`` in the Prometheus text format
        /// (`GET`, over HTTP/1.1 and HTTP/2); nil for nowhere.
        package var metricsPath: String? = "/metrics"

        package init() {}
    }

    /// Sent to every connection's pipeline when the server shuts down.
    struct GracefulShutdownEvent: Sendable {}

    private let configuration: Configuration
    private let router: RPCRouter
    private let httpRoutes: HTTPRoutes
    private let group: any EventLoopGroup
    private let logger: Logger
    /// The server's counters, served at ``Configuration/metricsPath``.
    package let metrics: ServerMetrics
    private let state = Mutex(State())

    private struct State {
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
        var addressWaiters: [CheckedContinuation<SocketAddress?, Never>] = []
        var address: SocketAddress?
        var stopped = false
    }

    /// - Parameters:
    ///   - metricsCollectors: Add their own families to each scrape of ``Configuration/metricsPath``.
    package init(
        configuration: Configuration,
        services: [any RPCService],
        httpRoutes: HTTPRoutes,
        metricsCollectors: [@Sendable (inout PrometheusText) -> Void] = [],
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        let router = RPCRouter(services: services)
        self.router = router
        self.group = group
        self.logger = logger
        guard let path = configuration.metricsPath else {
            self.httpRoutes = httpRoutes
            self.metrics = ServerMetrics(router: router, httpRoutes: httpRoutes, collectors: metricsCollectors)
            return
        }
        // The route reads the metrics, which need the routes' labels: it finds them through a box
        // filled right after.
        let box = MetricsBox()
        let routes = httpRoutes.adding(path) { head, _ in
            guard head.method == .GET else {
                return .done(HTTPRouteResponse(.methodNotAllowed, headers: [("allow", "GET")], text: "use GET\n"))
            }
            return .later {
                HTTPRouteResponse(
                    .ok,
                    headers: [("content-type", PrometheusText.contentType)],
                    text: box.metrics.withLock { $0 }?.render() ?? ""
                )
            }
        }
        self.httpRoutes = routes
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
        perConnection.plainBodyTimeout = configuration.httpBodyTimeout
        let connectionConfiguration = perConnection
        let http1Configuration = HTTP1Handler.Configuration(
            maxBodySize: configuration.maxHTTPBodySize,
            headerTimeout: configuration.http1HeaderTimeout,
            bodyTimeout: configuration.httpBodyTimeout
        )
        let router = self.router
        let routes = httpRoutes
        let metrics = self.metrics
        let logger = self.logger
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .childChannelInitializer { [self] channel in
                self.register(channel)
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
                        metrics: metrics
                    )
                    try channel.pipeline.syncOperations.addHandler(detector)
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let (shutDownEarly, waiters) = state.withLock { state in
            state.listener = channel
            state.address = channel.localAddress
            let waiters = state.addressWaiters
            state.addressWaiters = []
            return (state.shuttingDown, waiters)
        }
        for waiter in waiters { waiter.resume(returning: channel.localAddress) }
        if shutDownEarly { try? await channel.close() }
        try await channel.closeFuture.get()
        // The listener is closed: wait for the connections to drain.
        while !state.withLock({ $0.connections.isEmpty }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        state.withLock { $0.stopped = true }
    }

    /// The address the server listens on, once it does (nil if it stopped before binding).
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

    /// Stops accepting, sends GOAWAY on every connection and lets calls in flight finish.
    package func shutDownGracefully() {
        let (listener, connections, waiters) = state.withLock { state in
            state.shuttingDown = true
            let waiters = state.addressWaiters
            state.addressWaiters = []
            return (state.listener, Array(state.connections.values), waiters)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        listener?.close(promise: nil)
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(GracefulShutdownEvent())
        }
    }

    private func register(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let refused = state.withLock { state in
            if state.shuttingDown { return true }
            state.connections[id] = channel
            return false
        }
        if refused {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLock { $0.connections.removeValue(forKey: id) }
        }
    }
}

/// Hands the metrics to the route that serves them, which is made before them.
private final class MetricsBox: Sendable {
    let metrics = Mutex<ServerMetrics?>(nil)
}
