import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Foundation

/// `chatbotctl dict import|export`: a bot's slot dictionaries as JSON Lines.
struct DictionaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dict",
        abstract: "Import and export a bot's slot dictionaries as JSON Lines.",
        subcommands: [Import.self, Export.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Replace the bot's dictionaries named in FILE with FILE's values; print {\"imported\",\"total\"}.",
            discussion: """
                Each line of FILE is a value: {"dict":"cities","value":"北京","synonyms":["北京市","帝都"]}; a \
                synonym found in a query fills a slot with its value. Every dictionary FILE names is replaced \
                by FILE's values for it; the bot's other dictionaries stay as they are. Blank lines are \
                skipped. All or nothing: a bad line fails the import, naming the line. Running servers \
                reload the dictionaries within a second.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Argument(help: "The JSON Lines file, or - for stdin.") var file: String
        @OptionGroup var database: BotsCommand.DatabaseOptions

        func run() throws {
            let step = "dict import"
            let data = try readInput(file, step: step)
            let values: [DictionaryValue]
            do throws(JSONLineError) {
                values = try Self.values(in: data)
            } catch {
                throw failure(step, error.message)
            }
            let (store, bot) = try database.openStore(botToken: token, step: step)
            let total = try reportingStoreFailure(step) { () throws(StoreError) in
                try store.replaceDictionaries(botID: bot.id, values)
            }
            writeLine(.object([("imported", .integer(Int64(values.count))), ("total", .integer(Int64(total)))]))
            withExtendedLifetime(store) {}
        }

        /// The values on the lines of `data`, in order.
        ///
        /// - Throws: ``JSONLineError`` naming the first bad line (counted from 1) and what is wrong.
        static func values(in data: Data) throws(JSONLineError) -> [DictionaryValue] {
            var values: [DictionaryValue] = []
            var lineOfValue: [[String]: Int] = [:]
            var lineNumber = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                var line = line
                if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                func bad(_ reason: String) -> JSONLineError { JSONLineError("line \(lineNumber): \(reason)") }
                let object: JSONValue
                do throws(CryptoError) {
                    object = try JSONValue(parsing: line)
                } catch {
                    throw bad(error.message)
                }
                guard case .object = object else { throw bad("not a JSON object") }
                guard case .string(let dictionary)? = object["dict"], !dictionary.isEmpty else {
                    throw bad(#""dict" must be a non-empty string"#)
                }
                guard case .string(let value)? = object["value"], !value.isEmpty else {
                    throw bad(#""value" must be a non-empty string"#)
                }
                var synonyms: [String] = []
                switch object["synonyms"] {
                case nil, .null?: break
                case .array(let items)?:
                    for item in items {
                        guard case .string(let synonym) = item, !synonym.isEmpty else {
                            throw bad(#""synonyms" must be an array of non-empty strings"#)
                        }
                        synonyms.append(synonym)
                    }
                default: throw bad(#""synonyms" must be an array of non-empty strings"#)
                }
                if let first = lineOfValue.updateValue(lineNumber, forKey: [dictionary, value]) {
                    throw bad("\"\(value)\" of \"\(dictionary)\" is already on line \(first)")
                }
                values.append(DictionaryValue(dictionary: dictionary, value: value, synonyms: synonyms))
            }
            return values
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a bot's slot dictionaries as JSON Lines, by dictionary and value.",
            discussion: "Each line is {\"dict\",\"value\",\"synonyms\"}; `chatbotctl dict import` reads it back."
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @OptionGroup var database: BotsCommand.DatabaseOptions

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "dict export")
            let values = try reportingStoreFailure("dict export") { () throws(StoreError) in
                try store.dictionaries(botID: bot.id)
            }
            var output = JSONLinesOutput()
            for value in values {
                output.append(
                    .object([
                        ("dict", .string(value.dictionary)), ("value", .string(value.value)),
                        ("synonyms", .array(value.synonyms.map(JSONValue.string))),
                    ])
                )
            }
            output.flush()
        }
    }
}
