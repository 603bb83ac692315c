import NIOCore
import NIOHTTP1
import Testing

@testable import ChatbotRPC

/// The per-stream values of ``GRPCConnectionHandler`` in memory: the header block's verdict, the
/// connection's request budget, and the request side of a call.
@Suite struct GRPCStreamStateMachineTests {
    /// A gRPC message: the uncompressed flag, its length and `payload`.
    static func framed(_ payload: [UInt8]) -> [UInt8] {
        let count = UInt32(payload.count)
        return [0, UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            + payload
    }

    static func machine(unary: Bool, maxMessage: Int = 64, maxQueued: Int = 16) -> GRPCStreamStateMachine {
        GRPCStreamStateMachine(isUnary: unary, maxMessageSize: maxMessage, maxQueuedMessageBytes: maxQueued)
    }

    /// `bytes` received, and the messages they completed.
    static func receive(
        _ bytes: [UInt8],
        _ machine: inout GRPCStreamStateMachine,
        _ budget: inout RequestBudget
    ) -> (GRPCStreamStateMachine.Received, [[UInt8]]) {
        var delivered: [[UInt8]] = []
        let received = bytes.withUnsafeBytes { bytes in
            machine.receive(bytes, budget: &budget) { delivered.append(Array(buffer: $0)) }
        }
        return (received, delivered)
    }

    @Test func aUnaryCallGivesWindowBackAsItArrivesAndHandsItsOneMessageOverAtTheEnd() {
        var budget = RequestBudget(limit: 100)
        var machine = Self.machine(unary: true)
        let message = Self.framed(Array("hello".utf8))
        let (first, none) = Self.receive(Array(message[..<3]), &machine, &budget)
        #expect(first == .init(consume: 3) && none.isEmpty)
        let (second, _) = Self.receive(Array(message[3...]), &machine, &budget)
        #expect(second == .init(consume: message.count - 3))
        #expect(budget.used == message.count && machine.held == message.count)
        guard case .dispatch(let request) = machine.endOfRequest(budget: &budget) else {
            Issue.record("not dispatched")
            return
        }
        #expect(Array(buffer: request) == Array("hello".utf8))
        #expect(budget.used == 0 && machine.held == 0)
        #expect(machine.endOfRequest(budget: &budget) == nil)
    }

    @Test func aUnaryCallNeedsExactlyOneWholeMessage() {
        var budget = RequestBudget(limit: 100)
        var two = Self.machine(unary: true)
        let (received, _) = Self.receive(Self.framed([1]) + Self.framed([2]), &two, &budget)
        #expect(received.failure?.code == .internalError)
        two.finish(budget: &budget)
        #expect(budget.used == 0)

        for bytes in [[], Array(Self.framed([1, 2])[..<6])] {
            var machine = Self.machine(unary: true)
            _ = Self.receive(bytes, &machine, &budget)
            guard case .fail(let error) = machine.endOfRequest(budget: &budget) else {
                Issue.record("not failed for \(bytes)")
                continue
            }
            #expect(error.message == "a unary call needs exactly one request message")
            machine.finish(budget: &budget)
        }
        #expect(budget.used == 0)
    }

    @Test func aMessageOverTheLimitFailsTheCallAndItsBytesAreGivenBack() {
        var budget = RequestBudget(limit: 1000)
        var machine = Self.machine(unary: false, maxMessage: 8)
        let (received, delivered) = Self.receive(Self.framed(Array(repeating: 7, count: 9)), &machine, &budget)
        #expect(received.failure?.code == .resourceExhausted)
        #expect(received.consume == 14 && delivered.isEmpty)
        machine.finish(budget: &budget)
        #expect(budget.used == 0)
    }

    @Test func theConnectionsBudgetRefusesWhatWouldPassItAcrossCalls() {
        var budget = RequestBudget(limit: 20)
        var first = Self.machine(unary: true)
        var second = Self.machine(unary: true)
        let twelve = Self.framed(Array(repeating: 0, count: 7))
        #expect(Self.receive(twelve, &first, &budget).0.failure == nil)
        let (refused, _) = Self.receive(twelve, &second, &budget)
        #expect(refused.failure == budget.exceeded && refused.consume == 12)
        #expect(budget.used == 12)
        first.finish(budget: &budget)
        #expect(budget.used == 0)
        #expect(budget.take(20) && !budget.take(1))
    }

    @Test func aStreamingCallHoldsTheClientBackWhileWholeMessagesWait() {
        var budget = RequestBudget(limit: 1000)
        var machine = Self.machine(unary: false, maxQueued: 16)
        // 10 bytes framed: under the queue limit, given back at once.
        let small = Self.framed(Array(repeating: 1, count: 5))
        let (first, delivered) = Self.receive(small, &machine, &budget)
        #expect(first == .init(consume: 10) && delivered == [Array(repeating: 1, count: 5)])
        // Another 10: 20 queued, past 16, so the window waits for the handler.
        let (second, _) = Self.receive(small, &machine, &budget)
        #expect(second == .init(consume: 0))
        // Half a message: underway, still held back.
        let (third, none) = Self.receive(Array(small[..<4]), &machine, &budget)
        #expect(third == .init(consume: 0, messageUnderway: true) && none.isEmpty)
        #expect(machine.messageTaken(10, budget: &budget) == 14)
        #expect(budget.used == 14)
        guard case .fail(let error) = machine.endOfRequest(budget: &budget) else {
            Issue.record("ended inside a message without failing")
            return
        }
        #expect(error.message == "the request ended inside a message")
        machine.finish(budget: &budget)
        #expect(budget.used == 0 && machine.held == 0)
    }

    @Test func aStreamingCallEndsCleanlyAndStartsItsResponseOnce() {
        var budget = RequestBudget(limit: 100)
        var machine = Self.machine(unary: false)
        _ = Self.receive(Self.framed([]), &machine, &budget)
        guard case .finishInbound = machine.endOfRequest(budget: &budget) else {
            Issue.record("not finished")
            return
        }
        #expect(machine.requestEnded)
        #expect(machine.startResponse() && !machine.startResponse() && machine.responseStarted)
    }
}

@Suite struct GRPCRequestHeadTests {
    static let router = RPCRouter(services: [HealthService()])

