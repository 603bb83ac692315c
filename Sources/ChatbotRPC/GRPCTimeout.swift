package import NIOCore

/// The `grpc-timeout` header: at most 8 ASCII digits and a unit (H, M, S, m, u, n).
package enum GRPCTimeout {
    /// The timeout the header value names, or nil when it is malformed.
    package static func parse(_ value: UnsafeRawBufferPointer) -> TimeAmount? {
        guard (2...9).contains(value.count) else { return nil }
        var amount: Int64 = 0
        for digit in value.dropLast() {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        switch value[value.count - 1] {
        case UInt8(ascii: "H"): return .hours(amount)
        case UInt8(ascii: "M"): return .minutes(amount)
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }
}

/// Percent-encoding of `grpc-message`: bytes outside printable ASCII, and `%`, become `%XX`.
package enum GRPCMessageEncoding {
    package static func encode(_ message: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                out.append(byte)
            } else {
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
