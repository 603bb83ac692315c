/// Matching quality over a labelled query set, as `chatbotctl eval` and the benchmarks print it.
///
/// In-KB queries (with a gold entry) count for accuracy@1, recall@3 and MRR@10. At the threshold,
/// a query is answered when its best candidate's confidence reaches it; a hit is correct when that
/// candidate is the gold. Out-of-KB queries (no gold) answered are false hits.
package struct Evaluation: Sendable {
    package struct Figures: Sendable, Hashable {
        package var inKB = 0
        package var outOfKB = 0
        package var top1 = 0
        package var top3 = 0
        package var reciprocalRank = 0.0
        package var answeredInKB = 0
        package var correctHits = 0
        package var falseHits = 0
        package var recommendedInKB = 0
        package var recommendedWithGoldInKB = 0

        package var accuracyAt1: Double { ratio(top1, inKB) }
        package var recallAt3: Double { ratio(top3, inKB) }
        package var mrrAt10: Double { inKB == 0 ? 0 : reciprocalRank / Double(inKB) }
        /// In-KB queries answered (confidence at or above the threshold).
        package var answeredRate: Double { ratio(answeredInKB, inKB) }
        /// Correct hits among all hits, in-KB and out-of-KB.
        package var hitPrecision: Double { ratio(correctHits, answeredInKB + falseHits) }
        /// Out-of-KB queries answered.
        package var falseHitRate: Double { ratio(falseHits, outOfKB) }
        /// In-KB queries in the recommend band.
        package var recommendRate: Double { ratio(recommendedInKB, inKB) }
        /// In-KB queries in the recommend band whose gold is among the first three options.
        package var recommendedWithGoldRate: Double { ratio(recommendedWithGoldInKB, inKB) }

        private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
    }

    package let threshold: Double
    package let recommendRatio: Double
    package private(set) var all = Figures()
    package private(set) var bySource: [String: Figures] = [:]

    package init(threshold: Double, recommendRatio: Double = BotSettings.defaultRecommendRatio) {
        self.threshold = threshold
        self.recommendRatio = recommendRatio
    }

    /// Counts one query.
    ///
    /// - Parameters:
    ///   - gold: The key of the right entry, or nil when the knowledge base cannot answer it.
    ///   - ranked: The candidates' entry keys, best first.
    ///   - confidence: The best candidate's confidence (0 without candidates).
    ///   - threshold: The threshold for this query (an entry's own, or the bot's when nil).
    ///   - source: A label to report separately, if any.
    package mutating func add(
        gold: String?,
        ranked: [String],
        confidence: Double,
        threshold: Double? = nil,
        source: String? = nil
    ) {
        let threshold = threshold ?? self.threshold
        let answered = confidence >= threshold
        let recommended = !answered && confidence >= threshold * recommendRatio
        func count(_ figures: inout Figures) {
            guard let gold else {
                figures.outOfKB += 1
                if answered { figures.falseHits += 1 }
                return
            }
            figures.inKB += 1
            let position = ranked.prefix(10).firstIndex(of: gold)
            if position == 0 { figures.top1 += 1 }
            if let position, position < 3 { figures.top3 += 1 }
            if let position { figures.reciprocalRank += 1 / Double(position + 1) }
            if answered {
                figures.answeredInKB += 1
                if position == 0 { figures.correctHits += 1 }
            }
            if recommended {
                figures.recommendedInKB += 1
                if let position, position < 3 { figures.recommendedWithGoldInKB += 1 }
            }
        }
        count(&all)
        if let source { count(&bySource[source, default: Figures()]) }
    }
}
