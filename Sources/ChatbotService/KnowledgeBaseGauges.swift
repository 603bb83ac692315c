package import Prometheus
internal import Synchronization

/// `chatbot_knowledge_base_entries{bot="<appid>",env="debug|online"}`: how many entries each bot's
/// draft and published knowledge bases hold in memory, set at each scrape by ``update(_:counts:)``.
///
/// A bot is labelled by its AppID (never its TOKEN). The gauges of a bot that is gone by the next
/// scrape are unregistered, so a deleted bot's series disappear (and the family with the last one).
package final class KnowledgeBaseGauges: Sendable {
    static let family = (
        name: "chatbot_knowledge_base_entries",
        help: "Entries in each bot's knowledge base in memory, by bot AppID and env."
    )

    private struct Gauges {
        let debug: Gauge
        let online: Gauge
    }

    /// By AppID, the gauges set at the last scrape.
    private let gauges = Mutex<[String: Gauges]>([:])

    package init() {}

    /// Sets a gauge per bot and env in `registry` to `counts`, and unregisters those of bots
    /// `counts` no longer lists.
    package func update(_ registry: PrometheusCollectorRegistry, counts: [(appID: String, draft: Int, online: Int)]) {
        let descriptor = MetricNameDescriptor(metricName: Self.family.name, unitName: "", helpText: Self.family.help)
        gauges.withLock { gauges in
            var current: [String: Gauges] = [:]
            for count in counts {
                let bot =
                    gauges[count.appID] ?? current[count.appID]
                    ?? Gauges(
                        debug: registry.makeGauge(
                            descriptor: descriptor,
                            labels: [("bot", count.appID), ("env", "debug")]
                        ),
                        online: registry.makeGauge(
                            descriptor: descriptor,
                            labels: [("bot", count.appID), ("env", "online")]
                        )
                    )
                bot.debug.set(to: Double(count.draft))
                bot.online.set(to: Double(count.online))
                current[count.appID] = bot
            }
            for (appID, gone) in gauges where current[appID] == nil {
                registry.unregisterGauge(gone.debug)
                registry.unregisterGauge(gone.online)
            }
            gauges = current
        }
    }
}
