internal import COpenSSL

/// The drained OpenSSL error queue of one failed call.
package struct OpenSSLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failing function, as we called it.
    package var function: String
    /// One line per queued OpenSSL error, oldest first.
    package var entries: [String]

    package init(function: String, entries: [String]) {
        self.function = function
        self.entries = entries
    }

    package var description: String {
        entries.isEmpty ? "\(function) failed" : "\(function) failed: \(entries.joined(separator: "; "))"
    }

    /// Drains this thread's OpenSSL error queue right away, so that it never leaks into a later call.
    static func drain(_ function: String) -> OpenSSLError {
        var entries: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            ERR_error_string_n(code, &buffer, buffer.count)
            entries.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLError(function: function, entries: entries)
    }
}

extension CryptoError {
    /// A failure of OpenSSL itself, with its error queue as the cause.
    static func openSSL(_ function: String) -> CryptoError {
        CryptoError(.openSSLFailure, "internal cryptography failure", cause: .drain(function))
    }
}
