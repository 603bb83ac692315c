internal import ChatbotEngine
package import ChatbotProto
internal import ChatbotStore

extension ChatbotV1.QueryResponse {
    /// The platform's aibot response for `answer`, every field of it: the one builder of the
    /// answer, which the gRPC face sends and the `/openapi` face writes as JSON
    /// (``DialogueAnswer/json``); `explain` adds the scored candidates.
    ///
    /// Entry fields (`ans_node_id`, `ans_node_name`, `title`, `skill_name`) are set for a hit
    /// (FAQ, CONTEXT_FAQ, GENERAL_FAQ) only. The fields chatbotd has nothing for keep the
    /// platform's empty defaults.
    init(_ answer: DialogueAnswer, explain: Bool) {
        // `answer.reply` is read field by field: a `let reply = answer.reply` would copy (retain)
        // every array and string of the reply and of its entry.
        self.init()
        if answer.reply.isHit, let id = answer.reply.entry?.id {
            ansNodeId = id
            ansNodeName = answer.reply.entry?.skill ?? ""
            title = answer.reply.entry?.question ?? ""
            skillName = ansNodeName
        }
        self.answer = answer.reply.answer
        answerType = ChatbotV1.AnswerType(answer.reply.answerKind)
        confidence = answer.reply.confidence
        if !answer.reply.options.isEmpty {
            options = answer.reply.options.map {
                Option(
                    ansNodeName: $0.entry.skill,
                    title: $0.entry.question,
                    answer: $0.entry.answer,
                    confidence: $0.confidence
                )
            }
        }
        status = ChatbotV1.MatchStatus(answer.reply.status)
        fromUserName = answer.userID
        toUserName = answer.botName
        msgId = answer.messageID
        query = answer.query
        createTime = String(answer.createTime)
        isDefaultAnswer = answer.reply.isDefaultAnswer
        if !answer.reply.slots.isEmpty {
            slotsInfo = answer.reply.slots.map {
                SlotInfo(slotName: $0.name, slotValue: $0.value, normValue: $0.normalized)
            }
        }
        msg = Self.messages(answer)
        kefustate = answer.kefuState.rawValue
        sessionId = answer.sessionID
        dialogStatus = answer.reply.dialogStatus.rawValue
        requestId = answer.requestID
        ret = 0
        rid = answer.messageID
        msgtype = answer.reply.answerKind.rawValue
        answerOpen = 1
        if explain {
            candidates = answer.reply.candidates.map {
                Candidate(
                    ansNodeId: $0.entry.id,
                    ansNodeName: $0.entry.skill,
                    title: $0.entry.question,
                    confidence: $0.confidence,
                    matchedQuestion: $0.matchedQuestion
                )
            }
        }
    }

    /// `msg`: one element mirroring the answer, none while a person serves the user.
    static func messages(_ answer: DialogueAnswer) -> [Msg] {
        guard answer.reply.status != .personServing else { return [] }
        let hit = answer.reply.isHit
        return [
            Msg(
                content: answer.reply.answer,
                msgType: answer.reply.answerKind.rawValue,
                ansNodeId: hit ? answer.reply.entry?.id ?? 0 : 0,
                ansNodeName: hit ? answer.reply.entry?.skill ?? "" : "",
                confidence: answer.reply.confidence,
                requestId: answer.requestID,
                respTitle: hit ? answer.reply.entry?.question ?? "" : "",
                sessionId: answer.sessionID,
                status: ChatbotV1.MatchStatus(answer.reply.status).name
            )
        ]
    }
}

extension ChatbotV1.MessageResponse {
    /// The legacy answer (`message`, `dictmsg`) for `answer`: the one builder of it, as
    /// ``ChatbotV1/QueryResponse/init(_:explain:)`` is of the aibot answer.
    init(_ answer: DialogueAnswer) {
        let reply = answer.reply
        self.init(
            answer: reply.answer,
            answerType: ChatbotV1.AnswerType(reply.answerKind),
            msg: ChatbotV1.QueryResponse.messages(answer),
            status: ChatbotV1.MatchStatus(reply.status),
            fromUserName: answer.userID,
            toUserName: answer.botName,
            msgId: answer.messageID,
            createTime: String(answer.createTime),
            kefustate: answer.kefuState.rawValue,
            slotsInfo: reply.slots.map {
                ChatbotV1.QueryResponse.SlotInfo(slotName: $0.name, slotValue: $0.value, normValue: $0.normalized)
            },
            sessionId: answer.sessionID,
            dialogStatus: reply.dialogStatus.rawValue,
            bidStat: ChatbotV1.BidStat(currTime: Self.bidTime(milliseconds: answer.createTime), latestValid: true)
        )
    }

    /// `milliseconds` since the epoch as the platform's bid_stat writes times, UTC:
    /// `20190515-18:07:37`.
    static func bidTime(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        let days = seconds / 86_400
        let time = seconds % 86_400
        // Days to a civil date (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(year)\(two(month))\(two(day))-\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60))"
    }
}

extension ChatbotV1.AnswerType {
    init(_ kind: AnswerKind) {
        self =
            switch kind {
            case .text: .text
            case .news: .news
            case .image: .image
            case .miniprogrampage: .miniprogrampage
            case .multimsg: .multimsg
            }
    }

    /// The platform's name of the type (`text`, `news`, …, as in the aibot JSON); the number for
    /// a value this version does not know.
    package var name: String {
        AnswerKind.allCases.first { Self($0) == self }?.rawValue ?? String(rawValue)
    }
}

extension ChatbotV1.MatchStatus {
    init(_ status: DialogueReply.Status) {
        self =
            switch status {
            case .faq: .faq
            case .contextFAQ: .contextFaq
            case .generalFAQ: .generalFaq
            case .recommend: .faqRecommend
            case .noMatch: .nomatch
            case .personServing: .personServing
            }
    }

    /// The platform's name of the status (`FAQ`, `FAQ_RECOMMEND`, `NOMATCH`, …, as in the aibot
    /// JSON); the number for a value this version does not know.
    package var name: String {
        Int(rawValue) < Self.names.count && rawValue >= 0 ? Self.names[Int(rawValue)] : String(rawValue)
    }

    private static let names = [
        "UNSPECIFIED", "FAQ", "CONTEXT_FAQ", "GENERAL_FAQ", "FAQ_RECOMMEND", "NOMATCH", "PERSON_SERVING",
    ]
}
