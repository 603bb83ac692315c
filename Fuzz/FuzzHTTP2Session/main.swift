/// libFuzzer target: a server ``HTTP2Session`` (nghttp2 behind our callbacks) fed arbitrary bytes.
///
/// The first byte holds options: bit 0 sends a valid client preface and SETTINGS before the input
/// (else the input is the whole connection, preface included); bit 1 makes the delegate answer
/// every request with headers, a body and trailers, as a gRPC server does; bit 2 announces a
/// shutdown after the first chunk; bit 3 resets streams that send data; bits 4 to 7 seed the
/// chunk sizes. After every chunk the session is flushed until it has nothing to write, and the
/// output is dropped. The delegate only counts, so nothing grows with the input.
internal import CChatbotFuzz
internal import ChatbotHTTP2
internal import Glibc
internal import NIOCore

/// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", then an empty SETTINGS frame.
private let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

private let responseHeaders = HeaderBlock(
    [(":status", "200"), ("content-type", "application/grpc")],
    isStatic: true
)
private let trailers = HeaderBlock([("grpc-status", "0"), ("grpc-message", "")], isStatic: true)
private let body = ByteBuffer(bytes: [0, 0, 0, 0, 3, 0x0A, 0x01, 0x61] + [UInt8](repeating: 0x62, count: 300))

private final class Delegate: HTTP2SessionDelegate {
    var respond = false
    var resetOnData = false
    var events = 0

    func session(_ session: HTTP2Session, beginHeadersOn stream: Int32) { events &+= 1 }

    func session(
        _ session: HTTP2Session,
        header name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        stream: Int32
    ) {
        events &+= name.count &+ value.count
    }

    func session(_ session: HTTP2Session, headerListTooLargeOn stream: Int32) {}

    func session(_ session: HTTP2Session, endHeadersOn stream: Int32, endStream: Bool) {
        events &+= 1
        guard respond else { return }
        // A second block on a stream (trailers) is refused by nghttp2: that is part of the test.
        try? session.respond(on: stream, headers: responseHeaders, endStream: false)
        session.send(body, on: stream)
        if endStream { session.finish(stream, trailers: trailers) }
    }

    func session(_ session: HTTP2Session, data: UnsafeRawBufferPointer, stream: Int32) {
        events &+= data.count
        session.consume(data.count, on: stream)
        if resetOnData { session.reset(stream, errorCode: 0x8) }
    }

    func session(_ session: HTTP2Session, endStreamOn stream: Int32) {
        events &+= 1
        if respond { session.finish(stream, trailers: trailers) }
    }

    func session(_ session: HTTP2Session, closed stream: Int32, errorCode: UInt32) { events &+= 1 }

    func session(_ session: HTTP2Session, receivedGoAway lastStreamID: Int32, errorCode: UInt32) { events &+= 1 }

    func session(_ session: HTTP2Session, drained stream: Int32) { events &+= 1 }
}

/// Flushes until the session has nothing more to write (bounded, in case it never stops).
private func drain(_ session: HTTP2Session, _ output: inout ByteBuffer) -> Bool {
    for _ in 0..<64 {
        output.clear()
        do {
            try session.flush(into: &output)
        } catch {
            return false
        }
        if !session.wantsWrite { break }
    }
    return true
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let options = data[0]
    let delegate = Delegate()
    delegate.respond = options & 2 != 0
    delegate.resetOnData = options & 8 != 0
    var settings = HTTP2Settings()
    settings.maxConcurrentStreams = 16
    settings.initialWindowSize = 1 << 16
    guard let session = try? HTTP2Session(role: .server, settings: settings, delegate: delegate) else {
        fatalError("cannot create a server session")
    }
    var output = ByteBuffer()
    guard drain(session, &output) else { return 0 }
    if options & 1 != 0 {
        do {
            try preface.withUnsafeBytes { try session.receive($0) }
        } catch {
            fatalError("a valid client preface was refused: \(error)")
        }
        guard drain(session, &output) else { return 0 }
    }
    var seed = UInt32(options >> 4) &* 2_654_435_761 | 1
    var offset = 1
    var chunks = 0
    while offset < size {
        seed = seed &* 1_103_515_245 &+ 12_345
        let pick = Int(seed >> 16)
        // Chunks of 1 to 64 bytes, or (one in four) everything left.
        let chunk = pick & 3 == 0 ? size - offset : min(1 + (pick >> 2) & 63, size - offset)
        let failed: Bool
        do {
            try session.receive(UnsafeRawBufferPointer(start: data + offset, count: chunk))
            failed = false
        } catch {
            failed = true
        }
        offset += chunk
        chunks += 1
        if chunks == 1 && options & 4 != 0 { session.announceShutdown() }
        guard drain(session, &output) else { return 0 }
        if failed { break }
    }
    session.goAway()
    _ = drain(session, &output)
    withExtendedLifetime(delegate) {}
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
