/// Where one bot's knowledge base stands: how often its draft was written and its draft published.
///
/// The server polls ``SQLiteStore/knowledgeBaseRevisions()`` and reloads a bot whose numbers
/// changed since it last loaded it; both only ever grow.
package struct KnowledgeBaseRevision: Sendable, Hashable {
    /// The bot's ``ChatbotEngine/Bot/id``.
    package var botID: Int64
    /// Counts the writes to the draft (and to the bot's settings); 0 for a bot never written to.
    package var draftRevision: Int64
    /// Counts the publishes; 0 for a bot never published, whose online knowledge base is empty.
    package var publishedVersion: Int64

    package init(botID: Int64, draftRevision: Int64, publishedVersion: Int64) {
        self.botID = botID
        self.draftRevision = draftRevision
        self.publishedVersion = publishedVersion
    }
}
