import ChatbotProto
import Testing

/// What one fixture must decode to, and the checks to run on it.
struct FixtureExpectation: Sendable {
    /// The fully qualified type of the expected value.
    var protoName: String
    /// Decodes `bytes` and compares with the value; encodes the value and, when `canonical`,
    /// compares with `bytes`.
    var check: @Sendable (_ bytes: [UInt8], _ canonical: Bool) throws -> Void

    init<Message: ProtoMessage>(_ value: Message) {
        protoName = Message.protoName
        check = { bytes, canonical in
            let decoded = try Message(serializedBytes: bytes)
            #expect(decoded == value, "decoding Python's bytes")

            let encoded = value.serializedBytes()
            if canonical {
                #expect(encoded == bytes, "encoding: ours \(hex(encoded)), Python's \(hex(bytes))")
            }
            #expect(value.serializedSize == encoded.count)
            #expect(try Message(serializedBytes: encoded) == value, "decoding our own bytes")

            // serialize(into:) writes the same bytes, even into a larger buffer.
            var buffer = [UInt8](repeating: 0xAA, count: encoded.count + 7)
            let written = buffer.withUnsafeMutableBytes { value.serialize(into: $0) }
            #expect(written == encoded.count)
            #expect(Array(buffer[..<written]) == encoded)
        }
    }
}

/// Lowercase hex, for failure messages.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}

/// The value of every case in `Fixtures/manifest.json` (made by `scripts/make-proto-fixtures.py`),
/// spelled out in Swift. Keep both in step: a test checks that the names agree.
enum ExpectedFixtures {
    static let longText = String(repeating: "长", count: 1000) + String(repeating: "😀", count: 100)
    static let mixedText = "你好，请问有什么可以帮您？ 😀👍🏽 \u{E9} <xml>&amp;\n\t\"quoted\""
    static let sunny = "晴，25°C ☀️"

