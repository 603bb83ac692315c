internal import ChatbotHTTP2
internal import Glibc
internal import Logging
internal import NIOCore
internal import NIOHTTP1

/// Serves gRPC on one HTTP/2 connection: owns its nghttp2 session and its calls. A request that
/// is not gRPC (no `application/grpc` content type, and no gRPC method at its path) goes to the
/// ``HTTPRoutes``, as over HTTP/1.1, with the same body limit and body timeout.
///
/// Limits, each with its timer (``Configuration``): a request (a unary call's message, a
/// streaming call's message once its first byte came, a plain body) must arrive within
/// ``Configuration/requestTimeout``; request bytes held for the calls of one connection (partial
/// messages, messages a streaming handler has not taken yet, plain bodies) stay within
/// ``Configuration/maxBufferedRequestBytes`` (the call that would pass it fails with
/// RESOURCE_EXHAUSTED, or 413); a header list over the announced size is refused (431, or
/// RESOURCE_EXHAUSTED); a connection with no calls closes gracefully after
/// ``Configuration/idleTimeout``, any connection after ``Configuration/maxConnectionAge``; and a
/// PING goes out once the client has sent nothing for one to two ``Configuration/keepaliveTime``s,
/// which closes the connection unless acknowledged within ``Configuration/keepaliveTimeout``.
///
/// Everything here runs on the channel's event loop. Unary handlers that answer at once run
/// inline; others run as tasks that hand their results back through `eventLoop.execute`.
/// Streaming handlers run as tasks on the event loop itself (``EventLoopTaskExecutor``), so their
/// messages pass without a thread switch. Handlers never touch the session.
final class GRPCConnectionHandler: ChannelInboundHandler, HTTP2SessionDelegate {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Configuration: Sendable {
        var http2 = HTTP2Settings()
        var maxReceiveMessageSize = 4 << 20
        /// A streaming writer waits while its stream has more than this many bytes queued.
        var maxQueuedBytesPerStream = 256 << 10
        /// How long a graceful shutdown waits for calls in flight before closing.
        var shutdownGracePeriod = TimeAmount.seconds(10)
        /// The largest body of a plain HTTP request (413 above).
        var maxPlainBodySize = 1 << 20
        /// How long a request may take to arrive: a plain body or a unary call's message after the
        /// headers, a streaming call's message after its first byte (408, or DEADLINE_EXCEEDED).
        var requestTimeout = TimeAmount.seconds(10)
        /// The most request bytes held for the calls of one connection together.
        var maxBufferedRequestBytes = 16 << 20
        /// A streaming call's client is held back (no window update) while this many bytes of its
        /// complete messages wait for the handler; a message being received always gets window.
        var maxQueuedMessageBytesPerStream = 1 << 20
        /// How long a connection with no calls stays open; nil for ever.
        var idleTimeout: TimeAmount? = .minutes(5)
        /// How long any connection stays open before a graceful GOAWAY; nil for ever.
        var maxConnectionAge: TimeAmount?
        /// The client is PINGed once it has sent nothing for one to two of these.
        var keepaliveTime = TimeAmount.minutes(5)
        /// How long the client has to acknowledge that PING before the connection closes.
        var keepaliveTimeout = TimeAmount.seconds(20)
    }

    private let router: RPCRouter
    private let httpRoutes: HTTPRoutes
    private let configuration: Configuration
    private let logger: Logger
    private let metrics: ServerMetrics
    private var session: HTTP2Session?
    private var context: ChannelHandlerContext?
    private var loopBound: NIOLoopBound<GRPCConnectionHandler>?
    /// Where streaming handlers run: this connection's event loop.
    private var streamingExecutor: EventLoopTaskExecutor?
    private var calls: [Int32: Call] = [:]
    /// The call whose header block is being received (found once per block, not per field).
    private var headerCall: Call?
    /// Calls whose timers (request, deadline) are to be scheduled when the current read is over.
    private var callsAwaitingTimers: [Call] = []
    private var flushScheduled = false
    private var shuttingDown = false
    private var closing = false
    /// Request bytes held for this connection's calls.
    private var budget: RequestBudget
    private var idleTimer: Scheduled<Void>?
    private var keepaliveTimer: Scheduled<Void>?
    private var pingTimer: Scheduled<Void>?
    private var ageTimer: Scheduled<Void>?
    /// Whether the client sent anything since the keepalive timer last fired.
    private var readSinceKeepalive = false
    /// The client's address (``RPCContext/peerAddress(of:)``).
    private var peer = ""

