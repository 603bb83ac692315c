internal import Foundation

/// One scored entry of a match, best first.
package struct MatchCandidate: Sendable {
    private var stored: MatcherIndex.StoredEntry
    package var entry: FAQEntry { stored.entry }
    /// The calibrated probability that this entry is the right answer, in [0, 1]; 1 for an exact
    /// (normalised) match.
    package var confidence: Double
    /// The question of the entry that matched best.
    package var matchedQuestion: String
    /// The re-ranker's score, which orders candidates.
    package var score: Float

    init(_ stored: MatcherIndex.StoredEntry, confidence: Double, matchedQuestion: String, score: Float) {
        self.stored = stored
        self.confidence = confidence
        self.matchedQuestion = matchedQuestion
        self.score = score
    }
}

/// The skills a query may match, or all of them.
package struct SkillScope: Sendable, Hashable {
    package var skills: Set<String>?

    package static let all = SkillScope(skills: nil)

    package init(skills: Set<String>?) { self.skills = skills }
}

/// How the first stage and the re-ranker trade speed for recall.
struct MatchLimits: Sendable {
    /// Entries re-ranked.
    var entries = 10
    /// Documents (questions) taken from the first stage.
    var documents = 30
    /// Terms in more than this share of documents are scored for the first stage's documents only.
    var frequentTermShare: Float = 0.02
    /// The strongest associations of each query symbol that soft coverage considers.
    var associations = 16
}

/// Reusable buffers for one match at a time, sized to the index, so that a match allocates
/// almost nothing and its inner loops index raw memory (no uniqueness or bounds checks in
/// release builds).
///
/// - Important: One match at a time: ``KnowledgeBase`` leases each scratch from a pool under a
///   lock and gets it back when the match is done. Indices come from the index the scratch was
///   ``fit(_:)`` to, so they are within the buffers.
final class MatchScratch: @unchecked Sendable {
    // @unchecked: the buffers are plain memory owned by this object and touched by one match at a
    // time (see above). For the same reason the properties skip dynamic exclusivity checks: a
    // class property's check is a runtime call, and the re-ranker read them for every pair.
    @exclusivity(unchecked) fileprivate var scores = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var touched = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var touchedCount = 0
    @exclusivity(unchecked) fileprivate var termStamp = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var symbolStamp = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var symbolMask = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var documentStamp = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var associationHead = UnsafeMutableBufferPointer<Int32>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var associationStamp = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var bestForQuery = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    @exclusivity(unchecked) fileprivate var heap = UnsafeMutableBufferPointer<(document: UInt32, score: Float)>(
        start: nil,
        count: 0
    )
    @exclusivity(unchecked) fileprivate var stamp: UInt32 = 0
    @exclusivity(unchecked) fileprivate var documentStampValue: UInt32 = 0

    // Arrays a match fills, kept between matches for their capacity (see ``take(_:)``).
    @exclusivity(unchecked) fileprivate var query = MatcherIndex.Query()
    @exclusivity(unchecked) fileprivate var codes: [UInt64] = []
    @exclusivity(unchecked) fileprivate var symbolCodes: [UInt32] = []
    @exclusivity(unchecked) fileprivate var deferred: [UInt32] = []
    @exclusivity(unchecked) fileprivate var top: [(document: UInt32, score: Float)] = []
    @exclusivity(unchecked) fileprivate var groupSlots: [UInt32] = []
    @exclusivity(unchecked) fileprivate var grouped: [(group: Int, document: UInt32, score: Float)] = []
    @exclusivity(unchecked) fileprivate var ranked: [MatcherIndex.RankedEntry] = []
    @exclusivity(unchecked) fileprivate var rankedScores: [Float] = []

    init() {}

