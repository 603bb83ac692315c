internal import ChatbotCrypto
internal import ChatbotEngine
package import ChatbotStore
internal import Logging

/// What `sendmsg` carries, checked.
package struct CustomerServiceMessage: Sendable, Hashable {
    /// The platform's events.
    package static let events = ["waiterEnter", "waiterSwitch", "waiterQuit", "waiterQualityEvaluate"]
    /// The platform's channels (0 bound official account or mini program, 1, 2 open API, 3 WeCom
    /// group bot, 4 WeCom customer service, 5 official-account menu H5, 6 mini-program plugin, 7
    /// web H5, 9).
    package static let channels: [Int32] = [0, 1, 2, 3, 4, 5, 6, 7, 9]
    /// The channels whose messages need an appid.
    package static let channelsNeedingAppID: Set<Int32> = [0, 5, 6]

    package var appID: String
    package var openID: String
    package var msg: String
    package var channel: Int32
    package var event: String
    package var agentName: String
    package var agentAvatar: String
    package var skill: String
}

extension ChatbotOperations {
    /// `sendmsg`: a customer-service system's message to a user, committed to the bot's outbox
    /// (with the handoff state its event sets) before returning.
    ///
    /// Events: waiterEnter and waiterSwitch make a person serve the user (personserving, with the
    /// agent's name, for ``CustomerService/defaultExpiry``); a message while a person serves
    /// renews that; waiterQuit ends it (complete); waiterQualityEvaluate marks the message as a
    /// rating prompt. A state change is also a callback notice.
    ///
    /// - Returns: The message's sequence number in the bot's outbox.
    /// - Throws: 1013 for the envelope, 1008 for a missing or invalid field (named), 1007 for a
    ///   malformed rich `msg`, -1 when the store fails.
    package func sendMessage(bot: BotEntry, encrypt: String, peer: String) async throws(PlatformFailure) -> Int64 {
        let message = try await checkingManagement(bot: bot, peer: peer) { () async throws(PlatformFailure) in
            try Self.customerServiceMessage(from: openEnvelope(bot: bot, encrypt: encrypt))
        }
        let now = nowMilliseconds()
        let current = customerService.states.state(botID: bot.bot.id, openID: message.openID, now: now)
        var state: KefuRecord?
        switch message.event {
        case "waiterEnter", "waiterSwitch":
            state = record(bot, message.openID, .personServing, agent: message.agentName, now: now)
        case "waiterQuit":
            state = record(bot, message.openID, .complete, agent: message.agentName, now: now)
        case "" where current?.state == .personServing:
            // The conversation goes on: the person keeps the user for another expiry.
            let agent = message.agentName.isEmpty ? current?.agentName ?? "" : message.agentName
            state = record(bot, message.openID, .personServing, agent: agent, now: now)
        default:
            state = nil
        }
        // A new state (not a renewal) is checked for room and told to the customer-service system.
        let changed = state.flatMap { $0.state != current?.state ? $0 : nil }
        if let changed { try checkRoom(changed) }
        let write = CustomerServiceWrite(
            botID: bot.bot.id,
            state: state,
            message: OutboxDraft(
                openID: message.openID,
                appID: message.appID,
                channel: message.channel,
                event: message.event,
                msg: message.msg,
                msgType: AnswerKind(content: message.msg).rawValue,
                agentName: message.agentName,
                agentAvatar: message.agentAvatar,
                skill: message.skill
            ),
            callbacks: changed.map {
                [
                    notice(
                        bot,
                        openID: message.openID,
                        content: message.msg,
                        from: .agent,
                        state: $0.state,
                        channel: message.channel,
                        now: now
                    )
                ]
            } ?? []
        )
        guard let seq = try await commitCustomerService(write).outboxSeq else {
            throw PlatformFailure(.systemError, "system error")
        }
        return seq
    }

