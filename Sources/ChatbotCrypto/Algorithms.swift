internal import COpenSSL

/// The OpenSSL algorithm objects, fetched once per process and shared.
///
/// Fetched `EVP_MAC`, `EVP_CIPHER` and `EVP_MD` objects are immutable and reference counted, so
/// sharing them across threads is safe; fetching them per operation is what costs.
final class Algorithms: @unchecked Sendable {
    // Safe to share: the pointers are set once in init and the objects behind them are immutable.
    let hmac: OpaquePointer
    let aes256CBC: OpaquePointer
    let sha1: OpaquePointer
    let md5: OpaquePointer

    /// The process-wide set, or the error that prevented fetching it (a broken OpenSSL installation).
    static let shared: Result<Algorithms, CryptoError> = Result { () throws(CryptoError) in try Algorithms() }

    private init() throws(CryptoError) {
        guard let hmac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw .openSSL("EVP_MAC_fetch(HMAC)") }
        guard let aes = EVP_CIPHER_fetch(nil, "AES-256-CBC", nil) else {
            EVP_MAC_free(hmac)
            throw .openSSL("EVP_CIPHER_fetch(AES-256-CBC)")
        }
        guard let sha1 = EVP_MD_fetch(nil, "SHA1", nil) else {
            EVP_MAC_free(hmac)
            EVP_CIPHER_free(aes)
            throw .openSSL("EVP_MD_fetch(SHA1)")
        }
        guard let md5 = EVP_MD_fetch(nil, "MD5", nil) else {
            EVP_MAC_free(hmac)
            EVP_CIPHER_free(aes)
            EVP_MD_free(sha1)
            throw .openSSL("EVP_MD_fetch(MD5)")
        }
        self.hmac = hmac
        self.aes256CBC = aes
        self.sha1 = sha1
        self.md5 = md5
    }

    deinit {
        EVP_MAC_free(hmac)
        EVP_CIPHER_free(aes256CBC)
        EVP_MD_free(sha1)
        EVP_MD_free(md5)
    }
}
