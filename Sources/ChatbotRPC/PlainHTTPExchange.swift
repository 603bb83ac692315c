internal import NIOCore
internal import NIOHTTP1

/// One plain HTTP request, over HTTP/1.1 or on an HTTP/2 stream, from its head to its response:
/// the rules both connection handlers share, so that the two protocols answer alike. The handlers
/// feed it and do what it returns; they own the I/O and the timer.
///
/// - The route and the metrics label are found once, from the head's path.
/// - A declared Content-Length over the body limit is refused at once (413), as is a body that
///   grows past it; a body not complete within the request timeout is answered 408
///   (``timedOut(after:)``). Both end the exchange: nothing more of the request is read.
/// - `Expect: 100-continue` asks for an interim `100 Continue` once the head is accepted.
/// - An unknown path is answered 404, a method its route does not take 405, when the request has
///   ended; the body is not kept.
/// - Every response gets a `text/plain` content type unless it names one, and its length
///   (``fields(of:)``).
struct PlainHTTPExchange {
    /// What to do once the head is in.
    enum Start {
        /// Read the body; answer `100 Continue` first when `sendContinue`.
        case readBody(sendContinue: Bool)
        /// Answer with this now and read no more.
        case refuse(HTTPRouteResponse)
    }

    let head: HTTPRequestHead
    /// The slot this request's response is counted under.
    let label: Int
    private let match: HTTPRoutes.Match
    private let routes: HTTPRoutes
    private let maxBodySize: Int
    private let peer: String
    private var body: ByteBuffer?
    /// Body bytes received so far (kept or not).
    private(set) var bodySize = 0

    /// - Parameter peer: The client's address (``RPCContext/peerAddress(of:)``), for the route.
    init(head: HTTPRequestHead, routes: HTTPRoutes, maxBodySize: Int, peer: String) {
        self.head = head
        self.routes = routes
        self.maxBodySize = maxBodySize
        self.peer = peer
        match = routes.route(for: head)
        label = match.label
    }

    /// Whether the request must be refused before its body, or how to read it.
    func start(shuttingDown: Bool) -> Start {
        if shuttingDown { return .refuse(routes.refusal(.serviceUnavailable, "the server is shutting down")) }
        if let length = head.headers.first(name: "content-length"),
            HTTPRoutes.declaredLength(length, exceeds: maxBodySize)
        {
            return .refuse(tooLarge)
        }
        let expect = head.headers[canonicalForm: "expect"]
        return .readBody(sendContinue: expect.contains { $0.lowercased() == "100-continue" })
    }

    /// Takes a chunk of the body (the first one is kept as it is, not copied); the refusal (413)
    /// when the body passes the limit.
    mutating func receive(_ chunk: ByteBuffer) -> HTTPRouteResponse? {
        bodySize += chunk.readableBytes
        guard bodySize <= maxBodySize else { return tooLarge }
        guard match.takesBody else { return nil }
        if body == nil {
            body = chunk
        } else {
            var chunk = chunk
            body!.writeBuffer(&chunk)
        }
        return nil
    }

    /// The request is complete: the route's answer, 405 for a method it does not take, or 404
    /// for a path no route takes. The body goes to the route.
    mutating func end() -> HTTPRouteOutcome {
        let body = self.body ?? ByteBuffer()
        self.body = nil
        return routes.answer(match, head: head, body: body, peer: peer)
    }

    /// The answer to a body that did not arrive within `timeout`.
    func timedOut(after timeout: TimeAmount) -> HTTPRouteResponse {
        let limit = timeout.nanoseconds / 1_000_000
        return routes.refusal(.requestTimeout, "request body too slow: not complete within \(limit) ms")
    }

    private var tooLarge: HTTPRouteResponse {
        routes.refusal(.payloadTooLarge, "request body too large: the limit is \(maxBodySize) bytes")
    }

    /// The header fields of `response` as sent: its own (names in lower case), a `text/plain`
    /// content type unless it names one, and its content length.
    static func fields(of response: HTTPRouteResponse) -> [(name: String, value: String)] {
        var fields = response.headers.map { (name: $0.0.lowercased(), value: $0.1) }
        if !fields.contains(where: { $0.name == "content-type" }) {
            fields.append(("content-type", "text/plain; charset=utf-8"))
        }
        fields.append(("content-length", String(response.body.readableBytes)))
        return fields
    }
}