    /// Moves `array` out of the scratch, empty but with its capacity; the match puts it back
    /// when done, so that the next match appends without allocating.
    fileprivate static func take<Element>(_ array: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &array)
        taken.removeAll(keepingCapacity: true)
        return taken
    }

    deinit {
        scores.deallocate()
        touched.deallocate()
        termStamp.deallocate()
        symbolStamp.deallocate()
        symbolMask.deallocate()
        documentStamp.deallocate()
        associationHead.deallocate()
        associationStamp.deallocate()
        bestForQuery.deallocate()
        heap.deallocate()
    }

    /// Grows `buffer` to at least `count` elements, keeping its contents and filling the rest.
    private static func grow<T>(_ buffer: inout UnsafeMutableBufferPointer<T>, to count: Int, filling value: T) {
        guard buffer.count < count else { return }
        let grown = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, buffer.count * 2))
        let kept = buffer.count
        if kept > 0 { _ = grown.initialize(fromContentsOf: buffer) }
        grown[kept...].initialize(repeating: value)
        buffer.deallocate()
        buffer = grown
    }

    fileprivate func fit(_ index: MatcherIndex) {
        Self.grow(&scores, to: index.documents.count, filling: 0)
        Self.grow(&touched, to: index.documents.count, filling: 0)
        Self.grow(&termStamp, to: index.termIDF.count, filling: 0)
        let symbols = index.symbolIDF.count
        Self.grow(&symbolStamp, to: symbols, filling: 0)
        Self.grow(&symbolMask, to: symbols, filling: 0)
        Self.grow(&documentStamp, to: symbols, filling: 0)
        Self.grow(&associationHead, to: symbols, filling: -1)
        Self.grow(&associationStamp, to: symbols, filling: 0)
        stamp += 1
        if stamp >= 1 << 31 {
            // Wrapped (the top bit marks deferred terms): clear the stamps so that none looks current.
            termStamp.update(repeating: 0)
            symbolStamp.update(repeating: 0)
            associationStamp.update(repeating: 0)
            stamp = 1
        }
    }

    fileprivate func fitHeap(_ count: Int) {
        Self.grow(&heap, to: count, filling: (0, 0))
    }

    fileprivate func fitQuery(distinctSymbols: Int) {
        Self.grow(&bestForQuery, to: distinctSymbols, filling: 0)
    }
}

extension MatcherIndex {
    /// The weights of the re-ranker over ``PairFeatures`` (a listwise softmax fitted on the
    /// evaluation set's dev split; see bench/matcher/README.md).
    ///
    /// Computed, not stored: a stored static is read through `swift_once` on every call, and the
    /// ranker scores every pair; a literal folds into the caller.
    static var rankerWeights: SIMD16<Float> {
        SIMD16<Float>(
            2.766,
            0.245,
            1.723,
            1.733,
            3.053,
            1.952,
            0.876,
            0.476,
            1.726,
            4.253,
            3.918,
            -0.677,
            0.243,
            0,
            0,
            0
        )
    }
    /// The weight of the entry-level feature (``PairFeatures/entryBM25``).
    static let entryBM25Weight: Float = 2.298

    /// An entry re-ranked: its slot, its features (each the best over its questions), its score,
    /// and the question that scored best alone.
    fileprivate typealias RankedEntry = (slot: UInt32, features: PairFeatures, score: Float, question: UInt16)

    /// The query after analysis: terms, symbols and what the re-ranker needs about them.
    fileprivate struct Query {
        var known: [UInt32] = []  // distinct known term indices
        var selfScore: Float = 0
        var pairWeight: Float = 0
        var entrySelfScore: Float = 0
        var symbols: [UInt32] = []  // sequence; unknown symbols are UInt32.max
        var distinct: [UInt32] = []  // distinct known symbols
        var distinctIDF: [Float] = []
        var unknownDistinct = 0
        var symbolWeight: Float = 0
        var links: [(symbol: Int16, value: Float, next: Int32)] = []

        /// Empties it, keeping the arrays' capacity.
        mutating func reset() {
            known.removeAll(keepingCapacity: true)
            selfScore = 0
            pairWeight = 0
            entrySelfScore = 0
            symbols.removeAll(keepingCapacity: true)
            distinct.removeAll(keepingCapacity: true)
            distinctIDF.removeAll(keepingCapacity: true)
            unknownDistinct = 0
            symbolWeight = 0
            links.removeAll(keepingCapacity: true)
        }
    }

