package import NIOCore
package import NIOHTTP1

/// The HTTP/1.1 endpoints served on the gRPC port: a request's method, path and body in, a
/// status, headers and body out. Runs on the connection's event loop, so a route must not block.
package struct HTTP1Routes: Sendable {
    package typealias Route =
        @Sendable (HTTPRequestHead, ByteBuffer) -> (HTTPResponseStatus, [(String, String)], String)

    private let routes: [String: Route]

    package init(_ routes: [String: Route]) {
        self.routes = routes
    }

    func route(for path: String) -> Route? { routes[path] }
}

/// Serves ``HTTP1Routes`` with keep-alive; anything else is 404, a body over 1 MiB is 413.
final class HTTP1Handler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: HTTP1Routes
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private static let maxBodySize = 1 << 20

    init(routes: HTTP1Routes) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > Self.maxBodySize {
                respond(context, .payloadTooLarge, [], "request body too large\n", keepAlive: false)
                head = nil
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let head else { return }
            self.head = nil
            let path = String(head.uri.prefix { $0 != "?" })
            let (status, headers, text) =
                routes.route(for: path)?(head, body ?? ByteBuffer()) ?? (.notFound, [], "not found\n")
            respond(context, status, headers, text, keepAlive: head.isKeepAlive)
        }
    }

    /// A request that does not parse (NIO has answered 400) or any other error ends the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(
        _ context: ChannelHandlerContext,
        _ status: HTTPResponseStatus,
        _ extraHeaders: [(String, String)],
        _ text: String,
        keepAlive: Bool
    ) {
        var headers = HTTPHeaders(extraHeaders)
        if !headers.contains(name: "content-type") {
            headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        }
        headers.add(name: "content-length", value: String(text.utf8.count))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
