import Dispatch
import NIOCore
import NIOHTTP1
import Prometheus
import Testing

@testable import ChatbotRPC

@Suite struct ServerMetricsTests {
    let routes = HTTPRoutes([
        HTTPRoute([], "/healthz") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
        HTTPRoute([.POST], "/openapi/aibot/{token?}") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
        HTTPRoute([.POST], "/openapi/sign/{token?}") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
    ])
    static let check = "/grpc.health.v1.Health/Check"
    static let watch = "/grpc.health.v1.Health/Watch"
    let router = RPCRouter(services: [HealthService()])

    func slot(_ path: String) -> Int { router.methodPaths.firstIndex(of: path)! }

    /// The label slot of a POST to `uri`.
    func route(_ uri: String) -> Int {
        routes.route(for: HTTPRequestHead(version: .http1_1, method: .POST, uri: uri)).label
    }

    /// The sample lines of a scrape.
    static func lines(_ metrics: ServerMetrics) -> Set<String> {
        Set(metrics.render().split(separator: "\n").map(String.init))
    }

    @Test func countsIntoItsSlotsAndListsOnlyTheStatusesThatMoved() {
        let collector: ServerMetrics.Collector = { registry in
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "extra", unitName: "", helpText: "x"))
                .set(to: 7)
        }
        let metrics = ServerMetrics(router: router, httpRoutes: routes, collectors: [collector])
        let check = slot(Self.check)
        metrics.countCall(method: check, code: .ok, started: .now())
        metrics.countCall(method: check, code: .ok, started: .now())
        metrics.countCall(method: metrics.unknownMethodSlot, code: .unimplemented, started: .now())
        metrics.countCall(method: check, code: RPCError.Code(rawValue: 99), started: .now())
        metrics.countSent(method: slot(Self.watch))
        // Unary methods have no message counters: nothing to count.
        metrics.countReceived(method: check)
        metrics.countHTTP(route: route("/openapi/aibot/T"), status: 200, started: .now())
        metrics.countHTTP(route: routes.unmatchedLabel, status: 404, started: .now())
        metrics.countHTTP(route: routes.unmatchedLabel, status: 1000, started: .now())
        metrics.countHTTP(route: routes.unmatchedLabel, status: 99, started: .now())
        metrics.connectionOpened(.http1)
        metrics.connectionOpened(.http2)
        metrics.connectionClosed(.http2)
        metrics.connectionRefused()
        #expect(metrics.calls(Self.check, code: .ok) == 2)
        #expect(metrics.calls(Self.check, code: .unknown) == 1)
        #expect(metrics.calls(Self.check, code: .internalError) == 0)
        #expect(metrics.calls("unknown", code: .unimplemented) == 1)
        #expect(metrics.calls("/no/such", code: .ok) == 0)
        #expect(metrics.responses("/openapi/aibot", status: 200) == 1)
        #expect(metrics.responses("unmatched", status: 404) == 1)
        #expect(metrics.responses("unmatched", status: 1000) == 0)

        let text = metrics.render()
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "# TYPE chatbot_grpc_requests_total counter",
            "# HELP chatbot_grpc_requests_total gRPC calls that ended, by method and status code.",
            #"chatbot_grpc_requests_total{method="/grpc.health.v1.Health/Check",code="OK"} 2"#,
            #"chatbot_grpc_requests_total{method="/grpc.health.v1.Health/Check",code="UNKNOWN"} 1"#,
            #"chatbot_grpc_requests_total{method="unknown",code="UNIMPLEMENTED"} 1"#,
            #"chatbot_grpc_stream_messages_total{method="/grpc.health.v1.Health/Watch",direction="sent"} 1"#,
            #"chatbot_grpc_stream_messages_total{method="/grpc.health.v1.Health/Watch",direction="received"} 0"#,
            #"chatbot_http_requests_total{route="/openapi/aibot",status="200"} 1"#,
            #"chatbot_http_requests_total{route="unmatched",status="404"} 1"#,
            #"chatbot_connections_open{protocol="http1"} 1.0"#,
            #"chatbot_connections_open{protocol="http2"} 0.0"#,
            "# TYPE chatbot_connections_open gauge",
            "chatbot_connections_refused_total 1",
            "# TYPE process_cpu_seconds_total counter",
            "# TYPE process_resident_memory_bytes gauge",
            "# TYPE chatbot_process_heap_in_use_bytes gauge",
            "# TYPE chatbot_process_heap_free_bytes gauge",
            "extra 7.0",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        #expect(!text.contains(#"method="/grpc.health.v1.Health/Check",direction"#))
        #expect(!text.contains(#"code="INTERNAL""#))
        #expect(!text.contains(#"status="1000""#))
        #expect(!text.contains(#"status="99""#))
        #expect(!text.contains(#"route="/openapi/sign",status"#))
    }

    @Test func recordsLatencyAndCallsInFlightPerMethodAndRoute() throws {
        let metrics = ServerMetrics(router: router, httpRoutes: routes)
        let check = slot(Self.check)
        let path = Self.check
        metrics.callStarted(method: check)
        metrics.callStarted(method: check)
        #expect(metrics.sample("chatbot_grpc_calls_in_flight", [("method", path)]) == 2)
        metrics.callEnded(method: check)
        // Started 30 ms ago: above the 25 ms bucket, however slow this machine.
        metrics.countCall(method: check, code: .ok, started: .now() - .milliseconds(30))
        #expect(metrics.sample("chatbot_grpc_calls_in_flight", [("method", path)]) == 1)
        #expect(metrics.calls(path, code: .ok) == 1)
        let histogram = "chatbot_grpc_request_duration_seconds"
        #expect(metrics.sample(histogram + "_bucket", [("method", path), ("le", "0.025")]) == 0)
        #expect(metrics.sample(histogram + "_bucket", [("method", path), ("le", "+Inf")]) == 1)
        #expect(metrics.sample(histogram + "_count", [("method", path)]) == 1)
        #expect(try #require(metrics.sample(histogram + "_sum", [("method", path)])) >= 0.03)
        // Other methods are listed from the start, at zero.
        #expect(metrics.sample(histogram + "_count", [("method", "unknown")]) == 0)
        #expect(metrics.sample("chatbot_grpc_calls_in_flight", [("method", "unknown")]) == 0)

        let aibot = route("/openapi/aibot/T")
        metrics.countHTTP(route: aibot, status: 200, started: .now())
        metrics.countHTTP(route: aibot, status: 1000, started: .now() - .seconds(3))
        // A parse error's 400 (no head, so no start) is counted, not timed.
        metrics.countHTTP(route: aibot, status: 400, started: nil)
        #expect(metrics.responses("/openapi/aibot", status: 400) == 1)
        #expect(metrics.responses("/openapi/aibot", status: 200) == 1)
        let http = "chatbot_http_request_duration_seconds"
        #expect(metrics.sample(http + "_count", [("route", "/openapi/aibot")]) == 2)
        #expect(metrics.sample(http + "_bucket", [("route", "/openapi/aibot"), ("le", "2.5")]) == 1)
        #expect(metrics.sample(http + "_count", [("route", "/openapi/sign")]) == 0)

        let lines = Self.lines(metrics)
        #expect(lines.contains("# TYPE chatbot_grpc_request_duration_seconds histogram"))
        #expect(lines.contains("# TYPE chatbot_http_request_duration_seconds histogram"))
        #expect(lines.contains("# TYPE chatbot_grpc_calls_in_flight gauge"))
    }

    @Test func bucketsSpan25MicrosecondsTo2Point5Seconds() {
        let metrics = ServerMetrics(router: router, httpRoutes: routes)
        let prefix = #"chatbot_http_request_duration_seconds_bucket{route="/healthz",le=""#
        let bounds = Self.lines(metrics).filter { $0.hasPrefix(prefix) }.map {
            String($0.dropFirst(prefix.count).prefix { $0 != "\"" })
        }
        #expect(
            Set(bounds) == [
                "0.000025", "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
                "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf",
            ]
        )
    }

    @Test func threadsRacingToMakeAStatusCounterLoseNoCount() {
        let metrics = ServerMetrics(router: router, httpRoutes: routes)
        let check = slot(Self.check)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<1_000 {
                metrics.countCall(method: check, code: .notFound, started: .now())
                metrics.countHTTP(route: routes.unmatchedLabel, status: 418, started: .now())
            }
        }
        #expect(metrics.calls(Self.check, code: .notFound) == 8_000)
        #expect(metrics.responses("unmatched", status: 418) == 8_000)
    }

    @Test func processFiguresComeFromProcAndMallinfo() throws {
        let metrics = ServerMetrics(router: router, httpRoutes: routes)
        _ = metrics.scrape()
        let cpu = try #require(metrics.sample("process_cpu_seconds_total", []))
        #expect(try #require(metrics.sample("process_resident_memory_bytes", [])) > Double(1 << 20))
        #expect(metrics.sample("chatbot_process_heap_in_use_bytes", []) != nil)
        #expect(metrics.sample("chatbot_process_heap_free_bytes", []) != nil)
        // The CPU counter never goes down.
        var spin = 0
        for i in 0..<2_000_000 { spin &+= i }
        #expect(spin != 0)
        _ = metrics.scrape()
        #expect(try #require(metrics.sample("process_cpu_seconds_total", [])) >= cpu)
    }

    /// Under AddressSanitizer the process's allocator is ASan's, which `mallinfo2()` does not see
    /// (the malloc counter is off then too).
    @Test(.enabled(if: ServerMetricsAllocationTests.counting, "glibc's malloc is not the allocator (AddressSanitizer)"))
    func heapInUseFollowsWhatTheProcessHolds() throws {
        let metrics = ServerMetrics(router: router, httpRoutes: routes)
        _ = metrics.scrape()
        let inUse = try #require(metrics.sample("chatbot_process_heap_in_use_bytes", []))
        #expect(inUse > 0)
        // Holding 64 MiB more (mmapped: above glibc's threshold) shows in use at the next scrape.
        let held = [UInt8](repeating: 1, count: 64 << 20)
        _ = metrics.scrape()
        #expect(try #require(metrics.sample("chatbot_process_heap_in_use_bytes", [])) >= inUse + Double(60 << 20))
        #expect(held.count == 64 << 20)
    }

    @Test func readsCPUTimeAndResidentMemoryFromProcStat() throws {
        // The command name may hold spaces and parentheses: fields are counted after the last ')'.
        let stat =
            "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 50 0 0 20 0 3 0 1234 "
            + "123456789 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0"
        let parsed = try #require(ProcessMetrics.parse(stat: stat, ticksPerSecond: 100, pageSize: 4096))
        #expect(parsed.cpuSeconds == 2.0)
        #expect(parsed.residentBytes == 2560 * 4096)
        #expect(ProcessMetrics.parse(stat: "garbage", ticksPerSecond: 100, pageSize: 4096) == nil)
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("", ""),
        (#"back\slash"#, #"back\\slash"#),
        (#"say "hi""#, #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
    ])
    func escapesLabelValuesAsSwiftPrometheusDoes(value: String, escaped: String) {
        #expect(ServerMetrics.escape(labelValue: value) == escaped)
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "m", unitName: "", helpText: ""),
            labels: [("bot", value)]
        ).increment()
        #expect(registry.emitToString().contains("m{bot=\"\(escaped)\"} 1\n"))
    }
}
