import ChatbotProto
import Testing

/// Encodes with protobuf-c and decodes again, for every field kind the protos use.
@Suite("Round trips")
struct RoundTripTests {
    static func roundTrip<Message: ProtoMessage>(_ value: Message) throws -> Message {
        let bytes = value.serializedBytes()
        #expect(bytes.count == value.serializedSize)
        return try Message(serializedBytes: bytes)
    }

    @Test("Scalars at their limits", arguments: [Int64.min, -1, 0, 1, Int64(Int32.max) + 1, Int64.max])
    func int64(_ value: Int64) throws {
        let response = ChatbotV1.SignResponse(signature: "s", expiresIn: value)
        #expect(try Self.roundTrip(response) == response)
    }

    @Test("Int32 at its limits", arguments: [Int32.min, -1, 0, 1, Int32.max])
    func int32(_ value: Int32) throws {
        let status = ChatbotV1.Status(errcode: value, errmsg: "")
        #expect(try Self.roundTrip(status) == status)
        let outbox = ChatbotV1.OutboxMessage(channel: value)
        #expect(try Self.roundTrip(outbox) == outbox)
    }

    @Test(
        "Doubles",
        arguments: [
            0, 1, -1, 0.1, .pi, 1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity,
        ] as [Double]
    )
    func double(_ value: Double) throws {
        let option = ChatbotV1.QueryResponse.Option(confidence: value)
        #expect(try Self.roundTrip(option).confidence.bitPattern == value.bitPattern)
    }

    @Test("NaN stays NaN")
    func nan() throws {
        let decoded = try Self.roundTrip(ChatbotV1.QueryResponse(confidence: .nan))
        #expect(decoded.confidence.isNaN)
    }

    @Test("Booleans")
    func booleans() throws {
        for done in [false, true] {
            let progress = ChatbotV1.PublishProgressResponse(progress: 50, done: done)
            #expect(try Self.roundTrip(progress) == progress)
        }
    }

    @Test(
        "Strings: empty, Chinese, emoji, combining marks, control characters, long",
        arguments: [
            "", "a", "你好，世界", "😀👍🏽👨‍👩‍👧‍👦🇨🇳", "e\u{301}", "\u{E9}", "\t\n\r\u{1}\u{7F}", "\u{FFFF}\u{10FFFF}",
            String(repeating: "长", count: 100_000),
        ]
    )
    func strings(_ text: String) throws {
        let request = ChatbotV1.SignRequest(token: text, userid: text, username: text, avatar: text)
        let decoded = try Self.roundTrip(request)
        #expect(decoded == request)
        // Byte for byte, not just canonically equal.
        #expect(Array(decoded.username.utf8) == Array(text.utf8))
    }

    @Test("Bytes: empty, every byte value, NUL bytes, large")
    func bytes() throws {
        let samples: [[UInt8]] = [
            [], [0], [0, 0, 0], Array(UInt8.min...UInt8.max), [UInt8](repeating: 0xFF, count: 1 << 20),
        ]
        for raw in samples {
            let message = ChatbotV1.OutboxMessage(raw: raw)
            #expect(try Self.roundTrip(message).raw == raw)
        }
    }

    @Test("Repeated fields: empty, one, many, with empty elements")
    func repeated() throws {
        let skills = (0..<1000).map { "skill \($0)" }
        let request = ChatbotV1.QueryRequest(firstPrioritySkills: skills, secondPrioritySkills: ["", "", "x"])
        #expect(try Self.roundTrip(request) == request)

        let channels = ChatbotV1.SubscribeOutboxRequest(channels: Array(-500..<500))
        #expect(try Self.roundTrip(channels) == channels)

        let files = GrpcReflectionV1.FileDescriptorResponse(fileDescriptorProto: [[], [1, 2, 3], []])
        #expect(try Self.roundTrip(files) == files)

        #expect(try Self.roundTrip(ChatbotV1.SlotValues()) == ChatbotV1.SlotValues())
    }

