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

/// One plain HTTP endpoint: the methods it takes, its path pattern, the label its requests are
/// counted under, and the handler that answers them.
///
/// A pattern is a path of `/`-separated segments: a literal, `{name}` which captures one segment
/// (possibly empty), or, last, `{name?}` which captures one that may also be absent (captured as
/// empty). `/openapi/aibot/{token?}` takes `/openapi/aibot/T`, `/openapi/aibot/` and
/// `/openapi/aibot`, not `/openapi/aibot/T/more`.
package struct HTTPRoute: Sendable {
    package typealias Handler = @Sendable (HTTPRouteRequest) -> HTTPRouteOutcome

    fileprivate enum Segment: Sendable, Equatable {
        case literal(String)
        case capture
        case optionalCapture
    }

    /// The methods it takes; empty for any.
    var methods: [HTTPMethod]
    fileprivate let segments: [Segment]
    /// The names of the captures, in the pattern's order.
    fileprivate let captureNames: [String]
    let label: String
    var handler: Handler

    /// `label` defaults to the pattern's literal segments before its first capture
    /// (`/openapi/aibot` for `/openapi/aibot/{token?}`), so that what a client puts in a capture
    /// (a TOKEN) never becomes a label.
    package init(
        _ methods: [HTTPMethod],
        _ pattern: String,
        label: String? = nil,
        _ handler: @escaping Handler
    ) {
        var segments: [Segment] = []
        var names: [String] = []
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            guard part.hasPrefix("{"), part.hasSuffix("}") else {
                segments.append(.literal(String(part)))
                continue
            }
            let optional = part.hasSuffix("?}")
            precondition(!optional || index == parts.count - 1, "only the last capture may be optional: \(pattern)")
            names.append(String(part.dropFirst().dropLast(optional ? 2 : 1)))
            segments.append(optional ? .optionalCapture : .capture)
        }
        self.methods = methods
        self.segments = segments
        self.captureNames = names
        self.label =
            label
            ?? segments.prefix { if case .literal = $0 { true } else { false } }
            .map { if case .literal(let text) = $0 { text } else { "" } }
            .joined(separator: "/")
        self.handler = handler
    }

    /// The captured segments of `path`, in order, if it has this route's pattern.
    fileprivate func captures(_ path: [Substring]) -> [Substring]? {
        var captures: [Substring] = []
        for (index, segment) in segments.enumerated() {
            guard index < path.count else {
                guard segment == .optionalCapture else { return nil }
                captures.append("")
                continue
            }
            switch segment {
            case .literal(let text):
                guard path[index].utf8.elementsEqual(text.utf8) else { return nil }
            case .capture, .optionalCapture:
                captures.append(path[index])
            }
        }
        return path.count <= segments.count ? captures : nil
    }
}

/// A request a route answers: its head, its whole body, and what its path's pattern captured.
package struct HTTPRouteRequest: Sendable {
    package let head: HTTPRequestHead
    package let body: ByteBuffer
    /// The client's IP address, what per-client limits count under.
    package let peer: String
    private let names: [String]
    private let captures: [Substring]

    fileprivate init(head: HTTPRequestHead, body: ByteBuffer, peer: String, names: [String], captures: [Substring]) {
        self.head = head
        self.body = body
        self.peer = peer
        self.names = names
        self.captures = captures
    }

    /// What the capture `name` took; empty when the pattern has none of that name.
    package subscript(_ name: String) -> Substring {
        names.firstIndex(of: name).map { captures[$0] } ?? ""
    }

    /// The URI's path: what precedes a `?`.
    package var path: Substring { HTTPRoutes.path(of: head.uri) }

    /// The URI's query string: what follows the first `?`, if any.
    package var query: Substring {
        let uri = head.uri
        return uri.firstIndex(of: "?").map { uri[uri.index(after: $0)...] } ?? ""
    }
}

