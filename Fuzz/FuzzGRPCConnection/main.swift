/// libFuzzer target: a whole server connection, ``GRPCConnectionHandler`` in an `EmbeddedChannel`
/// (nghttp2, framing, header checks, deadlines, unary calls and plain HTTP/2 requests).
///
/// The first byte holds options: bit 0 sends a valid client preface and SETTINGS before the input;
/// bit 1 triggers a graceful shutdown after the first chunk; bits 2 to 7 seed the chunk sizes.
/// Each chunk is one read; then the loop runs what the handler scheduled and the output is
/// dropped. At the end the clock moves on past every deadline and timeout, and the channel closes.
/// Handlers answer at once (no tasks), so everything stays on the embedded loop's thread.
internal import CChatbotFuzz
internal import ChatbotHTTP2
internal import ChatbotProto
internal import Glibc
internal import Logging
internal import NIOCore
internal import NIOEmbedded
internal import NIOHTTP1

@testable internal import ChatbotRPC

private let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

private struct Service: RPCService {
    var methods: [RPCMethod] {
        [
            .unary("/chatbot.v1.Chatbot/Sign") {
                (_: ChatbotV1.SignRequest, _) -> UnaryOutcome<ChatbotV1.SignResponse> in
                .done(.success(ChatbotV1.SignResponse()))
            },
            .unary("/chatbot.v1.Chatbot/Query") {
                (_: ChatbotV1.QueryRequest, _) -> UnaryOutcome<ChatbotV1.QueryResponse> in
                .done(.failure(RPCError(.notFound, "no such bot")))
            },
        ]
    }
}

private let router = RPCRouter(services: [Service()])
private let routes = HTTPRoutes([
    HTTPRoute([.GET], "/healthz") { _ in .done(HTTPRouteResponse(.ok, text: "ok\n")) },
    HTTPRoute([.POST], "/openapi/aibot/{token?}") { request in
        .done(HTTPRouteResponse(.ok, text: "\(request["token"]) \(request.query) \(request.body.readableBytes)\n"))
    },
    HTTPRoute([], "/openapi/{op}/{token?}", label: "/openapi/") { request in
        .done(HTTPRouteResponse(.ok, text: "\(request.head.method) \(request["op"]) \(request.body.readableBytes)\n"))
    },
])
private let metrics = ServerMetrics(router: router, httpRoutes: routes)
private let logger = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }
private let configuration: GRPCConnectionHandler.Configuration = {
    var configuration = GRPCConnectionHandler.Configuration()
    configuration.http2.maxConcurrentStreams = 16
    configuration.http2.initialWindowSize = 1 << 16
    configuration.maxReceiveMessageSize = 1 << 12
    configuration.maxQueuedBytesPerStream = 1 << 12
    configuration.maxPlainBodySize = 1 << 12
    return configuration
}()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let options = data[0]
    let channel = EmbeddedChannel()
    let handler = GRPCConnectionHandler(
        router: router,
        httpRoutes: routes,
        configuration: configuration,
        metrics: metrics,
        logger: logger
    )
    do {
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50051)).wait()
    } catch {
        fatalError("cannot set up the channel: \(error)")
    }
    func drain() {
        channel.embeddedEventLoop.run()
        while (try? channel.readOutbound(as: ByteBuffer.self)) ?? nil != nil {}
    }
    drain()
    var chunks: [ByteBuffer] = []
    if options & 1 != 0 { chunks.append(channel.allocator.buffer(bytes: preface)) }
    var seed = UInt32(options >> 2) &* 2_654_435_761 | 1
    var offset = 1
    while offset < size {
        seed = seed &* 1_103_515_245 &+ 12_345
        let pick = Int(seed >> 16)
        // Chunks of 1 to 64 bytes, or (one in four) everything left.
        let chunk = pick & 3 == 0 ? size - offset : min(1 + (pick >> 2) & 63, size - offset)
        chunks.append(channel.allocator.buffer(bytes: UnsafeRawBufferPointer(start: data + offset, count: chunk)))
        offset += chunk
    }
    for (i, chunk) in chunks.enumerated() {
        guard channel.isActive else { break }
        do {
            try channel.writeInbound(chunk)
        } catch {
            break
        }
        drain()
        if i == 0 && options & 2 != 0 {
            channel.pipeline.fireUserInboundEventTriggered(RPCServer.GracefulShutdownEvent())
            drain()
        }
    }
    channel.embeddedEventLoop.advanceTime(by: .seconds(60))
    drain()
    _ = try? channel.finish(acceptAlreadyClosed: true)
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
