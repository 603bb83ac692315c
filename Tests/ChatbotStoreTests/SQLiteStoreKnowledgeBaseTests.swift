import ChatbotEngine
import ChatbotStore
import Foundation
import Synchronization
import Testing

@Suite struct SQLiteStoreKnowledgeBaseTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    /// A store on `:memory:` with one bot.
    static func storeWithBot() throws -> (SQLiteStore, Bot) {
        let store = try SQLiteStore(path: ":memory:", now: { 1_700_000_000_000 })
        let bot = try store.addBot(name: "FAQ", appID: "wx1", token: "tokenA", encodingAESKey: key)
        return (store, bot)
    }

    static func entry(_ key: String, question: String? = nil, answer: String? = nil) -> FAQEntry {
        FAQEntry(
            key: key,
            skill: "skill",
            question: question ?? "question \(key)",
            similar: ["similar \(key)"],
            answers: [answer ?? "answer \(key)"]
        )
    }

    static func revision(_ store: SQLiteStore, _ bot: Bot) throws -> KnowledgeBaseRevision? {
        try store.knowledgeBaseRevisions().first { $0.botID == bot.id }
    }

    @Test func importsEntriesWithNewIDsInInputOrder() throws {
        let (store, bot) = try Self.storeWithBot()
        #expect(try store.entries(botID: bot.id, env: .debug).isEmpty)
        let entries = [
            FAQEntry(
                key: "k2",
                skill: "花呗",
                question: "花呗怎么还款？",
                similar: ["花呗如何还钱", "怎么还花呗"],
                answers: ["在支付宝首页点「花呗」，再点「还款」。", "也可以设置自动还款。"],
                threshold: 0.9
            ),
            FAQEntry(key: "k1", skill: "", question: "What can you do?", answers: ["I answer questions."]),
            Self.entry("k3"),
        ]
        let stored = try store.importEntries(botID: bot.id, entries, replace: false)
        #expect(stored.map(\.key) == ["k2", "k1", "k3"])
        #expect(stored.allSatisfy { $0.id > 0 })
        #expect(stored.map(\.id) == stored.map(\.id).sorted())
        for (given, back) in zip(entries, stored) {
            var expected = given
            expected.id = back.id
            #expect(back == expected)
        }
        #expect(try store.entries(botID: bot.id, env: .debug) == stored)
        #expect(try store.entryCount(botID: bot.id, env: .debug) == 3)
        // Nothing is published before publish.
        #expect(try store.entries(botID: bot.id, env: .online).isEmpty)
        #expect(try store.entryCount(botID: bot.id, env: .online) == 0)
    }

    @Test func upsertsByKeyKeepingIDs() throws {
        let (store, bot) = try Self.storeWithBot()
        let first = try store.importEntries(botID: bot.id, [Self.entry("a"), Self.entry("b")], replace: false)
        var changedB = Self.entry("b", question: "new question", answer: "new answer")
        changedB.threshold = 0.5
        changedB.id = 12345  // ignored: keys select entries
        let second = try store.importEntries(botID: bot.id, [changedB, Self.entry("c")], replace: false)
        #expect(second[0].id == first[1].id)
        #expect(second[1].id > first[1].id)

        let all = try store.entries(botID: bot.id, env: .debug)
        #expect(all.map(\.key) == ["a", "b", "c"])
        #expect(all[0] == first[0])
        #expect(all[1].question == "new question" && all[1].answers == ["new answer"] && all[1].threshold == 0.5)

        // One entry at a time: the same rules; clearing the threshold clears it.
        changedB.threshold = nil
        let upserted = try store.upsertEntry(botID: bot.id, changedB).entry
        #expect(upserted.id == first[1].id)
        #expect(try store.entries(botID: bot.id, env: .debug)[1].threshold == nil)
        let added = try store.upsertEntry(botID: bot.id, Self.entry("d")).entry
        #expect(added.id > second[1].id)
        #expect(try store.entryCount(botID: bot.id, env: .debug) == 4)
    }

    @Test func replaceDeletesTheKeysNotGiven() throws {
        let (store, bot) = try Self.storeWithBot()
        let first = try store.importEntries(
            botID: bot.id,
            ["a", "b", "c"].map { Self.entry($0) },
            replace: false
        )
        let replaced = try store.importEntries(botID: bot.id, [Self.entry("c"), Self.entry("a")], replace: true)
        #expect(replaced.map(\.id) == [first[2].id, first[0].id])
        // Ordered by id, not by the order given.
        #expect(try store.entries(botID: bot.id, env: .debug).map(\.key) == ["a", "c"])

        // A deleted entry's id is never given again, even when it was the highest.
        let last = try store.upsertEntry(botID: bot.id, Self.entry("z")).entry
        #expect(try store.deleteEntry(botID: bot.id, key: "z"))
        let next = try store.upsertEntry(botID: bot.id, Self.entry("z")).entry
        #expect(next.id > last.id)

        // Replacing with nothing empties the draft.
        #expect(try store.importEntries(botID: bot.id, [], replace: true).isEmpty)
        #expect(try store.entries(botID: bot.id, env: .debug).isEmpty)
    }

    @Test func keepsEachBotsEntriesApart() throws {
        let (store, bot) = try Self.storeWithBot()
        let other = try store.addBot(name: "other", appID: "wx2", token: "tokenB", encodingAESKey: Self.key)
        let mine = try store.importEntries(botID: bot.id, [Self.entry("same"), Self.entry("a")], replace: false)
        let theirs = try store.importEntries(botID: other.id, [Self.entry("same", answer: "theirs")], replace: true)
        #expect(theirs[0].id != mine[0].id)
        #expect(try store.entries(botID: bot.id, env: .debug) == mine)
        #expect(try store.entries(botID: other.id, env: .debug) == theirs)
        _ = try store.publish(botID: other.id)
        #expect(try store.entries(botID: bot.id, env: .online).isEmpty)
        #expect(try store.entries(botID: other.id, env: .online) == theirs)
    }

    @Test func deletesEntriesByKey() throws {
        let (store, bot) = try Self.storeWithBot()
        _ = try store.importEntries(botID: bot.id, [Self.entry("a"), Self.entry("b")], replace: false)
        let before = try Self.revision(store, bot)?.draftRevision
        #expect(try store.deleteEntry(botID: bot.id, key: "a"))
        #expect(try Self.revision(store, bot)?.draftRevision == before.map { $0 + 1 })
        #expect(try !store.deleteEntry(botID: bot.id, key: "a"))
        #expect(try !store.deleteEntry(botID: bot.id, key: "never"))
        // Deleting nothing writes nothing.
        #expect(try Self.revision(store, bot)?.draftRevision == before.map { $0 + 1 })
        #expect(try store.entries(botID: bot.id, env: .debug).map(\.key) == ["b"])
    }

    static let invalidEntries: [(FAQEntry, String)] = [
        (FAQEntry(key: "", skill: "s", question: "q", answers: ["a"]), "an entry has an empty key"),
        (FAQEntry(key: "k", skill: "s", question: "", answers: ["a"]), #"entry "k": the question is empty"#),
        (FAQEntry(key: "k", skill: "s", question: "q", answers: []), #"entry "k": there is no answer"#),
        (FAQEntry(key: "k", skill: "s", question: "q", answers: ["a", ""]), #"entry "k": an answer is empty"#),
        (
            FAQEntry(key: "k", skill: "s", question: "q", similar: [""], answers: ["a"]),
            #"entry "k": a similar question is empty"#
        ),
        (
            FAQEntry(key: "k", skill: "s", question: "q", similar: (0...200).map { "q\($0)" }, answers: ["a"]),
            #"entry "k": too many similar questions: 201, the limit is 200"#
        ),
        (
            FAQEntry(key: "k", skill: "s", question: "q", answers: ["a"], threshold: 1.5),
            #"entry "k": the threshold must be between 0 and 1, got 1.5"#
        ),
        (
            FAQEntry(key: "k", skill: "s", question: "q", answers: ["a"], threshold: -0.1),
            #"entry "k": the threshold must be between 0 and 1, got -0.1"#
        ),
        (
            FAQEntry(key: "k", skill: "s", question: "q", answers: ["a"], threshold: .nan),
            #"entry "k": the threshold must be between 0 and 1, got nan"#
        ),
    ]

    @Test(arguments: invalidEntries)
    func refusesAnInvalidEntryWritingNothing(entry: FAQEntry, message: String) throws {
        let (store, bot) = try Self.storeWithBot()
        let kept = try store.importEntries(botID: bot.id, [Self.entry("kept")], replace: false)
        let revision = try Self.revision(store, bot)
        for replace in [false, true] {
            let error = #expect(throws: StoreError.self) {
                try store.importEntries(botID: bot.id, [Self.entry("new"), entry], replace: replace)
            }
            #expect(error?.code == .invalidEntry)
            #expect(error?.message == message)
        }
        let error = #expect(throws: StoreError.self) { try store.upsertEntry(botID: bot.id, entry) }
        #expect(error?.code == .invalidEntry)
        #expect(try store.entries(botID: bot.id, env: .debug) == kept)
        #expect(try Self.revision(store, bot) == revision)
    }

    @Test func acceptsAnEntryWithTheMostSimilarQuestions() throws {
        let (store, bot) = try Self.storeWithBot()
        let similar = (1...FAQEntry.maxSimilarQuestions).map { "q\($0)" }
        let entry = FAQEntry(key: "k", skill: "s", question: "q", similar: similar, answers: ["a"])
        #expect(try store.upsertEntry(botID: bot.id, entry).entry.similar.count == 200)
    }

    /// A write whose caller has gone by the time it could commit is rolled back; so is a publish.
    @Test func aWriteCancelledBeforeItsCommitIsRolledBack() throws {
        let (store, bot) = try Self.storeWithBot()
        let kept = try store.importEntries(botID: bot.id, [Self.entry("kept")], replace: false)
        let revision = try Self.revision(store, bot)
        var asked = 0
        let cancelled = { () -> Bool in
            asked += 1
            return true
        }
        for call in [
            { _ = try store.importEntries(botID: bot.id, [Self.entry("new")], replace: true, isCancelled: cancelled) },
            { _ = try store.upsertEntry(botID: bot.id, Self.entry("new"), isCancelled: cancelled) },
            { _ = try store.publish(botID: bot.id, isCancelled: cancelled) },
        ] {
            let error = #expect(throws: StoreError.self) { try call() }
            #expect(error?.code == .cancelled)
        }
        #expect(asked == 3)
        #expect(try store.entries(botID: bot.id, env: .debug) == kept)
        #expect(try store.entries(botID: bot.id, env: .online).isEmpty)
        #expect(try Self.revision(store, bot) == revision)
        #expect(try store.upsertEntry(botID: bot.id, Self.entry("new"), isCancelled: { false }).entry.key == "new")
    }

    @Test func refusesAKeyRepeatedInOneCall() throws {
        let (store, bot) = try Self.storeWithBot()
        let error = #expect(throws: StoreError.self) {
            try store.importEntries(
                botID: bot.id,
                [Self.entry("one"), Self.entry("常见问题-2"), Self.entry("常见问题-2")],
                replace: true
            )
        }
        #expect(error?.code == .invalidEntry)
        #expect(error?.message == #"entry "常见问题-2": the key appears more than once"#)
        #expect(try store.entries(botID: bot.id, env: .debug).isEmpty)
        #expect(try Self.revision(store, bot)?.draftRevision == 0)
    }

    @Test func refusesAnUnknownBot() throws {
        let (store, bot) = try Self.storeWithBot()
        let unknown = bot.id + 100
        func expectUnknownBot(_ call: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = #expect(throws: StoreError.self, sourceLocation: sourceLocation) { try call() }
            #expect(error?.code == .unknownBot, sourceLocation: sourceLocation)
            #expect(error?.message == "no bot has the id \(unknown)", sourceLocation: sourceLocation)
        }
        expectUnknownBot { _ = try store.importEntries(botID: unknown, [Self.entry("a")], replace: false) }
        expectUnknownBot { _ = try store.importEntries(botID: unknown, [], replace: true) }
        expectUnknownBot { _ = try store.upsertEntry(botID: unknown, Self.entry("a")) }
        expectUnknownBot { _ = try store.deleteEntry(botID: unknown, key: "a") }
        expectUnknownBot { _ = try store.publish(botID: unknown) }
        expectUnknownBot { try store.updateSettings(botID: unknown, BotSettings()) }
        #expect(try store.entries(botID: unknown, env: .debug).isEmpty)
        #expect(try store.entries(botID: unknown, env: .online).isEmpty)
        #expect(
            try store.knowledgeBaseRevisions() == [
                KnowledgeBaseRevision(botID: bot.id, draftRevision: 0, publishedVersion: 0)
            ]
        )
    }

    @Test func publishesACopyThatLaterDraftWritesDoNotChange() throws {
        let (store, bot) = try Self.storeWithBot()
        let draft = try store.importEntries(botID: bot.id, ["a", "b", "c"].map { Self.entry($0) }, replace: false)
        #expect(try store.publish(botID: bot.id) == 1)
        #expect(try store.entries(botID: bot.id, env: .online) == draft)

        // Draft writes of every kind leave the published copy as it was.
        _ = try store.upsertEntry(botID: bot.id, Self.entry("a", answer: "changed"))
        _ = try store.deleteEntry(botID: bot.id, key: "b")
        _ = try store.importEntries(botID: bot.id, [Self.entry("d")], replace: false)
        #expect(try store.entries(botID: bot.id, env: .online) == draft)
        #expect(try store.entryCount(botID: bot.id, env: .online) == 3)

        // The next publish replaces the copy whole, ids included.
        #expect(try store.publish(botID: bot.id) == 2)
        let republished = try store.entries(botID: bot.id, env: .online)
        #expect(republished == (try store.entries(botID: bot.id, env: .debug)))
        #expect(republished.map(\.key) == ["a", "c", "d"])
        #expect(republished[0].id == draft[0].id && republished[0].answer == "changed")

        // Publishing an empty draft empties the copy.
        _ = try store.importEntries(botID: bot.id, [], replace: true)
        #expect(try store.publish(botID: bot.id) == 3)
        #expect(try store.entries(botID: bot.id, env: .online).isEmpty)
    }

    @Test func countsRevisionsAndVersionsPerBot() throws {
        let (store, bot) = try Self.storeWithBot()
        let other = try store.addBot(name: "other", appID: "wx2", token: "tokenB", encodingAESKey: Self.key)
        func revisions() throws -> [Int64: (Int64, Int64)] {
            Dictionary(
                uniqueKeysWithValues: try store.knowledgeBaseRevisions().map {
                    ($0.botID, ($0.draftRevision, $0.publishedVersion))
                }
            )
        }
        #expect(try store.knowledgeBaseRevisions().map(\.botID) == [bot.id, other.id])
        #expect(try revisions()[bot.id]! == (0, 0))

        _ = try store.importEntries(botID: bot.id, [Self.entry("a"), Self.entry("b")], replace: false)
        #expect(try revisions()[bot.id]! == (1, 0))
        // upsertEntry returns the revisions its own write made.
        #expect(
            try store.upsertEntry(botID: bot.id, Self.entry("c")).revision
                == KnowledgeBaseRevision(botID: bot.id, draftRevision: 2, publishedVersion: 0)
        )
        #expect(try revisions()[bot.id]! == (2, 0))
        _ = try store.deleteEntry(botID: bot.id, key: "c")
        #expect(try revisions()[bot.id]! == (3, 0))
        #expect(try store.publish(botID: bot.id) == 1)
        #expect(try revisions()[bot.id]! == (3, 1))
        try store.updateSettings(botID: bot.id, BotSettings(threshold: 0.7))
        #expect(try revisions()[bot.id]! == (4, 1))
        #expect(
            try store.upsertEntry(botID: bot.id, Self.entry("c")).revision
                == KnowledgeBaseRevision(botID: bot.id, draftRevision: 5, publishedVersion: 1)
        )
        // A failed write bumps nothing.
        _ = try? store.importEntries(botID: bot.id, [Self.entry("x"), Self.entry("x")], replace: false)
        #expect(try revisions()[bot.id]! == (5, 1))
        #expect(try revisions()[other.id]! == (0, 0))
    }

    @Test(arguments: ["", "你好，机器人", "😀👍🏽", "a\u{0}b", "tab\tnew\nline\r", "quote ' \" \\ / ; DROP TABLE bots; --"])
    func keepsTextExactly(text: String) throws {
        let (store, bot) = try Self.storeWithBot()
        let entry = FAQEntry(
            key: "k" + text,
            skill: text,
            question: "q" + text,
            similar: ["s" + text, "s2" + text],
            answers: ["a" + text, #"{"news":{"articles":[{"title":"\#(text)"}]}}"#]
        )
        let stored = try store.upsertEntry(botID: bot.id, entry).entry
        #expect(try store.entries(botID: bot.id, env: .debug) == [stored])
        _ = try store.publish(botID: bot.id)
        #expect(try store.entries(botID: bot.id, env: .online) == [stored])
        #expect(try store.deleteEntry(botID: bot.id, key: "k" + text))
    }

    @Test func preparesEachStatementOnce() throws {
        let (store, bot) = try Self.storeWithBot()
        for n in 0..<20 {
            _ = try store.importEntries(botID: bot.id, [Self.entry("a\(n)"), Self.entry("b")], replace: n % 2 == 0)
            _ = try store.upsertEntry(botID: bot.id, Self.entry("c"))
            _ = try store.deleteEntry(botID: bot.id, key: "c")
            _ = try store.deleteEntry(botID: bot.id, key: "c")
            _ = try store.publish(botID: bot.id)
            _ = try store.entries(botID: bot.id, env: .debug)
            _ = try store.entries(botID: bot.id, env: .online)
            _ = try store.knowledgeBaseRevisions()
        }
        let count = store._testOnly_cachedStatementCount()
        _ = try store.importEntries(botID: bot.id, [Self.entry("a"), Self.entry("b")], replace: true)
        _ = try store.publish(botID: bot.id)
        #expect(store._testOnly_cachedStatementCount() == count)
    }

    @Test func publishIsAtomicForAReaderOnAnotherConnection() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let writer = try SQLiteStore(path: path)
            let reader = try SQLiteStore(path: path)
            let bot = try writer.addBot(name: "n", appID: "wx", token: "t", encodingAESKey: Self.key)
            let perSet = 200
            let rounds = 20
            let done = Flag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { done.value.store(true, ordering: .releasing) }
                    for round in 0..<rounds {
                        // Every published version holds one prefix's entries only.
                        let prefix = round % 2 == 0 ? "x" : "y"
                        let entries = (0..<perSet).map { Self.entry("\(prefix)\($0)") }
                        _ = try writer.importEntries(botID: bot.id, entries, replace: true)
                        #expect(try writer.publish(botID: bot.id) == Int64(round + 1))
                    }
                }
                group.addTask {
                    // At least one read, even when the writer is done before this task starts.
                    var snapshots = 0
                    repeat {
                        let online = try reader.entries(botID: bot.id, env: .online)
                        let prefixes = Set(online.map { $0.key.prefix(1) })
                        #expect(online.isEmpty || (online.count == perSet && prefixes.count == 1))
                        snapshots += 1
                    } while !done.value.load(ordering: .acquiring)
                    #expect(snapshots > 0)
                }
                try await group.waitForAll()
            }
            #expect(try reader.entries(botID: bot.id, env: .online).first?.key == "y0")
        }
    }

    @Test func keepsEntriesInAFileAcrossReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            let draft: [FAQEntry]
            let bot: Bot
            do {
                let store = try SQLiteStore(path: path)
                bot = try store.addBot(name: "n", appID: "wx", token: "t", encodingAESKey: Self.key)
                draft = try store.importEntries(botID: bot.id, (0..<50).map { Self.entry("k\($0)") }, replace: false)
                _ = try store.publish(botID: bot.id)
                _ = try store.deleteEntry(botID: bot.id, key: "k0")
            }
            let reopened = try SQLiteStore(path: path)
            #expect(try reopened.entries(botID: bot.id, env: .online) == draft)
            #expect(try reopened.entries(botID: bot.id, env: .debug) == Array(draft.dropFirst()))
            #expect(
                try reopened.knowledgeBaseRevisions()
                    == [KnowledgeBaseRevision(botID: bot.id, draftRevision: 2, publishedVersion: 1)]
            )
        }
    }
}

