internal import COpenSSL
internal import Glibc

/// An HS256 JWT key: signs and verifies the platform's dialogue tokens.
///
/// The platform's secret is the bot's 43-character EncodingAESKey used as text (its UTF-8 bytes),
/// not the 32 bytes it decodes to. Verification runs over the segments exactly as received and
/// never re-serialises them. Tokens with and without `exp`/`iat` are accepted; an `exp` that has
/// passed or an `nbf` still ahead is rejected.
///
/// Thread-safe: each operation leases its own HMAC context from a pool.
package final class JWTKey: Sendable {
    private let contexts: ContextPool<HMACContext>

    /// `{"alg":"HS256","typ":"JWT"}`, as PyJWT and the platform's samples encode it.
    static let header = Array("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9".utf8)
    static let signatureCount = Base64.encodedCount(HMACContext.outputCount, alphabet: .url)

    /// - Parameter secret: The signing secret as text; for the platform, the bot's EncodingAESKey.
    package init(secret: some StringProtocol) throws(CryptoError) {
        guard !secret.isEmpty else { throw CryptoError(.invalidKey, "the JWT secret is empty") }
        let algorithms = try Algorithms.shared.get()
        let key = SecretBytes(secret.utf8)
        contexts = ContextPool { () throws(CryptoError) in try HMACContext(key: key, algorithms: algorithms) }
        // Fail now, not on the first request, if OpenSSL cannot key the MAC.
        try contexts.with { _ in }
    }

    /// Signs `claims`, serialised compactly in their canonical order.
    package func sign(_ claims: JWTClaims) throws(CryptoError) -> String {
        try sign(payload: claims.serialized)
    }

    /// Signs a JSON payload given as its exact bytes.
    package func sign(payload: [UInt8]) throws(CryptoError) -> String {
        let headerCount = Self.header.count
        let payloadCount = Base64.encodedCount(payload.count, alphabet: .url)
        let signingCount = headerCount + 1 + payloadCount
        let total = signingCount + 1 + Self.signatureCount
        var failure: CryptoError?
        let token = String(unsafeUninitializedCapacity: total) { out in
            let base = out.baseAddress!
            Self.header.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: headerCount) }
            base[headerCount] = UInt8(ascii: ".")
            payload.withUnsafeBytes { _ = Base64.encode($0, into: base + headerCount + 1, alphabet: .url) }
            base[signingCount] = UInt8(ascii: ".")
            do throws(CryptoError) {
                try withScratch(byteCount: HMACContext.outputCount) { mac throws(CryptoError) in
                    let m = mac.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    try contexts.with { ctx throws(CryptoError) in
                        try ctx.authenticate(UnsafeRawBufferPointer(start: base, count: signingCount), into: m)
                    }
                    Base64.encode(UnsafeRawBufferPointer(mac), into: base + signingCount + 1, alphabet: .url)
                }
            } catch {
                failure = error
                return 0
            }
            return total
        }
        if let failure { throw failure }
        return token
    }

    /// Verifies `token` and returns its claims.
    ///
    /// - Parameters:
    ///   - token: The compact JWT as the client sent it.
    ///   - now: The current time in seconds since the epoch.
    ///   - leeway: Seconds of clock skew to allow on `exp` and `nbf`.
    /// - Throws: ``CryptoError`` with code `emptyToken`, `malformedToken`, `unsupportedAlgorithm`,
    ///   `unsupportedExtension`, `badSignature`, `expired` or `notYetValid`.
    package func verify(_ token: String, now: Int64, leeway: Int64 = 0) throws(CryptoError) -> JWTClaims {
        guard !token.isEmpty else { throw CryptoError(.emptyToken, "signature is empty") }
        return try token.withUTF8Bytes { bytes throws(CryptoError) in try verify(bytes, now: now, leeway: leeway) }
    }

    private func verify(_ token: UnsafeRawBufferPointer, now: Int64, leeway: Int64) throws(CryptoError) -> JWTClaims {
        guard let firstDot = Self.indexOfDot(in: token, from: 0),
            let secondDot = Self.indexOfDot(in: token, from: firstDot + 1),
            Self.indexOfDot(in: token, from: secondDot + 1) == nil,
            firstDot > 0, secondDot > firstDot + 1
        else { throw CryptoError(.malformedToken, "signature is not a JWT: expected three dot-separated segments") }

        let header = UnsafeRawBufferPointer(rebasing: token[..<firstDot])
        let canonical = Self.header.withUnsafeBytes { h in
            header.count == h.count && memcmp(header.baseAddress!, h.baseAddress!, h.count) == 0
        }
        if !canonical { try Self.checkHeader(header) }

        let signature = UnsafeRawBufferPointer(rebasing: token[(secondDot + 1)...])
        guard signature.count == Self.signatureCount else {
            throw CryptoError(.badSignature, "JWT signature segment has \(signature.count) characters, HS256 needs 43")
        }
        let matches = try withScratch(byteCount: HMACContext.outputCount + Self.signatureCount) {
            scratch throws(CryptoError) -> Bool in
            let mac = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let encoded = mac + HMACContext.outputCount
            try contexts.with { ctx throws(CryptoError) in
                try ctx.authenticate(UnsafeRawBufferPointer(rebasing: token[..<secondDot]), into: mac)
            }
            Base64.encode(
                UnsafeRawBufferPointer(start: mac, count: HMACContext.outputCount),
                into: encoded,
                alphabet: .url
            )
            return CRYPTO_memcmp(encoded, signature.baseAddress, Self.signatureCount) == 0
        }
        guard matches else { throw CryptoError(.badSignature, "JWT signature does not match the bot's key") }

        let claims = try Self.decodeSegment(
            UnsafeRawBufferPointer(rebasing: token[(firstDot + 1)..<secondDot]),
            "payload"
        ) {
            payload throws(CryptoError) in try JWTClaims.parse(payload)
        }
        if let exp = claims.expiresAt, now >= exp &+ leeway {
            throw CryptoError(.expired, "signature expired at \(exp) (now \(now))")
        }
        if let nbf = claims.notBefore, now &+ leeway < nbf {
            throw CryptoError(.notYetValid, "signature is not valid before \(nbf) (now \(now))")
        }
        return claims
    }

    private static func indexOfDot(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count,
            let found = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: ".")), bytes.count - start)
        else { return nil }
        return found - UnsafeMutableRawPointer(mutating: bytes.baseAddress!)
    }

    /// Checks a header other than the canonical one: a JSON object whose `alg` is `HS256`, without
    /// `crit`.
    private static func checkHeader(_ segment: UnsafeRawBufferPointer) throws(CryptoError) {
        let header = try decodeSegment(segment, "header") { bytes throws(CryptoError) in
            do throws(CryptoError) {
                var reader = JSONReader(bytes)
                return try reader.readDocument()
            } catch {
                throw CryptoError(.malformedToken, "JWT header is not JSON: \(error.message)")
            }
        }
        guard case .object = header else { throw CryptoError(.malformedToken, "JWT header is not a JSON object") }
        guard header["alg"]?.stringValue == "HS256" else {
            throw CryptoError(.unsupportedAlgorithm, "JWT algorithm must be HS256")
        }
        // RFC 7515 §4.1.11: a recipient that does not understand every extension `crit` lists
        // must refuse the token. This one understands none, so any `crit` (even an empty or
        // malformed one, which the RFC forbids) is refused.
        guard header["crit"] == nil else {
            throw CryptoError(
                .unsupportedExtension,
                "JWT header has a \"crit\" member: no JWS extension is supported (RFC 7515 §4.1.11)"
            )
        }
    }

    /// Base64url-decodes a segment into temporary memory and passes it to `body`.
    private static func decodeSegment<R>(
        _ segment: UnsafeRawBufferPointer,
        _ name: String,
        _ body: (UnsafeRawBufferPointer) throws(CryptoError) -> R
    ) throws(CryptoError) -> R {
        try withScratch(byteCount: Base64.maxDecodedCount(segment.count)) { buffer throws(CryptoError) -> R in
            let count: Int
            do throws(CryptoError) {
                count = try Base64.decode(
                    segment,
                    into: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    alphabet: .url
                )
            } catch {
                throw CryptoError(.malformedToken, "JWT \(name) is not base64url: \(error.message)")
            }
            return try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
        }
    }

    /// The decoded payload segment of `token` (JSON as the signer wrote it), without verifying
    /// anything: for tools that print the claims of a token they have just verified.
    package static func unverifiedPayload(of token: String) throws(CryptoError) -> [UInt8] {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw CryptoError(.malformedToken, "signature is not a JWT: expected three dot-separated segments")
        }
        do throws(CryptoError) {
            return try Base64.decode(segments[1], alphabet: .url)
        } catch {
            throw CryptoError(.malformedToken, "JWT payload is not base64url: \(error.message)")
        }
    }
}
