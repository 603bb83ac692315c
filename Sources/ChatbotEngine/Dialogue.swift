/// What a dialogue remembers of one user between queries: the entries answered lately (the
/// context of follow-up entries) and a slot dialogue waiting for a value.
package struct DialogueSession: Sendable, Hashable {
    /// An entry answered on a turn.
    package struct Answered: Sendable, Hashable {
        package var key: String
        package var turn: Int
    }

    /// A slot dialogue waiting for a value: the entry, the slots filled so far.
    package struct Pending: Sendable, Hashable {
        package var entryID: Int64
        package var filled: [FilledSlot]
    }

    /// The platform's `session_id`.
    package var id: String
    /// How many queries the session has answered.
    package var turn = 0
    /// Milliseconds since the epoch of its last query.
    package var lastActive: Int64
    /// The entries answered within the context window, oldest first.
    package var answered: [Answered] = []
    package var pending: Pending?

    package init(id: String, lastActive: Int64) {
        self.id = id
        self.lastActive = lastActive
    }
}

/// How far the context of a dialogue reaches.
package struct DialogueOptions: Sendable, Hashable {
    /// A follow-up entry matches for this many turns after the entry it follows answered: 3.
    package var contextTurns: Int
    /// A follow-up entry in context wins when its confidence is at most this much below the best
    /// candidate's: 0.1.
    package var contextMargin: Double

    package init(contextTurns: Int = 3, contextMargin: Double = 0.1) {
        self.contextTurns = contextTurns
        self.contextMargin = contextMargin
    }
}

/// One query of a dialogue, with what decides its answer.
package struct DialogueTurn: Sendable {
    package var query: String
    package var firstPrioritySkills: [String]
    package var secondPrioritySkills: [String]
    package var settings: BotSettings
    /// Picks among several fallback answers (``KnowledgeBase/reply(to:firstPrioritySkills:secondPrioritySkills:settings:fallbackSeed:)``).
    package var fallbackSeed: Int
    /// The bot's dictionaries with the request's added.
    package var dictionaries: SlotDictionaries
    package var options: DialogueOptions

    package init(
        query: String,
        firstPrioritySkills: [String] = [],
        secondPrioritySkills: [String] = [],
        settings: BotSettings,
        fallbackSeed: Int = 0,
        dictionaries: SlotDictionaries = SlotDictionaries(),
        options: DialogueOptions = DialogueOptions()
    ) {
        self.query = query
        self.firstPrioritySkills = firstPrioritySkills
        self.secondPrioritySkills = secondPrioritySkills
        self.settings = settings
        self.fallbackSeed = fallbackSeed
        self.dictionaries = dictionaries
        self.options = options
    }
}

extension KnowledgeBase {
    /// Answers one query of `session`'s dialogue and updates the session.
    ///
    /// In order: a slot dialogue waiting for a value takes it from the query (the answer, or the
    /// prompt for the next missing value); otherwise the query is matched as ``reply(to:firstPrioritySkills:secondPrioritySkills:settings:fallbackSeed:)``
    /// does, with three additions. Dictionary values in the query fill the slots of entries that
    /// have them (their questions are matched without the values too). Follow-up entries take
    /// part only in the context of the entries they follow (answered within
    /// ``DialogueOptions/contextTurns``), are preferred within ``DialogueOptions/contextMargin``
    /// of the best candidate, and answer CONTEXT_FAQ. Without a hit, the general skill may answer
    /// (GENERAL_FAQ) when the bot has it on.
    package func converse(_ turn: DialogueTurn, session: inout DialogueSession) -> DialogueReply {
        session.turn += 1
        let now = session.turn
        let contextTurns = turn.options.contextTurns
        if session.answered.contains(where: { now - $0.turn > contextTurns }) {
            session.answered.removeAll { now - $0.turn > contextTurns }
        }
        let mentions = turn.dictionaries.mentions(in: turn.query)
        if let pending = session.pending {
            session.pending = nil
            if let entry = entry(id: pending.entryID),
                let reply = Self.filling(
                    entry,
                    pending.filled,
                    mentions,
                    waiting: true,
                    confidence: 1,
                    session: &session
                )
            {
                if reply.dialogStatus == .complete { session.answered.append(.init(key: entry.key, turn: now)) }
                return reply
            }
        }
        let context = session.answered
        func eligible(_ entry: FAQEntry) -> Bool {
            entry.follows.isEmpty || context.contains { entry.follows.contains($0.key) }
        }
        var candidates = candidates(for: turn.query, turn, eligible: eligible)
        if !mentions.isEmpty {
            let stripped = SlotDictionaries.removing(mentions, from: turn.query)
            let slotted = self.candidates(for: stripped, turn, eligible: eligible).filter { !$0.entry.slots.isEmpty }
            candidates = Self.merging(candidates, slotted)
        }
        if let best = candidates.first,
            let followUp = candidates.firstIndex(where: { !$0.entry.follows.isEmpty }), followUp > 0,
            candidates[followUp].confidence >= best.confidence - turn.options.contextMargin
        {
            candidates.insert(candidates.remove(at: followUp), at: 0)
        }
        var reply = Self.decide(candidates, settings: turn.settings, fallbackSeed: turn.fallbackSeed)
        if reply.status == .faq, let entry = reply.entry {
            if !entry.follows.isEmpty { reply.status = .contextFAQ }
            if !entry.slots.isEmpty,
                var filled = Self.filling(
                    entry,
                    [],
                    mentions,
                    waiting: false,
                    confidence: reply.confidence,
                    session: &session
                )
            {
                filled.status = reply.status
                filled.candidates = reply.candidates
                reply = filled
            }
        } else if turn.settings.generalSkill, GeneralSkill.mayMatch(turn.query),
            let general = GeneralSkill.knowledgeBase.bestOfFew(turn.query),
            general.confidence >= max(turn.settings.threshold, GeneralSkill.threshold)
        {
            let answer = turn.settings.generalAnswers[GeneralSkill.intent(of: general.entry)] ?? general.entry.answer
            reply = DialogueReply(
                status: .generalFAQ,
                entry: general.entry,
                confidence: general.confidence,
                answer: answer,
                answerKind: AnswerKind(content: answer),
                options: [],
                isDefaultAnswer: false,
                candidates: reply.candidates
            )
        }
        if (reply.status == .faq || reply.status == .contextFAQ) && reply.dialogStatus != .slotFilling,
            let entry = reply.entry
        {
            session.answered.append(.init(key: entry.key, turn: now))
        }
        return reply
    }

