/// An error from signing, verifying, encrypting or decrypting.
///
/// ``code`` says which step failed, so that the service can map it to the platform's errcode;
/// ``message`` names the cause in words safe to show to the client that sent the input.
package struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure. A struct over a private enum, so that new codes can be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case emptyToken
            case malformedToken
            case unsupportedAlgorithm
            case unsupportedExtension
            case badSignature
            case expired
            case notYetValid
            case missingUserID
            case invalidKey
            case badBase64
            case badCiphertextLength
            case badPadding
            case badLengthField
            case appIDMismatch
            case badMessageSignature
            case malformedEnvelope
            case malformedJSON
            case openSSLFailure
        }

        private var wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The JWT is empty (platform errcode 1004).
        package static let emptyToken = Self(.emptyToken)
        /// The JWT is not three base64url segments of a JSON header and JSON claims.
        package static let malformedToken = Self(.malformedToken)
        /// The JWT header names an algorithm other than HS256.
        package static let unsupportedAlgorithm = Self(.unsupportedAlgorithm)
        /// The JWT header has a `crit` member: extensions the verifier must understand, and it
        /// understands none (RFC 7515 §4.1.11).
        package static let unsupportedExtension = Self(.unsupportedExtension)
        /// The JWT signature does not match the key.
        package static let badSignature = Self(.badSignature)
        /// The JWT's `exp` has passed.
        package static let expired = Self(.expired)
        /// The JWT's `nbf` lies in the future.
        package static let notYetValid = Self(.notYetValid)
        /// The JWT is valid but carries no `userid` where the operation needs one.
        package static let missingUserID = Self(.missingUserID)
        /// An EncodingAESKey that is not 43 base64 characters, or an empty JWT secret.
        package static let invalidKey = Self(.invalidKey)
        /// Input that should be base64 is not.
        package static let badBase64 = Self(.badBase64)
        /// A ciphertext whose length is not a positive multiple of the AES block.
        package static let badCiphertextLength = Self(.badCiphertextLength)
        /// The decrypted bytes do not end in valid PKCS#7 padding (usually: the wrong key).
        package static let badPadding = Self(.badPadding)
        /// The envelope's length field does not fit the decrypted plaintext.
        package static let badLengthField = Self(.badLengthField)
        /// The envelope was made for another appid.
        package static let appIDMismatch = Self(.appIDMismatch)
        /// `msg_signature` does not match token, timestamp, nonce and ciphertext.
        package static let badMessageSignature = Self(.badMessageSignature)
        /// An XML envelope without an `Encrypt` element.
        package static let malformedEnvelope = Self(.malformedEnvelope)
        /// JSON that does not parse, or claims of the wrong type.
        package static let malformedJSON = Self(.malformedJSON)
        /// OpenSSL itself failed; the cause holds its error queue.
        package static let openSSLFailure = Self(.openSSLFailure)

        package var description: String { String(describing: wrapped) }
    }

    package var code: Code
    package var message: String
    /// The underlying error, for logs only; never sent to a client.
    package var cause: OpenSSLError?

    package init(_ code: Code, _ message: String, cause: OpenSSLError? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    package var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
