package import ChatbotRPC
internal import Prometheus
internal import Synchronization

extension ChatbotOperations {
    /// A collector for ``RPCServer``'s metrics that sets
    /// `chatbot_knowledge_base_entries{bot="<appid>",env="debug|online"}` at each scrape (see
    /// ``KnowledgeBaseGauges``), and brings the counters of ``AccessLimits`` up to date
    /// (``AccessLimitCounters``). A bot the ``BotDirectory`` has not loaded yet is left out until
    /// the next reload (within a second).
    package func makeMetricsCollector() -> ServerMetrics.Collector {
        let gauges = KnowledgeBaseGauges()
        let limitCounters = AccessLimitCounters()
        return { registry in
            let appIDs = directory.appIDs()
            let counts = knowledgeBases.entryCounts().compactMap { counts in
                appIDs[counts.botID].map { (appID: $0, draft: counts.draft, online: counts.online) }
            }
            gauges.update(registry, counts: counts)
            limitCounters.update(registry, counts: limits.counts)
        }
    }
}

/// The counters of ``AccessLimits/Counts``, moved at each scrape by what was counted since the
/// last one:
/// - `chatbot_sign_refused_total`: `sign` calls refused for their client's rate;
/// - `chatbot_management_check_failures_total`: failed envelope, credential and managerid checks;
/// - `chatbot_management_lockouts_total`: clients locked out after too many of them;
/// - `chatbot_management_locked_out_total`: management calls refused during a lockout.
final class AccessLimitCounters: Sendable {
    private struct State {
        var counters: [Counter] = []
        var reported = [0, 0, 0, 0]
    }

    private static let families = [
        ("chatbot_sign_refused_total", "sign calls refused because their client was over its rate."),
        ("chatbot_management_check_failures_total", "Failed envelope, credential and managerid checks."),
        ("chatbot_management_lockouts_total", "Clients locked out of a bot's management calls after failed checks."),
        ("chatbot_management_locked_out_total", "Management calls refused because their client was locked out."),
    ]

    private let state = Mutex(State())

    func update(_ registry: PrometheusCollectorRegistry, counts: AccessLimits.Counts) {
        let values = [counts.signRefused, counts.checkFailures, counts.lockouts, counts.lockedOutRefused]
        state.withLock { state in
            if state.counters.isEmpty {
                state.counters = Self.families.map { name, help in
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
