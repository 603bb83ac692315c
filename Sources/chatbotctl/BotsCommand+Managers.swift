import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore

extension BotsCommand {
    /// `chatbotctl bots add-manager`: a managerid that the bot's management calls may carry.
    struct AddManager: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-manager",
            abstract: "Let a managerid make the bot's management calls; print the bot's managers as JSON.",
            discussion: """
                setautoreply, batchimportskill, publish and publish_progress carry a managerid in their \
                envelope; one that is not a manager of the bot gets errcode 1015. Adding a manager twice is \
                not an error. Prints {"token","managerid","added","managers":[…]} once committed.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(name: .customLong("managerid"), help: "The managerid to allow.") var managerID: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if managerID.isEmpty { throw ValidationError("--managerid must not be empty") }
        }

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "bots add-manager")
            let (added, managers) = try reportingStoreFailure("bots add-manager") {
                () throws(StoreError) -> (Bool, [String]) in
                let added = try store.addManager(botID: bot.id, managerID: managerID)
                return (added, try store.managers(botID: bot.id))
            }
            writeLine(
                .object([
                    ("token", .string(bot.token)),
                    ("managerid", .string(managerID)),
                    ("added", .bool(added)),
                    ("managers", .array(managers.map(JSONValue.string))),
                ])
            )
        }
    }
}
