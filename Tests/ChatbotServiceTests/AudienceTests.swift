import ChatbotService
import ChatbotStore
import NIOPosix
import Testing

@testable import ChatbotRPC

/// Every operation of both faces is either dialogue or management, never both, so that
/// `chatbotd --admin-listen` puts each one on the address it belongs to on purpose.
@Suite struct AudienceTests {
    func withOperations(_ body: (ChatbotOperations) throws -> Void) async throws {
        let store = try SQLiteStore(path: ":memory:")
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let operations = ChatbotOperations(
            directory: BotDirectory(store: store, threadPool: threadPool) { 0 },
            knowledgeBases: KnowledgeBases(store: store),
            store: store,
            threadPool: threadPool
        ) { 0 }
        do {
            try body(operations)
        } catch {
            try await threadPool.shutdownGracefully()
            throw error
        }
        try await threadPool.shutdownGracefully()
    }

    @Test func everyMethodIsDialogueOrManagement() async throws {
        try await withOperations { operations in
            let paths = ChatbotRPCService(operations: operations).methods.map(\.path)
            #expect(ChatbotRPCService.dialogueMethodPaths.isDisjoint(with: ChatbotRPCService.managementMethodPaths))
            #expect(
                Set(paths) == ChatbotRPCService.dialogueMethodPaths.union(ChatbotRPCService.managementMethodPaths)
            )
        }
    }

    @Test func everyRouteIsDialogueOrManagement() async throws {
        try await withOperations { operations in
            let labels = OpenAPIGateway(operations: operations).routes.map(\.label)
            #expect(OpenAPIGateway.dialogueRouteLabels.isDisjoint(with: OpenAPIGateway.managementRouteLabels))
            #expect(Set(labels) == OpenAPIGateway.dialogueRouteLabels.union(OpenAPIGateway.managementRouteLabels))
        }
    }
}
