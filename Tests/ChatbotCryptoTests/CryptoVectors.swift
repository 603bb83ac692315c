import Foundation

/// Known-answer vectors made with wechatpy 1.8.18 and PyJWT 2.15.1 (`Fixtures/crypto-vectors.json`).
struct CryptoVectors: Decodable {
    struct Envelope: Decodable {
        var name: String
        var encoding_aes_key: String
        var aes_key_hex: String
        var appid: String
        var random_prefix_hex: String
        var payload: String
        var payload_utf8_len: Int
        var expected_ciphertext_b64: String
        var token: String
        var timestamp: String
        var nonce: String
        var expected_msg_signature: String
    }

    struct JWT: Decodable {
        struct Claims: Decodable {
            var userid: String
            var username: String
            var avatar: String
            var iat: Int64
            var exp: Int64
        }

        var name: String
        var secret: String
        var claims: Claims
        var claims_json_signed: String
        var expected_token: String
    }

    var envelopes: [Envelope]
    var jwts: [JWT]

    static let shared: CryptoVectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/crypto-vectors.json")
        do {
            return try JSONDecoder().decode(CryptoVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            bytes.append(UInt8(String([high, low]), radix: 16)!)
        }
        self = bytes
    }
}
