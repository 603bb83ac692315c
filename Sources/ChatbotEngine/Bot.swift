/// A bot: one tenant of the platform, selected by its TOKEN.
///
/// Its EncodingAESKey keys both its JWTs (as text) and its message envelopes (decoded).
package struct Bot: Sendable, Hashable {
    /// The store's identifier.
    package var id: Int64
    package var name: String
    package var appID: String
    /// The bot's TOKEN, as it appears in `/openapi/{op}/{TOKEN}` and in every gRPC request.
    package var token: String
    /// The 43-character EncodingAESKey.
    package var encodingAESKey: String
    /// A bot that is not approved answers 1002 to dialogue calls.
    package var approved: Bool
    /// Milliseconds since the epoch.
    package var createdAt: Int64
    /// Thresholds, recommendations and fallback answers.
    package var settings: BotSettings

    package init(
        id: Int64,
        name: String,
        appID: String,
        token: String,
        encodingAESKey: String,
        approved: Bool = true,
        createdAt: Int64,
        settings: BotSettings = BotSettings()
    ) {
        self.id = id
        self.name = name
        self.appID = appID
        self.token = token
        self.encodingAESKey = encodingAESKey
        self.approved = approved
        self.createdAt = createdAt
        self.settings = settings
    }
}
