/// One step of the SQLite schema, kept in code and applied once, in order.
///
/// A database records the version of the last migration applied to it in `PRAGMA user_version`
/// (0 for a new file). Opening a store applies every later migration, all in one transaction, so
/// that a failure leaves the file as it was. Migrations are never edited once released: a change
/// is a new migration with the next version.
package struct SQLiteMigration: Sendable {
    /// 1 for the first migration, then one more for each.
    package var version: Int32
    /// The statements, separated by semicolons.
    package var sql: String

    package init(version: Int32, sql: String) {
        self.version = version
        self.sql = sql
    }

    /// Every migration of this version of the program, oldest first.
    package static let all: [SQLiteMigration] = [
        SQLiteMigration(
            version: 1,
            sql: """
                CREATE TABLE bots (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    appid TEXT NOT NULL,
                    token TEXT NOT NULL UNIQUE,
                    encoding_aes_key TEXT NOT NULL,
                    approved INTEGER NOT NULL DEFAULT 1 CHECK (approved IN (0, 1)),
                    created_at INTEGER NOT NULL
                ) STRICT;
                """
        ),
        // Knowledge bases: bot settings, and each bot's draft and published FAQ entries. The
        // defaults are BotSettings' at the time, written out: they fill in the bots that exist
        // when the migration runs (new bots get the program's defaults from addBot).
        // draft_revision counts writes to the draft, published_version counts publishes; both
        // change in the transaction of the write, for the server to poll.
        // Draft ids are AUTOINCREMENT: an ans_node_id is never reused after its entry is deleted.
        // The published copy keeps the draft's ids, so it has no id generator of its own.
        // similar and answers hold JSON arrays of strings.
        SQLiteMigration(
            version: 2,
            sql: """
                ALTER TABLE bots ADD COLUMN threshold REAL NOT NULL DEFAULT 0.85
                    CHECK (threshold BETWEEN 0 AND 1);
                ALTER TABLE bots ADD COLUMN recommend_ratio REAL NOT NULL DEFAULT 0.75
                    CHECK (recommend_ratio BETWEEN 0 AND 1);
                ALTER TABLE bots ADD COLUMN max_options INTEGER NOT NULL DEFAULT 3
                    CHECK (max_options BETWEEN 1 AND 5);
                ALTER TABLE bots ADD COLUMN fallback_answers TEXT NOT NULL DEFAULT '["抱歉，我还不会回答这个问题。"]';
                ALTER TABLE bots ADD COLUMN recommend_prompt TEXT NOT NULL DEFAULT '您是不是想问：';
                ALTER TABLE bots ADD COLUMN draft_revision INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE bots ADD COLUMN published_version INTEGER NOT NULL DEFAULT 0;

                CREATE TABLE kb_draft_entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    skill TEXT NOT NULL,
                    question TEXT NOT NULL,
                    similar TEXT NOT NULL,
                    answers TEXT NOT NULL,
                    threshold REAL CHECK (threshold BETWEEN 0 AND 1),
                    updated_at INTEGER NOT NULL,
                    UNIQUE (bot_id, key)
                ) STRICT;
                CREATE INDEX kb_draft_entries_bot ON kb_draft_entries (bot_id);

                CREATE TABLE kb_published_entries (
                    id INTEGER PRIMARY KEY,
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    skill TEXT NOT NULL,
                    question TEXT NOT NULL,
                    similar TEXT NOT NULL,
                    answers TEXT NOT NULL,
                    threshold REAL CHECK (threshold BETWEEN 0 AND 1),
                    updated_at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX kb_published_entries_bot ON kb_published_entries (bot_id);
                """
        ),
        // Managers: the managerids a bot's management calls (setautoreply, batchimportskill,
        // publish) may carry; any other gets errcode 1015.
        SQLiteMigration(
            version: 3,
            sql: """
                CREATE TABLE managers (
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    managerid TEXT NOT NULL CHECK (managerid <> ''),
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (bot_id, managerid)
                ) STRICT;
                """
        ),
        // Customer service: entries that hand the user to a person (handoff), each user's handoff state (a row only for a user who was handed off),
        // the outbox of messages to users and the queue of callback notices to the bot's
        // customer-service system. outbox_seq and callback_seq count each bot's messages and
        // notices, so both have sequence numbers without gaps. A notice is pending (0), delivered
        // (1) or dead (2).
        SQLiteMigration(
            version: 4,
            sql: """
                ALTER TABLE bots ADD COLUMN callback_url TEXT NOT NULL DEFAULT '';
                ALTER TABLE bots ADD COLUMN outbox_seq INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE bots ADD COLUMN callback_seq INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE kb_draft_entries ADD COLUMN handoff INTEGER NOT NULL DEFAULT 0 CHECK (handoff IN (0, 1));
                ALTER TABLE kb_published_entries ADD COLUMN handoff INTEGER NOT NULL DEFAULT 0 CHECK (handoff IN (0, 1));

                CREATE TABLE kefu_states (
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    openid TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('asking', 'needperson', 'personserving', 'complete')),
                    kefuname TEXT NOT NULL,
                    expires_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (bot_id, openid)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE outbox_messages (
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    openid TEXT NOT NULL,
                    appid TEXT NOT NULL,
                    channel INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    msg TEXT NOT NULL,
                    msg_type TEXT NOT NULL,
                    kefuname TEXT NOT NULL,
                    kefuavatar TEXT NOT NULL,
                    ans_node_name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (bot_id, seq)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX outbox_messages_created ON outbox_messages (created_at);

                CREATE TABLE callback_events (
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    openid TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status INTEGER NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT NOT NULL DEFAULT '',
                    created_at INTEGER NOT NULL,
                    finished_at INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (bot_id, seq)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX callback_events_user ON callback_events (status, bot_id, openid, seq);
                CREATE INDEX callback_events_due ON callback_events (status, next_attempt_at);
                """
        ),
        // Dialogue: follow-up entries (follows: the keys of the entries they follow) and slots
        // (slots: name, dictionary, required "1" or "", prompt, four strings per slot), each a JSON
        // array of strings; the general skill per bot (general_answers: intent key, answer, two
        // strings per intent); each bot's slot dictionaries, a row per value with its synonyms; the
        // questions it could not answer (NOMATCH) or only recommended for, grouped by normalised
        // text, with no user id.
        SQLiteMigration(
            version: 5,
            sql: """
                ALTER TABLE kb_draft_entries ADD COLUMN follows TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE kb_draft_entries ADD COLUMN slots TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE kb_published_entries ADD COLUMN follows TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE kb_published_entries ADD COLUMN slots TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE bots ADD COLUMN general_skill INTEGER NOT NULL DEFAULT 1 CHECK (general_skill IN (0, 1));
                ALTER TABLE bots ADD COLUMN general_answers TEXT NOT NULL DEFAULT '[]';

                CREATE TABLE slot_dictionary_values (
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    dict TEXT NOT NULL CHECK (dict <> ''),
                    value TEXT NOT NULL CHECK (value <> ''),
                    synonyms TEXT NOT NULL,
                    PRIMARY KEY (bot_id, dict, value)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE unanswered_questions (
                    bot_id INTEGER NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
                    normalized TEXT NOT NULL,
                    query TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('NOMATCH', 'FAQ_RECOMMEND')),
                    best_key TEXT NOT NULL,
                    best_question TEXT NOT NULL,
                    best_confidence REAL NOT NULL,
                    PRIMARY KEY (bot_id, normalized)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX unanswered_questions_seen ON unanswered_questions (bot_id, last_seen);
                """
        ),
        // Webhooks: where the answers of a skill's entries come from (the platform's third-party
        // service), two strings per skill (skill, http:// URL) in a JSON array.
        SQLiteMigration(
            version: 6,
            sql: "ALTER TABLE bots ADD COLUMN webhooks TEXT NOT NULL DEFAULT '[]';"
        ),
    ]
}
