"""`chatbotctl kb import|export`, `publish` and `bots set` against the SQLite store and Python's sqlite3.

The entries here are written for these tests. Includes the durability check: an import or a
publish that chatbotctl acknowledged (by printing its JSON line) is in the file after the process
is killed with SIGKILL right after printing it.
"""

import json
import signal
import sqlite3
import subprocess

import pytest

from test_chatbotctl_bots import binary, read_line

KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TOKEN = "kbToken"
EXPORT_FIELDS = ["id", "ans_node_id", "skill", "question", "similar", "answer"]

ENTRIES = [
    {
        "id": "huabei-repay",
        "skill": "花呗",
        "question": "花呗怎么还款？",
        "similar": ["花呗如何还钱", "怎样还花呗的欠款", "花呗 还款 方式"],
        "answer": "打开支付宝，点「我的」→「花呗」→「还款」即可。",
    },
    {
        "id": "opening-hours",
        "skill": "Store info",
        "question": "What are your opening hours?",
        "similar": ["When are you open?", "opening times"],
        "answers": ["We are open 9:00–21:00, every day.", "Holidays: 10:00–18:00."],
        "threshold": 0.85,
    },
    {
        "id": "会员-积分",
        "skill": "会员",
        "question": "积分可以换什么？",
        "similar": [],
        "answer": '{"news":{"articles":[{"title":"积分商城","url":"https://example.com/积分"}]}}',
        "threshold": 1,
    },
    {
        "id": "quotes\"and\\slashes",
        "skill": "",
        "question": "Line\nbreaks, tabs\tand \"quotes\" 😀",
        "similar": ["emoji 👍🏽 and 中文 mixed"],
        "answer": "Sure — «ok».",
    },
]


def jsonl(entries):
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries).encode()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "var" / "kb.db"


@pytest.fixture
def bot(chatbotctl, db_path):
    """A bot in a fresh database; returns its TOKEN."""
    chatbotctl("bots", "add", "--db", str(db_path), "--name", "KB bot", "--token", TOKEN, "--aes-key", KEY)
    return TOKEN


def kb_import(chatbotctl, db, path, *args, token=TOKEN, check=True):
    return chatbotctl("kb", "import", "--db", str(db), "--token", token, str(path), *args, check=check)


def export(chatbotctl, db, env=None, token=TOKEN):
    args = ["kb", "export", "--db", str(db), "--token", token] + (["--env", env] if env else [])
    out = chatbotctl(*args).stdout
    return [json.loads(line) for line in out.decode().splitlines()]


def answers_of(entry):
    return entry.get("answers") or [entry["answer"]]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_import_then_export_round_trips(chatbotctl, db_path, bot, tmp_path):
    path = write(tmp_path, "kb.jsonl", jsonl(ENTRIES))
    out = kb_import(chatbotctl, db_path, path).stdout
    assert out.endswith(b"\n") and out.count(b"\n") == 1
    assert json.loads(out) == {"imported": 4, "total": 4}

    exported = export(chatbotctl, db_path)
    assert [e["id"] for e in exported] == [e["id"] for e in ENTRIES]
    ids = [e["ans_node_id"] for e in exported]
    assert all(isinstance(i, int) and i > 0 for i in ids) and ids == sorted(ids)
    for given, back in zip(ENTRIES, exported):
        extra = (["answers"] if len(answers_of(given)) > 1 else []) + (["threshold"] if "threshold" in given else [])
        assert list(back) == EXPORT_FIELDS + extra
        assert back["skill"] == given["skill"]
        assert back["question"] == given["question"]
        assert back["similar"] == given["similar"]
        assert back["answer"] == answers_of(given)[0]
        assert answers_of(back) == answers_of(given)
        assert back.get("threshold") == given.get("threshold")

    # The export imports back as it was: same ids, same lines.
    first = chatbotctl("kb", "export", "--db", str(db_path), "--token", TOKEN).stdout
    assert first.isascii()
    again = write(tmp_path, "again.jsonl", first)
    assert json.loads(kb_import(chatbotctl, db_path, again, "--replace").stdout) == {"imported": 4, "total": 4}
    assert chatbotctl("kb", "export", "--db", str(db_path), "--token", TOKEN).stdout == first

    # Nothing is online before a publish.
    assert export(chatbotctl, db_path, "online") == []


