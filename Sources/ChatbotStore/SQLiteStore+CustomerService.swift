/// Customer service on SQLite (see ``CustomerServiceStore``).
extension SQLiteStore: CustomerServiceStore {
    private static let upsertState = """
        INSERT INTO kefu_states (bot_id, openid, state, kefuname, expires_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (bot_id, openid) DO UPDATE SET
            state = excluded.state, kefuname = excluded.kefuname, expires_at = excluded.expires_at,
            updated_at = excluded.updated_at
        """
    private static let bumpOutboxSeq = "UPDATE bots SET outbox_seq = outbox_seq + 1 WHERE id = ?1 RETURNING outbox_seq"
    private static let bumpCallbackSeq = """
        UPDATE bots SET callback_seq = callback_seq + 1 WHERE id = ?1 AND callback_url <> '' RETURNING callback_seq
        """
    private static let insertOutbox = """
        INSERT INTO outbox_messages (
            bot_id, seq, openid, appid, channel, event, msg, msg_type, kefuname, kefuavatar, ans_node_name, created_at
        ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        """
    private static let insertCallback = """
        INSERT INTO callback_events (bot_id, seq, openid, payload, next_attempt_at, created_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?5)
        """
    private static let stateColumns = "bot_id, openid, state, kefuname, expires_at, updated_at"
    private static let selectState = "SELECT \(stateColumns) FROM kefu_states WHERE bot_id = ?1 AND openid = ?2"
    private static let selectActiveStates = """
        SELECT \(stateColumns) FROM kefu_states
        WHERE state IN ('needperson', 'personserving') AND expires_at > ?1
        """
    private static let outboxColumns = """
        bot_id, seq, openid, appid, channel, event, msg, msg_type, kefuname, kefuavatar, ans_node_name, created_at
        """
    private static let selectOutbox = """
        SELECT \(outboxColumns) FROM outbox_messages
        WHERE bot_id = ?1 AND seq > ?2 AND (?4 = '[]' OR channel IN (SELECT value FROM json_each(?4)))
        ORDER BY seq LIMIT ?3
        """
    private static let selectCallbackURL = "SELECT callback_url FROM bots WHERE id = ?1"
    private static let updateCallbackURL = "UPDATE bots SET callback_url = ?2 WHERE id = ?1"
    private static let eventColumns = """
        e.bot_id, e.seq, e.openid, e.payload, e.status, e.attempts, e.next_attempt_at, e.last_error, e.created_at,
        b.token, b.callback_url
        """
    // The oldest pending notice of each user, when it is due.
    private static let selectDueCallbacks = """
        SELECT \(eventColumns) FROM callback_events e JOIN bots b ON b.id = e.bot_id
        WHERE e.status = 0 AND e.next_attempt_at <= ?1 AND e.seq = (
            SELECT min(f.seq) FROM callback_events f WHERE f.status = 0 AND f.bot_id = e.bot_id AND f.openid = e.openid
        )
        ORDER BY e.next_attempt_at, e.bot_id, e.seq LIMIT ?2
        """
    // Of each user's oldest pending notice only: a later one waits for it whatever its own time.
    private static let selectNextDue = """
        SELECT min(e.next_attempt_at) FROM callback_events e
        WHERE e.status = 0 AND e.seq = (
            SELECT min(f.seq) FROM callback_events f WHERE f.status = 0 AND f.bot_id = e.bot_id AND f.openid = e.openid
        )
        """
    private static let updateAttempt = """
        UPDATE callback_events SET
            status = ?3, attempts = attempts + 1, next_attempt_at = ?4, last_error = ?5,
            finished_at = CASE WHEN ?3 = 0 THEN 0 ELSE ?6 END
        WHERE bot_id = ?1 AND seq = ?2 AND status = 0
        """
    private static let selectDead = """
        SELECT \(eventColumns) FROM callback_events e JOIN bots b ON b.id = e.bot_id
        WHERE e.bot_id = ?1 AND e.status = 2 ORDER BY e.seq LIMIT ?2
        """
    private static let retryDead = """
        UPDATE callback_events SET status = 0, attempts = 0, next_attempt_at = ?3, last_error = '', finished_at = 0
        WHERE bot_id = ?1 AND status = 2 AND (?2 IS NULL OR seq = ?2)
        """
    private static let pruneOutbox = "DELETE FROM outbox_messages WHERE created_at < ?1"
    private static let pruneCallbacks = "DELETE FROM callback_events WHERE status = 1 AND created_at < ?1"

    package func commit(
        _ writes: [CustomerServiceWrite]
    ) throws(StoreError) -> [Result<CustomerServiceCommit, StoreError>] {
        let now = currentTime()
        return try withConnection("cannot write the customer-service changes") { connection throws(SQLiteError) in
            try connection.withTransaction { () throws(SQLiteError) -> [Result<CustomerServiceCommit, StoreError>] in
                var results: [Result<CustomerServiceCommit, StoreError>] = []
                results.reserveCapacity(writes.count)
                for write in writes {
                    // Each write in a savepoint, so that one for an unknown bot leaves the others.
                    try connection.execute("SAVEPOINT write")
                    if let commit = try Self.apply(write, now: now, connection) {
                        try connection.execute("RELEASE write")
                        results.append(.success(commit))
                    } else {
                        try connection.execute("ROLLBACK TO write; RELEASE write")
                        results.append(.failure(Self.unknownBot(write.botID)))
                    }
                }
                return results
            }
        }
    }

