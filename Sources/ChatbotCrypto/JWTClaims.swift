/// The claims of a platform JWT: those the operations read, typed, and the time claims checked
/// on verification. Other claims are allowed and ignored.
package struct JWTClaims: Sendable, Hashable {
    /// `userid`: who is talking (sign, aibot). A JSON integer is accepted as its decimal text.
    package var userID: String?
    /// `username` (sign; legacy message).
    package var userName: String?
    /// `avatar` (sign).
    package var avatar: String?
    /// `msg`: the user's message (legacy message).
    package var message: String?
    /// `iat`, seconds since the epoch.
    package var issuedAt: Int64?
    /// `exp`, seconds since the epoch; the token is rejected from this second on.
    package var expiresAt: Int64?
    /// `nbf`, seconds since the epoch; the token is rejected before this second.
    package var notBefore: Int64?
    /// `managerid`: who manages the bot (a management call credential).
    package var managerID: String?
    /// `aud`: whom the token is for; a JSON string is read as one audience.
    package var audience: [String]?

    package init(
        userID: String? = nil,
        userName: String? = nil,
        avatar: String? = nil,
        message: String? = nil,
        issuedAt: Int64? = nil,
        expiresAt: Int64? = nil,
        notBefore: Int64? = nil,
        managerID: String? = nil,
        audience: [String]? = nil
    ) {
        self.userID = userID
        self.userName = userName
        self.avatar = avatar
        self.message = message
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.managerID = managerID
        self.audience = audience
    }

    /// The `userid` claim, or ``CryptoError/Code-swift.struct/missingUserID`` when it is absent or empty.
    package func requireUserID() throws(CryptoError) -> String {
        guard let userID, !userID.isEmpty else { throw CryptoError(.missingUserID, "signature carries no userid") }
        return userID
    }

    /// The claims as compact JSON, in the order PyJWT users write them: userid, username, avatar,
    /// msg, managerid, aud, iat, exp, nbf; absent claims are left out (one audience as a string). Written straight into the bytes: this is
    /// on every Sign.
    package var serialized: [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        if let userID { writer.write(member: "userid", string: userID) }
        if let userName { writer.write(member: "username", string: userName) }
        if let avatar { writer.write(member: "avatar", string: avatar) }
        if let message { writer.write(member: "msg", string: message) }
        if let managerID { writer.write(member: "managerid", string: managerID) }
        if let audience {
            if audience.count == 1 {
                writer.write(member: "aud", string: audience[0])
            } else {
                writer.write(member: "aud", value: .array(audience.map { .string($0) }))
            }
        }
        if let issuedAt { writer.write(member: "iat", integer: issuedAt) }
        if let expiresAt { writer.write(member: "exp", integer: expiresAt) }
        if let notBefore { writer.write(member: "nbf", integer: notBefore) }
        writer.endObject()
        return writer.bytes
    }

    /// Parses the decoded payload segment. (A static function rather than an initialiser, so
    /// that the result is moved out instead of copied into `self`.)
    static func parse(_ payload: UnsafeRawBufferPointer) throws(CryptoError) -> JWTClaims {
        var claims = JWTClaims()
        var reader = JSONReader(payload)
        do throws(CryptoError) {
            try reader.readMembers { key, reader throws(CryptoError) in
                if key.equals("userid") {
                    claims.userID = try text(&reader, claim: "userid", allowInteger: true)
                } else if key.equals("username") {
                    claims.userName = try text(&reader, claim: "username")
                } else if key.equals("avatar") {
                    claims.avatar = try text(&reader, claim: "avatar")
                } else if key.equals("msg") {
                    claims.message = try text(&reader, claim: "msg")
                } else if key.equals("iat") {
                    claims.issuedAt = try numericDate(&reader, claim: "iat")
                } else if key.equals("exp") {
                    claims.expiresAt = try numericDate(&reader, claim: "exp")
                } else if key.equals("nbf") {
                    claims.notBefore = try numericDate(&reader, claim: "nbf")
                } else if key.equals("managerid") {
                    claims.managerID = try text(&reader, claim: "managerid")
                } else if key.equals("aud") {
                    claims.audience = try audience(&reader)
                } else {
                    try reader.skipValue()
                }
            }
            try reader.expectEnd()
        } catch  where error.code == .malformedJSON {
            throw CryptoError(.malformedToken, "JWT payload is not a JSON object: \(error.message)")
        }
        return claims
    }

    private static func text(
        _ reader: inout JSONReader,
        claim: String,
        allowInteger: Bool = false
    ) throws(CryptoError) -> String {
        if reader.nextIsString() { return try reader.readString() }
        if allowInteger && reader.nextIsNumber() {
            let number = try reader.readInteger()
            if number.value != nil { return String(decoding: number.literal, as: UTF8.self) }
        }
        throw CryptoError(.malformedToken, "JWT claim '\(claim)' must be a string")
    }

    /// `aud` (RFC 7519 §4.1.3): a string or an array of strings.
    private static func audience(_ reader: inout JSONReader) throws(CryptoError) -> [String] {
        if reader.nextIsString() { return [try reader.readString()] }
        if case .array(let items) = try reader.readValue() {
            let audience = items.compactMap(\.stringValue)
            if audience.count == items.count { return audience }
        }
        throw CryptoError(.malformedToken, "JWT claim 'aud' must be a string or an array of strings")
    }

    /// An RFC 7519 NumericDate: an integer or a decimal number of seconds, truncated toward negative infinity.
    private static func numericDate(_ reader: inout JSONReader, claim: String) throws(CryptoError) -> Int64 {
        if reader.nextIsNumber() {
            let number = try reader.readInteger()
            if let value = number.value { return value }
            if let d = Double(String(decoding: number.literal, as: UTF8.self)), d.isFinite, d.magnitude < 9e18 {
                return Int64(d.rounded(.down))
            }
        }
        throw CryptoError(.malformedToken, "JWT claim '\(claim)' must be a number of seconds")
    }
}
