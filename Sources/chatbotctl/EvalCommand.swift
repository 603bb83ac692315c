import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Foundation

/// `chatbotctl eval`: matching quality of a bot's knowledge base on a labelled query set.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a bot's knowledge base on labelled queries; print the figures as JSON.",
        discussion: """
            FILE has one JSON object per line: {"query": TEXT, "gold": KEY or null}, where KEY is the \
            entry's id as imported (kb import's "id") and null means the knowledge base cannot answer it; \
            an optional "source" is reported separately. Queries run in this process against the bot's \
            knowledge base as stored (--env debug, the draft, by default), at the bot's threshold unless \
            --threshold is given. Prints {"queries","in_kb","out_of_kb","threshold","accuracy_at_1", \
            "recall_at_3","mrr_at_10","answered","hit_precision","false_hit_rate","recommended", \
            "recommended_gold_in_top3", \
            "queries_per_second","general_skill_answers":{"in_kb","out_of_kb"},"by_source":{…}}; rates are \
            fractions in [0,1]. general_skill_answers (when the bot has the general skill on) counts the \
            queries without a hit that the general skill would answer instead: in-KB ones are answers lost \
            to it.
            """
    )

    @Option(help: "The bot's TOKEN.") var token: String
    @Option(name: .customLong("queries"), help: "The labelled queries (JSON Lines).") var queriesPath: String
    @Option(help: "Which knowledge base: debug (the draft) or online (the published copy).") var env: String = "debug"
    @Option(help: "The threshold to evaluate at (default: the bot's).") var threshold: Double?
    @OptionGroup var database: BotsCommand.DatabaseOptions

    func validate() throws {
        guard env == "debug" || env == "online" else { throw ValidationError("--env must be debug or online") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be in [0, 1]") }
    }

    func run() throws {
        let (store, bot) = try database.openStore(botToken: token, step: "eval")
        let kbEnv: KnowledgeBaseEnv = env == "debug" ? .debug : .online
        let entries = try reportingStoreFailure("eval") { () throws(StoreError) in
            try store.entries(botID: bot.id, env: kbEnv)
        }
        let queries = try Self.readQueries(queriesPath)
        let knowledgeBase = KnowledgeBase(entries: entries)
        var settings = bot.settings
        if let threshold { settings.threshold = threshold }
        var evaluation = Evaluation(threshold: settings.threshold, recommendRatio: settings.recommendRatio)
        // Queries without a hit that the general skill would answer instead (GENERAL_FAQ): in-KB
        // ones are answers lost to it, out-of-KB ones may be greetings or may be false hits.
        var general = (inKB: 0, outOfKB: 0)
        let start = ContinuousClock.now
        for query in queries {
            let candidates = knowledgeBase.match(query.text)
            let hit = candidates.first.map { $0.confidence >= settings.threshold(for: $0.entry) } ?? false
            if !hit, settings.generalSkill, GeneralSkill.mayMatch(query.text),
                let best = GeneralSkill.knowledgeBase.bestOfFew(query.text),
                best.confidence >= max(settings.threshold, GeneralSkill.threshold)
            {
                if query.gold == nil { general.outOfKB += 1 } else { general.inKB += 1 }
            }
            evaluation.add(
                gold: query.gold,
                ranked: candidates.map(\.entry.key),
                confidence: candidates.first?.confidence ?? 0,
                threshold: candidates.first.map { settings.threshold(for: $0.entry) },
                source: query.source
            )
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var members = Self.members(evaluation.all)
        members.insert(("threshold", .number(Self.format(settings.threshold))), at: 3)
        members.append(("queries_per_second", .number(String(Int(Double(queries.count) / max(seconds, 1e-9))))))
        if settings.generalSkill {
            members.append(
                (
                    "general_skill_answers",
                    .object([("in_kb", .integer(Int64(general.inKB))), ("out_of_kb", .integer(Int64(general.outOfKB)))])
                )
            )
        }
        members.append(
            (
                "by_source",
                .object(
                    evaluation.bySource.sorted { $0.key < $1.key }.map { ($0.key, .object(Self.members($0.value))) }
                )
            )
        )
        writeLine(.object(members))
    }

    struct LabelledQuery {
        var text: String
        var gold: String?
        var source: String?
    }

    static func readQueries(_ path: String) throws -> [LabelledQuery] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw failure("eval", "cannot read \(path)")
        }
        var queries: [LabelledQuery] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let value: JSONValue
            do throws(CryptoError) {
                value = try JSONValue(parsing: Array(line))
            } catch {
                throw failure("eval", "line \(number + 1): \(error.message)")
            }
            guard case .object(let members) = value,
                let text = members.first(where: { $0.key == "query" })?.value.stringValue
            else {
                throw failure("eval", "line \(number + 1): expected an object with a string \"query\"")
            }
            let gold = members.first { $0.key == "gold" }?.value
            guard gold == nil || gold == .null || gold?.stringValue != nil else {
                throw failure("eval", "line \(number + 1): \"gold\" must be a string or null")
            }
            queries.append(
                LabelledQuery(
                    text: text,
                    gold: gold?.stringValue,
                    source: members.first { $0.key == "source" }?.value.stringValue
                )
            )
        }
        return queries
    }

    static func members(_ figures: Evaluation.Figures) -> [(key: String, value: JSONValue)] {
        [
            ("queries", .number(String(figures.inKB + figures.outOfKB))),
            ("in_kb", .number(String(figures.inKB))),
            ("out_of_kb", .number(String(figures.outOfKB))),
            ("accuracy_at_1", .number(format(figures.accuracyAt1))),
            ("recall_at_3", .number(format(figures.recallAt3))),
            ("mrr_at_10", .number(format(figures.mrrAt10))),
            ("answered", .number(format(figures.answeredRate))),
            ("hit_precision", .number(format(figures.hitPrecision))),
            ("false_hit_rate", .number(format(figures.falseHitRate))),
            ("recommended", .number(format(figures.recommendRate))),
            ("recommended_gold_in_top3", .number(format(figures.recommendedWithGoldRate))),
        ]
    }

    /// Four decimals, as JSON number text.
    static func format(_ value: Double) -> String {
        String(Double((value * 10_000).rounded()) / 10_000)
    }
}
