internal import ChatbotHTTP2
package import ChatbotProto
package import NIOCore
internal import NIOPosix

/// A gRPC client over one HTTP/2 connection (h2c, prior knowledge), on nghttp2 like the server.
///
/// Calls may run concurrently; they share the connection as HTTP/2 streams.
package final class RPCClient: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<GRPCClientConnectionHandler>
    private let authority: String

    private init(channel: any Channel, handler: NIOLoopBound<GRPCClientConnectionHandler>, authority: String) {
        self.channel = channel
        self.handler = handler
        self.authority = authority
    }

    /// Connects to `host:port`.
    package static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> RPCClient {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port)
            .get()
        let handler = try await channel.eventLoop.submit {
            let handler = try GRPCClientConnectionHandler()
            try channel.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: channel.eventLoop)
        }.get()
        return RPCClient(channel: channel, handler: handler, authority: "\(host):\(port)")
    }

    /// Calls a unary method.
    ///
    /// - Parameters:
    ///   - path: `/package.Service/Method`.
    ///   - request: The request message.
    ///   - metadata: Request headers to add, such as `authorization`.
    ///   - timeout: Sent as `grpc-timeout`; the call fails with DEADLINE_EXCEEDED after it.
    /// - Throws: ``RPCError`` with the server's status, message and trailers (such as
    ///   `chatbot-errcode`), or UNAVAILABLE when the connection fails.
    package func unary<Request: ProtoMessage, Response: ProtoMessage>(
        _ path: String,
        _ request: Request,
        as: Response.Type = Response.self,
        metadata: [(name: String, value: String)] = [],
        timeout: TimeAmount? = nil
    ) async throws(RPCError) -> Response {
        let messages = try await call(path, request, metadata: metadata, timeout: timeout, each: nil)
        guard messages.count == 1 else {
            throw RPCError(.internalError, "a unary call returned \(messages.count) messages")
        }
        return try Self.decode(messages[0])
    }

    /// Calls a server-streaming method; `each` gets every response as it arrives, on the
    /// connection's event loop, and returns false to end the call (it is cancelled). Returns once
    /// the server has ended the call with OK or `each` has ended it.
    ///
    /// - Throws: ``RPCError`` as ``unary(_:_:as:metadata:timeout:)`` does.
    package func serverStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ path: String,
        _ request: Request,
        as: Response.Type = Response.self,
        metadata: [(name: String, value: String)] = [],
        timeout: TimeAmount? = nil,
        each: @escaping @Sendable (Response) -> Bool
    ) async throws(RPCError) {
        _ = try await call(path, request, metadata: metadata, timeout: timeout) { buffer throws(RPCError) in
            each(try Self.decode(buffer))
        }
    }

    private static func decode<Response: ProtoMessage>(_ message: ByteBuffer) throws(RPCError) -> Response {
        do throws(ProtoError) {
            return try GRPCFraming.decode(message)
        } catch {
            throw RPCError(.internalError, "cannot decode the response: \(error.message)")
        }
    }

    /// Runs one call: the messages kept when `each` is nil.
    private func call(
        _ path: String,
        _ request: some ProtoMessage,
        metadata: [(name: String, value: String)],
        timeout: TimeAmount?,
        each: (@Sendable (ByteBuffer) throws(RPCError) -> Bool)?
    ) async throws(RPCError) -> [ByteBuffer] {
        let framed = GRPCFraming.frame(request, allocator: channel.allocator)
        var headers: [(name: String, value: String)] = [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ]
        if let timeout { headers.append(("grpc-timeout", "\(max(1, timeout.nanoseconds / 1_000_000))m")) }
        let block = headers + metadata
        let handler = self.handler
        let result = await withCheckedContinuation { continuation in
            handler.eventLoop.execute {
                handler.value.start(headers: HeaderBlock(block), body: framed, each: each, continuation)
            }
        }
        return try result.get()
    }

    /// Closes the connection.
    package func close() async {
        try? await channel.close()
    }
}

/// The client side of one connection, on its event loop.
final class GRPCClientConnectionHandler: ChannelInboundHandler, HTTP2SessionDelegate {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var session: HTTP2Session!
    private var context: ChannelHandlerContext?
    private var calls: [Int32: ClientCall] = [:]

    init() throws {
        session = try HTTP2Session(role: .client, settings: HTTP2Settings(), delegate: self)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        flush()
    }

