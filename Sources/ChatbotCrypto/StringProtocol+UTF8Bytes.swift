extension StringProtocol {
    /// Lends the string's UTF-8 bytes without copying them when its storage is contiguous (native
    /// Swift strings always are), keeping `body`'s typed error.
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let borrowed = utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(E) in try body(UnsafeRawBufferPointer(bytes)) }
        }
        if let borrowed { return try borrowed.get() }
        return try Array(utf8).withUnsafeBytes { bytes in Result { () throws(E) in try body(bytes) } }.get()
    }
}

/// Lends `byteCount` bytes of temporary, 16-byte aligned memory (on the stack when small),
/// keeping `body`'s typed error.
func withScratch<R, E: Error>(byteCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
    try withUnsafeTemporaryAllocation(byteCount: max(byteCount, 1), alignment: 16) { buffer in
        Result { () throws(E) in try body(UnsafeMutableRawBufferPointer(rebasing: buffer[..<byteCount])) }
    }.get()
}