    init(
        router: RPCRouter,
        httpRoutes: HTTPRoutes,
        configuration: Configuration,
        metrics: ServerMetrics,
        logger: Logger
    ) {
        self.router = router
        self.httpRoutes = httpRoutes
        self.configuration = configuration
        self.budget = RequestBudget(limit: configuration.maxBufferedRequestBytes)
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = RPCContext.peerAddress(of: context.channel)
        loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        streamingExecutor = EventLoopTaskExecutor(context.eventLoop)
        do {
            session = try HTTP2Session(role: .server, settings: configuration.http2, delegate: self)
        } catch {
            logger.error("cannot create an HTTP/2 session", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        let loopBound = loopBound!
        armIdleTimer()
        armKeepalive()
        if let age = configuration.maxConnectionAge {
            ageTimer = context.eventLoop.scheduleTask(in: age) { loopBound.value.startGracefulShutdown() }
        }
        if context.channel.isActive { flush() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelAll()
        stopConnectionTimers()
        session = nil
        self.context = nil
        loopBound = nil
        streamingExecutor = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session, !closing else { return }
        readSinceKeepalive = true
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { bytes in try session.receive(bytes) }
        } catch {
            // A broken preface or frame: nghttp2 has queued a GOAWAY; send it and close.
            logger.debug("closing a connection after a protocol error", metadata: ["error": "\(error)"])
            closing = true
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        armPendingTimers()
        flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flush() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelAll()
        stopConnectionTimers()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RPCServer.GracefulShutdownEvent {
            startGracefulShutdown()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Writing

    /// Writes what nghttp2 has ready, then closes the connection when it is done with.
    private func flush() {
        guard let context, let session else { return }
        if context.channel.isWritable || closing {
            var buffer = context.channel.allocator.buffer(capacity: 1024)
            do {
                repeat {
                    try session.flush(into: &buffer)
                } while session.wantsWrite && context.channel.isWritable
            } catch {
                logger.error("HTTP/2 session failure", metadata: ["error": "\(error)"])
                closing = true
            }
            if buffer.readableBytes > 0 {
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            }
        }
        if closing || (session.isFinished && calls.isEmpty) {
            closing = true
            context.close(promise: nil)
        }
    }

    /// Flushes once at the end of this event-loop tick (completions from tasks arrive in bursts).
    private func scheduleFlush() {
        guard !flushScheduled, let context, let loopBound else { return }
        flushScheduled = true
        context.eventLoop.execute {
            loopBound.value.flushScheduled = false
            loopBound.value.flush()
        }
    }

    // MARK: HTTP2SessionDelegate

    func session(_ session: HTTP2Session, beginHeadersOn stream: Int32) {
        if let call = calls[stream] {
            headerCall = call.headersDone ? nil : call
        } else {
            let call = Call(
                stream: stream,
                head: GRPCRequestHead(unknownMethodSlot: metrics.unknownMethodSlot),
                started: .now()
            )
            calls[stream] = call
            headerCall = call
            idleTimer?.cancel()
            idleTimer = nil
        }
    }

    func session(_ session: HTTP2Session, headerListTooLargeOn stream: Int32) {
        calls[stream]?.head.headerListTooLarge = true
    }

    func session(
        _ session: HTTP2Session,
        header name: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        stream: Int32
    ) {
        headerCall?.head.add(name: name, value: value, router: router)
    }

    func session(_ session: HTTP2Session, endHeadersOn stream: Int32, endStream: Bool) {
        headerCall = nil
        guard let call = calls[stream] else { return }
        if call.headersDone {
            // Trailers from the client: only their END_STREAM matters, unless they are too large.
            if call.head.headerListTooLarge {
                refuseHeaderList(call)
            } else if endStream {
                endOfRequest(call)
            }
            return
        }
        call.headersDone = true
        switch call.head.verdict(shuttingDown: shuttingDown, maxHeaderListSize: configuration.http2.maxHeaderListSize) {
        case .plain:
            startPlain(call)
            if endStream { endOfRequest(call) }
        case .plainHeaderListTooLarge:
            startPlain(call)
            refuseHeaderList(call)
        case .unsupportedMediaType:
            markFinished(call)
            metrics.countHTTP(route: httpRoutes.unmatchedLabel, status: 415, started: call.started)
            try? session.respond(on: stream, headers: Self.unsupportedMediaType, endStream: true)
        case .refuse(let error):
            fail(call, error)
        case .start:
            start(call)
            if endStream { endOfRequest(call) }
        }
    }

    func session(_ session: HTTP2Session, data: UnsafeRawBufferPointer, stream: Int32) {
        guard let call = calls[stream], !call.finished else {
            session.consume(data.count, on: stream)
            return
        }
        if call.plain != nil {
            session.consume(data.count, on: stream)
            receivePlain(call, data)
            return
        }
        guard call.grpc != nil else {
            session.consume(data.count, on: stream)
            return
        }
        let received = call.grpc!.receive(data, budget: &budget) { message in
            call.inbound?.append(message)
            metrics.countReceived(method: call.head.methodSlot)
        }
        session.consume(received.consume, on: stream)
        if let failure = received.failure {
            fail(call, failure)
        } else if !call.grpc!.isUnary {
            // A streaming call's request timer runs while a message is under way (a unary call's
            // from the headers to the end of the request).
            if !received.messageUnderway {
                stopRequestTimer(call)
            } else if call.requestDeadline == nil {
                armRequestTimer(call, from: .now())
            }
        }
    }

    /// The streaming handler of `stream` took a message of `count` bytes (with its prefix).
    private func messageTaken(_ count: Int, on stream: Int32) {
        guard let call = calls[stream], call.grpc != nil, let session else { return }
        let consume = call.grpc!.messageTaken(count, budget: &budget)
        if consume > 0 {
            session.consume(consume, on: stream)
            scheduleFlush()
        }
    }

    func session(_ session: HTTP2Session, endStreamOn stream: Int32) {
        if let call = calls[stream] { endOfRequest(call) }
    }

    func session(_ session: HTTP2Session, closed stream: Int32, errorCode: UInt32) {
        guard let call = calls.removeValue(forKey: stream) else { return }
        if !call.finished {
            markFinished(call)
            if call.plain == nil { count(call, endedWith: .cancelled) }
            abandon(call, RPCError(.cancelled, "the client cancelled the call"))
        }
        if calls.isEmpty {
            if shuttingDown { scheduleFlush() }
            armIdleTimer()
        }
    }

    func session(_ session: HTTP2Session, drained stream: Int32) {
        if let call = calls[stream] { resumeWriters(call, .success(())) }
    }

    // MARK: Calls

    private func start(_ call: Call) {
        let method = call.head.method!
        call.grpc = GRPCStreamStateMachine(
            isUnary: method.kind == .unary,
            maxMessageSize: configuration.maxReceiveMessageSize,
            maxQueuedMessageBytes: configuration.maxQueuedMessageBytesPerStream
        )
        metrics.callStarted(method: call.head.methodSlot)
        let deadline = call.head.timeout.map { call.started + $0 }
        call.context = RPCContext(
            path: method.path,
            deadline: deadline,
            eventLoop: context!.eventLoop,
            authorization: call.head.authorization,
            peer: peer
        )
        // Its timer, like the request timer, only if the call is still running when the read ends.
        if deadline != nil { callsAwaitingTimers.append(call) }
        switch method.handler {
        case .streaming(let handler): startStreaming(call, handler)
        case .unary: armRequestTimer(call, from: call.started)
        }
    }

    /// The client finished sending (END_STREAM).
    private func endOfRequest(_ call: Call) {
        guard !call.finished else { return }
        if call.plain != nil {
            routePlain(call)
            return
        }
        guard call.grpc != nil, let end = call.grpc!.endOfRequest(budget: &budget) else { return }
        switch end {
        case .finishInbound:
            call.inbound?.finish()
        case .fail(let error):
            fail(call, error)
        case .dispatch(let request):
            stopRequestTimer(call)
            guard case .unary(let handler) = call.head.method!.handler else { return }
            switch handler(request, call.context!, context!.channel.allocator) {
            case .done(let result):
                complete(call, result)
            case .later(let work):
                runLater(call, work) { $0.complete($1, $2) }
            }
        }
    }

    /// Runs `work` as a task, then `finish` with its result on the event loop, unless the call
    /// is gone by then.
    private func runLater<Value: Sendable>(
        _ call: Call,
        _ work: @escaping @Sendable () async -> Value,
        _ finish: @escaping @Sendable (GRPCConnectionHandler, Call, Value) -> Void
    ) {
        let stream = call.stream
        let loopBound = loopBound!
        call.task = Task {
            let result = await work()
            loopBound.eventLoop.execute {
                let handler = loopBound.value
                guard let call = handler.calls[stream] else { return }
                finish(handler, call, result)
                handler.scheduleFlush()
            }
        }
    }

    private func complete(_ call: Call, _ result: Result<ByteBuffer, RPCError>) {
        guard !call.finished else { return }
        switch result {
        case .success(let framed): succeed(call, sending: framed)
        case .failure(let error): fail(call, error)
        }
    }

    /// Ends `call` with status OK, after `message` if given: headers (unless already sent), the
    /// message and OK trailers, or a trailers-only OK when nothing was sent.
    private func succeed(_ call: Call, sending message: ByteBuffer? = nil) {
        guard let session else { return }
        markFinished(call)
        count(call, endedWith: .ok)
        call.deadlineTimer?.cancel()
        let started = call.grpc?.responseStarted ?? false
        do {
            if started || message != nil {
                if !started {
                    try session.respond(on: call.stream, headers: Self.responseHeaders, endStream: false)
                }
                if let message { session.send(message, on: call.stream) }
                session.finish(call.stream, trailers: Self.okTrailers)
            } else {
                try session.respond(on: call.stream, headers: Self.okTrailersOnly, endStream: true)
            }
        } catch {
            logger.error("cannot submit a response", metadata: ["error": "\(error)"])
            session.reset(call.stream, errorCode: 2)
        }
    }

    /// Ends `call` with `error` as its status, and stops whatever still works on it.
    private func fail(_ call: Call, _ error: RPCError) {
        guard !call.finished, let session else { return }
        markFinished(call)
        count(call, endedWith: error.code)
        abandon(call, error)
        do {
            if call.grpc?.responseStarted == true {
                session.finish(call.stream, trailers: Self.trailers(for: error, trailersOnly: false))
            } else {
                try session.respond(
                    on: call.stream,
                    headers: Self.trailers(for: error, trailersOnly: true),
                    endStream: true
                )
            }
        } catch {
            session.reset(call.stream, errorCode: 2)
        }
        scheduleFlush()
    }

    /// Marks `call` as answered: it holds no request bytes from now on, and what the client
    /// still sends on it is dropped.
    private func markFinished(_ call: Call) {
        call.finished = true
        // Only a started call (its state made with its handler) was put in flight.
        if call.grpc != nil { metrics.callEnded(method: call.head.methodSlot) }
        stopRequestTimer(call)
        call.grpc?.finish(budget: &budget)
        budget.give(call.plainHeld)
        call.plainHeld = 0
    }

    /// Counts a gRPC call that ended with `code`, under its method, timed from its first HEADERS.
    private func count(_ call: Call, endedWith code: RPCError.Code) {
        metrics.countCall(method: call.head.methodSlot, code: code, started: call.started)
    }

    /// Fails `call` unless its request (all of a unary or plain one; the message under way of a
    /// streaming one) is in within the request timeout, counted `from` when it began.
    ///
    /// The timer itself is scheduled when the read that began the request is over
    /// (``armPendingTimers()``), and only if the request is still not in: most requests
    /// arrive whole in one read, and a timer scheduled and cancelled for each would cost more
    /// than the rest of a small call's handling.
    private func armRequestTimer(_ call: Call, from start: NIODeadline) {
        call.requestDeadline = start + configuration.requestTimeout
        callsAwaitingTimers.append(call)
    }

    /// Schedules the timers of the calls the read just over left running: the request timer of
    /// a request still incomplete, the deadline (grpc-timeout) of a call not answered yet.
    private func armPendingTimers() {
        guard !callsAwaitingTimers.isEmpty, let context, let loopBound else { return }
        let now = NIODeadline.now()
        for call in callsAwaitingTimers where !call.finished {
            let stream = call.stream
            // In the time left, not at the deadline: a loop's clock may not be the wall's (tests).
            if let deadline = call.requestDeadline, call.requestTimer == nil {
                call.requestTimer = context.eventLoop.scheduleTask(in: deadline - now) {
                    loopBound.value.requestTimedOut(stream)
                }
            }
            if let deadline = call.context?.deadline, call.deadlineTimer == nil {
                call.deadlineTimer = context.eventLoop.scheduleTask(in: deadline - now) {
                    loopBound.value.deadlineExceeded(stream)
                }
            }
        }
        callsAwaitingTimers.removeAll(keepingCapacity: true)
    }

    private func stopRequestTimer(_ call: Call) {
        call.requestDeadline = nil
        call.requestTimer?.cancel()
        call.requestTimer = nil
    }

    private func requestTimedOut(_ stream: Int32) {
        guard let call = calls[stream], !call.finished else { return }
        call.requestTimer = nil
        call.requestDeadline = nil
        if let exchange = call.plain {
            respondPlain(call, exchange.timedOut(after: configuration.requestTimeout))
        } else {
            let limit = configuration.requestTimeout.nanoseconds / 1_000_000
            fail(call, RPCError(.deadlineExceeded, "request message too slow: not complete within \(limit) ms"))
        }
    }

    /// Refuses a request whose header list passed the announced limit: 431 for a plain request,
    /// RESOURCE_EXHAUSTED for a gRPC call.
    private func refuseHeaderList(_ call: Call) {
        let error = GRPCRequestHead.headerListTooLarge(limit: configuration.http2.maxHeaderListSize)
        if call.plain != nil {
            respondPlain(call, httpRoutes.refusal(.requestHeaderFieldsTooLarge, error.message))
        } else {
            fail(call, error)
        }
    }

    /// Stops a call's timer, task, request stream and waiting writers.
    private func abandon(_ call: Call, _ error: RPCError) {
        call.deadlineTimer?.cancel()
        call.task?.cancel()
        call.inbound?.finish()
        resumeWriters(call, .failure(error))
    }

    /// Wakes the streaming writers waiting for room on `call`.
    private func resumeWriters(_ call: Call, _ result: Result<Void, RPCError>) {
        let waiters = call.writeWaiters
        call.writeWaiters.removeAll()
        for waiter in waiters { waiter.resume(returning: result) }
    }

    private func deadlineExceeded(_ stream: Int32) {
        guard let call = calls[stream] else { return }
        fail(call, RPCError(.deadlineExceeded, "deadline exceeded"))
    }

    private func cancelAll() {
        for call in calls.values where !call.finished {
            markFinished(call)
            if call.plain == nil { count(call, endedWith: .unavailable) }
            abandon(call, RPCError(.unavailable, "the connection closed"))
        }
        calls.removeAll()
        callsAwaitingTimers.removeAll()
    }

    // MARK: Streaming calls

    private func startStreaming(
        _ call: Call,
        _ handler: @escaping @Sendable (RPCInbound, RPCOutbound, RPCContext) async throws(RPCError) -> Void
    ) {
        guard let loopBound, let context, let streamingExecutor else { return }
        let stream = call.stream
        let messages = InboundMessages()
        call.inbound = messages
        // The handler runs on this event loop, so these calls are direct (`onLoop` keeps them
        // right should a job ever run elsewhere), and a write with room left does not suspend.
        let inbound = RPCInbound(messages: NIOLoopBound(messages, eventLoop: context.eventLoop)) { count in
            Self.onLoop(loopBound) { $0.messageTaken(count, on: stream) }
        }
        let outbound = RPCOutbound(
            write: { framed throws(RPCError) in
                let hasRoom: Bool
                if loopBound.eventLoop.inEventLoop {
                    hasRoom = try loopBound.value.enqueue(framed, on: stream).get()
                } else {
                    hasRoom = try await withCheckedContinuation { queued in
                        loopBound.eventLoop.execute {
                            queued.resume(returning: loopBound.value.enqueue(framed, on: stream))
                        }
                    }.get()
                }
                if !hasRoom {
                    try await withCheckedContinuation { room in
                        Self.onLoop(loopBound) { $0.waitForRoom(on: stream, room) }
                    }.get()
                }
            },
            allocator: context.channel.allocator
        )
        let rpcContext = call.context!
        call.task = Task(executorPreference: streamingExecutor) {
            let result: Result<Void, RPCError>
            do throws(RPCError) {
                try await handler(inbound, outbound, rpcContext)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            loopBound.eventLoop.execute { loopBound.value.finishStreaming(stream, result) }
        }
    }

    /// Runs `body` with the handler now when on its event loop, else enqueued there.
    private static func onLoop(
        _ loopBound: NIOLoopBound<GRPCConnectionHandler>,
        _ body: @escaping @Sendable (GRPCConnectionHandler) -> Void
    ) {
        if loopBound.eventLoop.inEventLoop {
            body(loopBound.value)
        } else {
            loopBound.eventLoop.execute { body(loopBound.value) }
        }
    }

    /// Queues `framed` on `stream`: whether the stream still has room for more, or why the call
    /// is over.
    private func enqueue(_ framed: ByteBuffer, on stream: Int32) -> Result<Bool, RPCError> {
        guard let call = calls[stream], !call.finished, let session else {
            return .failure(RPCError(.cancelled, "the call is over"))
        }
        if call.grpc!.startResponse() {
            do {
                try session.respond(on: stream, headers: Self.responseHeaders, endStream: false)
            } catch {
                return .failure(RPCError(.internalError, "cannot start the response"))
            }
        }
        session.send(framed, on: stream)
        metrics.countSent(method: call.head.methodSlot)
        scheduleFlush()
        return .success(session.queuedBytes(on: stream) <= configuration.maxQueuedBytesPerStream)
    }

    /// Resumes `waiter` once `stream` has room for more (at once if it has), or when the call ends.
    private func waitForRoom(on stream: Int32, _ waiter: CheckedContinuation<Result<Void, RPCError>, Never>) {
        guard let call = calls[stream], !call.finished, let session else {
            waiter.resume(returning: .failure(RPCError(.cancelled, "the call is over")))
            return
        }
        if session.queuedBytes(on: stream) <= configuration.maxQueuedBytesPerStream {
            waiter.resume(returning: .success(()))
        } else {
            call.writeWaiters.append(waiter)
        }
    }

    private func finishStreaming(_ stream: Int32, _ result: Result<Void, RPCError>) {
        guard let call = calls[stream], !call.finished else { return }
        switch result {
        case .success:
            succeed(call)
            scheduleFlush()
        case .failure(let error):
            fail(call, error)
        }
    }

    // MARK: Plain HTTP requests

    /// Starts a request that is not gRPC (``PlainHTTPExchange``).
    private func startPlain(_ call: Call) {
        let exchange = PlainHTTPExchange(
            head: call.head.takePlainRequestHead(),
            routes: httpRoutes,
            maxBodySize: configuration.maxPlainBodySize,
            peer: peer
        )
        call.plain = exchange
        switch exchange.start(shuttingDown: shuttingDown) {
        case .refuse(let response):
            respondPlain(call, response)
        case .readBody(let sendContinue):
            armRequestTimer(call, from: call.started)
            if sendContinue { try? session?.inform(call.stream, headers: Self.continueHeaders) }
        }
    }

    private func receivePlain(_ call: Call, _ data: UnsafeRawBufferPointer) {
        guard !call.finished, call.plain != nil else { return }
        guard budget.take(data.count) else {
            respondPlain(call, httpRoutes.refusal(.payloadTooLarge, budget.exceeded.message))
            return
        }
        call.plainHeld += data.count
        if let refusal = call.plain!.receive(ByteBuffer(bytes: data)) { respondPlain(call, refusal) }
    }

    /// The whole request is in: hands it to its route.
    private func routePlain(_ call: Call) {
        stopRequestTimer(call)
        budget.give(call.plainHeld)
        call.plainHeld = 0
        switch call.plain!.end() {
        case .done(let response):
            respondPlain(call, response)
        case .later(let work):
            runLater(call, work) { $0.respondPlain($1, $2) }
        }
    }

    /// Ends a plain request with `response`: headers, then the body with END_STREAM.
    private func respondPlain(_ call: Call, _ response: HTTPRouteResponse) {
        guard !call.finished, let session else { return }
        markFinished(call)
        metrics.countHTTP(
            route: call.plain?.label ?? httpRoutes.unmatchedLabel,
            status: response.status.code,
            started: call.started
        )
        let fields = [(":status", String(response.status.code))] + PlainHTTPExchange.fields(of: response)
        let empty = response.body.readableBytes == 0
        do {
            try session.respond(on: call.stream, headers: HeaderBlock(fields), endStream: empty)
            if !empty {
                session.send(response.body, on: call.stream)
                session.finish(call.stream)
            }
        } catch {
            session.reset(call.stream, errorCode: 2)
        }
        // Not only after a read: a timer (408) answers too, and nothing else would flush then.
        scheduleFlush()
    }

    // MARK: Connection timers

    /// Closes the connection gracefully once it has had no call for the idle timeout.
    private func armIdleTimer() {
        guard let timeout = configuration.idleTimeout, idleTimer == nil, let context, let loopBound else { return }
        idleTimer = context.eventLoop.scheduleTask(in: timeout) {
            let handler = loopBound.value
            handler.idleTimer = nil
            if handler.calls.isEmpty { handler.startGracefulShutdown() }
        }
    }

    /// Checks, a keepalive time from now, whether the client has sent anything since the last check, and
    /// PINGs it if not: a silent client is PINGed after one to two keepalive times, and the clock
    /// is not read per read.
    private func armKeepalive() {
        guard let context, let loopBound else { return }
        keepaliveTimer = context.eventLoop.scheduleTask(in: configuration.keepaliveTime) {
            loopBound.value.keepaliveDue()
        }
    }

    private func keepaliveDue() {
        guard let session, let context, let loopBound, !closing else { return }
        if readSinceKeepalive {
            readSinceKeepalive = false
        } else if pingTimer == nil {
            session.ping()
            scheduleFlush()
            pingTimer = context.eventLoop.scheduleTask(in: configuration.keepaliveTimeout) {
                let handler = loopBound.value
                handler.logger.debug("closing a connection: no PING acknowledgement")
                handler.closing = true
                handler.flush()
            }
        }
        armKeepalive()
    }

    func sessionReceivedPingAck(_ session: HTTP2Session) {
        pingTimer?.cancel()
        pingTimer = nil
    }

    private func stopConnectionTimers() {
        for timer in [idleTimer, keepaliveTimer, pingTimer, ageTimer] { timer?.cancel() }
        idleTimer = nil
        keepaliveTimer = nil
        pingTimer = nil
        ageTimer = nil
    }

    // MARK: Shutdown

    /// Announces GOAWAY, lets calls in flight finish, and closes (at the latest after the grace period).
    private func startGracefulShutdown() {
        guard !shuttingDown, let context, let loopBound else { return }
        shuttingDown = true
        session?.announceShutdown()
        flush()
        // One round trip later, name the last stream we accept; then close when calls are done.
        context.eventLoop.scheduleTask(in: .milliseconds(50)) {
            loopBound.value.session?.goAway()
            loopBound.value.flush()
        }
        context.eventLoop.scheduleTask(in: configuration.shutdownGracePeriod) {
            loopBound.value.closing = true
            loopBound.value.flush()
        }
    }

    // MARK: Constants

    private static let responseHeaders = HeaderBlock(
        [(":status", "200"), ("content-type", "application/grpc")],
        isStatic: true
    )
    private static let okTrailers = HeaderBlock([("grpc-status", "0")], isStatic: true)
    private static let okTrailersOnly = HeaderBlock(
        [(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "0")],
        isStatic: true
    )
    private static let unsupportedMediaType = HeaderBlock([(":status", "415")], isStatic: true)
    private static let continueHeaders = HeaderBlock([(":status", "100")], isStatic: true)

    private static func trailers(for error: RPCError, trailersOnly: Bool) -> HeaderBlock {
        var fields: [(name: String, value: String)] = []
        if trailersOnly { fields += [(":status", "200"), ("content-type", "application/grpc")] }
        fields.append(("grpc-status", String(error.code.rawValue)))
        if !error.message.isEmpty { fields.append(("grpc-message", GRPCMessageEncoding.encode(error.message))) }
        fields += error.trailers
        return HeaderBlock(fields)
    }
}

/// One call (one HTTP/2 stream), on the connection's event loop: what its headers said, then
/// either a gRPC call's request state or a plain HTTP exchange, and the I/O around them (timers,
/// the handler's task, the streaming handler's messages and waiting writers).
private final class Call {
    let stream: Int32
    /// When its first HEADERS frame came: its latency, and its deadline, run from here.
    let started: NIODeadline
    var head: GRPCRequestHead
    var headersDone = false
    /// A gRPC call, once started.
    var grpc: GRPCStreamStateMachine?
    /// A plain HTTP request, and the body bytes it holds of the connection's budget.
    var plain: PlainHTTPExchange?
    var plainHeld = 0
    /// Answered (or abandoned): what the client still sends is dropped.
    var finished = false
    var context: RPCContext?
    var deadlineTimer: Scheduled<Void>?
    /// When the request (or, streaming, the message under way) must be in, while it is expected.
    var requestDeadline: NIODeadline?
    /// Runs until then, once the read that began it is over.
    var requestTimer: Scheduled<Void>?
    var task: Task<Void, Never>?
    var inbound: InboundMessages?
    var writeWaiters: [CheckedContinuation<Result<Void, RPCError>, Never>] = []

    init(stream: Int32, head: GRPCRequestHead, started: NIODeadline) {
        self.stream = stream
        self.head = head
        self.started = started
    }
}
