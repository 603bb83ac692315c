import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore

/// `chatbotctl publish`: puts a bot's draft knowledge base online.
struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a bot's draft knowledge base; print {\"version\",\"entries\"}.",
        discussion: """
            Replaces the published (online) copy with the draft, in one transaction, and prints one JSON line \
            {"version":V,"entries":N} once it is committed to disk: V is the new published version, N the \
            number of entries online.
            """
    )

    @Option(help: "The bot's TOKEN.") var token: String
    @OptionGroup var database: BotsCommand.DatabaseOptions

    func run() throws {
        let (store, bot) = try database.openStore(botToken: token, step: "publish")
        let (version, count) = try reportingStoreFailure("publish") { () throws(StoreError) in
            let version = try store.publish(botID: bot.id)
            // Read after the commit: another publish in between would be counted instead.
            return (version, try store.entryCount(botID: bot.id, env: .online))
        }
        writeLine(.object([("version", .integer(version)), ("entries", .integer(Int64(count)))]))
        withExtendedLifetime(store) {}
    }
}
