/// The XML inside a management envelope (`setautoreply`, `batchimportskill`, `publish`): a small
/// reader that accepts what real clients send and refuses the rest with a message naming the cause.
///
/// Accepted (DESIGN §4): any root element name; text as CDATA (`<![CDATA[…]]>`, several sections
/// are joined) or as character data with the five predefined entities and numeric character
/// references; an XML declaration, comments and whitespace between elements; attributes, which are
/// read and ignored. Text without CDATA is trimmed of surrounding whitespace; CDATA is kept as
/// given. Refused: a document type declaration (no entity expansion, ever), processing
/// instructions inside the root, a mismatched or missing end tag, an unknown entity, text or a
/// second element after the root, a character reference to what is not an XML character (NUL,
/// other C0 controls, surrogates, U+FFFE, U+FFFF, beyond U+10FFFF), nesting deeper than
/// ``maxDepth``, bytes that are not UTF-8.
///
/// This is not a general XML parser: namespaces are not interpreted (a prefixed name is just a
/// name) and the reader keeps the whole tree, which is fine for payloads bounded by the request
/// size limit.
package struct XMLPayload: Sendable, Hashable {
    /// The element's name, as written (prefix included).
    package var name: String
    /// The element's text: its character data and CDATA sections joined, outside its children.
    package var text: String
    package var children: [XMLPayload]

    /// How deep elements may nest.
    package static let maxDepth = 16

    /// Why a payload is not acceptable XML; ``message`` names the cause and the byte offset.
    package struct Malformed: Error, Hashable, Sendable {
        package var message: String

        package init(_ message: String) { self.message = message }
    }

    package init(name: String, text: String = "", children: [XMLPayload] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// Parses a whole document and returns its root element.
    package init(parsing bytes: [UInt8]) throws(Malformed) {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw Malformed("the payload is not UTF-8 text")
        }
        var reader = Reader(bytes: bytes)
        self = try reader.document()
    }

    /// The children named `name` (compared ASCII case-insensitively, as clients vary the case).
    package func children(named name: String) -> [XMLPayload] {
        children.filter { $0.name.lowercased() == name.lowercased() }
    }

    /// The text of the first child named `name`, or nil when there is none.
    package func value(of name: String) -> String? {
        children(named: name).first?.text
    }

    /// The texts of the children named `name`, and of those children of `list` elements (the
    /// platform's documents put similar questions either directly under the root or in `<list>`).
    package func values(of name: String, orIn list: String = "list") -> [String] {
        var values: [String] = []
        for child in children {
            if child.name.lowercased() == name.lowercased() {
                values.append(child.text)
            } else if child.name.lowercased() == list.lowercased() {
                values += child.children(named: name).map(\.text)
            }
        }
        return values
    }
}

