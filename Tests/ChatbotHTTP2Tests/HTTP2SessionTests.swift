import ChatbotHTTP2
import NIOCore
import Testing

/// Records what a session reports.
final class Recorder: HTTP2SessionDelegate {
    struct Stream {
        var headers: [(String, String)] = []
        var trailers: [(String, String)] = []
        var body: [UInt8] = []
        var ended = false
        var closedWith: UInt32?
        var headerBlocks = 0
        var headerListTooLarge = false
    }

    var streams: [Int32: Stream] = [:]
    var drainedStreams: [Int32] = []
    var goAway: (Int32, UInt32)?
    /// What to do when headers arrive (a server answering, for example).
    var onHeaders: ((HTTP2Session, Int32, Bool) -> Void)?

    func session(_ session: HTTP2Session, beginHeadersOn stream: Int32) {
        streams[stream, default: Stream()].headerBlocks += 1
    }

    func session(
        _ session: HTTP2Session,
        header name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        stream: Int32
    ) {
        let field = (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        if streams[stream]!.headerBlocks > 1 {
            streams[stream]!.trailers.append(field)
        } else {
            streams[stream]!.headers.append(field)
        }
    }

    func session(_ session: HTTP2Session, headerListTooLargeOn stream: Int32) {
        streams[stream]!.headerListTooLarge = true
    }

    func session(_ session: HTTP2Session, endHeadersOn stream: Int32, endStream: Bool) {
        if endStream { streams[stream]!.ended = true }
        onHeaders?(session, stream, endStream)
    }

    func session(_ session: HTTP2Session, data: UnsafeRawBufferPointer, stream: Int32) {
        streams[stream, default: Stream()].body += data
    }

    func session(_ session: HTTP2Session, endStreamOn stream: Int32) {
        streams[stream]!.ended = true
    }

    func session(_ session: HTTP2Session, closed stream: Int32, errorCode: UInt32) {
        streams[stream, default: Stream()].closedWith = errorCode
    }

    func session(_ session: HTTP2Session, receivedGoAway lastStreamID: Int32, errorCode: UInt32) {
        goAway = (lastStreamID, errorCode)
    }

    func session(_ session: HTTP2Session, drained stream: Int32) {
        drainedStreams.append(stream)
    }
}

/// A client and a server session connected in memory.
final class Pipe {
    let clientRecorder = Recorder()
    let serverRecorder = Recorder()
    let client: HTTP2Session
    let server: HTTP2Session

    init(serverSettings: HTTP2Settings = HTTP2Settings(), clientSettings: HTTP2Settings = HTTP2Settings()) throws {
        client = try HTTP2Session(role: .client, settings: clientSettings, delegate: clientRecorder)
        server = try HTTP2Session(role: .server, settings: serverSettings, delegate: serverRecorder)
        try pump()  // exchange SETTINGS, so that the windows below are the announced ones
    }

    /// Moves bytes both ways until neither side has anything to send.
    func pump() throws {
        for _ in 0..<100 {
            var toServer = ByteBuffer()
            try client.flush(into: &toServer)
            try toServer.withUnsafeReadableBytes { try server.receive($0) }
            var toClient = ByteBuffer()
            try server.flush(into: &toClient)
            try toClient.withUnsafeReadableBytes { try client.receive($0) }
            if toServer.readableBytes == 0 && toClient.readableBytes == 0 { return }
        }
        Issue.record("the sessions kept talking")
    }
}

let requestHeaders = HeaderBlock([
    (":method", "POST"), (":scheme", "http"), (":path", "/chatbot.v1.Chatbot/Sign"), (":authority", "localhost"),
    ("content-type", "application/grpc"), ("te", "trailers"),
])

@Suite struct HTTP2SessionTests {
    @Test func requestAndResponseWithTrailers() throws {
        let pipe = try Pipe()
        pipe.serverRecorder.onHeaders = { session, stream, _ in
            try! session.respond(on: stream, headers: HeaderBlock([(":status", "200")]), endStream: false)
            session.send(ByteBuffer(bytes: [1, 2, 3]), on: stream)
            session.send(ByteBuffer(bytes: [4]), on: stream)
            session.finish(stream, trailers: HeaderBlock([("grpc-status", "0")]))
        }
        let stream = try pipe.client.request(headers: requestHeaders, endStream: false)
        pipe.client.send(ByteBuffer(bytes: Array(repeating: 7, count: 40_000)), on: stream)
        pipe.client.finish(stream)
        try pipe.pump()

        let received = try #require(pipe.serverRecorder.streams[stream])
        #expect(received.headers.contains { $0 == (":path", "/chatbot.v1.Chatbot/Sign") })
        #expect(received.body == Array(repeating: 7, count: 40_000))  // split over several DATA frames
        #expect(received.ended)
        let answer = try #require(pipe.clientRecorder.streams[stream])
        #expect(answer.headers.map(\.0) == [":status"])
        #expect(answer.body == [1, 2, 3, 4])
        #expect(answer.trailers.map(\.0) == ["grpc-status"])
        #expect(answer.closedWith == 0)
    }

