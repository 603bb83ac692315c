/// libFuzzer target: protobuf decoding (protobuf-c through the generated Swift bridge) of every
/// message type the server or its clients decode.
///
/// The first byte picks the type (its value modulo the number of types, in the order of
/// ``messageTypes``); the rest is the wire bytes. What decodes must round-trip: decode, serialise,
/// decode again gives an equal value (compared by description when a `double` is NaN), the
/// serialised size is what ``ProtoMessage/serializedSize`` promised, and serialising again gives
/// the same bytes.
internal import CChatbotFuzz
internal import ChatbotProto
internal import Glibc

/// Every generated message type; seeds in Fuzz/corpus/FuzzProto/ start with their index here.
private let messageTypes: [any ProtoMessage.Type] = [
    ChatbotV1.Status.self,
    ChatbotV1.SignRequest.self,
    ChatbotV1.SignResponse.self,
    ChatbotV1.SlotValues.self,
    ChatbotV1.QueryRequest.self,
    ChatbotV1.QueryResponse.self,
    ChatbotV1.QueryResponse.Option.self,
    ChatbotV1.QueryResponse.SlotInfo.self,
    ChatbotV1.QueryResponse.Msg.self,
    ChatbotV1.QueryResponse.Candidate.self,
    ChatbotV1.QueryResult.self,
    ChatbotV1.MessageRequest.self,
    ChatbotV1.MessageResponse.self,
    ChatbotV1.EncryptedRequest.self,
    ChatbotV1.SetAutoReplyResponse.self,
    ChatbotV1.BatchImportSkillResponse.self,
    ChatbotV1.PublishRequest.self,
    ChatbotV1.PublishResponse.self,
    ChatbotV1.PublishProgressRequest.self,
    ChatbotV1.PublishProgressResponse.self,
    ChatbotV1.SendMessageResponse.self,
    ChatbotV1.KefuStateRequest.self,
    ChatbotV1.ChangeKefuStateRequest.self,
    ChatbotV1.KefuStateResponse.self,
    ChatbotV1.SubscribeOutboxRequest.self,
    ChatbotV1.OutboxMessage.self,
    GrpcHealthV1.HealthCheckRequest.self,
    GrpcHealthV1.HealthCheckResponse.self,
    GrpcReflectionV1.ServerReflectionRequest.self,
    GrpcReflectionV1.ExtensionRequest.self,
    GrpcReflectionV1.ServerReflectionResponse.self,
    GrpcReflectionV1.FileDescriptorResponse.self,
    GrpcReflectionV1.ExtensionNumberResponse.self,
    GrpcReflectionV1.ListServiceResponse.self,
    GrpcReflectionV1.ServiceResponse.self,
    GrpcReflectionV1.ErrorResponse.self,
    GrpcReflectionV1alpha.ServerReflectionRequest.self,
    GrpcReflectionV1alpha.ExtensionRequest.self,
    GrpcReflectionV1alpha.ServerReflectionResponse.self,
    GrpcReflectionV1alpha.FileDescriptorResponse.self,
    GrpcReflectionV1alpha.ExtensionNumberResponse.self,
    GrpcReflectionV1alpha.ListServiceResponse.self,
    GrpcReflectionV1alpha.ServiceResponse.self,
    GrpcReflectionV1alpha.ErrorResponse.self,
]

private func roundTrip<Message: ProtoMessage>(_ type: Message.Type, _ bytes: UnsafeRawBufferPointer) {
    guard let first = try? Message(serializedBytes: bytes) else { return }
    let encoded = first.serializedBytes()
    precondition(encoded.count == first.serializedSize, "\(Message.protoName): serializedSize is not the encoded size")
    let second: Message
    do {
        second = try Message(serializedBytes: encoded)
    } catch {
        fatalError("\(Message.protoName): its own encoding does not decode: \(error)")
    }
    // NaN is not equal to itself, so values are also compared as text; the encoding drops a
    // double's -0.0 (an implicit-presence field equal to 0 is not written), so zeros are compared
    // without their sign.
    precondition(
        second == first || unsignedZeros("\(second)") == unsignedZeros("\(first)"),
        "\(Message.protoName): round trip changed the value: \(first) vs \(second)"
    )
    precondition(second.serializedBytes() == encoded, "\(Message.protoName): encoding is not stable")
}

/// `text` with every `-0.0` (not followed by more digits or an exponent) written `0.0`.
private func unsignedZeros(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "-"), bytes[(i + 1)...].starts(with: "0.0".utf8) {
            let next = i + 4 < bytes.count ? bytes[i + 4] : UInt8(ascii: " ")
            if !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) && next != UInt8(ascii: "e") {
                i += 1
                continue
            }
        }
        out.append(bytes[i])
        i += 1
    }
    return String(decoding: out, as: UTF8.self)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let type = messageTypes[Int(data[0]) % messageTypes.count]
    roundTrip(type, UnsafeRawBufferPointer(start: data + 1, count: size - 1))
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
