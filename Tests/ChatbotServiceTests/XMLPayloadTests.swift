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
    ])
    func refusedWithTheCause(document: String, cause: String) {
        #expect {
            try XMLPayload(parsing: Array(document.utf8))
        } throws: { error in
            (error as? XMLPayload.Malformed)?.message.contains(cause) == true
        }
    }

    /// A character reference that names no character XML allows is refused as what it is, however
    /// many digits it has (not as "a bare &").
    @Test(arguments: [
        ("&#0;", "&#0; at byte 5 is not a valid character: U+0000 is a control character"),
        ("&#1;", "&#1; at byte 5 is not a valid character: U+0001 is a control character"),
        ("&#x110000;", "&#x110000; at byte 5 is not a valid character: it is beyond U+10FFFF"),
        ("&#1114112;", "&#1114112; at byte 5 is not a valid character: it is beyond U+10FFFF"),
        ("&#99999999999999999999;", "&#99999999999999999999; at byte 5 is not a valid character: it is beyond"),
        ("&#xFFFFFFFFFFFFFFFFFFFF;", "&#xFFFFFFFFFFFFFFFFFFFF; at byte 5 is not a valid character: it is beyond"),
        ("&#xD800;", "&#xD800; at byte 5 is not a valid character: U+D800 is a surrogate"),
        ("&#xdfff;", "&#xdfff; at byte 5 is not a valid character: U+DFFF is a surrogate"),
        ("&#xFFFE;", "&#xFFFE; at byte 5 is not a valid character: U+FFFE is a noncharacter"),
        ("&#;", "character reference &#; at byte 5 has no digits"),
        ("&#x;", "character reference &#x; at byte 5 has no hex digits"),
        ("&#65</a>", "character reference &#65 at byte 5 is not closed with \";\""),
        ("&#x41g;", "character reference &#x41 at byte 5 is not closed with \";\""),
    ])
    func refusesACharacterReferenceThatIsNoCharacter(reference: String, cause: String) {
        let error = #expect(throws: XMLPayload.Malformed.self) {
            try XMLPayload(parsing: Array("<xml>\(reference)</xml>".utf8))
        }
        #expect(error?.message.contains(cause) == true, "\(error?.message ?? "no error")")
    }

    @Test func aLongCharacterReferenceIsShortenedInTheRefusal() {
        let reference = "&#" + String(repeating: "9", count: 100_000) + ";"
        let error = #expect(throws: XMLPayload.Malformed.self) {
            try XMLPayload(parsing: Array("<xml>\(reference)</xml>".utf8))
        }
        #expect(
            error?.message.hasPrefix("character reference &#" + String(repeating: "9", count: 38) + "… at byte 5")
                == true
        )
        #expect(error?.message.hasSuffix("it is beyond U+10FFFF") == true)
    }

    @Test(arguments: [
        ("&#x000000000041;", "A"),
        ("&#0000000000065;", "A"),
        ("&#x10FFFF;", "\u{10FFFF}"),
        ("&#9;&#xA;&#13;", "\t\n\r"),
        ("&#xE000;&#xFFFD;&#x10000;", "\u{E000}\u{FFFD}\u{10000}"),
    ])
    func decodesEveryCharacterXMLAllows(reference: String, text: String) throws {
        // Inside CDATA-free text the surrounding whitespace is trimmed, so the value is wrapped.
        let root = try XMLPayload(parsing: Array("<xml><t>[\(reference)]</t></xml>".utf8))
        #expect(root.value(of: "t") == "[\(text)]")
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        #expect(throws: XMLPayload.Malformed.self) { try XMLPayload(parsing: Array(deep.utf8)) }
    }

    @Test func notUTF8() {
        #expect(throws: XMLPayload.Malformed.self) { try XMLPayload(parsing: [0x3C, 0x78, 0xFF, 0x3E]) }
    }
}
