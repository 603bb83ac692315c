import ChatbotEngine
import ChatbotService
import ChatbotStore
import Foundation
import Testing

/// ``KnowledgeBases/applyDraftUpsert(_:revision:)``: a draft write of this server's changes the
/// draft in memory in place when nothing came in between, and refreshes otherwise.
@Suite struct KnowledgeBasesTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    /// A store on `:memory:` with one bot whose draft holds two entries, and the knowledge bases
    /// loaded from it.
    static func loaded() throws -> (SQLiteStore, Bot, KnowledgeBases) {
        let store = try SQLiteStore(path: ":memory:", now: { 1_700_000_000_000 })
        let bot = try store.addBot(name: "FAQ", appID: "wx1", token: "tokenA", encodingAESKey: key)
        _ = try store.importEntries(
            botID: bot.id,
            [
                entry("hours", question: "when does the library open", answer: "At 9."),
                entry("wifi", question: "what is the wifi password", answer: "reader2024"),
            ],
            replace: false
        )
        let knowledgeBases = KnowledgeBases(store: store)
        try knowledgeBases.refresh()
        return (store, bot, knowledgeBases)
    }

    static func entry(_ key: String, question: String, similar: [String] = [], answer: String) -> FAQEntry {
        FAQEntry(key: key, skill: "library", question: question, similar: similar, answers: [answer])
    }

    /// The answer of the best candidate for `query`, if any.
    static func answer(
        _ knowledgeBases: KnowledgeBases,
        _ bot: Bot,
        _ env: KnowledgeBaseEnv,
        _ query: String
    ) -> String? {
        knowledgeBases.knowledgeBase(botID: bot.id, env: env).match(query).first?.entry.answers.first
    }

    @Test func appliesTheWriteAtTheNextRevisionInPlace() throws {
        let (store, bot, knowledgeBases) = try Self.loaded()
        let draft = knowledgeBases.knowledgeBase(botID: bot.id, env: .debug)
        let written = try store.upsertEntry(
            botID: bot.id,
            Self.entry("parking", question: "can I park at the library", similar: ["where to park"], answer: "Free.")
        )
        #expect(try knowledgeBases.applyDraftUpsert(written.entry, revision: written.revision))
        // The same knowledge base, changed in place, at the store's revision: nothing to reload.
        #expect(knowledgeBases.knowledgeBase(botID: bot.id, env: .debug) === draft)
        #expect(Self.answer(knowledgeBases, bot, .debug, "where to park") == "Free.")
        #expect(draft.entries == (try store.entries(botID: bot.id, env: .debug)))
        #expect(try knowledgeBases.refresh() == 0)
    }

    @Test func refreshesWhenAnotherWriteCameBetween() throws {
        let (store, bot, knowledgeBases) = try Self.loaded()
        // Another writer (chatbotctl, another replica): the store moves on without this server.
        _ = try store.upsertEntry(botID: bot.id, Self.entry("printing", question: "can I print here", answer: "Yes."))
        let written = try store.upsertEntry(
            botID: bot.id,
            Self.entry("parking", question: "can I park at the library", answer: "Free.")
        )
        #expect(try !knowledgeBases.applyDraftUpsert(written.entry, revision: written.revision))
        // The refresh brought both writes.
        #expect(Self.answer(knowledgeBases, bot, .debug, "can I print here") == "Yes.")
        #expect(Self.answer(knowledgeBases, bot, .debug, "can I park at the library") == "Free.")
        #expect(try knowledgeBases.refresh() == 0)
    }

    @Test func refreshesWhenAPublishCameBetween() throws {
        let (store, bot, knowledgeBases) = try Self.loaded()
        _ = try store.publish(botID: bot.id)  // not seen by this server yet
        let written = try store.upsertEntry(
            botID: bot.id,
            Self.entry("parking", question: "can I park at the library", answer: "Free.")
        )
        #expect(try !knowledgeBases.applyDraftUpsert(written.entry, revision: written.revision))
        #expect(Self.answer(knowledgeBases, bot, .online, "what is the wifi password") == "reader2024")
        #expect(Self.answer(knowledgeBases, bot, .online, "can I park at the library") != "Free.")
        #expect(Self.answer(knowledgeBases, bot, .debug, "can I park at the library") == "Free.")
    }

    @Test func copiesTheDraftSharedWithOnlineSoOnlineAnswersDoNotChange() throws {
        let (store, bot, knowledgeBases) = try Self.loaded()
        _ = try store.publish(botID: bot.id)
        try knowledgeBases.refresh()
        let online = knowledgeBases.knowledgeBase(botID: bot.id, env: .online)
        #expect(knowledgeBases.knowledgeBase(botID: bot.id, env: .debug) === online)

        // An existing entry changed, and a new one.
        for entry in [
            Self.entry("hours", question: "when does the library open", answer: "At 8:30."),
            Self.entry("parking", question: "can I park at the library", answer: "Free."),
        ] {
            let written = try store.upsertEntry(botID: bot.id, entry)
            #expect(try knowledgeBases.applyDraftUpsert(written.entry, revision: written.revision))
        }
        #expect(knowledgeBases.knowledgeBase(botID: bot.id, env: .online) === online)
        #expect(knowledgeBases.knowledgeBase(botID: bot.id, env: .debug) !== online)
        #expect(online.entries == (try store.entries(botID: bot.id, env: .online)))
        #expect(Self.answer(knowledgeBases, bot, .online, "when does the library open") == "At 9.")
        #expect(Self.answer(knowledgeBases, bot, .debug, "when does the library open") == "At 8:30.")
        #expect(Self.answer(knowledgeBases, bot, .online, "can I park at the library") != "Free.")
        #expect(Self.answer(knowledgeBases, bot, .debug, "can I park at the library") == "Free.")
        #expect(try knowledgeBases.refresh() == 0)
    }

    @Test func anUpsertOfAnExistingKeyDropsItsOldQuestions() throws {
        let (store, bot, knowledgeBases) = try Self.loaded()
        let before = try store.upsertEntry(
            botID: bot.id,
            Self.entry("parking", question: "can I park at the library", similar: ["garage entrance"], answer: "Free.")
        )
        #expect(try knowledgeBases.applyDraftUpsert(before.entry, revision: before.revision))
        #expect(Self.answer(knowledgeBases, bot, .debug, "garage entrance") == "Free.")

        let after = try store.upsertEntry(
            botID: bot.id,
            Self.entry(
                "parking",
                question: "can I park at the library",
                similar: ["bicycle racks"],
                answer: "Two hours."
            )
        )
        #expect(after.entry.id == before.entry.id)
        #expect(try knowledgeBases.applyDraftUpsert(after.entry, revision: after.revision))
        let draft = knowledgeBases.knowledgeBase(botID: bot.id, env: .debug)
        #expect(draft.match("garage entrance").isEmpty)
        #expect(Self.answer(knowledgeBases, bot, .debug, "bicycle racks") == "Two hours.")
        #expect(draft.entries.filter { $0.key == "parking" } == [after.entry])
        #expect(draft.entries == (try store.entries(botID: bot.id, env: .debug)))
    }

    @Test func refreshesABotNotLoadedYet() throws {
        let (store, _, knowledgeBases) = try Self.loaded()
        let other = try store.addBot(name: "New", appID: "wx2", token: "tokenB", encodingAESKey: Self.key)
        let written = try store.upsertEntry(
            botID: other.id,
            Self.entry("parking", question: "can I park at the library", answer: "Free.")
        )
        #expect(try !knowledgeBases.applyDraftUpsert(written.entry, revision: written.revision))
        #expect(Self.answer(knowledgeBases, other, .debug, "can I park at the library") == "Free.")
    }

    /// One bot's slow change (an entry of many questions, say) does not hold up another bot's:
    /// while bot A's change is stopped half-way, bot B's goes through.
    @Test(.timeLimit(.minutes(1)))
    func aSlowChangeOfOneBotDoesNotHoldUpAnotherBots() async throws {
        let store = try SQLiteStore(path: ":memory:", now: { 1_700_000_000_000 })
        let first = try store.addBot(name: "A", appID: "wx1", token: "tokenA", encodingAESKey: Self.key)
        let second = try store.addBot(name: "B", appID: "wx2", token: "tokenB", encodingAESKey: Self.key)
        let stopped = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let knowledgeBases = KnowledgeBases(store: store) { botID in
            guard botID == first.id else { return }
            stopped.signal()
            release.wait()
        }
        try knowledgeBases.refresh()
        let slow = try store.upsertEntry(botID: first.id, Self.entry("a", question: "slow question", answer: "A."))
        let quick = try store.upsertEntry(botID: second.id, Self.entry("b", question: "quick question", answer: "B."))
        let slowDone = DispatchSemaphore(value: 0)
        Thread {
            _ = try? knowledgeBases.applyDraftUpsert(slow.entry, revision: slow.revision)
            slowDone.signal()
        }.start()
        stopped.wait()
        let quickDone = DispatchSemaphore(value: 0)
        Thread {
            _ = try? knowledgeBases.applyDraftUpsert(quick.entry, revision: quick.revision)
            quickDone.signal()
        }.start()
        let waited = quickDone.wait(timeout: .now() + 5)
        release.signal()
        if waited == .timedOut { quickDone.wait() }
        slowDone.wait()
        #expect(waited == .success, "bot B's change waited for bot A's")
        #expect(Self.answer(knowledgeBases, second, .debug, "quick question") == "B.")
        #expect(Self.answer(knowledgeBases, first, .debug, "slow question") == "A.")
    }
}
