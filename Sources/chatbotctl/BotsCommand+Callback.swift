import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotService
import ChatbotStore

extension BotsCommand {
    /// `chatbotctl bots set-callback`: where the bot's customer-service notices go.
    struct SetCallback: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-callback",
            abstract: "Set the URL the bot's customer-service notices are POSTed to; print it as JSON.",
            discussion: """
                chatbotd POSTs {"encrypted": "<envelope>"} there, as the platform does: the messages of users \
                a person serves, requests for a person and handoff state changes. An empty URL stops the \
                notices (those already queued are still delivered). Prints {"token","callback_url"} once \
                committed.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "An http:// URL, or \"\" for none.") var callbackURL: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard !callbackURL.isEmpty else { return }
            do throws(CallbackURL.Invalid) {
                _ = try CallbackURL(callbackURL)
            } catch {
                throw ValidationError(error.message)
            }
        }

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "bots set-callback")
            try reportingStoreFailure("bots set-callback") { () throws(StoreError) in
                try store.setCallbackURL(botID: bot.id, callbackURL)
            }
            writeLine(.object([("token", .string(bot.token)), ("callback_url", .string(callbackURL))]))
        }
    }
}
