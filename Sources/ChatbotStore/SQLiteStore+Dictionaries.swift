package import ChatbotEngine

/// Slot dictionaries: each bot's named lists of values that fill its entries' slots.
extension SQLiteStore {
    private static let deleteDictionary = "DELETE FROM slot_dictionary_values WHERE bot_id = ?1 AND dict = ?2"
    private static let insertDictionaryValue = """
        INSERT INTO slot_dictionary_values (bot_id, dict, value, synonyms) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (bot_id, dict, value) DO UPDATE SET synonyms = excluded.synonyms
        """
    private static let selectDictionaryValues =
        "SELECT dict, value, synonyms FROM slot_dictionary_values WHERE bot_id = ?1 ORDER BY dict, value"

    /// The most values a bot's dictionaries may hold together: 100,000.
    package static let maxDictionaryValues = 100_000

    /// Replaces the bot's dictionaries that `values` name with `values`, in one transaction, and
    /// bumps the bot's draft revision so that servers reload them.
    ///
    /// - Returns: How many values the bot's dictionaries hold afterwards.
    /// - Throws: ``StoreError`` with ``StoreError/Code-swift.struct/invalidEntry`` for an empty
    ///   dictionary name or value, or more than ``maxDictionaryValues`` in all;
    ///   ``StoreError/Code-swift.struct/unknownBot`` when no bot has `botID`.
    package func replaceDictionaries(botID: Int64, _ values: [DictionaryValue]) throws(StoreError) -> Int {
        for value in values {
            guard !value.dictionary.isEmpty, !value.value.isEmpty, !value.synonyms.contains(where: \.isEmpty) else {
                throw StoreError(
                    .invalidEntry,
                    "dictionary \"\(value.dictionary)\" value \"\(value.value)\": the dict, the value and every synonym must be non-empty"
                )
            }
        }
        let names = Set(values.map(\.dictionary))
        let total = try withConnection("cannot import the dictionaries") { connection throws(SQLiteError) -> Int? in
            try connection.withTransaction { () throws(SQLiteError) -> Int? in
                let kept = try Self.readDictionaries(botID: botID, connection).count { !names.contains($0.dictionary) }
                let total = kept + Set(values.map { [$0.dictionary, $0.value] }).count
                guard total <= Self.maxDictionaryValues else { return total }
                guard try Self.bumpDraftRevision(botID, connection) != nil else { return nil }
                for name in names {
                    try connection.withStatement(Self.deleteDictionary) { statement throws(SQLiteError) in
                        try statement.bind(botID, at: 1)
                        try statement.bind(name, at: 2)
                        try statement.run()
                    }
                }
                for value in values {
                    try connection.withStatement(Self.insertDictionaryValue) { statement throws(SQLiteError) in
                        try statement.bind(botID, at: 1)
                        try statement.bind(value.dictionary, at: 2)
                        try statement.bind(value.value, at: 3)
                        try statement.bind(JSONStringArray.encode(value.synonyms), at: 4)
                        try statement.run()
                    }
                }
                return total
            }
        }
        guard let total else { throw Self.unknownBot(botID) }
        guard total <= Self.maxDictionaryValues else {
            throw StoreError(
                .invalidEntry,
                "the dictionaries would hold \(total) values, more than the limit of \(Self.maxDictionaryValues)"
            )
        }
        return total
    }

    /// The values of every dictionary of the bot, by dictionary and value.
    package func dictionaries(botID: Int64) throws(StoreError) -> [DictionaryValue] {
        try withConnection("cannot read the dictionaries") { connection throws(SQLiteError) in
            try Self.readDictionaries(botID: botID, connection)
        }
    }

    private static func readDictionaries(
        botID: Int64,
        _ connection: SQLiteConnection
    ) throws(SQLiteError) -> [DictionaryValue] {
        try connection.withStatement(selectDictionaryValues) { statement throws(SQLiteError) in
            try statement.bind(botID, at: 1)
            var values: [DictionaryValue] = []
            while try statement.step() {
                let synonyms = try statement.withTextBytes(at: 2) { bytes throws(SQLiteError) in
                    try JSONStringArray.decode(bytes, column: "slot_dictionary_values.synonyms")
                }
                values.append(
                    DictionaryValue(
                        dictionary: try statement.text(at: 0),
                        value: try statement.text(at: 1),
                        synonyms: synonyms
                    )
                )
            }
            return values
        }
    }
}
