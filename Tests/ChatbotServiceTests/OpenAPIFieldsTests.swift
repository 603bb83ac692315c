import ChatbotService
import Testing

@Suite struct OpenAPIFieldsTests {
    private func fields(_ body: String, _ contentType: String? = nil, query: Substring = "") throws -> OpenAPIFields {
        try OpenAPIFields(body: Array(body.utf8), contentType: contentType, query: query)
    }

    @Test func readsJSONWithNumbersAsTextAndNullAsAbsent() throws {
        let read = try fields(#"{"userid": 42, "username": "小林", "avatar": null, "debug": true}"#, "application/json")
        #expect(read.string("userid") == "42")
        #expect(read.string("username") == "小林")
        #expect(!read.contains("avatar") && read.string("avatar") == "")
        #expect(read.string("debug") == "true")
    }

    @Test func readsFormsWithPlusAndPercentEscapes() throws {
        let read = try fields("userid=a+b&username=%E5%B0%8F%E6%9E%97&empty=&flag", "application/x-www-form-urlencoded")
        #expect(read.string("userid") == "a b")
        #expect(read.string("username") == "小林")
        #expect(read.contains("empty") && read.contains("flag"))
    }

    @Test(arguments: [
        (#"{"second_priority_skills": ["a", " b ", ""]}"#, ["a", "b"]),
        (#"{"second_priority_skills": "a, b，c,,"}"#, ["a", "b", "c"]),
        ("second_priority_skills=a%2Cb", ["a", "b"]),
        ("second_priority_skills=a&second_priority_skills=b,c", ["a", "b", "c"]),
        ("second_priority_skills=%5B%22a%22%2C%22b%22%5D", ["a", "b"]),
        ("other=x", []),
    ])
    func readsListsInEveryShape(body: String, expected: [String]) throws {
        #expect(try fields(body).list("second_priority_skills") == expected)
    }

    @Test(arguments: [
        (#"{"query": 123}"#, "query must be a string, not a number"),
        (#"{"query": null}"#, "query must be a string, not null"),
        (#"{"query": false}"#, "query must be a string, not a boolean"),
        (#"{"query": ["a"]}"#, "query must be a string, not a list"),
    ])
    func checkedStringRefusesAnotherJSONType(body: String, message: String) throws {
        let read = try fields(body)
        let error = #expect(throws: OpenAPIFields.Malformed.self) { try read.checkedString("query") }
        #expect(error?.message == message)
    }

    @Test func checkedStringTakesTextAbsenceAndOptionalNull() throws {
        #expect(try fields(#"{"query": "借书"}"#).checkedString("query") == "借书")
        #expect(try fields("query=123").checkedString("query") == "123")
        #expect(try fields(#"{"other": 1}"#).checkedString("query") == "")
        #expect(try fields(#"{"env": null}"#).checkedString("env", nullIsAbsent: true) == "")
        #expect(try fields(#"{"env": null}"#, query: "env=debug").checkedString("env", nullIsAbsent: true) == "debug")
    }

    @Test(arguments: [
        (#"{"s": 1}"#, "s must be a list of strings, not a number"),
        (#"{"s": true}"#, "s must be a list of strings, not a boolean"),
        (#"{"s": ["a", "b", 3, 4]}"#, "s[2] must be a string, not a number"),
    ])
    func checkedListRefusesAnotherJSONType(body: String, message: String) throws {
        let read = try fields(body)
        let error = #expect(throws: OpenAPIFields.Malformed.self) { try read.checkedList("s") }
        #expect(error?.message == message)
    }

    @Test func checkedListTakesListsCommaSeparatedTextAndNull() throws {
        #expect(try fields(#"{"s": ["a", "b"]}"#).checkedList("s") == ["a", "b"])
        #expect(try fields(#"{"s": "a,b"}"#).checkedList("s") == ["a", "b"])
        #expect(try fields(#"{"s": null}"#).checkedList("s") == [])
    }

    @Test func sniffsTheBodyWhateverTheContentType() throws {
        #expect(try fields(#" {"userid": "j"}"#, "text/plain").string("userid") == "j")
        #expect(try fields(#"{"userid": "j"}"#, "application/x-www-form-urlencoded").string("userid") == "j")
        #expect(try fields("userid=f", "application/json").string("userid") == "f")
        #expect(try fields("userid=f").string("userid") == "f")
    }

    @Test func bodyFieldsWinOverTheQueryString() throws {
        let read = try fields("userid=body", query: "userid=query&username=q%20name")
        #expect(read.string("userid") == "body")
        #expect(read.string("username") == "q name")
        #expect(try fields("", query: "userid=only").string("userid") == "only")
    }

    @Test(arguments: [
        (
            #"{"userid": "#, "application/json",
            "malformed JSON body: malformed JSON at offset 11: unexpected end of input"
        ),
        ("[1]", nil, "malformed JSON body: expected an object of fields"),
        (#"{"a": {"b": 1}}"#, nil, #"malformed JSON body: "a" must be a string, not an object"#),
        (#"{"a": [{"b": 1}]}"#, nil, #"malformed JSON body: "a" must be a list of strings"#),
        ("userid", "application/json", "malformed JSON body: malformed JSON at offset 0"),
        ("a=%4", nil, #"malformed form body: invalid percent-escape "%4""#),
        ("a=%zz", nil, #"malformed form body: invalid percent-escape "%zz""#),
        ("a=%ff", nil, "malformed form body: not UTF-8 once percent-decoded"),
        ("x", "multipart/form-data; boundary=b", "multipart bodies are not supported"),
    ])
    func namesTheCauseOfAMalformedBody(body: String, contentType: String?, message: String) {
        #expect {
            try fields(body, contentType)
        } throws: { error in
            (error as? OpenAPIFields.Malformed)?.message.hasPrefix(message) == true
        }
    }
}
