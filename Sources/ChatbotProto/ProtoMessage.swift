/// A generated protobuf message: a Swift value that protobuf-c encodes and decodes.
///
/// Every message type in `Generated/` conforms. Decoding copies everything out of protobuf-c's
/// unpacked C struct and frees it before returning, so a value never points into C memory.
///
/// Differences from protobuf's own runtimes, all of them protobuf-c's:
/// - Unknown fields are dropped when decoding, so they do not survive a round trip.
/// - A `string` is a C string inside protobuf-c: a U+0000 ends it, when encoding and when decoding.
/// - Map entries are encoded in ascending key order, so the bytes of a map are deterministic.
package protocol ProtoMessage: Sendable, Hashable {
    /// The fully qualified proto name, for example `chatbot.v1.SignRequest`.
    static var protoName: String { get }

    init()

    /// Decodes protobuf wire bytes with protobuf-c (unpack, copy into Swift values, free_unpacked).
    ///
    /// - Throws: ``ProtoError`` with code `malformed` when protobuf-c refuses the bytes, or
    ///   `invalidUTF8` when a `string` field is not UTF-8.
    init(serializedBytes bytes: UnsafeRawBufferPointer) throws(ProtoError)

    /// The encoded size in bytes.
    var serializedSize: Int { get }

    /// Encodes into `buffer`, which has at least ``serializedSize`` bytes; returns the bytes written.
    func serialize(into buffer: UnsafeMutableRawBufferPointer) -> Int

    /// The encoded bytes.
    ///
    /// A requirement only so that generated messages can encode once instead of twice (size, then
    /// bytes); the default implementation calls ``serializedSize`` and ``serialize(into:)``.
    func serializedBytes() -> [UInt8]
}

extension ProtoMessage {
    /// Decodes protobuf wire bytes.
    ///
    /// - Throws: ``ProtoError``, as ``init(serializedBytes:)-(UnsafeRawBufferPointer)``.
    package init(serializedBytes bytes: [UInt8]) throws(ProtoError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ProtoError) in try Self(serializedBytes: buffer) }
        }
        self = try result.get()
    }

    package func serializedBytes() -> [UInt8] {
        let size = serializedSize
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            initializedCount = serialize(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }
}
