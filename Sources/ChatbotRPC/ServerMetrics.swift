internal import NIOCore
package import Prometheus
internal import Synchronization

/// The server's counters, gauges and latency histograms: swift-prometheus handles in one
/// ``registry``, rendered by ``scrape()`` in the Prometheus text format (version 0.0.4).
///
/// Every handle the request path touches exists before the first request, one per slot: a slot per
/// gRPC method (and one for paths that name none, `method="unknown"`, so a client cannot make up
/// series) and per ``HTTPRoutes`` label (each route's, literals only, and `unmatched`). The counters of a status (gRPC code or HTTP status) are made the first
/// time that status is counted under its slot, and kept in a lock-free table: after that first
/// time, counting builds no string, takes no lock and allocates nothing. A counter is a relaxed
/// atomic add, a gauge an atomic compare-and-swap; a histogram takes its own lock (uncontended but
/// for calls of one method ending at once on two event loops).
///
/// - gRPC calls are counted when they end, by method and status code: OK, the status they
///   failed with, CANCELLED when the client reset the stream, UNAVAILABLE when the connection
///   closed under them. Messages of streaming calls are counted as they are received and sent.
/// - Plain HTTP requests (HTTP/1.1 and HTTP/2) are counted when answered, by route and status
///   (100 to 599; a custom status outside that range is not counted).
/// - Only series that moved are listed for the two `requests_total` families; every other series
///   is listed from the start.
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

    /// Sets gauges (or moves counters) in the registry at each scrape, just before it is rendered.
    package typealias Collector = @Sendable (PrometheusCollectorRegistry) -> Void

    /// The content type of a scrape's response.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The upper bounds of the latency histograms' buckets: 25 µs to 2.5 s, about three per decade,
    /// for a service that answers in 50 µs to 1 s (anything slower lands in `+Inf`).
    package static let durationBuckets: [Duration] = [
        .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2_500),
    ]

    private final class MethodMetrics: Sendable {
        /// By gRPC status code, 0 to 16.
        let calls: CounterTable<17>
        /// Streaming methods only.
        let messages: (received: Counter, sent: Counter)?
        let inFlight: Gauge
        let duration: DurationHistogram

        init(path: String, streaming: Bool, registry: PrometheusCollectorRegistry) {
            calls = CounterTable { code in
                registry.makeCounter(
                    descriptor: MetricFamily.grpcRequests.descriptor,
                    labels: [("method", path), ("code", RPCError.Code(rawValue: code).name)]
                )
            }
            messages =
                streaming
                ? (
                    registry.makeCounter(
                        descriptor: MetricFamily.grpcMessages.descriptor,
                        labels: [("method", path), ("direction", "received")]
                    ),
                    registry.makeCounter(
                        descriptor: MetricFamily.grpcMessages.descriptor,
                        labels: [("method", path), ("direction", "sent")]
                    )
                ) : nil
            inFlight = registry.makeGauge(descriptor: MetricFamily.grpcInFlight.descriptor, labels: [("method", path)])
            duration = registry.makeDurationHistogram(
                descriptor: MetricFamily.grpcDuration.descriptor,
                labels: [("method", path)],
                buckets: ServerMetrics.durationBuckets
            )
        }
    }

    private final class RouteMetrics: Sendable {
        /// By HTTP status, 100 to 599, at `status - 100`.
        let responses: CounterTable<500>
        let duration: DurationHistogram

        init(route: String, registry: PrometheusCollectorRegistry) {
            responses = CounterTable { index in
                registry.makeCounter(
                    descriptor: MetricFamily.httpRequests.descriptor,
                    labels: [("route", route), ("status", String(index + 100))]
                )
            }
            duration = registry.makeDurationHistogram(
                descriptor: MetricFamily.httpDuration.descriptor,
                labels: [("route", route)],
                buckets: ServerMetrics.durationBuckets
            )
        }
    }

    /// Where every handle lives; ``scrape()`` renders it. Collectors and swift-metrics (through a
    /// `PrometheusMetricsFactory` over it) may add their own.
    package let registry: PrometheusCollectorRegistry
    private let methodPaths: [String]
    private let methods: [MethodMetrics]
    private let routeLabels: [String]
    private let routes: [RouteMetrics]
    private let connections: [Gauge]
    private let refusedConnections: Counter
    private let process: ProcessMetrics
    private let collectors: [Collector]
    /// Serialises scrapes (collectors set gauges, then the registry is rendered); holds the size
    /// of the last one, to reserve as much for the next.
    private let scrapes = Mutex(0)

    /// Handles for the methods of `router` and the routes of `httpRoutes`, and `collectors` that
    /// update their own at each scrape.
    package init(
        router: RPCRouter,
        httpRoutes: HTTPRoutes,
        collectors: [Collector] = []
    ) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        methodPaths = router.methodPaths + ["unknown"]
        let streaming = router.methodKinds.map { $0 != .unary } + [false]
        methods = zip(methodPaths, streaming).map { MethodMetrics(path: $0, streaming: $1, registry: registry) }
        routeLabels = httpRoutes.metricLabels
        routes = routeLabels.map { RouteMetrics(route: $0, registry: registry) }
        connections = ConnectionProtocol.allCases.map {
            registry.makeGauge(descriptor: MetricFamily.connectionsOpen.descriptor, labels: [("protocol", $0.label)])
        }
        refusedConnections = registry.makeCounter(descriptor: MetricFamily.connectionsRefused.descriptor)
        process = ProcessMetrics(registry: registry)
        self.collectors = collectors
    }

    /// The slot of calls whose path names no method.
    var unknownMethodSlot: Int { methods.count - 1 }

    // MARK: Counting

    /// Counts a gRPC call as in flight, from when it starts (its method found and its handler
    /// about to run) until ``callEnded(method:)`` with the same `slot`.
    func callStarted(method slot: Int) {
        methods[slot].inFlight.increment()
    }

    /// Takes a call that ``callStarted(method:)`` put in flight out again.
    func callEnded(method slot: Int) {
        methods[slot].inFlight.decrement()
    }

    /// Counts a gRPC call that ended with `code` (outside 0 to 16: as UNKNOWN), and records how
    /// long it took since `started` (its first HEADERS frame).
    func countCall(method slot: Int, code: RPCError.Code, started: NIODeadline) {
        let method = methods[slot]
        method.calls.counter(Self.index(of: code)).increment()
        method.duration.record(Self.elapsed(since: started))
    }

    /// Counts a message a streaming call received.
    func countReceived(method slot: Int) {
        methods[slot].messages?.received.increment()
    }

    /// Counts a message a streaming call sent.
    func countSent(method slot: Int) {
        methods[slot].messages?.sent.increment()
    }

    /// Counts a plain HTTP response with `status` to a request counted under `route`, and records
    /// how long it took since `started` (its head), whatever its status; a response to no
    /// request head (an HTTP/1.1 parse error, `started` nil) is counted but not timed.
    func countHTTP(route: Int, status: UInt, started: NIODeadline?) {
        let route = routes[route]
        if status >= 100 && status < 600 { route.responses.counter(Int(status) - 100).increment() }
        if let started { route.duration.record(Self.elapsed(since: started)) }
    }

    func connectionOpened(_ kind: ConnectionProtocol) {
        connections[kind.rawValue].increment()
    }

    func connectionClosed(_ kind: ConnectionProtocol) {
        connections[kind.rawValue].decrement()
    }

    /// Counts a connection closed on accept because the server had as many as it allows.
    func connectionRefused() {
        refusedConnections.increment()
    }

    private static func index(of code: RPCError.Code) -> Int {
        (0...16).contains(code.rawValue) ? code.rawValue : RPCError.Code.unknown.rawValue
    }

    private static func elapsed(since started: NIODeadline) -> Duration {
        .nanoseconds(max(0, (NIODeadline.now() - started).nanoseconds))
    }

    // MARK: Reading

    /// How many calls of `path` (a method's path, or `unknown`) ended with `code`.
    ///
    /// Reads a rendering of the registry (swift-prometheus counters have no getter): for tests.
    package func calls(_ path: String, code: RPCError.Code) -> Int {
        guard let slot = methodPaths.firstIndex(of: path), (0...16).contains(code.rawValue),
            methods[slot].calls.existing(code.rawValue) != nil
        else { return 0 }
        return Int(sample(MetricFamily.grpcRequests.name, [("method", path), ("code", code.name)]) ?? 0)
    }

    /// How many responses with `status` requests counted under `route` got.
    ///
    /// Reads a rendering of the registry (swift-prometheus counters have no getter): for tests.
    package func responses(_ route: String, status: UInt) -> Int {
        guard let slot = routeLabels.firstIndex(of: route), status >= 100 && status < 600,
            routes[slot].responses.existing(Int(status) - 100) != nil
        else { return 0 }
        return Int(sample(MetricFamily.httpRequests.name, [("route", route), ("status", String(status))]) ?? 0)
    }

    /// The value of the series `name{labels}` (labels in the order they were made with) in a
    /// rendering of the registry, without running the collectors.
    package func sample(_ name: String, _ labels: [(String, String)]) -> Double? {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        var series = name
        if !labels.isEmpty {
            series += "{" + labels.map { "\($0)=\"\(Self.escape(labelValue: $1))\"" }.joined(separator: ",") + "}"
        }
        series += " "
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix(series) {
            return Double(line.dropFirst(series.count))
        }
        return nil
    }

    /// `value` with `\`, `"` and line feeds escaped, as swift-prometheus writes a label value.
    static func escape(labelValue value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    // MARK: Scraping

    /// Every metric as the body of a scrape: the process's figures and the collectors' are
    /// updated first, then the whole registry is rendered (families in no fixed order).
    package func scrape() -> [UInt8] {
        scrapes.withLock { lastSize in
            process.update()
            for collect in collectors { collect(registry) }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(lastSize + lastSize / 8)
            registry.emit(into: &buffer)
            lastSize = buffer.count
            return buffer
        }
    }

    /// ``scrape()`` as text.
    package func render() -> String {
        String(decoding: scrape(), as: UTF8.self)
    }
}