    static let all: [String: FixtureExpectation] = {
        var all: [String: FixtureExpectation] = [:]
        func add(_ name: String, _ value: any ProtoMessage) {
            precondition(all[name] == nil, "duplicate fixture \(name)")
            all[name] = FixtureExpectation(value)
        }

        add("sign_request_empty", ChatbotV1.SignRequest())
        add(
            "sign_request",
            ChatbotV1.SignRequest(
                token: "TOKEN_abc123",
                userid: "openid-oVx5s0Q",
                username: "张三 🐼",
                avatar: "https://example.com/a.png?x=1&y=2"
            )
        )
        add("sign_response", ChatbotV1.SignResponse(signature: "eyJhbGciOiJIUzI1NiJ9.e30.sig", expiresIn: 7200))
        add("sign_response_extremes", ChatbotV1.SignResponse(signature: longText, expiresIn: .min))

        add(
            "query_request",
            ChatbotV1.QueryRequest(
                token: "TOKEN",
                signature: "sig",
                query: mixedText,
                env: .debug,
                firstPrioritySkills: ["天气", "", "weather"],
                secondPrioritySkills: ["闲聊"],
                explain: true,
                requestId: "req-1",
                slotDictionaries: [
                    "city": ChatbotV1.SlotValues(values: ["北京", "上海", ""]),
                    "empty": ChatbotV1.SlotValues(),
                ]
            )
        )
        add(
            "query_request_map_empty_key",
            ChatbotV1.QueryRequest(slotDictionaries: ["": ChatbotV1.SlotValues(values: ["empty key"])])
        )
        add(
            "query_request_duplicate_map_keys",
            ChatbotV1.QueryRequest(slotDictionaries: ["k": ChatbotV1.SlotValues(values: ["second"])])
        )

        add(
            "query_response",
            ChatbotV1.QueryResponse(
                ansNodeId: .max,
                ansNodeName: "天气查询",
                title: "今天天气怎么样",
                answer: sunny,
                answerType: .image,
                confidence: 0.8765432101234567,
                options: [
                    ChatbotV1.QueryResponse.Option(ansNodeName: "a", title: "t1", answer: "x", confidence: 0.5),
                    ChatbotV1.QueryResponse.Option(),
                ],
                status: .faqRecommend,
                fromUserName: "bot",
                toUserName: "user",
                msgId: "m-1",
                query: "天气",
                createTime: "1700000000123",
                isDefaultAnswer: true,
                slotsInfo: [ChatbotV1.QueryResponse.SlotInfo(slotName: "city", slotValue: "北京", normValue: "beijing")],
                msg: [ChatbotV1.QueryResponse.Msg(content: sunny, msgType: "text")],
                candidates: [
                    ChatbotV1.QueryResponse.Candidate(
                        ansNodeId: -1,
                        ansNodeName: "n",
                        title: "t",
                        confidence: 1e-300,
                        matchedQuestion: "q"
                    ),
                    ChatbotV1.QueryResponse.Candidate(confidence: .infinity),
                ]
            )
        )
        add("query_response_negative_zero", ChatbotV1.QueryResponse(confidence: -0.0))
        add(
            "query_response_unknown_enums",
            ChatbotV1.QueryResponse(
                answerType: ChatbotV1.AnswerType(rawValue: 99),
                status: ChatbotV1.MatchStatus(rawValue: -5)
            )
        )

        add("query_result_none", ChatbotV1.QueryResult(requestId: "r1"))
        add(
            "query_result_response",
            ChatbotV1.QueryResult(requestId: "r2", result: .response(ChatbotV1.QueryResponse(answer: "好的")))
        )
        add(
            "query_result_error",
            ChatbotV1.QueryResult(
                requestId: "r3",
                result: .error(ChatbotV1.Status(errcode: 1006, errmsg: "userid missing"))
            )
        )
        add("query_result_empty_response", ChatbotV1.QueryResult(result: .response(ChatbotV1.QueryResponse())))

        add(
            "message_response",
            ChatbotV1.MessageResponse(
                answer: "hi",
                answerType: .multimsg,
                msg: [ChatbotV1.QueryResponse.Msg(content: "hi", msgType: "text"), ChatbotV1.QueryResponse.Msg()],
                status: .nomatch,
                createTime: "1"
            )
        )
        add(
            "outbox_message",
            ChatbotV1.OutboxMessage(
                appid: "wx5823bf96d3bd56c7",
                openid: "o1",
                msg: mixedText,
                channel: -3,
                kefuname: "客服小王",
                kefuavatar: "",
                msgId: "42",
                createTime: 1_700_000_000_123,
                raw: Array(UInt8.min...UInt8.max)
            )
        )
        add("subscribe_outbox_request", ChatbotV1.SubscribeOutboxRequest(token: "T", channels: [0, 1, -3, .max]))
        add("subscribe_outbox_request_unpacked", ChatbotV1.SubscribeOutboxRequest(channels: [0, 1, -3, .max]))
        add(
            "change_kefu_state_request",
            ChatbotV1.ChangeKefuStateRequest(token: "T", appid: "wx1", openid: "o1", state: .personServing)
        )
        add("publish_progress_response", ChatbotV1.PublishProgressResponse(progress: 100, done: true))

        add("health_check_request", GrpcHealthV1.HealthCheckRequest(service: "chatbot.v1.Chatbot"))
        add("health_check_response", GrpcHealthV1.HealthCheckResponse(status: .serving))
        add(
            "health_check_response_unknown",
            GrpcHealthV1.HealthCheckResponse(status: GrpcHealthV1.HealthCheckResponse.ServingStatus(rawValue: 7))
        )

        addReflectionV1(add)
        addReflectionV1alpha(add)
        return all
    }()

