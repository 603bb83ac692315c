import ChatbotEngine
import Testing

@testable import ChatbotService

struct DialogueSessionsTests {
    @Test func aSessionIsKeptUntilItIsIdleTooLong() {
        let sessions = MemoryDialogueSessions(maxSessions: 100, idleTimeout: 10)
        var session = sessions.session(botID: 1, user: "u", now: 1000)
        session.turn = 3
        sessions.save(session, botID: 1, user: "u")
        #expect(sessions.session(botID: 1, user: "u", now: 11_000) == session)
        #expect(sessions.session(botID: 2, user: "u", now: 11_000).id != session.id)
        let later = sessions.session(botID: 1, user: "u", now: 11_001)
        #expect(later.id != session.id)
        #expect(later.turn == 0)
    }

    @Test func theCountStaysWithinItsBoundUnderManyUsers() {
        let sessions = MemoryDialogueSessions(maxSessions: 64, idleTimeout: 3600)
        for i in 0..<10_000 {
            var session = sessions.session(botID: 1, user: "user-\(i)", now: Int64(i))
            session.lastActive = Int64(i)
            sessions.save(session, botID: 1, user: "user-\(i)")
            #expect(sessions.count <= 64 + 16)
        }
        // The most recent users keep their sessions.
        let recent = sessions.session(botID: 1, user: "user-9999", now: 10_000)
        #expect(recent.lastActive == 9999)
    }
}
