/// The platform's handoff states (`kefustate`), by their names on the platform.
package enum KefuState: String, Sendable, Hashable, CaseIterable {
    /// The bot answers: every user starts here.
    case asking
    /// The user asked for a person; the bot answers meanwhile.
    case needPerson = "needperson"
    /// A person serves the user; the bot is silent for that user.
    case personServing = "personserving"
    /// A person has finished; the bot answers.
    case complete

    /// Whether the state returns to ``asking`` at its expiry.
    package var expires: Bool { self == .needPerson || self == .personServing }
}

/// One user's handoff state, as stored.
package struct KefuRecord: Sendable, Hashable {
    package var botID: Int64
    /// The user: aibot's `userid`, message's `username`, sendmsg's `openid`.
    package var openID: String
    package var state: KefuState
    /// The agent serving the user (sendmsg's `kefuname`), or empty.
    package var agentName: String
    /// Milliseconds since the epoch when ``state`` returns the user to the bot (``KefuState/expires``
    /// states only), else 0.
    package var expiresAt: Int64
    /// Milliseconds since the epoch.
    package var updatedAt: Int64

    package init(
        botID: Int64,
        openID: String,
        state: KefuState,
        agentName: String = "",
        expiresAt: Int64 = 0,
        updatedAt: Int64
    ) {
        self.botID = botID
        self.openID = openID
        self.state = state
        self.agentName = agentName
        self.expiresAt = expiresAt
        self.updatedAt = updatedAt
    }

    /// The state at `now` (milliseconds): ``KefuState/asking`` once an expiring state has expired.
    package func state(at now: Int64) -> KefuState {
        state.expires && expiresAt <= now ? .asking : state
    }
}

/// A message to a user through a channel (sendmsg's, or a rating prompt), before the store gives
/// it its sequence number.
package struct OutboxDraft: Sendable, Hashable {
    package var openID: String
    package var appID: String
    package var channel: Int32
    /// sendmsg's event, or empty.
    package var event: String
    package var msg: String
    /// The kind of ``msg`` (`text`, `news`, …).
    package var msgType: String
    package var agentName: String
    package var agentAvatar: String
    package var skill: String

    package init(
        openID: String,
        appID: String,
        channel: Int32,
        event: String = "",
        msg: String,
        msgType: String = "text",
        agentName: String = "",
        agentAvatar: String = "",
        skill: String = ""
    ) {
        self.openID = openID
        self.appID = appID
        self.channel = channel
        self.event = event
        self.msg = msg
        self.msgType = msgType
        self.agentName = agentName
        self.agentAvatar = agentAvatar
        self.skill = skill
    }
}

/// A message of a bot's outbox, as stored.
package struct OutboxItem: Sendable, Hashable {
    package var botID: Int64
    /// 1, 2, 3… per bot, without gaps, in commit order.
    package var seq: Int64
    package var message: OutboxDraft
    /// Milliseconds since the epoch.
    package var createdAt: Int64
}

/// A notice to the bot's customer-service system, which the callback POSTs, before the store
/// gives it its sequence number.
package struct CallbackDraft: Sendable, Hashable {
    /// The user it is about: notices of one user are delivered in order.
    package var openID: String
    /// The plaintext XML the callback encrypts.
    package var payload: String

    package init(openID: String, payload: String) {
        self.openID = openID
        self.payload = payload
    }
}

/// A callback notice, as stored, with where it goes.
package struct CallbackEvent: Sendable, Hashable {
    package enum Status: Int64, Sendable {
        case pending = 0
        case delivered = 1
        /// Given up after too many attempts; `chatbotctl outbox retry` makes it pending again.
        case dead = 2
    }

    package var botID: Int64
    package var seq: Int64
    package var openID: String
    package var payload: String
    package var status: Status
    /// Attempts made so far.
    package var attempts: Int
    /// Milliseconds since the epoch.
    package var nextAttemptAt: Int64
    /// Why the last attempt failed, or empty.
    package var lastError: String
    package var createdAt: Int64
    /// The bot's TOKEN (to find its key) and callback URL at the time it was read.
    package var token: String
    package var url: String
}

