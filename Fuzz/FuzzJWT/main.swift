/// libFuzzer target: HS256 JWT verification (``JWTKey/verify(_:now:leeway:)``) and its claims parser.
///
/// The first byte picks the mode: the rest as a token (header, base64url and signature checks), or
/// as a payload that is signed with the key first, so that the claims parser sees arbitrary JSON.
/// Claims that verify must round-trip: signed again (``JWTKey/sign(_:)``) they verify to the same
/// claims.
internal import CChatbotFuzz
internal import ChatbotCrypto
internal import Glibc

/// The secret of the test vectors (a bot's EncodingAESKey).
private let key = try! JWTKey(secret: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
private let now: Int64 = 1_700_000_000

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let leeway = Int64(data[0] >> 2) * 1_000_000
    let token: String
    if data[0] & 3 == 0 {
        token = String(decoding: rest, as: UTF8.self)
        _ = try? JWTKey.unverifiedPayload(of: token)
    } else {
        guard let signed = try? key.sign(payload: Array(rest)) else { return 0 }
        token = signed
    }
    guard let claims = try? key.verify(token, now: now, leeway: leeway) else { return 0 }
    let again: JWTClaims
    do {
        again = try key.verify(try key.sign(claims), now: now, leeway: leeway)
    } catch {
        fatalError("claims \(claims) do not verify once signed again: \(error)")
    }
    precondition(again == claims, "JWT claims round trip changed them: \(claims) vs \(again)")
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
