/// A JSON value that keeps what re-serialising must reproduce: object member order and the exact
/// text of numbers.
///
/// JSON lives in this module because JWT headers and claims are JSON, and ChatbotCrypto is the
/// lowest pure-Swift layer; the service reuses it for the platform's JSON bodies.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, as it appeared (or as ``JSONValue/integer(_:)`` wrote it).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in their original order; a repeated key keeps every occurrence.
    case object([(key: String, value: JSONValue)])

    package static func integer(_ value: Int64) -> JSONValue { .number(String(value)) }

    /// The value of the last member named `key`, like Python's `json.loads`.
    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    package func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }
}

extension JSONValue {
    /// Parses one JSON text (RFC 8259): strict syntax, valid UTF-8, at most 64 levels deep.
    package init(parsing bytes: some Collection<UInt8>) throws(CryptoError) {
        let parsed: Result<JSONValue, CryptoError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var reader = JSONReader(UnsafeRawBufferPointer(buffer))
            return Result { () throws(CryptoError) in try reader.readDocument() }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            self = try JSONValue(parsing: Array(bytes))
        }
    }

    /// The compact serialisation, escaped like Python's `json.dumps(separators=(",", ":"))`
    /// with `ensure_ascii=True`: what PyJWT signs.
    package var serialized: [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }
}
