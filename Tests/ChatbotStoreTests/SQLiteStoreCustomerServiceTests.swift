import ChatbotEngine
import ChatbotStore
import Foundation
import Testing

@Suite struct SQLiteStoreCustomerServiceTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    static func message(_ openID: String, channel: Int32 = 0) -> OutboxDraft {
        OutboxDraft(openID: openID, appID: "wx1", channel: channel, msg: "您好")
    }

    @Test func aGroupOfWritesCommitsTogetherAndAnUnknownBotFailsAlone() throws {
        let store = try SQLiteStore(path: ":memory:")
        let a = try store.addBot(name: "a", appID: "wx1", token: "A", encodingAESKey: Self.key)
        let serving = KefuRecord(botID: a.id, openID: "o1", state: .personServing, expiresAt: 10_000, updatedAt: 1)
        let results = try store.commit([
            CustomerServiceWrite(botID: a.id, state: serving, message: Self.message("o1")),
            CustomerServiceWrite(botID: a.id + 1, message: Self.message("o2")),
            CustomerServiceWrite(botID: a.id, message: Self.message("o3", channel: 7)),
        ])
        #expect(try results[0].get().outboxSeq == 1)
        #expect(throws: StoreError.self) { try results[1].get() }
        #expect(try results[2].get().outboxSeq == 2)
        #expect(try store.kefuRecord(botID: a.id, openID: "o1") == serving)
        #expect(try store.kefuRecord(botID: a.id, openID: "o2") == nil)
        #expect(try store.outbox(botID: a.id, after: 0, channels: [], limit: 10).map(\.seq) == [1, 2])
        #expect(try store.outbox(botID: a.id, after: 1, channels: [], limit: 10).map(\.message.openID) == ["o3"])
        #expect(try store.outbox(botID: a.id, after: 0, channels: [7, 9], limit: 10).map(\.seq) == [2])
        #expect(try store.activeKefuRecords(now: 9_999) == [serving])
        #expect(try store.activeKefuRecords(now: 10_000).isEmpty)
    }

    @Test func noticesAreWrittenOnlyWithACallbackURLAndGoInOrderPerUser() throws {
        let store = try SQLiteStore(path: ":memory:")
        let a = try store.addBot(name: "a", appID: "wx1", token: "A", encodingAESKey: Self.key)
        let notice = { (openID: String) in CallbackDraft(openID: openID, payload: "<xml>\(openID)</xml>") }
        #expect(
            try store.commit([CustomerServiceWrite(botID: a.id, callbacks: [notice("o1")])])[0].get().callbacksWritten
                == 0
        )
        try store.setCallbackURL(botID: a.id, "http://127.0.0.1:9/cb")
        _ = try store.commit([
            CustomerServiceWrite(botID: a.id, callbacks: [notice("o1"), notice("o1")]),
            CustomerServiceWrite(botID: a.id, callbacks: [notice("o2")]),
        ])
        let now = Int64(Date().timeIntervalSince1970 * 1000) + 1000
        let due = try store.dueCallbacks(now: now, limit: 10)
        #expect(due.map(\.seq) == [1, 3])
        #expect(due.allSatisfy { $0.url == "http://127.0.0.1:9/cb" && $0.token == "A" })
        // o1's first fails and is due later: o1's second waits for it, o2 is delivered.
        try store.recordCallbackAttempt(
            botID: a.id,
            seq: 1,
            status: .pending,
            nextAttemptAt: now + 5000,
            error: "500",
            now: now
        )
        try store.recordCallbackAttempt(
            botID: a.id,
            seq: 3,
            status: .delivered,
            nextAttemptAt: now,
            error: "",
            now: now
        )
        #expect(try store.dueCallbacks(now: now, limit: 10).isEmpty)
        #expect(try store.nextCallbackDue() == now + 5000)
        try store.recordCallbackAttempt(
            botID: a.id,
            seq: 1,
            status: .dead,
            nextAttemptAt: now,
            error: "gave up",
            now: now
        )
        #expect(try store.dueCallbacks(now: now, limit: 10).map(\.seq) == [2])
        let dead = try store.deadCallbacks(botID: a.id, limit: 10)
        #expect(dead.map(\.seq) == [1] && dead[0].attempts == 2 && dead[0].lastError == "gave up")
        #expect(try store.retryCallbacks(botID: a.id, seq: nil, now: now) == 1)
        #expect(try store.dueCallbacks(now: now, limit: 10).map(\.seq) == [1])
        #expect(try store.pruneCustomerService(before: now + 60_000) == 1)
    }
}
