import ChatbotCrypto
import Testing

/// Known answers from the platform's published WXBizMsgCrypt samples (Tencent's demo code for
/// the message encryption mode), checked against wechatpy.
@Suite struct PlatformSampleTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    @Test func decryptsThePublishedCallbackSample() throws {
        let encrypt =
            "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
            + "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VT"
            + "jg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgC"
            + "SUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9G"
            + "hglF2PE="
        try MessageSignature.verify(
            "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
            token: "spamtest",
            timestamp: "1409735669",
            nonce: "1320562132",
            encrypt: encrypt
        )
        let expected =
            "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
            + "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n"
            + "<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n"
            + "<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
        let cipher = try EnvelopeCipher(encodingAESKey: Self.key, appID: "wx2c2769f8efd9abc2")
        #expect(try cipher.decrypt(encrypt) == Array(expected.utf8))
        // The sample's own envelope, with its other elements around <Encrypt>.
        let envelope =
            "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><MsgType><![CDATA[text]]></MsgType>"
            + "<Encrypt><![CDATA[\(encrypt)]]></Encrypt></xml>"
        #expect(try cipher.decrypt(envelope) == Array(expected.utf8))
    }

    @Test func encryptsThePublishedReplySample() throws {
        let cipher = try EnvelopeCipher(encodingAESKey: Self.key, appID: "wxb11529c136998cb6")
        let encrypted = try cipher._testOnly_encrypt("我是中文abcd123", randomPrefix: Array("aaaabbbbccccdddd".utf8))
        #expect(encrypted == "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==")
    }
}
