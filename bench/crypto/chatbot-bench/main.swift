// Crypto benchmark: ChatbotCrypto next to a C loop over OpenSSL 3 with reused contexts, in one
// process, batches alternating, timed by thread CPU time. Prints the median cost per operation.
//
//   chatbot-bench                         the table (rounds × batches, both sides)
//   chatbot-bench LOOP ITERATIONS         run one loop only, e.g. for callgrind:
//                                         swift-jwt-sign, c-jwt-sign, … (see `loops`)
import CChatbotBenchRef
import ChatbotCrypto
import Glibc

let encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
let appID = "wx1234567890abcdef"
let token = "AAAAA0123456789bbbbbCCCCCdddddEEEEE"
let timestamp = "1409659813"
let nonce = "1372623149"
// A customer-service message, padded with spaces to 420 bytes: the size of a typical sendmsg payload.
let message: [UInt8] = {
    let xml =
        "<xml><appid><![CDATA[wx1234567890abcdef]]></appid><openid><![CDATA[oBench0001]]></openid><msg><![CDATA["
        + "Thanks for waiting. Your parcel left our warehouse this morning and should arrive within two working "
        + "days. Track it from the order page, or reply 'agent' to talk to a person.]]></msg><channel>0</channel>"
        + "<kefuname><![CDATA[Bench]]></kefuname></xml>"
    return Array(xml.utf8) + Array(repeating: UInt8(ascii: " "), count: 420 - xml.utf8.count)
}()
precondition(message.count == 420)
// Claims as the Sign operation issues them: userid, username, avatar, iat, exp.
let claims = Array(
    (#"{"userid":"oBench0001","username":"bench user","avatar":"https://example.com/avatars/oBench0001.png","#
        + #""iat":1700000000,"exp":4102444800}"#).utf8
)
let now: Int64 = 1_700_000_100

let jwtKey = try JWTKey(secret: encodingAESKey)
let cipher = try EnvelopeCipher(encodingAESKey: encodingAESKey, appID: appID)
let signedToken = try jwtKey.sign(payload: claims)
let encrypted = try message.withUnsafeBytes { try cipher.encrypt(bytes: $0) }
guard let ref = cchatbot_ref_new(encodingAESKey, appID) else { fatalError("C reference failed to initialise") }

typealias Loop = (Int) throws -> UInt64

let loops: [(name: String, swift: Loop, c: Loop)] = [
    (
        "JWT sign",
        { n in
            var sum: UInt64 = 0
            for _ in 0..<n { sum &+= UInt64(try jwtKey.sign(payload: claims).utf8.count) }
            return sum
        },
        { n in claims.withUnsafeBufferPointer { cchatbot_ref_jwt_sign_loop(ref, $0.baseAddress, $0.count, n) } }
    ),
    (
        "JWT verify",
        { n in
            var sum: UInt64 = 0
            for _ in 0..<n { sum &+= UInt64(try jwtKey.verify(signedToken, now: now).userID!.utf8.count) }
            return sum
        },
        { n in cchatbot_ref_jwt_verify_loop(ref, signedToken, signedToken.utf8.count, now, n) }
    ),
    (
        "envelope encrypt",
        { n in
            try message.withUnsafeBytes { bytes in
                var sum: UInt64 = 0
                for _ in 0..<n { sum &+= UInt64(try cipher.encrypt(bytes: bytes).utf8.count) }
                return sum
            }
        },
        { n in message.withUnsafeBufferPointer { cchatbot_ref_encrypt_loop(ref, $0.baseAddress, $0.count, n) } }
    ),
    (
        "envelope decrypt",
        { n in
            var sum: UInt64 = 0
            for _ in 0..<n { sum &+= UInt64(try cipher.decrypt(encrypted).count) }
            return sum
        },
        { n in cchatbot_ref_decrypt_loop(ref, encrypted, encrypted.utf8.count, n) }
    ),
    (
        "msg_signature",
        { n in
            var sum: UInt64 = 0
            for _ in 0..<n {
                let s = try MessageSignature.compute(
                    token: token,
                    timestamp: timestamp,
                    nonce: nonce,
                    encrypt: encrypted
                )
                sum &+= UInt64(s.utf8.count)
            }
            return sum
        },
        { n in cchatbot_ref_signature_loop(token, timestamp, nonce, encrypted, n) }
    ),
]

func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
}

/// Nanoseconds of thread CPU time per operation for one batch.
func measure(_ loop: Loop, _ n: Int) throws -> Double {
    let start = threadCPUTime()
    let sum = try loop(n)
    let elapsed = threadCPUTime() - start
    guard sum != 0 else { fatalError("a benchmark loop failed") }
    return elapsed / Double(n)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
func format(_ ns: Double) -> String {
    let scaled = (ns / 10).rounded() / 100
    return String(scaled)
}

let arguments = CommandLine.arguments
if arguments.count == 3, let iterations = Int(arguments[2]) {
    // One loop only: `swift-jwt-sign`, `c-envelope-decrypt`, …
    let slug = { (name: String) in String(name.lowercased().map { $0 == " " ? "-" : $0 }) }
    for loop in loops {
        if arguments[1] == "swift-" + slug(loop.name) { _ = try loop.swift(iterations) }
        if arguments[1] == "c-" + slug(loop.name) { _ = try loop.c(iterations) }
    }
    exit(0)
}

let rounds = 15
let batch = 20_000
print("Crypto cost per operation (median of \(rounds) alternating batches of \(batch), thread CPU time)")
print("payload: \(message.count)-byte XML message, \(claims.count)-byte JWT claims\n")
print("| operation        | Swift (µs) | C + OpenSSL (µs) | Swift / C |")
print("|------------------|-----------:|-----------------:|----------:|")
for loop in loops {
    _ = try measure(loop.swift, batch / 10)  // warm up: pools, caches
    _ = try measure(loop.c, batch / 10)
    var swift: [Double] = []
    var c: [Double] = []
    for _ in 0..<rounds {
        swift.append(try measure(loop.swift, batch))
        c.append(try measure(loop.c, batch))
    }
    let s = median(swift)
    let r = median(c)
    let ratio = (s / r * 100).rounded() / 100
    print("| \(pad(loop.name, 16)) | \(pad(format(s), 10)) | \(pad(format(r), 16)) | \(pad(String(ratio), 9)) |")
}
cchatbot_ref_free(ref)
