package import ChatbotCrypto
package import ChatbotEngine
package import ChatbotRPC

/// What a client is told when an operation fails: the platform errcode and a message that is safe
/// to send. Over HTTP it becomes `{"errcode": N, "errmsg": "…"}`; over gRPC a status with the
/// errcode in the `chatbot-errcode` trailer.
package struct PlatformFailure: Error, Hashable, Sendable {
    package var errcode: ErrCode
    package var errmsg: String
    /// What the failure is where the platform's errcode alone does not say.
    package var kind: Kind

    package enum Kind: Sendable, Hashable {
        /// The errcode says it all.
        case platform
        /// The request itself is at fault where the platform has no errcode for it
        /// (``malformedRequest(_:)``).
        case malformedRequest
        /// The client has called too often (``tooManyRequests(_:)``).
        case tooManyRequests
    }

    package init(_ errcode: ErrCode, _ errmsg: String) {
        self.errcode = errcode
        self.errmsg = errmsg
        self.kind = .platform
    }

    package var isMalformedRequest: Bool { kind == .malformedRequest }

    /// A request the platform's codes do not cover but that is the client's fault, such as a
    /// query over ``ChatbotOperations/maxQueryLength``: errcode -1 as the platform has no better
    /// one, but INVALID_ARGUMENT over gRPC and HTTP 400 over `/openapi`, as the gateway answers a
    /// body it cannot read.
    package static func malformedRequest(_ errmsg: String) -> Self {
        var failure = Self(.systemError, errmsg)
        failure.kind = .malformedRequest
        return failure
    }

    /// A client over one of ``AccessLimits``' limits: errcode -1, as the platform has no other,
    /// RESOURCE_EXHAUSTED over gRPC and HTTP 429 over `/openapi`.
    package static func tooManyRequests(_ errmsg: String) -> Self {
        var failure = Self(.systemError, errmsg)
        failure.kind = .tooManyRequests
        return failure
    }
}

/// The operation a signature was presented to; it decides the errcode of a missing userid.
package enum SignatureUse: Sendable {
    /// `sign`: the userid comes in the request (1003 when missing).
    case sign
    /// `aibot` and other dialogue calls: the userid comes in the JWT (1006 when missing).
    case dialogue
}

extension PlatformFailure {
    /// The one mapping from crypto failures to the platform's errcodes.
    ///
    /// JWT: empty → 1004; malformed, wrong algorithm, a `crit` header, bad signature, expired, not yet
    /// valid → 1005;
    /// no userid → 1003 for sign, 1006 for dialogue calls. Envelopes and `msg_signature` → 1013, with
    /// one message for bad padding, a bad length field and another appid
    /// (``undecryptableEnvelope``).
    /// An OpenSSL failure is ours, not the client's: its cause is logged by the caller, never sent.
    /// The errmsg of an envelope that decrypts to no valid message for the bot.
    package static let undecryptableEnvelope =
        "the envelope does not decrypt to a message for this bot: is it made with the bot's EncodingAESKey and appid?"

    package init(_ error: CryptoError, use: SignatureUse = .dialogue) {
        switch error.code {
        case .emptyToken:
            self.init(.signatureEmpty, error.message)
        case .missingUserID:
            self.init(use == .sign ? .signatureMissingUserID : .signatureUserIDMissing, error.message)
        case .malformedToken, .unsupportedAlgorithm, .unsupportedExtension, .badSignature, .expired, .notYetValid:
            self.init(.signatureInvalid, error.message)
        case .openSSLFailure:
            self.init(.systemError, "system error")
        case .badPadding, .badLengthField, .appIDMismatch:
            // One answer for the three checks of a decrypted envelope: told apart, they would be a
            // padding oracle, letting whoever can send envelopes decrypt a captured one without
            // the key. (`chatbotctl crypto decrypt`, run by whoever holds the key, names each.)
            self.init(.decryptionFailed, Self.undecryptableEnvelope)
        default:
            self.init(.decryptionFailed, error.message)
        }
    }
}

extension PlatformFailure {
    /// The gRPC status of this failure, with the errcode in the ``RPCError/errcodeTrailer``
    /// trailer: 1001/1005 UNAUTHENTICATED, 1002 and 1015 PERMISSION_DENIED, the other known client
    /// errors and a malformed request (``malformedRequest(_:)``) INVALID_ARGUMENT, -1 (our own
    /// failure) INTERNAL, a client over a limit (``tooManyRequests(_:)``) RESOURCE_EXHAUSTED.
    ///
    /// 1015 (unknown managerid) is PERMISSION_DENIED rather than INVALID_ARGUMENT: the request is
    /// well formed and the bot is known, the caller is just not allowed to manage it, and retrying
    /// the same request cannot succeed until someone adds the manager.
    package var rpcError: RPCError {
        var code: RPCError.Code =
            switch errcode {
            case .tokenInvalid, .signatureInvalid: .unauthenticated
            case .botNotApproved, .managerUnknown: .permissionDenied
            case .signatureMissingUserID, .signatureEmpty, .signatureUserIDMissing, .managementFieldEmpty,
                .customerServiceFieldEmpty, .decryptionFailed, .decryptionFailedAlternate:
                .invalidArgument
            case .systemError: .internalError
            default: .unknown
            }
        switch kind {
        case .platform: break
        case .malformedRequest: code = .invalidArgument
        case .tooManyRequests: code = .resourceExhausted
        }
        return RPCError(code, errmsg, trailers: [(RPCError.errcodeTrailer, String(errcode.rawValue))])
    }
}
