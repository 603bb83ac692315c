import ChatbotEngine
import ChatbotStore
import Testing

@Suite struct SQLiteStoreManagerTests {
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    @Test func managersArePerBot() throws {
        let store = try SQLiteStore(path: ":memory:")
        let a = try store.addBot(name: "a", appID: "wx1", token: "A", encodingAESKey: Self.key)
        let b = try store.addBot(name: "b", appID: "wx2", token: "B", encodingAESKey: Self.key)
        #expect(try store.addManager(botID: a.id, managerID: "m1"))
        #expect(try !store.addManager(botID: a.id, managerID: "m1"))
        #expect(try store.addManager(botID: a.id, managerID: "m0"))
        #expect(try store.isManager(botID: a.id, managerID: "m1"))
        #expect(try !store.isManager(botID: b.id, managerID: "m1"))
        #expect(try !store.isManager(botID: a.id, managerID: "M1"))
        #expect(try store.managers(botID: a.id) == ["m0", "m1"])
        #expect(try store.managers(botID: b.id).isEmpty)
    }

    @Test func refusesAnUnknownBotAndAnEmptyManager() throws {
        let store = try SQLiteStore(path: ":memory:")
        let a = try store.addBot(name: "a", appID: "wx1", token: "A", encodingAESKey: Self.key)
        #expect { try store.addManager(botID: a.id + 1, managerID: "m") } throws: {
            ($0 as? StoreError)?.code == .unknownBot
        }
        #expect { try store.addManager(botID: a.id, managerID: "") } throws: {
            ($0 as? StoreError)?.code == .invalidSettings
        }
    }
}
