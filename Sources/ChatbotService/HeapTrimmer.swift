internal import ChatbotRPC
package import Logging
internal import ServiceLifecycle

/// Every `interval`, gives back the memory glibc keeps free after a spike (``HeapTrim``), when it
/// keeps more than `threshold` bytes: the resident size then follows what the server holds.
/// chatbotd runs it only when asked (`--heap-trim-interval`): each trim after a spike took up to
/// 90 ms, during which an event loop allocating in the arena being trimmed waits.
package struct HeapTrimmer: Service {
    private let interval: Duration
    private let threshold: Int
    private let logger: Logger

    package init(interval: Duration = .seconds(30), threshold: Int = 32 << 20, logger: Logger) {
        self.interval = interval
        self.threshold = threshold
        self.logger = logger
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    // A task of the cooperative pool, never an event loop: the trim takes each
                    // arena's lock in turn (it logs how long it took, at debug level).
                    let clock = ContinuousClock()
                    let started = clock.now
                    guard let free = HeapTrim.trim(ifFreeOver: threshold) else { continue }
                    logger.debug(
                        "gave free heap memory back",
                        metadata: ["free_bytes": "\(free)", "duration": "\(clock.now - started)"]
                    )
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
