/// Finds the frame heads in the bytes a server receives (after the 24-byte client preface), as
/// they arrive in chunks of any size, so that a frame can be checked before nghttp2 processes it.
///
/// It only counts: a frame's payload is skipped by its length, whatever it holds. nghttp2 checks
/// the preface and every frame itself and ends the connection on garbage, so the scanner never
/// has to resynchronise.
struct InboundFrameScanner {
    /// The fixed 9-byte head of a frame.
    struct FrameHead: Equatable {
        static let data: UInt8 = 0x0
        static let headers: UInt8 = 0x1

        var length: Int
        var type: UInt8
        var stream: Int32

        var isDataOrHeaders: Bool { type == Self.data || type == Self.headers }
    }

    /// A frame head found: where it starts in the chunk (0 when it began in an earlier one).
    struct Found {
        var start: Int
        var head: FrameHead
    }

    private static let prefaceSize = 24
    private var prefaceLeft = prefaceSize
    private var payloadLeft = 0
    /// The bytes of a head split across chunks.
    private var partial: [UInt8] = []

    /// The next frame head in `bytes` from `offset`, moving `offset` past it; nil once the chunk
    /// is used up (a head cut short is kept for the next chunk).
    mutating func next(in bytes: UnsafeRawBufferPointer, from offset: inout Int) -> Found? {
        while offset < bytes.count {
            if prefaceLeft > 0 {
                let n = min(prefaceLeft, bytes.count - offset)
                prefaceLeft -= n
                offset += n
                continue
            }
            if payloadLeft > 0 {
                let n = min(payloadLeft, bytes.count - offset)
                payloadLeft -= n
                offset += n
                continue
            }
            let start = partial.isEmpty ? offset : 0
            let n = min(9 - partial.count, bytes.count - offset)
            if partial.isEmpty && n == 9 {
                let head = Self.parse(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 9]))
                offset += 9
                payloadLeft = head.length
                return Found(start: start, head: head)
            }
            partial += bytes[offset..<offset + n]
            offset += n
            guard partial.count == 9 else { return nil }
            let head = partial.withUnsafeBytes { Self.parse($0) }
            partial.removeAll(keepingCapacity: true)
            payloadLeft = head.length
            return Found(start: start, head: head)
        }
        return nil
    }

    private static func parse(_ head: UnsafeRawBufferPointer) -> FrameHead {
        let length = Int(head[0]) << 16 | Int(head[1]) << 8 | Int(head[2])
        let stream = Int32(head[5] & 0x7f) << 24 | Int32(head[6]) << 16 | Int32(head[7]) << 8 | Int32(head[8])
        return FrameHead(length: length, type: head[3], stream: stream)
    }
}

/// The last few stream ids put in, oldest forgotten first: enough to remember the streams reset
/// while a peer may still have frames for them in flight.
struct RecentStreams {
    private var ids: [Int32] = []
    private var next = 0
    private let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    mutating func insert(_ stream: Int32) {
        if ids.count < capacity {
            ids.append(stream)
        } else {
            ids[next] = stream
            next = (next + 1) % capacity
        }
    }

    func contains(_ stream: Int32) -> Bool { ids.contains(stream) }
}
