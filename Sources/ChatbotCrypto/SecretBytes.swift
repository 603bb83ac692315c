internal import COpenSSL

/// Key material in memory we own, zeroed with `OPENSSL_cleanse` when released.
///
/// Swift `String`s and arrays may be copied or shared behind our back, so keys never live in them
/// longer than it takes to copy them here.
final class SecretBytes: @unchecked Sendable {
    // Safe to share: the bytes are written once in init and only read afterwards.
    private let storage: UnsafeMutableRawBufferPointer

    init(_ bytes: some Collection<UInt8>) {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        _ = storage.initializeMemory(as: UInt8.self, from: bytes)
        count = bytes.count
    }

    let count: Int

    func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }
}
