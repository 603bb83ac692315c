extension ChatbotRPCService {
    /// The dialogue methods: what the apps of a bot's users call, with the TOKEN and a signature.
    /// With `chatbotd --admin-listen` they are the service's only methods served on the public
    /// address (with health and reflection).
    package static let dialogueMethodPaths: Set<String> = [
        "/chatbot.v1.Chatbot/Sign",
        "/chatbot.v1.Chatbot/Query",
        "/chatbot.v1.Chatbot/QueryStream",
        "/chatbot.v1.Chatbot/Message",
        "/chatbot.v1.Chatbot/DictMessage",
    ]

    /// The management and customer-service methods, which change or reveal a bot's data: with
    /// `chatbotd --admin-listen`, served on the admin address alone.
    ///
    /// Every method of the service is in exactly one of the two sets (a test checks it); a method
    /// added to neither is refused on the public address, since that one serves a list.
    package static let managementMethodPaths: Set<String> = [
        "/chatbot.v1.Chatbot/SetAutoReply",
        "/chatbot.v1.Chatbot/BatchImportSkill",
        "/chatbot.v1.Chatbot/Publish",
        "/chatbot.v1.Chatbot/PublishProgress",
        "/chatbot.v1.Chatbot/SendMessage",
        "/chatbot.v1.Chatbot/GetKefuState",
        "/chatbot.v1.Chatbot/ChangeKefuState",
        "/chatbot.v1.Chatbot/SubscribeOutbox",
        "/chatbot.v1.Chatbot/ListUnanswered",
    ]
}