/// The plain HTTP endpoints served on the gRPC port, over HTTP/1.1 and over HTTP/2 (any request
/// that is not gRPC), declared once as a table of ``HTTPRoute``s: a request's head and body in,
/// an ``HTTPRouteOutcome`` out. Runs on the connection's event loop, so a route must not block.
///
/// The first route whose pattern takes the request's path is its route. A method the route does
/// not take is answered 405 with `allow`; a path no route takes, 404 (both through ``refusal``).
/// Requests are counted (``ServerMetrics``) under their route's label, `unmatched` when none
/// takes the path.
package struct HTTPRoutes: Sendable {
    /// The answer to a request the server refuses before any route sees it (404 unknown path,
    /// 405 method, 413 body too large, 408 body too slow), given the status and the cause.
    package typealias Refusal = @Sendable (HTTPResponseStatus, String) -> HTTPRouteResponse

    /// What the table says of a request's head, and the slot of its label in ``metricLabels``.
    struct Match {
        enum Answer {
            case route(HTTPRoute, captures: [Substring])
            case methodNotAllowed(HTTPRoute)
            case notFound
        }

        let answer: Answer
        let label: Int

        /// Whether the request's body goes to a route (else it is counted, not kept).
        var takesBody: Bool {
            if case .route = answer { true } else { false }
        }
    }

    private let table: [(route: HTTPRoute, label: Int)]
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

    /// What precedes a `?` in `uri`.
    static func path(of uri: String) -> Substring {
        uri[..<(uri.firstIndex(of: "?") ?? uri.endIndex)]
    }

    /// `routes` in the order they are tried; `refusal` defaults to the cause as plain text.
    package init(
        _ routes: [HTTPRoute],
        refusal: @escaping Refusal = { HTTPRouteResponse($0, text: $1 + "\n") }
    ) {
        var labels: [String] = []
        self.table = routes.map { route in
            if let slot = labels.firstIndex(of: route.label) { return (route, slot) }
            labels.append(route.label)
            return (route, labels.count - 1)
        }
        labels.append("unmatched")
        self.metricLabels = labels
        self.refusal = refusal
    }

    /// These routes and then `route`.
    package func adding(_ route: HTTPRoute) -> HTTPRoutes {
        HTTPRoutes(table.map(\.route) + [route], refusal: refusal)
    }

    /// These routes, the ones whose label `served` lacks answering any method with `refused(label)`
    /// instead: the same table, so that each route keeps its metrics slot.
    func serving(only served: Set<String>, refused: @escaping @Sendable (String) -> HTTPRouteResponse) -> HTTPRoutes {
        HTTPRoutes(
            table.map { entry in
                var route = entry.route
                if !served.contains(route.label) {
                    let label = route.label
                    route.methods = []
                    route.handler = { _ in .done(refused(label)) }
                }
                return route
            },
            refusal: refusal
        )
    }

    /// The slot of the `unmatched` label.
    var unmatchedLabel: Int { metricLabels.count - 1 }

    /// What answers `head`: the first route whose pattern takes its path, if it takes its method.
    func route(for head: HTTPRequestHead) -> Match {
        let path = Self.path(of: head.uri).split(separator: "/", omittingEmptySubsequences: false)
        for (route, label) in table {
            guard let captures = route.captures(path) else { continue }
            guard route.methods.isEmpty || route.methods.contains(head.method) else {
                return Match(answer: .methodNotAllowed(route), label: label)
            }
            return Match(answer: .route(route, captures: captures), label: label)
        }
        return Match(answer: .notFound, label: unmatchedLabel)
    }

    /// The answer to a request `match` was found for, once its body is complete.
    func answer(_ match: Match, head: HTTPRequestHead, body: ByteBuffer, peer: String) -> HTTPRouteOutcome {
        switch match.answer {
        case .route(let route, let captures):
            return route.handler(
                HTTPRouteRequest(head: head, body: body, peer: peer, names: route.captureNames, captures: captures)
            )
        case .methodNotAllowed(let route):
            let allowed = route.methods.map(\.rawValue).joined(separator: ", ")
            var response = refusal(.methodNotAllowed, "use \(allowed), not \(head.method.rawValue)")
            response.headers.append(("allow", allowed))
            return .done(response)
        case .notFound:
            return .done(refusal(.notFound, "no such path: \(Self.path(of: head.uri))"))
        }
    }
}
