import ArgumentParser
import ChatbotCrypto
import ChatbotService
import Foundation

/// The management call credential that chatbotctl signs for the gRPC calls that need one
/// (customer-service state, the outbox): `authorization: Bearer <JWT>`, HS256 keyed with the
/// bot's EncodingAESKey, claims `managerid`, `aud` "chatbotd", `iat` and a short `exp`.
struct ManagementCredentialOptions: ParsableArguments {
    @Option(
        name: .customLong("managerid"),
        help: "One of the bot's managers (bots add-manager) (env CHATBOT_MANAGERID)."
    )
    var managerID: String = ProcessInfo.processInfo.environment["CHATBOT_MANAGERID"] ?? ""

    @Option(
        name: .customLong("encoding-aes-key"),
        help: "The bot's EncodingAESKey, which signs the credential (env CHATBOT_ENCODING_AES_KEY)."
    )
    var encodingAESKey: String = ProcessInfo.processInfo.environment["CHATBOT_ENCODING_AES_KEY"] ?? ""

    func validate() throws {
        if managerID.isEmpty { throw ValidationError("--managerid (or CHATBOT_MANAGERID) is required") }
        if encodingAESKey.isEmpty {
            throw ValidationError("--encoding-aes-key (or CHATBOT_ENCODING_AES_KEY) is required")
        }
    }

    /// The `authorization` metadata of a credential valid for `lifetime` seconds from now.
    func metadata(_ step: String, lifetime: Int64 = 300) throws -> [(name: String, value: String)] {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = JWTClaims(
            issuedAt: now,
            expiresAt: now + min(lifetime, ManagementCredential.maxLifetime),
            managerID: managerID,
            audience: [ManagementCredential.audience]
        )
        let token = try reportingFailure(step) { () throws(CryptoError) in
            try JWTKey(secret: encodingAESKey).sign(claims)
        }
        return [("authorization", "Bearer \(token)")]
    }
}