    @Test func trailersOnlyResponse() throws {
        let pipe = try Pipe()
        pipe.serverRecorder.onHeaders = { session, stream, _ in
            try! session.respond(
                on: stream,
                headers: HeaderBlock([(":status", "200"), ("grpc-status", "12")]),
                endStream: true
            )
        }
        let stream = try pipe.client.request(headers: requestHeaders, endStream: true)
        try pipe.pump()
        let answer = try #require(pipe.clientRecorder.streams[stream])
        #expect(answer.headers.contains { $0 == ("grpc-status", "12") })
        #expect(answer.ended)
    }

    @Test func bodiesWaitForData() throws {
        // A response started with nothing queued is deferred, and resumes when data comes.
        let pipe = try Pipe()
        var open: Int32?
        pipe.serverRecorder.onHeaders = { session, stream, _ in
            try! session.respond(on: stream, headers: HeaderBlock([(":status", "200")]), endStream: false)
            open = stream
        }
        let stream = try pipe.client.request(headers: requestHeaders, endStream: true)
        try pipe.pump()
        #expect(pipe.clientRecorder.streams[stream]?.body == [])
        pipe.server.send(ByteBuffer(bytes: [9, 9]), on: try #require(open))
        try pipe.pump()
        #expect(pipe.clientRecorder.streams[stream]?.body == [9, 9])
        pipe.server.finish(stream)
        try pipe.pump()
        #expect(pipe.clientRecorder.streams[stream]?.ended == true)
    }

    @Test func unconsumedDataStopsThePeerAtTheWindow() throws {
        var settings = HTTP2Settings()
        settings.initialWindowSize = 1000
        let pipe = try Pipe(serverSettings: settings)
        let stream = try pipe.client.request(headers: requestHeaders, endStream: false)
        pipe.client.send(ByteBuffer(bytes: Array(repeating: 1, count: 5000)), on: stream)
        try pipe.pump()
        // The server has not consumed anything: the client may send only its window.
        #expect(pipe.serverRecorder.streams[stream]?.body.count == 1000)
        #expect(pipe.client.queuedBytes(on: stream) == 4000)
        pipe.server.consume(1000, on: stream)
        try pipe.pump()
        #expect(pipe.serverRecorder.streams[stream]?.body.count == 2000)
    }

    @Test func aSlowReaderHoldsBackOnlyItsStream() throws {
        var clientSettings = HTTP2Settings()
        clientSettings.initialWindowSize = 65_535
        let pipe = try Pipe(clientSettings: clientSettings)
        var streams: [Int32] = []
        pipe.serverRecorder.onHeaders = { session, stream, _ in
            try! session.respond(on: stream, headers: HeaderBlock([(":status", "200")]), endStream: false)
            session.send(ByteBuffer(bytes: Array(repeating: 2, count: 200_000)), on: stream)
            streams.append(stream)
        }
        let first = try pipe.client.request(headers: requestHeaders, endStream: true)
        try pipe.pump()
        // The client never consumed: the server keeps what exceeds the client's window queued.
        #expect(pipe.clientRecorder.streams[first]?.body.count == 65_535)
        #expect(pipe.server.queuedBytes(on: first) == 200_000 - 65_535)
        pipe.client.consume(65_535, on: first)
        try pipe.pump()
        #expect(pipe.clientRecorder.streams[first]!.body.count > 65_535)
    }

    @Test func resetClosesTheStreamOnBothSides() throws {
        let pipe = try Pipe()
        let stream = try pipe.client.request(headers: requestHeaders, endStream: false)
        try pipe.pump()
        pipe.client.reset(stream, errorCode: 8)
        try pipe.pump()
        #expect(pipe.serverRecorder.streams[stream]?.closedWith == 8)
    }

    @Test func gracefulShutdownSendsGoAway() throws {
        let pipe = try Pipe()
        let stream = try pipe.client.request(headers: requestHeaders, endStream: true)
        try pipe.pump()
        pipe.server.goAway()
        try pipe.pump()
        #expect(pipe.clientRecorder.goAway?.0 == stream)
        #expect(pipe.clientRecorder.goAway?.1 == 0)
    }

    @Test(arguments: [
        Array("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".utf8),
        Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        [UInt8](repeating: 0, count: 64),
    ])
    func garbageIsAProtocolError(bytes: [UInt8]) throws {
        let server = try HTTP2Session(role: .server, settings: HTTP2Settings(), delegate: Recorder())
        #expect(throws: HTTP2Error.self) { try bytes.withUnsafeBytes { try server.receive($0) } }
    }
}
