import NIOCore
import Testing

@testable import ChatbotHTTP2

/// A raw frame: the 9-byte head and `payload`.
private func frame(type: UInt8, flags: UInt8 = 0, stream: Int32, _ payload: [UInt8] = []) -> [UInt8] {
    let n = payload.count
    let head: [UInt8] = [
        UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff), type, flags,
        UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff),
    ]
    return head + payload
}

private let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + frame(type: 0x4, stream: 0)
/// HPACK: :method POST, :scheme http, :path /, :authority x (literal without indexing).
private let requestBlock: [UInt8] = [0x83, 0x86, 0x84, 0x01, 0x01, UInt8(ascii: "x")]
private let endStream: UInt8 = 0x1
private let endHeaders: UInt8 = 0x4

/// The GOAWAY error code among the frames in `bytes`, if there is a GOAWAY.
private func goAwayCode(_ bytes: ByteBuffer) -> UInt32? {
    var bytes = bytes
    while let head = bytes.readBytes(length: 9) {
        let length = Int(head[0]) << 16 | Int(head[1]) << 8 | Int(head[2])
        guard let payload = bytes.readBytes(length: length) else { return nil }
        if head[3] == 0x7 { return payload[4...7].reduce(0) { $0 << 8 | UInt32($1) } }
    }
    return nil
}

/// The streams reset with RST_STREAM among the frames in `bytes`, and their codes.
private func resets(_ bytes: ByteBuffer) -> [(Int32, UInt32)] {
    var bytes = bytes
    var found: [(Int32, UInt32)] = []
    while let head = bytes.readBytes(length: 9) {
        let length = Int(head[0]) << 16 | Int(head[1]) << 8 | Int(head[2])
        guard let payload = bytes.readBytes(length: length) else { break }
        if head[3] == 0x3 {
            let stream = head[5...8].reduce(Int32(0)) { $0 << 8 | Int32($1) }
            found.append((stream, payload.reduce(0) { $0 << 8 | UInt32($1) }))
        }
    }
    return found
}

@Suite struct HTTP2SessionLimitsTests {
    @Test func theDecodedHeaderListIsLimited() throws {
        var settings = HTTP2Settings()
        settings.maxHeaderListSize = 4096
        let pipe = try Pipe(serverSettings: settings)
        let big = HeaderBlock(
            [(":method", "POST"), (":scheme", "http"), (":path", "/x"), (":authority", "a")]
                + (0..<10).map { ("x-filler-\($0)", String(repeating: "v", count: 500)) }
        )
        let stream = try pipe.client.request(headers: big, endStream: true)
        try pipe.pump()
        let received = try #require(pipe.serverRecorder.streams[stream])
        #expect(received.headerListTooLarge)
        // Fields up to the limit only: 4 pseudo-headers and 6 fillers of 32 + 10 + 500 octets.
        #expect(received.headers.count < 12)
        #expect(received.ended)

        let small = try pipe.client.request(headers: requestHeaders, endStream: true)
        try pipe.pump()
        #expect(pipe.serverRecorder.streams[small]?.headerListTooLarge == false)
    }

    @Test func repeatedReferencesToOneTableEntryCountEveryTime() throws {
        var settings = HTTP2Settings()
        settings.maxHeaderListSize = 16 << 10
        let recorder = Recorder()
        let server = try HTTP2Session(role: .server, settings: settings, delegate: recorder)
        // A 3,000-octet literal indexed into the dynamic table (index 62), then 1,000 one-byte
        // references to it: 6 kB on the wire, 3 MB decoded.
        let name = Array("x-bomb".utf8)
        let value = [UInt8](repeating: UInt8(ascii: "b"), count: 3000)
        var block = requestBlock + [0x40, UInt8(name.count)] + name + [0x7f, 0xb9, 0x16] + value
        block += [UInt8](repeating: 0xbe, count: 1000)
        let bytes = preface + frame(type: 0x1, flags: endStream | endHeaders, stream: 1, block)
        try bytes.withUnsafeBytes { try server.receive($0) }
        let received = try #require(recorder.streams[1])
        #expect(received.headerListTooLarge)
        #expect(received.headers.count <= 10)  // 4 pseudo-headers, the literal and 4 references of 3,038 octets
    }

