internal import ChatbotCrypto

/// The fields of an `/openapi` request, read from a JSON or form body and the query string.
///
/// Clients of the hosted platform send either `application/json` or
/// `application/x-www-form-urlencoded`, and not always with the right content type, so the body
/// decides: one starting with `{` is JSON, anything else a form (unless it is labelled JSON and
/// has no `=`, when it is malformed JSON). Body fields win over query-string fields of the same
/// name. In JSON, numbers and booleans are taken as their text and `null` as absent by
/// ``string(_:)`` and ``list(_:)``; ``checkedString(_:nullIsAbsent:)`` and ``checkedList(_:)``
/// refuse a field of another type than the platform documents. In forms a repeated key keeps its
/// last value. Lists (`first_priority_skills`) are JSON arrays, or strings
/// of comma-separated names, or repeated form keys.
package struct OpenAPIFields {
    private var values: [String: Value] = [:]
    /// The JSON type of each field of a JSON body, for the callers that check it
    /// (``checkedString(_:nullIsAbsent:)``, ``checkedList(_:)``).
    private var kinds: [String: Kind] = [:]

    private enum Value {
        case text(String)
        case list([String])
    }

    /// What a JSON body sent for a field.
    private enum Kind {
        case string
        case number
        case boolean
        case null
        /// An array of strings.
        case list
        /// An array whose item at `index` is a number.
        case listWithNumber(index: Int)

        /// The type's name in an errmsg: "must be a string, not a number".
        var name: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .boolean: "a boolean"
            case .null: "null"
            case .list, .listWithNumber: "a list"
            }
        }
    }

    /// Why a request could not be read: it names the cause, and is answered with HTTP 400.
    package struct Malformed: Error {
        package var message: String

        package init(_ message: String) { self.message = message }
    }

    /// Reads `body`, then the `query` string (the part of the URI after `?`) for what the body
    /// lacks.
    package init(body: [UInt8], contentType: String?, query: Substring) throws(Malformed) {
        let contentType = contentType?.lowercased() ?? ""
        if contentType.hasPrefix("multipart/") {
            throw Malformed("multipart bodies are not supported: send JSON or application/x-www-form-urlencoded")
        }
        let start = body.firstIndex { !Self.isSpace($0) } ?? body.endIndex
        if start == body.endIndex {
            // Empty body: only the query string.
        } else if body[start] == UInt8(ascii: "{") || body[start] == UInt8(ascii: "[")
            || (contentType.contains("json") && !body.contains(UInt8(ascii: "=")))
        {
            try readJSON(body)
        } else {
            try readForm(body[...], what: "form body")
        }
        if !query.isEmpty {
            var fromQuery = OpenAPIFields()
            try fromQuery.readForm(Array(query.utf8)[...], what: "query string")
            values.merge(fromQuery.values) { body, _ in body }
        }
    }

    private init() {}

    /// The text of field `name`, or "" when it is absent.
    package func string(_ name: String) -> String {
        switch values[name] {
        case .text(let text): text
        case .list(let items): items.joined(separator: ",")
        case nil: ""
        }
    }

    /// Whether field `name` was sent.
    package func contains(_ name: String) -> Bool { values[name] != nil }

    /// The text of field `name`, which must be a string: "" when it is absent.
    ///
    /// Form bodies and query strings carry only text; a JSON body must send the field as a JSON
    /// string (what the platform documents), or `null` when `nullIsAbsent` (an optional field).
    ///
    /// - Throws: ``Malformed`` naming the field and the type sent ("query must be a string, not
    ///   a number") when a JSON body sent a number, a boolean, a list, or `null` unless
    ///   `nullIsAbsent`.
    package func checkedString(_ name: String, nullIsAbsent: Bool = false) throws(Malformed) -> String {
        switch kinds[name] {
        case nil, .string: break
        case .null where nullIsAbsent: break
        case let kind?: throw Malformed("\(name) must be a string, not \(kind.name)")
        }
        return string(name)
    }

    /// The names in list field `name` (as ``list(_:)``), which must be a list of strings or a
    /// string of comma-separated names: empty when it is absent or, in a JSON body, `null`.
    ///
    /// - Throws: ``Malformed`` naming the field when a JSON body sent a number or a boolean, or a
    ///   list with a number in it ("first_priority_skills[1] must be a string, not a number").
    package func checkedList(_ name: String) throws(Malformed) -> [String] {
        switch kinds[name] {
        case nil, .string, .list, .null: break
        case .listWithNumber(let index): throw Malformed("\(name)[\(index)] must be a string, not a number")
        case let kind?: throw Malformed("\(name) must be a list of strings, not \(kind.name)")
        }
        return list(name)
    }

    /// The names in list field `name`: JSON array items, or comma-separated (`,` or `，`) names,
    /// trimmed, empty ones dropped.
    package func list(_ name: String) -> [String] {
        let items: [String]
        switch values[name] {
        case .list(let list): items = list
        case .text(let text): items = [text]
        case nil: return []
        }
        return items.flatMap { $0.split { $0 == "," || $0 == "，" } }
            .map { String($0.trimmingSpaces) }
            .filter { !$0.isEmpty }
    }

    // MARK: JSON

    private mutating func readJSON(_ body: [UInt8]) throws(Malformed) {
        let document: JSONValue
        do throws(CryptoError) {
            document = try JSONValue(parsing: body)
        } catch {
            throw Malformed("malformed JSON body: \(error.message)")
        }
        guard case .object(let members) = document else {
            throw Malformed("malformed JSON body: expected an object of fields")
        }
        for (key, value) in members {
            switch value {
            case .null:
                values[key] = nil
                kinds[key] = .null
            case .string(let text):
                values[key] = .text(text)
                kinds[key] = .string
            case .number(let text):
                values[key] = .text(text)
                kinds[key] = .number
            case .bool(let flag):
                values[key] = .text(flag ? "true" : "false")
                kinds[key] = .boolean
            case .array(let items):
                var list: [String] = []
                var kind = Kind.list
                for (index, item) in items.enumerated() {
                    switch item {
                    case .string(let text): list.append(text)
                    case .number(let text):
                        list.append(text)
                        if case .list = kind { kind = .listWithNumber(index: index) }
                    default: throw Malformed("malformed JSON body: \"\(key)\" must be a list of strings")
                    }
                }
                values[key] = .list(list)
                kinds[key] = kind
            case .object:
                throw Malformed("malformed JSON body: \"\(key)\" must be a string, not an object")
            }
        }
    }

    // MARK: Forms

    /// `application/x-www-form-urlencoded`: `&`-separated `name=value` pairs, `+` for space,
    /// `%XX` escapes of UTF-8 bytes. Repeated list fields collect their values.
    private mutating func readForm(_ bytes: ArraySlice<UInt8>, what: String) throws(Malformed) {
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let key = try Self.decode(pair[..<(equals ?? pair.endIndex)], what: what)
            let value = try equals.map { (i) throws(Malformed) in try Self.decode(pair[(i + 1)...], what: what) } ?? ""
            if key.isEmpty { continue }
            if case .text(let previous) = values[key], key.hasSuffix("_skills") {
                values[key] = .list([previous, value])
            } else if case .list(let previous) = values[key], key.hasSuffix("_skills") {
                values[key] = .list(previous + [value])
            } else {
                values[key] = .text(value)
            }
        }
        // A list field sent as a JSON array inside a form (`first_priority_skills=["a","b"]`).
        for (key, value) in values where key.hasSuffix("_skills") {
            guard case .text(let text) = value, text.first == "[",
                let parsed = try? JSONValue(parsing: Array(text.utf8)), case .array(let items) = parsed
            else { continue }
            values[key] = .list(items.compactMap(\.stringValue))
        }
    }

    private static func decode(_ bytes: ArraySlice<UInt8>, what: String) throws(Malformed) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex,
                    let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2])
                else {
                    let escape = String(decoding: bytes[i..<min(i + 3, bytes.endIndex)], as: UTF8.self)
                    throw Malformed("malformed \(what): invalid percent-escape \"\(escape)\"")
                }
                decoded.append(high << 4 | low)
                i += 2
            } else {
                decoded.append(c)
            }
            i += 1
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw Malformed("malformed \(what): not UTF-8 once percent-decoded")
        }
        return text
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return self[start..<end]
    }
}
