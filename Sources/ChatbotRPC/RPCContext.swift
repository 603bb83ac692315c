package import NIOCore

/// What a handler knows about its call.
package struct RPCContext: Sendable {
    /// The method's path, `/package.Service/Method`.
    package var path: String
    /// When the client stops waiting, from `grpc-timeout`; nil when it sent none.
    package var deadline: NIODeadline?
    /// The event loop of the connection, for handlers that hop to it.
    package var eventLoop: any EventLoop
}