    /// Writes one change; nil when its bot does not exist (nothing written).
    private static func apply(
        _ write: CustomerServiceWrite,
        now: Int64,
        _ connection: SQLiteConnection
    ) throws(SQLiteError) -> CustomerServiceCommit? {
        guard try exists(botID: write.botID, connection) else { return nil }
        if let state = write.state {
            try connection.withStatement(upsertState) { statement throws(SQLiteError) in
                try statement.bind(write.botID, at: 1)
                try statement.bind(state.openID, at: 2)
                try statement.bind(state.state.rawValue, at: 3)
                try statement.bind(state.agentName, at: 4)
                try statement.bind(state.expiresAt, at: 5)
                try statement.bind(state.updatedAt, at: 6)
                try statement.run()
            }
        }
        var outboxSeq: Int64?
        if let message = write.message {
            let seq = try nextSeq(bumpOutboxSeq, botID: write.botID, connection)
            try connection.withStatement(insertOutbox) { statement throws(SQLiteError) in
                try statement.bind(write.botID, at: 1)
                try statement.bind(seq ?? 0, at: 2)
                try statement.bind(message.openID, at: 3)
                try statement.bind(message.appID, at: 4)
                try statement.bind(Int64(message.channel), at: 5)
                try statement.bind(message.event, at: 6)
                try statement.bind(message.msg, at: 7)
                try statement.bind(message.msgType, at: 8)
                try statement.bind(message.agentName, at: 9)
                try statement.bind(message.agentAvatar, at: 10)
                try statement.bind(message.skill, at: 11)
                try statement.bind(now, at: 12)
                try statement.run()
            }
            outboxSeq = seq
        }
        var written = 0
        for callback in write.callbacks {
            // No URL, no notice: nobody would receive it.
            guard let seq = try nextSeq(bumpCallbackSeq, botID: write.botID, connection) else { break }
            try connection.withStatement(insertCallback) { statement throws(SQLiteError) in
                try statement.bind(write.botID, at: 1)
                try statement.bind(seq, at: 2)
                try statement.bind(callback.openID, at: 3)
                try statement.bind(callback.payload, at: 4)
                try statement.bind(now, at: 5)
                try statement.run()
            }
            written += 1
        }
        return CustomerServiceCommit(outboxSeq: outboxSeq, callbacksWritten: written)
    }

    private static func exists(botID: Int64, _ connection: SQLiteConnection) throws(SQLiteError) -> Bool {
        try connection.withStatement("SELECT 1 FROM bots WHERE id = ?1") { statement throws(SQLiteError) in
            try statement.bind(botID, at: 1)
            return try statement.step()
        }
    }

    private static func nextSeq(
        _ sql: String,
        botID: Int64,
        _ connection: SQLiteConnection
    ) throws(SQLiteError) -> Int64? {
        try connection.withStatement(sql) { statement throws(SQLiteError) in
            try statement.bind(botID, at: 1)
            return try statement.step() ? statement.int64(at: 0) : nil
        }
    }

