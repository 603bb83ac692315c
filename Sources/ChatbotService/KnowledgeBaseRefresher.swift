package import Logging
package import NIOPosix
internal import ServiceLifecycle

/// Polls the store every second and reloads bots and knowledge bases that changed there.
package struct KnowledgeBaseRefresher: Service {
    private let knowledgeBases: KnowledgeBases
    private let directory: BotDirectory
    private let threadPool: NIOThreadPool
    private let interval: Duration
    private let logger: Logger

    package init(
        knowledgeBases: KnowledgeBases,
        directory: BotDirectory,
        threadPool: NIOThreadPool,
        interval: Duration = .seconds(1),
        logger: Logger
    ) {
        self.knowledgeBases = knowledgeBases
        self.directory = directory
        self.threadPool = threadPool
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        let knowledgeBases = self.knowledgeBases
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    do {
                        try await directory.reload()
                        let rebuilt = try await threadPool.runIfActive { try knowledgeBases.refresh() }
                        if rebuilt > 0 { logger.info("reloaded knowledge bases", metadata: ["versions": "\(rebuilt)"]) }
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        // The store may be busy or briefly unavailable: keep serving what is in memory.
                        logger.warning("cannot refresh from the store", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
