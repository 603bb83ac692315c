package import ChatbotProto
package import NIOCore

/// gRPC's length-prefixed messages: a compressed flag byte, a big-endian `UInt32` length, the bytes.
package enum GRPCFraming {
    /// The prefix's size.
    package static let prefixSize = 5

    /// Encodes `message` with its prefix into one new buffer (encoding once: a size query
    /// would build protobuf-c's struct a second time).
    package static func frame(_ message: some ProtoMessage, allocator: ByteBufferAllocator) -> ByteBuffer {
        let bytes = message.serializedBytes()
        var buffer = allocator.buffer(capacity: prefixSize + bytes.count)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }

    /// Decodes one message's bytes (as ``Decoder/next()`` returns them).
    package static func decode<Message: ProtoMessage>(
        _ bytes: ByteBuffer,
        as: Message.Type = Message.self
    ) throws(ProtoError) -> Message {
        try bytes.withUnsafeReadableBytes { raw in
            Result { () throws(ProtoError) in try Message(serializedBytes: raw) }
        }.get()
    }

    /// Incremental decoding of the messages of one stream, as DATA frames arrive.
    package struct Decoder {
        private var pending: ByteBuffer?
        private let maxMessageSize: Int

        package init(maxMessageSize: Int) {
            self.maxMessageSize = maxMessageSize
        }

        /// Appends received bytes.
        package mutating func append(_ bytes: UnsafeRawBufferPointer) {
            if pending == nil {
                pending = ByteBufferAllocator().buffer(bytes: bytes)
            } else {
                pending!.writeBytes(bytes)
            }
        }

        /// The next complete message, nil when more bytes are needed.
        /// - Throws: RESOURCE_EXHAUSTED for a message over the limit (known from its prefix,
        ///   before its bytes arrive); INTERNAL for a compressed message, as no encoding but
        ///   identity was accepted.
        package mutating func next() throws(RPCError) -> ByteBuffer? {
            guard var buffer = pending, buffer.readableBytes >= prefixSize,
                let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
            else { return nil }
            guard flag == 0 else {
                throw RPCError(.internalError, "compressed message received, but grpc-encoding is identity")
            }
            guard length <= maxMessageSize else {
                throw RPCError(
                    .resourceExhausted,
                    "received message larger than max (\(length) vs. \(maxMessageSize))"
                )
            }
            guard buffer.readableBytes >= prefixSize + Int(length) else { return nil }
            buffer.moveReaderIndex(forwardBy: prefixSize)
            let message = buffer.readSlice(length: Int(length))!
            pending = buffer.readableBytes == 0 ? nil : buffer
            return message
        }

        /// Drops what was received.
        package mutating func reset() {
            pending = nil
        }

        /// Bytes received that do not yet form a whole message.
        package var bufferedBytes: Int { pending?.readableBytes ?? 0 }
    }
}
