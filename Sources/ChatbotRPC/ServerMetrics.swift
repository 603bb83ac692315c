internal import Synchronization

/// The server's counters and gauges, shared by every connection, rendered by ``render(into:)``.
///
/// Counting costs one relaxed atomic add into a slot allocated up front: a slot per gRPC method
/// (and one for paths that name none, `method="unknown"`, so a client cannot make up series) and
/// per ``HTTPRoutes`` label (each route's, literals only, and `unmatched`). Nothing on the request path builds a string, takes a lock or allocates.
///
/// - gRPC calls are counted when they end, by method and status code: OK, the status they
///   failed with, CANCELLED when the client reset the stream, UNAVAILABLE when the connection
///   closed under them. Messages of streaming calls are counted as they are received and sent.
/// - Plain HTTP requests (HTTP/1.1 and HTTP/2) are counted when answered, by route and status
///   (100 to 599; a custom status outside that range is not counted).
package final class ServerMetrics: Sendable {
    /// What a connection speaks, once the server has told.
    package enum ConnectionProtocol: Int, Sendable, CaseIterable {
        case http2
        case http1

        var label: String {
            switch self {
            case .http2: "http2"
            case .http1: "http1"
            }
        }
    }

    private final class MethodCounters: Sendable {
        /// By gRPC status code, 0 to 16.
        let calls: InlineArray<17, Atomic<Int>> = InlineArray { _ in Atomic(0) }
        let received = Atomic(0)
        let sent = Atomic(0)
    }

    private final class RouteCounters: Sendable {
        /// By HTTP status code, 100 to 599 (indexes below 100 stay unused).
        let responses: InlineArray<600, Atomic<Int>> = InlineArray { _ in Atomic(0) }
    }

    private let methodPaths: [String]
    private let streamingMethods: [Bool]
    private let methods: [MethodCounters]
    private let routeLabels: [String]
    private let routes: [RouteCounters]
    private let connections: InlineArray<2, Atomic<Int>> = InlineArray { _ in Atomic(0) }
    private let refusedConnections = Atomic(0)
    private let collectors: [@Sendable (inout PrometheusText) -> Void]

    /// Counters for the methods of `router` and the routes of `httpRoutes`, and `collectors` that
    /// add their own families at each scrape (after the server's).
    package init(
        router: RPCRouter,
        httpRoutes: HTTPRoutes,
        collectors: [@Sendable (inout PrometheusText) -> Void] = []
    ) {
        methodPaths = router.methodPaths + ["unknown"]
        streamingMethods = router.methodKinds.map { $0 != .unary } + [false]
        methods = methodPaths.map { _ in MethodCounters() }
        routeLabels = httpRoutes.metricLabels
        routes = routeLabels.map { _ in RouteCounters() }
        self.collectors = collectors
    }

    /// The slot of calls whose path names no method.
    var unknownMethodSlot: Int { methods.count - 1 }

    // MARK: Counting

    /// Counts a gRPC call that ended with `code` (outside 0 to 16: as UNKNOWN).
    func countCall(method slot: Int, code: RPCError.Code) {
        let code = (0...16).contains(code.rawValue) ? code.rawValue : RPCError.Code.unknown.rawValue
        methods[slot].calls[code].wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a message a streaming call received.
    func countReceived(method slot: Int) {
        methods[slot].received.wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a message a streaming call sent.
    func countSent(method slot: Int) {
        methods[slot].sent.wrappingAdd(1, ordering: .relaxed)
    }

    /// Counts a plain HTTP response with `status` to a request counted under `route`.
    func countHTTP(route: Int, status: UInt) {
        guard status >= 100 && status < 600 else { return }
        routes[route].responses[Int(status)].wrappingAdd(1, ordering: .relaxed)
    }

    func connectionOpened(_ kind: ConnectionProtocol) {
        connections[kind.rawValue].wrappingAdd(1, ordering: .relaxed)
    }

    func connectionClosed(_ kind: ConnectionProtocol) {
        connections[kind.rawValue].wrappingSubtract(1, ordering: .relaxed)
    }

    /// Counts a connection closed on accept because the server had as many as it allows.
    func connectionRefused() {
        refusedConnections.wrappingAdd(1, ordering: .relaxed)
    }

    // MARK: Reading

    /// How many calls of `path` (a method's path, or `unknown`) ended with `code`.
    package func calls(_ path: String, code: RPCError.Code) -> Int {
        guard let slot = methodPaths.firstIndex(of: path), (0...16).contains(code.rawValue) else { return 0 }
        return methods[slot].calls[code.rawValue].load(ordering: .relaxed)
    }

    /// How many responses with `status` requests counted under `route` got.
    package func responses(_ route: String, status: UInt) -> Int {
        guard let slot = routeLabels.firstIndex(of: route), status >= 100 && status < 600 else { return 0 }
        return routes[slot].responses[Int(status)].load(ordering: .relaxed)
    }

    /// Every metric: the server's own families, the process's, then the collectors'.
    package func render(into text: inout PrometheusText) {
        text.family(
            "chatbot_grpc_requests_total",
            .counter,
            help: "gRPC calls that ended, by method and status code."
        )
        for (slot, path) in methodPaths.enumerated() {
            for code in 0..<17 {
                let count = methods[slot].calls[code].load(ordering: .relaxed)
                guard count > 0 else { continue }
                text.sample(
                    "chatbot_grpc_requests_total",
                    [("method", path), ("code", RPCError.Code(rawValue: code).name)],
                    count
                )
            }
        }
        text.family(
            "chatbot_grpc_stream_messages_total",
            .counter,
            help: "Messages of streaming gRPC calls, by method and direction."
        )
        for (slot, path) in methodPaths.enumerated() where streamingMethods[slot] {
            let counters = methods[slot]
            text.sample(
                "chatbot_grpc_stream_messages_total",
                [("method", path), ("direction", "received")],
                counters.received.load(ordering: .relaxed)
            )
            text.sample(
                "chatbot_grpc_stream_messages_total",
                [("method", path), ("direction", "sent")],
                counters.sent.load(ordering: .relaxed)
            )
        }
        text.family(
            "chatbot_http_requests_total",
            .counter,
            help: "Plain HTTP requests (HTTP/1.1 and HTTP/2) answered, by route and status."
        )
        for (slot, route) in routeLabels.enumerated() {
            for status in 100..<600 {
                let count = routes[slot].responses[status].load(ordering: .relaxed)
                guard count > 0 else { continue }
                text.sample("chatbot_http_requests_total", [("route", route), ("status", String(status))], count)
            }
        }
        text.family("chatbot_connections_open", .gauge, help: "Open client connections, by protocol.")
        for kind in ConnectionProtocol.allCases {
            text.sample(
                "chatbot_connections_open",
                [("protocol", kind.label)],
                connections[kind.rawValue].load(ordering: .relaxed)
            )
        }
        text.family(
            "chatbot_connections_refused_total",
            .counter,
            help: "Connections closed on accept because the server had its maximum open."
        )
        text.sample("chatbot_connections_refused_total", [], refusedConnections.load(ordering: .relaxed))
        ProcessMetrics.render(into: &text)
        for collect in collectors { collect(&text) }
    }

    /// ``render(into:)`` as the body of a scrape.
    package func render() -> String {
        var text = PrometheusText()
        render(into: &text)
        return text.text
    }
}
