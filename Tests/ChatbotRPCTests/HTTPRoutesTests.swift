import NIOCore
import NIOHTTP1
import Testing

@testable import ChatbotRPC

@Suite struct HTTPRoutesTests {
    /// Each route answers with its name and what it captured, and the request's query.
    static func route(_ methods: [HTTPMethod], _ pattern: String, label: String? = nil) -> HTTPRoute {
        HTTPRoute(methods, pattern, label: label) { request in
            .done(
                HTTPRouteResponse(
                    .ok,
                    text: "\(pattern) op=\(request["op"]) token=\(request["token"]) q=\(request.query)"
                )
            )
        }
    }

    let routes = HTTPRoutes([
        route([], "/healthz"),
        route([.POST], "/openapi/aibot/{token?}"),
        route([.POST], "/openapi/kefustate/get/{token?}"),
        route([], "/openapi/{op}/{token?}", label: "/openapi/"),
    ])

    func answer(_ method: HTTPMethod, _ uri: String) -> (status: UInt, text: String, allow: String?) {
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        guard
            case .done(let response) = routes.answer(routes.route(for: head), head: head, body: ByteBuffer(), peer: "")
        else {
            Issue.record("answered later")
            return (0, "", nil)
        }
        let allow = response.headers.first { $0.0 == "allow" }?.1
        return (response.status.code, String(buffer: response.body), allow)
    }

    func label(_ uri: String, _ method: HTTPMethod = .POST) -> String {
        routes.metricLabels[routes.route(for: HTTPRequestHead(version: .http1_1, method: method, uri: uri)).label]
    }

    @Test func capturesTheTokenWhetherPresentEmptyOrAbsent() {
        #expect(answer(.POST, "/openapi/aibot/T0K?x=1&y").text == "/openapi/aibot/{token?} op= token=T0K q=x=1&y")
        #expect(answer(.POST, "/openapi/aibot/").text == "/openapi/aibot/{token?} op= token= q=")
        #expect(answer(.POST, "/openapi/aibot").text == "/openapi/aibot/{token?} op= token= q=")
        #expect(answer(.POST, "/openapi/kefustate/get/T").text.hasPrefix("/openapi/kefustate/get/{token?} "))
    }

    @Test func theFirstPatternThatTakesThePathDecides() {
        #expect(answer(.POST, "/openapi/sign/T").text == "/openapi/{op}/{token?} op=sign token=T q=")
        #expect(answer(.GET, "/openapi/nosuch").text == "/openapi/{op}/{token?} op=nosuch token= q=")
        // kefustate/T is not kefustate/get/{token?}: it falls to the catch-all, op=kefustate.
        #expect(answer(.POST, "/openapi/kefustate/T").text == "/openapi/{op}/{token?} op=kefustate token=T q=")
        // A method the route does not take is 405 with allow, even though a later pattern takes the path.
        let wrongMethod = answer(.GET, "/openapi/aibot/T")
        #expect(wrongMethod.status == 405 && wrongMethod.allow == "POST")
        #expect(wrongMethod.text == "use POST, not GET\n")
    }

    @Test func pathsNoPatternTakesAre404() {
        for uri in ["/openapi/aibot/T/more", "/openapi", "/elsewhere", "/healthz/x", "*", "", "http://h/healthz"] {
            let answer = answer(.GET, uri)
            #expect(answer.status == 404, "\(uri)")
            #expect(answer.text == "no such path: \(uri)\n")
        }
        #expect(answer(.GET, "/healthz?probe=1").status == 200)
    }

    @Test func labelsComeFromTheLiteralsNeverFromACapture() {
        #expect(
            routes.metricLabels == ["/healthz", "/openapi/aibot", "/openapi/kefustate/get", "/openapi/", "unmatched"]
        )
        #expect(label("/openapi/aibot/SECRETTOKEN") == "/openapi/aibot")
        #expect(label("/openapi/aibot/SECRETTOKEN", .GET) == "/openapi/aibot")
        #expect(label("/openapi/SECRETTOKEN") == "/openapi/")
        #expect(label("/openapi/aibotx/SECRETTOKEN") == "/openapi/")
        #expect(label("/openapi/aibot/SECRETTOKEN/x") == "unmatched")
        #expect(routes.metricLabels[routes.unmatchedLabel] == "unmatched")
        let more = routes.adding(Self.route([.GET], "/metrics"))
        #expect(
            more.metricLabels == [
                "/healthz", "/openapi/aibot", "/openapi/kefustate/get", "/openapi/", "/metrics", "unmatched",
            ]
        )
        // Routes sharing a label share its slot.
        let shared = HTTPRoutes([Self.route([.GET], "/a/{x}", label: "a"), Self.route([.POST], "/b", label: "a")])
        #expect(shared.metricLabels == ["a", "unmatched"])
    }

    @Test func servingOnlySomeLabelsRefusesTheOthersByAnyMethodInTheSameSlots() {
        let public_ = routes.serving(only: ["/healthz", "/openapi/"]) { label in
            HTTPRouteResponse(.notFound, text: "\(label) is elsewhere")
        }
        #expect(public_.metricLabels == routes.metricLabels)
        for method in [HTTPMethod.POST, .GET] {
            let head = HTTPRequestHead(version: .http1_1, method: method, uri: "/openapi/kefustate/get/T")
            let match = public_.route(for: head)
            #expect(public_.metricLabels[match.label] == "/openapi/kefustate/get")
            guard case .done(let response) = public_.answer(match, head: head, body: ByteBuffer(), peer: "") else {
                Issue.record("answered later")
                continue
            }
            #expect(
                response.status == .notFound && String(buffer: response.body) == "/openapi/kefustate/get is elsewhere"
            )
        }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/healthz")
        guard
            case .done(let response) = public_.answer(
                public_.route(for: head),
                head: head,
                body: ByteBuffer(),
                peer: ""
            )
        else {
            Issue.record("answered later")
            return
        }
        #expect(response.status == .ok)
    }
}
