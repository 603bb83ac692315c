/// Writes compact JSON with every non-printable or non-ASCII character escaped, byte for byte as
/// Python's `json.dumps(value, separators=(",", ":"), ensure_ascii=True)`.
///
/// With `escapingNonASCII` false, DEL and non-ASCII characters are written as their UTF-8 bytes
/// instead, byte for byte as `ensure_ascii=False`: half the size for Chinese text, and faster to
/// read back.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    private let escapesNonASCII: Bool

    /// - Parameter escapingNonASCII: Whether to write non-ASCII characters as `\u` escapes (the
    ///   default, which is what PyJWT signs) or as UTF-8.
    package init(escapingNonASCII: Bool = true) {
        self.escapesNonASCII = escapingNonASCII
    }

    /// Makes room for `count` bytes in all, so that a document of about that size is written
    /// without growing the buffer on the way.
    package mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(count)
    }

    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): bytes.append(contentsOf: n.utf8)
        case .string(let s): write(string: s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(string: member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Opens an object; members follow through ``write(member:string:)`` and
    /// ``write(member:integer:)``, then ``endObject()``. Inside an array opened with
    /// ``beginArray(member:)``, objects are elements, with the commas they need.
    package mutating func beginObject() {
        if bytes.last == UInt8(ascii: "}") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "{"))
    }

    package mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    /// Writes `"key":{` inside an open object; members follow, then ``endObject()``.
    package mutating func beginObject(member key: String) {
        writeKey(key)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Writes `"key":[` inside an open object; objects follow as elements, then ``endArray()``.
    package mutating func beginArray(member key: String) {
        writeKey(key)
        bytes.append(UInt8(ascii: "["))
    }

    package mutating func endArray() { bytes.append(UInt8(ascii: "]")) }

    /// Writes `"key":true` or `"key":false` inside an open object.
    package mutating func write(member key: String, bool value: Bool) {
        writeKey(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Writes `"key":0.95` inside an open object: the shortest text that reads back as `value`
    /// (`1.0` for one, as Python's `repr`); 0 for a value that is not finite, which JSON cannot hold.
    package mutating func write(member key: String, number value: Double) {
        writeKey(key)
        bytes.append(contentsOf: (value.isFinite ? value.description : "0").utf8)
    }

    /// Writes `"key":"value"` inside an open object, with the comma it needs.
    package mutating func write(member key: String, string value: String) {
        writeKey(key)
        write(string: value)
    }

    /// Writes `"key":123` inside an open object, with the comma it needs.
    package mutating func write(member key: String, integer value: Int64) {
        writeKey(key)
        // The digits straight into the buffer, without a String.
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Writes `"key":` and `value` inside an open object, with the comma it needs.
    package mutating func write(member key: String, value: JSONValue) {
        writeKey(key)
        write(value)
    }

    private mutating func writeKey(_ key: String) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        write(string: key)
        bytes.append(UInt8(ascii: ":"))
    }

    package mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most of the platform's answer fields are empty.
        guard !string.isEmpty else {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        string.withUTF8Bytes { utf8 in
            // Runs of printable ASCII are copied as they are; everything else is escaped.
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let c = utf8[i]
                if (c >= 0x20 && c < 0x7F && c != 0x22 && c != 0x5C) || (c >= 0x7F && !escapesNonASCII) {
                    i += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<i]))
                if c < 0x80 {
                    escapeASCII(c)
                    i += 1
                } else {
                    let (scalar, length) = Self.decodeScalar(utf8, at: i)
                    if scalar >= 0x10000 {
                        let v = scalar - 0x10000
                        escapeUnit(UInt16(0xD800 + (v >> 10)))
                        escapeUnit(UInt16(0xDC00 + (v & 0x3FF)))
                    } else {
                        escapeUnit(UInt16(scalar))
                    }
                    i += length
                }
                runStart = i
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escapeASCII(_ c: UInt8) {
        switch c {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])  // \"
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])  // \\
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        default: escapeUnit(UInt16(c))
        }
    }

    private mutating func escapeUnit(_ unit: UInt16) {
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(Self.hexDigits[Int(unit >> UInt16(shift) & 0xF)])
        }
    }

    /// The scalar whose UTF-8 encoding starts at `i` (a String's bytes are valid UTF-8), and its length.
    private static func decodeScalar(_ utf8: UnsafeRawBufferPointer, at i: Int) -> (UInt32, Int) {
        let c = UInt32(utf8[i])
        if c < 0xE0 { return ((c & 0x1F) << 6 | UInt32(utf8[i + 1]) & 0x3F, 2) }
        if c < 0xF0 { return ((c & 0x0F) << 12 | (UInt32(utf8[i + 1]) & 0x3F) << 6 | UInt32(utf8[i + 2]) & 0x3F, 3) }
        let scalar =
            (c & 0x07) << 18 | (UInt32(utf8[i + 1]) & 0x3F) << 12 | (UInt32(utf8[i + 2]) & 0x3F) << 6
            | UInt32(utf8[i + 3]) & 0x3F
        return (scalar, 4)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
