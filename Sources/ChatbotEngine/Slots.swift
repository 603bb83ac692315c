/// A slot an entry declares: a value its questions leave open (`{city}`), taken from a dictionary.
///
/// The entry's questions and answers may contain `{name}`: matching scores the questions without
/// it and the dictionary value found in the query fills it; the answer gets the value's normal form.
package struct SlotSpec: Sendable, Hashable {
    /// The name `{name}` stands for, unique within the entry.
    package var name: String
    /// The dictionary its values come from (the bot's, or a request's of that name).
    package var dictionary: String
    /// Whether the entry answers only once the slot is filled; until then it asks with ``prompt``.
    package var required: Bool
    /// The question that asks for a missing required value.
    package var prompt: String

    package init(name: String, dictionary: String, required: Bool = false, prompt: String = "") {
        self.name = name
        self.dictionary = dictionary
        self.required = required
        self.prompt = prompt
    }

    /// The most slots an entry may declare: 8.
    package static let maxPerEntry = 8
}

/// A slot filled from the query: `slots_info` `{slot_name, slot_value, norm_value}`.
package struct FilledSlot: Sendable, Hashable {
    package var name: String
    /// The text as the query has it (a synonym, say).
    package var value: String
    /// The dictionary's value it stands for.
    package var normalized: String

    package init(name: String, value: String, normalized: String) {
        self.name = name
        self.value = value
        self.normalized = normalized
    }
}

/// A value of a bot's slot dictionary, with its synonyms.
package struct DictionaryValue: Sendable, Hashable {
    package var dictionary: String
    package var value: String
    package var synonyms: [String]

    package init(dictionary: String, value: String, synonyms: [String] = []) {
        self.dictionary = dictionary
        self.value = value
        self.synonyms = synonyms
    }
}

/// A dictionary value found in a query.
package struct SlotMention: Sendable, Hashable {
    package var dictionary: String
    /// The text as found (lower-cased).
    package var text: String
    /// The dictionary's value.
    package var value: String
    /// Where it is, in the query's lower-cased Unicode scalars.
    package var range: Range<Int>
}

/// Named dictionaries of slot values, each value with its synonyms, and the search for them in a
/// query: longest match first, left to right, case-insensitive.
///
/// A bot's dictionaries are built when its dictionary changes; a request's own (dictmsg's
/// `real_time_slot_candidates`) are added to a copy for that request only
/// (``adding(_:values:)``).
package struct SlotDictionaries: Sendable {
    /// What a surface (a value or a synonym, lower-cased) stands for, in each dictionary that has it.
    private var surfaces: [String: [(dictionary: String, value: String)]] = [:]
    /// The lengths (in scalars) of the surfaces that start with a scalar, longest first: a search
    /// tries these few lengths at each position instead of every surface.
    private var lengths: [Unicode.Scalar: [Int]] = [:]
    /// How many (dictionary, surface) pairs there are.
    package private(set) var count = 0

    package init() {}

    /// The dictionaries of `values`.
    package init(_ values: [DictionaryValue]) {
        for value in values { add(dictionary: value.dictionary, value: value.value, synonyms: value.synonyms) }
    }

    package var isEmpty: Bool { count == 0 }

    /// Adds `value` with its synonyms to `dictionary`; empty surfaces are ignored, and a surface
    /// already in that dictionary keeps its first value. Each surface costs a hash lookup or two.
    package mutating func add(dictionary: String, value: String, synonyms: [String] = []) {
        for surface in [value] + synonyms {
            let key = surface.lowercased()
            guard let first = key.unicodeScalars.first else { continue }
            var meanings = surfaces[key, default: []]
            guard !meanings.contains(where: { $0.dictionary == dictionary }) else { continue }
            meanings.append((dictionary, value))
            surfaces[key] = meanings
            let length = key.unicodeScalars.count
            var known = lengths[first, default: []]
            if !known.contains(length) {
                known.append(length)
                known.sort(by: >)
                lengths[first] = known
            }
            count += 1
        }
    }

    /// A copy with `values` added to `dictionary` (each its own normal form).
    package func adding(_ dictionary: String, values: [String]) -> SlotDictionaries {
        var copy = self
        for value in values { copy.add(dictionary: dictionary, value: value) }
        return copy
    }

    /// The dictionary values in `text`: at each position the longest surface there (in every
    /// dictionary that has it), then on after it. At most a hash lookup per position and distinct
    /// surface length.
    package func mentions(in text: String) -> [SlotMention] {
        guard !isEmpty else { return [] }
        let scalars = Array(text.lowercased().unicodeScalars)
        var found: [SlotMention] = []
        var i = 0
        positions: while i < scalars.count {
            for length in lengths[scalars[i]] ?? [] where i + length <= scalars.count {
                var candidate = ""
                candidate.unicodeScalars.append(contentsOf: scalars[i..<(i + length)])
                guard let meanings = surfaces[candidate] else { continue }
                for meaning in meanings {
                    found.append(
                        SlotMention(
                            dictionary: meaning.dictionary,
                            text: candidate,
                            value: meaning.value,
                            range: i..<(i + length)
                        )
                    )
                }
                i += length
                continue positions
            }
            i += 1
        }
        return found
    }

    /// `text` without the mentions (lower-cased, as ``mentions(in:)`` reads it).
    static func removing(_ mentions: [SlotMention], from text: String) -> String {
        var kept = String.UnicodeScalarView()
        var next = 0
        let scalars = Array(text.lowercased().unicodeScalars)
        for mention in mentions where mention.range.lowerBound >= next {
            kept.append(contentsOf: scalars[next..<mention.range.lowerBound])
            next = mention.range.upperBound
        }
        kept.append(contentsOf: scalars[next...])
        return String(kept)
    }
}

extension FAQEntry {
    /// The questions as matching indexes them: without the `{slot}` placeholders of the entry's
    /// slots.
    var indexedQuestions: [String] {
        guard !slots.isEmpty else { return questions }
        return questions.map { fillingPlaceholders(in: $0) { _ in "" } }
    }

    /// `text` with each `{name}` of the entry's slots replaced by `value(name)`.
    package func fillingPlaceholders(in text: String, _ value: (String) -> String) -> String {
        guard !slots.isEmpty, text.contains("{") else { return text }
        var result = text
        for slot in slots {
            let placeholder = "{" + slot.name + "}"
            guard result.contains(placeholder) else { continue }
            result = result.replacing(placeholder, with: value(slot.name))
        }
        return result
    }
}
