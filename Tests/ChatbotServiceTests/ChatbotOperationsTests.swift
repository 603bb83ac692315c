import ChatbotCrypto
import ChatbotEngine
import ChatbotRPC
import ChatbotService
import ChatbotStore
import Foundation
import NIOPosix
import Synchronization
import Testing

/// The operations on a real store (a file in a temporary folder) with two bots, each with the
/// manager `m1`.
@Suite(.timeLimit(.minutes(1))) struct ChatbotOperationsTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    static let now: Int64 = 1_700_000_000

    struct Fixture {
        var operations: ChatbotOperations
        var store: SQLiteStore
        var path: String
        var bot: BotEntry
        var other: BotEntry
    }

    func withOperations(_ body: (Fixture) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatbot-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("chatbot.db").path
        let store = try SQLiteStore(path: path)
        let first = try store.addBot(name: "a", appID: "wx0000000000000001", token: "tokenA", encodingAESKey: Self.key)
        let second = try store.addBot(name: "b", appID: "wx0000000000000002", token: "tokenB", encodingAESKey: Self.key)
        for bot in [first, second] { _ = try store.addManager(botID: bot.id, managerID: "m1") }
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let directory = BotDirectory(store: store, threadPool: threadPool) { Self.now * 1000 }
        let knowledgeBases = KnowledgeBases(store: store)
        try knowledgeBases.refresh()
        let operations = ChatbotOperations(
            directory: directory,
            knowledgeBases: knowledgeBases,
            store: store,
            threadPool: threadPool,
            now: { Self.now }
        )
        let fixture = Fixture(
            operations: operations,
            store: store,
            path: path,
            bot: try await directory.lookup(token: "tokenA"),
            other: try await directory.lookup(token: "tokenB")
        )
        do {
            try await body(fixture)
        } catch {
            try await threadPool.shutdownGracefully()
            throw error
        }
        try await threadPool.shutdownGracefully()
    }

    static func autoReply(_ bot: BotEntry, title: String = "标准问题", questions: [String]) throws -> String {
        let items = questions.map { "<question><![CDATA[\($0)]]></question>" }.joined()
        let xml = """
            <xml><managerid>m1</managerid><skillname>测试</skillname><title>\(title)</title>\
            <content>答案</content><list>\(items)</list></xml>
            """
        return try bot.envelope.encrypt(xml)
    }

    static func batch(_ bot: BotEntry, questions: [String]) throws -> String {
        let items = questions.map { "<question>\($0)</question>" }.joined()
        let xml = """
            <xml><managerid>m1</managerid><skill><skillname>测试</skillname><title>标准问题</title>\
            <answer>答案</answer>\(items)</skill></xml>
            """
        return try bot.envelope.encrypt(xml)
    }

    static func questions(_ count: Int) -> [String] { (0..<count).map { "第\($0)个相似问题" } }

    // MARK: The cap on similar questions

    @Test func setAutoReplyTakesUpToTheLimitOfSimilarQuestions() async throws {
        try await withOperations { f in
            let limit = FAQEntry.maxSimilarQuestions
            #expect(limit == 200)
            let id = try await f.operations.setAutoReply(
                bot: f.bot,
                encrypt: Self.autoReply(f.bot, questions: Self.questions(limit)),
                peer: "test"
            )
            let stored = try f.store.entries(botID: f.bot.bot.id, env: .debug)
            #expect(stored.map(\.id) == [id] && stored[0].similar.count == limit)

            await #expect(throws: PlatformFailure(.managementFieldEmpty, "too many questions: 8000, the limit is 200"))
            {
                try await f.operations.setAutoReply(
                    bot: f.bot,
                    encrypt: Self.autoReply(f.bot, questions: Self.questions(8000)),
                    peer: "test"
                )
            }
            // Counted as sent, repeats included.
            let repeated = Self.questions(limit) + ["第0个相似问题"]
            await #expect(throws: PlatformFailure(.managementFieldEmpty, "too many questions: 201, the limit is 200")) {
                try await f.operations.setAutoReply(
                    bot: f.bot,
                    encrypt: Self.autoReply(f.bot, title: "其他", questions: repeated),
                    peer: "test"
                )
            }
            #expect(try f.store.entries(botID: f.bot.bot.id, env: .debug).map(\.id) == [id])
        }
    }

    @Test func batchImportSkillRefusesASkillOverTheLimit() async throws {
        try await withOperations { f in
            await #expect(
                throws: PlatformFailure(.managementFieldEmpty, "skill[0]: too many questions: 201, the limit is 200")
            ) {
                try await f.operations.batchImportSkill(
                    bot: f.bot,
                    encrypt: Self.batch(f.bot, questions: Self.questions(201)),
                    peer: "test"
                )
            }
            let imported = try await f.operations.batchImportSkill(
                bot: f.bot,
                encrypt: Self.batch(f.bot, questions: Self.questions(200)),
                peer: "test"
            )
            #expect(imported == 1)
        }
    }

    @Test func setAutoReplyRepeatsAreDroppedInOrder() async throws {
        try await withOperations { f in
            _ = try await f.operations.setAutoReply(
                bot: f.bot,
                encrypt: Self.autoReply(f.bot, questions: ["乙", "甲", " 乙 ", "标准问题", "丙", "甲"]),
                peer: "test"
            )
            #expect(try f.store.entries(botID: f.bot.bot.id, env: .debug).first?.similar == ["乙", "甲", "丙"])
        }
    }

    // MARK: Cancellation

    /// A client that goes away while its write waits for the database lock: the write is rolled
    /// back instead of committed.
    @Test func aWriteCancelledBeforeItCommitsIsNotCommitted() async throws {
        try await withOperations { f in
            // Another connection holds the write lock until told to let go.
            let other = try SQLiteStore(path: f.path)
            let locked = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            Thread {
                try? other._testOnly_holdingWriteLock {
                    locked.signal()
                    release.wait()
                }
            }.start()
            locked.wait()
            let operations = f.operations
            let encrypt = try Self.autoReply(f.bot, questions: ["有停车场吗"])
            let bot = f.bot
            let write = Task { try await operations.setAutoReply(bot: bot, encrypt: encrypt, peer: "test") }
            // Long enough for the write to reach the lock on the thread pool.
            try await Task.sleep(for: .milliseconds(300))
            write.cancel()
            release.signal()
            let result = await write.result
            #expect(throws: PlatformFailure.self) { try result.get() }
            #expect(try f.store.entries(botID: f.bot.bot.id, env: .debug).isEmpty)
            #expect(f.operations.knowledgeBases.knowledgeBase(botID: f.bot.bot.id, env: .debug).count == 0)
        }
    }

    // MARK: Query length

    @Test func aQueryOverTheLimitIsRefusedAndOneAtItIsMatched() async throws {
        try await withOperations { f in
            let limit = ChatbotOperations.maxQueryLength
            #expect(limit == 1000)
            let signature = try f.operations.sign(bot: f.bot, userID: "u", userName: "", avatar: "", peer: "test")
            // At the limit in scalars, over it in UTF-8 bytes: matched.
            let atLimit = String(repeating: "借", count: limit)
            let answer = try f.operations.query(bot: f.bot, DialogueQuery(signature: signature, query: atLimit))
            #expect(answer.query == atLimit)
            for text in [
                String(repeating: "借", count: limit + 1), String(repeating: "a", count: limit + 1),
                String(repeating: "👍🏽", count: 1 << 18),
            ] {
                let error = #expect(throws: PlatformFailure.self) {
                    try f.operations.query(bot: f.bot, DialogueQuery(signature: signature, query: text))
                }
                #expect(error?.errcode == .systemError && error?.isMalformedRequest == true)
                #expect(
                    error?.errmsg
                        == "query is too long: \(text.utf8.count) bytes, more than \(limit) characters; the limit is \(limit) characters"
                )
                #expect(error?.rpcError.code == .invalidArgument)
            }
            let message = try f.bot.jwtKey.sign(
                payload: Array(#"{"username":"u","msg":"\#(String(repeating: "借", count: limit + 1))"}"#.utf8)
            )
            let error = #expect(throws: PlatformFailure.self) { try f.operations.message(bot: f.bot, query: message) }
            #expect(error?.isMalformedRequest == true && error?.errmsg.hasPrefix("msg is too long") == true)
        }
    }
}
