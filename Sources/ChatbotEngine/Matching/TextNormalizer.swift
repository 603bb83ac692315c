internal import Foundation

/// A question or query reduced to what matching looks at.
///
/// Normalisation: NFKC (full-width to half-width, compatibility forms), lower case; every run of
/// digits and every run of `*` (masked numbers) becomes the mask word `#`; CJK ideographs are
/// collected into one string, across punctuation and Latin words; runs of other letters and digits
/// become Latin words; everything else separates words and is dropped.
struct NormalizedText: Sendable {
    /// The CJK ideographs, in order.
    var ideographs: [Unicode.Scalar] = []
    /// The Latin words (and `#` for masked numbers), in order, lower case.
    var words: [String] = []
    /// The runs of digits as written (after NFKC), in order: scoring sees them only as `#`, but
    /// the exact-match key keeps them, so that 套餐1 and 套餐2 are different questions.
    var numbers: [String] = []

    init(_ text: String) {
        if !Self.scan(text, into: &self) {
            // Something the fast path does not know: normalise the whole text first.
            self = NormalizedText()
            let normalized = text.precomposedStringWithCompatibilityMapping
            _ = Self.scan(normalized, into: &self, general: true)
        }
    }

    init() {}

    /// The key of an exact match: the ideographs without particles and fillers (请问, 你好, 的, 吗 …),
    /// then the words, then the numbers. Two texts with the same key ask the same thing.
    var exactKey: String { String(decoding: exactKeyUTF8, as: UTF8.self) }

    /// ``exactKey`` as UTF-8, built without intermediate strings: the matcher hashes it and makes
    /// a string only when some question has that hash.
    var exactKeyUTF8: [UInt8] {
        var kept = ideographs
        for filler in Self.fillers { Self.removeAll(filler, from: &kept) }
        var key: [UInt8] = []
        key.reserveCapacity(3 * kept.count + 16)
        for scalar in kept where !Self.isParticle(scalar) {
            UTF8.encode(scalar) { key.append($0) }
        }
        key.append(UInt8(ascii: "|"))
        for (index, word) in words.enumerated() {
            if index > 0 { key.append(UInt8(ascii: " ")) }
            key.append(contentsOf: word.utf8)
        }
        if !numbers.isEmpty {
            key.append(UInt8(ascii: "|"))
            for (index, number) in numbers.enumerated() {
                if index > 0 { key.append(UInt8(ascii: " ")) }
                key.append(contentsOf: number.utf8)
            }
        }
        return key
    }

    // MARK: - Scanning

    private enum Kind {
        case separator
        case ideograph
        case wordCharacter
        case mask
    }

    /// Scans `text` into `result`; returns `false` (fast path only) at the first scalar that
    /// needs NFKC.
    private static func scan(_ text: String, into result: inout NormalizedText, general: Bool = false) -> Bool {
        // Every ideograph takes three bytes of UTF-8: one allocation instead of a doubling series.
        result.ideographs.reserveCapacity(text.utf8.count / 3)
        var word = String.UnicodeScalarView()
        var inMask: UInt32 = 0  // the scalar whose run made the current mask word (digit class or '*')
        func endWord() {
            if !word.isEmpty {
                result.words.append(String(word))
                word = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            var scalar = scalar
            var value = scalar.value
            // Full-width ASCII: NFKC maps U+FF01…U+FF5E to U+0021…U+007E.
            if value >= 0xFF01 && value <= 0xFF5E {
                value -= 0xFEE0
                scalar = Unicode.Scalar(value)!
            }
            let kind: Kind
            if value < 0x80 {
                switch value {
                case 0x30...0x39: kind = .mask
                case 0x2A: kind = .mask
                case 0x41...0x5A:
                    value += 0x20
                    scalar = Unicode.Scalar(value)!
                    kind = .wordCharacter
                case 0x61...0x7A: kind = .wordCharacter
                default: kind = .separator
                }
            } else if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) {
                kind = .ideograph
            } else if let known = Self.fastKind(value) {
                kind = known
            } else if !general {
                return false
            } else if (0xF900...0xFAFF).contains(value) {
                kind = .ideograph
            } else if scalar.properties.generalCategory == .decimalNumber {
                kind = .mask
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                kind = .wordCharacter
            } else {
                kind = .separator
            }

            switch kind {
            case .mask:
                let run: UInt32 = value == 0x2A ? 0x2A : 0x30
                if inMask != run {
                    endWord()
                    result.words.append("#")
                    if run == 0x30 { result.numbers.append("") }
                    inMask = run
                }
                if run == 0x30 { result.numbers[result.numbers.count - 1].unicodeScalars.append(scalar) }
                continue
            case .ideograph:
                endWord()
                result.ideographs.append(scalar)
            case .wordCharacter:
                if general && scalar.properties.changesWhenLowercased {
                    word.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    word.append(scalar)
                }
            case .separator:
                endWord()
            }
            inMask = 0
        }
        endWord()
        return true
    }

    /// The kind of a scalar whose NFKC form is known without normalising: general and CJK
    /// punctuation (separators, as their NFKC forms are), 々〆〇 (letters); nil for anything else.
    private static func fastKind(_ value: UInt32) -> Kind? {
        switch value {
        case 0x2000...0x206F, 0xFE30...0xFE4F, 0xFF5F...0xFF65: return .separator
        case 0x3005...0x3007: return .wordCharacter
        case 0x3000...0x3037, 0x303B...0x303F: return .separator
        default: return nil
        }
    }

    // MARK: - Particles and fillers

    /// Sentence-final particles and 的 (吗呢啊吧了呀嘛哦哈啦么的): dropped from the exact-match key
    /// only, since chit-chat depends on them for scoring. A switch, not a set, which would hash.
    private static func isParticle(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "吗", "呢", "啊", "吧", "了", "呀", "嘛", "哦", "哈", "啦", "么", "的": return true
        default: return false
        }
    }

    /// Politeness fillers, removed in this order (longer before shorter where they overlap).
    private static let fillers: [[Unicode.Scalar]] = ["请问", "你好", "您好", "麻烦", "一下", "谢谢", "我想问", "想问", "请"]
        .map { Array($0.unicodeScalars) }

    private static func removeAll(_ pattern: [Unicode.Scalar], from scalars: inout [Unicode.Scalar]) {
        guard scalars.count >= pattern.count, scalars.contains(pattern[0]) else { return }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count && scalars[index..<(index + pattern.count)].elementsEqual(pattern)
            {
                index += pattern.count
            } else {
                output.append(scalars[index])
                index += 1
            }
        }
        scalars = output
    }
}
