internal import COpenSSL

/// A SHA-1 `EVP_MD_CTX`, re-initialised per message with the pre-fetched digest.
///
/// - Important: Not thread-safe. It is used by one caller at a time, through a ``ContextPool``.
final class DigestContext: @unchecked Sendable {
    // Safe to send: the pool hands the context to one caller at a time.
    private let ctx: OpaquePointer
    private let md: OpaquePointer

    static let sha1Count = 20

    init(algorithms: Algorithms) throws(CryptoError) {
        guard let ctx = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new") }
        self.ctx = ctx
        self.md = algorithms.sha1
    }

    deinit { EVP_MD_CTX_free(ctx) }

    func begin() throws(CryptoError) {
        guard EVP_DigestInit_ex2(ctx, md, nil) == 1 else { throw .openSSL("EVP_DigestInit_ex2") }
    }

    func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count) == 1 else { throw .openSSL("EVP_DigestUpdate") }
    }

    /// Writes the 20-byte SHA-1 digest to `output`.
    func finish(into output: UnsafeMutablePointer<UInt8>) throws(CryptoError) {
        guard EVP_DigestFinal_ex(ctx, output, nil) == 1 else { throw .openSSL("EVP_DigestFinal_ex") }
    }
}
