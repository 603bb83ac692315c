/// libFuzzer target: ``JSONValue/init(parsing:)`` (the strict JSON reader) on arbitrary bytes.
///
/// Whatever parses must survive a round trip: parse, serialise, parse again gives an equal value,
/// and serialising that gives the same bytes.
internal import CChatbotFuzz
internal import ChatbotCrypto
internal import Glibc

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue(parsing: bytes) else { return 0 }
    let serialized = value.serialized
    let again: JSONValue
    do {
        again = try JSONValue(parsing: serialized)
    } catch {
        fatalError("serialised JSON does not parse: \(error) in \(String(decoding: serialized, as: UTF8.self))")
    }
    precondition(again == value, "JSON round trip changed the value: \(value) vs \(again)")
    precondition(again.serialized == serialized, "JSON serialisation is not stable")
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
