internal import Foundation

/// The in-memory index of one knowledge base: what the matcher needs to score a query fast.
///
/// Every question (standard and similar) is its own document. The index keeps inverted lists of
/// terms with BM25 weights, each document's terms and symbols for re-ranking, each entry's terms
/// for entry-level BM25, the exact-match keys, and an association table between symbols mined from
/// the knowledge base's own paraphrases (two symbols that often replace each other between
/// questions of one entry are likely synonyms).
///
/// Entries are added and removed one at a time; nothing is rebuilt. Inverse document frequencies
/// follow every change. Document-length normalisation uses the average length from the last
/// ``refreshLengthNormalisation()`` (building an index calls it), which a few incremental
/// changes do not move noticeably.
///
/// A value type: a reader keeps its copy while a writer changes another.
struct MatcherIndex: Sendable {
    static let k1: Float = 1.2
    static let b: Float = 0.75

    struct Posting: Sendable {
        var document: UInt32
        /// tf·(k1+1) / (tf + k1·(1 − b + b·length/avgLength)).
        var weight: Float
    }

    struct TermCount: Sendable {
        var term: UInt32
        var count: UInt16
    }

    struct Document: Sendable {
        var entry: UInt32
        /// Which of the entry's questions (0 = the standard question).
        var question: UInt16
        /// The number of terms, repeats included (the BM25 length).
        var length: UInt16
        /// Symbol indices, in order.
        var symbols: [UInt32]
        /// The terms, sorted by term index.
        var terms: [TermCount]
    }

    /// An entry shared by reference, so that handing it to a candidate costs one retain.
    final class StoredEntry: Sendable {
        let entry: FAQEntry
        init(_ entry: FAQEntry) { self.entry = entry }
    }

    struct EntrySlot: Sendable {
        var stored: StoredEntry
        var entry: FAQEntry { stored.entry }
        var skill: UInt32
        var documents: [UInt32]
        /// The terms of all its questions together, sorted by term index.
        var terms: [TermCount]
        var length: Int
        var exactKeys: [String]
        /// The first of its questions with each of ``exactKeys``, by position (0 = the standard one).
        var exactQuestions: [UInt16]
    }

    // Vocabulary.
    private(set) var wordIDs: [String: UInt32] = [:]
    private(set) var termIDs = CodeTable()
    private(set) var termIsPair: [Bool] = []
    private(set) var documentFrequency: [UInt32] = []
    private(set) var entryFrequency: [UInt32] = []
    private(set) var postings: [[Posting]] = []
    /// Symbol codes (UInt32) widened to 64 bits.
    private(set) var symbolIDs = CodeTable()
    private(set) var symbolFrequency: [UInt32] = []
    private(set) var skillIDs: [String: UInt32] = [:]

    // Inverse frequencies, kept current by every change.
    private(set) var termIDF: [Float] = []
    private(set) var entryTermIDF: [Float] = []
    private(set) var symbolIDF: [Float] = []
    /// The idf of a term or symbol no document has: ln(1 + (N + 0.5)/0.5).
    private(set) var unseenIDF: Float = 0

    // Association table (symbol index pairs).
    private(set) var associationSingles: [UInt32] = []
    private var associationPairs: [UInt64: UInt32] = [:]
    /// For each symbol, the symbols it has been seen replacing at least twice, with that count.
    private(set) var associationNeighbours: [[Neighbour]] = []

    struct Neighbour: Sendable {
        var symbol: UInt32
        var pairs: UInt32
        /// pairs / sqrt(singles(a) · singles(b)), kept current by every change.
        var value: Float
    }

    // Documents and entries; removed ones leave free slots for reuse.
    /// Free slots hold an empty document whose entry is `.max`.
    private(set) var documents: [Document] = []
    /// The entry slot of each document (`.max` for a free one), apart from ``documents`` so that
    /// the first stage reads four bytes, not a whole document.
    private(set) var documentEntries: [UInt32] = []
    private var freeDocuments: [UInt32] = []
    private(set) var documentCount = 0
    private var totalDocumentLength = 0
    private(set) var entries: [EntrySlot?] = []
    /// The skill, terms and length of each entry slot, apart from ``entries`` for the same reason.
    private(set) var entrySkills: [UInt32] = []
    private(set) var entryTerms: [[TermCount]] = []
    private(set) var entryLengths: [Int] = []
    private var freeEntries: [UInt32] = []
    private(set) var entryCount = 0
    private var totalEntryLength = 0
    private(set) var slotByID: [Int64: UInt32] = [:]
    /// Entry slots by a hash of their exact-match keys (``exactKeyHash(_:)``); a hit is confirmed
    /// against the slot's keys, so a collision costs nothing but a comparison.
    private(set) var exactMatches: [UInt64: [UInt32]] = [:]

