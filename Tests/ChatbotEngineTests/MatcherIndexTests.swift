import Foundation
import Synchronization
import Testing

@testable import ChatbotEngine

/// The index's association table and its cost with entries of many questions.
@Suite struct MatcherIndexTests {
    /// Questions of `count` distinct paraphrase-like strings: 6 to 14 ideographs from a
    /// 400-character alphabet, from a fixed linear congruential sequence.
    static func questions(_ count: Int, seed: UInt64 = 7) -> [String] {
        var state = seed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var seen = Set<String>()
        var questions: [String] = []
        while questions.count < count {
            let length = 6 + next() % 9
            let scalars = (0..<length).map { _ in Character(Unicode.Scalar(0x4E00 + UInt32(next() % 400))!) }
            let question = String(scalars)
            if seen.insert(question).inserted { questions.append(question) }
        }
        return questions
    }

    /// The association counts by their definition: for every ordered pair of an entry's questions,
    /// each symbol only the first has counts once as a single, and each pair (only in the first,
    /// only in the second) once as a pair.
    static func pairwiseCounts(_ index: MatcherIndex) -> (singles: [UInt32: Int], pairs: [UInt64: Int]) {
        var singles: [UInt32: Int] = [:]
        var pairs: [UInt64: Int] = [:]
        for slot in index.entries.compactMap({ $0 }) {
            let sets = slot.documents.map { Set(index.documents[Int($0)].symbols) }
            for i in sets.indices {
                for j in sets.indices where i != j {
                    let only = sets[i].subtracting(sets[j])
                    let other = sets[j].subtracting(sets[i])
                    for a in only {
                        singles[a, default: 0] += 1
                        for b in other { pairs[UInt64(a) << 32 | UInt64(b), default: 0] += 1 }
                    }
                }
            }
        }
        return (singles, pairs)
    }

    /// Checks the index's singles, neighbour lists (pairs seen at least twice, both ways, with
    /// their values) and their order against ``pairwiseCounts(_:)``.
    static func expectAssociationsMatchTheDefinition(
        _ index: MatcherIndex,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (singles, pairs) = pairwiseCounts(index)
        for symbol in index.associationSingles.indices {
            #expect(
                Int(index.associationSingles[symbol]) == singles[UInt32(symbol), default: 0],
                sourceLocation: sourceLocation
            )
        }
        var expected: [UInt32: [UInt32: Int]] = [:]
        for (key, count) in pairs where count >= Int(MatcherIndex.minimumAssociationCount) {
            expected[UInt32(key >> 32), default: [:]][UInt32(key & 0xFFFF_FFFF)] = count
        }
        for (a, list) in index.associationNeighbours.enumerated() {
            let found = Dictionary(uniqueKeysWithValues: list.map { ($0.symbol, Int($0.pairs)) })
            #expect(found == expected[UInt32(a), default: [:]], "symbol \(a)", sourceLocation: sourceLocation)
            for neighbour in list {
                let product = Float(singles[UInt32(a), default: 0]) * Float(singles[neighbour.symbol, default: 0])
                let value = product > 0 ? Float(neighbour.pairs) / product.squareRoot() : 0
                #expect(neighbour.value == value, "symbol \(a) → \(neighbour.symbol)", sourceLocation: sourceLocation)
            }
            let ordered = zip(list, list.dropFirst()).allSatisfy {
                $0.value > $1.value || ($0.value == $1.value && $0.symbol < $1.symbol)
            }
            #expect(ordered, "symbol \(a)", sourceLocation: sourceLocation)
        }
    }

    @Test func associationsFollowTheirDefinitionThroughBuildsUpsertsAndRemovals() {
        var index = MatcherIndex(entries: Fixture.entries)
        Self.expectAssociationsMatchTheDefinition(index)
        let many = Self.questions(40)
        index.upsert(
            FAQEntry(id: 10, key: "many", skill: "s", question: many[0], similar: Array(many[1...]), answers: ["a"])
        )
        Self.expectAssociationsMatchTheDefinition(index)
        // The same entry again with other questions: the old ones' counts go, the new ones' come.
        let other = Self.questions(25, seed: 11)
        index.upsert(
            FAQEntry(id: 10, key: "many", skill: "s", question: other[0], similar: Array(other[1...]), answers: ["a"])
        )
        Self.expectAssociationsMatchTheDefinition(index)
        var changed = Fixture.entries[0]
        changed.similar = ["退货怎么办理", "退款多久到账"]
        index.upsert(changed)
        Self.expectAssociationsMatchTheDefinition(index)
        index.remove(id: 10)
        index.remove(id: 2)
        Self.expectAssociationsMatchTheDefinition(index)
        // A build from scratch holds the same counts (its symbol ids differ).
        Self.expectAssociationsMatchTheDefinition(MatcherIndex(entries: index.allEntries))
    }

    /// Comparing every pair of an entry's questions made this quadratic: 8,000 questions took
    /// 29 s of server CPU (release build), and this entry of 3,000 did not finish in an hour of a
    /// debug build. Now each step takes a fraction of a second.
    @Test func anEntryOfThousandsOfQuestionsIsIndexedInLinearTime() async {
        let questions = Self.questions(3000)
        let entry = FAQEntry(
            id: 1,
            key: "big",
            skill: "s",
            question: questions[0],
            similar: Array(questions[1...]),
            answers: ["a"]
        )
        // Bounds far above the linear cost and far below the quadratic one (over an hour), so that
        // a sanitizer build on a busy machine passes: about 10 s a step was seen under ASan.
        let durations = await Self.run(within: .seconds(300)) {
            let clock = ContinuousClock()
            var index = MatcherIndex(entries: Fixture.entries)
            let inserted = clock.measure { index.upsert(entry) }
            // Upserting it again removes the old version first.
            let replaced = clock.measure { index.upsert(entry) }
            let entries = index.allEntries
            let rebuilt = clock.measure { _ = MatcherIndex(entries: entries) }
            return [("insert", inserted), ("replace", replaced), ("rebuild", rebuilt)]
        }
        guard let durations else {
            Issue.record("indexing an entry of 3,000 questions did not finish in 300 s")
            return
        }
        for (what, duration) in durations {
            #expect(duration < .seconds(60), "\(what) took \(duration)")
        }
    }

    /// Runs `work` on a thread of its own and waits up to `limit` for it: nil when it has not
    /// finished by then (the thread runs on; a test's time limit cannot stop synchronous work).
    static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () -> T) async -> T? {
        let waiting = Mutex<CheckedContinuation<T?, Never>?>(nil)
        let finish: @Sendable (T?) -> Void = { value in waiting.withLock { $0.take() }?.resume(returning: value) }
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0 = continuation }
            Thread { finish(work()) }.start()
            Task {
                try? await Task.sleep(for: limit)
                finish(nil)
            }
        }
    }
}