def test_import_updates_by_id_and_replace_deletes_the_rest(chatbotctl, db_path, bot, tmp_path):
    kb_import(chatbotctl, db_path, write(tmp_path, "a.jsonl", jsonl(ENTRIES)))
    before = {e["id"]: e["ans_node_id"] for e in export(chatbotctl, db_path)}

    changed = dict(ENTRIES[0], answer="新的答案", similar=["还花呗"])
    new = {"id": "new-entry", "question": "Is there parking?", "answer": "Yes, behind the store."}
    out = kb_import(chatbotctl, db_path, write(tmp_path, "b.jsonl", jsonl([new, changed])))
    assert json.loads(out.stdout) == {"imported": 2, "total": 5}
    rows = {e["id"]: e for e in export(chatbotctl, db_path)}
    assert rows["huabei-repay"]["ans_node_id"] == before["huabei-repay"]
    assert rows["huabei-repay"]["answer"] == "新的答案" and rows["huabei-repay"]["similar"] == ["还花呗"]
    assert rows["new-entry"]["ans_node_id"] > max(before.values())
    assert rows["new-entry"]["skill"] == "" and rows["new-entry"]["similar"] == []

    out = kb_import(chatbotctl, db_path, write(tmp_path, "c.jsonl", jsonl([ENTRIES[2], new])), "--replace")
    assert json.loads(out.stdout) == {"imported": 2, "total": 2}
    assert [e["id"] for e in export(chatbotctl, db_path)] == ["会员-积分", "new-entry"]


def test_answer_and_answers_combine_with_answer_first(chatbotctl, db_path, bot, tmp_path):
    lines = [
        {"id": "both", "question": "q1", "answer": "b", "answers": ["a", "b", "c"]},
        {"id": "apart", "question": "q2", "answer": "first", "answers": ["second"]},
        {"id": "only-list", "question": "q3", "answers": ["x", "y"], "similar": None, "threshold": None},
    ]
    kb_import(chatbotctl, db_path, write(tmp_path, "kb.jsonl", jsonl(lines)))
    rows = {e["id"]: e for e in export(chatbotctl, db_path)}
    assert rows["both"]["answers"] == ["b", "a", "c"] and rows["both"]["answer"] == "b"
    assert rows["apart"]["answers"] == ["first", "second"]
    assert rows["only-list"]["answer"] == "x" and "threshold" not in rows["only-list"]


def test_blank_lines_crlf_bom_and_unknown_members_are_accepted(chatbotctl, db_path, bot, tmp_path):
    data = (
        b"\xef\xbb\xbf"
        + json.dumps({"id": "a", "question": "你好", "answer": "您好！", "ans_node_id": 99, "note": 1}).encode()
        + b"\r\n\r\n   \n"
        + json.dumps({"id": "b", "question": "Hi", "answer": "Hello!"}).encode()
    )
    out = kb_import(chatbotctl, db_path, write(tmp_path, "kb.jsonl", data))
    assert json.loads(out.stdout) == {"imported": 2, "total": 2}
    assert [(e["id"], e["answer"]) for e in export(chatbotctl, db_path)] == [("a", "您好！"), ("b", "Hello!")]


def test_import_reads_stdin(chatbotctl, db_path, bot):
    out = chatbotctl("kb", "import", "--db", str(db_path), "--token", TOKEN, "-", stdin=jsonl(ENTRIES[:2]))
    assert json.loads(out.stdout) == {"imported": 2, "total": 2}


GOOD = json.dumps({"id": "good", "question": "q", "answer": "a"})


