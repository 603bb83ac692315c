/// The general skill: general conversation (greetings, thanks, goodbyes, who the bot is, …) that
/// ships with chatbotd, answered with status GENERAL_FAQ when a bot's own knowledge base has no hit.
///
/// Its entries live in one knowledge base that every bot shares (``knowledgeBase``); a bot can
/// turn the skill off or give any intent its own answer (``BotSettings/generalSkill``,
/// ``BotSettings/generalAnswers``).
package enum GeneralSkill {
    /// One intent: a standard question, its paraphrases and the default answer.
    struct Intent: Sendable {
        /// `greeting.zh`, `thanks.en`, …: the name a bot's own answer is given under.
        var key: String
        var title: String
        var phrasings: [String]
        var answer: String
    }

    /// The confidence a general-skill answer needs at least, above a lower bot threshold: 0.95.
    ///
    /// The phrasings are short, so a question about something else that shares a word with one
    /// scores high against it ("明天会下雨吗" reaches 0.875 against "明天见"); general conversation
    /// answers only what is nearly one of its phrasings.
    package static let threshold = 0.95

    /// The skill's name (`ans_node_name`, `skill_name`).
    package static let skillName = "通用闲聊"

    /// The entries' ids start here, far above any id the store gives: 2^40.
    package static let firstID: Int64 = 1 << 40

    /// The intents' keys, for checking a bot's answers.
    package static let intentKeys: [String] = builtInIntents.map(\.key)

    /// The skill's entries, keyed `general:<intent>`.
    package static let knowledgeBase = KnowledgeBase(
        entries: builtInIntents.enumerated().map { index, intent in
            FAQEntry(
                id: firstID + Int64(index),
                key: keyPrefix + intent.key,
                skill: skillName,
                question: intent.title,
                similar: intent.phrasings,
                answers: [intent.answer]
            )
        }
    )

    static let keyPrefix = "general:"

    /// The ideographs and words of every phrasing, normalised as matching reads them.
    private static let vocabulary: (ideographs: Set<Unicode.Scalar>, words: Set<String>) = {
        var ideographs = Set<Unicode.Scalar>()
        var words = Set<String>()
        for intent in builtInIntents {
            for phrasing in [intent.title] + intent.phrasings {
                let text = NormalizedText(phrasing)
                ideographs.formUnion(text.ideographs)
                words.formUnion(text.words)
            }
        }
        return (ideographs, words)
    }()

    /// Whether `query` could be general conversation at all: at least three quarters of its
    /// ideographs and words occur in some phrasing. A query about anything else ("花呗怎么还款")
    /// is mostly words no greeting or thanks has, and could not reach a threshold against them, so
    /// it is not matched: a set lookup per symbol instead of a match.
    package static func mayMatch(_ query: String) -> Bool {
        let text = NormalizedText(query)
        let total = text.ideographs.count + text.words.count
        guard total > 0 else { return false }
        var known = 0
        for scalar in text.ideographs where vocabulary.ideographs.contains(scalar) { known += 1 }
        for word in text.words where vocabulary.words.contains(word) { known += 1 }
        return known * 4 >= total * 3
    }

    /// The intent of one of ``knowledgeBase``'s entries.
    package static func intent(of entry: FAQEntry) -> String {
        String(entry.key.dropFirst(keyPrefix.count))
    }
}
