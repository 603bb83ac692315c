import ArgumentParser
import ChatbotCrypto
import ChatbotEngine
import ChatbotStore
import Foundation

/// `chatbotctl kb import|export`: a bot's knowledge base as JSON Lines.
struct KnowledgeBaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "Import and export a bot's knowledge base as JSON Lines.",
        subcommands: [Import.self, Export.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import entries into a bot's draft knowledge base; print {\"imported\",\"total\"}.",
            discussion: """
                Each line of FILE is an entry: {"id","skill","question","similar":[...],"answer"}, where id is \
                the entry's key, unique in the bot. "answers":[...] may give several answers, instead of \
                "answer" or besides it; "threshold" (0 to 1) sets the entry's own threshold. skill and \
                similar may be left out, other members are ignored, blank lines are skipped. An entry whose \
                id is already in the draft is updated and keeps its ans_node_id.

                The import is all or nothing: any bad line fails it, naming the line, and nothing is written. \
                Otherwise one JSON line {"imported":N,"total":M} is printed once the entries are committed \
                to disk: N entries from the file, M in the draft now. Run `chatbotctl publish` to put the \
                draft online.
                """
        )

        @Option(help: "The bot's TOKEN.") var token: String
        @Flag(help: "Also delete the draft entries whose ids are not in FILE, making the draft exactly FILE.")
        var replace = false
        @Argument(help: "The JSON Lines file, or - for stdin.") var file: String
        @OptionGroup var database: BotsCommand.DatabaseOptions

        func run() throws {
            let step = "kb import"
            let data = try readInput(file, step: step)
            // Every line is read and checked before the database is opened: all or nothing.
            let entries: [FAQEntry]
            do throws(JSONLineError) {
                entries = try Self.entries(in: data)
            } catch {
                throw failure(step, error.message)
            }

            let (store, bot) = try database.openStore(botToken: token, step: step)
            let total = try reportingStoreFailure(step) { () throws(StoreError) in
                _ = try store.importEntries(botID: bot.id, entries, replace: replace)
                return try store.entryCount(botID: bot.id, env: .debug)
            }
            writeLine(.object([("imported", .integer(Int64(entries.count))), ("total", .integer(Int64(total)))]))
            withExtendedLifetime(store) {}
        }

        /// The entries on the lines of `data`, in order, each checked as the store would.
        ///
        /// - Throws: ``JSONLineError`` naming the first bad line (counted from 1) and what is wrong.
        static func entries(in data: Data) throws(JSONLineError) -> [FAQEntry] {
            var bytes = Array(data)[...]
            // A byte-order mark is not part of the first line.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            var entries: [FAQEntry] = []
            var lineOfKey: [String: Int] = [:]
            var lineNumber = 0
            while !bytes.isEmpty {
                lineNumber += 1
                let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
                var line = bytes[..<end]
                bytes = bytes[end...].dropFirst()
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }

                let entry: FAQEntry
                do throws(JSONLineError) {
                    entry = try FAQEntry(jsonLine: line)
                } catch {
                    throw JSONLineError("line \(lineNumber): \(error.message)")
                }
                do throws(StoreError) {
                    try SQLiteStore.checkEntry(entry)
                } catch {
                    throw JSONLineError("line \(lineNumber): \(error.message)")
                }
                if let first = lineOfKey.updateValue(lineNumber, forKey: entry.key) {
                    throw JSONLineError("line \(lineNumber): id \"\(entry.key)\" is already on line \(first)")
                }
                entries.append(entry)
            }
            return entries
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a bot's knowledge base as JSON Lines, in ans_node_id order.",
            discussion: """
                Each line is {"id","ans_node_id","skill","question","similar","answer"}, plus "answers" when \
                the entry has more than one and "threshold" when it has its own. `chatbotctl kb import` reads \
                the output back as it was.
                """
        )

        enum Env: String, ExpressibleByArgument, CaseIterable {
            case debug
            case online

            var knowledgeBaseEnv: KnowledgeBaseEnv { self == .debug ? .debug : .online }
        }

        @Option(help: "The bot's TOKEN.") var token: String
        @Option(help: "debug for the draft, online for the published copy.") var env: Env = .debug
        @OptionGroup var database: BotsCommand.DatabaseOptions

        func run() throws {
            let (store, bot) = try database.openStore(botToken: token, step: "kb export")
            let entries = try reportingStoreFailure("kb export") { () throws(StoreError) in
                try store.entries(botID: bot.id, env: env.knowledgeBaseEnv)
            }
            var output = JSONLinesOutput()
            for entry in entries { output.append(entry.jsonLine) }
            output.flush()
        }
    }
}
