internal import Prometheus

/// A metric family's name and help text: the server's, then the process's.
struct MetricFamily: Sendable {
    let name: String
    let help: String

    var descriptor: MetricNameDescriptor {
        // The name is whole already: an empty unit adds nothing to it.
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    static let grpcRequests = MetricFamily(
        name: "chatbot_grpc_requests_total",
        help: "gRPC calls that ended, by method and status code."
    )
    static let grpcMessages = MetricFamily(
        name: "chatbot_grpc_stream_messages_total",
        help: "Messages of streaming gRPC calls, by method and direction."
    )
    static let grpcInFlight = MetricFamily(
        name: "chatbot_grpc_calls_in_flight",
        help: "gRPC calls started and not yet ended, by method."
    )
    static let grpcDuration = MetricFamily(
        name: "chatbot_grpc_request_duration_seconds",
        help: "How long gRPC calls took, from their first HEADERS frame to their status (a streaming call: "
            + "the whole stream), by method."
    )
    static let httpRequests = MetricFamily(
        name: "chatbot_http_requests_total",
        help: "Plain HTTP requests (HTTP/1.1 and HTTP/2) answered, by route and status."
    )
    static let httpDuration = MetricFamily(
        name: "chatbot_http_request_duration_seconds",
        help: "How long plain HTTP requests (HTTP/1.1 and HTTP/2) took to answer, by route."
    )
    static let connectionsOpen = MetricFamily(
        name: "chatbot_connections_open",
        help: "Open client connections, by protocol."
    )
    static let connectionsRefused = MetricFamily(
        name: "chatbot_connections_refused_total",
        help: "Connections closed on accept because the server had its maximum open."
    )
    static let processCPUSeconds = MetricFamily(
        name: "process_cpu_seconds_total",
        help: "Total user and system CPU time spent in seconds."
    )
    static let processResidentBytes = MetricFamily(
        name: "process_resident_memory_bytes",
        help: "Resident memory size in bytes."
    )
    static let heapInUse = MetricFamily(
        name: "chatbot_process_heap_in_use_bytes",
        help: "Bytes of glibc's heap in use: allocated chunks in its arenas and mmapped chunks (mallinfo2 "
            + "uordblks + hblkhd)."
    )
    static let heapFree = MetricFamily(
        name: "chatbot_process_heap_free_bytes",
        help: "Bytes of free chunks glibc's heap keeps in its arenas, not given back to the system (mallinfo2 "
            + "fordblks)."
    )
}
