internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// Tells HTTP/2 (gRPC, prior knowledge) from HTTP/1.1 by the first bytes of a connection and
/// sets up the pipeline for it: the HTTP/2 connection preface starts with `PRI `. From then until
/// it closes, the connection is counted as open in ``ServerMetrics``. A connection that has not
/// sent those 4 bytes within the handshake timeout is closed.
final class ProtocolDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let makeGRPCHandler: () -> GRPCConnectionHandler
    private let httpRoutes: HTTPRoutes
    private let http1Configuration: HTTP1Handler.Configuration
    private let metrics: ServerMetrics
    private let handshakeTimeout: TimeAmount
    private var buffered: ByteBuffer?
    private var timer: Scheduled<Void>?

    init(
        makeGRPCHandler: @escaping () -> GRPCConnectionHandler,
        httpRoutes: HTTPRoutes,
        http1Configuration: HTTP1Handler.Configuration,
        handshakeTimeout: TimeAmount,
        metrics: ServerMetrics
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.makeGRPCHandler = makeGRPCHandler
        self.httpRoutes = httpRoutes
        self.http1Configuration = http1Configuration
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// A connection that has not said which protocol it speaks has nothing in flight: on graceful
    /// shutdown it closes at once.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RPCServer.GracefulShutdownEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var buffered = self.buffered {
            buffered.writeBuffer(&incoming)
            self.buffered = buffered
        } else {
            self.buffered = incoming
        }
        guard let buffered, buffered.readableBytes >= 4 else { return }
        let isHTTP2 = buffered.getBytes(at: buffered.readerIndex, length: 4) == Array("PRI ".utf8)
        self.buffered = nil
        do {
            if isHTTP2 {
                try context.pipeline.syncOperations.addHandler(makeGRPCHandler())
            } else {
                try context.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                try context.pipeline.syncOperations.addHandler(
                    HTTP1Handler(routes: httpRoutes, configuration: http1Configuration, metrics: metrics)
                )
            }
        } catch {
            context.close(promise: nil)
            return
        }
        let kind: ServerMetrics.ConnectionProtocol = isHTTP2 ? .http2 : .http1
        let metrics = self.metrics
        metrics.connectionOpened(kind)
        context.channel.closeFuture.whenComplete { _ in metrics.connectionClosed(kind) }
        context.fireChannelRead(wrapInboundOut(buffered))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

extension ProtocolDetector {
    typealias InboundOut = ByteBuffer
}
