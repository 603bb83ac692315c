internal import ChatbotEngine
package import ChatbotProto
package import ChatbotStore

extension ChatbotV1.OutboxMessage {
    /// An outbox message as SubscribeOutbox sends it.
    init(_ item: OutboxItem) {
        self.init(
            appid: item.message.appID,
            openid: item.message.openID,
            msg: item.message.msg,
            channel: item.message.channel,
            kefuname: item.message.agentName,
            kefuavatar: item.message.agentAvatar,
            msgId: String(item.seq),
            createTime: item.createdAt,
            seq: item.seq,
            event: item.message.event,
            ansNodeName: item.message.skill,
            msgType: item.message.msgType
        )
    }
}

extension ChatbotV1.KefuStateResponse {
    init(_ record: KefuRecord) {
        self.init(
            state: ChatbotV1.KefuState(record.state),
            expiresAt: record.expiresAt,
            kefuname: record.agentName,
            updatedAt: record.updatedAt
        )
    }
}

extension ChatbotV1.KefuState {
    /// The gRPC enum value of a state.
    package init(_ state: KefuState) {
        self =
            switch state {
            case .asking: .asking
            case .needPerson: .needPerson
            case .personServing: .personServing
            case .complete: .complete
            }
    }
}

extension KefuState {
    /// The state a gRPC enum value names.
    ///
    /// - Throws: 1008 for a number this version does not know.
    package init(_ state: ChatbotV1.KefuState) throws(PlatformFailure) {
        guard let known = Self.allCases.first(where: { ChatbotV1.KefuState($0) == state }) else {
            throw PlatformFailure(.customerServiceFieldEmpty, "state \(state.rawValue) is not a KefuState")
        }
        self = known
    }
}
