internal import CNGHTTP2
package import NIOCore

/// One HTTP/2 connection's protocol state: an nghttp2 session driven by `mem_recv`/`mem_send`.
///
/// The owner feeds received bytes to ``receive(_:)`` and writes what ``flush(into:)`` produces;
/// nghttp2 reports frames to the ``HTTP2SessionDelegate`` meanwhile. Outgoing bodies are queued
/// per stream and handed to nghttp2 as the peer's flow-control windows allow, so a slow reader
/// holds back only its own stream; ``queuedBytes(on:)`` lets the owner apply backpressure.
/// Received body bytes count against the stream's window until the owner calls
/// ``consume(_:on:)`` (automatic window updates are off), so a slow consumer stops the peer.
///
/// Limits enforced on what the peer sends, beyond what nghttp2 checks itself:
/// - SETTINGS_MAX_HEADER_LIST_SIZE on the *decoded* size of every header block (RFC 9113 §6.5.2:
///   name + value + 32 octets per field), so a small HPACK block that references one big table
///   entry many times cannot make the owner hold more: past the limit the block's fields are no
///   longer reported, and ``HTTP2SessionDelegate/session(_:headerListTooLargeOn:)`` says so once.
/// - Frames on closed streams (server role; RFC 9113 §5.1 and §5.1.1), which nghttp2 ignores
///   because it keeps no closed streams: DATA on a stream that closed normally is a connection
///   error STREAM_CLOSED; HEADERS opening a stream numbered below one already opened is a
///   connection error PROTOCOL_ERROR; a frame on a stream the peer reset is a stream error
///   STREAM_CLOSED; a frame on a stream this side reset is ignored, as the peer may have sent it
///   before it saw the reset. Each frame's head is read off the byte stream (``InboundFrameScanner``)
///   and checked against nghttp2's open streams before nghttp2 processes the frame.
///
/// - Important: Not thread-safe: one owner (a channel's event loop) calls everything. The
///   delegate is held unowned: it must outlive the session (the owner is usually both).
package final class HTTP2Session {
    package enum Role: Sendable {
        case server
        case client
    }

    private let session: OpaquePointer
    private let role: Role
    private unowned(unsafe) let delegate: any HTTP2SessionDelegate
    private let maxHeaderListSize: Int
    /// The decoded size of the header block being received, and whether it passed the limit.
    private var headerListSize = 0
    private var headerListTooLarge = false
    /// Frame heads in the received bytes (server role), for the closed-stream checks.
    private var scanner = InboundFrameScanner()
    /// The highest stream id a HEADERS frame of the peer has named.
    private var highestPeerStream: Int32 = 0
    /// Streams recently reset by this side (or refused by nghttp2), and by the peer.
    private var resetHere = RecentStreams()
    private var resetByPeer = RecentStreams()
    /// Set when this session has ended the connection with GOAWAY for a protocol violation.
    private var violation: HTTP2Error?
    private var outbound: [Int32: OutboundStream] = [:]
    private var drained: [Int32] = []
    /// A failure inside a callback, rethrown once the nghttp2 call returns.
    private var callbackFailure: HTTP2Error?

    /// - Parameters:
    ///   - role: Server or client side of the connection.
    ///   - settings: What to announce to the peer.
    ///   - delegate: Receives the session's events; held unowned.
    package init(role: Role, settings: HTTP2Settings, delegate: any HTTP2SessionDelegate) throws(HTTP2Error) {
        self.delegate = delegate
        self.role = role
        self.maxHeaderListSize = Int(settings.maxHeaderListSize)
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw HTTP2Error(.sessionFailure, "nghttp2_session_callbacks_new failed")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, onInvalidFrame)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else {
            throw HTTP2Error(.sessionFailure, "nghttp2_option_new failed")
        }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_auto_window_update(option, 1)
        // Closed streams are kept only to place new ones in the priority tree; we do not use
        // priorities, and keeping them costs memory and work per stream.
        nghttp2_option_set_no_closed_streams(option, 1)

        var created: OpaquePointer?
        let rc =
            switch role {
            case .server: nghttp2_session_server_new2(&created, callbacks, nil, option)
            case .client: nghttp2_session_client_new2(&created, callbacks, nil, option)
            }
        guard rc == 0, let created else { throw HTTP2Error(.sessionFailure, "nghttp2 session: \(Self.describe(rc))") }
        session = created
        // Swift owns the session and deletes it in deinit, so the C side gets an unretained
        // reference; callbacks run only inside our own nghttp2 calls, while `self` is alive.
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())

        var entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: settings.maxConcurrentStreams
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: settings.initialWindowSize
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue),
                value: settings.maxFrameSize
            ),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: settings.maxHeaderListSize
            ),
        ]
        try check(
            nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &entries, entries.count),
            "submit SETTINGS"
        )
        try check(
            nghttp2_session_set_local_window_size(
                session,
                UInt8(NGHTTP2_FLAG_NONE.rawValue),
                0,
                settings.connectionWindowSize
            ),
            "set the connection window"
        )
    }

    deinit {
        nghttp2_session_del(session)
    }

    // MARK: Driving the session

    /// Processes received bytes, reporting frames to the delegate.
    /// - Throws: ``HTTP2Error`` when the peer broke the protocol or a callback failed; the
    ///   owner should then flush (a GOAWAY may be queued) and close the connection.
    package func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if let violation { throw violation }
        guard role == .server else { return try feed(base, bytes.count) }
        // Feed nghttp2 up to each frame that needs a look at nghttp2's streams first.
        var fed = 0
        var offset = 0
        while let found = scanner.next(in: bytes, from: &offset) {
            guard found.head.isDataOrHeaders, found.head.stream > 0, found.head.stream & 1 == 1 else { continue }
            let stream = found.head.stream
            if stream > highestPeerStream {
                if found.head.type == InboundFrameScanner.FrameHead.headers { highestPeerStream = stream }
                continue
            }
            try feed(base + fed, found.start - fed)
            fed = found.start
            if nghttp2_session_find_stream(session, stream) != nil || resetHere.contains(stream) { continue }
            if resetByPeer.contains(stream) {
                reset(stream, errorCode: NGHTTP2_STREAM_CLOSED.rawValue)
                continue
            }
            let (code, what) =
                found.head.type == InboundFrameScanner.FrameHead.headers
                ? (NGHTTP2_PROTOCOL_ERROR, "HEADERS on stream \(stream), below stream \(highestPeerStream)")
                : (NGHTTP2_STREAM_CLOSED, "DATA on closed stream \(stream)")
            _ = nghttp2_session_terminate_session(session, code.rawValue)
            let error = HTTP2Error(.protocolError, what)
            violation = error
            throw error
        }
        try feed(base + fed, bytes.count - fed)
    }

    private func feed(_ base: UnsafeRawPointer, _ count: Int) throws(HTTP2Error) {
        guard count > 0 else { return }
        let rc = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), count)
        if let failure = callbackFailure {
            callbackFailure = nil
            throw failure
        }
        if rc < 0 { throw HTTP2Error(.protocolError, Self.describe(Int32(truncatingIfNeeded: rc))) }
    }

    /// Appends every frame nghttp2 has ready to `buffer`; then tells the delegate which streams
    /// drained their queues (it may queue more, so call again while ``wantsWrite``).
    package func flush(into buffer: inout ByteBuffer) throws(HTTP2Error) {
        while true {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if let failure = callbackFailure {
                callbackFailure = nil
                throw failure
            }
            if n < 0 { throw HTTP2Error(.sessionFailure, Self.describe(Int32(truncatingIfNeeded: n))) }
            guard n > 0, let data else { break }
            // The bytes are valid only until the next nghttp2 call: copy them now.
            buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: n))
        }
        if !drained.isEmpty {
            let streams = drained
            drained.removeAll(keepingCapacity: true)
            for stream in streams { delegate.session(self, drained: stream) }
        }
    }

    /// Whether nghttp2 still wants to read from the peer.
    package var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }
    /// Whether nghttp2 has frames to send.
    package var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }
    /// Whether neither side wants anything more: the connection can be closed.
    package var isFinished: Bool { !wantsRead && !wantsWrite }

    // MARK: Streams

    /// Starts a response on `stream` with `headers`; the body follows through ``send(_:on:)``
    /// and ``finish(_:trailers:)``. With `endStream` the headers are the whole response.
    package func respond(on stream: Int32, headers: HeaderBlock, endStream: Bool) throws(HTTP2Error) {
        if endStream {
            let rc = headers.withFields { nghttp2_submit_response(session, stream, $0, $1, nil) }
            try check(rc, "submit a response")
            return
        }
        outbound[stream] = OutboundStream()
        var provider = Self.dataProvider
        let rc = headers.withFields { nghttp2_submit_response(session, stream, $0, $1, &provider) }
        try check(rc, "submit a response")
    }

    /// Sends an interim (1xx) response on `stream`, such as `100 Continue`; the final response
    /// follows with ``respond(on:headers:endStream:)``.
    package func inform(_ stream: Int32, headers: HeaderBlock) throws(HTTP2Error) {
        let rc = headers.withFields {
            nghttp2_submit_headers(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, nil, $0, $1, nil)
        }
        guard rc >= 0 else { throw HTTP2Error(.sessionFailure, "submit an interim response: \(Self.describe(rc))") }
    }

    /// Opens a request stream with `headers`; returns its id. Without `endStream` the body
    /// follows through ``send(_:on:)`` and ``finish(_:trailers:)``.
    package func request(headers: HeaderBlock, endStream: Bool) throws(HTTP2Error) -> Int32 {
        var provider = Self.dataProvider
        let stream =
            endStream
            ? headers.withFields { nghttp2_submit_request(session, nil, $0, $1, nil, nil) }
            : headers.withFields { nghttp2_submit_request(session, nil, $0, $1, &provider, nil) }
        guard stream > 0 else { throw HTTP2Error(.sessionFailure, "submit a request: \(Self.describe(stream))") }
        if !endStream { outbound[stream] = OutboundStream() }
        return stream
    }

    /// Queues body bytes on a stream opened by ``respond(on:headers:endStream:)`` or ``request(headers:endStream:)``.
    package func send(_ bytes: ByteBuffer, on stream: Int32) {
        guard let out = outbound[stream], !out.finished else { return }
        out.chunks.append(bytes)
        out.queuedBytes += bytes.readableBytes
        resume(stream, out)
    }

    /// Ends a stream's body: with `trailers`, they follow the data (gRPC status); without, the
    /// last DATA frame carries END_STREAM.
    package func finish(_ stream: Int32, trailers: HeaderBlock? = nil) {
        guard let out = outbound[stream], !out.finished else { return }
        out.finished = true
        out.trailers = trailers
        resume(stream, out)
    }

    /// Bytes queued on `stream` and not yet handed to the peer.
    package func queuedBytes(on stream: Int32) -> Int { outbound[stream]?.queuedBytes ?? 0 }

    /// Resets `stream` with an HTTP/2 error code (for example 0x8, CANCEL).
    package func reset(_ stream: Int32, errorCode: UInt32) {
        // Remembered in resetHere when nghttp2 closes the stream with this code.
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, errorCode)
    }

    /// Sends a PING; the peer's acknowledgement comes back as
    /// ``HTTP2SessionDelegate/sessionReceivedPingAck(_:)``.
    package func ping() {
        _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    /// Returns `count` received body bytes of `stream` to the peer's send window.
    package func consume(_ count: Int, on stream: Int32) {
        guard count > 0 else { return }
        // Fails only for a stream nghttp2 has already closed; then there is nothing to return.
        _ = nghttp2_session_consume(session, stream, count)
    }

    /// Announces a graceful shutdown (a GOAWAY with the last stream id at 2^31-1); follow with
    /// ``goAway()`` once in-flight streams finished, or after a grace period.
    package func announceShutdown() {
        _ = nghttp2_submit_shutdown_notice(session)
    }

    /// Sends GOAWAY (NO_ERROR) naming the last stream we processed. The streams up to it are still
    /// served, their requests still read; nghttp2 wants nothing more once they have closed.
    package func goAway() {
        _ = nghttp2_submit_goaway(
            session,
            UInt8(NGHTTP2_FLAG_NONE.rawValue),
            nghttp2_session_get_last_proc_stream_id(session),
            NGHTTP2_NO_ERROR.rawValue,
            nil,
            0
        )
    }

    // MARK: Callbacks (from nghttp2, inside receive/flush)

    fileprivate func fail(_ error: HTTP2Error) -> Int32 {
        if callbackFailure == nil { callbackFailure = error }
        return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
    }

    fileprivate func beginHeaders(_ frame: UnsafePointer<nghttp2_frame>) {
        headerListSize = 0
        headerListTooLarge = false
        delegate.session(self, beginHeadersOn: frame.pointee.hd.stream_id)
    }

    fileprivate func header(_ stream: Int32, _ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        guard !headerListTooLarge else { return }
        headerListSize += name.count + value.count + 32
        guard headerListSize <= maxHeaderListSize else {
            headerListTooLarge = true
            delegate.session(self, headerListTooLargeOn: stream)
            return
        }
        delegate.session(self, header: name, value: value, stream: stream)
    }

    /// nghttp2 found a stream error in a received frame and queued RST_STREAM for it.
    fileprivate func invalidFrame(_ frame: UnsafePointer<nghttp2_frame>) {
        let stream = frame.pointee.hd.stream_id
        if stream != 0 { resetHere.insert(stream) }
    }

    fileprivate func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
        let hd = frame.pointee.hd
        let endStream = hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            delegate.session(self, endHeadersOn: hd.stream_id, endStream: endStream)
        case NGHTTP2_DATA.rawValue:
            if endStream { delegate.session(self, endStreamOn: hd.stream_id) }
        case NGHTTP2_RST_STREAM.rawValue:
            resetByPeer.insert(hd.stream_id)
        case NGHTTP2_PING.rawValue:
            if hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 { delegate.sessionReceivedPingAck(self) }
        case NGHTTP2_GOAWAY.rawValue:
            delegate.session(
                self,
                receivedGoAway: frame.pointee.goaway.last_stream_id,
                errorCode: frame.pointee.goaway.error_code
            )
        default:
            break
        }
    }

    fileprivate func dataChunk(_ stream: Int32, _ bytes: UnsafeRawBufferPointer) {
        delegate.session(self, data: bytes, stream: stream)
    }

    fileprivate func streamClosed(_ stream: Int32, _ errorCode: UInt32) {
        outbound[stream] = nil
        if errorCode != 0 && !resetByPeer.contains(stream) { resetHere.insert(stream) }
        delegate.session(self, closed: stream, errorCode: errorCode)
    }

    /// nghttp2 asks for up to `length` body bytes of `stream`.
    fileprivate func read(
        _ stream: Int32,
        into destination: UnsafeMutablePointer<UInt8>,
        length: Int,
        flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard let out = outbound[stream] else {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return 0
        }
        var written = 0
        while written < length, !out.chunks.isEmpty {
            let n = min(length - written, out.chunks[out.chunks.startIndex].readableBytes)
            out.chunks[out.chunks.startIndex].withUnsafeReadableBytes { bytes in
                (destination + written).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
            }
            out.chunks[out.chunks.startIndex].moveReaderIndex(forwardBy: n)
            if out.chunks[out.chunks.startIndex].readableBytes == 0 { out.chunks.removeFirst() }
            written += n
        }
        out.queuedBytes -= written
        guard out.chunks.isEmpty else { return written }
        if out.finished {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            if let trailers = out.trailers {
                flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                // nghttp2 allows submitting trailers from inside the read callback.
                let rc = trailers.withFields { nghttp2_submit_trailer(session, stream, $0, $1) }
                if rc != 0 {
                    return Int(fail(HTTP2Error(.callbackFailure, "submit trailers: \(Self.describe(rc))")))
                }
            }
            return written
        }
        if written == 0 {
            out.deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        drained.append(stream)
        return written
    }

    private func resume(_ stream: Int32, _ out: OutboundStream) {
        if out.deferred {
            out.deferred = false
            _ = nghttp2_session_resume_data(session, stream)
        }
    }

    private func check(_ rc: Int32, _ what: String) throws(HTTP2Error) {
        guard rc == 0 else { throw HTTP2Error(.sessionFailure, "\(what): \(Self.describe(rc))") }
    }

    static func describe(_ rc: Int32) -> String {
        String(cString: nghttp2_strerror(rc))
    }

    /// The data provider of every stream with a body: it finds the stream's queue by id.
    private static let dataProvider = nghttp2_data_provider(
        source: nghttp2_data_source(ptr: nil),
        read_callback: { session, stream, buffer, length, flags, _, userData in
            let me = Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
            return me.read(stream, into: buffer!, length: length, flags: flags!)
        }
    )
}

