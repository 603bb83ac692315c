package import NIOCore

/// What a handler knows about its call.
package struct RPCContext: Sendable {
    /// The method's path, `/package.Service/Method`.
    package var path: String
    /// When the client stops waiting, from `grpc-timeout`; nil when it sent none.
    package var deadline: NIODeadline?
    /// The event loop of the connection, for handlers that hop to it.
    package var eventLoop: any EventLoop
    /// The `authorization` metadata, if the client sent it (a call credential).
    package var authorization: String?
    /// The client's IP address (``peerAddress(of:)``), what per-client limits count under.
    package var peer: String

    package init(
        path: String,
        deadline: NIODeadline?,
        eventLoop: any EventLoop,
        authorization: String? = nil,
        peer: String = ""
    ) {
        self.path = path
        self.deadline = deadline
        self.eventLoop = eventLoop
        self.authorization = authorization
        self.peer = peer
    }

    /// The remote IP address of `channel`, without its port (`unknown` for one without an address,
    /// such as a Unix socket or a test's embedded channel).
    static func peerAddress(of channel: any Channel) -> String {
        channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
