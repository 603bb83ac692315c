internal import ChatbotCrypto
package import ChatbotEngine

/// Checks the shape of an answer before it is stored (DESIGN §3 "rich answers"); the answer is
/// then stored exactly as given, and its ``AnswerKind`` derived from it when it is served.
///
/// - Text: any text that does not start with `{`. Links in it must be well formed:
///   every `<a` has a quoted `href` and a closing `</a>`, and a `weixin://bizmsgmenu` link carries
///   `msgmenucontent` and `msgmenuid`.
/// - `{"news":{"articles":[{"title":…,"url":…,…}, …]}}`: at least one article, each with a
///   non-empty string `title` and `url`; the other members, when present, strings.
/// - `{"image":{"media_id":…}}` or `{"image":{"url":…}}`.
/// - `{"miniprogrampage":{"appid":…,"pagepath":…,…}}`: non-empty `appid` and `pagepath`.
/// - `{"multimsg":[…]}`: at least one item, each a string that is itself a valid answer, or an
///   object of one of the rich kinds above.
package enum RichAnswer {
    /// Why an answer was refused: ``message`` starts with the field's name.
    package struct Invalid: Error, Hashable, Sendable {
        package var message: String
    }

    /// Checks `content`; `field` names it in messages (`content`, `skill[2].answer[1]`).
    package static func check(_ content: String, field: String) throws(Invalid) {
        guard !content.allSatisfy(\.isWhitespace) else { throw Invalid(message: "\(field) is empty") }
        let trimmed = content.drop { $0.isWhitespace }
        if trimmed.first == "{" {
            let value: JSONValue
            do throws(CryptoError) {
                value = try JSONValue(parsing: Array(content.utf8))
            } catch {
                throw Invalid(message: "\(field) starts with \"{\" but is not valid JSON: \(error.message)")
            }
            try checkRich(value, field: field)
        } else {
            try checkLinks(content, field: field)
        }
    }

    private static func checkRich(_ value: JSONValue, field: String) throws(Invalid) {
        guard case .object(let members) = value, members.count == 1, let member = members.first else {
            throw Invalid(
                message: "\(field) must be an object with one member, news, image, miniprogrampage or multimsg"
            )
        }
        let path = "\(field).\(member.key)"
        switch member.key {
        case "news":
            guard case .array(let articles)? = member.value["articles"] else {
                throw Invalid(message: "\(path).articles must be an array of articles")
            }
            guard !articles.isEmpty else { throw Invalid(message: "\(path).articles is empty") }
            for (i, article) in articles.enumerated() {
                let articlePath = "\(path).articles[\(i)]"
                try requireStrings(
                    article,
                    ["title", "url"],
                    optional: ["description", "picurl", "type"],
                    articlePath
                )
            }
        case "image":
            guard case .object = member.value else { throw Invalid(message: "\(path) must be an object") }
            if member.value["media_id"] != nil {
                try requireStrings(member.value, ["media_id"], optional: ["url"], path)
            } else {
                try requireStrings(member.value, ["url"], optional: [], path)
            }
        case "miniprogrampage":
            try requireStrings(
                member.value,
                ["appid", "pagepath"],
                optional: ["title", "thumb_media_id", "thumb_url"],
                path
            )
        case "multimsg":
            guard case .array(let items) = member.value else {
                throw Invalid(message: "\(path) must be an array of answers")
            }
            guard !items.isEmpty else { throw Invalid(message: "\(path) is empty") }
            for (i, item) in items.enumerated() {
                switch item {
                case .string(let text): try check(text, field: "\(path)[\(i)]")
                case .object(let inner) where inner.first?.key != "multimsg":
                    try checkRich(item, field: "\(path)[\(i)]")
                default:
                    throw Invalid(message: "\(path)[\(i)] must be a text or a news, image or miniprogrampage object")
                }
            }
        default:
            throw Invalid(
                message:
                    "\(field) has an unknown rich answer type \"\(member.key)\": use news, image, miniprogrampage or multimsg"
            )
        }
    }

    /// Requires an object whose `required` members are non-empty strings and whose `optional`
    /// members, when present, are strings.
    private static func requireStrings(
        _ value: JSONValue,
        _ required: [String],
        optional: [String],
        _ path: String
    ) throws(Invalid) {
        guard case .object = value else { throw Invalid(message: "\(path) must be an object") }
        for name in required {
            guard let member = value[name] else { throw Invalid(message: "\(path).\(name) is missing") }
            guard let text = member.stringValue else { throw Invalid(message: "\(path).\(name) must be a string") }
            guard !text.isEmpty else { throw Invalid(message: "\(path).\(name) is empty") }
        }
        for name in optional {
            if let member = value[name], member.stringValue == nil, member != .null {
                throw Invalid(message: "\(path).\(name) must be a string")
            }
        }
    }

    /// Checks `<a …>…</a>` links in a text answer.
    private static func checkLinks(_ text: String, field: String) throws(Invalid) {
        var rest = text[...]
        while let open = rest.firstRange(of: "<a") {
            let after = rest[open.upperBound...]
            // `<abbr>` or `<address>` are not links; only `<a` followed by a space.
            guard let next = after.first, next == " " || next == "\t" || next == "\n" else {
                rest = after
                continue
            }
            guard let tagEnd = after.firstIndex(of: ">") else {
                throw Invalid(message: "\(field) has a link whose <a tag is not closed with >")
            }
            let tag = after[..<tagEnd]
            guard let href = attribute("href", in: tag) else {
                throw Invalid(message: "\(field) has a link without a quoted href")
            }
            if href.hasPrefix("weixin://bizmsgmenu") {
                guard href.contains("msgmenucontent="), href.contains("msgmenuid=") else {
                    throw Invalid(
                        message: "\(field) has a weixin://bizmsgmenu link without msgmenucontent and msgmenuid"
                    )
                }
            } else if href.isEmpty {
                throw Invalid(message: "\(field) has a link with an empty href")
            }
            let body = after[after.index(after: tagEnd)...]
            guard let close = body.firstRange(of: "</a>") else {
                throw Invalid(message: "\(field) has a link that is not closed with </a>")
            }
            rest = body[close.upperBound...]
        }
    }

    private static func attribute(_ name: String, in tag: Substring) -> Substring? {
        guard let range = tag.firstRange(of: "\(name)=") else { return nil }
        let value = tag[range.upperBound...]
        guard let quote = value.first, quote == "\"" || quote == "'" else { return nil }
        let inner = value.dropFirst()
        guard let end = inner.firstIndex(of: quote) else { return nil }
        return inner[..<end]
    }
}

extension FAQEntry {
    /// The entry key `setautoreply` writes: stable for a skill and a standard question, so a
    /// second call with the same pair updates the entry instead of adding one.
    package static func autoReplyKey(skill: String, question: String) -> String {
        "autoreply:" + skill + "\u{1F}" + question
    }
}