@pytest.mark.parametrize(
    "bad, cause",
    [
        ('{"id": "x", "question": "q", "answer": "a"', "malformed JSON at offset 42: expected ',' or '}' in object"),
        ('["id", "x"]', "not a JSON object"),
        ('{"question": "q", "answer": "a"}', '"id" is missing'),
        ('{"id": 7, "question": "q", "answer": "a"}', '"id" must be a string'),
        ('{"id": "x", "answer": "a"}', '"question" is missing'),
        ('{"id": "x", "question": "q"}', '"answer" or "answers" is missing'),
        ('{"id": "x", "question": "q", "answers": []}', '"answer" or "answers" is missing'),
        ('{"id": "x", "question": "q", "answer": "a", "similar": "s"}', '"similar" must be an array of strings'),
        ('{"id": "x", "question": "q", "answer": "a", "similar": [1]}', '"similar" must be an array of strings'),
        (
            '{"id": "x", "question": "q", "answer": "a", "threshold": 1.5}',
            '"threshold" must be between 0 and 1, got 1.5',
        ),
        ('{"id": "x", "question": "q", "answer": "a", "threshold": "0.5"}', '"threshold" must be a number'),
        ('{"id": "x", "question": "", "answer": "a"}', 'entry "x": the question is empty'),
        ('{"id": "", "question": "q", "answer": "a"}', "an entry has an empty key"),
        ('{"id": "x", "question": "q", "answer": ""}', 'entry "x": an answer is empty'),
        ('{"id": "good", "question": "again", "answer": "a"}', 'id "good" is already on line 1'),
    ],
)
def test_a_bad_line_fails_the_import_naming_it_and_writes_nothing(chatbotctl, db_path, bot, tmp_path, bad, cause):
    kb_import(chatbotctl, db_path, write(tmp_path, "kept.jsonl", jsonl(ENTRIES)))
    before = export(chatbotctl, db_path)
    with sqlite3.connect(db_path) as db:
        revision = db.execute("SELECT draft_revision FROM bots").fetchone()

    # Line 4: the blank line counts.
    lines = [GOOD, json.dumps(ENTRIES[1]), "", bad, GOOD.replace('"good"', '"later"')]
    path = write(tmp_path, "bad.jsonl", "".join(line + "\n" for line in lines).encode())
    for args in [(), ("--replace",)]:
        result = kb_import(chatbotctl, db_path, path, *args, check=False)
        assert result.returncode == 1
        assert result.stderr.decode() == f"chatbotctl: kb import failed: line 4: {cause}\n"
        assert result.stdout == b""
    assert export(chatbotctl, db_path) == before
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT draft_revision FROM bots").fetchone() == revision


def test_unknown_token_and_missing_file_are_reported(chatbotctl, db_path, bot, tmp_path):
    path = write(tmp_path, "kb.jsonl", jsonl(ENTRIES))
    for args in [
        ("kb", "import", "--token", "nobody", str(path)),
        ("kb", "export", "--token", "nobody"),
        ("publish", "--token", "nobody"),
        ("bots", "set", "--token", "nobody"),
    ]:
        result = chatbotctl(*args, "--db", str(db_path), check=False)
        assert result.returncode == 1, args
        step = "kb import" if "import" in args else "kb export" if "export" in args else " ".join(args[:-2])
        expected = f"chatbotctl: {step} failed: no bot has this token (see `chatbotctl bots list`)\n"
        assert result.stderr.decode() == expected
        assert result.stdout == b""

    result = kb_import(chatbotctl, db_path, tmp_path / "missing.jsonl", check=False)
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"chatbotctl: kb import failed: cannot read {tmp_path / 'missing.jsonl'}")


def test_publish_copies_the_draft_online(chatbotctl, db_path, bot, tmp_path):
    kb_import(chatbotctl, db_path, write(tmp_path, "kb.jsonl", jsonl(ENTRIES)))
    out = chatbotctl("publish", "--db", str(db_path), "--token", TOKEN).stdout
    assert out.count(b"\n") == 1 and json.loads(out) == {"version": 1, "entries": 4}
    published = export(chatbotctl, db_path, "online")
    assert published == export(chatbotctl, db_path, "debug")

    # Draft changes stay in the draft until the next publish.
    kb_import(chatbotctl, db_path, write(tmp_path, "one.jsonl", jsonl(ENTRIES[:1])), "--replace")
    assert export(chatbotctl, db_path, "online") == published
    assert json.loads(chatbotctl("publish", "--db", str(db_path), "--token", TOKEN).stdout) == {
        "version": 2,
        "entries": 1,
    }
    assert export(chatbotctl, db_path, "online") == export(chatbotctl, db_path) == published[:1]

    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT draft_revision, published_version FROM bots").fetchone() == (2, 2)


