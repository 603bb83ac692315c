/// libFuzzer target: ``XMLPayload/init(parsing:)`` (the platform's XML documents) on arbitrary bytes.
///
/// What parses must round-trip, and survive the checks of setautoreply's and sendmsg's fields: written back as XML (text escaped, or as CDATA where its edges
/// are whitespace) it parses to an equal tree.
internal import CChatbotFuzz
internal import ChatbotService
internal import Glibc

private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

private func write(_ element: XMLPayload, into out: inout [UInt8]) {
    out += Array("<\(element.name)>".utf8)
    let text = Array(element.text.utf8)
    if let first = text.first, let last = text.last, isSpace(first) || isSpace(last) {
        // CDATA keeps the edges; "]]>" inside is split across two sections.
        out += Array("<![CDATA[".utf8)
        var i = 0
        while i < text.count {
            if text[i...].starts(with: Array("]]>".utf8)) {
                out += Array("]]]]><![CDATA[>".utf8)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
        out += Array("]]>".utf8)
    } else {
        for c in text {
            switch c {
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            default: out.append(c)
            }
        }
    }
    for child in element.children { write(child, into: &out) }
    out += Array("</\(element.name)>".utf8)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let payload = try? XMLPayload(parsing: Array(UnsafeBufferPointer(start: data, count: size))) else {
        return 0
    }
    _ = payload.value(of: "query")
    _ = payload.values(of: "question")
    // The payload checks of setautoreply and sendmsg: a refusal is fine, a crash is not.
    _ = try? ChatbotOperations.autoReply(from: payload)
    _ = try? ChatbotOperations.customerServiceMessage(from: payload)
    var written: [UInt8] = []
    write(payload, into: &written)
    let again: XMLPayload
    do {
        again = try XMLPayload(parsing: written)
    } catch {
        fatalError("the rewritten XML does not parse: \(error) in \(String(decoding: written, as: UTF8.self))")
    }
    precondition(again == payload, "XML round trip changed the tree: \(payload) vs \(again)")
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