    /// The average document length BM25 weights were computed with.
    private(set) var averageDocumentLength: Float = 10

    init() {}

    init<S: Sequence>(entries: S) where S.Element == FAQEntry {
        // The association values and idfs are computed once, at the end.
        var changed = Set<UInt32>()
        for entry in entries { insert(entry, changedSymbols: &changed) }
        refreshLengthNormalisation()
    }

    /// The live entries, in no particular order.
    var allEntries: [FAQEntry] { entries.compactMap { $0?.entry } }

    var averageEntryLength: Float { entryCount == 0 ? 1 : Float(totalEntryLength) / Float(entryCount) }

    // MARK: - Changes

    /// Adds `entry`, or replaces the entry with the same ``FAQEntry/id``.
    mutating func upsert(_ entry: FAQEntry) {
        var changed = Set<UInt32>()
        if let slot = slotByID[entry.id] { remove(slot: slot, changedSymbols: &changed) }
        insert(entry, changedSymbols: &changed)
        refreshAssociationValues(of: changed)
        refreshIDF()
    }

    /// Removes the entry with this id; returns whether there was one.
    @discardableResult
    mutating func remove(id: Int64) -> Bool {
        guard let slot = slotByID[id] else { return false }
        var changed = Set<UInt32>()
        remove(slot: slot, changedSymbols: &changed)
        refreshAssociationValues(of: changed)
        refreshIDF()
        return true
    }

    /// Recomputes every posting's weight with the current average document length.
    mutating func refreshLengthNormalisation() {
        averageDocumentLength = documentCount == 0 ? 10 : max(1, Float(totalDocumentLength) / Float(documentCount))
        for term in postings.indices { postings[term].removeAll(keepingCapacity: true) }
        for (id, document) in documents.enumerated() where document.entry != .max {
            for term in document.terms {
                postings[Int(term.term)].append(
                    Posting(document: UInt32(id), weight: weight(count: term.count, length: Int(document.length)))
                )
            }
        }
        refreshAssociationValues(of: Set(associationNeighbours.indices.lazy.map { UInt32($0) }))
        refreshIDF()
    }

    func weight(count: UInt16, length: Int) -> Float {
        let tf = Float(count)
        let norm = Self.k1 * (1 - Self.b + Self.b * Float(length) / averageDocumentLength)
        return tf * (Self.k1 + 1) / (tf + norm)
    }

    /// Adds `entry` in a free slot, adding the symbols whose association counts changed to
    /// `changedSymbols`; the caller refreshes their values and the idfs.
    private mutating func insert(_ entry: FAQEntry, changedSymbols: inout Set<UInt32>) {
        let skill = intern(skill: entry.skill)
        let slot: UInt32
        if let free = freeEntries.popLast() {
            slot = free
        } else {
            slot = UInt32(entries.count)
            entries.append(nil)
            entrySkills.append(0)
            entryTerms.append([])
            entryLengths.append(0)
        }
        entrySkills[Int(slot)] = skill
        var entryCounts: [UInt32: Int] = [:]
        var documentsOfEntry: [UInt32] = []
        var symbolSets: [Set<UInt32>] = []
        var exactKeys: [String] = []
        var exactQuestions: [UInt16] = []
        // Positions in exactKeys by their hash, so that a repeated key is found without comparing
        // it with every key before it.
        var exactKeyPositions: [UInt64: [Int]] = [:]
        var terms: [UInt64] = []
        var symbols: [UInt32] = []
        for (position, question) in entry.indexedQuestions.enumerated() {
            let text = NormalizedText(question)
            let key = text.exactKey
            if key != "|" {
                let hash = Self.exactKeyHash(key)
                if !(exactKeyPositions[hash]?.contains { exactKeys[$0] == key } ?? false) {
                    exactKeyPositions[hash, default: []].append(exactKeys.count)
                    exactKeys.append(key)
                    exactQuestions.append(UInt16(clamping: position))
                }
            }
            terms.removeAll(keepingCapacity: true)
            symbols.removeAll(keepingCapacity: true)
            text.analyze(terms: &terms, symbols: &symbols) { intern(word: $0) }
            // Term counts: sort the term indices and count runs.
            var indices = terms.map { intern(term: $0) }
            indices.sort()
            var counts: [TermCount] = []
            for term in indices {
                if counts.last?.term == term {
                    counts[counts.count - 1].count &+= 1
                } else {
                    counts.append(TermCount(term: term, count: 1))
                }
            }
            let symbolIndices = symbols.map { intern(symbol: $0) }
            let document = Document(
                entry: slot,
                question: UInt16(clamping: position),
                length: UInt16(clamping: terms.count),
                symbols: symbolIndices,
                terms: counts
            )
            let id = add(document)
            documentsOfEntry.append(id)
            for count in counts { entryCounts[count.term, default: 0] += Int(count.count) }
            symbolSets.append(Set(symbolIndices))
        }
        let termsOfEntry = entryCounts.map { TermCount(term: $0.key, count: UInt16(clamping: $0.value)) }
            .sorted { $0.term < $1.term }
        for term in termsOfEntry { entryFrequency[Int(term.term)] += 1 }
        let length = entryCounts.values.reduce(0, +)
        totalEntryLength += length
        entryCount += 1
        changeAssociations(symbolSets, by: 1, changedSymbols: &changedSymbols)
        for key in exactKeys { exactMatches[Self.exactKeyHash(key), default: []].append(slot) }
        entries[Int(slot)] = EntrySlot(
            stored: StoredEntry(entry),
            skill: skill,
            documents: documentsOfEntry,
            terms: termsOfEntry,
            length: length,
            exactKeys: exactKeys,
            exactQuestions: exactQuestions
        )
        entryTerms[Int(slot)] = termsOfEntry
        entryLengths[Int(slot)] = length
        slotByID[entry.id] = slot
    }

