package import ChatbotRPC

extension ChatbotOperations {
    /// Adds `chatbot_knowledge_base_entries{bot="<appid>",env="debug|online"}`: how many entries
    /// each bot's draft and published knowledge bases hold in memory. A bot is labelled by its
    /// AppID (never its TOKEN); one the ``BotDirectory`` has not loaded yet is left out until the
    /// next reload (within a second).
    package func collectMetrics(into text: inout PrometheusText) {
        let appIDs = directory.appIDs()
        text.family(
            "chatbot_knowledge_base_entries",
            .gauge,
            help: "Entries in each bot's knowledge base in memory, by bot AppID and env."
        )
        for counts in knowledgeBases.entryCounts() {
            guard let appID = appIDs[counts.botID] else { continue }
            text.sample("chatbot_knowledge_base_entries", [("bot", appID), ("env", "debug")], counts.draft)
            text.sample("chatbot_knowledge_base_entries", [("bot", appID), ("env", "online")], counts.online)
        }
    }
}