    /// The fields of a `sendmsg` payload, checked.
    ///
    /// - Throws: 1008 naming a missing or invalid field; 1007 for a malformed rich `msg`.
    package static func customerServiceMessage(
        from payload: XMLPayload
    ) throws(PlatformFailure) -> CustomerServiceMessage {
        func field(_ name: String) -> String { payload.value(of: name)?.trimmingWhitespace ?? "" }
        func missing(_ name: String, _ why: String = "") -> PlatformFailure {
            PlatformFailure(.customerServiceFieldEmpty, "\(name) is missing or empty\(why)")
        }
        let openID = field("openid")
        guard !openID.isEmpty else { throw missing("openid") }
        // The message as sent: spaces may matter to its reader; empty is refused.
        let msg = payload.value(of: "msg") ?? ""
        guard !msg.trimmingWhitespace.isEmpty else { throw missing("msg") }
        let channelText = field("channel")
        guard !channelText.isEmpty else { throw missing("channel") }
        guard let channel = Int32(channelText), CustomerServiceMessage.channels.contains(channel) else {
            let list = CustomerServiceMessage.channels.map { String($0) }.joined(separator: ", ")
            throw PlatformFailure(.customerServiceFieldEmpty, "channel must be one of \(list), not \"\(channelText)\"")
        }
        let appID = field("appid")
        if appID.isEmpty, CustomerServiceMessage.channelsNeedingAppID.contains(channel) {
            throw missing("appid", ": channel \(channel) needs it")
        }
        let event = field("event")
        guard event.isEmpty || CustomerServiceMessage.events.contains(event) else {
            throw PlatformFailure(
                .customerServiceFieldEmpty,
                "event must be one of \(CustomerServiceMessage.events.joined(separator: ", ")), not \"\(event)\""
            )
        }
        do throws(RichAnswer.Invalid) {
            try RichAnswer.check(msg, field: "msg")
        } catch {
            throw PlatformFailure(.managementFieldEmpty, error.message)
        }
        return CustomerServiceMessage(
            appID: appID,
            openID: openID,
            msg: msg,
            channel: channel,
            event: event,
            agentName: field("kefuname"),
            agentAvatar: field("kefuavatar"),
            skill: field("ans_node_name")
        )
    }

    /// A user's handoff state now: the stored one, with an expired needperson or personserving
    /// read as asking.
    ///
    /// - Throws: -1 when the store fails.
    package func kefuState(bot: BotEntry, openID: String) async throws(PlatformFailure) -> KefuRecord {
        let store = customerService.store
        let botID = bot.bot.id
        let now = nowMilliseconds()
        let stored = try await withStore { _, _ throws(StoreError) in
            try store.kefuRecord(botID: botID, openID: openID)
        }
        guard var record = stored else { return KefuRecord(botID: botID, openID: openID, state: .asking, updatedAt: 0) }
        let state = record.state(at: now)
        if state != record.state {
            record.state = state
            record.expiresAt = 0
        }
        return record
    }

    /// Sets a user's handoff state, with a callback notice, committed before returning.
    ///
    /// - Parameter expires: Seconds until needperson or personserving returns the user to the
    ///   bot; nil for ``CustomerService/defaultExpiry``.
    /// - Throws: 1008 for an expiry out of range, -1 when the store fails or too many users are
    ///   handed off at once.
    package func changeKefuState(
        bot: BotEntry,
        openID: String,
        to state: KefuState,
        expires: Int64?,
        agentName: String
    ) async throws(PlatformFailure) -> KefuRecord {
        guard !openID.isEmpty else {
            throw PlatformFailure(.customerServiceFieldEmpty, "openid is missing or empty")
        }
        let expires = expires ?? CustomerService.defaultExpiry
        guard (1...CustomerService.maxExpiry).contains(expires) else {
            throw PlatformFailure(
                .customerServiceFieldEmpty,
                "expires must be 1 to \(CustomerService.maxExpiry) seconds, not \(expires)"
            )
        }
        let now = nowMilliseconds()
        let record = record(bot, openID, state, agent: agentName, now: now, expires: expires)
        try checkRoom(record)
        _ = try await commitCustomerService(
            CustomerServiceWrite(
                botID: bot.bot.id,
                state: record,
                callbacks: [notice(bot, openID: openID, content: "", from: .agent, state: state, channel: 0, now: now)]
            )
        )
        return record
    }