    /// Matches `query` against the index.
    ///
    /// - Returns: Up to `limits.entries` candidates, best first.
    func match(
        _ text: String,
        scope: SkillScope = .all,
        limits: MatchLimits = MatchLimits(),
        scratch: MatchScratch
    ) -> [MatchCandidate] {
        guard documentCount > 0 else { return [] }
        scratch.fit(self)
        let stamp = scratch.stamp
        let termStamp = scratch.termStamp
        let symbolStamp = scratch.symbolStamp
        let symbolMask = scratch.symbolMask
        let associationHead = scratch.associationHead
        let associationStamp = scratch.associationStamp
        let normalized = NormalizedText(text)
        let allowedSkills: [Bool]? = scope.skills.map { skills in
            var allowed = [Bool](repeating: false, count: skillIDs.count)
            for skill in skills { if let id = skillIDs[skill] { allowed[Int(id)] = true } }
            return allowed
        }
        // The closures below capture these arrays, not `self`: capturing a struct copies it, and
        // copying the index retains every buffer it holds.
        let entrySkills = self.entrySkills
        let wordIDs = self.wordIDs
        func inScope(_ slot: UInt32) -> Bool {
            guard let allowedSkills else { return true }
            return allowedSkills[Int(entrySkills[Int(slot)])]
        }

        // Analysis.
        var codes = MatchScratch.take(&scratch.codes)
        var symbolCodes = MatchScratch.take(&scratch.symbolCodes)
        var unknownWords: [String: UInt32] = [:]
        normalized.analyze(terms: &codes, symbols: &symbolCodes) { word in
            if let id = wordIDs[word] { return id }
            if let id = unknownWords[word] { return id }
            let id = TermCode.firstUnknownWord + UInt32(unknownWords.count)
            unknownWords[word] = id
            return id
        }
        var query = scratch.query
        scratch.query = Query()
        query.reset()
        codes.sort()
        var previous: UInt64?
        for code in codes where code != previous {
            previous = code
            if let term = termIDs[code], documentFrequency[Int(term)] > 0 {
                query.known.append(term)
                termStamp[Int(term)] = stamp
                let idf = termIDF[Int(term)]
                query.selfScore += idf
                query.entrySelfScore += entryTermIDF[Int(term)]
                if termIsPair[Int(term)] { query.pairWeight += idf }
            } else {
                query.selfScore += unseenIDF
                if TermCode.isPair(code) { query.pairWeight += unseenIDF }
            }
        }
        if query.selfScore == 0 { query.selfScore = 1 }
        if query.entrySelfScore == 0 { query.entrySelfScore = 1 }
        var unknownSymbols = Set<UInt32>()
        for code in symbolCodes {
            guard let symbol = symbolIDs[UInt64(code)], symbolFrequency[Int(symbol)] > 0 else {
                query.symbols.append(.max)
                unknownSymbols.insert(code)
                continue
            }
            query.symbols.append(symbol)
            if symbolStamp[Int(symbol)] != stamp {
                symbolStamp[Int(symbol)] = stamp
                symbolMask[Int(symbol)] = 0
                query.distinct.append(symbol)
                query.distinctIDF.append(symbolIDF[Int(symbol)])
            }
        }
        query.unknownDistinct = unknownSymbols.count
        scratch.fitQuery(distinctSymbols: query.distinct.count)
        query.symbolWeight = query.distinctIDF.reduce(0, +) + Float(query.unknownDistinct) * unseenIDF
        if query.symbolWeight == 0 { query.symbolWeight = 1 }
        for (position, symbol) in query.symbols.prefix(64).enumerated() where symbol != .max {
            symbolMask[Int(symbol)] |= 1 << UInt64(position)
        }
        // Association links: for each symbol that some query symbol is associated with, the
        // query symbols and strengths, as linked lists through `links`.
        for (queryIndex, symbol) in query.distinct.enumerated() {
            for neighbour in associationNeighbours[Int(symbol)].prefix(limits.associations) {
                let value = neighbour.value
                guard value > 0 else { continue }
                let target = Int(neighbour.symbol)
                if associationStamp[target] != stamp {
                    associationStamp[target] = stamp
                    associationHead[target] = -1
                }
                query.links.append((Int16(queryIndex), value, associationHead[target]))
                associationHead[target] = Int32(query.links.count - 1)
            }
        }

        // First stage: BM25 over the inverted lists of the rarer terms.
        let frequentLimit = UInt32(max(Float(limits.documents), limits.frequentTermShare * Float(documentCount)))
        var deferred = MatchScratch.take(&scratch.deferred)
        scratch.touchedCount = 0
        for term in query.known {
            if documentFrequency[Int(term)] > frequentLimit {
                deferred.append(term)
            } else {
                accumulate(term, scratch: scratch)
            }
        }
        if scratch.touchedCount < limits.documents {
            for term in deferred { accumulate(term, scratch: scratch) }
            deferred.removeAll()
        }
        var top = MatchScratch.take(&scratch.top)
        selectTop(limits.documents, into: &top, scratch: scratch, allowedSkills: allowedSkills)
        top.sort { $0.score > $1.score }

        // Group by entry, best document first (by the rarer terms' score): the entries in
        // `groupSlots`, and each kept document, in order, with the index of its entry's group.
        var groupSlots = MatchScratch.take(&scratch.groupSlots)
        var grouped = MatchScratch.take(&scratch.grouped)
        for candidate in top {
            let slot = documentEntries[Int(candidate.document)]
            if let index = groupSlots.firstIndex(of: slot) {
                grouped.append((index, candidate.document, candidate.score))
            } else if groupSlots.count < limits.entries {
                groupSlots.append(slot)
                grouped.append((groupSlots.count - 1, candidate.document, candidate.score))
            }
        }
        if !deferred.isEmpty {
            // The frequent terms' share, for the grouped documents only (the re-ranker reads them
            // anyway): one pass over each document's terms against the deferred terms, marked.
            let mark = stamp | 1 << 31
            for term in deferred { termStamp[Int(term)] = mark }
            for index in grouped.indices {
                let document = Int(grouped[index].document)
                var added: Float = 0
                let length = Int(documents[document].length)
                for term in documents[document].terms where termStamp[Int(term.term)] == mark {
                    added += termIDF[Int(term.term)] * weight(count: term.count, length: length)
                }
                grouped[index].score += added
            }
            for term in deferred { termStamp[Int(term)] = stamp }
        }

        // Re-rank.
        var ranked = MatchScratch.take(&scratch.ranked)
        for (group, slot) in groupSlots.enumerated() {
            var best = PairFeatures()
            var bestQuestion: UInt16 = 0
            var bestSingle: Float = -.infinity
            for (member, document, score) in grouped where member == group {
                let features = pairFeatures(query, documents[Int(document)], bm25: score, scratch: scratch)
                best.formMaximum(features)
                let single = features.rankerScore()
                if single > bestSingle {
                    bestSingle = single
                    bestQuestion = documents[Int(document)].question
                }
            }
            best.entryBM25 = entryBM25(Int(slot), scratch: scratch) / query.entrySelfScore
            ranked.append((slot, best, best.rankerScore(), bestQuestion))
        }
        ranked.sort { $0.score > $1.score }

        var scores = MatchScratch.take(&scratch.rankedScores)
        scores.append(contentsOf: ranked.lazy.map(\.score))
        let softmaxDenominator = scores.reduce(0.0) { $0 + exp(Double($1) - Double(scores[0])) }
        var candidates = ranked.enumerated().map { position, item in
            let stored = entries[Int(item.slot)]!.stored
            let entry = stored.entry
            let question = Int(item.question)
            return MatchCandidate(
                stored,
                confidence: Self.confidence(
                    of: position,
                    in: scores,
                    softmaxDenominator: softmaxDenominator,
                    features: item.features
                ),
                matchedQuestion: question == 0 || question > entry.similar.count
                    ? entry.question : entry.similar[question - 1],
                score: item.score
            )
        }

        // An exact (normalised) match wins with full confidence.
        let exactKeyUTF8 = normalized.exactKeyUTF8
        if let slots = exactMatches[Self.exactKeyHash(utf8: exactKeyUTF8)] {
            let exactKey = String(decoding: exactKeyUTF8, as: UTF8.self)
            if let slot = slots.first(where: { inScope($0) && entries[Int($0)]!.exactKeys.contains(exactKey) }) {
                let entry = entries[Int(slot)]!
                let position = candidates.firstIndex { $0.entry.id == entry.entry.id }
                var exact =
                    position.map { candidates.remove(at: $0) }
                    ?? MatchCandidate(entry.stored, confidence: 1, matchedQuestion: entry.entry.question, score: 0)
                exact.confidence = 1
                let question = Int(entry.exactQuestions[entry.exactKeys.firstIndex(of: exactKey)!])
                exact.matchedQuestion = question == 0 ? entry.entry.question : entry.entry.similar[question - 1]
                candidates.insert(exact, at: 0)
                if candidates.count > limits.entries { candidates.removeLast() }
            }
        }

        scratch.codes = codes
        scratch.symbolCodes = symbolCodes
        scratch.query = query
        scratch.deferred = deferred
        scratch.top = top
        scratch.groupSlots = groupSlots
        scratch.grouped = grouped
        scratch.ranked = ranked
        scratch.rankedScores = scores
        return candidates
    }

