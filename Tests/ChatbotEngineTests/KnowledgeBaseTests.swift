import Testing

@testable import ChatbotEngine

/// A small knowledge base written for these tests (Chinese and English).
enum Fixture {
    static let entries: [FAQEntry] = [
        FAQEntry(
            id: 1,
            key: "refund",
            skill: "售后",
            question: "怎么申请退款",
            similar: ["退款怎么申请", "我要退货退款", "如何办理退款手续"],
            answers: ["在订单详情页点击“申请退款”即可。"]
        ),
        FAQEntry(
            id: 2,
            key: "shipping-time",
            skill: "物流",
            question: "多久能发货",
            similar: ["什么时候发货", "下单后几天发货", "发货要等多久"],
            answers: ["付款后48小时内发货。"]
        ),
        FAQEntry(
            id: 3,
            key: "invoice",
            skill: "售后",
            question: "可以开发票吗",
            similar: ["怎么开具发票", "发票在哪里申请"],
            answers: [#"{"news":{"articles":[{"title":"开票指南","url":"https://example.com/invoice"}]}}"#]
        ),
        FAQEntry(
            id: 4,
            key: "password",
            skill: "account",
            question: "How do I reset my password?",
            similar: ["I forgot my password", "reset password"],
            answers: ["Use “Forgot password” on the sign-in page."]
        ),
        FAQEntry(
            id: 5,
            key: "opening-hours",
            skill: "门店",
            question: "门店营业时间是几点",
            similar: ["你们几点开门", "商店几点关门"],
            answers: ["每天早上9点到晚上9点。"]
        ),
    ]
}

@Suite struct KnowledgeBaseTests {
    let settings = BotSettings()

    @Test func exactMatchUpToParticlesIsAHitWithFullConfidence() throws {
        let kb = KnowledgeBase(entries: Fixture.entries)
        let reply = kb.reply(to: "请问怎么申请退款呢？", settings: settings)
        #expect(reply.status == .faq)
        #expect(reply.entry?.key == "refund")
        #expect(reply.confidence == 1)
        #expect(reply.answer == "在订单详情页点击“申请退款”即可。")
        #expect(!reply.isDefaultAnswer)
    }

    @Test func questionsThatDifferOnlyInANumberAreExactHitsOnTheirOwnEntries() throws {
        let kb = KnowledgeBase(entries: [
            FAQEntry(id: 1, key: "plan-1", skill: "套餐", question: "套餐1怎么收费", answers: ["每月10元。"]),
            FAQEntry(id: 2, key: "plan-2", skill: "套餐", question: "套餐2怎么收费", answers: ["每月20元。"]),
        ])
        for (query, key) in [("套餐2怎么收费", "plan-2"), ("请问套餐１怎么收费？", "plan-1")] {
            let reply = kb.reply(to: query, settings: settings)
            #expect(reply.entry?.key == key, "\(query)")
            #expect(reply.confidence == 1)
        }
    }

    @Test func paraphrasesRankTheirEntryFirst() {
        let kb = KnowledgeBase(entries: Fixture.entries)
        for (query, key) in [
            ("退款要怎么申请", "refund"), ("几天能发货", "shipping-time"), ("how can I reset the password", "password"),
        ] {
            #expect(kb.match(query).first?.entry.key == key, "\(query)")
        }
    }

    @Test func unrelatedQueryGetsTheFallback() {
        let kb = KnowledgeBase(entries: Fixture.entries)
        let reply = kb.reply(to: "今天天气怎么样", settings: BotSettings(fallbackAnswers: ["没听懂"]))
        #expect(reply.status == .noMatch)
        #expect(reply.answer == "没听懂")
        #expect(reply.isDefaultAnswer)
        #expect(reply.options.isEmpty)
    }

