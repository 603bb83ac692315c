internal import ChatbotCrypto
package import ChatbotStore
package import Logging
package import NIOCore
package import NIOPosix
package import Prometheus
internal import ServiceLifecycle
internal import Synchronization

/// Delivers callback notices to each bot's customer-service system, as the platform does: an HTTP
/// POST of `{"encrypted": "<the notice's XML in the bot's envelope>"}` to the bot's callback URL.
///
/// The queue is the store (``ChatbotStore/CustomerServiceStore/dueCallbacks(now:limit:)``), so
/// delivery resumes after a restart. A 2xx delivers a notice; anything else is retried after
/// ``Settings/backoff(attempts:random:)``, until ``Settings/maxAttempts``, then the notice is dead
/// (`chatbotctl outbox failed|retry`). A user's notices go one at a time, in order; different
/// users' go at once, up to ``Settings/concurrency``. The store is read and written on the thread
/// pool, the HTTP exchanges run on the event loops: nothing here blocks one.
package final class CallbackDelivery: Service, Sendable {
    package struct Settings: Sendable {
        /// How long one attempt may take, connection included.
        package var timeout: Duration = .seconds(5)
        /// Attempts before a notice is dead.
        package var maxAttempts = 10
        /// Notices in flight at once.
        package var concurrency = 16
        /// How long outbox messages and delivered notices are kept.
        package var retention: Duration = .seconds(7 * 24 * 3600)
        /// How often the store is read when nothing is due and nothing woke the delivery (a
        /// `chatbotctl outbox retry` from another process is seen then).
        package var pollInterval: Duration = .seconds(5)

        package init() {}

        /// The wait after the `attempts`-th failed attempt: 1 s, 2 s, 4 s … up to 300 s, times a
        /// jitter between 0.5 and 1.5 (`random` in 0..<1).
        package static func backoff(attempts: Int, random: Double) -> Duration {
            let base = min(300.0, Double(1 << min(max(attempts - 1, 0), 16)))
            return .milliseconds(Int64(base * (0.5 + random) * 1000))
        }
    }

    private let store: any CustomerServiceStore
    private let directory: BotDirectory
    private let threadPool: NIOThreadPool
    private let client: CallbackClient
    private let settings: Settings
    private let logger: Logger
    private let nowMilliseconds: @Sendable () -> Int64
    private let doorbell: Doorbell
    private let delivered: Counter
    private let failed: Counter
    private let dead: Counter

    package init(
        store: any CustomerServiceStore,
        directory: BotDirectory,
        threadPool: NIOThreadPool,
        group: any EventLoopGroup,
        settings: Settings = Settings(),
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        nowMilliseconds: @escaping @Sendable () -> Int64
    ) {
        self.store = store
        self.directory = directory
        self.threadPool = threadPool
        self.client = CallbackClient(group: group, timeout: .milliseconds(settings.timeout.milliseconds))
        self.settings = settings
        self.logger = logger
        self.nowMilliseconds = nowMilliseconds
        self.doorbell = Doorbell(eventLoop: group.next())
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        }
        delivered = counter("chatbot_callbacks_delivered_total", "Callback notices a receiver accepted (2xx).")
        failed = counter("chatbot_callback_failures_total", "Failed callback attempts (to be retried or dead).")
        dead = counter("chatbot_callbacks_dead_total", "Callback notices given up after the last attempt.")
    }

    /// Looks at the queue now: notices were just committed.
    package func wake() { doorbell.ring() }

    /// Delivers until the service group shuts down; the attempts in flight then finish (within
    /// ``Settings/timeout``) and are recorded.
    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.deliver()
        }
    }

    private func deliver() async {
        var lastPrune: Int64 = 0
        while !Task.isCancelled {
            let now = nowMilliseconds()
            if now - lastPrune >= 3_600_000 {
                lastPrune = now
                prune(now: now)
            }
            let due = await read { store, now throws(StoreError) in try store.dueCallbacks(now: now, limit: 256) } ?? []
            if due.isEmpty {
                let next = await read { store, _ throws(StoreError) in try store.nextCallbackDue() } ?? nil
                let poll = settings.pollInterval.milliseconds
                let wait = next.map { max(1, min($0 - nowMilliseconds(), poll)) } ?? poll
                await doorbell.wait(milliseconds: wait)
                continue
            }
            // Each user's oldest notice, at most `concurrency` at a time; the next read waits for
            // all of them, so no notice is attempted twice at once. At shutdown no new one starts.
            await withTaskGroup(of: Void.self) { group in
                for (index, event) in due.enumerated() where !Task.isCancelled {
                    if index >= settings.concurrency { await group.next() }
                    group.addTask { await self.attempt(event) }
                }
            }
        }
    }

    /// One attempt at delivering `event`, recorded in the store.
    private func attempt(_ event: CallbackEvent) async {
        let outcome: Result<Void, CallbackURL.Invalid>
        do throws(CallbackURL.Invalid) {
            let url = try CallbackURL(event.url)
            let body = try await self.body(event)
            let status = try await client.post(body, to: url).status
            outcome =
                (200..<300).contains(status)
                ? .success(()) : .failure(CallbackURL.Invalid(message: "the receiver answered HTTP \(status)"))
        } catch {
            outcome = .failure(error)
        }
        let now = nowMilliseconds()
        let status: CallbackEvent.Status
        var next = now
        var reason = ""
        switch outcome {
        case .success:
            status = .delivered
            delivered.increment()
        case .failure(let error):
            reason = error.message
            failed.increment()
            if event.attempts + 1 >= settings.maxAttempts {
                status = .dead
                dead.increment()
                logger.warning(
                    "a callback notice is dead after its last attempt",
                    metadata: ["seq": "\(event.seq)", "attempts": "\(event.attempts + 1)", "error": "\(reason)"]
                )
            } else {
                status = .pending
                let wait = Settings.backoff(attempts: event.attempts + 1, random: Double.random(in: 0..<1))
                next = now + wait.milliseconds
            }
        }
        let (nextAttemptAt, error) = (next, reason)
        _ = await write { store throws(StoreError) in
            try store.recordCallbackAttempt(
                botID: event.botID,
                seq: event.seq,
                status: status,
                nextAttemptAt: nextAttemptAt,
                error: error,
                now: now
            )
        }
    }

    /// The JSON body of a notice: its XML encrypted as the bot's envelope.
    private func body(_ event: CallbackEvent) async throws(CallbackURL.Invalid) -> [UInt8] {
        let bot: BotEntry
        do throws(PlatformFailure) {
            bot = try await directory.lookup(token: event.token)
        } catch {
            throw CallbackURL.Invalid(message: "the bot cannot be loaded: \(error.errmsg)")
        }
        let encrypted: String
        do throws(CryptoError) {
            encrypted = try bot.envelope.encrypt(event.payload)
        } catch {
            throw CallbackURL.Invalid(message: "the notice cannot be encrypted: \(error.message)")
        }
        var writer = JSONWriter(escapingNonASCII: false)
        writer.beginObject()
        writer.write(member: "encrypted", string: encrypted)
        writer.endObject()
        return writer.bytes
    }

    private func prune(now: Int64) {
        let before = now - settings.retention.milliseconds
        Task {
            if let pruned = await write({ store throws(StoreError) in try store.pruneCustomerService(before: before) }),
                pruned > 0
            {
                logger.info("pruned the outbox and delivered callback notices", metadata: ["rows": "\(pruned)"])
            }
        }
    }

    /// `body` on the thread pool with the current time; nil (logged) when the store fails.
    private func read<T: Sendable>(
        _ body: @escaping @Sendable (any CustomerServiceStore, Int64) throws(StoreError) -> T
    ) async -> T? {
        let store = self.store
        let now = nowMilliseconds()
        return await write { _ throws(StoreError) in try body(store, now) }
    }

    private func write<T: Sendable>(
        _ body: @escaping @Sendable (any CustomerServiceStore) throws(StoreError) -> T
    ) async -> T? {
        let store = self.store
        do {
            return try await threadPool.runIfActive { try body(store) }
        } catch {
            if !Task.isCancelled { logger.error("callback delivery: store failure", metadata: ["error": "\(error)"]) }
            return nil
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// Wakes one waiter, at once or when its time is up; a ring with nobody waiting is kept for the
/// next wait.
private final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
        var timer: Scheduled<Void>?
    }

    private let eventLoop: any EventLoop
    private let state = Mutex(State())

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func ring() {
        let (waiter, timer) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Scheduled<Void>?) in
            guard let waiter = state.waiter else {
                state.rung = true
                return (nil, nil)
            }
            defer { (state.waiter, state.timer) = (nil, nil) }
            return (waiter, state.timer)
        }
        timer?.cancel()
        waiter?.resume()
    }

    /// Returns after `milliseconds`, at a ring, or when the task is cancelled.
    func wait(milliseconds: Int64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let eventLoop = self.eventLoop
                let now = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = waiter
                    state.timer = eventLoop.scheduleTask(in: .milliseconds(milliseconds)) { self.ring() }
                    return false
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            ring()
        }
    }
}
