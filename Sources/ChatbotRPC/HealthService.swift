internal import ChatbotProto
internal import Synchronization

/// `grpc.health.v1.Health`: Check and Watch for the server as a whole (`""`) and its services.
///
/// Serving until ``shutDown()``; then NOT_SERVING, and every Watch call is told so and ends,
/// so that open watches do not hold up draining.
package final class HealthService: RPCService {
    private let services: Set<String>
    private let state = Mutex(State())

    private struct State {
        var serving = true
        var watchers: [Int: AsyncStream<Bool>.Continuation] = [:]
        var nextWatcher = 0
    }

    /// - Parameter services: The services reported on besides `""`.
    package init(services: [String] = ["chatbot.v1.Chatbot"]) {
        self.services = Set(services + [""])
    }

    package var isServing: Bool { state.withLock { $0.serving } }

    /// Reports NOT_SERVING from now on and ends every Watch.
    package func shutDown() {
        let watchers = state.withLock { state in
            state.serving = false
            let watchers = state.watchers
            state.watchers = [:]
            return watchers
        }
        for watcher in watchers.values {
            watcher.yield(false)
            watcher.finish()
        }
    }

    package var methods: [RPCMethod] {
        [
            .unary("/grpc.health.v1.Health/Check") {
                [self] (
                    request: GrpcHealthV1.HealthCheckRequest,
                    _
                ) -> UnaryOutcome<GrpcHealthV1.HealthCheckResponse>
                in
                guard services.contains(request.service) else {
                    return .done(.failure(RPCError(.notFound, "unknown service \(request.service)")))
                }
                return .done(.success(Self.response(serving: isServing)))
            },
            .serverStreaming("/grpc.health.v1.Health/Watch") {
                [self] (
                    request: GrpcHealthV1.HealthCheckRequest,
                    writer: RPCWriter<GrpcHealthV1.HealthCheckResponse>,
                    _
                )
                    throws(RPCError) in
                guard services.contains(request.service) else {
                    try await writer.write(GrpcHealthV1.HealthCheckResponse(status: .serviceUnknown))
                    // The spec keeps the call open: the service may appear later. Ours never will.
                    await Self.waitForCancellation()
                    return
                }
                let (updates, continuation) = AsyncStream<Bool>.makeStream()
                let (serving, id) = state.withLock { state in
                    let id = state.nextWatcher
                    state.nextWatcher += 1
                    if state.serving { state.watchers[id] = continuation }
                    return (state.serving, id)
                }
                defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
                try await writer.write(Self.response(serving: serving))
                guard serving else { return }
                for await update in updates {
                    try await writer.write(Self.response(serving: update))
                }
            },
        ]
    }

    private static func response(serving: Bool) -> GrpcHealthV1.HealthCheckResponse {
        GrpcHealthV1.HealthCheckResponse(status: serving ? .serving : .notServing)
    }

    private static func waitForCancellation() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