/// A flag that tasks share.
private final class Flag: Sendable {
    let value = Atomic(false)
}

@Suite struct SQLiteStoreSettingsTests {
    static let key = SQLiteStoreKnowledgeBaseTests.key

    @Test func newBotsHaveTheDefaultSettings() throws {
        let store = try SQLiteStore(path: ":memory:")
        let bot = try store.addBot(name: "n", appID: "wx", token: "t", encodingAESKey: Self.key)
        #expect(bot.settings == BotSettings())
        #expect(try store.bot(token: "t")?.settings == BotSettings())
    }

    @Test func roundTripsSettings() throws {
        let store = try SQLiteStore(path: ":memory:")
        let settings = BotSettings(
            threshold: 0.65,
            recommendRatio: 0.5,
            maxOptions: 5,
            fallbackAnswers: ["没听懂，换个说法试试？", "Sorry, I don't know that one. 😅"],
            recommendPrompt: "Did you mean:"
        )
        let bot = try store.addBot(name: "n", appID: "wx", token: "t", encodingAESKey: Self.key, settings: settings)
        #expect(bot.settings == settings)
        #expect(try store.bot(token: "t")?.settings == settings)
        let other = try store.addBot(name: "o", appID: "wx", token: "u", encodingAESKey: Self.key)

        var changed = settings
        changed.threshold = 1
        changed.recommendRatio = 0
        changed.maxOptions = 1
        changed.fallbackAnswers = ["only one"]
        changed.recommendPrompt = ""
        try store.updateSettings(botID: bot.id, changed)
        #expect(try store.bot(token: "t")?.settings == changed)
        #expect(try store.bots().map(\.settings) == [changed, BotSettings()])
        #expect(try store.bot(token: "u") == other)
    }

