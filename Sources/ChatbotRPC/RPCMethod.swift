package import ChatbotProto
internal import NIOCore

/// One method of a service, with its handler erased to bytes in and bytes out.
package struct RPCMethod: Sendable {
    package enum Kind: Sendable {
        case unary
        case serverStreaming
        case bidirectionalStreaming
    }

    /// `/package.Service/Method`.
    package let path: String
    package let kind: Kind
    let handler: Handler

    enum Handler: Sendable {
        /// Decodes the request, runs the handler, encodes the response into a framed buffer.
        case unary(@Sendable (ByteBuffer, RPCContext, ByteBufferAllocator) -> UnaryOutcome<ByteBuffer>)
        /// Runs as a task: decoded requests in, encoded responses out.
        case streaming(@Sendable (RPCInbound, RPCOutbound, RPCContext) async throws(RPCError) -> Void)
    }

    /// This method with a handler that fails every call with `error` without decoding its request:
    /// a unary one once its request message has come, a streaming one as soon as it starts.
    func refusing(_ error: RPCError) -> RPCMethod {
        let handler: Handler =
            switch kind {
            case .unary: .unary { _, _, _ in .done(.failure(error)) }
            case .serverStreaming, .bidirectionalStreaming: .streaming { _, _, _ throws(RPCError) in throw error }
            }
        return RPCMethod(path: path, kind: kind, handler: handler)
    }

    /// A unary method.
    package static func unary<Request: ProtoMessage, Response: ProtoMessage>(
        _ path: String,
        _ handler: @escaping @Sendable (Request, RPCContext) -> UnaryOutcome<Response>
    ) -> RPCMethod {
        RPCMethod(
            path: path,
            kind: .unary,
            handler: .unary { bytes, context, allocator in
                let request: Request
                do throws(ProtoError) {
                    request = try GRPCFraming.decode(bytes)
                } catch {
                    return .done(.failure(RPCError(.invalidArgument, "cannot decode the request: \(error.message)")))
                }
                // A switch, not a map with a closure: the inline path allocates no closure context.
                switch handler(request, context) {
                case .done(let result):
                    return .done(result.map { GRPCFraming.frame($0, allocator: allocator) })
                case .later(let work):
                    return .later { await work().map { GRPCFraming.frame($0, allocator: allocator) } }
                }
            }
        )
    }

    /// A method that takes one request and streams responses.
    package static func serverStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ path: String,
        _ handler:
            @escaping @Sendable (Request, RPCWriter<Response>, RPCContext) async throws(RPCError) -> Void
    ) -> RPCMethod {
        RPCMethod(
            path: path,
            kind: .serverStreaming,
            handler: .streaming { inbound, outbound, context throws(RPCError) in
                let reader = RPCReader<Request>(inbound)
                guard let request = try await reader.next() else {
                    throw RPCError(.internalError, "the client sent no request message")
                }
                try await handler(request, RPCWriter(outbound), context)
            }
        )
    }

    /// A method that streams in both directions.
    package static func bidirectionalStreaming<Request: ProtoMessage, Response: ProtoMessage>(
        _ path: String,
        _ handler:
            @escaping @Sendable (RPCReader<Request>, RPCWriter<Response>, RPCContext) async throws(RPCError) -> Void
    ) -> RPCMethod {
        RPCMethod(
            path: path,
            kind: .bidirectionalStreaming,
            handler: .streaming { inbound, outbound, context throws(RPCError) in
                try await handler(RPCReader(inbound), RPCWriter(outbound), context)
            }
        )
    }
}

/// A set of methods the server routes to.
package protocol RPCService: Sendable {
    var methods: [RPCMethod] { get }
}
