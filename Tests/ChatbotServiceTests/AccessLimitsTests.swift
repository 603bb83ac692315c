import ChatbotCrypto
import ChatbotEngine
import Logging
import Synchronization
import Testing

@testable import ChatbotService

/// A clock the test moves by hand, in nanoseconds.
private final class ManualClock: Sendable {
    private let value = Atomic<UInt64>(1_000_000_000)

    var now: @Sendable () -> UInt64 { { self.value.load(ordering: .relaxed) } }

    func advance(seconds: Double) { value.add(UInt64(seconds * 1e9), ordering: .relaxed) }
}

private let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

@Suite struct AccessLimitsTests {
    @Test func signBucketsRefillAtTheRateAndAreKeptPerBotAndAddress() {
        let clock = ManualClock()
        let limits = AccessLimits(AccessLimits.Settings(signRate: 2, signBurst: 3), logger: quiet, clock: clock.now)
        #expect((0..<4).map { _ in limits.allowSign(botID: 1, peer: "a") } == [true, true, true, false])
        #expect(limits.allowSign(botID: 1, peer: "b"))
        #expect(limits.allowSign(botID: 2, peer: "a"))
        clock.advance(seconds: 0.5)
        #expect(limits.allowSign(botID: 1, peer: "a"))
        #expect(!limits.allowSign(botID: 1, peer: "a"))
        clock.advance(seconds: 100)
        #expect((0..<4).map { _ in limits.allowSign(botID: 1, peer: "a") } == [true, true, true, false])
        #expect(limits.counts.signRefused == 3)
    }

    @Test func aRateOfZeroIsNoLimit() {
        let limits = AccessLimits(AccessLimits.Settings(signRate: 0, signBurst: 1))
        #expect((0..<1000).allSatisfy { _ in limits.allowSign(botID: 1, peer: "a") })
    }

    @Test func failedChecksLockAClientOutOfOneBotForAWhile() throws {
        let clock = ManualClock()
        let limits = AccessLimits(
            AccessLimits.Settings(maxFailures: 3, failureWindow: .seconds(60), lockout: .seconds(10)),
            logger: quiet,
            clock: clock.now
        )
        for _ in 0..<2 { limits.recordFailure(botID: 1, appID: "wx1", peer: "a") }
        #expect(limits.lockedOut(botID: 1, peer: "a") == nil)
        limits.recordFailure(botID: 1, appID: "wx1", peer: "a")
        let refusal = try #require(limits.lockedOut(botID: 1, peer: "a"))
        #expect(refusal.kind == .tooManyRequests && refusal.errmsg.hasSuffix("try again in 10 s"))
        #expect(limits.lockedOut(botID: 1, peer: "b") == nil)
        #expect(limits.lockedOut(botID: 2, peer: "a") == nil)
        // A success during the lockout does not end it.
        limits.recordSuccess(botID: 1, peer: "a")
        clock.advance(seconds: 9.5)
        #expect(limits.lockedOut(botID: 1, peer: "a")?.errmsg.hasSuffix("try again in 1 s") == true)
        clock.advance(seconds: 0.5)
        #expect(limits.lockedOut(botID: 1, peer: "a") == nil)
        // After it, the count starts again.
        for _ in 0..<2 { limits.recordFailure(botID: 1, appID: "wx1", peer: "a") }
        #expect(limits.lockedOut(botID: 1, peer: "a") == nil)
        #expect(limits.counts.lockouts == 1 && limits.counts.checkFailures == 5)
    }

    @Test func failuresOutsideTheWindowOrBeforeASuccessAreForgotten() {
        let clock = ManualClock()
        let limits = AccessLimits(
            AccessLimits.Settings(maxFailures: 3, failureWindow: .seconds(60), lockout: .seconds(10)),
            logger: quiet,
            clock: clock.now
        )
        for _ in 0..<2 { limits.recordFailure(botID: 1, appID: "wx1", peer: "a") }
        clock.advance(seconds: 61)
        for _ in 0..<2 { limits.recordFailure(botID: 1, appID: "wx1", peer: "a") }
        #expect(limits.lockedOut(botID: 1, peer: "a") == nil)
        limits.recordSuccess(botID: 1, peer: "a")
        for _ in 0..<2 { limits.recordFailure(botID: 1, appID: "wx1", peer: "a") }
        #expect(limits.lockedOut(botID: 1, peer: "a") == nil)
    }

