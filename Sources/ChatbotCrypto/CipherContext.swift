internal import COpenSSL

/// AES-256-CBC contexts for one key: an encrypting and a decrypting `EVP_CIPHER_CTX`, keyed once,
/// plus a buffer of random bytes for envelope prefixes that `RAND_bytes` refills.
///
/// Per message only the IV is reset (`EVP_CipherInit_ex` with a NULL key skips the key schedule).
/// Cipher padding is off: the envelope format pads to 32 bytes itself.
///
/// - Important: Not thread-safe. It is used by one caller at a time, through a ``ContextPool``.
final class CipherContext: @unchecked Sendable {
    // Safe to send: the pool hands the context to one caller at a time.
    private let encryptor: OpaquePointer
    private let decryptor: OpaquePointer
    private let iv: SecretBytes
    private let random: UnsafeMutableRawBufferPointer
    private var randomOffset: Int

    private static let randomBufferSize = 1024

    init(key: SecretBytes, iv: SecretBytes, algorithms: Algorithms) throws(CryptoError) {
        guard let encryptor = EVP_CIPHER_CTX_new() else { throw .openSSL("EVP_CIPHER_CTX_new") }
        guard let decryptor = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_CTX_free(encryptor)
            throw .openSSL("EVP_CIPHER_CTX_new")
        }
        self.encryptor = encryptor
        self.decryptor = decryptor
        self.iv = iv
        self.random = .allocate(byteCount: Self.randomBufferSize, alignment: 16)
        self.randomOffset = Self.randomBufferSize
        let ok = key.withUnsafeBytes { key in
            iv.withUnsafeBytes { iv in
                let k = key.baseAddress?.assumingMemoryBound(to: UInt8.self)
                let v = iv.baseAddress?.assumingMemoryBound(to: UInt8.self)
                return EVP_CipherInit_ex2(encryptor, algorithms.aes256CBC, k, v, 1, nil) == 1
                    && EVP_CipherInit_ex2(decryptor, algorithms.aes256CBC, k, v, 0, nil) == 1
                    && EVP_CIPHER_CTX_set_padding(encryptor, 0) == 1
                    && EVP_CIPHER_CTX_set_padding(decryptor, 0) == 1
            }
        }
        guard ok else { throw .openSSL("EVP_CipherInit_ex2") }
    }

    deinit {
        EVP_CIPHER_CTX_free(encryptor)
        EVP_CIPHER_CTX_free(decryptor)
        OPENSSL_cleanse(random.baseAddress, random.count)
        random.deallocate()
    }

    /// Copies `count` fresh random bytes to `output`, refilling the buffer from `RAND_bytes` when empty.
    func fillRandom(_ output: UnsafeMutableRawPointer, count: Int) throws(CryptoError) {
        precondition(count <= Self.randomBufferSize)
        if randomOffset + count > Self.randomBufferSize {
            guard RAND_bytes(random.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(random.count)) == 1 else {
                throw .openSSL("RAND_bytes")
            }
            randomOffset = 0
        }
        let source = random.baseAddress! + randomOffset
        output.copyMemory(from: source, byteCount: count)
        // Bytes handed out are wiped so that no prefix is ever reused or left behind.
        OPENSSL_cleanse(source, count)
        randomOffset += count
    }

    /// Encrypts `buffer` in place; its length must be a multiple of 16.
    func encrypt(inPlace buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        try run(encryptor, buffer, "encrypt")
    }

    /// Decrypts `buffer` in place; its length must be a multiple of 16.
    func decrypt(inPlace buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        try run(decryptor, buffer, "decrypt")
    }

    private func run(_ ctx: OpaquePointer, _ buffer: UnsafeMutableRawBufferPointer, _ what: String) throws(CryptoError)
    {
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        var finalWritten: Int32 = 0
        let ok = iv.withUnsafeBytes { iv in
            EVP_CipherInit_ex(ctx, nil, nil, nil, iv.baseAddress?.assumingMemoryBound(to: UInt8.self), -1) == 1
                && EVP_CipherUpdate(ctx, bytes, &written, bytes, Int32(buffer.count)) == 1
                && EVP_CipherFinal_ex(ctx, bytes + Int(written), &finalWritten) == 1
        }
        guard ok, Int(written + finalWritten) == buffer.count else { throw .openSSL("AES-256-CBC \(what)") }
    }
}
