/// How a bot decides between answering, recommending and admitting it has no answer.
///
/// With the best candidate's confidence `c`: `c ≥ threshold` answers (FAQ);
/// `threshold × recommendRatio ≤ c < threshold` recommends up to ``maxOptions`` entries
/// (FAQ_RECOMMEND); lower gives the fallback answer (NOMATCH).
package struct BotSettings: Sendable, Hashable {
    /// The default threshold, chosen on the evaluation set's dev split (see bench/matcher/README.md).
    package static let defaultThreshold = 0.85
    package static let defaultRecommendRatio = 0.75
    package static let defaultMaxOptions = 3
    package static let maxOptionsRange = 1...5
    package static let defaultFallbackAnswer = "抱歉，我还不会回答这个问题。"
    package static let defaultRecommendPrompt = "您是不是想问："

    package var threshold: Double
    package var recommendRatio: Double
    /// 1–5.
    package var maxOptions: Int
    /// The NOMATCH answers; one is chosen per query. Never empty.
    package var fallbackAnswers: [String]
    /// The text before the recommended questions.
    package var recommendPrompt: String
    /// Whether the general skill (``GeneralSkill``) answers when the knowledge base has no hit.
    package var generalSkill: Bool
    /// The bot's own answers to general-skill intents, by intent key (`greeting.zh`).
    package var generalAnswers: [String: String]
    /// Where the answers of a skill's entries come from instead of the entries, by skill name: an
    /// `http://` URL that gets the platform's third-party service request (``FAQEntry/skill``).
    package var webhooks: [String: String]

    package init(
        threshold: Double = BotSettings.defaultThreshold,
        recommendRatio: Double = BotSettings.defaultRecommendRatio,
        maxOptions: Int = BotSettings.defaultMaxOptions,
        fallbackAnswers: [String] = [BotSettings.defaultFallbackAnswer],
        recommendPrompt: String = BotSettings.defaultRecommendPrompt,
        generalSkill: Bool = true,
        generalAnswers: [String: String] = [:],
        webhooks: [String: String] = [:]
    ) {
        self.threshold = threshold
        self.recommendRatio = recommendRatio
        self.maxOptions = min(max(maxOptions, Self.maxOptionsRange.lowerBound), Self.maxOptionsRange.upperBound)
        self.fallbackAnswers = fallbackAnswers.isEmpty ? [Self.defaultFallbackAnswer] : fallbackAnswers
        self.recommendPrompt = recommendPrompt
        self.generalSkill = generalSkill
        self.generalAnswers = generalAnswers
        self.webhooks = webhooks
    }

    /// The threshold a hit on `entry` must reach: the entry's own when it has one.
    package func threshold(for entry: FAQEntry) -> Double {
        entry.threshold ?? threshold
    }
}