    /// `kefustate/get` over HTTP: the envelope carries appid, openid and type (`simple` or `all`).
    ///
    /// - Returns: The state, and whether the caller asked for all of it.
    package func kefuState(
        bot: BotEntry,
        encrypt: String,
        peer: String
    ) async throws(PlatformFailure) -> (record: KefuRecord, all: Bool) {
        let (openID, all) = try await checkingManagement(bot: bot, peer: peer) {
            () async throws(PlatformFailure) -> (String, Bool) in
            let payload = try openEnvelope(bot: bot, encrypt: encrypt)
            let openID = payload.value(of: "openid")?.trimmingWhitespace ?? ""
            guard !openID.isEmpty else {
                throw PlatformFailure(.customerServiceFieldEmpty, "openid is missing or empty")
            }
            switch payload.value(of: "type")?.trimmingWhitespace.lowercased() ?? "" {
            case "", "simple": return (openID, false)
            case "all": return (openID, true)
            case let other:
                throw PlatformFailure(.customerServiceFieldEmpty, "type must be simple or all, not \"\(other)\"")
            }
        }
        return (try await kefuState(bot: bot, openID: openID), all)
    }

    /// `kefustate/change` over HTTP: the envelope carries appid, openid, kefustate (the four
    /// states, or the legacy on and off), expires and kefuname.
    package func changeKefuState(bot: BotEntry, encrypt: String, peer: String) async throws(PlatformFailure) {
        let change = try await checkingManagement(bot: bot, peer: peer) {
            () async throws(PlatformFailure) -> (String, KefuState, Int64?, String) in
            let payload = try openEnvelope(bot: bot, encrypt: encrypt)
            let openID = payload.value(of: "openid")?.trimmingWhitespace ?? ""
            guard !openID.isEmpty else {
                throw PlatformFailure(.customerServiceFieldEmpty, "openid is missing or empty")
            }
            let name = payload.value(of: "kefustate")?.trimmingWhitespace ?? ""
            guard !name.isEmpty else {
                throw PlatformFailure(.customerServiceFieldEmpty, "kefustate is missing or empty")
            }
            guard let state = Self.kefuState(named: name) else {
                throw PlatformFailure(
                    .customerServiceFieldEmpty,
                    "kefustate must be asking, needperson, personserving or complete (or on, off), not \"\(name)\""
                )
            }
            var expires: Int64?
            if let text = payload.value(of: "expires")?.trimmingWhitespace, !text.isEmpty {
                guard let seconds = Int64(text) else {
                    throw PlatformFailure(
                        .customerServiceFieldEmpty,
                        "expires must be a number of seconds, not \"\(text)\""
                    )
                }
                expires = seconds
            }
            return (openID, state, expires, payload.value(of: "kefuname")?.trimmingWhitespace ?? "")
        }
        _ = try await changeKefuState(bot: bot, openID: change.0, to: change.1, expires: change.2, agentName: change.3)
    }

    /// A state by its platform name, or the legacy `on` (personserving) and `off` (complete).
    package static func kefuState(named name: String) -> KefuState? {
        switch name.lowercased() {
        case "on": .personServing
        case "off": .complete
        case let other: KefuState(rawValue: other)
        }
    }

    /// The effect of a dialogue call on customer service: a person serving the user gets the
    /// message (the reply is ``ChatbotEngine/DialogueReply/personServing``); a hit on a handoff
    /// entry puts the user in needperson and tells the customer-service system.
    ///
    /// - Returns: The reply, the user's state after it, and what to commit before answering.
    func handOff(
        bot: BotEntry,
        userID: String,
        query: String,
        reply: () -> DialogueReply
    ) -> (reply: DialogueReply, state: KefuState, write: CustomerServiceWrite?) {
        let now = nowMilliseconds()
        let current = customerService.states.state(botID: bot.bot.id, openID: userID, now: now)
        if current?.state == .personServing {
            let message = notice(
                bot,
                openID: userID,
                content: query,
                from: .user,
                state: .personServing,
                channel: 0,
                now: now
            )
            return (.personServing, .personServing, CustomerServiceWrite(botID: bot.bot.id, callbacks: [message]))
        }
        let answered = reply()
        guard answered.requestsPerson, current?.state != .needPerson else {
            return (answered, current?.state ?? .asking, nil)
        }
        let state = record(bot, userID, .needPerson, agent: "", now: now)
        guard customerService.states.hasRoom(botID: bot.bot.id, openID: userID) else {
            logger.warning("a handoff request was not recorded: too many users are handed off at once")
            return (answered, current?.state ?? .asking, nil)
        }
        let request = notice(bot, openID: userID, content: query, from: .bot, state: .needPerson, channel: 0, now: now)
        return (answered, .needPerson, CustomerServiceWrite(botID: bot.bot.id, state: state, callbacks: [request]))
    }

