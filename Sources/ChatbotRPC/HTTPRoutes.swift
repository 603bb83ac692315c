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

/// The plain HTTP endpoints served on the gRPC port, over HTTP/1.1 and over HTTP/2 (any request
/// that is not gRPC): a request's head and body in, an ``HTTPRouteOutcome`` out. Runs on the
/// connection's event loop, so a route must not block.
///
/// A path is looked up exactly first, then by the longest prefix that starts it (a prefix route
/// such as `/openapi/` reads the rest of the path from the request head).
///
/// Requests are counted (``ServerMetrics``) under a label per route: its path; for a prefix route
/// with `segments`, the prefix and the path segment after it when that is one of them
/// (`/openapi/aibot`), else the prefix alone, so what follows (a TOKEN) never becomes a label;
/// `unmatched` for a path no route takes.
package struct HTTPRoutes: Sendable {
    package typealias Route = @Sendable (HTTPRequestHead, ByteBuffer) -> HTTPRouteOutcome

    /// The answer to a request the server refuses before any route sees it (404 unknown path,
    /// 413 body too large, 408 body too slow), given the status and the cause.
    package typealias Refusal = @Sendable (HTTPResponseStatus, String) -> HTTPRouteResponse

    /// A route found for a path, and the slot of its label in ``metricLabels``.
    struct Match {
        let route: Route
        let label: Int
    }

    private struct Prefix {
        let prefix: String
        let route: Route
        let label: Int
        /// The segments counted on their own, and their labels' slots.
        let segments: [(name: String, label: Int)]
    }

    private let exact: [String: Route]
    private let prefixRoutes: [String: Route]
    private let segments: [String: [String]]
    private let routes: [String: Match]
    private let prefixes: [Prefix]
    /// The label of each metrics slot; the last one is `unmatched`.
    let metricLabels: [String]
    let refusal: Refusal

    /// Whether a Content-Length `value` declares more than `limit` bytes; a run of digits too long
    /// for an `Int` does (up to 2^64-1 passes HTTP parsers). Anything but digits is left to the
    /// protocol's parser.
    static func declaredLength(_ value: String, exceeds limit: Int) -> Bool {
        let digits = value.utf8
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return false
        }
        guard let length = Int(value) else { return true }
        return length > limit
    }

    /// `refusal` defaults to the cause as plain text; `segments` names, per prefix, the path
    /// segments after it that are counted on their own.
    package init(
        _ routes: [String: Route],
        prefixes: [String: Route] = [:],
        segments: [String: [String]] = [:],
        refusal: @escaping Refusal = { HTTPRouteResponse($0, text: $1 + "\n") }
    ) {
        self.exact = routes
        self.prefixRoutes = prefixes
        self.segments = segments
        var labels: [String] = []
        func label(_ name: String) -> Int {
            labels.append(name)
            return labels.count - 1
        }
        var matches: [String: Match] = [:]
        for (path, route) in routes.sorted(by: { $0.key < $1.key }) {
            matches[path] = Match(route: route, label: label(path))
        }
        self.routes = matches
        self.prefixes = prefixes.sorted { $0.key < $1.key }.map { prefix, route in
            Prefix(
                prefix: prefix,
                route: route,
                label: label(prefix),
                segments: (segments[prefix] ?? []).map { ($0, label(prefix + $0)) }
            )
        }
        .sorted { $0.prefix.count > $1.prefix.count }
        _ = label("unmatched")
        self.metricLabels = labels
        self.refusal = refusal
    }

    /// These routes and `route` at `path`.
    package func adding(_ path: String, _ route: @escaping Route) -> HTTPRoutes {
        var routes = exact
        routes[path] = route
        return HTTPRoutes(routes, prefixes: prefixRoutes, segments: segments, refusal: refusal)
    }

    /// The slot of the `unmatched` label.
    var unmatchedLabel: Int { metricLabels.count - 1 }

    /// The route for the path of `uri` (what precedes a `?`), if any.
    func route(for uri: String) -> Match? {
        let path = uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
        if let match = routes[path] { return match }
        guard let prefix = prefixes.first(where: { path.hasPrefix($0.prefix) }) else { return nil }
        guard !prefix.segments.isEmpty else { return Match(route: prefix.route, label: prefix.label) }
        let rest = path.utf8.dropFirst(prefix.prefix.utf8.count)
        let segment = rest.prefix { $0 != UInt8(ascii: "/") }
        for known in prefix.segments where known.name.utf8.elementsEqual(segment) {
            return Match(route: prefix.route, label: known.label)
        }
        return Match(route: prefix.route, label: prefix.label)
    }
}
