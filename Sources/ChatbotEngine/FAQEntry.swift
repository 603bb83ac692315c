/// One entry of a bot's knowledge base: a standard question, its paraphrases and its answers.
///
/// Matching scores a query against the standard question and every similar question alike; a
/// hit answers with the entry's first answer (``answers``).
package struct FAQEntry: Sendable, Hashable {
    /// The store's identifier, the platform's `ans_node_id`; 0 for an entry not stored yet.
    package var id: Int64
    /// The caller's key for the entry (`id` in `chatbotctl kb import` lines); unique per bot.
    package var key: String
    /// The skill (the platform's `ans_node_name`), which callers can scope queries to.
    package var skill: String
    /// The standard question (the platform's `title`).
    package var question: String
    /// Paraphrases of ``question``.
    package var similar: [String]
    /// One or more answers, each plain text or a rich answer (``AnswerType``); never empty.
    package var answers: [String]
    /// A threshold for this entry instead of the bot's, when set.
    package var threshold: Double?
    /// Whether a hit hands the user to a person (kefustate needperson), as every entry of a skill
    /// whose name contains 转人工 does too.
    package var handoff: Bool
    /// The keys of the entries this one follows up: it matches only within a few turns after one
    /// of them answered the user, and then answers CONTEXT_FAQ. Empty for an ordinary entry.
    package var follows: [String]
    /// The slots its questions leave open (`{name}`), filled from dictionaries.
    package var slots: [SlotSpec]

    package init(
        id: Int64 = 0,
        key: String,
        skill: String,
        question: String,
        similar: [String] = [],
        answers: [String],
        threshold: Double? = nil,
        handoff: Bool = false,
        follows: [String] = [],
        slots: [SlotSpec] = []
    ) {
        self.id = id
        self.key = key
        self.skill = skill
        self.question = question
        self.similar = similar
        self.answers = answers
        self.threshold = threshold
        self.handoff = handoff
        self.follows = follows
        self.slots = slots
    }

    /// The most similar questions an entry may have: 200.
    ///
    /// Every write checks it (`setautoreply`, `batchimportskill`, `chatbotctl kb import`, through
    /// the store's check of an entry), so that one entry's share of the index stays small: the
    /// synonyms mined from an entry's paraphrases grow with the square of its distinct symbols.
    /// Real entries have a few dozen at most (faq-bench's have up to 19).
    package static let maxSimilarQuestions = 200

    /// The standard question followed by the similar ones.
    package var questions: [String] { [question] + similar }

    /// The answer a hit returns.
    package var answer: String { answers.first ?? "" }
}

/// Which version of a knowledge base a call reads or writes.
package enum KnowledgeBaseEnv: Sendable, Hashable {
    /// The draft: every write lands here, `env=debug` queries read it.
    case debug
    /// The published copy: `env=online` queries read it; `publish` copies the draft here.
    case online
}