extension XMLPayload {
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte-order mark.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func document() throws(Malformed) -> XMLPayload {
            try skipMisc(allowDeclaration: true)
            guard index < bytes.count else {
                throw Malformed(bytes.isEmpty ? "the payload is empty" : "the payload has no XML element")
            }
            guard bytes[index] == UInt8(ascii: "<") else {
                let first = bytes[index]
                if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
                    throw Malformed("the payload is JSON, not XML: send <xml><field>…</field></xml>")
                }
                throw Malformed("the payload is not XML: expected \"<\" at byte \(index)")
            }
            let root = try element(depth: 1)
            try skipMisc(allowDeclaration: false)
            guard index == bytes.count else {
                throw Malformed("unexpected content after the root element </\(root.name)> at byte \(index)")
            }
            return root
        }

        /// Skips whitespace, comments and (before the root) an XML declaration.
        mutating func skipMisc(allowDeclaration: Bool) throws(Malformed) {
            while true {
                skipSpace()
                if starts(with: "<?xml") && allowDeclaration && index <= 3 {
                    try skip(past: "?>", what: "the XML declaration")
                } else if starts(with: "<!--") {
                    try skip(past: "-->", what: "a comment")
                } else if starts(with: "<!DOCTYPE") || starts(with: "<!doctype") {
                    throw Malformed("document type declarations are not allowed (byte \(index))")
                } else if starts(with: "<?") {
                    throw Malformed("processing instructions are not allowed (byte \(index))")
                } else {
                    return
                }
            }
        }

        /// Reads an element whose `<` is at ``index``.
        mutating func element(depth: Int) throws(Malformed) -> XMLPayload {
            guard depth <= XMLPayload.maxDepth else {
                throw Malformed("elements nest deeper than \(XMLPayload.maxDepth) levels (byte \(index))")
            }
            let start = index
            index += 1
            let name = try self.name(what: "an element name")
            try attributes(of: name)
            if starts(with: "/>") {
                index += 2
                return XMLPayload(name: name)
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                throw Malformed("the start tag <\(name)> at byte \(start) is not closed")
            }
            index += 1
            var element = XMLPayload(name: name)
            var plain: [UInt8] = []
            var cdata: [UInt8] = []
            var outside: [UInt8] = []
            var sawCDATA = false
            while true {
                guard index < bytes.count else {
                    throw Malformed("<\(name)> at byte \(start) has no end tag </\(name)>")
                }
                let c = bytes[index]
                if c == UInt8(ascii: "<") {
                    if starts(with: "<![CDATA[") {
                        index += 9
                        guard let end = find("]]>") else {
                            throw Malformed("a CDATA section in <\(name)> is not closed with ]]>")
                        }
                        cdata += bytes[index..<end]
                        plain += bytes[index..<end]
                        sawCDATA = true
                        index = end + 3
                    } else if starts(with: "<!--") {
                        try skip(past: "-->", what: "a comment")
                    } else if starts(with: "</") {
                        index += 2
                        let closing = try self.name(what: "an end-tag name")
                        skipSpace()
                        guard closing == name else {
                            throw Malformed("expected </\(name)>, found </\(closing)> at byte \(index)")
                        }
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                            throw Malformed("the end tag </\(name)> is not closed with > (byte \(index))")
                        }
                        index += 1
                        break
                    } else if starts(with: "<!") || starts(with: "<?") {
                        throw Malformed("unexpected markup in <\(name)> at byte \(index)")
                    } else {
                        element.children.append(try self.element(depth: depth + 1))
                    }
                } else if c == UInt8(ascii: "&") {
                    let decoded = try entity()
                    plain += decoded
                    outside += decoded
                } else if c == UInt8(ascii: ">") && index >= 2 && bytes[index - 2] == UInt8(ascii: "]")
                    && bytes[index - 1] == UInt8(ascii: "]")
                {
                    throw Malformed("\"]]>\" outside a CDATA section in <\(name)> (byte \(index))")
                } else {
                    plain.append(c)
                    outside.append(c)
                    index += 1
                }
            }
            // With CDATA, whitespace around the sections is layout; without, the text is trimmed.
            let text = sawCDATA && outside.allSatisfy(Self.isSpace) ? cdata : Self.trimmed(plain)
            element.text = String(decoding: text, as: UTF8.self)
            return element
        }

        /// Reads attributes up to `>` or `/>`, checking their form; their values are dropped.
        mutating func attributes(of element: String) throws(Malformed) {
            while true {
                let hadSpace = skipSpace()
                guard index < bytes.count else {
                    throw Malformed("the start tag <\(element)> is not closed")
                }
                if bytes[index] == UInt8(ascii: ">") || starts(with: "/>") { return }
                guard hadSpace else {
                    throw Malformed(
                        "unexpected \"\(Character(Unicode.Scalar(bytes[index])))\" in <\(element)> at byte \(index)"
                    )
                }
                let attribute = try name(what: "an attribute name in <\(element)>")
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                    throw Malformed("attribute \(attribute) of <\(element)> has no value (byte \(index))")
                }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")
                else {
                    throw Malformed("the value of attribute \(attribute) of <\(element)> is not quoted (byte \(index))")
                }
                let quote = bytes[index]
                index += 1
                guard let end = bytes[index...].firstIndex(of: quote) else {
                    throw Malformed("the value of attribute \(attribute) of <\(element)> is not closed")
                }
                index = end + 1
            }
        }

        /// Reads a name: letters, digits, `_`, `-`, `.`, `:` and any non-ASCII byte; not starting
        /// with a digit, `-` or `.`.
        mutating func name(what: String) throws(Malformed) -> String {
            let start = index
            while index < bytes.count {
                let c = bytes[index]
                let isLetter = (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
                let isOther = c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c >= 0x80
                let isLater =
                    (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: ".")
                guard isLetter || isOther || (isLater && index > start) else { break }
                index += 1
            }
            guard index > start else {
                throw Malformed("expected \(what) at byte \(start)")
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Decodes an entity or character reference whose `&` is at ``index``.
        mutating func entity() throws(Malformed) -> [UInt8] {
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "#") { return try characterReference() }
            let start = index
            guard let semicolon = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw Malformed("a bare \"&\" at byte \(start): write &amp; or use CDATA")
            }
            let body = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
            index = semicolon + 1
            switch body {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [UInt8(ascii: "\"")]
            case "apos": return [UInt8(ascii: "'")]
            default: throw Malformed("unknown entity &\(body); at byte \(start)")
            }
        }

        /// Decodes the character reference (`&#N;` or `&#xH;`) whose `&` is at ``index``.
        ///
        /// The reference must name a character XML allows (its `Char` production: tab, line feed,
        /// carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF), so not NUL, other C0
        /// controls, a surrogate, U+FFFE, U+FFFF or anything beyond U+10FFFF. However many digits
        /// it has, it is read in one pass, and the refusal names the reference (its first 40
        /// bytes when it is longer).
        mutating func characterReference() throws(Malformed) -> [UInt8] {
            let start = index
            var i = index + 2
            let hex = i < bytes.count && (bytes[i] == UInt8(ascii: "x") || bytes[i] == UInt8(ascii: "X"))
            if hex { i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            var tooLarge = false
            while i < bytes.count, let digit = Self.digitValue(bytes[i], hex: hex) {
                if !tooLarge {
                    value = value * (hex ? 16 : 10) + digit
                    tooLarge = value > 0x10FFFF
                }
                i += 1
            }
            let end = i < bytes.count && bytes[i] == UInt8(ascii: ";") ? i + 1 : i
            let shown =
                end - start > 40
                ? String(decoding: bytes[start..<(start + 40)], as: UTF8.self) + "…"
                : String(decoding: bytes[start..<end], as: UTF8.self)
            guard i > digitsStart else {
                throw Malformed("character reference \(shown) at byte \(start) has no \(hex ? "hex " : "")digits")
            }
            guard end > i else {
                throw Malformed("character reference \(shown) at byte \(start) is not closed with \";\"")
            }
            index = end
            let why: String? =
                if tooLarge {
                    "it is beyond U+10FFFF"
                } else if (0xD800...0xDFFF).contains(value) {
                    "U+\(Self.hex(value)) is a surrogate"
                } else if value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D {
                    "U+\(Self.hex(value)) is a control character XML does not allow"
                } else if value == 0xFFFE || value == 0xFFFF {
                    "U+\(Self.hex(value)) is a noncharacter XML does not allow"
                } else {
                    nil
                }
            guard why == nil, let scalar = Unicode.Scalar(value) else {
                throw Malformed(
                    "character reference \(shown) at byte \(start) is not a valid character: \(why ?? "not a scalar")"
                )
            }
            return Array(String(Character(scalar)).utf8)
        }

        private static func digitValue(_ c: UInt8, hex: Bool) -> UInt32? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: UInt32(c - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// `value` as four or more upper-case hex digits, as in U+0041.
        private static func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        @discardableResult
        mutating func skipSpace() -> Bool {
            let start = index
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            return index > start
        }

        mutating func skip(past terminator: String, what: String) throws(Malformed) {
            guard let end = find(terminator) else {
                throw Malformed("\(what) at byte \(index) is not closed with \(terminator)")
            }
            index = end + terminator.utf8.count
        }

        /// The index of the next `text` from ``index`` on.
        func find(_ text: String) -> Int? {
            let needle = Array(text.utf8)
            guard needle.count <= bytes.count - index else { return nil }
            var i = index
            while i + needle.count <= bytes.count {
                if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
                i += 1
            }
            return nil
        }

        func starts(with text: String) -> Bool {
            bytes[index...].starts(with: text.utf8)
        }

        static func isSpace(_ c: UInt8) -> Bool {
            c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
        }

        static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
            guard let first = bytes.firstIndex(where: { !isSpace($0) }),
                let last = bytes.lastIndex(where: { !isSpace($0) })
            else { return [] }
            return Array(bytes[first...last])
        }
    }
}
