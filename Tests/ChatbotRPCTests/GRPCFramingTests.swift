import ChatbotProto
import ChatbotRPC
import NIOCore
import Testing

@Suite struct GRPCFramingTests {
    static let request = ChatbotV1.SignRequest(token: "t", userid: "用户", username: "n", avatar: "a")

    @Test func framesAndDecodesAcrossArbitrarySplits() throws {
        var framed = GRPCFraming.frame(Self.request, allocator: ByteBufferAllocator())
        #expect(framed.getInteger(at: 0, as: UInt8.self) == 0)
        #expect(framed.getInteger(at: 1, as: UInt32.self) == UInt32(framed.readableBytes - 5))
        let bytes = framed.readBytes(length: framed.readableBytes)!
        let twice = bytes + bytes
        for split in 0...twice.count {
            var decoder = GRPCFraming.Decoder(maxMessageSize: 1 << 20)
            var messages: [ChatbotV1.SignRequest] = []
            for part in [twice[..<split], twice[split...]] {
                Array(part).withUnsafeBytes { decoder.append($0) }
                while let message = try decoder.next() {
                    messages.append(
                        try message.withUnsafeReadableBytes { try ChatbotV1.SignRequest(serializedBytes: Array($0)) }
                    )
                }
            }
            #expect(messages == [Self.request, Self.request])
            #expect(decoder.bufferedBytes == 0)
        }
    }

    @Test func refusesAnOversizedMessageFromItsPrefix() {
        var decoder = GRPCFraming.Decoder(maxMessageSize: 100)
        ([0, 0, 0, 0, 101] as [UInt8]).withUnsafeBytes { decoder.append($0) }
        #expect(throws: RPCError(.resourceExhausted, "received message larger than max (101 vs. 100)")) {
            try decoder.next()
        }
    }

    @Test func refusesCompressedMessages() {
        var decoder = GRPCFraming.Decoder(maxMessageSize: 100)
        ([1, 0, 0, 0, 1, 7] as [UInt8]).withUnsafeBytes { decoder.append($0) }
        #expect(throws: RPCError(.internalError, "compressed message received, but grpc-encoding is identity")) {
            try decoder.next()
        }
    }

    @Test(arguments: [
        ("1S", TimeAmount.seconds(1)), ("250m", .milliseconds(250)), ("3H", .hours(3)), ("2M", .minutes(2)),
        ("99999999u", .microseconds(99_999_999)), ("5n", .nanoseconds(5)),
    ])
    func parsesTimeouts(text: String, amount: TimeAmount) {
        #expect(Array(text.utf8).withUnsafeBytes { GRPCTimeout.parse($0) } == amount)
    }

    @Test(arguments: ["", "S", "1", "123456789S", "1s", "-1S", "1.5S"])
    func refusesMalformedTimeouts(text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { GRPCTimeout.parse($0) } == nil)
    }

    @Test func percentEncodesGRPCMessage() {
        #expect(GRPCMessageEncoding.encode("token invalid") == "token invalid")
        #expect(GRPCMessageEncoding.encode("100% 无效\n") == "100%25 %E6%97%A0%E6%95%88%0A")
    }
}

@Suite struct RoutingTests {
    struct Echo: RPCService {
        var methods: [RPCMethod] {
            [
                .unary("/a.B/C") { (request: ChatbotV1.SignRequest, _) -> UnaryOutcome<ChatbotV1.SignRequest> in
                    .done(.success(request))
                }
            ]
        }
    }

    @Test func findsMethodsByPathBytes() {
        let router = RPCRouter(services: [Echo(), HealthService()])
        #expect(Array("/a.B/C".utf8).withUnsafeBytes { router.method(path: $0) }?.path == "/a.B/C")
        #expect(Array("/a.B/D".utf8).withUnsafeBytes { router.method(path: $0) } == nil)
        #expect(Array("/a.B/".utf8).withUnsafeBytes { router.method(path: $0) } == nil)
        #expect(router.serviceNames == ["a.B", "grpc.health.v1.Health"])
    }
}
