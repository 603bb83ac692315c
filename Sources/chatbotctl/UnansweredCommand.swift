import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Foundation

/// `chatbotctl unanswered`: the questions a bot could not answer, from the store.
struct UnansweredCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unanswered",
        abstract: "Print the questions a bot could not answer or only recommended for, as JSON Lines.",
        discussion: """
            chatbotd notes every online query answered NOMATCH or FAQ_RECOMMEND, grouped by its normalised \
            text (without particles such as 吗 or fillers such as 请问), and writes them to the store within \
            a few seconds; no user id is kept, and each bot keeps its 10,000 most recently asked. Each line is \
            {"query","normalized","count","first_seen","last_seen","status","best_id","best_question", \
            "best_confidence"}, most asked first; times are milliseconds since the epoch. gRPC's \
            ListUnanswered gives the same.
            """
    )

    @Option(help: "The bot's TOKEN.") var token: String
    @Option(help: "Only those asked since: Unix seconds, or a time ago such as 30m, 24h, 7d.") var since: String?
    @Option(help: "At most this many lines.") var limit = SQLiteStore.maxUnansweredPerBot
    @OptionGroup var database: BotsCommand.DatabaseOptions

    func validate() throws {
        if let since, Self.milliseconds(since: since, now: 0) == nil {
            throw ValidationError("--since takes Unix seconds or a time ago such as 30m, 24h, 7d, not \"\(since)\"")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let from = since.flatMap { Self.milliseconds(since: $0, now: now) } ?? 0
        let (store, bot) = try database.openStore(botToken: token, step: "unanswered")
        let questions = try reportingStoreFailure("unanswered") { () throws(StoreError) in
            try store.unanswered(botID: bot.id, since: from, limit: limit)
        }
        var output = JSONLinesOutput()
        for question in questions {
            output.append(
                .object([
                    ("query", .string(question.query)), ("normalized", .string(question.normalized)),
                    ("count", .integer(question.count)), ("first_seen", .integer(question.firstSeen)),
                    ("last_seen", .integer(question.lastSeen)), ("status", .string(question.status)),
                    ("best_id", .string(question.bestKey)), ("best_question", .string(question.bestQuestion)),
                    ("best_confidence", .number(String(question.bestConfidence))),
                ])
            )
        }
        output.flush()
    }

    /// `since` as milliseconds since the epoch: Unix seconds, or `now` minus N s, m, h or d.
    static func milliseconds(since: String, now: Int64) -> Int64? {
        if let seconds = Int64(since), seconds >= 0 { return seconds * 1000 }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = since.last.flatMap({ units[$0] }), let count = Int64(since.dropLast()), count >= 0 else {
            return nil
        }
        return now - count * unit * 1000
    }
}
