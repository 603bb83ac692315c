internal import ChatbotCrypto
internal import ChatbotEngine

extension ChatbotOperations {
    /// `dictmsg`: the platform's envelope of JSON `{username, msg, svrinfo:
    /// {real_time_slot_candidates: {name: [values]}}}`; the per-request dictionaries add to the
    /// bot's of the same name for this query only. Answered like `message`, keyed by username,
    /// from the published knowledge base.
    ///
    /// - Throws: 1002 when the bot is not approved; 1013 when `encrypt` is empty, does not
    ///   decrypt, or holds no JSON object of those fields (the errmsg names the cause); 1008 when
    ///   `username` or `msg` is missing or empty (named); a malformed request (-1,
    ///   INVALID_ARGUMENT, HTTP 400) for a `msg` over ``maxQueryLength`` or dictionaries over
    ///   ``maxRequestDictionaryValues``.
    package func dictMessage(bot: BotEntry, encrypt: String) throws(PlatformFailure) -> DialogueAnswer {
        guard bot.bot.approved else { throw PlatformFailure(.botNotApproved, "bot not approved") }
        let request = try Self.dictRequest(Self.decrypt(bot: bot, encrypt: encrypt))
        guard !request.userName.isEmpty else {
            throw PlatformFailure(.customerServiceFieldEmpty, "username is missing or empty")
        }
        guard !request.message.isEmpty else {
            throw PlatformFailure(.customerServiceFieldEmpty, "msg is missing or empty")
        }
        try Self.checkQueryLength(request.message, field: "msg")
        try Self.checkSlotDictionaries(request.dictionaries)
        return converse(
            bot: bot,
            userID: request.userName,
            env: .online,
            text: request.message,
            slotDictionaries: request.dictionaries
        )
    }

    /// The fields of a decrypted dictmsg payload.
    ///
    /// - Throws: 1013 naming what is wrong: not JSON, not an object, a field of another type.
    package static func dictRequest(
        _ bytes: [UInt8]
    ) throws(PlatformFailure) -> (userName: String, message: String, dictionaries: [String: [String]]) {
        func unacceptable(_ reason: String) -> PlatformFailure {
            PlatformFailure(.decryptionFailed, "the decrypted dictmsg payload is not acceptable: \(reason)")
        }
        let document: JSONValue
        do throws(CryptoError) {
            document = try JSONValue(parsing: bytes)
        } catch {
            throw unacceptable("not JSON (\(error.message))")
        }
        guard case .object = document else { throw unacceptable("not a JSON object") }
        func string(_ name: String) throws(PlatformFailure) -> String {
            switch document[name] {
            case nil, .null?: return ""
            case .string(let value)?: return value
            default: throw unacceptable("\(name) is not a string")
            }
        }
        var dictionaries: [String: [String]] = [:]
        switch document["svrinfo"] {
        case nil, .null?:
            break
        case .object?:
            switch document["svrinfo"]?["real_time_slot_candidates"] {
            case nil, .null?:
                break
            case .object(let members)?:
                for (name, value) in members {
                    guard case .array(let items) = value else {
                        throw unacceptable("real_time_slot_candidates.\(name) is not an array")
                    }
                    var values: [String] = []
                    for item in items {
                        guard case .string(let text) = item else {
                            throw unacceptable("real_time_slot_candidates.\(name) holds a value that is not a string")
                        }
                        values.append(text)
                    }
                    dictionaries[name, default: []] += values
                }
            default:
                throw unacceptable("svrinfo.real_time_slot_candidates is not an object")
            }
        default:
            throw unacceptable("svrinfo is not an object")
        }
        return (try string("username"), try string("msg"), dictionaries)
    }
}
