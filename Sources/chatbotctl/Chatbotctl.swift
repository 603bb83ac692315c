import ArgumentParser

/// The command-line tool: bots, knowledge bases, evaluation, and payload debugging for integrators.
@main
struct Chatbotctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatbotctl",
        abstract: "Manage and debug a chatbotd deployment.",
        subcommands: [
            BotsCommand.self, KnowledgeBaseCommand.self, PublishCommand.self, EvalCommand.self, CryptoCommand.self,
            JWTCommand.self,
        ]
    )
}
