internal import COpenSSL

/// The platform's message envelope (WXBizMsgCrypt): AES-256-CBC under the bot's EncodingAESKey.
///
/// `AESKey = base64decode(EncodingAESKey + "=")` (32 bytes) and `IV = AESKey[0..<16]`. The
/// plaintext is 16 random bytes ‖ the message length as a big-endian `UInt32` ‖ the message ‖
/// the appid, padded with PKCS#7 to a multiple of 32 bytes; the ciphertext travels as base64.
///
/// Decryption tolerates what real clients send, and nothing looser:
/// - the whole XML envelope (`<xml><Encrypt><![CDATA[…]]></Encrypt>…`) instead of the bare
///   ciphertext, with or without CDATA, under any root element;
/// - PKCS#7 padding to 16 instead of 32 bytes (the last pad bytes must still agree);
/// - a length field that counts characters (Unicode scalars or UTF-16 units) instead of bytes,
///   recovered when the plaintext ends with the appid and the count agrees.
///
/// Thread-safe: each operation leases its own pair of cipher contexts from a pool.
package final class EnvelopeCipher: Sendable {
    private let contexts: ContextPool<CipherContext>
    private let appID: [UInt8]

    /// - Parameters:
    ///   - encodingAESKey: The bot's 43-character EncodingAESKey.
    ///   - appID: The appid every envelope must end with.
    /// - Throws: ``CryptoError/Code-swift.struct/invalidKey`` when the key is not 43 base64 characters.
    package init(encodingAESKey: String, appID: String) throws(CryptoError) {
        let key = try Self.aesKey(fromEncodingAESKey: encodingAESKey)
        let iv = key.withUnsafeBytes { SecretBytes($0.prefix(16)) }
        let algorithms = try Algorithms.shared.get()
        self.appID = Array(appID.utf8)
        self.contexts = ContextPool { () throws(CryptoError) in
            try CipherContext(key: key, iv: iv, algorithms: algorithms)
        }
        try contexts.with { _ in }
    }

    /// Decodes an EncodingAESKey: 43 characters of the standard base64 alphabet, with the
    /// trailing bits of the last one ignored, giving 32 bytes.
    static func aesKey(fromEncodingAESKey text: String) throws(CryptoError) -> SecretBytes {
        try text.withUTF8Bytes { key throws(CryptoError) -> SecretBytes in
            guard key.count == 43 else {
                throw CryptoError(.invalidKey, "EncodingAESKey must be 43 characters, got \(key.count)")
            }
            // The key text plus "=", then the 33 decoded bytes; wiped before returning.
            return try withScratch(byteCount: 44 + 33) { scratch throws(CryptoError) -> SecretBytes in
                defer { OPENSSL_cleanse(scratch.baseAddress, scratch.count) }
                scratch.copyMemory(from: key)
                scratch[43] = UInt8(ascii: "=")
                let decoded = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + 44
                do throws(CryptoError) {
                    _ = try Base64.decode(
                        UnsafeRawBufferPointer(rebasing: scratch[..<44]),
                        into: decoded,
                        alphabet: .standard
                    )
                } catch {
                    throw CryptoError(.invalidKey, "EncodingAESKey is not base64: \(error.message)")
                }
                return SecretBytes(UnsafeBufferPointer(start: decoded, count: 32))
            }
        }
    }

    /// Encrypts `message` with a fresh random prefix and returns the base64 ciphertext.
    package func encrypt(_ message: String) throws(CryptoError) -> String {
        try message.withUTF8Bytes { bytes throws(CryptoError) in try encrypt(bytes: bytes) }
    }

    /// Encrypts raw message bytes and returns the base64 ciphertext.
    package func encrypt(bytes message: UnsafeRawBufferPointer) throws(CryptoError) -> String {
        try encrypt(bytes: message, randomPrefix: nil)
    }

    /// Encrypts with a given 16-byte prefix instead of a random one, for known-answer tests.
    package func _testOnly_encrypt(_ message: String, randomPrefix: [UInt8]) throws(CryptoError) -> String {
        precondition(randomPrefix.count == 16)
        return try message.withUTF8Bytes { bytes throws(CryptoError) in
            try withScratch(byteCount: 16) { prefix throws(CryptoError) in
                prefix.copyBytes(from: randomPrefix)
                return try encrypt(bytes: bytes, randomPrefix: UnsafeRawBufferPointer(prefix))
            }
        }
    }

    /// Encrypts an already laid out and padded plaintext, for tests of malformed envelopes.
    package func _testOnly_encryptRaw(plaintext: [UInt8]) throws(CryptoError) -> String {
        precondition(plaintext.count % 16 == 0)
        return try withScratch(byteCount: plaintext.count) { buffer throws(CryptoError) in
            buffer.copyBytes(from: plaintext)
            try contexts.with { ctx throws(CryptoError) in try ctx.encrypt(inPlace: buffer) }
            return Base64.encode(UnsafeRawBufferPointer(buffer))
        }
    }

    private func encrypt(
        bytes message: UnsafeRawBufferPointer,
        randomPrefix: UnsafeRawBufferPointer?
    ) throws(CryptoError) -> String {
        guard message.count <= Int(UInt32.max) else {
            throw CryptoError(.badLengthField, "message of \(message.count) bytes is too long for an envelope")
        }
        let plainCount = 20 + message.count + appID.count
        let paddedCount = (plainCount / 32 + 1) * 32
        return try withScratch(byteCount: paddedCount) {
            buffer throws(CryptoError) -> String in
            let base = buffer.baseAddress!
            let length = UInt32(message.count).bigEndian
            withUnsafeBytes(of: length) { (base + 16).copyMemory(from: $0.baseAddress!, byteCount: 4) }
            if message.count > 0 { (base + 20).copyMemory(from: message.baseAddress!, byteCount: message.count) }
            appID.withUnsafeBytes { (base + 20 + message.count).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let pad = UInt8(paddedCount - plainCount)
            (base + plainCount).initializeMemory(as: UInt8.self, repeating: pad, count: Int(pad))
            try contexts.with { ctx throws(CryptoError) in
                if let randomPrefix {
                    base.copyMemory(from: randomPrefix.baseAddress!, byteCount: 16)
                } else {
                    try ctx.fillRandom(base, count: 16)
                }
                try ctx.encrypt(inPlace: buffer)
            }
            return Base64.encode(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Decrypts an envelope and returns the message bytes.
    ///
    /// - Parameter encrypted: The base64 ciphertext, or the whole XML envelope that holds it.
    /// - Throws: ``CryptoError`` naming the step that failed: `malformedEnvelope`, `badBase64`,
    ///   `badCiphertextLength`, `badPadding`, `badLengthField` or `appIDMismatch`.
    package func decrypt(_ encrypted: String) throws(CryptoError) -> [UInt8] {
        try encrypted.withUTF8Bytes { bytes throws(CryptoError) in
            let ciphertext = try Self.ciphertext(in: bytes)
            return try withScratch(byteCount: Base64.maxDecodedCount(ciphertext.count)) {
                buffer throws(CryptoError) -> [UInt8] in
                let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let count: Int
                do throws(CryptoError) {
                    count = try Base64.decode(ciphertext, into: base, alphabet: .standard)
                } catch {
                    throw CryptoError(.badBase64, "encrypt is not valid base64: \(error.message)")
                }
                guard count >= 32, count % 16 == 0 else {
                    throw CryptoError(
                        .badCiphertextLength,
                        "ciphertext is \(count) bytes; it must be a multiple of 16 and at least 32"
                    )
                }
                try contexts.with { ctx throws(CryptoError) in
                    try ctx.decrypt(inPlace: UnsafeMutableRawBufferPointer(start: base, count: count))
                }
                return try open(UnsafeRawBufferPointer(start: base, count: count))
            }
        }
    }

    /// Checks padding, length field and appid of a decrypted plaintext and returns the message.
    private func open(_ plain: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        let pad = Int(plain[plain.count - 1])
        guard (1...32).contains(pad), plain[(plain.count - pad)...].allSatisfy({ $0 == pad }) else {
            throw CryptoError(.badPadding, "decrypted data has no valid padding; is the EncodingAESKey right?")
        }
        let end = plain.count - pad
        guard end >= 20 else { throw CryptoError(.badLengthField, "decrypted data is too short for the length field") }
        let declared = Int(plain[16]) << 24 | Int(plain[17]) << 16 | Int(plain[18]) << 8 | Int(plain[19])
        let messageEnd = end - appID.count
        let endsWithAppID = messageEnd >= 20 && plain[messageEnd..<end].elementsEqual(appID)
        if endsWithAppID {
            let message = Array(plain[20..<messageEnd])
            if declared == message.count { return message }
            // The length field may count characters instead of bytes; recover when the count agrees.
            if let text = message.withUnsafeBytes({ String(validatingUTF8: $0) }),
                text.unicodeScalars.count == declared || text.utf16.count == declared
            {
                return message
            }
        } else if 20 + declared <= end {
            throw CryptoError(.appIDMismatch, "the envelope's appid does not match the bot's appid")
        }
        throw CryptoError(
            .badLengthField,
            "the envelope's length field (\(declared)) does not fit its \(end - 20) bytes of message and appid"
        )
    }

    /// The base64 ciphertext inside `value`: `value` itself, or the content of the `Encrypt`
    /// element when `value` is an XML envelope (CDATA optional, any root element).
    static func ciphertext(in value: UnsafeRawBufferPointer) throws(CryptoError) -> UnsafeRawBufferPointer {
        guard let first = value.firstIndex(where: { !Self.isXMLSpace($0) }), value[first] == UInt8(ascii: "<") else {
            return value
        }
        let open = Array("<Encrypt>".utf8)
        let close = Array("</Encrypt>".utf8)
        guard let start = Self.find(open, in: value, from: first),
            let end = Self.find(close, in: value, from: start + open.count)
        else { throw CryptoError(.malformedEnvelope, "the XML envelope has no <Encrypt> element") }
        var lower = start + open.count
        var upper = end
        while lower < upper && isXMLSpace(value[lower]) { lower += 1 }
        while upper > lower && isXMLSpace(value[upper - 1]) { upper -= 1 }
        let cdataOpen = Array("<![CDATA[".utf8)
        let cdataClose = Array("]]>".utf8)
        if value[lower..<upper].starts(with: cdataOpen) {
            guard upper - lower >= cdataOpen.count + cdataClose.count,
                value[(upper - cdataClose.count)..<upper].elementsEqual(cdataClose)
            else { throw CryptoError(.malformedEnvelope, "the <Encrypt> element has an unterminated CDATA section") }
            lower += cdataOpen.count
            upper -= cdataClose.count
        }
        return UnsafeRawBufferPointer(rebasing: value[lower..<upper])
    }

    private static func isXMLSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    private static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
