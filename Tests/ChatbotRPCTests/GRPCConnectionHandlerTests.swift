import ChatbotHTTP2
import ChatbotProto
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import ChatbotRPC

/// ``GRPCConnectionHandler`` in memory: an nghttp2 client session piped into an `EmbeddedChannel`
/// that holds the handler, the clock the embedded loop's, so timeouts are exact and nothing
/// touches a socket.
@Suite struct GRPCConnectionHandlerTests {
    /// What the client saw on each stream, and of the connection.
    final class Client: HTTP2SessionDelegate {
        struct Stream {
            var headers: [[(String, String)]] = []
            var data: [UInt8] = []
            var closed: UInt32?

            func field(_ name: String) -> String? {
                headers.joined().first { $0.0 == name }?.1
            }
        }

        var streams: [Int32: Stream] = [:]
        var goAway: (lastStream: Int32, errorCode: UInt32)?
        private var block: [(String, String)] = []

        func session(_ session: HTTP2Session, beginHeadersOn stream: Int32) { block = [] }
        func session(
            _ session: HTTP2Session,
            header name: UnsafeRawBufferPointer,
            value: UnsafeRawBufferPointer,
            stream: Int32
        ) {
            block.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        func session(_ session: HTTP2Session, headerListTooLargeOn stream: Int32) {}
        func session(_ session: HTTP2Session, endHeadersOn stream: Int32, endStream: Bool) {
            streams[stream, default: Stream()].headers.append(block)
        }
        func session(_ session: HTTP2Session, data: UnsafeRawBufferPointer, stream: Int32) {
            streams[stream, default: Stream()].data += data
            session.consume(data.count, on: stream)
        }
        func session(_ session: HTTP2Session, endStreamOn stream: Int32) {}
        func session(_ session: HTTP2Session, closed stream: Int32, errorCode: UInt32) {
            streams[stream, default: Stream()].closed = errorCode
        }
        func session(_ session: HTTP2Session, receivedGoAway lastStreamID: Int32, errorCode: UInt32) {
            goAway = (lastStreamID, errorCode)
        }
    }

    /// A connection: the handler in its channel and the client session talking to it.
    struct Connection {
        let channel = EmbeddedChannel()
        let client = Client()
        let session: HTTP2Session

        init(configure: (inout GRPCConnectionHandler.Configuration) -> Void = { _ in }) throws {
            var configuration = GRPCConnectionHandler.Configuration()
            configure(&configuration)
            let router = RPCRouter(services: [HealthService()])
            let routes = HTTPRoutes([
                HTTPRoute([.GET], "/healthz") { _ in .done(HTTPRouteResponse(.ok, text: "ok\n")) },
                HTTPRoute([.POST], "/echo/{token?}") { request in
                    .done(HTTPRouteResponse(.ok, text: "\(request["token"]):\(String(buffer: request.body))"))
                },
            ])
            let handler = GRPCConnectionHandler(
                router: router,
                httpRoutes: routes,
                configuration: configuration,
                metrics: ServerMetrics(router: router, httpRoutes: routes),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            )
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            session = try HTTP2Session(role: .client, settings: HTTP2Settings(), delegate: client)
            try pump()
        }

        /// Closes the channel, so that the handler lets go of itself (its loop-bound reference).
        func close() {
            _ = try? channel.finish(acceptAlreadyClosed: true)
        }

        /// Moves bytes both ways until neither side has anything to say.
        func pump() throws {
            for _ in 0..<100 {
                var out = channel.allocator.buffer(capacity: 0)
                try session.flush(into: &out)
                if out.readableBytes > 0, channel.isActive { try channel.writeInbound(out) }
                channel.embeddedEventLoop.run()
                var moved = out.readableBytes > 0
                while let reply = try channel.readOutbound(as: ByteBuffer.self) {
                    moved = true
                    try reply.withUnsafeReadableBytes { try session.receive($0) }
                }
                if !moved { return }
            }
            Issue.record("the connection did not settle")
        }

        /// Opens a request with `headers` and sends `body` (nil: the headers end the stream).
        func request(_ headers: [(String, String)], body: [UInt8]? = nil, end: Bool = true) throws -> Int32 {
            let stream = try session.request(headers: HeaderBlock(headers), endStream: body == nil)
            if let body {
                session.send(channel.allocator.buffer(bytes: body), on: stream)
                if end { session.finish(stream) }
            }
            try pump()
            return stream
        }

        func grpc(_ path: String) -> [(String, String)] {
            [
                (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "t"),
                ("content-type", "application/grpc"), ("te", "trailers"),
            ]
        }

        func plain(_ method: String, _ path: String) -> [(String, String)] {
            [(":method", method), (":scheme", "http"), (":path", path), (":authority", "t")]
        }
    }

    static func framed(_ message: some ProtoMessage) -> [UInt8] {
        var buffer = GRPCFraming.frame(message, allocator: ByteBufferAllocator())
        return buffer.readBytes(length: buffer.readableBytes)!
    }

    @Test func aUnaryCallIsAnsweredWithItsMessageAndStatusOK() throws {
        let connection = try Connection()
        defer { connection.close() }
        let stream = try connection.request(
            connection.grpc("/grpc.health.v1.Health/Check"),
            body: Self.framed(GrpcHealthV1.HealthCheckRequest(service: ""))
        )
        let seen = try #require(connection.client.streams[stream])
        #expect(seen.headers.first?.first { $0.0 == ":status" }?.1 == "200")
        #expect(seen.field("content-type") == "application/grpc")
        #expect(seen.headers.last?.contains { $0 == ("grpc-status", "0") } == true)
        #expect(seen.data.count > 5 && seen.data[0] == 0)
        let response = try GRPCFraming.decode(
            ByteBuffer(bytes: seen.data.dropFirst(5)),
            as: GrpcHealthV1.HealthCheckResponse.self
        )
        #expect(response.status == .serving)
        #expect(seen.closed == 0)
    }

