internal import Glibc

// The standard library's `with…` functions are untyped `rethrows`. These wrappers keep the
// body's typed error without boxing the result in a `Result`, whose `get()` copies the value:
// for `JWTClaims` that was a dozen retain/release pairs per verification.

extension StringProtocol {
    /// Lends the string's UTF-8 bytes without copying them when its storage is contiguous (native
    /// Swift strings always are), keeping `body`'s typed error.
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var result: R?
        var failure: E?
        let borrowed: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            do throws(E) { result = try body(UnsafeRawBufferPointer(bytes)) } catch { failure = error }
        }
        if borrowed == nil {
            Array(utf8).withUnsafeBytes { bytes in
                do throws(E) { result = try body(bytes) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return result.take()!
    }
}

/// Lends `byteCount` bytes of temporary, 16-byte aligned memory (on the stack when small),
/// keeping `body`'s typed error.
func withScratch<R, E: Error>(byteCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
    var result: R?
    var failure: E?
    withUnsafeTemporaryAllocation(byteCount: max(byteCount, 1), alignment: 16) { buffer in
        do throws(E) {
            result = try body(UnsafeMutableRawBufferPointer(rebasing: buffer[..<byteCount]))
        } catch {
            failure = error
        }
    }
    if let failure { throw failure }
    return result.take()!
}

extension String {
    /// The string of valid UTF-8 `bytes`, or `nil` when they are not valid UTF-8.
    ///
    /// `String(validating:as:)` goes through an unspecialised generic in the standard library
    /// (about 8,000 instructions for a JWT's claims); decoding takes the fast path, and since
    /// decoding only ever changes invalid input, comparing the result with the input is exact.
    init?(validatingUTF8 bytes: UnsafeRawBufferPointer) {
        let decoded = String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        let unchanged =
            decoded.utf8.count == bytes.count
            && (bytes.isEmpty
                || decoded.withUTF8Bytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
        guard unchanged else { return nil }
        self = decoded
    }
}
