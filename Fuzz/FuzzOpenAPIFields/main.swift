/// libFuzzer target: ``OpenAPIFields`` (the `/openapi` JSON and form-urlencoded body reader).
///
/// The first byte picks the content type; the rest is the body, then (after the first 0xFF byte,
/// which is never UTF-8) the query string. Whatever reads is then asked for fields and lists. The
/// body also goes through dictmsg's reading of its decrypted JSON payload
/// (``ChatbotOperations/dictRequest(_:)``), which must refuse or accept it, never crash.
internal import CChatbotFuzz
internal import ChatbotService
internal import Glibc

private let contentTypes: [String?] = [
    nil, "application/x-www-form-urlencoded", "application/json", "Application/JSON; charset=utf-8", "text/plain",
    "multipart/form-data; boundary=x",
]
private let names = ["query", "userid", "signature", "first_priority_skills", "second_priority_skills", "env", ""]

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let split = input.firstIndex(of: 0xFF) ?? input.endIndex
    let body = Array(input[..<split])
    let query = split < input.endIndex ? String(decoding: input[(split + 1)...], as: UTF8.self) : ""
    _ = try? ChatbotOperations.dictRequest(body)
    guard
        let fields = try? OpenAPIFields(
            body: body,
            contentType: contentTypes[Int(data[0]) % contentTypes.count],
            query: query[...]
        )
    else { return 0 }
    for name in names {
        _ = fields.string(name)
        _ = fields.contains(name)
        for item in fields.list(name) {
            precondition(!item.isEmpty && !item.contains(","), "list(\(name)) returned \(item.debugDescription)")
        }
    }
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