    @Test func dataOnAStreamThatClosedIsAConnectionError() throws {
        let recorder = Recorder()
        recorder.onHeaders = { session, stream, _ in
            try! session.respond(on: stream, headers: HeaderBlock([(":status", "200")]), endStream: true)
        }
        let server = try HTTP2Session(role: .server, settings: HTTP2Settings(), delegate: recorder)
        let request = preface + frame(type: 0x1, flags: endStream | endHeaders, stream: 1, requestBlock)
        try request.withUnsafeBytes { try server.receive($0) }
        var out = ByteBuffer()
        try server.flush(into: &out)
        #expect(recorder.streams[1]?.closedWith == 0)
        let late = frame(type: 0x0, flags: endStream, stream: 1, [0x42])
        #expect(throws: HTTP2Error.self) { try late.withUnsafeBytes { try server.receive($0) } }
        var goAway = ByteBuffer()
        try server.flush(into: &goAway)
        #expect(goAwayCode(goAway) == 0x5)  // STREAM_CLOSED
        #expect(recorder.streams[1]?.body == [])
    }

    @Test func headersBelowAnOpenedStreamIsAConnectionError() throws {
        let recorder = Recorder()
        let server = try HTTP2Session(role: .server, settings: HTTP2Settings(), delegate: recorder)
        let bytes =
            preface + frame(type: 0x1, flags: endHeaders, stream: 7, requestBlock)
            + frame(type: 0x1, flags: endHeaders, stream: 5, requestBlock)
        #expect(throws: HTTP2Error.self) { try bytes.withUnsafeBytes { try server.receive($0) } }
        var goAway = ByteBuffer()
        try server.flush(into: &goAway)
        #expect(goAwayCode(goAway) == 0x1)  // PROTOCOL_ERROR
        #expect(recorder.streams[5] == nil)
        #expect(recorder.streams[7] != nil)
    }

    @Test func framesOnAStreamThisSideResetAreIgnored() throws {
        let recorder = Recorder()
        recorder.onHeaders = { session, stream, _ in session.reset(stream, errorCode: 0x8) }
        let server = try HTTP2Session(role: .server, settings: HTTP2Settings(), delegate: recorder)
        let request = preface + frame(type: 0x1, flags: endHeaders, stream: 1, requestBlock)
        try request.withUnsafeBytes { try server.receive($0) }
        var out = ByteBuffer()
        try server.flush(into: &out)
        // The client had sent these before it saw the reset.
        let inFlight = frame(type: 0x0, stream: 1, [1, 2]) + frame(type: 0x0, flags: endStream, stream: 1, [3])
        try inFlight.withUnsafeBytes { try server.receive($0) }
        var after = ByteBuffer()
        try server.flush(into: &after)
        #expect(goAwayCode(after) == nil)
    }

    @Test func framesAfterThePeersOwnResetAreAStreamError() throws {
        let recorder = Recorder()
        let server = try HTTP2Session(role: .server, settings: HTTP2Settings(), delegate: recorder)
        let bytes =
            preface + frame(type: 0x1, flags: endHeaders, stream: 1, requestBlock)
            + frame(type: 0x3, stream: 1, [0, 0, 0, 0x8]) + frame(type: 0x0, stream: 1, [1])
        try bytes.withUnsafeBytes { try server.receive($0) }
        var out = ByteBuffer()
        try server.flush(into: &out)
        #expect(goAwayCode(out) == nil)
        #expect(resets(out).contains { $0 == (1, 0x5) })  // STREAM_CLOSED
    }

    @Test func theScannerFindsTheSameHeadsWhateverTheChunks() {
        let bytes =
            preface + frame(type: 0x1, flags: endHeaders, stream: 1, requestBlock)
            + frame(type: 0x0, stream: 1, [UInt8](repeating: 7, count: 300))
            + frame(type: 0x8, stream: 0, [0, 0, 1, 0])
        func heads(chunk: Int) -> [InboundFrameScanner.FrameHead] {
            var scanner = InboundFrameScanner()
            var found: [InboundFrameScanner.FrameHead] = []
            bytes.withUnsafeBytes { all in
                var start = 0
                while start < all.count {
                    let piece = UnsafeRawBufferPointer(rebasing: all[start..<min(start + chunk, all.count)])
                    var offset = 0
                    while let next = scanner.next(in: piece, from: &offset) { found.append(next.head) }
                    start += chunk
                }
            }
            return found
        }
        let whole = heads(chunk: bytes.count)
        #expect(whole.map(\.type) == [0x4, 0x1, 0x0, 0x8])
        #expect(whole.map(\.stream) == [0, 1, 1, 0])
        for chunk in [1, 2, 5, 9, 10, 33] { #expect(heads(chunk: chunk) == whole) }
    }
}