    /// Finishes a dialogue answer before it is sent: the webhook's reply replaces the entry's
    /// answer (``DialogueAnswer/webhook``, ``Webhooks``), then what the call changed in customer
    /// service is committed (``DialogueAnswer/write``). Returns `answer` when it needs neither.
    ///
    /// - Throws: -1 when the store fails.
    package func settle(_ answer: DialogueAnswer) async throws(PlatformFailure) -> DialogueAnswer {
        var answer = answer
        if let call = answer.webhook, let webhooks, let reply = await webhooks.reply(call) {
            answer = answer.answering(reply)
        }
        if let write = answer.write { _ = try await commitCustomerService(write) }
        return answer
    }

    /// Who a callback notice is from (its `from`).
    enum NoticeSender: Int {
        case user = 0
        case bot = 1
        case agent = 2
    }

    /// A callback notice: the platform's XML, which the delivery encrypts.
    func notice(
        _ bot: BotEntry,
        openID: String,
        content: String,
        from: NoticeSender,
        state: KefuState,
        channel: Int32,
        now: Int64
    ) -> CallbackDraft {
        let event =
            switch (from, state) {
            case (.bot, .needPerson): "userEnter"
            case (.agent, .complete), (.agent, .asking): "userQuit"
            default: ""
            }
        let xml =
            "<xml><userid>\(Self.cdata(openID))</userid><appid>\(Self.cdata(bot.bot.appID))</appid>"
            + "<content>\(Self.cdata(content))</content><event>\(Self.cdata(event))</event>"
            + "<from>\(from.rawValue)</from><kfstate>\(Self.cdata(state.rawValue))</kfstate>"
            + "<channel>\(channel)</channel><assessment>0</assessment><createtime>\(now / 1000)</createtime></xml>"
        return CallbackDraft(openID: openID, payload: xml)
    }

    /// `text` as CDATA sections: a `]]>` inside is split across two.
    static func cdata(_ text: String) -> String {
        "<![CDATA[" + text.replacing("]]>", with: "]]]]><![CDATA[>") + "]]>"
    }

    private func record(
        _ bot: BotEntry,
        _ openID: String,
        _ state: KefuState,
        agent: String,
        now: Int64,
        expires: Int64 = CustomerService.defaultExpiry
    ) -> KefuRecord {
        KefuRecord(
            botID: bot.bot.id,
            openID: openID,
            state: state,
            agentName: agent,
            expiresAt: state.expires ? now + expires * 1000 : 0,
            updatedAt: now
        )
    }

    /// Refuses a state that memory has no room for (``HandoffStates/capacity``).
    private func checkRoom(_ record: KefuRecord) throws(PlatformFailure) {
        guard record.state == .asking || customerService.states.hasRoom(botID: record.botID, openID: record.openID)
        else {
            throw PlatformFailure(
                .systemError,
                "too many users are handed off at once (\(customerService.states.capacity)): end some handoffs first"
            )
        }
    }

    /// Commits a write through the group committer.
    private func commitCustomerService(
        _ write: CustomerServiceWrite
    ) async throws(PlatformFailure) -> CustomerServiceCommit {
        switch await customerService.commit(write) {
        case .success(let commit):
            return commit
        case .failure(let error) where error.code == .unknownBot:
            throw PlatformFailure(.tokenInvalid, "token invalid")
        case .failure(let error) where error.code == .busy:
            throw PlatformFailure.tooManyRequests(error.message)
        case .failure(let error):
            logger.error("customer-service store failure", metadata: ["error": "\(error)"])
            throw PlatformFailure(.systemError, "system error")
        }
    }
}
