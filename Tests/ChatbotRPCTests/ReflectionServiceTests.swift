import Testing

@testable import ChatbotRPC

@Suite struct ReflectionServiceTests {
    let reflection = ReflectionService(services: [HealthService()])

    @Test func listsTheServedServices() {
        guard case .services(let names) = reflection.answer(.listServices) else {
            Issue.record("no service list")
            return
        }
        #expect(names.contains("grpc.health.v1.Health"))
        #expect(names.contains("grpc.reflection.v1.ServerReflection"))
        #expect(!names.contains("chatbot.v1.Chatbot"))  // not served by this instance
    }

    @Test func findsFilesBySymbolAndName() {
        for question in [
            ReflectionService.Question.fileContainingSymbol("chatbot.v1.Chatbot"),
            .fileContainingSymbol("chatbot.v1.SignRequest"),
            .fileContainingSymbol("chatbot.v1.Chatbot.Sign"),
            .fileByName("chatbot/v1/chatbot.proto"),
        ] {
            guard case .files(let files) = reflection.answer(question) else {
                Issue.record("no file for \(question)")
                continue
            }
            #expect(files.count == 1 && !files[0].isEmpty)
        }
    }

    @Test func answersNotFoundForUnknownSymbols() {
        guard case .error(let code, let message) = reflection.answer(.fileContainingSymbol("no.Such")) else {
            Issue.record("expected an error")
            return
        }
        #expect(code == .notFound)
        #expect(message == "symbol not found: no.Such")
    }
}