    package func kefuRecord(botID: Int64, openID: String) throws(StoreError) -> KefuRecord? {
        try withConnection("cannot read the handoff state") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectState) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(openID, at: 2)
                return try statement.step() ? try Self.record(at: statement) : nil
            }
        }
    }

    package func activeKefuRecords(now: Int64) throws(StoreError) -> [KefuRecord] {
        try withConnection("cannot read the handoff states") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectActiveStates) { statement throws(SQLiteError) in
                try statement.bind(now, at: 1)
                var records: [KefuRecord] = []
                while try statement.step() { records.append(try Self.record(at: statement)) }
                return records
            }
        }
    }

    private static func record(at statement: SQLiteStatement) throws(SQLiteError) -> KefuRecord {
        let name = try statement.text(at: 2)
        return KefuRecord(
            botID: statement.int64(at: 0),
            openID: try statement.text(at: 1),
            // The schema's CHECK allows only the four names.
            state: KefuState(rawValue: name) ?? .asking,
            agentName: try statement.text(at: 3),
            expiresAt: statement.int64(at: 4),
            updatedAt: statement.int64(at: 5)
        )
    }

    package func outbox(
        botID: Int64,
        after seq: Int64,
        channels: [Int32],
        limit: Int
    ) throws(StoreError) -> [OutboxItem] {
        let channels = "[" + channels.map { String($0) }.joined(separator: ",") + "]"
        return try withConnection("cannot read the outbox") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectOutbox) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(seq, at: 2)
                try statement.bind(Int64(limit), at: 3)
                try statement.bind(channels, at: 4)
                var items: [OutboxItem] = []
                while try statement.step() { items.append(try Self.outboxItem(at: statement)) }
                return items
            }
        }
    }

    private static func outboxItem(at statement: SQLiteStatement) throws(SQLiteError) -> OutboxItem {
        OutboxItem(
            botID: statement.int64(at: 0),
            seq: statement.int64(at: 1),
            message: OutboxDraft(
                openID: try statement.text(at: 2),
                appID: try statement.text(at: 3),
                channel: Int32(truncatingIfNeeded: statement.int64(at: 4)),
                event: try statement.text(at: 5),
                msg: try statement.text(at: 6),
                msgType: try statement.text(at: 7),
                agentName: try statement.text(at: 8),
                agentAvatar: try statement.text(at: 9),
                skill: try statement.text(at: 10)
            ),
            createdAt: statement.int64(at: 11)
        )
    }

    package func callbackURL(botID: Int64) throws(StoreError) -> String {
        let url = try withConnection("cannot read the callback URL") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectCallbackURL) { statement throws(SQLiteError) -> String? in
                try statement.bind(botID, at: 1)
                return try statement.step() ? try statement.text(at: 0) : nil
            }
        }
        guard let url else { throw Self.unknownBot(botID) }
        return url
    }

    package func setCallbackURL(botID: Int64, _ url: String) throws(StoreError) {
        let found = try withConnection("cannot set the callback URL") { connection throws(SQLiteError) in
            try connection.withStatement(Self.updateCallbackURL) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(url, at: 2)
                try statement.run()
                return connection.changedRowCount > 0
            }
        }
        guard found else { throw Self.unknownBot(botID) }
    }

    package func dueCallbacks(now: Int64, limit: Int) throws(StoreError) -> [CallbackEvent] {
        try withConnection("cannot read the callback queue") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectDueCallbacks) { statement throws(SQLiteError) in
                try statement.bind(now, at: 1)
                try statement.bind(Int64(limit), at: 2)
                return try Self.events(statement)
            }
        }
    }

    package func nextCallbackDue() throws(StoreError) -> Int64? {
        try withConnection("cannot read the callback queue") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectNextDue) { statement throws(SQLiteError) -> Int64? in
                guard try statement.step() else { return nil }
                // min() of no rows is NULL, which reads as 0; no notice is due at 0.
                let due = statement.int64(at: 0)
                return due == 0 ? nil : due
            }
        }
    }

    package func recordCallbackAttempt(
        botID: Int64,
        seq: Int64,
        status: CallbackEvent.Status,
        nextAttemptAt: Int64,
        error: String,
        now: Int64
    ) throws(StoreError) {
        try withConnection("cannot record the callback attempt") { connection throws(SQLiteError) in
            try connection.withStatement(Self.updateAttempt) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(seq, at: 2)
                try statement.bind(status.rawValue, at: 3)
                try statement.bind(nextAttemptAt, at: 4)
                try statement.bind(error, at: 5)
                try statement.bind(now, at: 6)
                try statement.run()
            }
        }
    }

    package func deadCallbacks(botID: Int64, limit: Int) throws(StoreError) -> [CallbackEvent] {
        try withConnection("cannot read the dead callbacks") { connection throws(SQLiteError) in
            try connection.withStatement(Self.selectDead) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                try statement.bind(Int64(limit), at: 2)
                return try Self.events(statement)
            }
        }
    }

    package func retryCallbacks(botID: Int64, seq: Int64?, now: Int64) throws(StoreError) -> Int {
        try withConnection("cannot retry the dead callbacks") { connection throws(SQLiteError) in
            try connection.withStatement(Self.retryDead) { statement throws(SQLiteError) in
                try statement.bind(botID, at: 1)
                if let seq { try statement.bind(seq, at: 2) }
                try statement.bind(now, at: 3)
                try statement.run()
                return Int(connection.changedRowCount)
            }
        }
    }

    package func pruneCustomerService(before: Int64) throws(StoreError) -> Int {
        try withConnection("cannot prune the outbox") { connection throws(SQLiteError) in
            try connection.withTransaction { () throws(SQLiteError) -> Int in
                var pruned = 0
                for sql in [Self.pruneOutbox, Self.pruneCallbacks] {
                    try connection.withStatement(sql) { statement throws(SQLiteError) in
                        try statement.bind(before, at: 1)
                        try statement.run()
                    }
                    pruned += Int(connection.changedRowCount)
                }
                return pruned
            }
        }
    }

    private static func events(_ statement: SQLiteStatement) throws(SQLiteError) -> [CallbackEvent] {
        var events: [CallbackEvent] = []
        while try statement.step() {
            events.append(
                CallbackEvent(
                    botID: statement.int64(at: 0),
                    seq: statement.int64(at: 1),
                    openID: try statement.text(at: 2),
                    payload: try statement.text(at: 3),
                    status: CallbackEvent.Status(rawValue: statement.int64(at: 4)) ?? .pending,
                    attempts: Int(statement.int64(at: 5)),
                    nextAttemptAt: statement.int64(at: 6),
                    lastError: try statement.text(at: 7),
                    createdAt: statement.int64(at: 8),
                    token: try statement.text(at: 9),
                    url: try statement.text(at: 10)
                )
            )
        }
        return events
    }
}