    @Test func theTablesAreBoundedAndAFloodOfAddressesLocksNobodyOut() {
        let clock = ManualClock()
        let limits = AccessLimits(
            AccessLimits.Settings(signRate: 1, signBurst: 1, maxFailures: 1, maxTracked: 100),
            logger: quiet,
            clock: clock.now
        )
        for i in 0..<1000 {
            _ = limits.allowSign(botID: 1, peer: "flood-\(i)")
            limits.recordFailure(botID: 1, appID: "wx1", peer: "flood-\(i)")
        }
        // Past the bound a new address is served, untracked.
        #expect(limits.allowSign(botID: 1, peer: "new") && limits.allowSign(botID: 1, peer: "new"))
        #expect(limits.lockedOut(botID: 1, peer: "flood-999") == nil)
        #expect(limits.lockedOut(botID: 1, peer: "flood-0") != nil)
        // Once the entries hold nothing any more, they are swept out and new ones tracked.
        clock.advance(seconds: 400)
        #expect(limits.allowSign(botID: 1, peer: "later") && !limits.allowSign(botID: 1, peer: "later"))
    }
}

@Suite struct ManagementCredentialTests {
    private static let key = try! JWTKey(secret: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    private static let now: Int64 = 1_800_000_000

    private static func token(_ claims: JWTClaims, key: JWTKey = key) throws -> String {
        try key.sign(claims)
    }

    private static func claims(
        managerID: String? = "m1",
        audience: [String]? = ["chatbotd"],
        issuedAt: Int64? = now,
        expiresAt: Int64? = now + 600
    ) -> JWTClaims {
        JWTClaims(issuedAt: issuedAt, expiresAt: expiresAt, managerID: managerID, audience: audience)
    }

    private static func managerID(_ authorization: String?) throws(PlatformFailure) -> String {
        try ManagementCredential.managerID(authorization, key: key, now: now)
    }

    @Test func aGoodCredentialNamesItsManager() throws {
        #expect(try Self.managerID("Bearer " + Self.token(Self.claims())) == "m1")
        #expect(try Self.managerID("bearer  " + Self.token(Self.claims(audience: ["other", "chatbotd"]))) == "m1")
        #expect(try Self.managerID("Bearer " + Self.token(Self.claims(expiresAt: Self.now + 1))) == "m1")
    }

    @Test(
        arguments: [
            (nil, "needs a management credential"),
            ("", "needs a management credential"),
            ("Basic abc", "authorization must be \"Bearer <JWT>\""),
            ("Bearer", "authorization must be \"Bearer <JWT>\""),
            ("Bearer not.a.jwt", "management credential refused: "),
        ] as [(String?, String)]
    )
    func refusesWhatIsNotABearerJWT(authorization: String?, cause: String) {
        #expect {
            try Self.managerID(authorization)
        } throws: { error in
            let failure = error as? PlatformFailure
            return failure?.errcode == .signatureInvalid && failure?.errmsg.contains(cause) == true
        }
    }

    @Test func refusesBadClaimsAndAnotherKey() throws {
        let other = try JWTKey(secret: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg")
        let cases: [(String, String)] = [
            (try Self.token(Self.claims(), key: other), "does not match the bot's key"),
            (try Self.token(Self.claims(issuedAt: Self.now - 700, expiresAt: Self.now)), "expired"),
            (try Self.token(Self.claims(audience: nil)), "aud must be \"chatbotd\""),
            (try Self.token(Self.claims(audience: ["chatbot"])), "aud must be \"chatbotd\""),
            (try Self.token(Self.claims(issuedAt: nil)), "needs both iat and exp"),
            (try Self.token(Self.claims(expiresAt: nil)), "needs both iat and exp"),
            (try Self.token(Self.claims(expiresAt: Self.now + 3601)), "more than 3600 s after its iat"),
            (
                try Self.token(Self.claims(issuedAt: Self.now + 120, expiresAt: Self.now + 180)),
                "is in the future"
            ),
            (try Self.token(Self.claims(managerID: nil)), "carries no managerid"),
            (try Self.token(Self.claims(managerID: "")), "carries no managerid"),
        ]
        for (token, cause) in cases {
            #expect {
                try Self.managerID("Bearer " + token)
            } throws: { error in
                let failure = error as? PlatformFailure
                return failure?.errcode == .signatureInvalid && failure?.errmsg.contains(cause) == true
            }
        }
    }

    @Test func audienceIsAStringOrAnArrayOfStrings() throws {
        let array = try Self.key.sign(payload: Array(#"{"aud":["a","chatbotd"],"managerid":"m"}"#.utf8))
        #expect(try Self.key.verify(array, now: Self.now).audience == ["a", "chatbotd"])
        let string = try Self.key.sign(payload: Array(#"{"aud":"chatbotd"}"#.utf8))
        #expect(try Self.key.verify(string, now: Self.now).audience == ["chatbotd"])
        let number = try Self.key.sign(payload: Array(#"{"aud":[1]}"#.utf8))
        #expect(throws: CryptoError.self) { try Self.key.verify(number, now: Self.now) }
    }
}