    /// The candidates as ``reply(to:firstPrioritySkills:secondPrioritySkills:settings:fallbackSeed:)``
    /// chooses them (skill scopes first), among the entries `eligible` lets through; it is asked
    /// only about follow-up entries, every other entry is eligible.
    func candidates(for query: String, _ turn: DialogueTurn, eligible: (FAQEntry) -> Bool) -> [MatchCandidate] {
        let scopes = [turn.firstPrioritySkills, turn.secondPrioritySkills].filter { !$0.isEmpty }
        // Most candidates are ordinary entries: filter (a new array) only when one is not.
        func eligibleOnes(_ found: [MatchCandidate]) -> [MatchCandidate] {
            found.allSatisfy { $0.entry.follows.isEmpty } ? found : found.filter { eligible($0.entry) }
        }
        if scopes.isEmpty { return eligibleOnes(match(query)) }
        var candidates: [MatchCandidate] = []
        for skills in scopes {
            let found = eligibleOnes(match(query, scope: SkillScope(skills: Set(skills))))
            guard let best = found.first else { continue }
            if best.confidence >= turn.settings.threshold(for: best.entry) { return found }
            if best.confidence > (candidates.first?.confidence ?? -1) { candidates = found }
        }
        return candidates
    }

    /// Both lists' candidates, each entry once with its better confidence, best first.
    private static func merging(_ first: [MatchCandidate], _ second: [MatchCandidate]) -> [MatchCandidate] {
        guard !second.isEmpty else { return first }
        var merged = first
        for candidate in second {
            if let at = merged.firstIndex(where: { $0.entry.id == candidate.entry.id }) {
                if candidate.confidence > merged[at].confidence { merged[at] = candidate }
            } else {
                merged.append(candidate)
            }
        }
        merged.sort { $0.confidence > $1.confidence }
        return merged
    }

    /// The reply of a slot entry with the slots `filled` before and the ones `mentions` fill now:
    /// the prompt of the first required slot still missing (the session then waits for it), or
    /// the answer with every `{slot}` filled. Nil when a `waiting` dialogue gets no new value from
    /// `mentions`.
    private static func filling(
        _ entry: FAQEntry,
        _ filled: [FilledSlot],
        _ mentions: [SlotMention],
        waiting: Bool,
        confidence: Double,
        session: inout DialogueSession
    ) -> DialogueReply? {
        var filled = filled
        var used = Set<Int>()
        var added = false
        for slot in entry.slots where !filled.contains(where: { $0.name == slot.name }) {
            guard
                let at = mentions.indices.first(where: {
                    !used.contains($0) && mentions[$0].dictionary == slot.dictionary
                })
            else { continue }
            used.insert(at)
            filled.append(FilledSlot(name: slot.name, value: mentions[at].text, normalized: mentions[at].value))
            added = true
        }
        // A dialogue that waited and got nothing new goes back to matching.
        if waiting && !added { return nil }
        let answer: String
        let status: DialogStatus
        if let missing = entry.slots.first(where: { slot in slot.required && !filled.contains { $0.name == slot.name } }
        ) {
            answer = missing.prompt.isEmpty ? "请问\(missing.name)是？" : missing.prompt
            status = .slotFilling
            session.pending = DialogueSession.Pending(entryID: entry.id, filled: filled)
        } else {
            answer = entry.fillingPlaceholders(in: entry.answer) { name in
                filled.first { $0.name == name }?.normalized ?? ""
            }
            status = .complete
        }
        var reply = DialogueReply(
            status: .faq,
            entry: entry,
            confidence: confidence,
            answer: answer,
            answerKind: AnswerKind(content: answer),
            options: [],
            isDefaultAnswer: false,
            candidates: []
        )
        reply.slots = filled
        reply.dialogStatus = status
        return reply
    }
}
