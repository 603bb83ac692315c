internal import CNGHTTP2

/// A header block ready for nghttp2: the `nghttp2_nv` array and the bytes it points into.
///
/// A block made with `isStatic: true` is handed to nghttp2 without copying (`NO_COPY` flags), so
/// it must outlive every frame submitted with it: keep such blocks in `static let`s. Other blocks
/// are copied by nghttp2 when submitted and can be dropped right after.
package final class HeaderBlock: @unchecked Sendable {
    // Safe to share: the bytes and the nghttp2_nv array are written once in init; afterwards
    // nghttp2 only reads them (a static block may be read by sessions on several event loops).
    private let storage: UnsafeMutableRawBufferPointer
    private let fields: UnsafeMutableBufferPointer<nghttp2_nv>

    package init(_ headers: [(name: String, value: String)], isStatic: Bool = false) {
        let total = headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        storage = .allocate(byteCount: max(total, 1), alignment: 1)
        fields = .allocate(capacity: max(headers.count, 1))
        let flags =
            isStatic ? UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue) : 0
        var offset = 0
        for (i, header) in headers.enumerated() {
            let base = storage.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let name = base + offset
            UnsafeMutableRawBufferPointer(rebasing: storage[offset...]).copyBytes(from: header.name.utf8)
            offset += header.name.utf8.count
            let value = base + offset
            UnsafeMutableRawBufferPointer(rebasing: storage[offset...]).copyBytes(from: header.value.utf8)
            offset += header.value.utf8.count
            (fields.baseAddress! + i).initialize(
                to: nghttp2_nv(
                    name: name,
                    value: value,
                    namelen: header.name.utf8.count,
                    valuelen: header.value.utf8.count,
                    flags: flags
                )
            )
        }
        count = headers.count
    }

    /// The number of fields.
    package let count: Int

    deinit {
        fields.deallocate()
        storage.deallocate()
    }

    /// Lends the `nghttp2_nv` array for one submit call.
    func withFields<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        body(UnsafePointer(fields.baseAddress!), count)
    }
}
