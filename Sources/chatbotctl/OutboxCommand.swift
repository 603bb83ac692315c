import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotProto
import ChatbotRPC
import ChatbotStore
import Foundation
import Synchronization

/// `chatbotctl outbox tail|failed|retry`: the messages to users, and the callback notices that
/// could not be delivered.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Follow a bot's outbox; inspect and retry the notices that could not be delivered.",
        subcommands: [Tail.self, Failed.self, Retry.self]
    )

    /// `chatbotctl outbox tail`: the SubscribeOutbox RPC of a running server.
    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a bot's outbox messages as JSON Lines; with --follow, new ones too (SubscribeOutbox).",
            discussion: """
                What sendmsg accepted for the bot's users, oldest first, from after --after (the last seq you \
                saw, to resume without a gap), until the end of the outbox, or with --follow until interrupted; \
                at most --limit messages. Each line is \
                {"seq","appid","openid","channel","msg_type","msg","event","kefuname","kefuavatar", \
                "ans_node_name","create_time"}. Needs a management credential.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "Only messages with a larger seq.") var after: Int64 = 0
        @Option(name: .customLong("channel"), help: "Only this channel (repeatable).") var channels: [Int32] = []
        @Flag(help: "Keep printing new messages as they are committed.") var follow = false
        @Option(help: "Stop after this many messages.") var limit: Int?
        @OptionGroup var credential: ManagementCredentialOptions
        @OptionGroup var connection: ServerOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let request = ChatbotV1.SubscribeOutboxRequest(
                token: token,
                channels: channels,
                afterSeq: after,
                untilCaughtUp: !follow
            )
            let metadata = try credential.metadata("outbox tail")
            let limit = self.limit ?? .max
            let printed = Atomic(0)
            try await connection.withClient("outbox tail") { client throws(RPCError) in
                try await client.serverStreaming(
                    "/chatbot.v1.Chatbot/SubscribeOutbox",
                    request,
                    as: ChatbotV1.OutboxMessage.self,
                    metadata: metadata
                ) { message in
                    writeLine(message.json)
                    return printed.add(1, ordering: .relaxed).newValue < limit
                }
            }
        }
    }

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

extension ChatbotV1.OutboxMessage {
    var json: JSONValue {
        .object([
            ("seq", .integer(seq)),
            ("appid", .string(appid)),
            ("openid", .string(openid)),
            ("channel", .integer(Int64(channel))),
            ("msg_type", .string(msgType)),
            ("msg", .string(msg)),
            ("event", .string(event)),
            ("kefuname", .string(kefuname)),
            ("kefuavatar", .string(kefuavatar)),
            ("ans_node_name", .string(ansNodeName)),
            ("create_time", .integer(createTime)),
        ])
    }
}
