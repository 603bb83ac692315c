package import ChatbotProto
internal import NIOCore

/// The request messages of a streaming call, as the connection receives them.
///
/// The connection gives a message's bytes back to the peer's flow-control window only when the
/// handler takes the message, so a slow handler slows the client instead of filling memory.
package struct RPCInbound: Sendable {
    let messages: AsyncStream<ByteBuffer>
    /// Called with a message's size when the handler takes it.
    let consumed: @Sendable (Int) -> Void
}

/// Where a streaming call's responses go: the connection, on its event loop.
package struct RPCOutbound: Sendable {
    /// Queues one framed message; returns when the stream has room for more, or throws when the
    /// call is over (cancelled, deadline passed, connection closed).
    let write: @Sendable (ByteBuffer) async throws(RPCError) -> Void
    let allocator: ByteBufferAllocator
}

/// Reads a streaming call's requests.
package final class RPCReader<Request: ProtoMessage> {
    private var iterator: AsyncStream<ByteBuffer>.AsyncIterator
    private let consumed: @Sendable (Int) -> Void

    init(_ inbound: RPCInbound) {
        iterator = inbound.messages.makeAsyncIterator()
        consumed = inbound.consumed
    }

    /// The next request, or nil when the client has finished sending.
    /// - Throws: INVALID_ARGUMENT when a message does not decode; CANCELLED when the call ended.
    package func next() async throws(RPCError) -> Request? {
        guard let bytes = await iterator.next() else {
            if Task.isCancelled { throw RPCError(.cancelled, "the call was cancelled") }
            return nil
        }
        consumed(bytes.readableBytes + GRPCFraming.prefixSize)
        do throws(ProtoError) {
            return try GRPCFraming.decode(bytes)
        } catch {
            throw RPCError(.invalidArgument, "cannot decode a request: \(error.message)")
        }
    }
}

/// Writes a streaming call's responses.
package struct RPCWriter<Response: ProtoMessage>: Sendable {
    private let outbound: RPCOutbound

    init(_ outbound: RPCOutbound) {
        self.outbound = outbound
    }

    /// Sends one response; waits while the client is not reading fast enough.
    package func write(_ response: Response) async throws(RPCError) {
        try await outbound.write(GRPCFraming.frame(response, allocator: outbound.allocator))
    }
}
