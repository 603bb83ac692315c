import ChatbotService
import Testing

@Suite struct XMLPayloadTests {
    @Test(arguments: [
        "<xml><title><![CDATA[借几本]]></title></xml>",
        "<root><title>借几本</title></root>",
        "<?xml version=\"1.0\"?>\n<xml>\n  <title>\n    借几本\n  </title>\n</xml>",
        "\u{FEFF}<xml a=\"1\" b='2'><title>借<![CDATA[几]]>本</title></xml>",
        "<xml><!-- c --><title>&#20511;&#x51e0;本</title></xml>",
        "<xml><title>  <![CDATA[借几本]]>  </title></xml>",
    ])
    func toleratedForms(document: String) throws {
        let root = try XMLPayload(parsing: Array(document.utf8))
        #expect(root.value(of: "title") == "借几本")
    }

    @Test func cdataIsKeptAsGiven() throws {
        let root = try XMLPayload(parsing: Array("<xml><c><![CDATA[ a <b> & c ]]></c></xml>".utf8))
        #expect(root.value(of: "c") == " a <b> & c ")
    }

    @Test func questionsUnderTheRootOrInAList() throws {
        let text = "<xml><question>a</question><list><question>b</question><Question>c</Question></list></xml>"
        let root = try XMLPayload(parsing: Array(text.utf8))
        #expect(root.values(of: "question") == ["a", "b", "c"])
    }

    @Test(arguments: [
        ("", "empty"),
        ("hello", "not XML"),
        ("{\"a\":1}", "JSON"),
        ("<xml><a>1</b></xml>", "expected </a>, found </b>"),
        ("<xml><a>1</a>", "no end tag"),
        ("<xml>&bogus;</xml>", "unknown entity"),
        ("<xml>a & b</xml>", "bare \"&\""),
        ("<xml/><xml/>", "after the root"),
        ("<!DOCTYPE xml><xml/>", "document type"),
        ("<xml><![CDATA[x</xml>", "CDATA"),
        ("<xml a=1/>", "not quoted"),
        ("<xml><?pi x?></xml>", "unexpected markup"),
        ("<xml>&#0;</xml>", "invalid character reference"),
    ])
    func refusedWithTheCause(document: String, cause: String) {
        #expect {
            try XMLPayload(parsing: Array(document.utf8))
        } throws: { error in
            (error as? XMLPayload.Malformed)?.message.contains(cause) == true
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(throws: XMLPayload.Malformed.self) { try XMLPayload(parsing: Array(deep.utf8)) }
    }

    @Test func notUTF8() {
        #expect(throws: XMLPayload.Malformed.self) { try XMLPayload(parsing: [0x3C, 0x78, 0xFF, 0x3E]) }
    }
}