    static let invalidSettings: [(BotSettings, String)] = {
        func with(_ change: (inout BotSettings) -> Void) -> BotSettings {
            var settings = BotSettings()
            change(&settings)
            return settings
        }
        return [
            (with { $0.threshold = 1.01 }, "the threshold must be between 0 and 1, got 1.01"),
            (with { $0.threshold = .nan }, "the threshold must be between 0 and 1, got nan"),
            (with { $0.recommendRatio = -1 }, "the recommend ratio must be between 0 and 1, got -1.0"),
            (with { $0.maxOptions = 0 }, "the number of options must be 1 to 5, got 0"),
            (with { $0.maxOptions = 6 }, "the number of options must be 1 to 5, got 6"),
            (with { $0.fallbackAnswers = [] }, "there must be a fallback answer"),
            (with { $0.fallbackAnswers = ["ok", ""] }, "a fallback answer is empty"),
        ]
    }()

    @Test(arguments: invalidSettings)
    func refusesInvalidSettings(settings: BotSettings, message: String) throws {
        let store = try SQLiteStore(path: ":memory:")
        let bot = try store.addBot(name: "n", appID: "wx", token: "t", encodingAESKey: Self.key)
        let error = #expect(throws: StoreError.self) { try store.updateSettings(botID: bot.id, settings) }
        #expect(error?.code == .invalidSettings)
        #expect(error?.message == message)
        #expect(try store.bot(token: "t") == bot)
        let addError = #expect(throws: StoreError.self) {
            try store.addBot(name: "n", appID: "wx", token: "u", encodingAESKey: Self.key, settings: settings)
        }
        #expect(addError?.code == .invalidSettings)
        #expect(try store.bots() == [bot])
    }

    @Test func migratesAVersion1FileKeepingItsBots() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/chatbot.db"
            // A file as version 1 of the program left it, with two bots.
            let version1 = SQLiteMigration(
                version: 1,
                sql: SQLiteMigration.all[0].sql + """
                    INSERT INTO bots (name, appid, token, encoding_aes_key, approved, created_at)
                    VALUES ('老机器人', 'wx1', 'old1', '\(Self.key)', 1, 1600000000000),
                           ('second', 'wx2', 'old2', '\(Self.key)', 0, 1600000000001);
                    """
            )
            do {
                let old = try SQLiteStore._testOnly_open(path: path, migrations: [version1])
                #expect(try old.schemaVersion() == 1)
            }

            let store = try SQLiteStore(path: path)
            #expect(store.appliedMigrations == Array(SQLiteMigration.all.dropFirst().map(\.version)))
            let bots = try store.bots()
            #expect(
                bots == [
                    Bot(
                        id: bots.first?.id ?? 0,
                        name: "老机器人",
                        appID: "wx1",
                        token: "old1",
                        encodingAESKey: Self.key,
                        approved: true,
                        createdAt: 1_600_000_000_000
                    ),
                    Bot(
                        id: bots.last?.id ?? 0,
                        name: "second",
                        appID: "wx2",
                        token: "old2",
                        encodingAESKey: Self.key,
                        approved: false,
                        createdAt: 1_600_000_000_001
                    ),
                ]
            )
            // Migration 2's written-out defaults are BotSettings' defaults.
            #expect(bots.allSatisfy { $0.settings == BotSettings() })
            #expect(try store.knowledgeBaseRevisions().map(\.draftRevision) == [0, 0])
            #expect(try store.knowledgeBaseRevisions().map(\.publishedVersion) == [0, 0])
            #expect(try store.entries(botID: bots[0].id, env: .debug).isEmpty)

            // The migrated bots take entries and settings like new ones.
            let stored = try store.upsertEntry(
                botID: bots[0].id,
                FAQEntry(key: "k", skill: "s", question: "q", answers: ["a"])
            ).entry
            #expect(try store.publish(botID: bots[0].id) == 1)
            #expect(try store.entries(botID: bots[0].id, env: .online) == [stored])
            try store.updateSettings(botID: bots[1].id, BotSettings(maxOptions: 2))
            #expect(try store.bot(token: "old2")?.settings.maxOptions == 2)
        }
    }
}
