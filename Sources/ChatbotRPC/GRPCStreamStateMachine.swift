internal import Glibc
internal import NIOCore
internal import NIOHTTP1

/// What a request's header block says, collected field by field as nghttp2 reports them (a gRPC
/// call's fields are compared as bytes, so routing one builds no string), and what to do with
/// the request once the block is complete.
struct GRPCRequestHead {
    /// What to do with a request whose header block is complete.
    enum Verdict: Equatable {
        /// A plain HTTP request (no gRPC method at its path, no gRPC content type).
        case plain
        /// A plain HTTP request whose header list passed the announced limit: 431.
        case plainHeaderListTooLarge
        /// A gRPC method's path without a gRPC content type: 415.
        case unsupportedMediaType
        /// A gRPC call to refuse with this status at once.
        case refuse(RPCError)
        /// A gRPC call to start.
        case start
    }

    /// The gRPC method at the path, and its metrics slot (the unknown slot until one is found).
    private(set) var method: RPCMethod?
    private(set) var methodSlot: Int
    /// The path when it names no gRPC method.
    private(set) var path: String?
    /// The request method when it is not POST.
    private(set) var requestMethod: String?
    /// The regular fields of a request whose path names no gRPC method.
    private(set) var plainFields: [(name: String, value: String)] = []
    private(set) var timeout: TimeAmount?
    /// The `authorization` field of a gRPC call (its call credential), if any.
    private(set) var authorization: String?
    private var isGRPC = false
    private var badTimeout: String?
    private var unsupportedEncoding: String?
    /// Set when the header list passed the announced limit (its further fields were dropped).
    var headerListTooLarge = false

    init(unknownMethodSlot: Int) {
        methodSlot = unknownMethodSlot
    }

    /// One field of the block.
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, router: RPCRouter) {
        if Self.equals(name, ":path") {
            if let (slot, method) = router.find(path: value) {
                self.method = method
                methodSlot = slot
            } else {
                path = String(decoding: value, as: UTF8.self)
            }
        } else if Self.equals(name, ":method") {
            if !Self.equals(value, "POST") { requestMethod = String(decoding: value, as: UTF8.self) }
        } else if method == nil && name.first != UInt8(ascii: ":") {
            // Not a gRPC method: keep the fields for a plain HTTP route.
            if Self.equals(name, "content-type") { isGRPC = Self.isGRPCContentType(value) }
            plainFields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        } else if Self.equals(name, "content-type") {
            isGRPC = Self.isGRPCContentType(value)
        } else if Self.equals(name, "grpc-timeout") {
            timeout = GRPCTimeout.parse(value)
            if timeout == nil { badTimeout = String(decoding: value, as: UTF8.self) }
        } else if Self.equals(name, "grpc-encoding") {
            if !Self.equals(value, "identity") { unsupportedEncoding = String(decoding: value, as: UTF8.self) }
        } else if Self.equals(name, "authorization") {
            authorization = String(decoding: value, as: UTF8.self)
        }
    }

    /// The request's fate, once its header block is complete.
    func verdict(shuttingDown: Bool, maxHeaderListSize: UInt32) -> Verdict {
        if method == nil && !isGRPC { return headerListTooLarge ? .plainHeaderListTooLarge : .plain }
        if headerListTooLarge { return .refuse(Self.headerListTooLarge(limit: maxHeaderListSize)) }
        if shuttingDown { return .refuse(RPCError(.unavailable, "the server is shutting down")) }
        if !isGRPC { return .unsupportedMediaType }
        if let badTimeout { return .refuse(RPCError(.invalidArgument, "malformed grpc-timeout: \(badTimeout)")) }
        if let unsupportedEncoding {
            return .refuse(
                RPCError(
                    .unimplemented,
                    "grpc-encoding \(unsupportedEncoding) is not supported",
                    trailers: [("grpc-accept-encoding", "identity")]
                )
            )
        }
        guard method != nil else { return .refuse(RPCError(.unimplemented, "Method not found: \(path ?? "")")) }
        return .start
    }

    /// Why a request whose header list passed `limit` is refused (431's cause for a plain one).
    static func headerListTooLarge(limit: UInt32) -> RPCError {
        RPCError(.resourceExhausted, "request header list larger than the limit of \(limit) bytes")
    }

    /// The head of a plain HTTP request, made of the fields collected (which it takes).
    mutating func takePlainRequestHead() -> HTTPRequestHead {
        defer { plainFields = [] }
        return HTTPRequestHead(
            version: .http2,
            method: HTTPMethod(rawValue: requestMethod ?? "POST"),
            uri: path ?? "/",
            headers: HTTPHeaders(plainFields)
        )
    }

    /// Whether `bytes` are exactly `text`.
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }

    /// `application/grpc`, optionally followed by `+format` or `;parameters`.
    private static func isGRPCContentType(_ value: UnsafeRawBufferPointer) -> Bool {
        let prefix: StaticString = "application/grpc"
        let n = prefix.utf8CodeUnitCount
        guard value.count >= n, memcmp(value.baseAddress!, prefix.utf8Start, n) == 0 else { return false }
        if value.count == n { return true }
        return value[n] == UInt8(ascii: "+") || value[n] == UInt8(ascii: ";")
    }
}

/// The request bytes one connection holds for its calls, against a limit.
struct RequestBudget {
    let limit: Int
    private(set) var used = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts `count` more bytes; false (counting nothing) when that would pass the limit.
    mutating func take(_ count: Int) -> Bool {
        guard used + count <= limit else { return false }
        used += count
        return true
    }

