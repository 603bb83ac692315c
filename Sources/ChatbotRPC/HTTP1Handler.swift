internal import NIOCore
internal import NIOHTTP1

/// Serves ``HTTPRoutes`` with keep-alive and pipelining; anything else is 404.
///
/// NIO's `HTTPServerPipelineHandler` (in front of this handler) holds a pipelined request back
/// until the response to the one before it has ended, so responses go out in request order even
/// when a route answers later.
///
/// `Expect: 100-continue` is answered with `100 Continue` once the head is accepted.
///
/// Limits against misbehaving clients: a body over ``Configuration/maxBodySize`` is answered 413
/// and the connection closed; a request head must arrive within ``Configuration/headerTimeout``
/// of the connection opening or of the previous response (so idle keep-alive connections are
/// closed after that long, as Node's `keepAliveTimeout` does), and the body within
/// ``Configuration/bodyTimeout`` of the head (else 408 and close). A request that does not parse
/// is answered 400 with the refusal's body naming the cause, and the connection closed. On
/// graceful shutdown an idle connection is closed at once, a busy one after its response; when
/// the client goes away, the work of a route answering later is cancelled.
final class HTTP1Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    struct Configuration: Sendable {
        var maxBodySize = 1 << 20
        var headerTimeout = TimeAmount.seconds(10)
        var bodyTimeout = TimeAmount.seconds(10)
    }

    private enum State {
        /// Between requests: waiting for a head.
        case idle
        /// Head received, reading the body.
        case receiving(PlainHTTPExchange)
        /// The request is complete; its response is being computed or written.
        case responding
        /// Answered early (413, 408); the rest of the request is ignored and the connection closes.
        case discarding
    }

    private let routes: HTTPRoutes
    private let configuration: Configuration
    private let metrics: ServerMetrics
    private var state = State.idle
    /// The metrics slot the response being prepared is counted under.
    private var label: Int
    /// When the head of the request being answered came; nil before one (a parse error).
    private var started: NIODeadline?
    private var timer: Scheduled<Void>?
    /// The work of a route that answers later, cancelled if the connection closes first.
    private var work: Task<Void, Never>?
    private var shuttingDown = false
    private var loopBound: NIOLoopBound<HTTP1Handler>?
    private var context: ChannelHandlerContext?
    /// The client's address (``RPCContext/peerAddress(of:)``).
    private var peer = ""

    init(routes: HTTPRoutes, configuration: Configuration = Configuration(), metrics: ServerMetrics) {
        self.routes = routes
        self.configuration = configuration
        self.metrics = metrics
        self.label = routes.unmatchedLabel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = RPCContext.peerAddress(of: context.channel)
        loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        arm(configuration.headerTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        work?.cancel()
        work = nil
        self.context = nil
        loopBound = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            let exchange = PlainHTTPExchange(
                head: head,
                routes: routes,
                maxBodySize: configuration.maxBodySize,
                peer: peer
            )
            label = exchange.label
            started = .now()
            switch exchange.start(shuttingDown: false) {
            case .refuse(let response):
                refuse(context, response)
            case .readBody(let sendContinue):
                state = .receiving(exchange)
                arm(configuration.bodyTimeout)
                // A client that asks first (curl does for large bodies) would otherwise wait a second.
                if sendContinue {
                    context.writeAndFlush(
                        wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                        promise: nil
                    )
                }
            }
        case .body(let chunk):
            guard case .receiving(var exchange) = state else { return }
            if let refusal = exchange.receive(chunk) {
                refuse(context, refusal)
            } else {
                state = .receiving(exchange)
            }
        case .end:
            guard case .receiving(var exchange) = state else { return }
            state = .responding
            disarm()
            let keepAlive = exchange.head.isKeepAlive
            switch exchange.end() {
            case .done(let response):
                respond(context, response, keepAlive: keepAlive)
            case .later(let work):
                let loopBound = loopBound!
                self.work = Task {
                    let response = await work()
                    loopBound.eventLoop.execute { loopBound.value.respondLater(response, keepAlive: keepAlive) }
                }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RPCServer.GracefulShutdownEvent {
            shuttingDown = true
            if case .idle = state { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        work?.cancel()
        work = nil
        context.fireChannelInactive()
    }

    /// A request that does not parse is answered 400 naming the cause (unless a response is under
    /// way); that and any other error end the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            switch state {
            case .idle, .receiving:
                refuse(context, routes.refusal(.badRequest, "malformed HTTP request: \(Self.describe(error))"))
                return
            case .responding, .discarding:
                break
            }
        }
        context.close(promise: nil)
    }

    /// What the parser found wrong, in words.
    private static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "the request head is too large (URI or headers over 80 KiB)"
        case .invalidURL: "invalid characters in the request target (a space, NUL or control character)"
        case .invalidHeaderToken: "a malformed header field name or value"
        case .invalidCharactersUsed: "invalid characters in the request line or headers"
        case .invalidMethod: "an unknown or malformed method"
        case .invalidVersion: "a malformed HTTP version"
        case .invalidContentLength: "a malformed Content-Length"
        case .unexpectedContentLength: "Content-Length together with Transfer-Encoding"
        case .invalidChunkSize: "a malformed chunk size"
        case .lfExpected: "a line not ended by CRLF"
        case .invalidConstant: "a malformed request line"
        default: "\(error)"
        }
    }

    /// Answers early (413, 408): the rest of the request is ignored and the connection closes.
    private func refuse(_ context: ChannelHandlerContext, _ response: HTTPRouteResponse) {
        state = .discarding
        disarm()
        respond(context, response, keepAlive: false)
    }

    private func respondLater(_ response: HTTPRouteResponse, keepAlive: Bool) {
        work = nil
        guard let context else { return }
        respond(context, response, keepAlive: keepAlive)
    }

    private func respond(_ context: ChannelHandlerContext, _ response: HTTPRouteResponse, keepAlive: Bool) {
        metrics.countHTTP(route: label, status: response.status.code, started: started)
        // A parse error before the next head is counted as unmatched, and not timed.
        label = routes.unmatchedLabel
        started = nil
        let keepAlive = keepAlive && !shuttingDown
        var headers = HTTPHeaders(PlainHTTPExchange.fields(of: response).map { ($0.name, $0.value) })
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
            promise: nil
        )
        context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        // Ready for the next request before the end goes out: writing it makes NIO's pipeline
        // handler deliver a pipelined request at once, re-entering channelRead.
        if keepAlive {
            if case .responding = state {
                state = .idle
                arm(configuration.headerTimeout)
            }
        } else {
            state = .discarding
            disarm()
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Closes the connection unless the current phase ends within `timeout`.
    private func arm(_ timeout: TimeAmount) {
        timer?.cancel()
        guard let context, let loopBound else { return }
        timer = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.timedOut() }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    private func timedOut() {
        timer = nil
        guard let context else { return }
        switch state {
        case .receiving(let exchange):
            // The head came but the body is too slow: say so, then close.
            refuse(context, exchange.timedOut(after: configuration.bodyTimeout))
        case .idle:
            // Idle keep-alive connection, or a head that never completed.
            context.close(promise: nil)
        case .responding, .discarding:
            break
        }
    }
}
