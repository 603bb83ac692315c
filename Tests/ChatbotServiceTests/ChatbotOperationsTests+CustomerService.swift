import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Testing

@testable import ChatbotService

extension ChatbotOperationsTests {
    static func sendMessage(_ bot: BotEntry, openID: String, event: String = "", msg: String = "您好") throws -> String {
        try bot.envelope.encrypt(
            "<xml><appid>wx1</appid><openid>\(openID)</openid><msg><![CDATA[\(msg)]]></msg><channel>0</channel>"
                + "<event>\(event)</event><kefuname>小红</kefuname></xml>"
        )
    }

    func ask(_ fixture: Fixture, _ user: String, _ text: String) throws -> DialogueAnswer {
        let signature = try fixture.operations.sign(
            bot: fixture.bot,
            userID: user,
            userName: "",
            avatar: "",
            peer: "127.0.0.1"
        )
        return try fixture.operations.query(
            bot: fixture.bot,
            DialogueQuery(signature: signature, query: text, env: .debug)
        )
    }

    @Test func theBotIsSilentForAUserAPersonServesAndSpeaksAgainAfterWaiterQuit() async throws {
        try await withOperations { fixture in
            let entry = FAQEntry(key: "open", skill: "营业", question: "几点开门", answers: ["九点开门"])
            _ = try fixture.store.importEntries(botID: fixture.bot.bot.id, [entry], replace: false)
            try fixture.operations.knowledgeBases.refresh(botID: fixture.bot.bot.id)
            let operations = fixture.operations
            #expect(try ask(fixture, "u1", "几点开门").reply.status == .faq)
            let first = try await operations.sendMessage(
                bot: fixture.bot,
                encrypt: Self.sendMessage(fixture.bot, openID: "u1", event: "waiterEnter"),
                peer: "127.0.0.1"
            )
            let served = try ask(fixture, "u1", "几点开门")
            #expect(served.reply.status == .personServing && served.reply.answer.isEmpty)
            #expect(served.kefuState == .personServing && served.write != nil)
            #expect(try ask(fixture, "u2", "几点开门").reply.answer == "九点开门")
            let record = try await operations.kefuState(bot: fixture.bot, openID: "u1")
            #expect(record.state == .personServing && record.agentName == "小红")
            let second = try await operations.sendMessage(
                bot: fixture.bot,
                encrypt: Self.sendMessage(fixture.bot, openID: "u1", event: "waiterQuit"),
                peer: "127.0.0.1"
            )
            #expect(second == first + 1)
            let after = try ask(fixture, "u1", "几点开门")
            #expect(after.reply.status == .faq && after.kefuState == .complete && after.write == nil)
        }
    }

    @Test func aHitOnAHandoffEntryPutsTheUserInNeedPerson() async throws {
        try await withOperations { fixture in
            let entries = [
                FAQEntry(key: "person", skill: "转人工", question: "我要人工客服", answers: ["正在为您转接"]),
                FAQEntry(key: "flagged", skill: "投诉", question: "我要投诉", answers: ["请稍候"], handoff: true),
            ]
            _ = try fixture.store.importEntries(botID: fixture.bot.bot.id, entries, replace: false)
            try fixture.operations.knowledgeBases.refresh(botID: fixture.bot.bot.id)
            for (user, text) in [("u1", "我要人工客服"), ("u2", "我要投诉")] {
                let answer = try ask(fixture, user, text)
                #expect(answer.reply.status == .faq && answer.kefuState == .needPerson)
                #expect(answer.write?.state?.state == .needPerson)
                #expect(try await fixture.operations.settle(answer).reply.answer == answer.reply.answer)
                #expect(try await fixture.operations.kefuState(bot: fixture.bot, openID: user).state == .needPerson)
                // Asked again while waiting: no second request.
                #expect(try ask(fixture, user, text).write == nil)
            }
        }
    }

    @Test(arguments: [
        ("<xml><msg>m</msg><channel>0</channel><appid>a</appid></xml>", 1008, "openid is missing or empty"),
        ("<xml><openid>o</openid><channel>0</channel><appid>a</appid></xml>", 1008, "msg is missing or empty"),
        ("<xml><openid>o</openid><msg>m</msg></xml>", 1008, "channel is missing or empty"),
        ("<xml><openid>o</openid><msg>m</msg><channel>8</channel></xml>", 1008, "channel must be one of"),
        ("<xml><openid>o</openid><msg>m</msg><channel>5</channel></xml>", 1008, "appid is missing or empty: channel 5"),
        ("<xml><openid>o</openid><msg>m</msg><channel>7</channel><event>x</event></xml>", 1008, "event must be one of"),
        ("<xml><openid>o</openid><msg>{\"image\":{}}</msg><channel>7</channel></xml>", 1007, "msg.image"),
    ])
    func sendMessageNamesTheFieldItRefuses(xml: String, errcode: Int32, cause: String) async throws {
        try await withOperations { fixture in
            let encrypt = try fixture.bot.envelope.encrypt(xml)
            do throws(PlatformFailure) {
                _ = try await fixture.operations.sendMessage(
                    bot: fixture.bot,
                    encrypt: encrypt,
                    peer: "127.0.0.1"
                )
                Issue.record("accepted \(xml)")
            } catch {
                #expect(error.errcode.rawValue == errcode)
                #expect(error.errmsg.hasPrefix(cause), "\(error.errmsg)")
            }
        }
    }
}

extension ChatbotOperationsTests {
    @Test func aCallbackNoticeIsThePlatformsXMLAndKeepsAnyText() async throws {
        try await withOperations { fixture in
            let tricky = "a]]>b <x> & \"c\" 你好"
            let notice = fixture.operations.notice(
                fixture.bot,
                openID: "u1",
                content: tricky,
                from: .bot,
                state: .needPerson,
                channel: 7,
                now: 1_700_000_000_123
            )
            #expect(notice.openID == "u1")
            let payload = try XMLPayload(parsing: Array(notice.payload.utf8))
            #expect(payload.value(of: "userid") == "u1")
            #expect(payload.value(of: "appid") == fixture.bot.bot.appID)
            #expect(payload.value(of: "content") == tricky)
            #expect(payload.value(of: "event") == "userEnter")
            #expect(payload.value(of: "from") == "1")
            #expect(payload.value(of: "kfstate") == "needperson")
            #expect(payload.value(of: "channel") == "7")
            #expect(payload.value(of: "assessment") == "0")
            #expect(payload.value(of: "createtime") == "1700000000")
        }
    }
}