    static func head(_ fields: [(String, String)]) -> GRPCRequestHead {
        var head = GRPCRequestHead(unknownMethodSlot: router.methodPaths.count)
        for (name, value) in fields {
            Array(name.utf8).withUnsafeBytes { name in
                Array(value.utf8).withUnsafeBytes { value in head.add(name: name, value: value, router: router) }
            }
        }
        return head
    }

    static func verdict(_ fields: [(String, String)], shuttingDown: Bool = false) -> GRPCRequestHead.Verdict {
        head(fields).verdict(shuttingDown: shuttingDown, maxHeaderListSize: 16384)
    }

    static let check = [(":method", "POST"), (":path", "/grpc.health.v1.Health/Check")]

    @Test func aGRPCMethodWithAGRPCContentTypeStarts() {
        for type in ["application/grpc", "application/grpc+proto", "application/grpc;charset=utf-8"] {
            #expect(Self.verdict(Self.check + [("content-type", type), ("te", "trailers")]) == .start, "\(type)")
        }
        var head = Self.head(Self.check + [("content-type", "application/grpc"), ("grpc-timeout", "2S")])
        #expect(head.timeout == .seconds(2))
        #expect(head.method != nil && head.methodSlot < Self.router.methodPaths.count)
        #expect(head.takePlainRequestHead().uri == "/")
    }

    @Test func aGRPCMethodIsRefusedForEachBadField() {
        #expect(Self.verdict(Self.check + [("content-type", "application/grpcx")]) == .unsupportedMediaType)
        #expect(Self.verdict(Self.check) == .unsupportedMediaType)
        let grpc = Self.check + [("content-type", "application/grpc")]
        #expect(
            Self.verdict(grpc + [("grpc-timeout", "forever")])
                == .refuse(RPCError(.invalidArgument, "malformed grpc-timeout: forever"))
        )
        guard case .refuse(let encoding) = Self.verdict(grpc + [("grpc-encoding", "gzip")]) else {
            Issue.record("gzip accepted")
            return
        }
        #expect(
            encoding.code == .unimplemented && encoding.trailers.contains { $0 == ("grpc-accept-encoding", "identity") }
        )
        #expect(Self.verdict(grpc + [("grpc-encoding", "identity")]) == .start)
        #expect(
            Self.verdict(grpc, shuttingDown: true) == .refuse(RPCError(.unavailable, "the server is shutting down"))
        )
        let unknown = [(":method", "POST"), (":path", "/no.Such/Method"), ("content-type", "application/grpc")]
        #expect(Self.verdict(unknown) == .refuse(RPCError(.unimplemented, "Method not found: /no.Such/Method")))
    }

    @Test func aPathThatIsNoGRPCMethodIsPlainHTTPWithItsFields() {
        var head = Self.head([
            (":method", "GET"), (":scheme", "http"), (":path", "/healthz?x=1"), ("accept", "*/*"), ("x-a", "b"),
        ])
        #expect(head.verdict(shuttingDown: true, maxHeaderListSize: 100) == .plain)
        let request = head.takePlainRequestHead()
        #expect(request.method == .GET && request.uri == "/healthz?x=1" && request.version == .http2)
        #expect(request.headers.map { "\($0.name)=\($0.value)" } == ["accept=*/*", "x-a=b"])
        #expect(head.plainFields.isEmpty)
    }

    @Test func aHeaderListOverTheLimitIs431OrResourceExhausted() {
        var plain = Self.head([(":method", "GET"), (":path", "/healthz")])
        plain.headerListTooLarge = true
        #expect(plain.verdict(shuttingDown: false, maxHeaderListSize: 100) == .plainHeaderListTooLarge)
        var call = Self.head(Self.check + [("content-type", "application/grpc")])
        call.headerListTooLarge = true
        #expect(
            call.verdict(shuttingDown: false, maxHeaderListSize: 100)
                == .refuse(RPCError(.resourceExhausted, "request header list larger than the limit of 100 bytes"))
        )
    }
}
