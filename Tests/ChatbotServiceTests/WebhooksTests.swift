import ChatbotCrypto
import ChatbotService
import Testing

@Suite struct WebhooksTests {
    @Test func signsTokenTimestampSkillIntentAndQueryWithMD5() throws {
        // hashlib.md5(("TOKEN" + "1711001766" + "订单" + "我的订单到哪了" + "查一下").encode()).hexdigest()
        let signature = try WebhookSignature.compute(
            token: "TOKEN",
            timestamp: "1711001766",
            skill: "订单",
            intent: "我的订单到哪了",
            query: "查一下"
        )
        #expect(signature == "5f8f85f6c14b314857999d1ce2976940")
    }

    @Test func takesTheFirstNonEmptyReply() throws {
        let body = #"{"err_code":0,"data_list":[{"reply":""},{"reply":"晴"},{"reply":"雨"}]}"#
        #expect(try Webhooks.reply(from: Array(body.utf8)) == "晴")
        #expect(try Webhooks.reply(from: Array(#"{"data_list":[{"reply":"x"}]}"#.utf8)) == "x")
    }

    @Test(arguments: [
        ("<html>", "not JSON"),
        (#"{"err_code":1,"data_list":[{"reply":"x"}]}"#, "err_code 1"),
        (#"{"err_code":"0","data_list":[]}"#, "not a number"),
        (#"{"err_code":0}"#, "no data_list"),
        (#"{"err_code":0,"data_list":[{"reply":""},{"text":"x"}]}"#, "no reply"),
    ])
    func refusesAnotherAnswer(body: String, cause: String) {
        #expect {
            _ = try Webhooks.reply(from: Array(body.utf8))
        } throws: { error in
            (error as? CallbackURL.Invalid)?.message.contains(cause) == true
        }
    }
}
