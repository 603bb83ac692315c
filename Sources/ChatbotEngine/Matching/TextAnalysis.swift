/// Terms (for BM25) and symbols (for alignment features) of a normalised text.
///
/// Terms are 64-bit codes, so that a query is analysed without building strings:
/// - every ideograph (a unigram) and every adjacent pair of the ideograph string (a bigram);
/// - every Latin word outside a short English stop list, lightly stemmed, and every adjacent pair
///   of those words.
/// Symbols are the ideographs followed by the kept words, the units that alignment compares.
enum TermCode {
    static func unigram(_ scalar: Unicode.Scalar) -> UInt64 { 1 << 56 | UInt64(scalar.value) }
    static func bigram(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> UInt64 {
        2 << 56 | UInt64(first.value) << 21 | UInt64(second.value)
    }
    static func word(_ id: UInt32) -> UInt64 { 3 << 56 | UInt64(id) }
    static func wordPair(_ first: UInt32, _ second: UInt32) -> UInt64 { 4 << 56 | UInt64(first) << 28 | UInt64(second) }

    /// Bigrams and word pairs: the terms that coverage of phrases counts.
    static func isPair(_ code: UInt64) -> Bool {
        let kind = code >> 56
        return kind == 2 || kind == 4
    }

    /// The symbol of an ideograph is its scalar value; a word's is above the Unicode range.
    static func symbol(_ scalar: Unicode.Scalar) -> UInt32 { scalar.value }
    static func symbol(word id: UInt32) -> UInt32 { 0x11_0000 + id }
    /// Word ids from here on are a query's words that the index does not know.
    static let firstUnknownWord: UInt32 = 1 << 27
}

extension NormalizedText {
    /// English words that carry no meaning for matching.
    static let stopWords: Set<String> = Set(
        """
        a an the to of in on for is are do does did can could how i my me it be with what why when where which \
        there this that and or from at by as you your
        """.split(separator: " ").map(String.init)
    )

    /// A tiny stemmer for English plurals, -ing and -ed.
    static func stem(_ word: String) -> String {
        let count = word.unicodeScalars.count
        if count > 4 && word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if count > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") { return String(word.dropLast()) }
        if count > 5 && word.hasSuffix("ing") { return String(word.dropLast(3)) }
        if count > 4 && word.hasSuffix("ed") { return String(word.dropLast(2)) }
        return word
    }

    /// The kept, stemmed words: the Latin part of terms and symbols.
    var contentWords: [String] {
        words.compactMap { Self.stopWords.contains($0) ? nil : Self.stem($0) }
    }

    /// Appends the term codes (with repeats) and symbol codes of this text.
    ///
    /// - Parameter wordID: The id of a content word. A query gives words the index does not know
    ///   fresh ids at or above ``TermCode/firstUnknownWord``, so their terms count as unseen.
    func analyze(terms: inout [UInt64], symbols: inout [UInt32], wordID: (String) -> UInt32) {
        for scalar in ideographs {
            terms.append(TermCode.unigram(scalar))
            symbols.append(TermCode.symbol(scalar))
        }
        if ideographs.count > 1 {
            for index in 1..<ideographs.count {
                terms.append(TermCode.bigram(ideographs[index - 1], ideographs[index]))
            }
        }
        var previous: UInt32?
        for word in words where !Self.stopWords.contains(word) {
            let id = wordID(Self.stem(word))
            terms.append(TermCode.word(id))
            if let previous { terms.append(TermCode.wordPair(previous, id)) }
            symbols.append(TermCode.symbol(word: id))
            previous = id
        }
    }
}
