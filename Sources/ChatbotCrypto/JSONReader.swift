internal import Glibc

/// A strict, allocation-light JSON parser (RFC 8259) over borrowed bytes.
///
/// Callers that know what they want (JWT claims) walk an object with ``readMembers(_:)``, read
/// the values they need and skip the rest without creating `String`s; ``readDocument()`` builds
/// a whole ``JSONValue``. Strings must be valid UTF-8, nesting is limited to 64 levels, and
/// every error names its offset.
package struct JSONReader: ~Copyable {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var offset = 0
    private var depth = 0

    private static let maxDepth = 64
    /// Stands in for the base of an empty buffer; every read is guarded by `offset < count`, so it
    /// is never dereferenced, let alone written.
    nonisolated(unsafe) private static let empty: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)

    package init(_ bytes: UnsafeRawBufferPointer) {
        base = UnsafePointer(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(Self.empty))
        count = bytes.count
    }

    /// Reads one value and requires that only whitespace follows it.
    package mutating func readDocument() throws(CryptoError) -> JSONValue {
        let value = try readValue()
        try expectEnd()
        return value
    }

    /// Requires that only whitespace is left.
    package mutating func expectEnd() throws(CryptoError) {
        skipWhitespace()
        if offset != count { throw error("unexpected character after the JSON value") }
    }

    package mutating func readValue() throws(CryptoError) -> JSONValue {
        skipWhitespace()
        guard offset < count else { throw error("unexpected end of input") }
        switch base[offset] {
        case UInt8(ascii: "{"):
            var members: [(key: String, value: JSONValue)] = []
            try readMembers { key, reader throws(CryptoError) in
                members.append((key.string, try reader.readValue()))
            }
            return .object(members)
        case UInt8(ascii: "["):
            try enter()
            offset += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                offset += 1
            } else {
                while true {
                    items.append(try readValue())
                    skipWhitespace()
                    let c = current
                    offset += 1
                    if c == UInt8(ascii: "]") { break }
                    if c != UInt8(ascii: ",") { throw error("expected ',' or ']' in array", at: offset - 1) }
                }
            }
            depth -= 1
            return .array(items)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default: return .number(try readNumber())
        }
    }

    /// Reads an object, calling `body` with each key; `body` must consume the member's value.
    ///
    /// The key is lent as bytes, so that matching it against known names creates no `String`.
    package mutating func readMembers(
        _ body: (JSONKey, inout JSONReader) throws(CryptoError) -> Void
    ) throws(CryptoError) {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else { throw error("expected a JSON object") }
        try enter()
        offset += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a member name") }
                if let key = try scanPlainString() {
                    try expectColon()
                    try body(JSONKey(key), &self)
                } else {
                    let key = try readString()
                    try expectColon()
                    try key.withUTF8Bytes { bytes throws(CryptoError) in try body(JSONKey(bytes), &self) }
                }
                skipWhitespace()
                let c = current
                offset += 1
                if c == UInt8(ascii: "}") { break }
                if c != UInt8(ascii: ",") { throw error("expected ',' or '}' in object", at: offset - 1) }
            }
        }
        depth -= 1
    }

    /// Whether the next value is a string (without consuming anything).
    package mutating func nextIsString() -> Bool {
        skipWhitespace()
        return current == UInt8(ascii: "\"")
    }

    /// Whether the next value is a number (without consuming anything).
    package mutating func nextIsNumber() -> Bool {
        skipWhitespace()
        let c = current
        return c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// Reads a value and discards it, creating no `String` for plain strings and numbers.
    package mutating func skipValue() throws(CryptoError) {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "\""): if try scanPlainString() == nil { _ = try readString() }
        case UInt8(ascii: "{"), UInt8(ascii: "["): _ = try readValue()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default: _ = try readNumberBytes()
        }
    }

    /// Reads a string value.
    package mutating func readString() throws(CryptoError) -> String {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw error("expected a string") }
        if let plain = try scanPlainString() { return String(decoding: plain, as: UTF8.self) }
        return try readEscapedString()
    }

    /// Consumes a string without escapes and returns its bytes, checked to be UTF-8; returns
    /// `nil` and consumes nothing when the string has escapes.
    private mutating func scanPlainString() throws(CryptoError) -> UnsafeRawBufferPointer? {
        let start = offset + 1
        var end = start
        var high: UInt8 = 0
        while end < count {
            let c = base[end]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") { return nil }
            if c < 0x20 { throw error("unescaped control character in a string", at: end) }
            high |= c
            end += 1
        }
        guard end < count else { throw error("unterminated string", at: offset) }
        let text = UnsafeRawBufferPointer(start: base + start, count: end - start)
        if high >= 0x80 && String(validatingUTF8: text) == nil { throw error("invalid UTF-8 in a string", at: start) }
        offset = end + 1
        return text
    }

    private mutating func readEscapedString() throws(CryptoError) -> String {
        let start = offset + 1
        offset = start
        var scratch: [UInt8] = []
        while offset < count {
            let c = base[offset]
            offset += 1
            switch c {
            case UInt8(ascii: "\""):
                let decoded = scratch.withUnsafeBytes { String(validatingUTF8: $0) }
                guard let s = decoded else { throw error("invalid UTF-8 in a string", at: start) }
                return s
            case UInt8(ascii: "\\"):
                guard offset < count else { throw error("unterminated string") }
                let e = base[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): scratch.append(contentsOf: try readUnicodeEscape())
                default: throw error("invalid escape in a string", at: offset - 2)
                }
            default:
                if c < 0x20 { throw error("unescaped control character in a string", at: offset - 1) }
                scratch.append(c)
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    /// Reads the hex digits of a `\u` escape (and of its low surrogate) and returns the UTF-8.
    private mutating func readUnicodeEscape() throws(CryptoError) -> UTF8.EncodedScalar {
        var scalar = UInt32(try readHex4())
        if (0xD800..<0xDC00).contains(scalar) {
            guard offset + 1 < count, base[offset] == UInt8(ascii: "\\"), base[offset + 1] == UInt8(ascii: "u")
            else { throw error("unpaired surrogate in a \\u escape") }
            offset += 2
            let low = UInt32(try readHex4())
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw error("unpaired surrogate in a \\u escape")
        }
        return UTF8.encode(Unicode.Scalar(scalar)!)!
    }

    /// Reads a number and returns its literal text.
    package mutating func readNumber() throws(CryptoError) -> String {
        String(decoding: try readNumberBytes(), as: UTF8.self)
    }

    /// Reads a number: its value when it is an integer literal that fits an `Int64`, and its text.
    package mutating func readInteger() throws(CryptoError) -> (value: Int64?, literal: UnsafeRawBufferPointer) {
        let start = offset
        let literal = try readNumberBytes()
        var i = start
        let negative = base[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard offset - i <= 18 else { return (nil, literal) }
        var value: Int64 = 0
        while i < offset {
            let d = base[i] &- UInt8(ascii: "0")
            if d > 9 { return (nil, literal) }
            value = value &* 10 &+ Int64(d)
            i += 1
        }
        return (negative ? -value : value, literal)
    }

    private mutating func readNumberBytes() throws(CryptoError) -> UnsafeRawBufferPointer {
        skipWhitespace()
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        if current == UInt8(ascii: "0") {
            offset += 1
        } else {
            guard skipDigits() > 0 else { throw error("expected a JSON value", at: start) }
        }
        if current == UInt8(ascii: ".") {
            offset += 1
            guard skipDigits() > 0 else { throw error("expected digits after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard skipDigits() > 0 else { throw error("expected digits in an exponent") }
        }
        return UnsafeRawBufferPointer(start: base + start, count: offset - start)
    }

    private mutating func skipDigits() -> Int {
        let start = offset
        while offset < count && base[offset] &- UInt8(ascii: "0") <= 9 { offset += 1 }
        return offset - start
    }

    private mutating func readHex4() throws(CryptoError) -> UInt16 {
        guard offset + 4 <= count else { throw error("truncated \\u escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = base[offset]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in a \\u escape")
            }
            v = v << 4 | UInt16(d)
            offset += 1
        }
        return v
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(CryptoError) {
        let n = literal.utf8CodeUnitCount
        guard offset + n <= count, memcmp(base + offset, literal.utf8Start, n) == 0 else {
            throw error("expected a JSON value")
        }
        offset += n
    }

    private mutating func expectColon() throws(CryptoError) {
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
        offset += 1
    }

    private mutating func enter() throws(CryptoError) {
        depth += 1
        if depth > Self.maxDepth { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
    }

    /// The byte at the current offset, or 0 (never valid outside a string) at the end.
    private var current: UInt8 { offset < count ? base[offset] : 0 }

    private mutating func skipWhitespace() {
        while offset < count {
            let c = base[offset]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            offset += 1
        }
    }

    private func error(_ what: String, at position: Int? = nil) -> CryptoError {
        CryptoError(.malformedJSON, "malformed JSON at offset \(position ?? offset): \(what)")
    }
}

/// An object member's name as valid UTF-8 bytes, lent for the length of a
/// ``JSONReader/readMembers(_:)`` callback; it must not be kept beyond it.
package struct JSONKey {
    private let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Whether the name is `name`, compared as bytes.
    package func equals(_ name: StaticString) -> Bool {
        name.utf8CodeUnitCount == bytes.count
            && (bytes.isEmpty || memcmp(name.utf8Start, bytes.baseAddress!, bytes.count) == 0)
    }

    /// The name as a `String`.
    package var string: String { String(decoding: bytes, as: UTF8.self) }
}
