internal import COpenSSL

/// An `EVP_MD_CTX` for one pre-fetched digest (SHA-1 or MD5), re-initialised per message.
///
/// - Important: Not thread-safe. It is used by one caller at a time, through a ``ContextPool``.
final class DigestContext: @unchecked Sendable {
    // Safe to send: the pool hands the context to one caller at a time.
    private let ctx: OpaquePointer
    private let md: OpaquePointer

    static let sha1Count = 20
    static let md5Count = 16

    /// A context for `md`, one of ``Algorithms``' digests (which outlive it).
    init(md: OpaquePointer) throws(CryptoError) {
        guard let ctx = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new") }
        self.ctx = ctx
        self.md = md
    }

    deinit { EVP_MD_CTX_free(ctx) }

    func begin() throws(CryptoError) {
        guard EVP_DigestInit_ex2(ctx, md, nil) == 1 else { throw .openSSL("EVP_DigestInit_ex2") }
    }

    func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count) == 1 else { throw .openSSL("EVP_DigestUpdate") }
    }

    /// Writes the digest (``sha1Count`` or ``md5Count`` bytes) to `output`.
    func finish(into output: UnsafeMutablePointer<UInt8>) throws(CryptoError) {
        guard EVP_DigestFinal_ex(ctx, output, nil) == 1 else { throw .openSSL("EVP_DigestFinal_ex") }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The digest of `parts` concatenated, `count` bytes as lowercase hex.
    func hexDigest<let n: Int>(count: Int, of parts: InlineArray<n, String>) throws(CryptoError) -> String {
        try withScratch(byteCount: count) { scratch throws(CryptoError) -> String in
            let digest = scratch.bindMemory(to: UInt8.self)
            try begin()
            for i in parts.indices {
                try parts[i].withUTF8Bytes { bytes throws(CryptoError) in try update(bytes) }
            }
            try finish(into: digest.baseAddress!)
            return String(unsafeUninitializedCapacity: 2 * count) { out in
                for (i, byte) in digest.enumerated() {
                    out[2 * i] = Self.hexDigits[Int(byte >> 4)]
                    out[2 * i + 1] = Self.hexDigits[Int(byte & 0xF)]
                }
                return 2 * count
            }
        }
    }
}
