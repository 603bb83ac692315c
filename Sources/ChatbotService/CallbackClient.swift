package import NIOCore
internal import NIOHTTP1
internal import NIOPosix

/// Where a callback goes: an `http://` URL taken apart.
package struct CallbackURL: Sendable, Hashable {
    package var host: String
    package var port: Int
    /// The path and query, at least `/`.
    package var target: String

    /// Why a URL is not one the callback can POST to.
    package struct Invalid: Error, Sendable {
        package var message: String
    }

    /// Parses `http://host[:port][/path][?query]`; a bracketed IPv6 host is taken too.
    ///
    /// - Throws: ``Invalid`` naming the problem: another scheme (`https://` needs a proxy in front:
    ///   the server has no TLS client), no host, a port out of range, spaces or control characters.
    package init(_ text: String) throws(Invalid) {
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw Invalid(message: "the callback URL has spaces or control characters")
        }
        guard text.lowercased().hasPrefix("http://") else {
            throw Invalid(message: "the callback URL must start with http:// (put a proxy in front for https)")
        }
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var target = String(rest.dropFirst(authority.count).prefix { $0 != "#" })
        if target.isEmpty || target.first == "?" { target = "/" + target }
        guard !authority.contains("@") else { throw Invalid(message: "the callback URL must not carry credentials") }
        var host = Substring(authority)
        var port = 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw Invalid(message: "the callback URL's host is malformed")
            }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.first == ":", let number = Int(after.dropFirst()) else {
                    throw Invalid(message: "the callback URL's port is malformed")
                }
                port = number
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]) else {
                throw Invalid(message: "the callback URL's port is malformed")
            }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw Invalid(message: "the callback URL has no host") }
        guard (1...65535).contains(port) else { throw Invalid(message: "the callback URL's port is out of range") }
        self.host = String(host)
        self.port = port
        self.target = target
    }
}

/// POSTs one JSON body to a callback URL over HTTP/1.1 and reports the response: a new connection
/// per request (`Connection: close`), the whole exchange within a timeout, at most
/// ``maxResponseBytes`` of the response's body read.
package struct CallbackClient: Sendable {
    /// The most response body bytes read: a callback's receiver is heard by its status alone, a
    /// webhook answers with a sentence or two.
    package static let maxResponseBytes = 64 * 1024

    /// What the receiver answered.
    package struct Response: Sendable {
        package var status: Int
        /// The body, or its first ``maxResponseBytes`` when `truncated`.
        package var body: [UInt8]
        package var truncated: Bool
    }

    package let group: any EventLoopGroup
    package let timeout: TimeAmount

    package init(group: any EventLoopGroup, timeout: TimeAmount) {
        self.group = group
        self.timeout = timeout
    }

    /// The receiver's response to `body` POSTed to `url`.
    ///
    /// - Throws: A ``CallbackURL/Invalid`` with what went wrong: no connection, a timeout, a
    ///   response that is not HTTP.
    package func post(
        _ body: [UInt8],
        to url: CallbackURL,
        userAgent: String = "chatbotd-callback"
    ) async throws(CallbackURL.Invalid) -> Response {
        let timeout = self.timeout
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: Response.self)
        let deadline = eventLoop.scheduleTask(in: timeout) {
            promise.fail(CallbackURL.Invalid(message: "no answer within \(timeout.nanoseconds / 1_000_000) ms"))
        }
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseReader(promise: promise))
                }
            }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.target)
        let hostHeader = url.host.contains(":") ? "[\(url.host)]" : url.host
        head.headers.add(name: "host", value: url.port == 80 ? hostHeader : "\(hostHeader):\(url.port)")
        head.headers.add(name: "content-type", value: "application/json")
        head.headers.add(name: "content-length", value: String(body.count))
        head.headers.add(name: "connection", value: "close")
        head.headers.add(name: "user-agent", value: userAgent)
        let request = head
        bootstrap.connect(host: url.host, port: url.port).whenComplete { result in
            switch result {
            case .failure(let error):
                promise.fail(CallbackURL.Invalid(message: "cannot connect to \(url.host):\(url.port): \(error)"))
            case .success(let channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                channel.write(HTTPClientRequestPart.head(request), promise: nil)
                channel.write(
                    HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))),
                    promise: nil
                )
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        defer { deadline.cancel() }
        do {
            return try await promise.futureResult.get()
        } catch let error as CallbackURL.Invalid {
            throw error
        } catch {
            throw CallbackURL.Invalid(message: "\(error)")
        }
    }
}

/// Completes a promise with the response once it has ended (or fails it when the connection closes
/// first or the response is not HTTP); keeps at most ``CallbackClient/maxResponseBytes`` of its
/// body and stops reading there.
private final class ResponseReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<CallbackClient.Response>
    private var response: CallbackClient.Response?

    init(promise: EventLoopPromise<CallbackClient.Response>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = CallbackClient.Response(status: Int(head.status.code), body: [], truncated: false)
        case .body(var chunk):
            guard var response, !response.truncated else { return }
            let room = CallbackClient.maxResponseBytes - response.body.count
            response.body += chunk.readBytes(length: min(room, chunk.readableBytes)) ?? []
            // The rest of a big answer is not worth reading.
            response.truncated = chunk.readableBytes > 0
            self.response = response
            if response.truncated { promise.succeed(response) }
        case .end:
            if let response { promise.succeed(response) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(CallbackURL.Invalid(message: "the receiver closed the connection before answering"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(CallbackURL.Invalid(message: "the receiver's answer is not HTTP: \(error)"))
        context.close(promise: nil)
    }
}
