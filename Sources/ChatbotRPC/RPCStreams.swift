package import ChatbotProto
internal import NIOCore

/// The request messages of a streaming call, handed from the connection to the handler on the
/// connection's event loop (where streaming handlers run, see ``EventLoopTaskExecutor``).
///
/// A handler that takes a message already buffered does not suspend, so it can answer a burst of
/// messages in one go and the connection flushes the answers together.
final class InboundMessages {
    private var buffered = CircularBuffer<ByteBuffer>()
    private var finished = false
    private var waiter: CheckedContinuation<ByteBuffer?, Never>?

    /// A message from the client.
    func append(_ message: ByteBuffer) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: message)
        } else {
            buffered.append(message)
        }
    }

    /// The client finished sending, or the call ended.
    func finish() {
        finished = true
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: nil)
        }
    }

    /// `.some(message)`, `.some(nil)` at the end, or nil when the handler has to wait.
    func take() -> ByteBuffer?? {
        if let message = buffered.popFirst() { return .some(message) }
        return finished ? .some(nil) : nil
    }

    /// Resumes `waiter` with the next message (or nil at the end) as soon as there is one.
    func wait(_ waiter: CheckedContinuation<ByteBuffer?, Never>) {
        if let ready = take() {
            waiter.resume(returning: ready)
        } else {
            precondition(self.waiter == nil, "one reader per stream")
            self.waiter = waiter
        }
    }
}

/// A streaming call's request messages, as the connection receives them.
///
/// The connection gives a message's bytes back to the peer's flow-control window only when the
/// handler takes the message, so a slow handler slows the client instead of filling memory.
package struct RPCInbound: Sendable {
    let messages: NIOLoopBound<InboundMessages>
    /// Called with a message's size when the handler takes it.
    let consumed: @Sendable (Int) -> Void

    /// The next message, or nil when the client has finished sending (or the call ended).
    func next() async -> ByteBuffer? {
        if messages.eventLoop.inEventLoop, let ready = messages.value.take() { return ready }
        let messages = self.messages
        return await withCheckedContinuation { waiter in
            messages.eventLoop.execute { messages.value.wait(waiter) }
        }
    }
}

/// Where a streaming call's responses go: the connection, on its event loop.
package struct RPCOutbound: Sendable {
    /// Queues one framed message; returns when the stream has room for more (at once, unless the
    /// client reads slowly), or throws when the call is over (cancelled, deadline passed,
    /// connection closed).
    let write: @Sendable (ByteBuffer) async throws(RPCError) -> Void
    let allocator: ByteBufferAllocator
}

/// Reads a streaming call's requests.
package struct RPCReader<Request: ProtoMessage>: Sendable {
    private let inbound: RPCInbound

    init(_ inbound: RPCInbound) {
        self.inbound = inbound
    }

    /// The next request, or nil when the client has finished sending.
    /// - Throws: INVALID_ARGUMENT when a message does not decode; CANCELLED when the call ended.
    package func next() async throws(RPCError) -> Request? {
        guard let bytes = await inbound.next() else {
            if Task.isCancelled { throw RPCError(.cancelled, "the call was cancelled") }
            return nil
        }
        inbound.consumed(bytes.readableBytes + GRPCFraming.prefixSize)
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
