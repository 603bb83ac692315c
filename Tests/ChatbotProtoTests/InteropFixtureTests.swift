import ChatbotProto
import Testing

/// Byte-level interop with Python protobuf: fixtures encoded by Python's runtime must decode to
/// the expected values, and our encoding of those values must be Python's bytes.
@Suite("Interop with Python protobuf")
struct InteropFixtureTests {
    @Test("Every fixture has a Swift expectation, and every expectation a fixture")
    func manifestMatchesExpectations() {
        let names = Set(ProtoFixture.all.map(\.name))
        #expect(names.count == ProtoFixture.all.count, "duplicate names in manifest.json")
        #expect(names.subtracting(ExpectedFixtures.all.keys).sorted() == [])
        #expect(Set(ExpectedFixtures.all.keys).subtracting(names).sorted() == [])
    }

    @Test("Python's bytes decode to the expected value; ours are Python's", arguments: ProtoFixture.all)
    func fixture(_ fixture: ProtoFixture) throws {
        let expectation = try #require(ExpectedFixtures.all[fixture.name])
        #expect(expectation.protoName == fixture.type)
        let bytes = fixture.bytes
        #expect(bytes.count == fixture.size)
        try expectation.check(bytes, fixture.canonical)
    }

    @Test("Only the known protobuf-c differences and hand-made bytes are not canonical")
    func nonCanonicalFixtures() {
        let names = ProtoFixture.all.filter { !$0.canonical }.map(\.name).sorted()
        #expect(
            names == [
                "query_request_duplicate_map_keys",
                "query_request_map_empty_key",
                "query_response_negative_zero",
                "subscribe_outbox_request_unpacked",
            ]
        )
    }

    @Test("-0.0 decodes with its sign but protobuf-c does not encode it, as it equals the default")
    func negativeZero() throws {
        let fixture = try #require(ProtoFixture.all.first { $0.name == "query_response_negative_zero" })
        let decoded = try ChatbotV1.QueryResponse(serializedBytes: fixture.bytes)
        #expect(decoded.confidence == 0)
        #expect(decoded.confidence.sign == .minus)
        #expect(decoded.serializedBytes() == [])
    }

    @Test("An empty map key decodes; protobuf-c leaves the empty key field out when encoding")
    func emptyMapKey() throws {
        let fixture = try #require(ProtoFixture.all.first { $0.name == "query_request_map_empty_key" })
        let decoded = try ChatbotV1.QueryRequest(serializedBytes: fixture.bytes)
        #expect(decoded.slotDictionaries[""]?.values == ["empty key"])
        // Python writes the entry as 0a 00 (key "") 12 0b (value); protobuf-c as 12 0b only.
        #expect(decoded.serializedBytes() == [0x4A, 0x0D] + fixture.bytes.dropFirst(4))
    }
}
