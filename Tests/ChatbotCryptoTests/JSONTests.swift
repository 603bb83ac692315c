import ChatbotCrypto
import Testing

@Suite struct JSONTests {
    @Test func keepsOrderAndNumberTextAndEscapesLikePython() throws {
        let text = #"{"b":1,"a":[true,false,null,-0.5e+3],"s":"\"\\\/\b\f\n\r\t\u0001é😀","b":2}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["b"] == .number("2"))
        #expect(value["a"] == .array([.bool(true), .bool(false), .null, .number("-0.5e+3")]))
        #expect(value["s"] == .string("\"\\/\u{8}\u{c}\n\r\t\u{1}é😀"))
        // Python: json.dumps(..., separators=(",", ":"), ensure_ascii=True)
        let expected = #"{"b":1,"a":[true,false,null,-0.5e+3],"s":"\"\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude00","b":2}"#
        #expect(String(decoding: value.serialized, as: UTF8.self) == expected)
    }

    @Test func writesUTF8WhenAskedNotToEscapeNonASCII() throws {
        let value = JSONValue.array([.string("\"\\\u{1}\u{7f}é你好😀"), .string("")])
        var writer = JSONWriter(escapingNonASCII: false)
        writer.write(value)
        // Python: json.dumps(..., separators=(",", ":"), ensure_ascii=False)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[\"\\\"\\\\\\u0001\u{7f}é你好😀\",\"\"]")
        #expect(try JSONValue(parsing: writer.bytes) == value)
    }

    @Test func writesMembersArraysOfObjectsAndNumbersLikePython() {
        var writer = JSONWriter(escapingNonASCII: false)
        writer.beginObject()
        writer.write(member: "id", integer: 7)
        writer.beginArray(member: "options")
        for (title, confidence) in [("一", 0.95), ("二", 1.0)] {
            writer.beginObject()
            writer.write(member: "title", string: title)
            writer.write(member: "confidence", number: confidence)
            writer.endObject()
        }
        writer.endArray()
        writer.beginArray(member: "empty")
        writer.endArray()
        writer.write(member: "small", number: 1e-05)
        writer.write(member: "nan", number: .nan)
        writer.write(member: "yes", bool: true)
        writer.write(member: "no", bool: false)
        writer.endObject()
        // Python: json.dumps(..., separators=(",", ":"), ensure_ascii=False), with NaN as 0.
        let expected =
            #"{"id":7,"options":[{"title":"一","confidence":0.95},{"title":"二","confidence":1.0}],"empty":[],"#
            + #""small":1e-05,"nan":0,"yes":true,"no":false}"#
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        ("", "malformed JSON at offset 0: unexpected end of input"),
        ("{\"a\":1,}", "malformed JSON at offset 7: expected a member name"),
        ("[1 2]", "malformed JSON at offset 3: expected ',' or ']' in array"),
        ("{\"a\":1} x", "malformed JSON at offset 8: unexpected character after the JSON value"),
        ("01", "malformed JSON at offset 1: unexpected character after the JSON value"),
        ("\"a\u{1}\"", "malformed JSON at offset 2: unescaped control character in a string"),
        ("\"\\ud800\"", "malformed JSON at offset 7: unpaired surrogate in a \\u escape"),
        ("\"\\x\"", "malformed JSON at offset 1: invalid escape in a string"),
        ("tru", "malformed JSON at offset 0: expected a JSON value"),
        ("1.", "malformed JSON at offset 2: expected digits after '.'"),
        (String(repeating: "[", count: 65), "malformed JSON at offset 64: JSON nested deeper than 64 levels"),
    ])
    func rejectsMalformedJSON(text: String, message: String) {
        #expect(throws: CryptoError(.malformedJSON, message)) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: CryptoError(.malformedJSON, "malformed JSON at offset 1: invalid UTF-8 in a string")) {
            try JSONValue(parsing: [0x22, 0xFF, 0x22])
        }
    }
}
