import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Foundation

/// `chatbotctl outbox failed|retry`: the callback notices that could not be delivered.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect and retry the customer-service notices that could not be delivered.",
        subcommands: [Failed.self, Retry.self]
    )

    /// `chatbotctl outbox failed`: the bot's dead notices, one JSON line each.
    struct Failed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the bot's dead callback notices as JSON Lines, oldest first.",
            discussion: """
                A notice is dead after chatbotd's --callback-max-attempts failed attempts. Each line is \
                {"seq","openid","attempts","last_error","created_at","payload"}.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "The most notices listed.") var limit = 1000
        @OptionGroup var database: BotsCommand.DatabaseOptions

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "outbox failed")
            let dead = try reportingStoreFailure("outbox failed") { () throws(StoreError) in
                try store.deadCallbacks(botID: bot.id, limit: limit)
            }
            var output = JSONLinesOutput()
            for event in dead {
                output.append(
                    .object([
                        ("seq", .integer(event.seq)),
                        ("openid", .string(event.openID)),
                        ("attempts", .integer(Int64(event.attempts))),
                        ("last_error", .string(event.lastError)),
                        ("created_at", .integer(event.createdAt)),
                        ("payload", .string(event.payload)),
                    ])
                )
            }
            output.flush()
        }
    }

    /// `chatbotctl outbox retry`: dead notices back in the queue.
    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue the bot's dead callback notices (or one) again; print how many as JSON.",
            discussion: """
                They get a fresh set of attempts, due at once; a running chatbotd picks them up within \
                seconds. Prints {"token","retried"} once committed.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "Only the notice with this seq.") var seq: Int64?
        @OptionGroup var database: BotsCommand.DatabaseOptions

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "outbox retry")
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let retried = try reportingStoreFailure("outbox retry") { () throws(StoreError) in
                try store.retryCallbacks(botID: bot.id, seq: seq, now: now)
            }
            writeLine(.object([("token", .string(bot.token)), ("retried", .integer(Int64(retried)))]))
        }
    }
}
