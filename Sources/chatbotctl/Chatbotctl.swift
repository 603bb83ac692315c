import ArgumentParser

/// The command-line tool: bots, knowledge bases, evaluation, payload debugging for integrators, and
/// sign/query as a gRPC client of a running server.
@main
struct Chatbotctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatbotctl",
        abstract: "Manage and debug a chatbotd deployment.",
        subcommands: [
            BotsCommand.self, KnowledgeBaseCommand.self, DictionaryCommand.self, PublishCommand.self, EvalCommand.self,
            CryptoCommand.self,
            JWTCommand.self, SignCommand.self, QueryCommand.self, KefuCommand.self, OutboxCommand.self,
            UnansweredCommand.self,
        ]
    )
}
