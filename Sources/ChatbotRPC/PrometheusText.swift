/// Writes metrics in the Prometheus text exposition format, version 0.0.4: a `# HELP` and a
/// `# TYPE` line per family, then its samples, one a line (`name{label="value",…} value`).
///
/// Label values are escaped (backslash, double quote and line feed as `\\`, `\"` and `\n`), and so
/// are help texts (backslash and line feed). Names are written as given: callers pass constants.
package struct PrometheusText: Sendable {
    /// The content type of a scrape's response.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package enum Kind: String, Sendable {
        case counter
        case gauge
    }

    /// The text so far.
    package private(set) var text = ""

    package init() {}

    /// Starts a family: its `# HELP` and `# TYPE` lines.
    package mutating func family(_ name: String, _ kind: Kind, help: String) {
        text += "# HELP \(name) \(Self.escape(help: help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// A sample of the family started last.
    package mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Int) {
        writeSeries(name, labels)
        text += "\(value)\n"
    }

    /// A sample of the family started last.
    package mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        writeSeries(name, labels)
        text += "\(Self.format(value))\n"
    }

    private mutating func writeSeries(_ name: String, _ labels: [(String, String)]) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (i, (label, value)) in labels.enumerated() {
                if i > 0 { text += "," }
                text += "\(label)=\"\(Self.escape(labelValue: value))\""
            }
            text += "}"
        }
        text += " "
    }

    /// `value` with `\`, `"` and line feeds escaped, as a label value must be.
    package static func escape(labelValue value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 0x0A })
        else { return value }
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `help` with `\` and line feeds escaped, as a `# HELP` line must be.
    package static func escape(help: String) -> String {
        guard help.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0x0A }) else { return help }
        var escaped = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A sample value as Prometheus reads it: `NaN`, `+Inf` and `-Inf` spelt its way.
    package static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
