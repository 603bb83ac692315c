internal import ChatbotCrypto
internal import ChatbotEngine

/// The platform's operations on plain values, shared by the gRPC service and (later) the
/// `/openapi` gateway, so that both faces answer the same way.
package struct ChatbotOperations: Sendable {
    package let directory: BotDirectory
    /// The current time in seconds since the epoch.
    package let now: @Sendable () -> Int64

    /// How long a signature from ``sign(bot:userID:userName:avatar:)`` stays valid, in seconds.
    package static let signatureLifetime: Int64 = 7200

    package init(directory: BotDirectory, now: @escaping @Sendable () -> Int64) {
        self.directory = directory
        self.now = now
    }

    /// `sign`: an HS256 JWT over {userid, username, avatar, iat, exp}, keyed with the bot's
    /// EncodingAESKey.
    /// - Throws: 1003 when `userID` is empty.
    package func sign(bot: BotEntry, userID: String, userName: String, avatar: String) throws(PlatformFailure) -> String
    {
        guard !userID.isEmpty else { throw PlatformFailure(.signatureMissingUserID, "userid is required") }
        let issued = now()
        let claims = JWTClaims(
            userID: userID,
            userName: userName,
            avatar: avatar,
            issuedAt: issued,
            expiresAt: issued + Self.signatureLifetime
        )
        do throws(CryptoError) {
            return try bot.jwtKey.sign(claims)
        } catch {
            throw PlatformFailure(error, use: .sign)
        }
    }
}