def test_bots_set_changes_only_what_is_given(chatbotctl, db_path, bot):
    def settings(*args, check=True):
        return chatbotctl("bots", "set", "--db", str(db_path), "--token", TOKEN, *args, check=check)

    defaults = json.loads(settings().stdout)
    assert defaults == {
        "threshold": 0.85,
        "recommend_ratio": 0.75,
        "max_options": 3,
        "fallback_answers": ["抱歉，我还不会回答这个问题。"],
        "recommend_prompt": "您是不是想问：",
        "general_skill": "on",
        "general_answers": {},
        "webhooks": {},
        "callback_url": "",
    }
    changed = json.loads(settings("--threshold", "0.65", "--fallback", "没听懂。", "Sorry, say again?").stdout)
    assert changed == dict(defaults, threshold=0.65, fallback_answers=["没听懂。", "Sorry, say again?"])
    changed = json.loads(
        settings("--max-options", "5", "--recommend-ratio", "0.5", "--recommend-prompt", "Did you mean:").stdout
    )
    assert changed == dict(
        defaults,
        threshold=0.65,
        recommend_ratio=0.5,
        max_options=5,
        fallback_answers=["没听懂。", "Sorry, say again?"],
        recommend_prompt="Did you mean:",
    )
    assert json.loads(settings().stdout) == changed
    hook = json.loads(settings("--callback-url", "http://127.0.0.1:9/hook").stdout)
    assert hook == dict(changed, callback_url="http://127.0.0.1:9/hook")
    assert json.loads(settings("--threshold", "0.65").stdout) == hook
    assert json.loads(settings("--callback-url", "").stdout) == changed
    refused = settings("--callback-url", "https://cs.example/hook", check=False)
    assert refused.returncode != 0 and b"must start with http://" in refused.stderr

    for args, cause in [
        (("--threshold", "1.5"), "the threshold must be between 0 and 1, got 1.5"),
        (("--max-options", "0"), "the number of options must be 1 to 5, got 0"),
    ]:
        result = settings(*args, check=False)
        assert result.returncode == 1
        assert result.stderr.decode() == f"chatbotctl: bots set failed: invalidSettings: {cause}\n"
    assert json.loads(settings().stdout) == changed


def run_until_line(args):
    """Runs chatbotctl, SIGKILLs it as soon as it has printed a line, and returns the line and
    whether the process was still running then."""
    proc = subprocess.Popen([binary(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = read_line(proc.stdout, timeout=60)
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    return json.loads(line), alive


def test_acknowledged_import_and_publish_survive_sigkill(chatbotctl, db_path, bot, tmp_path):
    rounds = 10
    size = 300
    alive_when_killed = 0
    for i in range(rounds):
        entries = [
            {
                "id": f"r{i}-{j}",
                "skill": "耐久",
                "question": f"第{i}轮问题{j}",
                "similar": [f"q{i}.{j}"],
                "answer": f"答{j}",
            }
            for j in range(size)
        ]
        path = write(tmp_path, f"round{i}.jsonl", jsonl(entries))
        line, alive = run_until_line(["kb", "import", "--db", str(db_path), "--token", TOKEN, str(path), "--replace"])
        alive_when_killed += alive
        assert line == {"imported": size, "total": size}, f"round {i}"

        # An independent reader opens the file as the killed writer left it.
        with sqlite3.connect(db_path) as db:
            rows = db.execute("SELECT key, question, similar, answers FROM kb_draft_entries ORDER BY id").fetchall()
            (draft_revision,) = db.execute("SELECT draft_revision FROM bots").fetchone()
        assert [r[0] for r in rows] == [e["id"] for e in entries], f"round {i}: acknowledged import is missing"
        assert [(r[1], json.loads(r[2]), json.loads(r[3])) for r in rows] == [
            (e["question"], e["similar"], [e["answer"]]) for e in entries
        ]
        assert draft_revision == i + 1

        line, alive = run_until_line(["publish", "--db", str(db_path), "--token", TOKEN])
        alive_when_killed += alive
        assert line == {"version": i + 1, "entries": size}, f"round {i}"
        with sqlite3.connect(db_path) as db:
            keys = [k for (k,) in db.execute("SELECT key FROM kb_published_entries ORDER BY id")]
            (version,) = db.execute("SELECT published_version FROM bots").fetchone()
        assert keys == [e["id"] for e in entries], f"round {i}: acknowledged publish is missing"
        assert version == i + 1

    # And our own reader agrees.
    online = export(chatbotctl, db_path, "online")
    assert [e["id"] for e in online] == [f"r{rounds - 1}-{j}" for j in range(size)]
    print(f"{alive_when_killed}/{2 * rounds} processes were still running when SIGKILL arrived")
