import ChatbotCrypto
import Testing

@Suite struct EnvelopeCipherTests {
    static let vectors = CryptoVectors.shared.envelopes
    static let sampleKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    static let appID = "wx1234567890abcdef"
    static let cipher = try! EnvelopeCipher(encodingAESKey: sampleKey, appID: appID)

    @Test(arguments: vectors.map(\.name))
    func matchesWechatpyVectors(name: String) throws {
        let v = Self.vectors.first { $0.name == name }!
        let cipher = try EnvelopeCipher(encodingAESKey: v.encoding_aes_key, appID: v.appid)
        #expect(Array(v.payload.utf8).count == v.payload_utf8_len)
        #expect(try cipher.decrypt(v.expected_ciphertext_b64) == Array(v.payload.utf8))
        let encrypted = try cipher._testOnly_encrypt(v.payload, randomPrefix: [UInt8](hex: v.random_prefix_hex))
        #expect(encrypted == v.expected_ciphertext_b64)
        #expect(
            try MessageSignature.compute(token: v.token, timestamp: v.timestamp, nonce: v.nonce, encrypt: encrypted)
                == v.expected_msg_signature
        )
        try MessageSignature.verify(
            v.expected_msg_signature,
            token: v.token,
            timestamp: v.timestamp,
            nonce: v.nonce,
            encrypt: encrypted
        )
    }

    @Test(arguments: ["", "a", "你好，请问有什么可以帮您？", "😀👍🏽 emoji", String(repeating: "长", count: 3000), "<xml/>"])
    func roundTripsWithFreshRandomness(message: String) throws {
        let first = try Self.cipher.encrypt(message)
        let second = try Self.cipher.encrypt(message)
        #expect(first != second)
        #expect(try Self.cipher.decrypt(first) == Array(message.utf8))
        #expect(try Self.cipher.decrypt(second) == Array(message.utf8))
    }

    @Test func roundTripsRandomBytesOfEveryLengthAroundTheBlockSize() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encrypted = try bytes.withUnsafeBytes { try Self.cipher.encrypt(bytes: $0) }
            #expect(try Self.cipher.decrypt(encrypted) == bytes)
        }
    }

    @Test func acceptsTheWholeXMLEnvelope() throws {
        let encrypted = try Self.cipher.encrypt("hi")
        for wrapped in [
            "<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[\(encrypted)]]></Encrypt></xml>",
            "<xml><Encrypt>\(encrypted)</Encrypt></xml>",
            "  <root>\n<Encrypt>\n  <![CDATA[\(encrypted)]]>\n</Encrypt></root>",
        ] {
            #expect(try Self.cipher.decrypt(wrapped) == Array("hi".utf8))
        }
        #expect(throws: CryptoError(.malformedEnvelope, "the XML envelope has no <Encrypt> element")) {
            try Self.cipher.decrypt("<xml><encrypt>\(encrypted)</encrypt></xml>")
        }
        #expect(throws: CryptoError(.malformedEnvelope, "the <Encrypt> element has an unterminated CDATA section")) {
            try Self.cipher.decrypt("<xml><Encrypt><![CDATA[\(encrypted)</Encrypt></xml>")
        }
    }

    /// 16 prefix bytes ‖ be32(length) ‖ message ‖ appid, padded with PKCS#7 to `block`.
    static func plaintext(_ message: [UInt8], length: Int? = nil, appID: String = appID, block: Int = 32) -> [UInt8] {
        let declared = UInt32(length ?? message.count)
        var plain = [UInt8](repeating: 7, count: 16)
        plain += [
            UInt8(declared >> 24), UInt8(declared >> 16 & 0xFF), UInt8(declared >> 8 & 0xFF), UInt8(declared & 0xFF),
        ]
        plain += message + Array(appID.utf8)
        let pad = block - plain.count % block
        return plain + [UInt8](repeating: UInt8(pad), count: pad)
    }

    @Test func acceptsPaddingToSixteenBytes() throws {
        let plain = Self.plaintext(Array("sixteen".utf8), block: 16)
        #expect(
            try Self.cipher.decrypt(try Self.cipher._testOnly_encryptRaw(plaintext: plain)) == Array("sixteen".utf8)
        )
    }

    @Test func recoversALengthFieldThatCountsCharacters() throws {
        let text = "你好😀"  // 2 + 1 scalars = 3, UTF-16 units = 4, UTF-8 bytes = 10
        for declared in [3, 4] {
            let encrypted = try Self.cipher._testOnly_encryptRaw(
                plaintext: Self.plaintext(Array(text.utf8), length: declared)
            )
            #expect(try Self.cipher.decrypt(encrypted) == Array(text.utf8))
        }
        for declared in [5, 100] {
            let wrong = try Self.cipher._testOnly_encryptRaw(
                plaintext: Self.plaintext(Array(text.utf8), length: declared)
            )
            #expect(
                throws: CryptoError(
                    .badLengthField,
                    "the envelope's length field (\(declared)) does not fit its 28 bytes of message and appid"
                )
            ) { try Self.cipher.decrypt(wrong) }
        }
        // A length that fits but leaves something other than our appid behind.
        let foreign = try Self.cipher._testOnly_encryptRaw(
            plaintext: Self.plaintext(Array(text.utf8), length: 3, appID: "wxother")
        )
        #expect(throws: CryptoError(.appIDMismatch, "the envelope's appid does not match the bot's appid")) {
            try Self.cipher.decrypt(foreign)
        }
    }

    @Test func rejectsAnotherAppID() throws {
        let other = try EnvelopeCipher(encodingAESKey: Self.sampleKey, appID: "wxother")
        #expect(throws: CryptoError(.appIDMismatch, "the envelope's appid does not match the bot's appid")) {
            try Self.cipher.decrypt(try other.encrypt("hi"))
        }
    }

    @Test func rejectsTheWrongKey() throws {
        let other = try EnvelopeCipher(encodingAESKey: "ekEa8YrO33F+mknIW9BlaHcxAkspLTsogieqOo7tfJ4", appID: Self.appID)
        #expect(throws: CryptoError(.badPadding, "decrypted data has no valid padding; is the EncodingAESKey right?")) {
            try Self.cipher.decrypt(try other.encrypt("a message long enough to span several blocks"))
        }
    }

    @Test func rejectsBadPaddingBytes() throws {
        var plain = Self.plaintext(Array("x".utf8))
        plain[plain.count - 2] ^= 1
        #expect(throws: CryptoError(.badPadding, "decrypted data has no valid padding; is the EncodingAESKey right?")) {
            try Self.cipher.decrypt(try Self.cipher._testOnly_encryptRaw(plaintext: plain))
        }
    }

    @Test(arguments: [
        ("not base64!", CryptoError(.badBase64, "encrypt is not valid base64: invalid base64 character at offset 3")),
        ("", CryptoError(.badCiphertextLength, "ciphertext is 0 bytes; it must be a multiple of 16 and at least 32")),
        (
            "AAAAAAAAAAAAAAAAAAAAAA==",
            CryptoError(.badCiphertextLength, "ciphertext is 16 bytes; it must be a multiple of 16 and at least 32")
        ),
        (
            String(repeating: "A", count: 44),
            CryptoError(.badCiphertextLength, "ciphertext is 33 bytes; it must be a multiple of 16 and at least 32")
        ),
    ])
    func rejectsBadCiphertext(input: String, error: CryptoError) {
        #expect(throws: error) { try Self.cipher.decrypt(input) }
    }

    @Test(arguments: [
        ("short", "EncodingAESKey must be 43 characters, got 5"),
        (String(repeating: "a", count: 44), "EncodingAESKey must be 43 characters, got 44"),
        (String(repeating: "*", count: 43), "EncodingAESKey is not base64: invalid base64 character at offset 0"),
        (String(repeating: "-", count: 43), "EncodingAESKey is not base64: invalid base64 character at offset 0"),
    ])
    func rejectsBadKeys(key: String, message: String) {
        #expect(throws: CryptoError(.invalidKey, message)) { try EnvelopeCipher(encodingAESKey: key, appID: "a") }
    }

    @Test func rejectsAWrongMessageSignature() throws {
        let v = Self.vectors[0]
        var wrong = v.expected_msg_signature
        wrong.removeLast()
        for candidate in [wrong + "0", wrong, v.expected_msg_signature.uppercased(), ""] {
            #expect(
                throws: CryptoError(
                    .badMessageSignature,
                    "msg_signature does not match token, timestamp, nonce and encrypt"
                )
            ) {
                try MessageSignature.verify(
                    candidate,
                    token: v.token,
                    timestamp: v.timestamp,
                    nonce: v.nonce,
                    encrypt: v.expected_ciphertext_b64
                )
            }
        }
    }

    @Test func isSafeUnderConcurrentUse() async throws {
        let cipher = Self.cipher
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<500 {
                        let message = "消息 \(task) \(i)"
                        let decrypted = try cipher.decrypt(try cipher.encrypt(message))
                        #expect(decrypted == Array(message.utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