    @Test func theBandsFollowTheThresholds() throws {
        let kb = KnowledgeBase(entries: Fixture.entries)
        let best = try #require(kb.match("退款要怎么申请").first)
        #expect(best.confidence > 0 && best.confidence < 1)
        let above = BotSettings(threshold: best.confidence * 0.99)
        #expect(kb.reply(to: "退款要怎么申请", settings: above).status == .faq)
        let recommending = BotSettings(threshold: best.confidence * 1.1, recommendRatio: 0.5, maxOptions: 2)
        let reply = kb.reply(to: "退款要怎么申请", settings: recommending)
        #expect(reply.status == .recommend)
        #expect(reply.options.first?.entry.key == "refund")
        #expect(reply.options.count <= 2)
        #expect(reply.answer.hasPrefix(BotSettings.defaultRecommendPrompt))
        #expect(
            reply.answer.contains(
                "<a href=\"weixin://bizmsgmenu?msgmenucontent=怎么申请退款&msgmenuid=1\">怎么申请退款</a>"
            )
        )
        let below = BotSettings(threshold: 1, recommendRatio: 1)
        #expect(kb.reply(to: "退款要怎么申请", settings: below).status == .noMatch)
        // An entry's own threshold wins over the bot's.
        var strict = Fixture.entries
        strict[0].threshold = 1
        #expect(KnowledgeBase(entries: strict).reply(to: "退款要怎么申请", settings: above).status != .faq)
    }

    @Test func skillScopingIsStrictAndPrefersTheFirstList() {
        let kb = KnowledgeBase(entries: Fixture.entries)
        // Only 物流 entries may answer: the refund entry cannot, however close.
        let scoped = kb.match("怎么申请退款", scope: SkillScope(skills: ["物流"]))
        #expect(scoped.allSatisfy { $0.entry.skill == "物流" })
        let reply = kb.reply(
            to: "怎么申请退款",
            firstPrioritySkills: ["物流"],
            secondPrioritySkills: ["售后"],
            settings: settings
        )
        #expect(reply.entry?.key == "refund")
        let first = kb.reply(
            to: "怎么申请退款",
            firstPrioritySkills: ["售后"],
            secondPrioritySkills: ["物流"],
            settings: settings
        )
        #expect(first.entry?.key == "refund" && first.status == .faq)
        #expect(kb.match("怎么申请退款", scope: SkillScope(skills: ["no such skill"])).isEmpty)
    }

    @Test func incrementalChangesMatchLikeARebuild() {
        let incremental = KnowledgeBase()
        for entry in Fixture.entries.reversed() { incremental.upsert(entry) }
        var changed = Fixture.entries[1]
        changed.similar.append("包裹什么时候寄出")
        incremental.upsert(changed)
        incremental.remove(id: 5)
        incremental.upsert(Fixture.entries[4])
        incremental.remove(id: 3)
        var expected = Fixture.entries
        expected[1] = changed
        expected.remove(at: 2)
        let rebuilt = KnowledgeBase(entries: expected)
        #expect(incremental.entries == rebuilt.entries)
        for query in ["包裹什么时候寄出", "退款要怎么申请", "发票", "几点开门", "forgot password", "随便问问"] {
            let a = incremental.match(query)
            let b = rebuilt.match(query)
            #expect(a.map(\.entry.id) == b.map(\.entry.id), "\(query)")
            for (x, y) in zip(a, b) { #expect(abs(x.confidence - y.confidence) < 0.02, "\(query)") }
        }
        #expect(incremental.match("开发票").allSatisfy { $0.entry.id != 3 })
    }

    @Test func emptyKnowledgeBaseAndEmptyQuery() {
        #expect(KnowledgeBase().reply(to: "退款", settings: settings).status == .noMatch)
        let kb = KnowledgeBase(entries: Fixture.entries)
        #expect(kb.reply(to: "", settings: settings).status == .noMatch)
        #expect(kb.reply(to: "？？！！", settings: settings).status == .noMatch)
    }

    @Test(arguments: [
        ("plain text", AnswerKind.text),
        (#"  {"news":{"articles":[]}}"#, .news),
        (#"{"image":{"media_id":"x"}}"#, .image),
        (#"{"miniprogrampage":{"title":"t"}}"#, .miniprogrampage),
        (#"{"multimsg":["a","b"]}"#, .multimsg),
        (#"{"text":"x"}"#, .text),
        (#"<a href="weixin://bizmsgmenu?msgmenucontent=a&msgmenuid=1">a</a>"#, .text),
    ])
    func answerKinds(content: String, kind: AnswerKind) {
        #expect(AnswerKind(content: content) == kind)
    }
}
