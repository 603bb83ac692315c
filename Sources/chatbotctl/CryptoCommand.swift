import ArgumentParser
import ChatbotCrypto
import Foundation

/// `chatbotctl crypto encrypt|decrypt|signature`: the platform's message envelope, stdin to stdout.
struct CryptoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto",
        abstract: "Encrypt, decrypt and sign WXBizMsgCrypt envelopes (stdin to stdout).",
        subcommands: [Encrypt.self, Decrypt.self, Signature.self]
    )

    struct KeyOptions: ParsableArguments {
        @Option(name: .customLong("aes-key"), help: "The bot's 43-character EncodingAESKey.")
        var aesKey: String

        @Option(name: .customLong("appid"), help: "The appid the envelope carries.")
        var appID: String

        func cipher() throws -> EnvelopeCipher {
            try reportingFailure("--aes-key") { () throws(CryptoError) in
                try EnvelopeCipher(encodingAESKey: aesKey, appID: appID)
            }
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt the bytes of stdin exactly as given; print the base64 ciphertext."
        )

        @OptionGroup var key: KeyOptions

        func run() throws {
            let message = FileHandle.standardInput.readDataToEndOfFile()
            let cipher = try key.cipher()
            let encrypted = try reportingFailure("encrypt") { () throws(CryptoError) in
                try Array(message).withUnsafeBytes { bytes in
                    Result { () throws(CryptoError) in try cipher.encrypt(bytes: bytes) }
                }.get()
            }
            print(encrypted)
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt the base64 ciphertext (or whole XML envelope) on stdin; print the message bytes."
        )

        @OptionGroup var key: KeyOptions

        func run() throws {
            let input = readTrimmedStandardInput()
            let cipher = try key.cipher()
            let message = try reportingFailure("decrypt") { () throws(CryptoError) in try cipher.decrypt(input) }
            FileHandle.standardOutput.write(Data(message))
        }
    }

    struct Signature: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the msg_signature of the ciphertext on stdin."
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "The request's timestamp.") var timestamp: String
        @Option(help: "The request's nonce.") var nonce: String

        func run() throws {
            let encrypt = readTrimmedStandardInput()
            print(
                try reportingFailure("signature") { () throws(CryptoError) in
                    try MessageSignature.compute(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
                }
            )
        }
    }
}

/// Reads stdin as text without the surrounding whitespace a shell pipeline adds.
func readTrimmedStandardInput() -> String {
    String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}
