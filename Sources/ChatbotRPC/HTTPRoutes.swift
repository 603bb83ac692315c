package import NIOCore
package import NIOHTTP1

/// What an HTTP route answers: a status, extra headers and a body.
package struct HTTPRouteResponse: Sendable {
    package var status: HTTPResponseStatus
    package var headers: [(String, String)]
    package var body: ByteBuffer

    /// A response with a body of `text`, `text/plain` unless `headers` name another content type.
    package init(_ status: HTTPResponseStatus, headers: [(String, String)] = [], text: String) {
        self.status = status
        self.headers = headers
        self.body = ByteBuffer(string: text)
    }

    /// A response with a body of `bytes`.
    package init(_ status: HTTPResponseStatus, headers: [(String, String)] = [], bytes: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = ByteBuffer(bytes: bytes)
    }
}

/// A route's answer: ready now (computed on the event loop, so it must not block), or work to
/// run as a task (anything that waits, such as reading the store).
package enum HTTPRouteOutcome: Sendable {
    case done(HTTPRouteResponse)
    case later(@Sendable () async -> HTTPRouteResponse)
}

/// The plain HTTP endpoints served on the gRPC port, over HTTP/1.1 and over HTTP/2 (any request
/// that is not gRPC): a request's head and body in, an ``HTTPRouteOutcome`` out. Runs on the
/// connection's event loop, so a route must not block.
///
/// A path is looked up exactly first, then by the longest prefix that starts it (a prefix route
/// such as `/openapi/` reads the rest of the path from the request head).
package struct HTTPRoutes: Sendable {
    package typealias Route = @Sendable (HTTPRequestHead, ByteBuffer) -> HTTPRouteOutcome

    /// The answer to a request the server refuses before any route sees it (404 unknown path,
    /// 413 body too large, 408 body too slow), given the status and the cause.
    package typealias Refusal = @Sendable (HTTPResponseStatus, String) -> HTTPRouteResponse

    private let routes: [String: Route]
    private let prefixes: [(prefix: String, route: Route)]
    let refusal: Refusal

    /// `refusal` defaults to the cause as plain text.
    package init(
        _ routes: [String: Route],
        prefixes: [String: Route] = [:],
        refusal: @escaping Refusal = { HTTPRouteResponse($0, text: $1 + "\n") }
    ) {
        self.routes = routes
        self.prefixes = prefixes.map { ($0.key, $0.value) }.sorted { $0.prefix.count > $1.prefix.count }
        self.refusal = refusal
    }

    func route(for path: String) -> Route? {
        if let route = routes[path] { return route }
        return prefixes.first { path.hasPrefix($0.prefix) }?.route
    }
}