    private static func addReflectionV1(_ add: (String, any ProtoMessage) -> Void) {
        typealias Request = GrpcReflectionV1.ServerReflectionRequest
        typealias Response = GrpcReflectionV1.ServerReflectionResponse
        add(
            "reflection_v1_request_file_by_filename",
            Request(host: "localhost", messageRequest: .fileByFilename("chatbot/v1/chatbot.proto"))
        )
        add(
            "reflection_v1_request_file_containing_symbol",
            Request(messageRequest: .fileContainingSymbol("chatbot.v1.Chatbot"))
        )
        add(
            "reflection_v1_request_file_containing_extension",
            Request(
                messageRequest: .fileContainingExtension(
                    GrpcReflectionV1.ExtensionRequest(containingType: "chatbot.v1.QueryRequest", extensionNumber: 100)
                )
            )
        )
        add(
            "reflection_v1_request_all_extension_numbers_of_type",
            Request(messageRequest: .allExtensionNumbersOfType("chatbot.v1.QueryRequest"))
        )
        add("reflection_v1_request_list_services", Request(messageRequest: .listServices("")))
        add(
            "reflection_v1_response_file_descriptors",
            Response(
                validHost: "localhost",
                originalRequest: Request(messageRequest: .fileByFilename("grpc/health/v1/health.proto")),
                messageResponse: .fileDescriptorResponse(
                    GrpcReflectionV1.FileDescriptorResponse(fileDescriptorProto: [[0x0A, 0x00], Array(0..<10), []])
                )
            )
        )
        add(
            "reflection_v1_response_list_services",
            Response(
                originalRequest: Request(messageRequest: .listServices("*")),
                messageResponse: .listServicesResponse(
                    GrpcReflectionV1.ListServiceResponse(service: [
                        GrpcReflectionV1.ServiceResponse(name: "chatbot.v1.Chatbot"),
                        GrpcReflectionV1.ServiceResponse(name: "grpc.health.v1.Health"),
                    ])
                )
            )
        )
        add(
            "reflection_v1_response_extension_numbers",
            Response(
                messageResponse: .allExtensionNumbersResponse(
                    GrpcReflectionV1.ExtensionNumberResponse(
                        baseTypeName: "chatbot.v1.QueryRequest",
                        extensionNumber: [100, 200, 536_870_911]
                    )
                )
            )
        )
        add(
            "reflection_v1_response_error",
            Response(
                messageResponse: .errorResponse(
                    GrpcReflectionV1.ErrorResponse(errorCode: 5, errorMessage: "symbol not found: chatbot.v1.Nope")
                )
            )
        )
    }

    private static func addReflectionV1alpha(_ add: (String, any ProtoMessage) -> Void) {
        typealias Request = GrpcReflectionV1alpha.ServerReflectionRequest
        typealias Response = GrpcReflectionV1alpha.ServerReflectionResponse
        add(
            "reflection_v1alpha_request_file_by_filename",
            Request(host: "localhost", messageRequest: .fileByFilename("chatbot/v1/chatbot.proto"))
        )
        add(
            "reflection_v1alpha_request_file_containing_symbol",
            Request(messageRequest: .fileContainingSymbol("chatbot.v1.Chatbot"))
        )
        add(
            "reflection_v1alpha_request_file_containing_extension",
            Request(
                messageRequest: .fileContainingExtension(
                    GrpcReflectionV1alpha.ExtensionRequest(
                        containingType: "chatbot.v1.QueryRequest",
                        extensionNumber: 100
                    )
                )
            )
        )
        add(
            "reflection_v1alpha_request_all_extension_numbers_of_type",
            Request(messageRequest: .allExtensionNumbersOfType("chatbot.v1.QueryRequest"))
        )
        add("reflection_v1alpha_request_list_services", Request(messageRequest: .listServices("")))
        add(
            "reflection_v1alpha_response_file_descriptors",
            Response(
                validHost: "localhost",
                originalRequest: Request(messageRequest: .fileByFilename("grpc/health/v1/health.proto")),
                messageResponse: .fileDescriptorResponse(
                    GrpcReflectionV1alpha.FileDescriptorResponse(fileDescriptorProto: [
                        [0x0A, 0x00], Array(0..<10), [],
                    ])
                )
            )
        )
        add(
            "reflection_v1alpha_response_list_services",
            Response(
                originalRequest: Request(messageRequest: .listServices("*")),
                messageResponse: .listServicesResponse(
                    GrpcReflectionV1alpha.ListServiceResponse(service: [
                        GrpcReflectionV1alpha.ServiceResponse(name: "chatbot.v1.Chatbot"),
                        GrpcReflectionV1alpha.ServiceResponse(name: "grpc.health.v1.Health"),
                    ])
                )
            )
        )
        add(
            "reflection_v1alpha_response_extension_numbers",
            Response(
                messageResponse: .allExtensionNumbersResponse(
                    GrpcReflectionV1alpha.ExtensionNumberResponse(
                        baseTypeName: "chatbot.v1.QueryRequest",
                        extensionNumber: [100, 200, 536_870_911]
                    )
                )
            )
        )
        add(
            "reflection_v1alpha_response_error",
            Response(
                messageResponse: .errorResponse(
                    GrpcReflectionV1alpha.ErrorResponse(errorCode: 5, errorMessage: "symbol not found: chatbot.v1.Nope")
                )
            )
        )
    }
}
