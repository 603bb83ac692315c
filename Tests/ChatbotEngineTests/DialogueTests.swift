import Testing

@testable import ChatbotEngine

/// ``KnowledgeBase/converse(_:session:)``: follow-up entries, slots and the general skill, on a
/// knowledge base written for these tests.
struct DialogueTests {
    static let entries = [
        FAQEntry(id: 1, key: "hours", skill: "门店", question: "几点开门", similar: ["什么时候开门"], answers: ["九点。"]),
        FAQEntry(
            id: 2,
            key: "weekend",
            skill: "门店",
            question: "周末几点开门",
            similar: ["那周末呢"],
            answers: ["十点。"],
            follows: ["hours"]
        ),
        FAQEntry(
            id: 3,
            key: "weather",
            skill: "天气",
            question: "{city}天气怎么样",
            answers: ["{city}晴。"],
            slots: [SlotSpec(name: "city", dictionary: "cities", required: true, prompt: "哪个城市？")]
        ),
        FAQEntry(
            id: 4,
            key: "route",
            skill: "出行",
            question: "从{from}到{to}怎么走",
            answers: ["从{from}坐车到{to}。"],
            slots: [SlotSpec(name: "from", dictionary: "cities"), SlotSpec(name: "to", dictionary: "cities")]
        ),
    ]

    static let cities = SlotDictionaries([
        DictionaryValue(dictionary: "cities", value: "北京", synonyms: ["北京市", "帝都"]),
        DictionaryValue(dictionary: "cities", value: "上海"),
    ])

    let knowledgeBase = KnowledgeBase(entries: Self.entries)

    func turn(_ query: String, settings: BotSettings = BotSettings()) -> DialogueTurn {
        DialogueTurn(query: query, settings: settings, dictionaries: Self.cities)
    }

    @Test func aFollowUpMatchesOnlyInTheContextOfTheEntryItFollows() {
        var session = DialogueSession(id: "s", lastActive: 0)
        #expect(knowledgeBase.converse(turn("那周末呢"), session: &session).status == .noMatch)
        #expect(knowledgeBase.converse(turn("几点开门"), session: &session).status == .faq)
        let followed = knowledgeBase.converse(turn("那周末呢"), session: &session)
        #expect(followed.status == .contextFAQ)
        #expect(followed.answer == "十点。")
        // Without a dialogue it never matches.
        #expect(knowledgeBase.reply(to: "那周末呢", settings: BotSettings()).entry?.key != "weekend")
    }

    @Test func theContextEndsAfterItsTurns() {
        var session = DialogueSession(id: "s", lastActive: 0)
        let options = DialogueOptions(contextTurns: 2)
        var first = turn("几点开门")
        first.options = options
        _ = knowledgeBase.converse(first, session: &session)
        for _ in 0..<2 {
            var other = turn("随便聊聊")
            other.options = options
            _ = knowledgeBase.converse(other, session: &session)
        }
        var late = turn("那周末呢")
        late.options = options
        #expect(knowledgeBase.converse(late, session: &session).status != .contextFAQ)
    }

    @Test func aMissingRequiredSlotIsAskedForThenFilledFromTheNextTurn() {
        var session = DialogueSession(id: "s", lastActive: 0)
        let asked = knowledgeBase.converse(turn("天气怎么样"), session: &session)
        #expect(asked.answer == "哪个城市？")
        #expect(asked.dialogStatus == .slotFilling)
        #expect(session.pending?.entryID == 3)
        let answered = knowledgeBase.converse(turn("帝都"), session: &session)
        #expect(answered.answer == "北京晴。")
        #expect(answered.dialogStatus == .complete)
        #expect(answered.slots == [FilledSlot(name: "city", value: "帝都", normalized: "北京")])
        #expect(session.pending == nil)
    }

    @Test func theLongestValueWinsAndTwoSlotsOfOneDictionaryTakeTwoValues() {
        var session = DialogueSession(id: "s", lastActive: 0)
        let reply = knowledgeBase.converse(turn("从北京市到上海怎么走"), session: &session)
        #expect(reply.answer == "从北京坐车到上海。")
        #expect(reply.slots.map(\.value) == ["北京市", "上海"])
        #expect(Self.cities.mentions(in: "北京市").map(\.text) == ["北京市"])
    }

    @Test func aRequestDictionaryAddsToTheBotsForThatTurnOnly() {
        var session = DialogueSession(id: "s", lastActive: 0)
        var extended = turn("广州天气怎么样")
        extended.dictionaries = Self.cities.adding("cities", values: ["广州"])
        #expect(knowledgeBase.converse(extended, session: &session).answer == "广州晴。")
        #expect(knowledgeBase.converse(turn("广州天气怎么样"), session: &session).dialogStatus == .slotFilling)
    }

    @Test func theGeneralSkillAnswersOnlyWithoutAHitAndCanBeOverriddenOrOff() {
        var session = DialogueSession(id: "s", lastActive: 0)
        let hello = knowledgeBase.converse(turn("你好"), session: &session)
        #expect(hello.status == .generalFAQ)
        #expect(hello.entry?.skill == GeneralSkill.skillName)
        var own = BotSettings()
        own.generalAnswers = ["greeting.zh": "欢迎！"]
        #expect(knowledgeBase.converse(turn("你好", settings: own), session: &session).answer == "欢迎！")
        #expect(
            knowledgeBase.converse(turn("你好", settings: BotSettings(generalSkill: false)), session: &session).status
                == .noMatch
        )
        #expect(knowledgeBase.converse(turn("几点开门"), session: &session).status == .faq)
    }

    @Test func everyGeneralSkillPhrasingAnswersItsOwnIntent() {
        for entry in GeneralSkill.knowledgeBase.entries {
            for question in entry.questions {
                let best = GeneralSkill.knowledgeBase.match(question, limit: 1).first
                #expect(best?.entry.key == entry.key, "\(question)")
            }
        }
    }
}
