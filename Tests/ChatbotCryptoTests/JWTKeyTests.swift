import ChatbotCrypto
import Testing

@Suite struct JWTKeyTests {
    static let vectors = CryptoVectors.shared.jwts
    static let key = try! JWTKey(secret: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    static let now: Int64 = 1_700_000_100

    @Test(arguments: vectors.map(\.name))
    func signsAndVerifiesPyJWTVectors(name: String) throws {
        let vector = Self.vectors.first { $0.name == name }!
        let key = try JWTKey(secret: vector.secret)
        #expect(try key.sign(payload: Array(vector.claims_json_signed.utf8)) == vector.expected_token)
        let claims = JWTClaims(
            userID: vector.claims.userid,
            userName: vector.claims.username,
            avatar: vector.claims.avatar,
            issuedAt: vector.claims.iat,
            expiresAt: vector.claims.exp
        )
        // Our own serialisation of the same claims is byte-identical to PyJWT's.
        #expect(try key.sign(claims) == vector.expected_token)
        #expect(try key.verify(vector.expected_token, now: vector.claims.iat) == claims)
    }

    @Test func reusesKeyedContextsAcrossManySignatures() throws {
        // Pins OpenSSL 3.0's EVP_MAC_init(ctx, NULL, 0, NULL): re-init keeps the key.
        let vector = Self.vectors[0]
        let key = try JWTKey(secret: vector.secret)
        for _ in 0..<1000 {
            #expect(try key.sign(payload: Array(vector.claims_json_signed.utf8)) == vector.expected_token)
        }
    }

    @Test func acceptsTokensWithoutTimeClaims() throws {
        let token = try Self.key.sign(JWTClaims(userID: "u1"))
        #expect(try Self.key.verify(token, now: Self.now) == JWTClaims(userID: "u1"))
        #expect(try Self.key.verify(token, now: Self.now).requireUserID() == "u1")
    }

    @Test func acceptsIntegerUserIDAndUnknownClaimsAndFractionalDates() throws {
        let token = try Self.key.sign(payload: Array(#"{"userid":42,"x":{"y":[1]},"exp":1700000200.9}"#.utf8))
        #expect(try Self.key.verify(token, now: Self.now) == JWTClaims(userID: "42", expiresAt: 1_700_000_200))
    }

    @Test func acceptsAnEquivalentNonCanonicalHeader() throws {
        let header = Base64.encode(Array(#"{"typ":"JWT","alg":"HS256"}"#.utf8), alphabet: .url)
        let other = try Self.key.sign(JWTClaims(userID: "u"))
        let parts = other.split(separator: ".")
        // Re-sign with the other header through a token we build by hand.
        let signingInput = header + "." + parts[1]
        let resigned = try Self.key.sign(payload: Array(#"{"userid":"u"}"#.utf8))
        #expect(resigned == other)
        #expect(throws: CryptoError(.badSignature, "JWT signature does not match the bot's key")) {
            try Self.key.verify(signingInput + "." + parts[2], now: Self.now)
        }
    }

    @Test func rejectsExpiredAndNotYetValid() throws {
        let token = try Self.key.sign(JWTClaims(userID: "u", expiresAt: Self.now))
        #expect(throws: CryptoError(.expired, "signature expired at \(Self.now) (now \(Self.now))")) {
            try Self.key.verify(token, now: Self.now)
        }
        #expect(try Self.key.verify(token, now: Self.now - 1).userID == "u")
        #expect(try Self.key.verify(token, now: Self.now, leeway: 1).userID == "u")
        let early = try Self.key.sign(JWTClaims(userID: "u", notBefore: Self.now + 10))
        #expect(throws: CryptoError(.notYetValid, "signature is not valid before \(Self.now + 10) (now \(Self.now))")) {
            try Self.key.verify(early, now: Self.now)
        }
    }

    @Test func rejectsTamperingInEverySegment() throws {
        let token = try Self.key.sign(JWTClaims(userID: "alice", expiresAt: Self.now + 100))
        let bad = CryptoError(.badSignature, "JWT signature does not match the bot's key")
        var bytes = Array(token.utf8)
        let payloadStart = bytes.firstIndex(of: UInt8(ascii: "."))! + 1
        for index in [payloadStart, payloadStart + 5, bytes.count - 2] {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: bad) { try Self.key.verify(String(decoding: bytes, as: UTF8.self), now: Self.now) }
            bytes[index] = original
        }
        let otherKey = try JWTKey(secret: "ekEa8YrO33F+mknIW9BlaHcxAkspLTsogieqOo7tfJ4")
        #expect(throws: bad) { try otherKey.verify(token, now: Self.now) }
        #expect(throws: CryptoError(.badSignature, "JWT signature segment has 42 characters, HS256 needs 43")) {
            try Self.key.verify(String(token.dropLast()), now: Self.now)
        }
    }

    @Test func rejectsOtherAlgorithms() throws {
        let payload = Base64.encode(Array(#"{"userid":"u"}"#.utf8), alphabet: .url)
        for alg in ["none", "HS512", "RS256"] {
            let header = Base64.encode(Array(#"{"alg":"\#(alg)","typ":"JWT"}"#.utf8), alphabet: .url)
            #expect(throws: CryptoError(.unsupportedAlgorithm, "JWT algorithm must be HS256")) {
                try Self.key.verify(header + "." + payload + "." + String(repeating: "A", count: 43), now: Self.now)
            }
        }
    }

    /// RFC 7515 §4.1.11: `crit` lists extensions the recipient must understand, and this one
    /// understands none, so a token with it is refused even when its signature is good. The tokens
    /// are signed with ``key`` over {"userid":"u"} (Python's hmac; the first by PyJWT).
    @Test(arguments: [
        // {"alg":"HS256","crit":["exp"],"typ":"JWT"}
        "eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiZXhwIl0sInR5cCI6IkpXVCJ9.eyJ1c2VyaWQiOiJ1In0.1WIZjgPPHGlQlTg6G7aB_vcCAWA3Q6k1FW2ggc-Vn98",
        // {"alg":"HS256","crit":[]}
        "eyJhbGciOiJIUzI1NiIsImNyaXQiOltdfQ.eyJ1c2VyaWQiOiJ1In0.ViW50Dq9jIWt3wFFuUzwNmAo5oZ5jsymWxYTBB7v-Jc",
        // {"alg":"HS256","b64":false,"crit":["b64"]}
        "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.eyJ1c2VyaWQiOiJ1In0.XqfIS8tho_Oc-23S_0quJU982LNnyTvD-1jc3X5_Gh4",
        // {"crit":null,"alg":"HS256"}
        "eyJjcml0IjpudWxsLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyaWQiOiJ1In0.4ytLAYBmf6VuosfyMebMvE5RLUgkFY9LW_Xu4U0KtDs",
    ])
    func rejectsACriticalHeaderExtension(token: String) throws {
        let error = CryptoError(
            .unsupportedExtension,
            "JWT header has a \"crit\" member: no JWS extension is supported (RFC 7515 §4.1.11)"
        )
        #expect(throws: error) { try Self.key.verify(token, now: Self.now) }
        // The same claims under the canonical header, signed the same way, are accepted.
        let canonical =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyaWQiOiJ1In0.wkXLcM_blfciZ6eHblYTh0pVg7fkBYo-PjvPV5gmymM"
        #expect(try Self.key.verify(canonical, now: Self.now).userID == "u")
    }

    @Test(arguments: [
        ("", CryptoError(.emptyToken, "signature is empty")),
        ("abc", CryptoError(.malformedToken, "signature is not a JWT: expected three dot-separated segments")),
        ("a.b", CryptoError(.malformedToken, "signature is not a JWT: expected three dot-separated segments")),
        ("a.b.c.d", CryptoError(.malformedToken, "signature is not a JWT: expected three dot-separated segments")),
        (".b.c", CryptoError(.malformedToken, "signature is not a JWT: expected three dot-separated segments")),
        ("e30*.b.c", CryptoError(.malformedToken, "JWT header is not base64url: invalid base64 character at offset 3")),
        (
            "bm90IGpzb24.b.c",
            CryptoError(.malformedToken, "JWT header is not JSON: malformed JSON at offset 0: expected a JSON value")
        ),
    ])
    func rejectsMalformedTokens(token: String, error: CryptoError) {
        #expect(throws: error) { try Self.key.verify(token, now: Self.now) }
    }

    @Test(arguments: [
        (#"[1]"#, "JWT payload is not a JSON object: malformed JSON at offset 0: expected a JSON object"),
        (
            #"{"userid":"u""#,
            "JWT payload is not a JSON object: malformed JSON at offset 13: expected ',' or '}' in object"
        ),
        (#"{"userid":["u"]}"#, "JWT claim 'userid' must be a string"),
        (#"{"exp":"soon"}"#, "JWT claim 'exp' must be a number of seconds"),
    ])
    func rejectsSignedButMalformedPayloads(payload: String, message: String) throws {
        let token = try Self.key.sign(payload: Array(payload.utf8))
        #expect(throws: CryptoError(.malformedToken, message)) { try Self.key.verify(token, now: Self.now) }
    }

    @Test func missingUserIDIsItsOwnError() throws {
        let token = try Self.key.sign(JWTClaims(userName: "nobody"))
        let claims = try Self.key.verify(token, now: Self.now)
        #expect(throws: CryptoError(.missingUserID, "signature carries no userid")) { try claims.requireUserID() }
        #expect(throws: CryptoError(.missingUserID, "signature carries no userid")) {
            try JWTClaims(userID: "").requireUserID()
        }
    }

    @Test func rejectsAnEmptySecret() {
        #expect(throws: CryptoError(.invalidKey, "the JWT secret is empty")) { try JWTKey(secret: "") }
    }

    @Test func isSafeUnderConcurrentUse() async throws {
        let key = Self.key
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<500 {
                        let claims = JWTClaims(userID: "user-\(task)-\(i)", expiresAt: Self.now + 60)
                        let verified = try key.verify(try key.sign(claims), now: Self.now)
                        #expect(verified == claims)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