    private mutating func add(_ document: Document) -> UInt32 {
        let id: UInt32
        if let free = freeDocuments.popLast() {
            id = free
            documents[Int(id)] = document
            documentEntries[Int(id)] = document.entry
        } else {
            id = UInt32(documents.count)
            documents.append(document)
            documentEntries.append(document.entry)
        }
        for term in document.terms {
            documentFrequency[Int(term.term)] += 1
            postings[Int(term.term)].append(
                Posting(document: id, weight: weight(count: term.count, length: Int(document.length)))
            )
        }
        for symbol in Set(document.symbols) { symbolFrequency[Int(symbol)] += 1 }
        documentCount += 1
        totalDocumentLength += Int(document.length)
        return id
    }

    /// Frees an entry's slot and its documents, adding the symbols whose association counts
    /// changed to `changedSymbols`; the caller refreshes their values and the idfs.
    private mutating func remove(slot: UInt32, changedSymbols: inout Set<UInt32>) {
        guard let entrySlot = entries[Int(slot)] else { return }
        var symbolSets: [Set<UInt32>] = []
        var affectedTerms: [UInt32] = []
        for id in entrySlot.documents {
            let document = documents[Int(id)]
            for term in document.terms {
                documentFrequency[Int(term.term)] -= 1
                affectedTerms.append(term.term)
            }
            let symbols = Set(document.symbols)
            for symbol in symbols { symbolFrequency[Int(symbol)] -= 1 }
            symbolSets.append(symbols)
            documents[Int(id)] = Document(entry: .max, question: 0, length: 0, symbols: [], terms: [])
            documentEntries[Int(id)] = .max
            freeDocuments.append(id)
            documentCount -= 1
            totalDocumentLength -= Int(document.length)
        }
        // One pass over each posting list the entry was in: its documents are free now, and a
        // free document has no postings otherwise. (Searching a list once per document was
        // quadratic in an entry's questions, which share most of their terms.)
        affectedTerms.sort()
        let documentEntries = self.documentEntries
        var previous: UInt32?
        for term in affectedTerms where term != previous {
            previous = term
            postings[Int(term)].removeAll { documentEntries[Int($0.document)] == .max }
        }
        for term in entrySlot.terms { entryFrequency[Int(term.term)] -= 1 }
        totalEntryLength -= entrySlot.length
        entryCount -= 1
        changeAssociations(symbolSets, by: -1, changedSymbols: &changedSymbols)
        for key in entrySlot.exactKeys {
            let hash = Self.exactKeyHash(key)
            exactMatches[hash]?.removeAll { $0 == slot }
            if exactMatches[hash]?.isEmpty == true { exactMatches[hash] = nil }
        }
        entries[Int(slot)] = nil
        entryTerms[Int(slot)] = []
        freeEntries.append(slot)
        slotByID[entrySlot.entry.id] = nil
    }

