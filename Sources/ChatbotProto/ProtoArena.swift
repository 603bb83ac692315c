internal import CProtobufC

/// The memory behind one encode: a message's protobuf-c struct tree and copies of its strings and bytes.
///
/// protobuf-c packs from C structs whose strings are NUL-terminated `char *`, whose bytes are
/// pointer and length, and whose nested and repeated fields are pointers and arrays. Lending each
/// Swift string with `withCString` nests one closure per string, so instead everything is copied
/// into blocks this arena owns, and all of them are freed together after `protobuf_c_message_pack`
/// returns. Allocation is a pointer bump inside 4 KiB blocks, so a typical message costs one
/// `malloc`.
///
/// - Important: Reach it only through ``with(_:)``: every pointer it hands out dies when the closure
///   returns. It is confined to the calling thread and never `Sendable`.
final class ProtoArena {
    private static let blockSize = 4096

    private var blocks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutableRawPointer?
    private var remaining = 0

    private init() {}

    deinit {
        freeAll()
    }

    /// Runs `body` with a fresh arena and frees all of its memory when `body` returns.
    static func with<R>(_ body: (ProtoArena) -> R) -> R {
        let arena = ProtoArena()
        // The explicit free after `body` also keeps the arena alive until then; do not rely on
        // `deinit`, which may run right after the arena's last use inside `body`.
        defer { arena.freeAll() }
        return body(arena)
    }

    private func freeAll() {
        for block in blocks {
            block.deallocate()
        }
        blocks.removeAll()
        next = nil
        remaining = 0
    }

    /// Uninitialised memory for `count` values of `T`, bound to `T`.
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let byteCount = MemoryLayout<T>.stride * max(count, 1)
        let alignment = MemoryLayout<T>.alignment
        if let next {
            let padding = (alignment - Int(bitPattern: next) % alignment) % alignment
            if padding + byteCount <= remaining {
                let start = next + padding
                self.next = start + byteCount
                remaining -= padding + byteCount
                return start.bindMemory(to: T.self, capacity: max(count, 1))
            }
        }
        // A new block; the old one's tail is wasted, which is fine for one short-lived encode.
        let size = max(Self.blockSize, byteCount)
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: max(alignment, 16))
        blocks.append(block)
        next = block + byteCount
        remaining = size - byteCount
        return block.bindMemory(to: T.self, capacity: max(count, 1))
    }

    // MARK: - Field values

    /// A NUL-terminated copy of `string`.
    ///
    /// protobuf-c measures strings with `strlen`, so a U+0000 inside `string` ends it.
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let copy = allocate(CChar.self, count: utf8.count + 1)
            if let source = utf8.baseAddress {
                UnsafeMutableRawPointer(copy).copyMemory(from: source, byteCount: utf8.count)
            }
            copy[utf8.count] = 0
            return copy
        }
    }

    /// A copy of `bytes`; empty bytes are a zero length and a null pointer.
    func bytes(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else {
            return ProtobufCBinaryData(len: 0, data: nil)
        }
        let copy = allocate(UInt8.self, count: bytes.count)
        copy.initialize(from: bytes, count: bytes.count)
        return ProtobufCBinaryData(len: bytes.count, data: copy)
    }

    /// A protobuf-c struct for `message`: initialised with the generated `x__init()`, then filled.
    func message<Message: CBridgedMessage>(_ message: Message) -> UnsafeMutablePointer<Message.CMessage> {
        let cMessage = allocate(Message.CMessage.self, count: 1)
        Message.initialize(cMessage)
        message.fill(&cMessage.pointee, arena: self)
        return cMessage
    }

    // MARK: - Repeated fields, as protobuf-c's count and pointer pair

    /// A copy of `values`, for repeated fields whose C and Swift element types are the same.
    func array<Element>(_ values: [Element]) -> (Int, UnsafeMutablePointer<Element>?) {
        array(values) { $0 }
    }

    /// `values` converted one by one with `transform`.
    func array<Element, CElement>(
        _ values: [Element],
        _ transform: (Element) -> CElement
    ) -> (Int, UnsafeMutablePointer<CElement>?) {
        guard !values.isEmpty else {
            return (0, nil)
        }
        let elements = allocate(CElement.self, count: values.count)
        for (index, value) in values.enumerated() {
            (elements + index).initialize(to: transform(value))
        }
        return (values.count, elements)
    }

    /// NUL-terminated copies of `values`.
    func strings(_ values: [String]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        array(values) { Optional(string($0)) }
    }

    /// Copies of `values`.
    func bytesArray(_ values: [[UInt8]]) -> (Int, UnsafeMutablePointer<ProtobufCBinaryData>?) {
        array(values) { bytes($0) }
    }

    /// protobuf-c structs for `values`.
    func messages<Message: CBridgedMessage>(
        _ values: [Message]
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Message.CMessage>?>?) {
        array(values) { Optional(message($0)) }
    }

    /// Map entry structs for `map`, in ascending key order so that the encoding is deterministic.
    ///
    /// - Parameters:
    ///   - map: The map field's value.
    ///   - initialize: The entry's generated `x__init()`.
    ///   - fill: Sets the entry's `key` and `value` fields.
    func mapEntries<Key: Comparable, Value, Entry>(
        _ map: [Key: Value],
        initialize: (UnsafeMutablePointer<Entry>?) -> Void,
        fill: (inout Entry, Key, Value) -> Void
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>?) {
        array(map.sorted { $0.key < $1.key }) { element in
            let entry = allocate(Entry.self, count: 1)
            initialize(entry)
            fill(&entry.pointee, element.key, element.value)
            return Optional(entry)
        }
    }
}