    @Test func anUnknownMethodIsUnimplementedAndAPlainPathIsPlainHTTP() throws {
        let connection = try Connection()
        defer { connection.close() }
        let unknown = try connection.request(
            connection.grpc("/no.Such/Method"),
            body: Self.framed(GrpcHealthV1.HealthCheckRequest())
        )
        #expect(connection.client.streams[unknown]?.field("grpc-status") == "12")
        let health = try connection.request(connection.plain("GET", "/healthz"))
        #expect(connection.client.streams[health]?.field(":status") == "200")
        #expect(connection.client.streams[health]?.data == Array("ok\n".utf8))
        let echo = try connection.request(connection.plain("POST", "/echo/T"), body: Array("body".utf8))
        #expect(connection.client.streams[echo]?.data == Array("T:body".utf8))
        let wrong = try connection.request(connection.plain("GET", "/echo/T"))
        #expect(connection.client.streams[wrong]?.field(":status") == "405")
        #expect(connection.client.streams[wrong]?.field("allow") == "POST")
    }

    @Test func aHeaderListOverTheLimitIs431ForPlainAndResourceExhaustedForGRPC() throws {
        let connection = try Connection { $0.http2.maxHeaderListSize = 4096 }
        defer { connection.close() }
        let big = ("x-big", String(repeating: "a", count: 5000))
        let plain = try connection.request(connection.plain("GET", "/healthz") + [big])
        #expect(connection.client.streams[plain]?.field(":status") == "431")
        let call = try connection.request(
            connection.grpc("/grpc.health.v1.Health/Check") + [big],
            body: Self.framed(GrpcHealthV1.HealthCheckRequest())
        )
        #expect(connection.client.streams[call]?.field("grpc-status") == "8")
        // The connection still serves.
        let after = try connection.request(connection.plain("GET", "/healthz"))
        #expect(connection.client.streams[after]?.field(":status") == "200")
    }

    @Test func aMessageThatStopsArrivingTimesOutAfterTheRequestTimeout() throws {
        let connection = try Connection { $0.requestTimeout = .seconds(3) }
        defer { connection.close() }
        let framed = Self.framed(GrpcHealthV1.HealthCheckRequest(service: "svc"))
        let stream = try connection.request(
            connection.grpc("/grpc.health.v1.Health/Check"),
            body: Array(framed.dropLast()),
            end: false
        )
        // As for deadlines (below), the wall-clock time of the read comes off: a margin.
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(2500))
        try connection.pump()
        #expect(connection.client.streams[stream]?.field("grpc-status") == nil)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        try connection.pump()
        #expect(connection.client.streams[stream]?.field("grpc-status") == "4")
        #expect(connection.client.streams[stream]?.field("grpc-message")?.contains("3000 ms") == true)
    }

    @Test func aCallStillRunningAtItsDeadlineEndsDeadlineExceeded() throws {
        let connection = try Connection()
        defer { connection.close() }
        // Watch answers with the status and waits for changes: only the deadline ends it.
        let stream = try connection.request(
            connection.grpc("/grpc.health.v1.Health/Watch") + [("grpc-timeout", "1500m")],
            body: Self.framed(GrpcHealthV1.HealthCheckRequest(service: ""))
        )
        // The deadline runs from the HEADERS frame on the wall clock, the timer on the loop's:
        // the read itself (slow under ASan) comes off the time left, so check with a margin.
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1000))
        try connection.pump()
        #expect(connection.client.streams[stream]?.field("grpc-status") == nil)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        try connection.pump()
        #expect(connection.client.streams[stream]?.field("grpc-status") == "4")
    }

    @Test func anIdleConnectionGetsAGracefulGoAwayAndCloses() throws {
        let connection = try Connection { $0.idleTimeout = .seconds(60) }
        defer { connection.close() }
        _ = try connection.request(connection.plain("GET", "/healthz"))
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        try connection.pump()
        #expect(connection.client.goAway == nil)
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        try connection.pump()
        // First the notice (the largest stream id), one round trip later the last stream taken.
        #expect(connection.client.goAway?.errorCode == 0)
        #expect(connection.client.goAway?.lastStream == Int32.max)
        // (Read as bytes: nghttp2's client reads nothing more once a GOAWAY came with no stream open.)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(50))
        var frame = try #require(try connection.channel.readOutbound(as: ByteBuffer.self))
        // Length 8, type GOAWAY (7), flags 0, stream 0; last stream 1, NO_ERROR.
        #expect(frame.readBytes(length: frame.readableBytes) == [0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
        // No calls open: the connection closes.
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        try connection.pump()
        #expect(!connection.channel.isActive)
    }

    @Test func dataOnAClosedStreamIsAConnectionErrorStreamClosed() throws {
        let connection = try Connection()
        defer { connection.close() }
        let stream = try connection.request(connection.plain("GET", "/healthz"))
        #expect(connection.client.streams[stream]?.closed == 0)
        // A DATA frame on the closed stream 1, written by hand: length 1, type 0, flags 0.
        try connection.channel.writeInbound(
            connection.channel.allocator.buffer(bytes: [0, 0, 1, 0, 0, 0, 0, 0, 1, 0x61])
        )
        try connection.pump()
        #expect(connection.client.goAway?.errorCode == 5)  // STREAM_CLOSED
    }
}
