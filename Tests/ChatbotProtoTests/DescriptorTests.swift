import ChatbotProto
import Testing

/// `ProtoDescriptors`, the data for gRPC server reflection.
@Suite("Descriptors")
struct DescriptorTests {
    @Test("The FileDescriptorProtos are Python's serialization of protoc-c's descriptor set")
    func fileDescriptorProtos() {
        #expect(
            ProtoDescriptors.fileDescriptorProtos.keys.sorted() == [
                "chatbot/v1/chatbot.proto",
                "grpc/health/v1/health.proto",
                "grpc/reflection/v1/reflection.proto",
                "grpc/reflection/v1alpha/reflection.proto",
            ]
        )
        #expect(ProtoDescriptors.fileDescriptorProtos == ProtoFixture.fileDescriptorProtos)
    }

    @Test("The service names")
    func serviceNames() {
        #expect(
            ProtoDescriptors.serviceNames == [
                "chatbot.v1.Chatbot",
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
            ]
        )
    }

    @Test("Symbols map to the files that define them, and files list their imports")
    func symbols() {
        let symbols = ProtoDescriptors.fileNameBySymbol
        #expect(symbols["chatbot.v1.Chatbot"] == "chatbot/v1/chatbot.proto")
        #expect(symbols["chatbot.v1.Chatbot.Sign"] == "chatbot/v1/chatbot.proto")
        #expect(symbols["chatbot.v1.QueryResponse.Option"] == "chatbot/v1/chatbot.proto")
        #expect(symbols["chatbot.v1.MatchStatus"] == "chatbot/v1/chatbot.proto")
        #expect(symbols["grpc.health.v1.HealthCheckResponse.ServingStatus"] == "grpc/health/v1/health.proto")
        #expect(symbols["grpc.health.v1.Health.Watch"] == "grpc/health/v1/health.proto")
        #expect(symbols["grpc.reflection.v1.ServerReflection"] == "grpc/reflection/v1/reflection.proto")
        #expect(symbols["grpc.reflection.v1alpha.ServerReflection"] == "grpc/reflection/v1alpha/reflection.proto")
        #expect(symbols["chatbot.v1.Nope"] == nil)
        #expect(Set(symbols.values) == Set(ProtoDescriptors.fileDescriptorProtos.keys))
        #expect(ProtoDescriptors.dependencies["chatbot/v1/chatbot.proto"] == [])
    }

    @Test("A FileDescriptorResponse carries the descriptors through our own encoder")
    func reflectionResponse() throws {
        let files = ProtoDescriptors.fileDescriptorProtos.keys.sorted().compactMap {
            ProtoDescriptors.fileDescriptorProtos[$0]
        }
        let response = GrpcReflectionV1.ServerReflectionResponse(
            messageResponse: .fileDescriptorResponse(
                GrpcReflectionV1.FileDescriptorResponse(fileDescriptorProto: files)
            )
        )
        #expect(try GrpcReflectionV1.ServerReflectionResponse(serializedBytes: response.serializedBytes()) == response)
    }
}
