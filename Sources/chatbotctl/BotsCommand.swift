import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Foundation

/// `chatbotctl bots add|list|set`: the bots in the database, with their credentials and settings.
struct BotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bots",
        abstract: "Add, list and configure bots in the database.",
        subcommands: [Add.self, List.self, SetSettings.self, AddManager.self]
    )

    struct DatabaseOptions: ParsableArguments {
        @Option(
            name: .customLong("db"),
            help: "The SQLite database file, created when missing (default: $CHATBOT_DB, else ./var/chatbot.db)."
        )
        var path: String?

        /// The database path: `--db`, else `CHATBOT_DB` when set and not empty, else `./var/chatbot.db`.
        var resolvedPath: String {
            if let path { return path }
            if let path = ProcessInfo.processInfo.environment["CHATBOT_DB"], !path.isEmpty { return path }
            return "./var/chatbot.db"
        }

        func validate() throws {
            if resolvedPath.hasPrefix("postgres://") || resolvedPath.hasPrefix("postgresql://") {
                throw ValidationError("PostgreSQL databases are not supported by chatbotctl yet; pass a SQLite file")
            }
            if resolvedPath.isEmpty || resolvedPath == ":memory:" {
                throw ValidationError("--db must name a file")
            }
        }

        func openStore() throws -> SQLiteStore {
            let store = try reportingStoreFailure("opening \(resolvedPath)") { () throws(StoreError) in
                try SQLiteStore(path: resolvedPath)
            }
            // On stderr, so that stdout stays the command's JSON.
            for repair in store.fileModeRepairs {
                let file = repair.path + (repair.foundMode.map { " (mode \(FileModeRepair.octal($0)))" } ?? "")
                let line =
                    if let failure = repair.failure {
                        "warning: \(file) is open to other users and cannot be narrowed: \(failure)"
                    } else {
                        "\(file) was open to other users: narrowed to \(FileModeRepair.octal(repair.mode ?? 0))"
                    }
                FileHandle.standardError.write(Data("chatbotctl: \(line)\n".utf8))
            }
            return store
        }

        /// Opens the store and finds the bot that `token` selects, or fails `step` saying there is none.
        func openStore(botToken token: String, step: String) throws -> (SQLiteStore, Bot) {
            let store = try openStore()
            let bot = try reportingStoreFailure(step) { () throws(StoreError) in try store.bot(token: token) }
            guard let bot else { throw failure(step, "no bot has this token (see `chatbotctl bots list`)") }
            return (store, bot)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a bot; print its credentials as one JSON line.",
            discussion: """
                Prints {"appid","token","encoding_aes_key","name"}. Credentials that are not given are generated \
                from the system's secure random source: appid "wx" and 16 hexadecimal digits, a TOKEN of 32 \
                letters and digits, and an EncodingAESKey of 32 random bytes in base64 without its final "=". \
                The bot is approved. The line is printed once the bot is committed to disk.
                """
        )

        @Option(help: "The bot's name.") var name: String
        @Option(name: .customLong("appid"), help: "The bot's appid (default: generated).") var appID: String?
        @Option(help: "The bot's TOKEN: letters, digits, '-', '_', '.', '~' (default: generated).") var token: String?
        @Option(name: .customLong("aes-key"), help: "The bot's 43-character EncodingAESKey (default: generated).")
        var aesKey: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if name.isEmpty { throw ValidationError("--name must not be empty") }
            if let appID, appID.isEmpty { throw ValidationError("--appid must not be empty") }
            if let token {
                // The TOKEN travels as a path segment of /openapi/{op}/{TOKEN}: keep it unreserved (RFC 3986).
                let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
                if token.isEmpty || !token.utf8.allSatisfy(unreserved.contains) {
                    throw ValidationError("--token must be letters, digits, '-', '_', '.' or '~', and not empty")
                }
            }
        }

        func run() throws {
            var random = SystemRandomNumberGenerator()
            let appID = self.appID ?? Credentials.appID(using: &random)
            let token = self.token ?? Credentials.token(using: &random)
            let aesKey = self.aesKey ?? Credentials.encodingAESKey(using: &random)
            do throws(CryptoError) {
                _ = try EnvelopeCipher(encodingAESKey: aesKey, appID: appID)
            } catch {
                throw failure("bots add", "--aes-key is invalid: \(error.code): \(error.message)")
            }

            let store = try database.openStore()
            let bot = try reportingStoreFailure("bots add") { () throws(StoreError) in
                try store.addBot(name: name, appID: appID, token: token, encodingAESKey: aesKey)
            }
            // Written straight to the file descriptor while the store is still open: the line
            // means "committed", and nothing waits in a buffer for a clean exit.
            writeLine(
                .object([
                    ("appid", .string(bot.appID)),
                    ("token", .string(bot.token)),
                    ("encoding_aes_key", .string(bot.encodingAESKey)),
                    ("name", .string(bot.name)),
                ])
            )
            withExtendedLifetime(store) {}
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the bots, one JSON object per line (JSON Lines), oldest first.",
            discussion: """
                Each line is {"id","appid","token","encoding_aes_key","name","approved","created_at"}; created_at \
                is in milliseconds since the epoch. No bots, no lines.
                """
        )

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.openStore()
            let bots = try reportingStoreFailure("bots list") { () throws(StoreError) in try store.bots() }
            for bot in bots {
                writeLine(
                    .object([
                        ("id", .integer(bot.id)),
                        ("appid", .string(bot.appID)),
                        ("token", .string(bot.token)),
                        ("encoding_aes_key", .string(bot.encodingAESKey)),
                        ("name", .string(bot.name)),
                        ("approved", .bool(bot.approved)),
                        ("created_at", .integer(bot.createdAt)),
                    ])
                )
            }
        }
    }
}

/// Generated bot credentials, from a cryptographically secure generator.
enum Credentials {
    private static let hexDigits = Array("0123456789abcdef")
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// `wx` and 16 lowercase hexadecimal digits, like the platform's appids.
    static func appID(using random: inout some RandomNumberGenerator) -> String {
        "wx" + String((0..<16).map { _ in hexDigits.randomElement(using: &random)! })
    }

    /// 32 letters and digits, each uniformly chosen.
    static func token(using random: inout some RandomNumberGenerator) -> String {
        String((0..<32).map { _ in alphanumerics.randomElement(using: &random)! })
    }

    /// 32 random bytes in standard base64 without the final "=": 43 characters, which decode
    /// back to the 32 bytes after appending "=".
    static func encodingAESKey(using random: inout some RandomNumberGenerator) -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return String(Data(bytes).base64EncodedString().dropLast())
    }
}
