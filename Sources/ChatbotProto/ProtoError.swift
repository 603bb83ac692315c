/// A protobuf message could not be decoded.
///
/// Encoding never fails, so this is the only error of ``ProtoMessage``. It deviates from the
/// code-message-cause shape of the other error structs in one way: there is no `cause`, because
/// protobuf-c reports a failed unpack only as `NULL`, with nothing underneath to keep.
package struct ProtoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a growable set of static members.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Wrapped: Sendable, Hashable {
            case malformed
            case invalidUTF8
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        /// protobuf-c refused the bytes: truncated, a wrong wire type, an impossible length or tag.
        package static let malformed = Self(.malformed)
        /// A `string` field held bytes that are not UTF-8 (protobuf-c 1.4 does not check this).
        package static let invalidUTF8 = Self(.invalidUTF8)

        package var description: String {
            switch wrapped {
            case .malformed: "malformed"
            case .invalidUTF8: "invalidUTF8"
            }
        }
    }

    /// What went wrong.
    package var code: Code
    /// A message for logs that names the message type, for example
    /// `malformed chatbot.v1.SignRequest (12 bytes)`. It never contains the payload.
    package var message: String

    package init(_ code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