/// One change that the store commits with others (group commit): a user's new state, a message
/// to the user, and notices to the customer-service system, all or nothing.
package struct CustomerServiceWrite: Sendable, Hashable {
    package var botID: Int64
    /// The user's new state; nil to leave it.
    package var state: KefuRecord?
    /// A message for the bot's outbox.
    package var message: OutboxDraft?
    /// Notices for the callback; written only when the bot has a callback URL.
    package var callbacks: [CallbackDraft]

    package init(
        botID: Int64,
        state: KefuRecord? = nil,
        message: OutboxDraft? = nil,
        callbacks: [CallbackDraft] = []
    ) {
        self.botID = botID
        self.state = state
        self.message = message
        self.callbacks = callbacks
    }
}

/// What a committed ``CustomerServiceWrite`` got.
package struct CustomerServiceCommit: Sendable, Hashable {
    /// The outbox message's sequence number, when the write had one.
    package var outboxSeq: Int64?
    /// How many callback notices were written (0 when the bot has no callback URL).
    package var callbacksWritten: Int
}

/// The customer-service state of every bot: handoff states, the outbox to the users and the
/// callback queue to the customer-service systems.
///
/// Every method blocks on the database: call it off the event loops. Each write commits before
/// it returns.
package protocol CustomerServiceStore: Sendable {
    /// Commits `writes` in one transaction; each succeeds or fails on its own (an unknown bot
    /// fails its write only).
    ///
    /// - Returns: One result per write, in order.
    /// - Throws: When the transaction as a whole fails: nothing was written.
    func commit(_ writes: [CustomerServiceWrite]) throws(StoreError) -> [Result<CustomerServiceCommit, StoreError>]

    /// A user's stored state, or nil for a user never handed off.
    func kefuRecord(botID: Int64, openID: String) throws(StoreError) -> KefuRecord?

    /// Every state that keeps the bot from answering or waits for a person (needperson,
    /// personserving) and has not expired at `now`.
    func activeKefuRecords(now: Int64) throws(StoreError) -> [KefuRecord]

    /// Up to `limit` messages of a bot's outbox after `seq`, oldest first, of `channels` (all
    /// when empty).
    func outbox(botID: Int64, after seq: Int64, channels: [Int32], limit: Int) throws(StoreError) -> [OutboxItem]

    /// The callback URL of a bot, or empty for none.
    func callbackURL(botID: Int64) throws(StoreError) -> String

    /// Sets (or, with an empty `url`, removes) a bot's callback URL.
    func setCallbackURL(botID: Int64, _ url: String) throws(StoreError)

    /// Pending notices due at `now`, at most `limit`, each the oldest pending one of its user (so
    /// that a user's notices go in order), soonest due first.
    func dueCallbacks(now: Int64, limit: Int) throws(StoreError) -> [CallbackEvent]

    /// When the next notice that ``dueCallbacks(now:limit:)`` would return is due (the soonest of
    /// each user's oldest pending notice), or nil when none is pending.
    func nextCallbackDue() throws(StoreError) -> Int64?

    /// Records an attempt: delivered, failed and due again at `nextAttemptAt`, or dead.
    func recordCallbackAttempt(
        botID: Int64,
        seq: Int64,
        status: CallbackEvent.Status,
        nextAttemptAt: Int64,
        error: String,
        now: Int64
    ) throws(StoreError)

    /// A bot's dead notices, oldest first, at most `limit`.
    func deadCallbacks(botID: Int64, limit: Int) throws(StoreError) -> [CallbackEvent]

    /// Makes a bot's dead notices (one, with `seq`) pending again with no attempts, due at `now`.
    ///
    /// - Returns: How many.
    func retryCallbacks(botID: Int64, seq: Int64?, now: Int64) throws(StoreError) -> Int

    /// Deletes outbox messages and delivered notices created before `before`.
    ///
    /// - Returns: How many rows.
    func pruneCustomerService(before: Int64) throws(StoreError) -> Int
}
