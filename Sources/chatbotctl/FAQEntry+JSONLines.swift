import ChatbotCrypto
import ChatbotEngine

/// The JSON Lines form of knowledge-base entries that `chatbotctl kb import` reads and
/// `chatbotctl kb export` writes.
///
/// A line is `{"id","skill","question","similar","answer"}`: `id` is the entry's key, `similar` a
/// list of paraphrases and `answer` the answer a hit returns. `"answers":[…]` may give several
/// answers, instead of `answer` or besides it (`answer` then comes first). `threshold` (0…1) sets a
/// threshold for the entry; `"handoff": true` makes a hit hand the user to a person (kefustate
/// needperson). `"follows": ["id", …]` makes it a follow-up of those entries (it matches only
/// within a few turns after one of them answered, status CONTEXT_FAQ). `"slots": [{"name":
/// "city", "dict": "cities", "required": true, "prompt": "…"}]` declares the slots its questions
/// and answer may hold as `{city}`. `skill` and `similar` may be left out; other members, such as
/// the `ans_node_id` that export adds, are ignored.
extension FAQEntry {
    /// The entry on one line of a JSON Lines file, checked for its shape; the store checks the rest.
    ///
    /// - Throws: ``JSONLineError`` saying what is wrong.
    init(jsonLine line: some Collection<UInt8>) throws(JSONLineError) {
        let value: JSONValue
        do throws(CryptoError) {
            value = try JSONValue(parsing: line)
        } catch {
            throw JSONLineError(error.message)
        }
        guard case .object = value else { throw JSONLineError("not a JSON object") }

        let key = try Self.string(value, "id")
        guard let key else { throw JSONLineError(#""id" is missing"#) }
        let question = try Self.string(value, "question")
        guard let question else { throw JSONLineError(#""question" is missing"#) }
        let skill = try Self.string(value, "skill") ?? ""
        let similar = try Self.strings(value, "similar") ?? []

        var answers = try Self.strings(value, "answers") ?? []
        if let answer = try Self.string(value, "answer") {
            // "answer" is the one a hit returns: first, and not twice.
            if let index = answers.firstIndex(of: answer) { answers.remove(at: index) }
            answers.insert(answer, at: 0)
        }
        guard !answers.isEmpty else { throw JSONLineError(#""answer" or "answers" is missing"#) }

        var threshold: Double?
        switch value["threshold"] {
        case nil, .null?: threshold = nil
        case .number(let text)?:
            guard let number = Double(text), (0...1).contains(number) else {
                throw JSONLineError(#""threshold" must be between 0 and 1, got \#(text)"#)
            }
            threshold = number
        default: throw JSONLineError(#""threshold" must be a number"#)
        }

        let handoff: Bool
        switch value["handoff"] {
        case nil, .null?: handoff = false
        case .bool(let flag)?: handoff = flag
        default: throw JSONLineError(#""handoff" must be true or false"#)
        }

        let follows = try Self.strings(value, "follows") ?? []
        var slots: [SlotSpec] = []
        switch value["slots"] {
        case nil, .null?: break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                guard case .object = item else { throw JSONLineError("\"slots\"[\(i)] must be an object") }
                guard let name = try Self.string(item, "name"), let dictionary = try Self.string(item, "dict") else {
                    throw JSONLineError("\"slots\"[\(i)] needs \"name\" and \"dict\"")
                }
                let required: Bool
                switch item["required"] {
                case nil, .null?: required = false
                case .bool(let flag)?: required = flag
                default: throw JSONLineError("\"slots\"[\(i)].required must be true or false")
                }
                let prompt = try Self.string(item, "prompt") ?? ""
                slots.append(SlotSpec(name: name, dictionary: dictionary, required: required, prompt: prompt))
            }
        default: throw JSONLineError("\"slots\" must be an array of objects")
        }

        self.init(
            key: key,
            skill: skill,
            question: question,
            similar: similar,
            answers: answers,
            threshold: threshold,
            handoff: handoff,
            follows: follows,
            slots: slots
        )
    }

    /// The entry as a line of `chatbotctl kb export`, which `init(jsonLine:)` reads back as it was:
    /// `{"id","ans_node_id","skill","question","similar","answer"}`, then `answers` when there
    /// are several, `threshold` when it is set, `handoff` when true, `follows` and `slots` when
    /// there are some.
    var jsonLine: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(key)),
            ("ans_node_id", .integer(id)),
            ("skill", .string(skill)),
            ("question", .string(question)),
            ("similar", .array(similar.map(JSONValue.string))),
            ("answer", .string(answer)),
        ]
        if answers.count > 1 { members.append(("answers", .array(answers.map(JSONValue.string)))) }
        // Swift prints the shortest text that reads back as the same Double, which is valid JSON.
        if let threshold { members.append(("threshold", .number(String(threshold)))) }
        if handoff { members.append(("handoff", .bool(true))) }
        if !follows.isEmpty { members.append(("follows", .array(follows.map(JSONValue.string)))) }
        if !slots.isEmpty {
            let objects = slots.map { slot in
                JSONValue.object([
                    ("name", .string(slot.name)), ("dict", .string(slot.dictionary)),
                    ("required", .bool(slot.required)), ("prompt", .string(slot.prompt)),
                ])
            }
            members.append(("slots", .array(objects)))
        }
        return .object(members)
    }

    /// The string member `name`, or nil when it is missing or null.
    private static func string(_ object: JSONValue, _ name: String) throws(JSONLineError) -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let string)?: return string
        default: throw JSONLineError("\"\(name)\" must be a string")
        }
    }

    /// The member `name` as an array of strings, or nil when it is missing or null.
    private static func strings(_ object: JSONValue, _ name: String) throws(JSONLineError) -> [String]? {
        switch object[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            var strings: [String] = []
            strings.reserveCapacity(items.count)
            for item in items {
                guard case .string(let string) = item else {
                    throw JSONLineError("\"\(name)\" must be an array of strings")
                }
                strings.append(string)
            }
            return strings
        default: throw JSONLineError("\"\(name)\" must be an array of strings")
        }
    }
}

/// What is wrong with one line of a knowledge-base file, in words.
struct JSONLineError: Error {
    var message: String

    init(_ message: String) { self.message = message }
}
