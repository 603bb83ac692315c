/// A failure of the HTTP/2 layer: a protocol error from the peer, or nghttp2 refusing a call.
package struct HTTP2Error: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case protocolError
            case sessionFailure
            case callbackFailure
        }

        private var wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The peer broke the protocol (bad preface, bad frame, flow-control violation, …).
        package static let protocolError = Self(.protocolError)
        /// nghttp2 refused a call of ours (out of memory, a stream that does not exist, …).
        package static let sessionFailure = Self(.sessionFailure)
        /// One of our callbacks failed; `message` says which.
        package static let callbackFailure = Self(.callbackFailure)

        package var description: String { String(describing: wrapped) }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}