/// The queued body of one stream.
private final class OutboundStream {
    var chunks: [ByteBuffer] = []
    var queuedBytes = 0
    var finished = false
    var trailers: HeaderBlock?
    /// The read callback returned NGHTTP2_ERR_DEFERRED; new data must resume the stream.
    var deferred = false
}

// The callbacks: non-capturing thunks that find the session through user_data
// (passUnretained: the Swift object owns the nghttp2 session and outlives every callback).

private func session(_ userData: UnsafeMutableRawPointer?) -> HTTP2Session {
    Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
}

private let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
    session(userData).beginHeaders(frame!)
    return 0
}

private let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
    session(userData).header(
        frame!.pointee.hd.stream_id,
        UnsafeRawBufferPointer(start: name, count: nameLength),
        UnsafeRawBufferPointer(start: value, count: valueLength)
    )
    return 0
}

private let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
    session(userData).frameReceived(frame!)
    return 0
}

private let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, stream, data, length, userData in
    session(userData).dataChunk(stream, UnsafeRawBufferPointer(start: data, count: length))
    return 0
}

private let onStreamClose: nghttp2_on_stream_close_callback = { _, stream, errorCode, userData in
    session(userData).streamClosed(stream, errorCode)
    return 0
}

private let onInvalidFrame: nghttp2_on_invalid_frame_recv_callback = { _, frame, _, userData in
    session(userData).invalidFrame(frame!)
    return 0
}
