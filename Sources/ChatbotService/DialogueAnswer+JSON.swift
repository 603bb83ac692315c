package import ChatbotCrypto
internal import ChatbotEngine
internal import ChatbotProto
internal import ChatbotStore

extension DialogueAnswer {
    /// The platform's aibot response as JSON, with its field names and shapes (DESIGN §3 "aibot
    /// response"): the `/openapi/aibot` body. Field for field what ``ChatbotV1/QueryResponse``
    /// carries over gRPC (without `candidates`), with `answer_type` and `status` as their names
    /// and `create_time` as a string of milliseconds. Every field is present; entry fields are
    /// empty (0, "") unless the status is FAQ.
    package var json: [UInt8] {
        var writer = JSONWriter(escapingNonASCII: false)
        write(to: &writer)
        return writer.bytes
    }

    /// Writes the aibot response object (see ``json``).
    package func write(to writer: inout JSONWriter) {
        let entry = reply.status == .faq ? reply.entry : nil
        writer.beginObject()
        writer.write(member: "ans_node_id", integer: entry?.id ?? 0)
        writer.write(member: "ans_node_name", string: entry?.skill ?? "")
        writer.write(member: "title", string: entry?.question ?? "")
        writer.write(member: "answer", string: reply.answer)
        writer.write(member: "answer_type", string: reply.answerKind.rawValue)
        writer.write(member: "confidence", number: reply.confidence)
        writer.beginArray(member: "options")
        for option in reply.options {
            writer.beginObject()
            writer.write(member: "ans_node_name", string: option.entry.skill)
            writer.write(member: "title", string: option.entry.question)
            writer.write(member: "answer", string: option.entry.answer)
            writer.write(member: "confidence", number: option.confidence)
            writer.endObject()
        }
        writer.endArray()
        writer.write(member: "status", string: ChatbotV1.MatchStatus(reply.status).name)
        writer.write(member: "from_user_name", string: userID)
        writer.write(member: "to_user_name", string: botName)
        writer.write(member: "msg_id", string: messageID)
        writer.write(member: "query", string: query)
        writer.write(member: "create_time", string: String(createTime))
        writer.write(member: "is_default_answer", bool: reply.isDefaultAnswer)
        writer.beginArray(member: "slots_info")
        writer.endArray()
        writeMessages(to: &writer)
        writer.write(member: "kefustate", string: kefuState.rawValue)
        writer.endObject()
    }

    /// `msg`: one element mirroring the answer, none while a person serves the user.
    private func writeMessages(to writer: inout JSONWriter) {
        writer.beginArray(member: "msg")
        if reply.status != .personServing {
            writer.beginObject()
            writer.write(member: "content", string: reply.answer)
            writer.write(member: "msg_type", string: reply.answerKind.rawValue)
            writer.endObject()
        }
        writer.endArray()
    }

    /// The legacy `/openapi/message` response: `answer`, `answer_type`, `msg[]`, `status`,
    /// `from_user_name` (the username), `to_user_name`, `msg_id`, `create_time`.
    package var legacyJSON: [UInt8] {
        var writer = JSONWriter(escapingNonASCII: false)
        writer.beginObject()
        writer.write(member: "answer", string: reply.answer)
        writer.write(member: "answer_type", string: reply.answerKind.rawValue)
        writeMessages(to: &writer)
        writer.write(member: "status", string: ChatbotV1.MatchStatus(reply.status).name)
        writer.write(member: "from_user_name", string: userID)
        writer.write(member: "to_user_name", string: botName)
        writer.write(member: "msg_id", string: messageID)
        writer.write(member: "create_time", string: String(createTime))
        writer.write(member: "kefustate", string: kefuState.rawValue)
        writer.endObject()
        return writer.bytes
    }
}
