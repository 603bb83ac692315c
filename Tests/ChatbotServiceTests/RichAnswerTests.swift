import ChatbotService
import Testing

@Suite struct RichAnswerTests {
    @Test(arguments: [
        "您好，请问需要什么帮助？",
        "看这里：<a href=\"weixin://bizmsgmenu?msgmenucontent=天气&msgmenuid=1\">天气</a>",
        "详见<a href='https://example.com'>说明</a>",
        #"{"news":{"articles":[{"title":"t","url":"https://example.com","description":"d","picurl":"p"}]}}"#,
        #"{"image":{"media_id":"m"}}"#,
        #"{"image":{"url":"https://example.com/a.png"}}"#,
        #"{"miniprogrampage":{"appid":"wx1","pagepath":"pages/a","title":"t"}}"#,
        #"{"multimsg":["a",{"image":{"media_id":"m"}}]}"#,
    ])
    func accepted(content: String) throws {
        try RichAnswer.check(content, field: "content")
    }

    @Test(arguments: [
        ("", "content is empty"),
        ("{", "content starts with"),
        (#"{"news":{}}"#, "content.news.articles must be"),
        (#"{"news":{"articles":[{"title":"t","url":3}]}}"#, "content.news.articles[0].url must be a string"),
        (#"{"image":{"media_id":""}}"#, "content.image.media_id is empty"),
        (#"{"miniprogrampage":{"pagepath":"p"}}"#, "content.miniprogrampage.appid is missing"),
        (#"{"multimsg":[1]}"#, "content.multimsg[0]"),
        (#"{"voice":{}}"#, "unknown rich answer type \"voice\""),
        (#"{"image":{"url":"u"},"news":{}}"#, "one member"),
        ("<a href=\"weixin://bizmsgmenu?msgmenucontent=x\">x</a>", "msgmenuid"),
        ("<a title=\"x\">x</a>", "without a quoted href"),
        ("<a href=\"u\">x", "not closed with </a>"),
    ])
    func refusedNamingTheField(content: String, message: String) {
        #expect {
            try RichAnswer.check(content, field: "content")
        } throws: { error in
            (error as? RichAnswer.Invalid)?.message.contains(message) == true
        }
    }
}
