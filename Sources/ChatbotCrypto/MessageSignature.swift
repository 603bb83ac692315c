internal import COpenSSL

/// The platform's `msg_signature`: lowercase hex SHA-1 of token, timestamp, nonce and ciphertext,
/// sorted ascending (by bytes, which for UTF-8 is by code point, as Python sorts) and concatenated.
package enum MessageSignature {
    private static let contexts = ContextPool<DigestContext> { () throws(CryptoError) in
        try DigestContext(md: Algorithms.shared.get().sha1)
    }

    /// Computes the signature.
    package static func compute(
        token: String,
        timestamp: String,
        nonce: String,
        encrypt: String
    ) throws(CryptoError) -> String {
        var parts: InlineArray<4, String> = [token, timestamp, nonce, encrypt]
        // Insertion sort of four: no allocation.
        for i in 1..<4 {
            var j = i
            while j > 0 && parts[j].utf8.lexicographicallyPrecedes(parts[j - 1].utf8) {
                parts.swapAt(j, j - 1)
                j -= 1
            }
        }
        return try contexts.with { ctx throws(CryptoError) in
            try ctx.hexDigest(count: DigestContext.sha1Count, of: parts)
        }
    }

    /// Checks `signature` in constant time.
    /// - Throws: ``CryptoError/Code-swift.struct/badMessageSignature`` when it does not match.
    package static func verify(
        _ signature: String,
        token: String,
        timestamp: String,
        nonce: String,
        encrypt: String
    ) throws(CryptoError) {
        let expected = try compute(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
        let matches = expected.withUTF8Bytes { e in
            signature.withUTF8Bytes { s in
                s.count == e.count && CRYPTO_memcmp(s.baseAddress, e.baseAddress, e.count) == 0
            }
        }
        guard matches else {
            throw CryptoError(.badMessageSignature, "msg_signature does not match token, timestamp, nonce and encrypt")
        }
    }
}