    private func accumulate(_ term: UInt32, scratch: MatchScratch) {
        let idf = termIDF[Int(term)]
        let scores = scratch.scores
        let touched = scratch.touched
        var count = scratch.touchedCount
        postings[Int(term)].withUnsafeBufferPointer { postings in
            for posting in postings {
                let document = Int(posting.document)
                if scores[document] == 0 {
                    touched[count] = posting.document
                    count += 1
                }
                scores[document] += idf * posting.weight
            }
        }
        scratch.touchedCount = count
    }

    /// Puts the `count` best touched documents in scope into `heap` (empty on entry), and clears
    /// the accumulator.
    ///
    /// - Parameter allowedSkills: Whether each skill is in scope; nil for all of them.
    private func selectTop(
        _ count: Int,
        into heap: inout [(document: UInt32, score: Float)],
        scratch: MatchScratch,
        allowedSkills: [Bool]?
    ) {
        // A min-heap of the best so far (in raw memory: its sifts swap a lot), and its smallest
        // score once it is full (most touched documents stop at that one comparison).
        scratch.fitHeap(count)
        let heapBuffer = scratch.heap
        var size = 0
        var floor = -Float.infinity
        let scores = scratch.scores
        for document in scratch.touched[..<scratch.touchedCount] {
            let score = scores[Int(document)]
            scores[Int(document)] = 0
            if score <= floor { continue }
            if let allowedSkills, !allowedSkills[Int(entrySkills[Int(documentEntries[Int(document)])])] { continue }
            if size < count {
                heapBuffer[size] = (document, score)
                size += 1
                var child = size - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    if heapBuffer[parent].score <= heapBuffer[child].score { break }
                    heapBuffer.swapAt(parent, child)
                    child = parent
                }
            } else {
                heapBuffer[0] = (document, score)
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    if left >= size { break }
                    let right = left + 1
                    let smaller = right < size && heapBuffer[right].score < heapBuffer[left].score ? right : left
                    if heapBuffer[parent].score <= heapBuffer[smaller].score { break }
                    heapBuffer.swapAt(parent, smaller)
                    parent = smaller
                }
            }
            if size == count { floor = heapBuffer[0].score }
        }
        heap.append(contentsOf: heapBuffer[..<size])
        scratch.touchedCount = 0
    }

    private func entryBM25(_ slot: Int, scratch: MatchScratch) -> Float {
        let termStamp = scratch.termStamp
        let average = averageEntryLength
        let norm = Self.k1 * (1 - Self.b + Self.b * Float(entryLengths[slot]) / average)
        var score: Float = 0
        for term in entryTerms[slot] where termStamp[Int(term.term)] == scratch.stamp {
            let tf = Float(term.count)
            score += entryTermIDF[Int(term.term)] * tf * (Self.k1 + 1) / (tf + norm)
        }
        return score
    }

    private func pairFeatures(
        _ query: Query,
        _ document: Document,
        bm25: Float,
        scratch: MatchScratch
    ) -> PairFeatures {
        let termStamp = scratch.termStamp
        let symbolStamp = scratch.symbolStamp
        let symbolMask = scratch.symbolMask
        let documentStamp = scratch.documentStamp
        let associationHead = scratch.associationHead
        let associationStamp = scratch.associationStamp
        let bestForQuery = scratch.bestForQuery
        let stamp = scratch.stamp
        // Each document takes two stamp values: `member` marks its symbols, `member + 1` those
        // already counted.
        if scratch.documentStampValue >= UInt32.max - 2 {
            scratch.documentStamp.update(repeating: 0)
            scratch.documentStampValue = 0
        }
        scratch.documentStampValue += 2
        let member = scratch.documentStampValue
        let counted = member + 1
        let queryLength = max(query.symbols.count, 1)
        let documentLength = max(document.symbols.count, 1)

        // Alignment over symbol sequences (bit-parallel; the query's first 64 symbols).
        let patternLength = min(query.symbols.count, 64)
        let (lcs, aligned) = Self.align(document.symbols, patternLength: patternLength) { symbol in
            symbolStamp[Int(symbol)] == stamp ? symbolMask[Int(symbol)] : 0
        }
        // Query symbols past the 64th count as insertions.
        let distance = aligned + query.symbols.count - patternLength

        // Coverage by symbol idf, misses, and soft coverage through associations.
        var documentWeight: Float = 0
        var shared: Float = 0
        var missDocument: Float = 0
        var softDocument: Float = 0
        for index in query.distinct.indices { bestForQuery[index] = 0 }
        for symbol in document.symbols { documentStamp[Int(symbol)] = member }
        for symbol in document.symbols where documentStamp[Int(symbol)] == member {
            documentStamp[Int(symbol)] = counted
            let idf = symbolIDF[Int(symbol)]
            documentWeight += idf
            if symbolStamp[Int(symbol)] == stamp {
                shared += idf
                continue
            }
            missDocument = max(missDocument, idf)
            guard associationStamp[Int(symbol)] == stamp else { continue }
            var best: Float = 0
            var link = associationHead[Int(symbol)]
            while link >= 0 {
                let (queryIndex, value, next) = query.links[Int(link)]
                if documentStamp[Int(query.distinct[Int(queryIndex)])] < member {
                    best = max(best, value)
                    bestForQuery[Int(queryIndex)] = max(bestForQuery[Int(queryIndex)], value)
                }
                link = next
            }
            softDocument += idf * best
        }
        if documentWeight == 0 { documentWeight = 1 }
        var missQuery: Float = query.unknownDistinct > 0 ? unseenIDF : 0
        var softQuery: Float = 0
        for (index, symbol) in query.distinct.enumerated() where documentStamp[Int(symbol)] < member {
            missQuery = max(missQuery, query.distinctIDF[index])
            softQuery += query.distinctIDF[index] * bestForQuery[index]
        }

        // Coverage of bigram terms.
        var pairWeight: Float = 0
        var pairShared: Float = 0
        for term in document.terms where termIsPair[Int(term.term)] {
            let idf = termIDF[Int(term.term)]
            pairWeight += idf
            if termStamp[Int(term.term)] == stamp { pairShared += idf }
        }

        let symbolWeight = query.symbolWeight
        var features = PairFeatures()
        features.values = SIMD16<Float>(
            bm25 / query.selfScore,
            Float(lcs) / Float(queryLength),
            Float(lcs) / Float(documentLength),
            1 - Float(distance) / Float(max(queryLength, documentLength)),
            shared / symbolWeight,
            shared / documentWeight,
            query.pairWeight > 0 ? pairShared / query.pairWeight : shared / symbolWeight,
            pairWeight > 0 ? pairShared / pairWeight : shared / documentWeight,
            Float(min(queryLength, documentLength)) / Float(max(queryLength, documentLength)),
            (shared + softQuery) / symbolWeight,
            (shared + softDocument) / documentWeight,
            missQuery / unseenIDF,
            missDocument / unseenIDF,
            0,
            0,
            0
        )
        return features
    }

    /// The longest common subsequence and the Levenshtein distance between a pattern of up to 64
    /// symbols and `text`, bit-parallel (Hyyrö's LCS, Myers's edit distance): one pass over
    /// `text` with the pattern's match masks (`mask(symbol)` has bit i set when pattern[i] == symbol).
    @inline(__always)
    static func align(
        _ text: [UInt32],
        patternLength: Int,
        mask: (UInt32) -> UInt64
    ) -> (lcs: Int, distance: Int) {
        guard patternLength > 0 else { return (0, text.count) }
        let lanes: UInt64 = patternLength == 64 ? .max : (1 << UInt64(patternLength)) - 1
        let high: UInt64 = 1 << UInt64(patternLength - 1)
        var v: UInt64 = .max
        var pv: UInt64 = .max
        var mv: UInt64 = 0
        var distance = patternLength
        for symbol in text {
            let eq = mask(symbol)
            let u = v & eq
            v = (v &+ u) | (v & ~eq)
            let xv = eq | mv
            let xh = (((eq & pv) &+ pv) ^ pv) | eq
            var ph = mv | ~(xh | pv)
            var mh = pv & xh
            if ph & high != 0 { distance += 1 } else if mh & high != 0 { distance -= 1 }
            ph = (ph << 1) | 1
            mh = mh << 1
            pv = mh | ~(xv | ph)
            mv = ph & xv
        }
        return (patternLength - (v & lanes).nonzeroBitCount, distance)
    }

    /// The calibrated confidence of the candidate at `position` (logistic over its score, its
    /// margin over the best other candidate, its softmax share, and its soft coverage and misses).
    ///
    /// - Parameters:
    ///   - scores: All candidates' scores, best first.
    ///   - softmaxDenominator: Σ exp(score − best) over `scores`.
    static func confidence(
        of position: Int,
        in scores: [Float],
        softmaxDenominator: Double,
        features: PairFeatures
    ) -> Double {
        let score = Double(scores[position])
        let best = Double(scores[0])
        // The best other candidate: the second for the first, the first for the rest.
        let other = scores.count == 1 ? score - 5 : Double(position == 0 ? scores[1] : scores[0])
        let share = exp(score - best) / softmaxDenominator
        let z =
            0.126 * score + 0.253 * (score - other) + 2.360 * share + 1.060 * Double(features.lane(9))
            + 1.993 * Double(features.lane(10)) + 0.371 * Double(features.lane(11))
            + 1.339 * Double(features.lane(12)) - 7.094
        return 1 / (1 + exp(-z))
    }
}

/// The re-ranker's features of a query–question pair: bm25n, lcs_q, lcs_c, ed, wcov_q, wcov_c,
/// bcov_q, bcov_c, lenr, soft_q, soft_c, miss_q, miss_c, and the entry-level ebm25n.
struct PairFeatures {
    /// The 13 pair features in lanes 0–12; the other lanes stay 0.
    var values = SIMD16<Float>()
    /// ebm25n, the 14th feature: per entry, not per pair.
    var entryBM25: Float = 0

    mutating func formMaximum(_ other: PairFeatures) {
        values = pointwiseMax(values, other.values)
    }

    /// The ranker's score: ``MatcherIndex/rankerWeights`` over ``values``, plus ``entryBM25``'s weight.
    func rankerScore() -> Float {
        (values * MatcherIndex.rankerWeights).sum() + entryBM25 * MatcherIndex.entryBM25Weight
    }

    /// Lane `index` of ``values``, read without the generic SIMD subscript (which the optimiser
    /// does not specialise here).
    func lane(_ index: Int) -> Float {
        withUnsafeBytes(of: values) { $0.load(fromByteOffset: index * MemoryLayout<Float>.stride, as: Float.self) }
    }
}
