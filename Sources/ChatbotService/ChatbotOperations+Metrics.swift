package import ChatbotRPC
internal import Prometheus
internal import Synchronization

extension ChatbotOperations {
    /// A collector for ``RPCServer``'s metrics that sets
    /// `chatbot_knowledge_base_entries{bot="<appid>",env="debug|online"}` at each scrape (see
    /// ``KnowledgeBaseGauges``), and brings the counters of ``AccessLimits`` and ``Webhooks`` up
    /// to date (``ScrapedCounters``):
    /// - `chatbot_sign_refused_total`: `sign` calls refused for their client's rate;
    /// - `chatbot_management_check_failures_total`: failed envelope, credential and managerid checks;
    /// - `chatbot_management_lockouts_total`: clients locked out after too many of them;
    /// - `chatbot_management_locked_out_total`: management calls refused during a lockout;
    /// - `chatbot_webhook_answers_total`, `chatbot_webhook_failures_total`: webhook calls that
    ///   answered, and those that fell back to the entry's answer.
    ///
    /// A bot the ``BotDirectory`` has not loaded yet is left out until the next reload (within a
    /// second).
    package func makeMetricsCollector() -> ServerMetrics.Collector {
        let gauges = KnowledgeBaseGauges()
        let limitCounters = ScrapedCounters([
            ("chatbot_sign_refused_total", "sign calls refused because their client was over its rate."),
            ("chatbot_management_check_failures_total", "Failed envelope, credential and managerid checks."),
            (
                "chatbot_management_lockouts_total",
                "Clients locked out of a bot's management calls after failed checks."
            ),
            ("chatbot_management_locked_out_total", "Management calls refused because their client was locked out."),
        ])
        let webhookCounters = ScrapedCounters([
            ("chatbot_webhook_answers_total", "Webhook calls whose reply was the answer."),
            ("chatbot_webhook_failures_total", "Webhook calls that fell back to the entry's own answer."),
        ])
        return { registry in
            let appIDs = directory.appIDs()
            let counts = knowledgeBases.entryCounts().compactMap { counts in
                appIDs[counts.botID].map { (appID: $0, draft: counts.draft, online: counts.online) }
            }
            gauges.update(registry, counts: counts)
            let limited = limits.counts
            limitCounters.update(
                registry,
                values: [limited.signRefused, limited.checkFailures, limited.lockouts, limited.lockedOutRefused]
            )
            if let webhooks {
                let calls = webhooks.counts
                webhookCounters.update(registry, values: [calls.answered, calls.failed])
            }
        }
    }
}

/// Counters moved at each scrape by what was counted since the last one, from totals kept
/// elsewhere (``AccessLimits/Counts``, ``Webhooks/Counts``).
final class ScrapedCounters: Sendable {
    private struct State {
        var counters: [Counter] = []
        var reported: [Int]
    }

    private let families: [(name: String, help: String)]
    private let state: Mutex<State>

    init(_ families: [(name: String, help: String)]) {
        self.families = families
        state = Mutex(State(reported: Array(repeating: 0, count: families.count)))
    }

    /// Moves each family's counter up to its total in `values` (in the order of the families).
    func update(_ registry: PrometheusCollectorRegistry, values: [Int]) {
        state.withLock { state in
            if state.counters.isEmpty {
                state.counters = families.map { name, help in
                    registry.makeCounter(
                        descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
                    )
                }
            }
            for (index, value) in values.enumerated() where value > state.reported[index] {
                state.counters[index].increment(by: Int64(value - state.reported[index]))
                state.reported[index] = value
            }
        }
    }
}
