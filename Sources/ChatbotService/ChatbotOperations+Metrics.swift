package import ChatbotRPC

extension ChatbotOperations {
    /// A collector for ``RPCServer``'s metrics that sets
    /// `chatbot_knowledge_base_entries{bot="<appid>",env="debug|online"}` at each scrape (see
    /// ``KnowledgeBaseGauges``). A bot the ``BotDirectory`` has not loaded yet is left out until the
    /// next reload (within a second).
    package func makeMetricsCollector() -> ServerMetrics.Collector {
        let gauges = KnowledgeBaseGauges()
        return { registry in
            let appIDs = directory.appIDs()
            let counts = knowledgeBases.entryCounts().compactMap { counts in
                appIDs[counts.botID].map { (appID: $0, draft: counts.draft, online: counts.online) }
            }
            gauges.update(registry, counts: counts)
        }
    }
}
