internal import ChatbotEngine
package import ChatbotProto
internal import ChatbotStore

extension ChatbotV1.QueryResponse {
    /// The platform's aibot response for `answer`; `explain` adds the scored candidates.
    init(_ answer: DialogueAnswer, explain: Bool) {
        let reply = answer.reply
        self.init()
        if reply.status == .faq, let entry = reply.entry {
            ansNodeId = entry.id
            ansNodeName = entry.skill
            title = entry.question
        }
        self.answer = reply.answer
        answerType = ChatbotV1.AnswerType(reply.answerKind)
        confidence = reply.confidence
        options = reply.options.map {
            Option(
                ansNodeName: $0.entry.skill,
                title: $0.entry.question,
                answer: $0.entry.answer,
                confidence: $0.confidence
            )
        }
        status = ChatbotV1.MatchStatus(reply.status)
        fromUserName = answer.userID
        toUserName = answer.botName
        msgId = answer.messageID
        query = answer.query
        createTime = String(answer.createTime)
        isDefaultAnswer = reply.isDefaultAnswer
        // Nothing to send while a person serves the user.
        msg = reply.status == .personServing ? [] : [Msg(content: reply.answer, msgType: reply.answerKind.rawValue)]
        kefustate = answer.kefuState.rawValue
        if explain {
            candidates = reply.candidates.map {
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