    @Test("Nested and repeated messages, including empty ones")
    func nested() throws {
        let response = ChatbotV1.QueryResponse(
            options: (0..<50).map { ChatbotV1.QueryResponse.Option(ansNodeName: "n\($0)", confidence: Double($0) / 50) }
                + [ChatbotV1.QueryResponse.Option()],
            slotsInfo: [ChatbotV1.QueryResponse.SlotInfo(slotName: "城市", slotValue: "北京", normValue: "")],
            msg: [ChatbotV1.QueryResponse.Msg()],
            candidates: [ChatbotV1.QueryResponse.Candidate(ansNodeId: .min, matchedQuestion: "？")]
        )
        #expect(try Self.roundTrip(response) == response)

        let reflection = GrpcReflectionV1.ServerReflectionResponse(
            validHost: "h",
            originalRequest: GrpcReflectionV1.ServerReflectionRequest(),
            messageResponse: nil
        )
        let decoded = try Self.roundTrip(reflection)
        #expect(decoded == reflection)
        // An empty nested message is present, not nil.
        #expect(decoded.originalRequest != nil)
        #expect(try Self.roundTrip(GrpcReflectionV1.ServerReflectionResponse()).originalRequest == nil)
    }

    @Test(
        "Enums: every known value and unknown raw values",
        arguments: [Int32.min, -5, -1, 0, 1, 2, 3, 4, 5, 6, 99, Int32.max]
    )
    func enums(_ raw: Int32) throws {
        let response = ChatbotV1.QueryResponse(
            answerType: ChatbotV1.AnswerType(rawValue: raw),
            status: ChatbotV1.MatchStatus(rawValue: raw)
        )
        #expect(try Self.roundTrip(response) == response)
        let health = GrpcHealthV1.HealthCheckResponse(
            status: GrpcHealthV1.HealthCheckResponse.ServingStatus(rawValue: raw)
        )
        #expect(try Self.roundTrip(health) == health)
        let kefu = ChatbotV1.ChangeKefuStateRequest(state: ChatbotV1.KefuState(rawValue: raw))
        #expect(try Self.roundTrip(kefu) == kefu)
        let query = ChatbotV1.QueryRequest(env: ChatbotV1.Env(rawValue: raw))
        #expect(try Self.roundTrip(query) == query)
    }

    @Test("Enum members carry the proto numbers, without the common prefix")
    func enumNames() {
        #expect(ChatbotV1.Env.online.rawValue == 0)
        #expect(ChatbotV1.Env.debug.rawValue == 1)
        #expect(ChatbotV1.MatchStatus.unspecified.rawValue == 0)
        #expect(ChatbotV1.MatchStatus.faq.rawValue == 1)
        #expect(ChatbotV1.MatchStatus.contextFaq.rawValue == 2)
        #expect(ChatbotV1.MatchStatus.generalFaq.rawValue == 3)
        #expect(ChatbotV1.MatchStatus.faqRecommend.rawValue == 4)
        #expect(ChatbotV1.MatchStatus.nomatch.rawValue == 5)
        #expect(ChatbotV1.AnswerType.text.rawValue == 0)
        #expect(ChatbotV1.AnswerType.multimsg.rawValue == 4)
        #expect(ChatbotV1.KefuState.personServing.rawValue == 1)
        #expect(GrpcHealthV1.HealthCheckResponse.ServingStatus.unknown.rawValue == 0)
        #expect(GrpcHealthV1.HealthCheckResponse.ServingStatus.serving.rawValue == 1)
        #expect(GrpcHealthV1.HealthCheckResponse.ServingStatus.notServing.rawValue == 2)
        #expect(GrpcHealthV1.HealthCheckResponse.ServingStatus.serviceUnknown.rawValue == 3)
        #expect(ChatbotV1.QueryRequest().env == .online)
        #expect(ChatbotV1.QueryResponse().status == .unspecified)
    }

    @Test("Oneof: each case, an empty value in each case, and none")
    func oneof() throws {
        let results: [ChatbotV1.QueryResult.OneOf_Result?] = [
            nil,
            .response(ChatbotV1.QueryResponse(answer: "答")),
            .response(ChatbotV1.QueryResponse()),
            .error(ChatbotV1.Status(errcode: 1001, errmsg: "bad token")),
            .error(ChatbotV1.Status()),
        ]
        for result in results {
            let value = ChatbotV1.QueryResult(requestId: "id", result: result)
            #expect(try Self.roundTrip(value) == value)
        }

        typealias Request = GrpcReflectionV1alpha.ServerReflectionRequest
        let requests: [Request.OneOf_MessageRequest?] = [
            nil,
            .fileByFilename("a.proto"),
            .fileByFilename(""),
            .fileContainingSymbol("chatbot.v1.Chatbot.Sign"),
            .fileContainingExtension(GrpcReflectionV1alpha.ExtensionRequest()),
            .allExtensionNumbersOfType("x"),
            .listServices(""),
        ]
        for request in requests {
            let value = Request(host: "h", messageRequest: request)
            #expect(try Self.roundTrip(value) == value)
        }
    }

