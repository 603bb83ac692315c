import ArgumentParser
import ChatbotCrypto
import Foundation

/// `chatbotctl jwt sign|verify`: the platform's HS256 dialogue tokens.
struct JWTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwt",
        abstract: "Sign and verify HS256 JWTs keyed with a bot's EncodingAESKey.",
        subcommands: [Sign.self, Verify.self]
    )

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign JSON claims; they are serialised compactly, in their order, as PyJWT does."
        )

        @Option(help: "The secret: the bot's EncodingAESKey, used as text.") var key: String
        @Option(help: #"The claims as a JSON object, e.g. '{"userid":"u1","exp":1900000000}'."#) var claims: String

        func run() throws {
            let token = try reportingFailure("jwt sign") { () throws(CryptoError) in
                let value = try JSONValue(parsing: Array(claims.utf8))
                guard case .object = value else { throw CryptoError(.malformedJSON, "--claims must be a JSON object") }
                return try JWTKey(secret: key).sign(payload: value.serialized)
            }
            print(token)
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a token; print its claims JSON, or fail naming the cause."
        )

        @Option(help: "The secret: the bot's EncodingAESKey, used as text.") var key: String
        @Option(help: "Check exp and nbf at this time (seconds since the epoch) instead of now.") var now: Int64?
        @Option(help: "Seconds of clock skew to allow on exp and nbf.") var leeway: Int64 = 0
        @Argument(help: "The token.") var token: String

        func run() throws {
            let time = now ?? Int64(Date().timeIntervalSince1970)
            let payload = try reportingFailure("jwt verify") { () throws(CryptoError) in
                _ = try JWTKey(secret: key).verify(token, now: time, leeway: leeway)
                return try JWTKey.unverifiedPayload(of: token)
            }
            FileHandle.standardOutput.write(Data(payload + [UInt8(ascii: "\n")]))
        }
    }
}
