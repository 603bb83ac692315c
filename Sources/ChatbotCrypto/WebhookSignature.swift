/// The `Signature` of the platform's third-party service request (第三方服务接口): lowercase hex
/// MD5 of the bot's TOKEN, the timestamp, the skill, the intent and the query, concatenated in
/// that order.
package enum WebhookSignature {
    private static let contexts = ContextPool<DigestContext> { () throws(CryptoError) in
        try DigestContext(md: Algorithms.shared.get().md5)
    }

    /// Computes the signature.
    package static func compute(
        token: String,
        timestamp: String,
        skill: String,
        intent: String,
        query: String
    ) throws(CryptoError) -> String {
        let parts: InlineArray<5, String> = [token, timestamp, skill, intent, query]
        return try contexts.with { ctx throws(CryptoError) in
            try ctx.hexDigest(count: DigestContext.md5Count, of: parts)
        }
    }
}
