internal import COpenSSL

/// An HMAC-SHA256 `EVP_MAC_CTX` keyed once and re-initialised per message.
///
/// - Important: Not thread-safe. It is used by one caller at a time, through a ``ContextPool``.
///   `EVP_MAC_init(ctx, NULL, 0, NULL)` restarts the MAC with the key it already holds (OpenSSL
///   3.0 behaviour, pinned by a test), which is about 40 % cheaper than duplicating a template.
final class HMACContext: @unchecked Sendable {
    // Safe to send: the pool hands the context to one caller at a time.
    private let ctx: OpaquePointer

    static let outputCount = 32

    init(key: SecretBytes, algorithms: Algorithms) throws(CryptoError) {
        guard let ctx = EVP_MAC_CTX_new(algorithms.hmac) else { throw .openSSL("EVP_MAC_CTX_new") }
        self.ctx = ctx
        let ok = key.withUnsafeBytes { key in
            OSSL_MAC_PARAM_DIGEST.withCString { name in
                "SHA256".withCString { digest in
                    var params = [
                        OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    return EVP_MAC_init(ctx, key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, &params)
                }
            }
        }
        guard ok == 1 else { throw .openSSL("EVP_MAC_init") }
    }

    deinit { EVP_MAC_CTX_free(ctx) }

    /// Writes HMAC-SHA256(key, message) to the 32 bytes at `output`.
    func authenticate(_ message: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) throws(CryptoError) {
        var written = 0
        guard EVP_MAC_init(ctx, nil, 0, nil) == 1,
            EVP_MAC_update(ctx, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1,
            EVP_MAC_final(ctx, output, &written, Self.outputCount) == 1,
            written == Self.outputCount
        else { throw .openSSL("EVP_MAC") }
    }
}