    @Test("Maps: empty, many keys, empty keys and values; encoding does not depend on insertion order")
    func maps() throws {
        var dictionaries: [String: ChatbotV1.SlotValues] = [:]
        for index in 0..<200 {
            dictionaries["dict\(index)"] = ChatbotV1.SlotValues(values: (0..<(index % 4)).map { "v\($0)" })
        }
        dictionaries[""] = ChatbotV1.SlotValues(values: [""])
        dictionaries["空"] = ChatbotV1.SlotValues()
        let request = ChatbotV1.QueryRequest(token: "t", slotDictionaries: dictionaries)
        #expect(try Self.roundTrip(request) == request)
        #expect(try Self.roundTrip(ChatbotV1.QueryRequest(slotDictionaries: [:])) == ChatbotV1.QueryRequest())

        // The same map built in another order encodes to the same bytes (entries sorted by key).
        var reversed: [String: ChatbotV1.SlotValues] = [:]
        for key in dictionaries.keys.sorted().reversed() {
            reversed[key] = dictionaries[key]
        }
        #expect(
            ChatbotV1.QueryRequest(token: "t", slotDictionaries: reversed).serializedBytes()
                == request.serializedBytes()
        )
    }

    @Test("A default message encodes to no bytes, and no bytes decode to the default")
    func empty() throws {
        #expect(ChatbotV1.QueryResponse().serializedBytes() == [])
        #expect(ChatbotV1.QueryResponse().serializedSize == 0)
        #expect(try ChatbotV1.QueryResponse(serializedBytes: []) == ChatbotV1.QueryResponse())
        #expect(
            try ChatbotV1.QueryResponse(serializedBytes: UnsafeRawBufferPointer(start: nil, count: 0))
                == ChatbotV1.QueryResponse()
        )
        var buffer: [UInt8] = []
        #expect(buffer.withUnsafeMutableBytes { ChatbotV1.SignRequest().serialize(into: $0) } == 0)
    }

    @Test("Unknown fields are skipped when decoding and dropped when encoding again")
    func unknownFields() throws {
        // Field 15 varint 1, field 16 length-delimited "x", then token (field 1) "t".
        let bytes: [UInt8] = [0x78, 0x01, 0x82, 0x01, 0x01, 0x78, 0x0A, 0x01, 0x74]
        let decoded = try ChatbotV1.SignRequest(serializedBytes: bytes)
        #expect(decoded == ChatbotV1.SignRequest(token: "t"))
        #expect(decoded.serializedBytes() == [0x0A, 0x01, 0x74])
    }

    @Test("A U+0000 ends a string inside protobuf-c, when encoding and when decoding")
    func embeddedNUL() throws {
        let encoded = ChatbotV1.SignRequest(token: "ab\u{0}cd").serializedBytes()
        #expect(encoded == [0x0A, 0x02, 0x61, 0x62])
        let decoded = try ChatbotV1.SignRequest(serializedBytes: [0x0A, 0x05, 0x61, 0x62, 0x00, 0x63, 0x64])
        #expect(decoded.token == "ab")
    }

    @Test("protoName is the fully qualified proto name")
    func protoNames() {
        #expect(ChatbotV1.SignRequest.protoName == "chatbot.v1.SignRequest")
        #expect(ChatbotV1.QueryResponse.Option.protoName == "chatbot.v1.QueryResponse.Option")
        #expect(GrpcHealthV1.HealthCheckResponse.protoName == "grpc.health.v1.HealthCheckResponse")
        #expect(
            GrpcReflectionV1alpha.ServerReflectionRequest.protoName == "grpc.reflection.v1alpha.ServerReflectionRequest"
        )
    }

    @Test("Concurrent encoding and decoding share no state")
    func concurrent() async throws {
        let value = ChatbotV1.QueryResult(
            requestId: "r",
            result: .response(
                ChatbotV1.QueryResponse(answer: "并发", options: [ChatbotV1.QueryResponse.Option(title: "t")])
            )
        )
        let expected = value.serializedBytes()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<200 {
                        let bytes = value.serializedBytes()
                        #expect(bytes == expected)
                        let decoded = try ChatbotV1.QueryResult(serializedBytes: bytes)
                        #expect(decoded == value)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
