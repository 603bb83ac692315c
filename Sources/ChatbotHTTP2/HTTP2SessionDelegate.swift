/// What a session reports while it processes received bytes.
///
/// Every call happens inside ``HTTP2Session/receive(_:)`` or ``HTTP2Session/flush(into:)``, on the
/// session's owner. Byte views are valid only for the length of the call. A delegate may submit
/// frames on the session from these calls, but must not close the connection from them; it
/// sets a flag and acts after `receive` returns.
package protocol HTTP2SessionDelegate: AnyObject {
    /// A HEADERS frame begins on `stream`; ``session(_:header:value:stream:)`` calls follow.
    func session(_ session: HTTP2Session, beginHeadersOn stream: Int32)
    /// One header field of the block being received.
    func session(
        _ session: HTTP2Session,
        header name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        stream: Int32
    )
    /// The header block being received on `stream` has passed SETTINGS_MAX_HEADER_LIST_SIZE
    /// (decoded); none of its further fields are reported. The block still ends with
    /// ``session(_:endHeadersOn:endStream:)``, where the owner refuses the request.
    func session(_ session: HTTP2Session, headerListTooLargeOn stream: Int32)
    /// The header block on `stream` is complete; `endStream` when the peer sends nothing more.
    func session(_ session: HTTP2Session, endHeadersOn stream: Int32, endStream: Bool)
    /// Body bytes on `stream`. They count against the stream's window until ``HTTP2Session/consume(_:on:)``.
    func session(_ session: HTTP2Session, data: UnsafeRawBufferPointer, stream: Int32)
    /// The peer ended its side of `stream` with a DATA frame.
    func session(_ session: HTTP2Session, endStreamOn stream: Int32)
    /// `stream` is closed (normally, or reset with `errorCode`); forget it.
    func session(_ session: HTTP2Session, closed stream: Int32, errorCode: UInt32)
    /// The peer acknowledged a PING sent with ``HTTP2Session/ping()``.
    func sessionReceivedPingAck(_ session: HTTP2Session)
    /// The peer sent GOAWAY.
    func session(_ session: HTTP2Session, receivedGoAway lastStreamID: Int32, errorCode: UInt32)
    /// Room opened up on `stream`: every queued byte of it has been handed to the peer.
    func session(_ session: HTTP2Session, drained stream: Int32)
}

extension HTTP2SessionDelegate {
    package func sessionReceivedPingAck(_ session: HTTP2Session) {}
    package func session(_ session: HTTP2Session, receivedGoAway lastStreamID: Int32, errorCode: UInt32) {}
    package func session(_ session: HTTP2Session, drained stream: Int32) {}
}
