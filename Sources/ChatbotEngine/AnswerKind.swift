/// What kind of message an answer is, derived from its content as the platform does.
///
/// Rich answers are stored as the JSON the caller gave (`{"news":{"articles":[…]}}`,
/// `{"image":{…}}`, `{"miniprogrampage":{…}}`, `{"multimsg":[…]}`); anything else, including text
/// with `weixin://bizmsgmenu` or hyperlinks, is text.
package enum AnswerKind: String, Sendable, Hashable, CaseIterable {
    case text
    case news
    case image
    case miniprogrampage
    case multimsg

    /// The kind of `content`: the name of the first key of a JSON object, when it is one of the
    /// rich kinds; otherwise ``text``. The shape of the rest is checked where answers are written.
    package init(content: String) {
        var bytes = content.utf8[...]
        func skipSpace() { bytes = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }
        skipSpace()
        guard bytes.first == UInt8(ascii: "{") else {
            self = .text
            return
        }
        bytes = bytes.dropFirst()
        skipSpace()
        guard bytes.first == UInt8(ascii: "\"") else {
            self = .text
            return
        }
        bytes = bytes.dropFirst()
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\"")),
            let key = String(bytes[..<end]),
            let kind = AnswerKind(rawValue: key), kind != .text
        else {
            self = .text
            return
        }
        self = kind
    }
}