    /// Counts, for every ordered pair of an entry's questions, the symbols one has and the other
    /// lacks, and the pairs of such symbols, adding `delta` times each count to the association
    /// table (1 for an entry added, -1 for one removed).
    ///
    /// The counts follow from how many questions have each symbol and each pair of symbols,
    /// rather than from comparing every pair of questions (quadratic in the questions: an entry
    /// with 8,000 took half a minute). Of n questions, c(a) with symbol a, c(a,b) with both a
    /// and b: a is in one question and not the other of c(a)·(n − c(a)) ordered pairs, and a only
    /// in the first while b is only in the second in (c(a) − c(a,b))·(c(b) − c(a,b)) of them.
    /// The cost is the sum of the squares of the questions' symbol counts, for c(a,b), plus the
    /// square of the entry's distinct symbols, for the pairs it changes (the same pairs the
    /// comparison changed).
    ///
    /// - Parameter changedSymbols: Gets the symbols whose single counts changed; their values
    ///   need ``refreshAssociationValues(of:)``.
    private mutating func changeAssociations(
        _ symbolSets: [Set<UInt32>],
        by delta: Int32,
        changedSymbols: inout Set<UInt32>
    ) {
        let questionCount = symbolSets.count
        guard questionCount > 1 else { return }
        // The entry's symbols, ascending (so that the neighbour lists fill in the same order in
        // every process), and each symbol's position among them.
        var position: [UInt32: Int] = [:]
        for set in symbolSets {
            for symbol in set where position[symbol] == nil { position[symbol] = 0 }
        }
        let symbols = position.keys.sorted()
        for (i, symbol) in symbols.enumerated() { position[symbol] = i }
        let symbolCount = symbols.count

        // c(a), and c(a,b) for the pairs that share a question, as lists per symbol.
        var containing = [Int](repeating: 0, count: symbolCount)
        var together: [UInt64: Int] = [:]
        var members: [Int] = []
        for set in symbolSets {
            members.removeAll(keepingCapacity: true)
            for symbol in set { members.append(position[symbol]!) }
            members.sort()
            for (x, i) in members.enumerated() {
                containing[i] += 1
                for j in members[(x + 1)...] { together[UInt64(i) << 32 | UInt64(j), default: 0] += 1 }
            }
        }
        var sharing = [[(other: Int, count: Int)]](repeating: [], count: symbolCount)
        for (key, count) in together {
            let i = Int(key >> 32)
            let j = Int(key & 0xFFFF_FFFF)
            sharing[i].append((j, count))
            sharing[j].append((i, count))
        }

        let n = questionCount
        let change = Int64(delta)
        var row = [Int](repeating: 0, count: symbolCount)
        for i in 0..<symbolCount {
            let a = symbols[i]
            let singles = containing[i] * (n - containing[i])
            guard singles > 0 else { continue }
            changedSymbols.insert(a)
            associationSingles[Int(a)] = UInt32(Int64(associationSingles[Int(a)]) + change * Int64(singles))
            for (j, count) in sharing[i] { row[j] = count }
            // Where each neighbour of a sits in its list, built when a pair that is one changes.
            var neighbourIndex: [UInt32: Int]?
            var dropped = Set<UInt32>()
            for j in 0..<symbolCount where j != i {
                let both = row[j]
                let pairs = (containing[i] - both) * (containing[j] - both)
                guard pairs > 0 else { continue }
                let b = symbols[j]
                let key = UInt64(a) << 32 | UInt64(b)
                let before = associationPairs[key] ?? 0
                let after = UInt32(Int64(before) + change * Int64(pairs))
                associationPairs[key] = after == 0 ? nil : after
                if before < Self.minimumAssociationCount && after >= Self.minimumAssociationCount {
                    neighbourIndex?[b] = associationNeighbours[Int(a)].count
                    associationNeighbours[Int(a)].append(Neighbour(symbol: b, pairs: after, value: 0))
                } else if before >= Self.minimumAssociationCount && after < Self.minimumAssociationCount {
                    dropped.insert(b)
                } else if after >= Self.minimumAssociationCount {
                    if neighbourIndex == nil {
                        var index: [UInt32: Int] = [:]
                        for (k, neighbour) in associationNeighbours[Int(a)].enumerated() { index[neighbour.symbol] = k }
                        neighbourIndex = index
                    }
                    if let k = neighbourIndex?[b] { associationNeighbours[Int(a)][k].pairs = after }
                }
            }
            if !dropped.isEmpty { associationNeighbours[Int(a)].removeAll { dropped.contains($0.symbol) } }
            for (j, _) in sharing[i] { row[j] = 0 }
        }
    }

