internal import ChatbotCrypto
internal import ChatbotEngine
internal import ChatbotStore

/// The management call credential of the gRPC face: proof of the bot's EncodingAESKey, as an
/// envelope is over HTTP, for the calls whose requests carry no envelope (`Publish`,
/// `PublishProgress`, the customer-service state and the outbox).
///
/// gRPC metadata `authorization: Bearer <JWT>`: HS256, keyed like `sign`'s signatures with the
/// bot's EncodingAESKey, with the claims `managerid` (one of the bot's managers), `aud`
/// (``audience``), `iat` and `exp`, at most ``maxLifetime`` after `iat`.
package enum ManagementCredential {
    package static let audience = "chatbotd"
    /// The longest a credential may be valid, in seconds: its `exp` at most this after its `iat`.
    package static let maxLifetime: Int64 = 3600
    /// How far ahead of our clock a credential's `iat` may be, in seconds.
    static let clockSkew: Int64 = 60

    /// The managerid of a valid credential.
    ///
    /// The signature is checked before any claim, so that a refusal says nothing about a claim
    /// to whoever does not hold the key.
    ///
    /// - Throws: 1005 when `authorization` is missing, not `Bearer <JWT>`, not signed with `key`,
    ///   expired, or its claims are not those above; the errmsg names what is wrong.
    static func managerID(_ authorization: String?, key: JWTKey, now: Int64) throws(PlatformFailure) -> String {
        guard let authorization, !authorization.isEmpty else {
            throw refused(
                "this call needs a management credential: metadata authorization: Bearer <HS256 JWT keyed with"
                    + " the bot's EncodingAESKey, claims managerid, aud \"\(audience)\", iat, exp>"
            )
        }
        let scheme = authorization.prefix(7)
        guard scheme.count == 7, scheme.lowercased() == "bearer " else {
            throw refused("authorization must be \"Bearer <JWT>\"")
        }
        let token = String(authorization.dropFirst(7).drop { $0 == " " })
        let claims: JWTClaims
        do throws(CryptoError) {
            claims = try key.verify(token, now: now)
        } catch {
            throw refused(error.message)
        }
        guard claims.audience?.contains(audience) == true else {
            throw refused("the credential's aud must be \"\(audience)\"")
        }
        guard let issued = claims.issuedAt, let expires = claims.expiresAt else {
            throw refused("the credential needs both iat and exp")
        }
        guard expires - issued <= maxLifetime else {
            throw refused("the credential's exp is more than \(maxLifetime) s after its iat")
        }
        guard issued <= now + clockSkew else {
            throw refused("the credential's iat (\(issued)) is in the future (now \(now))")
        }
        guard let managerID = claims.managerID, !managerID.isEmpty else {
            throw refused("the credential carries no managerid")
        }
        return managerID
    }

    private static func refused(_ cause: String) -> PlatformFailure {
        PlatformFailure(.signatureInvalid, "management credential refused: \(cause)")
    }
}

extension ChatbotOperations {
    /// Checks a management call credential (``ManagementCredential``) from `peer` and that its
    /// managerid is one of the bot's managers.
    ///
    /// - Returns: The managerid.
    /// - Throws: 1005 for the credential, 1015 for a managerid the bot does not have, a refusal
    ///   while `peer` is locked out (``AccessLimits``), -1 when the store fails.
    package func authorizeManager(
        bot: BotEntry,
        authorization: String?,
        peer: String
    ) async throws(PlatformFailure) -> String {
        try await checkingManagement(bot: bot, peer: peer) { () async throws(PlatformFailure) in
            let managerID = try ManagementCredential.managerID(authorization, key: bot.jwtKey, now: now())
            let botID = bot.bot.id
            let known = try await withStore { store, _ throws(StoreError) in
                try store.isManager(botID: botID, managerID: managerID)
            }
            guard known else { throw Self.unknownManager(managerID) }
            return managerID
        }
    }

    /// Runs a management operation of `peer` on the bot under ``AccessLimits``: refused at once
    /// while `peer` is locked out; a failed envelope, credential or managerid check counts
    /// towards a lockout, a success forgets the earlier failures.
    func checkingManagement<T: Sendable>(
        bot: BotEntry,
        peer: String,
        _ body: () async throws(PlatformFailure) -> T
    ) async throws(PlatformFailure) -> T {
        let botID = bot.bot.id
        if let refusal = limits.lockedOut(botID: botID, peer: peer) { throw refusal }
        do throws(PlatformFailure) {
            let value = try await body()
            limits.recordSuccess(botID: botID, peer: peer)
            return value
        } catch {
            switch error.errcode {
            case .decryptionFailed, .decryptionFailedAlternate, .signatureInvalid, .managerUnknown:
                limits.recordFailure(botID: botID, appID: bot.bot.appID, peer: peer)
            default:
                break
            }
            throw error
        }
    }
}
