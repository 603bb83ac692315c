internal import CSQLite
internal import ChatbotCrypto

/// The column format of lists of strings (similar questions, answers, fallback answers): a JSON
/// array of strings, as text.
///
/// It goes through ChatbotCrypto's JSON, the package's pure-Swift JSON layer (``JSONWriter`` and
/// ``JSONReader``), so the store needs no JSON of its own and no Foundation. Non-ASCII text is
/// written as UTF-8, not as `\u` escapes: Chinese takes half the bytes, and reading 100k entries
/// back spends most of its time decoding escapes otherwise. Any valid JSON array of strings reads
/// back, escaped or not.
enum JSONStringArray {
    /// `strings` as a compact JSON array.
    static func encode(_ strings: [String]) -> String {
        var writer = JSONWriter(escapingNonASCII: false)
        writer.write(.array(strings.map(JSONValue.string)))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The strings of the JSON array in `bytes`.
    ///
    /// - Parameter column: The column's name, for the error.
    /// - Throws: ``SQLiteError`` with `SQLITE_CORRUPT` when `bytes` is not a JSON array of strings:
    ///   only this module writes the columns, so that means the file was damaged or edited.
    static func decode(_ bytes: UnsafeRawBufferPointer, column: String) throws(SQLiteError) -> [String] {
        let value: JSONValue
        do throws(CryptoError) {
            var reader = JSONReader(bytes)
            value = try reader.readDocument()
        } catch {
            throw corrupt(column, error.message)
        }
        guard case .array(let items) = value else { throw corrupt(column, "not a JSON array") }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard case .string(let string) = item else { throw corrupt(column, "an item is not a string") }
            strings.append(string)
        }
        return strings
    }

    static func corrupt(_ column: String, _ reason: String) -> SQLiteError {
        SQLiteError(function: "decoding \(column)", resultCode: SQLITE_CORRUPT, message: reason)
    }
}
