internal import ChatbotCrypto
internal import ChatbotEngine
package import Logging
package import NIOCore
internal import Synchronization

/// One answer to fetch from a skill's webhook: the request for the URL, ready to POST.
package struct WebhookCall: Sendable {
    package var url: CallbackURL
    package var body: [UInt8]
}

/// The platform's third-party service (第三方服务接口): the answers of a skill's entries come from
/// an HTTP service the bot's owner runs (``BotSettings/webhooks``), the entry's own answer being
/// the fallback.
///
/// The request is a POST of JSON `{RequestId, SessionId, Query, SkillName, IntentName, Slots:
/// [{SlotName, SlotValue, NormalizeValue}], Timestamp, UserId, Signature}`, with `Signature` =
/// lowercase hex MD5 of TOKEN + Timestamp + SkillName + IntentName + Query; `IntentName` is the
/// entry's standard question, `RequestId` and `Timestamp` (seconds) are integers. The answer is
/// JSON `{"err_code": 0, "data_list": [{"reply": "…"}]}`: the first non-empty reply replaces the
/// entry's answer. Anything else falls back to the entry's answer and is logged and counted: no
/// answer within the timeout, a status other than 2xx, a body over 64 KiB or of another shape, a
/// non-zero `err_code`, more than ``Settings/maxInFlight`` calls already waiting.
///
/// Calls run in tasks (the faces' `later` outcomes) over the event loops' non-blocking sockets:
/// no event loop waits for a webhook.
package final class Webhooks: Sendable {
    package struct Settings: Sendable {
        /// How long one call may take, connection included: 2 s.
        package var timeout: Duration = .seconds(2)
        /// Calls waiting at once, across bots; more fall back at once: 256.
        package var maxInFlight = 256

        package init() {}
    }

    /// What the calls came to, for the metrics.
    package struct Counts: Sendable {
        package var answered = 0
        package var failed = 0
    }

    private let client: CallbackClient
    private let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)
    private let answeredCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)
    private let logger: Logger

    package init(group: any EventLoopGroup, settings: Settings = Settings(), logger: Logger) {
        client = CallbackClient(group: group, timeout: .milliseconds(settings.timeout.milliseconds))
        maxInFlight = settings.maxInFlight
        self.logger = logger
    }

    package var counts: Counts {
        Counts(answered: answeredCount.load(ordering: .relaxed), failed: failedCount.load(ordering: .relaxed))
    }

    /// The webhook's reply to `call`, or nil (logged and counted) when it gave none.
    package func reply(_ call: WebhookCall) async -> String? {
        guard inFlight.wrappingAdd(1, ordering: .relaxed).newValue <= maxInFlight else {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            return failed(call, "\(maxInFlight) webhook calls are already waiting")
        }
        defer { inFlight.wrappingSubtract(1, ordering: .relaxed) }
        let response: CallbackClient.Response
        do throws(CallbackURL.Invalid) {
            response = try await client.post(call.body, to: call.url, userAgent: "chatbotd-webhook")
        } catch {
            return failed(call, error.message)
        }
        guard (200..<300).contains(response.status) else { return failed(call, "it answered HTTP \(response.status)") }
        guard !response.truncated else {
            return failed(call, "its answer is over \(CallbackClient.maxResponseBytes) bytes")
        }
        do throws(CallbackURL.Invalid) {
            let reply = try Self.reply(from: response.body)
            answeredCount.wrappingAdd(1, ordering: .relaxed)
            return reply
        } catch {
            return failed(call, error.message)
        }
    }

    private func failed(_ call: WebhookCall, _ reason: String) -> String? {
        failedCount.wrappingAdd(1, ordering: .relaxed)
        logger.warning(
            "a webhook gave no answer; the entry's own answer is sent",
            metadata: ["host": "\(call.url.host):\(call.url.port)", "reason": "\(reason)"]
        )
        return nil
    }

    /// The reply in a webhook's answer: the first non-empty `data_list[].reply`.
    ///
    /// - Throws: ``CallbackURL/Invalid`` naming what is wrong: not JSON, a non-zero `err_code`, no
    ///   reply.
    package static func reply(from body: [UInt8]) throws(CallbackURL.Invalid) -> String {
        let document: JSONValue
        do throws(CryptoError) {
            document = try JSONValue(parsing: body)
        } catch {
            throw CallbackURL.Invalid(message: "its answer is not JSON (\(error.message))")
        }
        switch document["err_code"] {
        case nil, .null?, .number("0")?: break
        case .number(let code)?: throw CallbackURL.Invalid(message: "it answered err_code \(code)")
        default: throw CallbackURL.Invalid(message: "its err_code is not a number")
        }
        guard case .array(let items)? = document["data_list"] else {
            throw CallbackURL.Invalid(message: "its answer has no data_list array")
        }
        for item in items {
            if let reply = item["reply"]?.stringValue, !reply.isEmpty { return reply }
        }
        throw CallbackURL.Invalid(message: "its data_list holds no reply")
    }

    /// The request for an answer of `reply`'s entry, when the bot gives its skill a webhook and the
    /// reply answers with the entry: FAQ or CONTEXT_FAQ, not a slot prompt, not a handoff.
    func call(
        bot: BotEntry,
        reply: DialogueReply,
        userID: String,
        sessionID: String,
        requestID: Int64,
        query: String,
        now seconds: Int64
    ) -> WebhookCall? {
        let webhooks = bot.bot.settings.webhooks
        guard !webhooks.isEmpty, reply.status == .faq || reply.status == .contextFAQ,
            reply.dialogStatus != .slotFilling, !reply.requestsPerson,
            let entry = reply.entry, let target = webhooks[entry.skill]
        else { return nil }
        let url: CallbackURL
        let signature: String
        let timestamp = String(seconds)
        do {
            url = try CallbackURL(target)
            signature = try WebhookSignature.compute(
                token: bot.bot.token,
                timestamp: timestamp,
                skill: entry.skill,
                intent: entry.question,
                query: query
            )
        } catch {
            logger.warning("a webhook is not called", metadata: ["skill": "\(entry.skill)", "reason": "\(error)"])
            return nil
        }
        var writer = JSONWriter(escapingNonASCII: false)
        writer.beginObject()
        writer.write(member: "RequestId", integer: requestID)
        writer.write(member: "SessionId", string: sessionID)
        writer.write(member: "Query", string: query)
        writer.write(member: "SkillName", string: entry.skill)
        writer.write(member: "IntentName", string: entry.question)
        writer.beginArray(member: "Slots")
        for slot in reply.slots {
            writer.beginObject()
            writer.write(member: "SlotName", string: slot.name)
            writer.write(member: "SlotValue", string: slot.value)
            writer.write(member: "NormalizeValue", string: slot.normalized)
            writer.endObject()
        }
        writer.endArray()
        writer.write(member: "Timestamp", integer: seconds)
        writer.write(member: "UserId", string: userID)
        writer.write(member: "Signature", string: signature)
        writer.endObject()
        return WebhookCall(url: url, body: writer.bytes)
    }
}
