import ChatbotService
import Prometheus
import Testing

/// ``KnowledgeBaseGauges``: a gauge per bot and env, set at each scrape, gone with the bot.
@Suite struct KnowledgeBaseGaugesTests {
    static func lines(_ registry: PrometheusCollectorRegistry) -> Set<String> {
        Set(registry.emitToString().split(separator: "\n").map(String.init))
    }

    @Test func setsAGaugePerBotAndEnvAndDropsBotsThatAreGone() {
        let registry = PrometheusCollectorRegistry()
        let gauges = KnowledgeBaseGauges()
        gauges.update(registry, counts: [("wx1", 3, 2), ("wx\"2", 1, 0)])
        var lines = Self.lines(registry)
        for expected in [
            "# TYPE chatbot_knowledge_base_entries gauge",
            "# HELP chatbot_knowledge_base_entries Entries in each bot's knowledge base in memory, by bot AppID and env.",
            #"chatbot_knowledge_base_entries{bot="wx1",env="debug"} 3.0"#,
            #"chatbot_knowledge_base_entries{bot="wx1",env="online"} 2.0"#,
            #"chatbot_knowledge_base_entries{bot="wx\"2",env="debug"} 1.0"#,
            #"chatbot_knowledge_base_entries{bot="wx\"2",env="online"} 0.0"#,
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }

        // The next scrape: wx1 grew, wx"2 was deleted.
        gauges.update(registry, counts: [("wx1", 4, 4)])
        lines = Self.lines(registry)
        #expect(lines.contains(#"chatbot_knowledge_base_entries{bot="wx1",env="debug"} 4.0"#))
        #expect(lines.contains(#"chatbot_knowledge_base_entries{bot="wx1",env="online"} 4.0"#))
        #expect(!registry.emitToString().contains("wx\\\"2"))

        // No bots at all: the family goes too.
        gauges.update(registry, counts: [])
        #expect(!registry.emitToString().contains("chatbot_knowledge_base_entries"))
        // And comes back with the next bot.
        gauges.update(registry, counts: [("wx3", 1, 1)])
        #expect(Self.lines(registry).contains(#"chatbot_knowledge_base_entries{bot="wx3",env="online"} 1.0"#))
    }
}