    mutating func give(_ count: Int) {
        used -= count
    }

    /// Why a call was refused for the budget.
    var exceeded: RPCError {
        RPCError(.resourceExhausted, "request bytes buffered on this connection over the limit of \(limit)")
    }
}

/// The request side of one gRPC call (one HTTP/2 stream), as a value: the handler reports what
/// arrives and does what comes back (give window back, hand messages over, fail the call). No
/// I/O and no timers; every request byte it holds is counted in the connection's
/// ``RequestBudget``.
///
/// Flow control: a unary call's bytes are given back as they arrive (its one message is bounded
/// by the message limit). A streaming call gives window to the message being received, whatever
/// its size up to the limit, but holds the client back while whole messages of more than
/// `maxQueuedMessageBytes` wait for the handler.
struct GRPCStreamStateMachine {
    /// What became of received bytes.
    struct Received: Equatable {
        /// Bytes to give back to the client's window now.
        var consume = 0
        /// The call must end with this status.
        var failure: RPCError?
        /// A message has begun and is not complete (its request timer should run).
        var messageUnderway = false
    }

    /// What to do when the client has finished sending.
    enum End {
        /// Run the unary handler with its request.
        case dispatch(ByteBuffer)
        /// Tell the streaming handler no more messages come.
        case finishInbound
        case fail(RPCError)
    }

    let isUnary: Bool
    private let maxQueuedMessageBytes: Int
    private var decoder: GRPCFraming.Decoder
    private var request: ByteBuffer?
    private var messageCount = 0
    /// Request bytes held: a partial message, a unary request not handed over yet, whole messages
    /// the streaming handler has not taken.
    private(set) var held = 0
    /// Streaming: received bytes not given back to the client's window yet.
    private var unconsumed = 0
    /// Streaming: bytes of whole messages the handler has not taken.
    private var queuedMessageBytes = 0
    private(set) var requestEnded = false
    /// Whether the response headers went out (a streaming response, or a unary one with a body).
    private(set) var responseStarted = false

    init(isUnary: Bool, maxMessageSize: Int, maxQueuedMessageBytes: Int) {
        self.isUnary = isUnary
        self.maxQueuedMessageBytes = maxQueuedMessageBytes
        decoder = GRPCFraming.Decoder(maxMessageSize: maxMessageSize)
    }

    /// DATA from the client. Streaming messages completed by `bytes` go to `deliver`.
    mutating func receive(
        _ bytes: UnsafeRawBufferPointer,
        budget: inout RequestBudget,
        deliver: (ByteBuffer) -> Void
    ) -> Received {
        guard budget.take(bytes.count) else {
            return Received(consume: bytes.count + takeUnconsumed(), failure: budget.exceeded)
        }
        held += bytes.count
        decoder.append(bytes)
        var received = Received()
        if isUnary {
            received.consume = bytes.count
        } else {
            unconsumed += bytes.count
        }
        do throws(RPCError) {
            while let message = try decoder.next() {
                messageCount += 1
                if isUnary {
                    guard messageCount == 1 else {
                        throw RPCError(.internalError, "more than one request message for a unary call")
                    }
                    request = message
                } else {
                    queuedMessageBytes += message.readableBytes + GRPCFraming.prefixSize
                    deliver(message)
                }
            }
        } catch {
            received.consume += takeUnconsumed()
            received.failure = error
            return received
        }
        if !isUnary {
            if queuedMessageBytes <= maxQueuedMessageBytes { received.consume = takeUnconsumed() }
            received.messageUnderway = decoder.bufferedBytes > 0
        }
        return received
    }

    /// The streaming handler took a message of `count` bytes (with its prefix): the bytes to give
    /// back to the client's window now.
    mutating func messageTaken(_ count: Int, budget: inout RequestBudget) -> Int {
        queuedMessageBytes -= count
        release(count, from: &budget)
        return queuedMessageBytes <= maxQueuedMessageBytes ? takeUnconsumed() : 0
    }

    /// The client has finished sending; nil when it had already.
    mutating func endOfRequest(budget: inout RequestBudget) -> End? {
        guard !requestEnded else { return nil }
        requestEnded = true
        if !isUnary {
            guard decoder.bufferedBytes == 0 else {
                return .fail(RPCError(.internalError, "the request ended inside a message"))
            }
            return .finishInbound
        }
        guard let request, decoder.bufferedBytes == 0 else {
            return .fail(RPCError(.internalError, "a unary call needs exactly one request message"))
        }
        self.request = nil
        // The request is the handler's now.
        release(held, from: &budget)
        return .dispatch(request)
    }

    /// Whether the response headers must be sent now (the first time a response is started).
    mutating func startResponse() -> Bool {
        defer { responseStarted = true }
        return !responseStarted
    }

    /// The call is over: it holds nothing from now on.
    mutating func finish(budget: inout RequestBudget) {
        release(held, from: &budget)
        request = nil
        decoder.reset()
        unconsumed = 0
        queuedMessageBytes = 0
    }

    private mutating func release(_ count: Int, from budget: inout RequestBudget) {
        let count = min(count, held)
        held -= count
        budget.give(count)
    }

    private mutating func takeUnconsumed() -> Int {
        defer { unconsumed = 0 }
        return unconsumed
    }
}
