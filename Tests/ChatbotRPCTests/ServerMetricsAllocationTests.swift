import CChatbotMallocCounter
import NIOCore
import NIOHTTP1
import Testing

@testable import ChatbotRPC

/// The request path allocates nothing: counting N calls and requests, after each status counted
/// once (which makes its counter and builds its labels), adds no allocation on the counting thread.
///
/// Allocations are counted by `CChatbotMallocCounter`, which interposes malloc and its kin in the
/// test process, per thread; under AddressSanitizer it is off and the test is skipped.
@Suite struct ServerMetricsAllocationTests {
    static let counting = cchatbot_malloc_counter_active() == 1

    /// Allocations `body` made on this thread.
    static func allocations(_ body: () -> Void) -> UInt64 {
        let before = cchatbot_malloc_count()
        body()
        return cchatbot_malloc_count() - before
    }

    @inline(never) static func keep<T>(_ value: T) -> Int { withUnsafeBytes(of: value) { $0.count } }

    @Test(.enabled(if: counting, "the malloc counter is off (AddressSanitizer interposes malloc itself)"))
    func countingAllocatesNothingPerCall() {
        let routes = HTTPRoutes([
            HTTPRoute([], "/healthz") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
            HTTPRoute([.POST], "/openapi/aibot/{token?}") { _ in .done(HTTPRouteResponse(.ok, text: "")) },
        ])
        let router = RPCRouter(services: [HealthService()])
        let metrics = ServerMetrics(router: router, httpRoutes: routes)
        let check = router.methodPaths.firstIndex(of: "/grpc.health.v1.Health/Check")!
        let watch = router.methodPaths.firstIndex(of: "/grpc.health.v1.Health/Watch")!
        let aibot = routes.route(for: HTTPRequestHead(version: .http1_1, method: .POST, uri: "/openapi/aibot/T")).label
        let started = NIODeadline.now()

        func countOneOfEach() {
            metrics.callStarted(method: check)
            metrics.countCall(method: check, code: .ok, started: started)
            metrics.callEnded(method: check)
            metrics.countCall(method: check, code: .unauthenticated, started: started)
            metrics.callStarted(method: watch)
            metrics.countReceived(method: watch)
            metrics.countSent(method: watch)
            metrics.callEnded(method: watch)
            metrics.countCall(method: watch, code: .cancelled, started: started)
            metrics.countCall(method: metrics.unknownMethodSlot, code: .unimplemented, started: started)
            metrics.countHTTP(route: aibot, status: 200, started: started)
            metrics.countHTTP(route: aibot, status: 400, started: nil)
            metrics.countHTTP(route: routes.unmatchedLabel, status: 404, started: started)
            metrics.countHTTP(route: routes.unmatchedLabel, status: 1000, started: started)
            metrics.connectionOpened(.http2)
            metrics.connectionClosed(.http2)
            metrics.connectionRefused()
        }

        // The first time makes the status counters: that allocates.
        #expect(Self.allocations(countOneOfEach) > 0)
        // The counter counts on this thread: an array per iteration is seen.
        let control = Self.allocations {
            for i in 0..<1_000 { _ = Self.keep([Int](repeating: i, count: 8)) }
        }
        #expect(control >= 1_000)

        let calls = 10_000
        let counted = Self.allocations {
            for _ in 0..<calls { countOneOfEach() }
        }
        #expect(counted == 0, "\(counted) allocations for \(calls) rounds of every counting call")
        #expect(metrics.calls("/grpc.health.v1.Health/Check", code: .ok) == calls + 1)
        #expect(metrics.responses("/openapi/aibot", status: 200) == calls + 1)
    }
}
