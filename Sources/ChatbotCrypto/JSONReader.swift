/// A strict, allocation-light JSON parser over borrowed bytes.
///
/// Callers that know what they want (JWT claims) walk an object with ``readMembers(_:)`` and
/// skip the rest; ``readDocument()`` builds a whole ``JSONValue``.
package struct JSONReader: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private var depth = 0

    private static let maxDepth = 64

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
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
        if offset != bytes.count { throw error("unexpected character after the JSON value") }
    }

    package mutating func readValue() throws(CryptoError) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw error("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            var members: [(key: String, value: JSONValue)] = []
            try readMembers { key, reader throws(CryptoError) in members.append((key, try reader.readValue())) }
            return .object(members)
        case UInt8(ascii: "["):
            try enter()
            offset += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                offset += 1
            } else {
                while true {
                    items.append(try readValue())
                    skipWhitespace()
                    let c = peek()
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
    package mutating func readMembers(
        _ body: (String, inout JSONReader) throws(CryptoError) -> Void
    ) throws(CryptoError) {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw error("expected a JSON object") }
        try enter()
        offset += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try readString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
                offset += 1
                try body(key, &self)
                skipWhitespace()
                let c = peek()
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
        return peek() == UInt8(ascii: "\"")
    }

    /// Whether the next value is a number (without consuming anything).
    package mutating func nextIsNumber() -> Bool {
        skipWhitespace()
        guard let c = peek() else { return false }
        return c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// Reads a value and discards it.
    package mutating func skipValue() throws(CryptoError) {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "{"), UInt8(ascii: "["): _ = try readValue()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        default: _ = try readNumber()
        }
    }

    /// Reads a string value.
    package mutating func readString() throws(CryptoError) -> String {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        offset += 1
        let start = offset
        // Fast path: no escapes; ASCII needs no UTF-8 validation.
        var ascii = true
        while offset < bytes.count {
            let c = bytes[offset]
            if c == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
                offset += 1
                if ascii { return String(decoding: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
                guard let s = String(validatingUTF8: slice) else {
                    throw error("invalid UTF-8 in a string", at: start)
                }
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("unescaped control character in a string") }
            ascii = ascii && c < 0x80
            offset += 1
        }
        var scratch = Array(bytes[start..<offset])
        while offset < bytes.count {
            let c = bytes[offset]
            offset += 1
            switch c {
            case UInt8(ascii: "\""):
                let decoded = scratch.withUnsafeBytes { String(validatingUTF8: $0) }
                guard let s = decoded else {
                    throw error("invalid UTF-8 in a string", at: start)
                }
                return s
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw error("unterminated string") }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = UInt32(try readHex4())
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard peek() == UInt8(ascii: "\\"), offset + 1 < bytes.count,
                            bytes[offset + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired surrogate in a \\u escape") }
                        offset += 2
                        let low = UInt32(try readHex4())
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired surrogate in a \\u escape")
                    }
                    scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
                default: throw error("invalid escape in a string", at: offset - 2)
                }
            default:
                if c < 0x20 { throw error("unescaped control character in a string", at: offset - 1) }
                scratch.append(c)
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    /// Reads a number and returns its literal text.
    package mutating func readNumber() throws(CryptoError) -> String {
        String(decoding: try readNumberBytes().assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// Reads a number: its value when it is an integer literal that fits an `Int64`, and its text.
    package mutating func readInteger() throws(CryptoError) -> (value: Int64?, literal: UnsafeRawBufferPointer) {
        let literal = try readNumberBytes()
        var digits = literal[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return (nil, literal)
        }
        var value: Int64 = 0
        for d in digits { value = value * 10 + Int64(d - UInt8(ascii: "0")) }
        return (negative ? -value : value, literal)
    }

    private mutating func readNumberBytes() throws(CryptoError) -> UnsafeRawBufferPointer {
        skipWhitespace()
        let start = offset
        if peek() == UInt8(ascii: "-") { offset += 1 }
        if peek() == UInt8(ascii: "0") {
            offset += 1
        } else {
            guard try digits() > 0 else { throw error("expected a JSON value", at: start) }
        }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            guard try digits() > 0 else { throw error("expected digits after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            guard try digits() > 0 else { throw error("expected digits in an exponent") }
        }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
    }

    private mutating func digits() throws(CryptoError) -> Int {
        let start = offset
        while let c = peek(), c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { offset += 1 }
        return offset - start
    }

    private mutating func readHex4() throws(CryptoError) -> UInt16 {
        guard offset + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = bytes[offset]
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
        guard offset + n <= bytes.count,
            UnsafeBufferPointer(start: literal.utf8Start, count: n).elementsEqual(bytes[offset..<offset + n])
        else { throw error("expected a JSON value") }
        offset += n
    }

    private mutating func enter() throws(CryptoError) {
        depth += 1
        if depth > Self.maxDepth { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
    }

    private func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipWhitespace() {
        while let c = peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { offset += 1 }
    }

    private func error(_ what: String, at position: Int? = nil) -> CryptoError {
        CryptoError(.malformedJSON, "malformed JSON at offset \(position ?? offset): \(what)")
    }
}
