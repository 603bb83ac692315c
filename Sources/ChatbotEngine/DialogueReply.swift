/// What a bot answers to one query: the decision between the three bands, and its content.
package struct DialogueReply: Sendable {
    package enum Status: Sendable, Hashable {
        /// The best entry reached its threshold: its answer.
        case faq
        /// A follow-up entry (``FAQEntry/follows``) reached its threshold in the context of the
        /// entry it follows: its answer.
        case contextFAQ
        /// The knowledge base had no hit; the general skill (``GeneralSkill``) did: its answer.
        case generalFAQ
        /// The best entry reached the recommendation floor only: a list of likely questions.
        case recommend
        /// Nothing close enough: the bot's fallback answer.
        case noMatch
        /// A person serves the user: the bot does not answer (no text, nothing to send).
        case personServing
    }

    package var status: Status
    /// The answered entry (``Status/faq``), else the best candidate, if any.
    package var entry: FAQEntry?
    /// The best candidate's confidence (0 without candidates).
    package var confidence: Double
    package var answer: String
    package var answerKind: AnswerKind
    /// The recommended entries (``Status/recommend`` only), best first.
    package var options: [MatchCandidate]
    /// Whether ``answer`` is the bot's fallback.
    package var isDefaultAnswer: Bool
    /// Every scored candidate, best first (for `explain`).
    package var candidates: [MatchCandidate]
    /// The slots of the answered entry that the query (or the dialogue before it) filled.
    package var slots: [FilledSlot] = []
    /// Where the dialogue stands after this reply.
    package var dialogStatus: DialogStatus = .none

    /// Whether the reply answers with an entry: FAQ, CONTEXT_FAQ or GENERAL_FAQ.
    package var isHit: Bool { status == .faq || status == .contextFAQ || status == .generalFAQ }
}

/// Where a dialogue stands: the platform's `dialog_status`.
package enum DialogStatus: String, Sendable, Hashable {
    /// No dialogue in progress: an answer that needs nothing more.
    case none = "NONE"
    /// The answer asks for a required slot's value; the next query may give it.
    case slotFilling = "SLOT_FILLING"
    /// The answer completes a slot dialogue: its slots are filled.
    case complete = "COMPLETE"
}

extension DialogueReply {
    /// The reply while a person serves the user: no answer, no candidates.
    package static let personServing = DialogueReply(
        status: .personServing,
        entry: nil,
        confidence: 0,
        answer: "",
        answerKind: .text,
        options: [],
        isDefaultAnswer: false,
        candidates: []
    )

    /// The skill name that marks its entries as requests for a person, as on the platform.
    package static let handoffSkillMarker = "转人工"

    /// Whether the reply answers with an entry that hands the user to a person: one marked
    /// ``FAQEntry/handoff``, or of a skill whose name contains ``handoffSkillMarker``.
    package var requestsPerson: Bool {
        guard status == .faq || status == .contextFAQ, let entry else { return false }
        return entry.handoff || Self.containsMarker(entry.skill)
    }

    private static let markerBytes = Array(handoffSkillMarker.utf8)

    /// Whether `skill` holds ``handoffSkillMarker``: a search of its UTF-8 bytes, a fraction of
    /// the cost of `String.contains`, which compares characters.
    private static func containsMarker(_ skill: String) -> Bool {
        let marker = markerBytes
        let found: Bool? = skill.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.count >= marker.count else { return false }
            for start in 0...(bytes.count - marker.count)
            where bytes[start] == marker[0] && marker.indices.allSatisfy({ bytes[start + $0] == marker[$0] }) {
                return true
            }
            return false
        }
        return found ?? skill.contains(handoffSkillMarker)
    }
}

extension KnowledgeBase {
    /// Matches `query` and decides the reply.
    ///
    /// One query on its own, without a dialogue (``converse(_:session:)`` has one): follow-up
    /// entries do not match, slots stay empty, the general skill does not answer.
    ///
    /// Skill scoping is strict: with first-priority skills, only entries of those skills are
    /// considered first; a hit there wins. Otherwise the second-priority skills are tried, and a
    /// hit there wins; failing both, the better of the two best candidates decides between
    /// recommending and the fallback. Without skills, every entry is considered.
    ///
    /// - Parameter fallbackSeed: Picks one of several fallback answers (for example a hash of the
    ///   query), so that a bot with several fallbacks varies them deterministically.
    package func reply(
        to query: String,
        firstPrioritySkills: [String] = [],
        secondPrioritySkills: [String] = [],
        settings: BotSettings,
        fallbackSeed: Int = 0
    ) -> DialogueReply {
        let turn = DialogueTurn(
            query: query,
            firstPrioritySkills: firstPrioritySkills,
            secondPrioritySkills: secondPrioritySkills,
            settings: settings
        )
        let candidates = candidates(for: query, turn, eligible: { _ in false })
        return Self.decide(candidates, settings: settings, fallbackSeed: fallbackSeed)
    }

    static func decide(_ candidates: [MatchCandidate], settings: BotSettings, fallbackSeed: Int) -> DialogueReply {
        let fallback = settings.fallbackAnswers[abs(fallbackSeed % settings.fallbackAnswers.count)]
        guard let best = candidates.first else {
            return DialogueReply(
                status: .noMatch,
                entry: nil,
                confidence: 0,
                answer: fallback,
                answerKind: AnswerKind(content: fallback),
                options: [],
                isDefaultAnswer: true,
                candidates: []
            )
        }
        let threshold = settings.threshold(for: best.entry)
        if best.confidence >= threshold {
            return DialogueReply(
                status: .faq,
                entry: best.entry,
                confidence: best.confidence,
                answer: best.entry.answer,
                answerKind: AnswerKind(content: best.entry.answer),
                options: [],
                isDefaultAnswer: false,
                candidates: candidates
            )
        }
        let floor = threshold * settings.recommendRatio
        if best.confidence >= floor {
            let options = Array(candidates.prefix(settings.maxOptions).filter { $0.confidence >= floor })
            return DialogueReply(
                status: .recommend,
                entry: best.entry,
                confidence: best.confidence,
                answer: recommendation(settings.recommendPrompt, options),
                answerKind: .text,
                options: options,
                isDefaultAnswer: false,
                candidates: candidates
            )
        }
        return DialogueReply(
            status: .noMatch,
            entry: best.entry,
            confidence: best.confidence,
            answer: fallback,
            answerKind: AnswerKind(content: fallback),
            options: [],
            isDefaultAnswer: true,
            candidates: candidates
        )
    }

    /// The prompt, then one `weixin://bizmsgmenu` link per option: tapping one sends its question.
    static func recommendation(_ prompt: String, _ options: [MatchCandidate]) -> String {
        var text = prompt
        for (index, option) in options.enumerated() {
            let title = option.entry.question
            text += "\n<a href=\"weixin://bizmsgmenu?msgmenucontent=\(title)&msgmenuid=\(index + 1)\">\(title)</a>"
        }
        return text
    }
}