    /// FNV-1a over the key's UTF-8: hashing a String in a dictionary normalises it first, which
    /// dominated building the index.
    static func exactKeyHash(_ key: String) -> UInt64 { exactKeyHash(utf8: key.utf8) }

    /// ``exactKeyHash(_:)`` of the key with this UTF-8.
    static func exactKeyHash<Bytes: Sequence<UInt8>>(utf8: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// Pairs seen fewer times than this are noise.
    static let minimumAssociationCount: UInt32 = 2

    /// Recomputes the association values that involve `symbols` (whose counts changed), in both
    /// directions, and keeps each list strongest first (then by symbol id, so that matching gives
    /// the same answers in every process).
    ///
    /// A pair's count is the same both ways, so its value is too: each list that holds a changed
    /// symbol is recomputed whole, in one pass, rather than searching the other end's list for
    /// every pair.
    private mutating func refreshAssociationValues(of symbols: Set<UInt32>) {
        var touched = symbols
        for a in symbols {
            for neighbour in associationNeighbours[Int(a)] { touched.insert(neighbour.symbol) }
        }
        let singles = associationSingles
        for symbol in touched {
            let own = Float(singles[Int(symbol)])
            for index in associationNeighbours[Int(symbol)].indices {
                let neighbour = associationNeighbours[Int(symbol)][index]
                let product = own * Float(singles[Int(neighbour.symbol)])
                associationNeighbours[Int(symbol)][index].value =
                    product > 0 ? Float(neighbour.pairs) / product.squareRoot() : 0
            }
            // Ties go to the lower symbol id: the lists were filled in Set order, which changes
            // with each process's hash seed, and only the strongest few are used.
            associationNeighbours[Int(symbol)].sort { ($0.value, $1.symbol) > ($1.value, $0.symbol) }
        }
    }

    private mutating func refreshIDF() {
        let documents = Float(documentCount)
        let entries = Float(entryCount)
        unseenIDF = Self.idf(frequency: 0, count: documents)
        termIDF = documentFrequency.map { Self.idf(frequency: Float($0), count: documents) }
        // A term no entry has any more counts nothing at entry level.
        entryTermIDF = entryFrequency.map { $0 == 0 ? 0 : Self.idf(frequency: Float($0), count: entries) }
        symbolIDF = symbolFrequency.map { Self.idf(frequency: Float($0), count: documents) }
    }

    /// BM25's idf: ln(1 + (N − df + 0.5)/(df + 0.5)).
    static func idf(frequency: Float, count: Float) -> Float {
        log(1 + (count - frequency + 0.5) / (frequency + 0.5))
    }

    static func count(of term: UInt32, in terms: [TermCount]) -> UInt16? {
        var low = 0
        var high = terms.count
        while low < high {
            let middle = (low + high) / 2
            if terms[middle].term < term { low = middle + 1 } else { high = middle }
        }
        return low < terms.count && terms[low].term == term ? terms[low].count : nil
    }

    // MARK: - Interning

    private mutating func intern(word: String) -> UInt32 {
        if let id = wordIDs[word] { return id }
        let id = UInt32(wordIDs.count)
        precondition(id < TermCode.firstUnknownWord, "too many distinct words")
        wordIDs[word] = id
        return id
    }

    private mutating func intern(term code: UInt64) -> UInt32 {
        if let id = termIDs[code] { return id }
        let id = UInt32(termIDs.count)
        termIDs.insert(code, id: id)
        termIsPair.append(TermCode.isPair(code))
        documentFrequency.append(0)
        entryFrequency.append(0)
        postings.append([])
        termIDF.append(0)
        entryTermIDF.append(0)
        return id
    }

    private mutating func intern(symbol code: UInt32) -> UInt32 {
        if let id = symbolIDs[UInt64(code)] { return id }
        let id = UInt32(symbolIDs.count)
        symbolIDs.insert(UInt64(code), id: id)
        symbolFrequency.append(0)
        symbolIDF.append(0)
        associationSingles.append(0)
        associationNeighbours.append([])
        return id
    }

    private mutating func intern(skill: String) -> UInt32 {
        if let id = skillIDs[skill] { return id }
        let id = UInt32(skillIDs.count)
        skillIDs[skill] = id
        return id
    }
}
