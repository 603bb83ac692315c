/// An answer that is ready now, computed on the event loop (so it must not block), or work to run
/// as a task (anything that waits: the store, other services). gRPC unary handlers and plain HTTP
/// routes both answer with one, and both connection handlers run it the same way: inline when it
/// is ready, else as a task whose result comes back to the event loop.
package enum Outcome<Value: Sendable>: Sendable {
    case done(Value)
    case later(@Sendable () async -> Value)
}

/// A unary gRPC handler's answer.
package typealias UnaryOutcome<Response: Sendable> = Outcome<Result<Response, RPCError>>

/// A plain HTTP route's answer.
package typealias HTTPRouteOutcome = Outcome<HTTPRouteResponse>
