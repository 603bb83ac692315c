/// Base64 (RFC 4648 §4) and base64url (§5) over raw buffers, for the hot path.
///
/// Decoding ignores non-zero bits in the last character, as Python's `base64` and OpenSSL do: the
/// platform's own sample EncodingAESKey (`abc…EFG`) needs it. Everything else is strict: only the
/// alphabet's characters, `=` only at the end and, for standard base64, the length a multiple of 4.
package enum Base64 {
    package enum Alphabet: Sendable {
        /// `+` and `/`, padded with `=`.
        case standard
        /// `-` and `_`, unpadded (a padded input is accepted too).
        case url
    }

    private static let standardTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlTable = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Four decoding tables per alphabet, each value pre-shifted into its place in a 24-bit
    /// group; a character outside the alphabet maps to 0x0100_0000, so one test of the OR of a
    /// quad's four entries finds it.
    private static func decodeTables(_ alphabet: [UInt8]) -> [UInt32] {
        var tables = [UInt32](repeating: invalid, count: 4 * 256)
        for (value, c) in alphabet.enumerated() {
            for position in 0..<4 { tables[position * 256 + Int(c)] = UInt32(value) << (18 - 6 * UInt32(position)) }
        }
        return tables
    }
    private static let invalid: UInt32 = 0x0100_0000
    private static let standardDecodeTables = decodeTables(standardTable)
    private static let urlDecodeTables = decodeTables(urlTable)

    /// The length of the encoding of `count` bytes.
    package static func encodedCount(_ count: Int, alphabet: Alphabet) -> Int {
        switch alphabet {
        case .standard: return (count + 2) / 3 * 4
        case .url: return (count * 4 + 2) / 3
        }
    }

    /// Encodes `input` to `output`, which has room for ``encodedCount(_:alphabet:)`` bytes.
    /// - Returns: The number of bytes written.
    @discardableResult
    package static func encode(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutablePointer<UInt8>,
        alphabet: Alphabet
    ) -> Int {
        (alphabet == .standard ? standardTable : urlTable).withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            var i = 0
            var o = 0
            let n = input.count
            while i + 3 <= n {
                let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                output[o] = t[Int(v >> 18)]
                output[o + 1] = t[Int(v >> 12 & 63)]
                output[o + 2] = t[Int(v >> 6 & 63)]
                output[o + 3] = t[Int(v & 63)]
                i += 3
                o += 4
            }
            let rest = n - i
            if rest > 0 {
                let v = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                output[o] = t[Int(v >> 18)]
                output[o + 1] = t[Int(v >> 12 & 63)]
                o += 2
                if rest == 2 {
                    output[o] = t[Int(v >> 6 & 63)]
                    o += 1
                }
                if alphabet == .standard {
                    while o % 4 != 0 {
                        output[o] = UInt8(ascii: "=")
                        o += 1
                    }
                }
            }
            return o
        }
    }

    /// Encodes `bytes` as a `String`.
    package static func encode(_ bytes: some Collection<UInt8>, alphabet: Alphabet = .standard) -> String {
        if bytes.isEmpty { return "" }
        let count = encodedCount(bytes.count, alphabet: alphabet)
        let result: String? = bytes.withContiguousStorageIfAvailable { input in
            String(unsafeUninitializedCapacity: count) { output in
                encode(UnsafeRawBufferPointer(input), into: output.baseAddress!, alphabet: alphabet)
            }
        }
        return result ?? encode(Array(bytes), alphabet: alphabet)
    }

    /// The largest number of bytes that decoding `count` characters can produce.
    package static func maxDecodedCount(_ count: Int) -> Int { (count + 3) / 4 * 3 }

    /// Decodes `input` to `output`, which has room for ``maxDecodedCount(_:)`` bytes.
    /// - Returns: The number of bytes written.
    /// - Throws: ``CryptoError/Code-swift.struct/badBase64`` naming the first offending offset.
    package static func decode(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutablePointer<UInt8>,
        alphabet: Alphabet
    ) throws(CryptoError) -> Int {
        var n = input.count
        // Strip the padding, then check that it was where and as long as it may be.
        var padding = 0
        while n > 0 && input[n - 1] == UInt8(ascii: "=") && padding < 2 {
            n -= 1
            padding += 1
        }
        let lengthProblem: String? =
            if n % 4 == 1 {
                "base64 input has an impossible length (\(input.count))"
            } else if padding > 0 && (n + padding) % 4 != 0 {
                "base64 padding does not match the length (\(input.count))"
            } else if alphabet == .standard && padding == 0 && n % 4 != 0 {
                "base64 input is missing its '=' padding (length \(input.count))"
            } else {
                nil
            }
        if let lengthProblem {
            // A stray character explains a wrong length better than the length does.
            let tables = alphabet == .standard ? standardDecodeTables : urlDecodeTables
            if let bad = (0..<n).first(where: { tables[3 * 256 + Int(input[$0])] >= invalid }) {
                throw CryptoError(.badBase64, "invalid base64 character at offset \(bad)")
            }
            throw CryptoError(.badBase64, lengthProblem)
        }
        if n == 0 { return 0 }
        let tables = alphabet == .standard ? standardDecodeTables : urlDecodeTables
        return try tables.withUnsafeBufferPointer { tables throws(CryptoError) -> Int in
            let t0 = tables.baseAddress!
            let t1 = t0 + 256
            let t2 = t0 + 512
            let t3 = t0 + 768
            let p = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var i = 0
            var o = 0
            while i + 4 <= n {
                let v = t0[Int(p[i])] | t1[Int(p[i + 1])] | t2[Int(p[i + 2])] | t3[Int(p[i + 3])]
                if v >= invalid { break }
                output[o] = UInt8(truncatingIfNeeded: v >> 16)
                output[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                output[o + 2] = UInt8(truncatingIfNeeded: v)
                i += 4
                o += 3
            }
            let rest = n - i
            if rest < 4 {
                var v: UInt32 = 0
                for k in 0..<rest { v |= t0[k * 256 + Int(p[i + k])] }
                if v < invalid {
                    // The trailing bits of the last character are ignored (see the type's note).
                    if rest >= 2 {
                        output[o] = UInt8(truncatingIfNeeded: v >> 16)
                        o += 1
                    }
                    if rest == 3 {
                        output[o] = UInt8(truncatingIfNeeded: v >> 8)
                        o += 1
                    }
                    return o
                }
            }
            let bad = (i..<n).first { t3[Int(p[$0])] >= invalid } ?? i
            throw CryptoError(.badBase64, "invalid base64 character at offset \(bad)")
        }
    }

    /// Decodes `text` to bytes.
    package static func decode(
        _ text: some StringProtocol,
        alphabet: Alphabet = .standard
    ) throws(CryptoError) -> [UInt8] {
        try text.withUTF8Bytes { input throws(CryptoError) -> [UInt8] in
            var failure: CryptoError?
            let result = [UInt8](unsafeUninitializedCapacity: max(1, maxDecodedCount(input.count))) { output, count in
                do throws(CryptoError) {
                    count = try decode(input, into: output.baseAddress!, alphabet: alphabet)
                } catch {
                    failure = error
                    count = 0
                }
            }
            if let failure { throw failure }
            return result
        }
    }
}