    func start(
        headers: HeaderBlock,
        body: ByteBuffer,
        each: ((ByteBuffer) throws(RPCError) -> Bool)?,
        _ continuation: CheckedContinuation<Result<[ByteBuffer], RPCError>, Never>
    ) {
        guard context != nil else {
            continuation.resume(returning: .failure(RPCError(.unavailable, "the connection is closed")))
            return
        }
        do {
            let stream = try session.request(headers: headers, endStream: false)
            session.send(body, on: stream)
            session.finish(stream)
            calls[stream] = ClientCall(each: each, continuation: continuation)
        } catch {
            continuation.resume(returning: .failure(RPCError(.unavailable, "cannot start a call: \(error)")))
        }
        flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { try session.receive($0) }
        } catch {
            failAll(RPCError(.unavailable, "protocol error from the server: \(error)"))
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RPCError(.unavailable, "the connection closed"))
        self.context = nil
    }

    private func flush() {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: 256)
        try? session.flush(into: &buffer)
        if buffer.readableBytes > 0 { context.writeAndFlush(wrapOutboundOut(buffer), promise: nil) }
    }

    private func failAll(_ error: RPCError) {
        let pending = calls
        calls.removeAll()
        for call in pending.values { call.continuation.resume(returning: .failure(error)) }
    }

    // MARK: HTTP2SessionDelegate

    func session(_ session: HTTP2Session, beginHeadersOn stream: Int32) {}

    func session(
        _ session: HTTP2Session,
        header name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        stream: Int32
    ) {
        guard let call = calls[stream] else { return }
        let name = String(decoding: name, as: UTF8.self)
        let value = String(decoding: value, as: UTF8.self)
        switch name {
        case "grpc-status": call.status = Int(value)
        case "grpc-message": call.message = value.removingPercentEncoding()
        case ":status", "content-type", "grpc-encoding", "grpc-accept-encoding": break
        default: call.trailers.append((name, value))
        }
    }

    func session(_ session: HTTP2Session, headerListTooLargeOn stream: Int32) {
        calls[stream]?.failure = RPCError(.internalError, "the server's header list is over the announced limit")
    }

    func session(_ session: HTTP2Session, endHeadersOn stream: Int32, endStream: Bool) {}

    func session(_ session: HTTP2Session, data: UnsafeRawBufferPointer, stream: Int32) {
        session.consume(data.count, on: stream)
        guard let call = calls[stream] else { return }
        call.decoder.append(data)
        do throws(RPCError) {
            while call.failure == nil, !call.ended, let message = try call.decoder.next() {
                guard let each = call.each else {
                    call.messages.append(message)
                    continue
                }
                if try !each(message) {
                    call.ended = true
                    session.reset(stream, errorCode: 8)
                }
            }
        } catch {
            call.failure = error
            session.reset(stream, errorCode: 8)
        }
    }

    func session(_ session: HTTP2Session, endStreamOn stream: Int32) {}

    func session(_ session: HTTP2Session, closed stream: Int32, errorCode: UInt32) {
        guard let call = calls.removeValue(forKey: stream) else { return }
        call.continuation.resume(returning: call.result(resetWith: errorCode))
    }
}

/// One call in flight on the client.
private final class ClientCall {
    /// Takes each response as it arrives (server streaming) and says whether to go on; nil keeps
    /// them in ``messages``.
    let each: ((ByteBuffer) throws(RPCError) -> Bool)?
    /// `each` has ended the call.
    var ended = false
    let continuation: CheckedContinuation<Result<[ByteBuffer], RPCError>, Never>
    var decoder = GRPCFraming.Decoder(maxMessageSize: 64 << 20)
    var messages: [ByteBuffer] = []
    var status: Int?
    var message = ""
    var trailers: [(name: String, value: String)] = []
    var failure: RPCError?

    init(
        each: ((ByteBuffer) throws(RPCError) -> Bool)?,
        continuation: CheckedContinuation<Result<[ByteBuffer], RPCError>, Never>
    ) {
        self.each = each
        self.continuation = continuation
    }

    func result(resetWith errorCode: UInt32) -> Result<[ByteBuffer], RPCError> {
        if let failure { return .failure(failure) }
        if ended { return .success(messages) }
        guard let status else {
            return .failure(RPCError(.unavailable, "the stream ended without a status (HTTP/2 error \(errorCode))"))
        }
        guard status == 0 else {
            return .failure(RPCError(RPCError.Code(rawValue: status), message, trailers: trailers))
        }
        return .success(messages)
    }
}

extension String {
    /// Decodes `%XX` escapes (grpc-message); malformed escapes are kept as they are.
    fileprivate func removingPercentEncoding() -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
