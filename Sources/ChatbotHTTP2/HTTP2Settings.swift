/// The settings a session announces and the limits it enforces.
package struct HTTP2Settings: Sendable, Hashable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS announced to the peer.
    package var maxConcurrentStreams: UInt32 = 1024
    /// SETTINGS_INITIAL_WINDOW_SIZE: how much a peer may send on one stream before we consume it.
    package var initialWindowSize: UInt32 = 1 << 20
    /// The connection-level receive window.
    package var connectionWindowSize: Int32 = 16 << 20
    /// SETTINGS_MAX_FRAME_SIZE announced to the peer.
    package var maxFrameSize: UInt32 = 1 << 14
    /// SETTINGS_MAX_HEADER_LIST_SIZE announced to the peer.
    package var maxHeaderListSize: UInt32 = 16 << 10

    package init() {}
}
