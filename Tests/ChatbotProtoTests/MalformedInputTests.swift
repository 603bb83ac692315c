import ChatbotProto
import Testing

/// Bad input throws ``ProtoError`` and never crashes or leaks (run under AddressSanitizer too).
@Suite("Malformed input")
struct MalformedInputTests {
    /// Decodes `bytes` as `Message`, expecting a ProtoError.
    static func error<Message: ProtoMessage>(_ type: Message.Type, _ bytes: [UInt8]) -> ProtoError? {
        do {
            _ = try Message(serializedBytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("The error names the message type and the length")
    func errorMessage() throws {
        let error = try #require(Self.error(ChatbotV1.SignRequest.self, [0x0A, 0x05, 0x61]))
        #expect(error.code == .malformed)
        #expect(error.message == "malformed chatbot.v1.SignRequest (3 bytes)")
        #expect(error.description == error.message)
        let nested = try #require(Self.error(ChatbotV1.QueryResponse.Option.self, [0x21, 0x00]))
        #expect(nested.message == "malformed chatbot.v1.QueryResponse.Option (2 bytes)")
    }

    @Test(
        "Truncated input",
        arguments: [
            [0x0A, 0x05, 0x61] as [UInt8],  // string shorter than its length
            [0x0A],  // tag without a length
            [0x10],  // tag without a varint
            [0x10, 0x80],  // varint with its continuation bit set at the end
            [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],  // a 4 GiB string
            [0x31, 0x00, 0x00],  // double with 2 of 8 bytes
        ]
    )
    func truncated(_ bytes: [UInt8]) {
        #expect(Self.error(ChatbotV1.QueryResponse.self, bytes)?.code == .malformed)
    }

    @Test("Every strict prefix of a large fixture is refused or decodes, without crashing")
    func everyPrefix() throws {
        let fixture = try #require(ProtoFixture.all.first { $0.name == "query_response" })
        let bytes = fixture.bytes
        var refused = 0
        for length in 0..<bytes.count {
            if Self.error(ChatbotV1.QueryResponse.self, Array(bytes[..<length])) != nil {
                refused += 1
            }
        }
        // Most cuts land inside a field; a cut between two fields is a valid, shorter message.
        #expect(refused > bytes.count / 2)
    }

    @Test(
        "Wrong wire types",
        arguments: [
            [0x08, 0x01] as [UInt8],  // SignRequest.token (string) as a varint
            [0x0D, 0x00, 0x00, 0x00, 0x00],  // token as fixed32
            [0x09, 0, 0, 0, 0, 0, 0, 0, 0],  // token as fixed64
        ]
    )
    func wrongWireType(_ bytes: [UInt8]) {
        #expect(Self.error(ChatbotV1.SignRequest.self, bytes)?.code == .malformed)
    }

    @Test("Wrong wire types in numeric, nested, oneof and map fields")
    func wrongWireTypeElsewhere() {
        #expect(Self.error(ChatbotV1.SignResponse.self, [0x12, 0x01, 0x00])?.code == .malformed)  // int64 as bytes
        #expect(Self.error(ChatbotV1.QueryResult.self, [0x10, 0x01])?.code == .malformed)  // message as varint
        #expect(Self.error(ChatbotV1.QueryRequest.self, [0x48, 0x01])?.code == .malformed)  // map entry as varint
        #expect(Self.error(ChatbotV1.QueryResponse.self, [0x39, 0, 0, 0, 0, 0, 0, 0, 0])?.code == .malformed)
    }

    @Test("Invalid tags: field number 0, wire types 6 and 7, an overlong varint")
    func invalidTags() {
        for bytes: [UInt8] in [[0x00, 0x01], [0x0E], [0x0F], [0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01]] {
            #expect(Self.error(ChatbotV1.QueryRequest.self, bytes)?.code == .malformed, "\(hex(bytes))")
        }
    }

    @Test("Seeded garbage never crashes; every failure is a ProtoError")
    func garbage() {
        var generator = SplitMix64(seed: 20_261_122)
        var refused = 0
        for _ in 0..<2000 {
            let length = Int(generator.next() % 64)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Decoding as each shape of message: no crash is the check; errors must be ProtoError.
            if Self.error(ChatbotV1.QueryResponse.self, bytes) != nil { refused += 1 }
            _ = Self.error(ChatbotV1.QueryRequest.self, bytes)
            _ = Self.error(GrpcReflectionV1.ServerReflectionResponse.self, bytes)
        }
        #expect(refused > 1000)
    }

    @Test(
        "Invalid UTF-8 in a string field",
        arguments: [
            [0xC3, 0x28] as [UInt8],  // a bad continuation byte
            [0xFF],  // never valid
            [0xE4, 0xBD],  // a truncated three-byte sequence
            [0xC0, 0xAF],  // an overlong '/'
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        ]
    )
    func invalidUTF8(_ invalid: [UInt8]) throws {
        let bytes = [0x0A, UInt8(invalid.count)] + invalid
        let error = try #require(Self.error(ChatbotV1.SignRequest.self, bytes))
        #expect(error.code == .invalidUTF8)
        #expect(error.message == "invalid UTF-8 in string field chatbot.v1.SignRequest.token")
    }

    @Test("Invalid UTF-8 in repeated, nested, oneof and map strings")
    func invalidUTF8Elsewhere() throws {
        let bad: [UInt8] = [0x02, 0xC3, 0x28]  // length 2, then the bad bytes
        // QueryRequest.first_priority_skills (repeated string)
        #expect(Self.error(ChatbotV1.QueryRequest.self, [0x2A] + bad)?.code == .invalidUTF8)
        // QueryResult.error (field 3) -> Status.errmsg (field 2)
        #expect(Self.error(ChatbotV1.QueryResult.self, [0x1A, 0x04, 0x12] + bad)?.code == .invalidUTF8)
        // ServerReflectionRequest.file_by_filename (oneof string, field 3)
        let oneof = try #require(Self.error(GrpcReflectionV1.ServerReflectionRequest.self, [0x1A] + bad))
        #expect(
            oneof.message == "invalid UTF-8 in string field grpc.reflection.v1.ServerReflectionRequest.file_by_filename"
        )
        // QueryRequest.slot_dictionaries: an entry (field 9) whose key (field 1) is bad
        let key = try #require(Self.error(ChatbotV1.QueryRequest.self, [0x4A, 0x04, 0x0A] + bad))
        #expect(key.message == "invalid UTF-8 in string field chatbot.v1.QueryRequest.slot_dictionaries.key")
        // ... and a value whose SlotValues.values (field 1) is bad
        let value = try #require(Self.error(ChatbotV1.QueryRequest.self, [0x4A, 0x06, 0x12, 0x04, 0x0A] + bad))
        #expect(value.message == "invalid UTF-8 in string field chatbot.v1.SlotValues.values")
        // bytes fields take anything
        #expect(try ChatbotV1.OutboxMessage(serializedBytes: [0x4A] + bad).raw == [0xC3, 0x28])
    }
}

/// A small seeded generator, so that the garbage is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
