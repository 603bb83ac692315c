import NIOHTTP1
import Testing

@testable import ChatbotRPC

@Suite struct ServerMetricsTests {
    let routes = HTTPRoutes([
        HTTPRoute([], "/healthz") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
        HTTPRoute([.POST], "/openapi/aibot/{token?}") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
        HTTPRoute([.POST], "/openapi/sign/{token?}") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
    ])

    @Test func countsIntoItsSlotsAndRendersOnlyWhatMoved() {
        let router = RPCRouter(services: [HealthService()])
        let collector: @Sendable (inout PrometheusText) -> Void = { text in
            text.family("extra", .gauge, help: "From a collector.")
            text.sample("extra", [], 7)
        }
        let metrics = ServerMetrics(router: router, httpRoutes: routes, collectors: [collector])
        let check = router.methodPaths.firstIndex(of: "/grpc.health.v1.Health/Check")!
        let watch = router.methodPaths.firstIndex(of: "/grpc.health.v1.Health/Watch")!
        metrics.countCall(method: check, code: .ok)
        metrics.countCall(method: check, code: .ok)
        metrics.countCall(method: metrics.unknownMethodSlot, code: .unimplemented)
        metrics.countCall(method: check, code: RPCError.Code(rawValue: 99))
        metrics.countSent(method: watch)
        metrics.countHTTP(
            route: routes.route(for: HTTPRequestHead(version: .http1_1, method: .POST, uri: "/openapi/aibot/T")).label,
            status: 200
        )
        metrics.countHTTP(route: routes.unmatchedLabel, status: 404)
        metrics.countHTTP(route: routes.unmatchedLabel, status: 1000)
        metrics.connectionOpened(.http1)
        metrics.connectionOpened(.http2)
        metrics.connectionClosed(.http2)
        #expect(metrics.calls("/grpc.health.v1.Health/Check", code: .ok) == 2)
        #expect(metrics.calls("unknown", code: .unimplemented) == 1)
        #expect(metrics.responses("/openapi/aibot", status: 200) == 1)

        let text = metrics.render()
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "# TYPE chatbot_grpc_requests_total counter",
            #"chatbot_grpc_requests_total{method="/grpc.health.v1.Health/Check",code="OK"} 2"#,
            #"chatbot_grpc_requests_total{method="/grpc.health.v1.Health/Check",code="UNKNOWN"} 1"#,
            #"chatbot_grpc_requests_total{method="unknown",code="UNIMPLEMENTED"} 1"#,
            #"chatbot_grpc_stream_messages_total{method="/grpc.health.v1.Health/Watch",direction="sent"} 1"#,
            #"chatbot_grpc_stream_messages_total{method="/grpc.health.v1.Health/Watch",direction="received"} 0"#,
            #"chatbot_http_requests_total{route="/openapi/aibot",status="200"} 1"#,
            #"chatbot_http_requests_total{route="unmatched",status="404"} 1"#,
            #"chatbot_connections_open{protocol="http1"} 1"#,
            #"chatbot_connections_open{protocol="http2"} 0"#,
            "# TYPE chatbot_connections_open gauge",
            "# TYPE process_cpu_seconds_total counter",
            "extra 7",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
        // Unary methods have no message counters; nothing that did not move is listed.
        #expect(!text.contains(#"method="/grpc.health.v1.Health/Check",direction"#))
        #expect(!text.contains("status=\"1000\""))
        #expect(!text.contains("/openapi/sign"))
        #expect(text.hasSuffix("extra 7\n"))
    }
}
