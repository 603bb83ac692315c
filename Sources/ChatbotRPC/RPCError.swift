/// A gRPC failure: a status code, a message safe for the client, and trailing metadata.
package struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A gRPC status code. A struct over the raw value, so unknown codes survive.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package var rawValue: Int

        package init(rawValue: Int) { self.rawValue = rawValue }

        package static let ok = Self(rawValue: 0)
        package static let cancelled = Self(rawValue: 1)
        package static let unknown = Self(rawValue: 2)
        package static let invalidArgument = Self(rawValue: 3)
        package static let deadlineExceeded = Self(rawValue: 4)
        package static let notFound = Self(rawValue: 5)
        package static let alreadyExists = Self(rawValue: 6)
        package static let permissionDenied = Self(rawValue: 7)
        package static let resourceExhausted = Self(rawValue: 8)
        package static let failedPrecondition = Self(rawValue: 9)
        package static let aborted = Self(rawValue: 10)
        package static let outOfRange = Self(rawValue: 11)
        package static let unimplemented = Self(rawValue: 12)
        package static let internalError = Self(rawValue: 13)
        package static let unavailable = Self(rawValue: 14)
        package static let dataLoss = Self(rawValue: 15)
        package static let unauthenticated = Self(rawValue: 16)

        package var description: String { String(rawValue) }

        /// The code's name in the gRPC spec, such as `UNAUTHENTICATED`; the number when unknown.
        package var name: String {
            rawValue >= 0 && rawValue < Self.names.count ? Self.names[rawValue] : String(rawValue)
        }

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]
    }

    package var code: Code
    package var message: String
    /// Extra trailers, such as ``RPCError/errcodeTrailer``.
    package var trailers: [(name: String, value: String)]

    package init(_ code: Code, _ message: String, trailers: [(name: String, value: String)] = []) {
        self.code = code
        self.message = message
        self.trailers = trailers
    }

    /// The trailer that carries the platform's errcode next to the gRPC status.
    package static let errcodeTrailer = "chatbot-errcode"

    package var description: String { "\(code): \(message)" }

    package static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
            && lhs.trailers.map(\.name) == rhs.trailers.map(\.name)
            && lhs.trailers.map(\.value) == rhs.trailers.map(\.value)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
