import Testing

@testable import ChatbotEngine

@Suite struct TextNormalizerTests {
    @Test(arguments: [
        // Full-width letters and digits, case, masked numbers.
        ("ＡＢＣ　ｄｅｆ", [], ["abc", "def"]),
        ("花呗还款10号", Array("花呗还款号".unicodeScalars), ["#"]),
        ("尾号***的卡", Array("尾号的卡".unicodeScalars), ["#"]),
        ("How do I reset my Gmail password?", [], ["how", "do", "i", "reset", "my", "gmail", "password"]),
        // CJK text is joined across punctuation and Latin words.
        ("微信，支付wechat pay。", Array("微信支付".unicodeScalars), ["wechat", "pay"]),
        // A compatibility form outside the fast path goes through NFKC: ① is 1, ﬁ is fi.
        ("①号ﬁle", Array("号".unicodeScalars), ["#", "file"]),
    ])
    func normalizes(text: String, ideographs: [Unicode.Scalar], words: [String]) {
        let normalized = NormalizedText(text)
        #expect(normalized.ideographs == ideographs)
        #expect(normalized.words == words)
    }

    @Test func exactKeyIgnoresParticlesFillersAndPunctuation() {
        #expect(NormalizedText("请问，花呗怎么还款呢？").exactKey == NormalizedText("花呗怎么还款").exactKey)
        #expect(NormalizedText("你好 我想问一下的吗").exactKey == "|")
        #expect(NormalizedText("花呗怎么还款").exactKey != NormalizedText("借呗怎么还款").exactKey)
    }

    @Test func exactKeyKeepsTheNumbersThatScoringMasks() {
        #expect(NormalizedText("套餐1怎么收费").exactKey != NormalizedText("套餐2怎么收费").exactKey)
        #expect(NormalizedText("套餐１２怎么收费").exactKey == NormalizedText("请问套餐12怎么收费").exactKey)
        #expect(NormalizedText("step 3 of 10").numbers == ["3", "10"])
        #expect(NormalizedText("尾号***的卡").numbers.isEmpty)
    }

    @Test(arguments: [
        ("passwords", "password"), ("replies", "reply"), ("sharing", "shar"), ("moved", "mov"), ("class", "class"),
    ])
    func stems(word: String, stem: String) {
        #expect(NormalizedText.stem(word) == stem)
    }
}

@Suite struct AlignmentTests {
    /// Reference dynamic programmes.
    static func lcs(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var previous = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var current = [0]
            for (j, y) in b.enumerated() { current.append(x == y ? previous[j] + 1 : max(previous[j + 1], current[j])) }
            previous = current
        }
        return previous.last!
    }

    static func levenshtein(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous.last!
    }

    @Test func bitParallelAgreesWithDynamicProgramming() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let pattern = (0..<Int.random(in: 1...64, using: &random)).map { _ in
                UInt32.random(in: 0..<6, using: &random)
            }
            let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt32.random(in: 0..<6, using: &random)
            }
            let (lcs, distance) = MatcherIndex.align(text, patternLength: pattern.count) { symbol in
                var mask: UInt64 = 0
                for (index, value) in pattern.enumerated() where value == symbol { mask |= 1 << UInt64(index) }
                return mask
            }
            #expect(lcs == Self.lcs(pattern, text), "\(pattern) \(text)")
            #expect(distance == Self.levenshtein(pattern, text), "\(pattern) \(text)")
        }
    }
}
