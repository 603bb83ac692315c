internal import CProtobufC

/// The C side of a generated message: how to build its protobuf-c struct and how to read one back.
///
/// Generated code conforms every message to it and forwards ``ProtoMessage``'s requirements to
/// the helpers below, which drive protobuf-c's generic `protobuf_c_message_*` functions.
protocol CBridgedMessage: ProtoMessage {
    /// The protobuf-c struct, for example `Chatbot__V1__SignRequest`.
    associatedtype CMessage

    /// Sets `message` to the default value with the generated `x__init()`.
    ///
    /// The `X__INIT` macros cannot be imported into Swift; `x__init()` also sets `base.descriptor`.
    static func initialize(_ message: UnsafeMutablePointer<CMessage>?)

    /// Copies an unpacked struct into Swift values.
    ///
    /// - Throws: ``ProtoError`` with code `invalidUTF8` when a string field is not UTF-8.
    init(cMessage: CMessage) throws(ProtoError)

    /// Points the fields of `message`, which ``initialize(_:)`` has set up, at copies of this
    /// value's fields that `arena` owns.
    func fill(_ message: inout CMessage, arena: ProtoArena)
}

extension CBridgedMessage {
    /// The protobuf-c descriptor, read from a struct that ``initialize(_:)`` has set up.
    ///
    /// The `x__descriptor` globals cannot be addressed from Swift: taking the address of an
    /// imported C constant yields a temporary copy, and protobuf-c compares descriptors by address.
    static var descriptor: UnsafePointer<ProtobufCMessageDescriptor> {
        withUnsafeTemporaryAllocation(of: CMessage.self, capacity: 1) { buffer in
            let message = buffer.baseAddress!
            initialize(message)
            return UnsafeRawPointer(message).load(as: ProtobufCMessage.self).descriptor
        }
    }

    /// Decodes `bytes` with `protobuf_c_message_unpack`, copies the result and frees it.
    static func unpack(_ bytes: UnsafeRawBufferPointer) throws(ProtoError) -> Self {
        // protobuf-c never reads `data` when `len` is 0, but it should not be given NULL either.
        let empty: UInt8 = 0
        let unpacked = withUnsafePointer(to: empty) { emptyPointer in
            protobuf_c_message_unpack(
                descriptor,
                nil,
                bytes.count,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer
            )
        }
        guard let unpacked else {
            throw ProtoError(.malformed, message: "malformed \(protoName) (\(bytes.count) bytes)")
        }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        return try Self(cMessage: UnsafeMutableRawPointer(unpacked).assumingMemoryBound(to: CMessage.self).pointee)
    }

    /// Runs `body` with this value as a protobuf-c message whose memory lives until `body` returns.
    private func withCMessage<Result>(_ body: (UnsafePointer<ProtobufCMessage>) -> Result) -> Result {
        ProtoArena.with { arena in
            let message = arena.message(self)
            return body(UnsafeRawPointer(message).assumingMemoryBound(to: ProtobufCMessage.self))
        }
    }

    /// The encoded size, from `protobuf_c_message_get_packed_size`.
    func packedSize() -> Int {
        withCMessage { protobuf_c_message_get_packed_size($0) }
    }

    /// Encodes with `protobuf_c_message_pack` into `buffer`, which must be large enough.
    func pack(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        withCMessage { message in
            let size = protobuf_c_message_get_packed_size(message)
            precondition(buffer.count >= size, "\(Self.protoName) needs \(size) bytes, the buffer has \(buffer.count)")
            guard size > 0, let out = buffer.baseAddress else {
                return 0
            }
            return protobuf_c_message_pack(message, out.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Encodes with one conversion to C, where ``ProtoMessage/serializedBytes()`` needs two.
    func packedBytes() -> [UInt8] {
        withCMessage { message in
            let size = protobuf_c_message_get_packed_size(message)
            return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
                guard size > 0, let out = buffer.baseAddress else {
                    initializedCount = 0
                    return
                }
                initializedCount = protobuf_c_message_pack(message, out)
            }
        }
    }
}

/// Reads field values out of an unpacked protobuf-c struct into Swift values.
enum CReader {
    /// A string field: protobuf-c allocated it NUL-terminated and did not check its UTF-8.
    ///
    /// - Parameter field: The fully qualified field name, for the error message.
    static func string(_ pointer: UnsafePointer<CChar>?, field: String) throws(ProtoError) -> String {
        guard let pointer else {
            return ""
        }
        guard let string = String(validatingCString: pointer) else {
            throw ProtoError(.invalidUTF8, message: "invalid UTF-8 in string field \(field)")
        }
        return string
    }

    /// A bytes field.
    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: data.data, count: data.len))
    }

    /// A message field; `nil` when absent.
    static func message<Message: CBridgedMessage>(
        _ pointer: UnsafePointer<Message.CMessage>?,
        as type: Message.Type
    ) throws(ProtoError) -> Message? {
        guard let pointer else {
            return nil
        }
        return try Message(cMessage: pointer.pointee)
    }

    /// A repeated field, element by element.
    static func array<CElement, Element, Failure: Error>(
        _ base: UnsafePointer<CElement>?,
        count: Int,
        _ transform: (CElement) throws(Failure) -> Element
    ) throws(Failure) -> [Element] {
        guard let base, count > 0 else {
            return []
        }
        var result: [Element] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            result.append(try transform(base[index]))
        }
        return result
    }

    /// A repeated string field.
    static func strings(
        _ base: UnsafePointer<UnsafeMutablePointer<CChar>?>?,
        count: Int,
        field: String
    ) throws(ProtoError) -> [String] {
        try array(base, count: count) { (pointer) throws(ProtoError) in try string(pointer, field: field) }
    }

    /// A repeated message field.
    static func messages<Message: CBridgedMessage>(
        _ base: UnsafePointer<UnsafeMutablePointer<Message.CMessage>?>?,
        count: Int,
        as type: Message.Type
    ) throws(ProtoError) -> [Message] {
        try array(base, count: count) { (pointer) throws(ProtoError) in
            try message(pointer, as: type) ?? Message()
        }
    }

    /// A map field from its entries; a later entry wins over an earlier one with the same key.
    static func map<Entry, Key: Hashable, Value>(
        _ base: UnsafePointer<UnsafeMutablePointer<Entry>?>?,
        count: Int,
        _ transform: (Entry) throws(ProtoError) -> (Key, Value)
    ) throws(ProtoError) -> [Key: Value] {
        var result: [Key: Value] = [:]
        guard let base, count > 0 else {
            return result
        }
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = base[index] else {
                continue
            }
            let (key, value) = try transform(entry.pointee)
            result[key] = value
        }
        return result
    }
}
