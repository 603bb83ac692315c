internal import ChatbotEngine
internal import ChatbotProto

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
        status =
            switch reply.status {
            case .faq: .faq
            case .recommend: .faqRecommend
            case .noMatch: .nomatch
            }
        fromUserName = answer.userID
        toUserName = answer.botName
        msgId = answer.messageID
        query = answer.query
        createTime = String(answer.createTime)
        isDefaultAnswer = reply.isDefaultAnswer
        msg = [Msg(content: reply.answer, msgType: reply.answerKind.rawValue)]
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
}
