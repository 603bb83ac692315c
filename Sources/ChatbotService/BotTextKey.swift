/// A dictionary key of a bot and a text (a user, a client address, a query), hashed and compared
/// by the text's UTF-8 bytes.
///
/// `String`'s own hashing and equality work on the canonical (NFC) form, which for Chinese text
/// means a normalisation check of every scalar on every lookup: more than the lookup itself on a
/// dialogue call. Texts from the wire are compared as sent, which is also what an id needs.
struct BotTextKey: Hashable, Sendable {
    var botID: Int64
    var text: String

    func hash(into hasher: inout Hasher) {
        hasher.combine(botID)
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable {
            hasher.combine(bytes: UnsafeRawBufferPointer($0))
        }
        if hashed == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    static func == (lhs: BotTextKey, rhs: BotTextKey) -> Bool {
        guard lhs.botID == rhs.botID, lhs.text.utf8.count == rhs.text.utf8.count else { return false }
        // Over contiguous bytes: the generic comparison of two UTF8Views goes index by index.
        let compared = lhs.text.utf8.withContiguousStorageIfAvailable { left in
            rhs.text.utf8.withContiguousStorageIfAvailable { right in left.elementsEqual(right) }
        }
        return (compared ?? nil) ?? lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }
}
