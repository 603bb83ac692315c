import ChatbotCrypto
import ChatbotEngine
import ChatbotService
import Testing

@Suite struct ErrorMappingTests {
    @Test(arguments: [
        (CryptoError.Code.emptyToken, SignatureUse.dialogue, ErrCode.signatureEmpty),
        (.malformedToken, .dialogue, .signatureInvalid),
        (.unsupportedAlgorithm, .dialogue, .signatureInvalid),
        (.unsupportedExtension, .dialogue, .signatureInvalid),
        (.badSignature, .dialogue, .signatureInvalid),
        (.expired, .dialogue, .signatureInvalid),
        (.notYetValid, .dialogue, .signatureInvalid),
        (.missingUserID, .dialogue, .signatureUserIDMissing),
        (.missingUserID, .sign, .signatureMissingUserID),
        (.invalidKey, .dialogue, .decryptionFailed),
        (.badBase64, .dialogue, .decryptionFailed),
        (.badCiphertextLength, .dialogue, .decryptionFailed),
        (.badPadding, .dialogue, .decryptionFailed),
        (.badLengthField, .dialogue, .decryptionFailed),
        (.appIDMismatch, .dialogue, .decryptionFailed),
        (.badMessageSignature, .dialogue, .decryptionFailed),
        (.malformedEnvelope, .dialogue, .decryptionFailed),
        (.malformedJSON, .dialogue, .decryptionFailed),
    ])
    func mapsCryptoErrorsToPlatformCodes(code: CryptoError.Code, use: SignatureUse, errcode: ErrCode) {
        let failure = PlatformFailure(CryptoError(code, "the cause"), use: use)
        let oracle: Set<CryptoError.Code> = [.badPadding, .badLengthField, .appIDMismatch]
        let errmsg = oracle.contains(code) ? PlatformFailure.undecryptableEnvelope : "the cause"
        #expect(failure == PlatformFailure(errcode, errmsg))
    }

    @Test func neverSendsOpenSSLDetails() {
        let error = CryptoError(
            .openSSLFailure,
            "internal cryptography failure",
            cause: OpenSSLError(function: "EVP_MAC_init", entries: ["secret detail"])
        )
        #expect(PlatformFailure(error) == PlatformFailure(.systemError, "system error"))
    }

    @Test func keepsUnknownCodes() {
        #expect(ErrCode(rawValue: 4242).rawValue == 4242)
        #expect(ErrCode.signatureInvalid.rawValue == 1005)
    }
}
