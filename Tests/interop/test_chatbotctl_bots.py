"""`chatbotctl bots add|list` against the SQLite store, wechatpy and Python's own sqlite3.

Includes the durability check: a write that `bots add` acknowledged (by printing its JSON line)
is still there after the process is killed with SIGKILL right after printing it.
"""

import base64
import json
import os
import pathlib
import re
import select
import signal
import sqlite3
import subprocess
import time

import pytest
from wechatpy.crypto import WeChatCrypto

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ADD_FIELDS = ["appid", "token", "encoding_aes_key", "name"]
LIST_FIELDS = ["id", "appid", "token", "encoding_aes_key", "name", "approved", "created_at"]


def binary():
    return str(pathlib.Path(os.environ.get("CHATBOTCTL", ROOT / ".build" / "debug" / "chatbotctl")))


@pytest.fixture
def db_path(tmp_path):
    """A database path whose folders do not exist yet: chatbotctl creates them."""
    return tmp_path / "var" / "nested" / "bots.db"


def add(chatbotctl, db, *args, check=True):
    return chatbotctl("bots", "add", "--db", str(db), *args, check=check)


def listed(chatbotctl, db):
    out = chatbotctl("bots", "list", "--db", str(db)).stdout.decode()
    return [json.loads(line) for line in out.splitlines()]


def assert_generated_formats(bot):
    assert re.fullmatch(r"wx[0-9a-f]{16}", bot["appid"]), bot
    assert re.fullmatch(r"[A-Za-z0-9]{32}", bot["token"]), bot
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}", bot["encoding_aes_key"]), bot
    raw = base64.b64decode(bot["encoding_aes_key"] + "=", validate=True)
    assert len(raw) == 32
    # Made from 32 bytes: the key is their canonical encoding, not one with stray trailing bits.
    assert base64.b64encode(raw).decode()[:-1] == bot["encoding_aes_key"]


def test_add_generates_credentials_that_wechatpy_accepts(chatbotctl, db_path):
    before = int(time.time() * 1000)
    out = add(chatbotctl, db_path, "--name", "FAQ bot").stdout.decode()
    after = int(time.time() * 1000)
    assert out.endswith("\n") and out.count("\n") == 1
    bot = json.loads(out)
    assert list(bot) == ADD_FIELDS
    assert bot["name"] == "FAQ bot"
    assert_generated_formats(bot)

    # wechatpy takes the credentials, and an envelope it makes for them opens with ours.
    crypto = WeChatCrypto(bot["token"], bot["encoding_aes_key"], bot["appid"])
    envelope = crypto.encrypt_message("你好", "nonce", "1700000000")
    decrypted = chatbotctl(
        "crypto", "decrypt", "--aes-key", bot["encoding_aes_key"], "--appid", bot["appid"], stdin=envelope.encode()
    ).stdout.decode()
    assert decrypted == "你好"

    [row] = listed(chatbotctl, db_path)
    assert list(row) == LIST_FIELDS
    assert {k: row[k] for k in ADD_FIELDS} == bot
    assert row["approved"] is True
    assert before <= row["created_at"] <= after
    assert isinstance(row["id"], int)


def test_generated_credentials_differ(chatbotctl, db_path):
    bots = [json.loads(add(chatbotctl, db_path, "--name", f"b{i}").stdout) for i in range(5)]
    for field in ["appid", "token", "encoding_aes_key"]:
        assert len({b[field] for b in bots}) == 5, field
    for bot in bots:
        assert_generated_formats(bot)


def test_add_with_given_credentials(chatbotctl, db_path):
    name = "客服 \"bot\" 😀"
    given = ["--appid", "wx5823bf96d3bd56c7", "--token", "given-Token_1.2~", "--aes-key", KEY]
    out = add(chatbotctl, db_path, "--name", name, *given).stdout
    bot = json.loads(out)
    assert bot == {"appid": "wx5823bf96d3bd56c7", "token": "given-Token_1.2~", "encoding_aes_key": KEY, "name": name}
    assert list(bot) == ADD_FIELDS
    # Non-ASCII leaves as \u escapes: the output is ASCII, and JSON all the same.
    assert out.isascii()
    WeChatCrypto(bot["token"], bot["encoding_aes_key"], bot["appid"])
    [row] = listed(chatbotctl, db_path)
    assert {k: row[k] for k in ADD_FIELDS} == bot


def test_list_prints_one_object_per_line_oldest_first(chatbotctl, db_path):
    assert chatbotctl("bots", "list", "--db", str(db_path)).stdout == b""
    tokens = [f"token{i}" for i in range(4)]
    for token in tokens:
        add(chatbotctl, db_path, "--name", token, "--token", token, "--aes-key", KEY)
    rows = listed(chatbotctl, db_path)
    assert [r["token"] for r in rows] == tokens
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert all(list(r) == LIST_FIELDS for r in rows)


@pytest.mark.parametrize(
    "key, reason",
    [
        ("short", "must be 43 characters, got 5"),
        (KEY + "=", "must be 43 characters, got 44"),
        ("!" + KEY[1:], "not base64"),
        ("-" + KEY[1:], "not base64"),  # the base64url alphabet is not the platform's
    ],
)
def test_invalid_key_is_refused_before_touching_the_database(chatbotctl, db_path, key, reason):
    # --aes-key=KEY: a key may start with "-".
    result = add(chatbotctl, db_path, "--name", "n", f"--aes-key={key}", check=False)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "--aes-key is invalid" in stderr and "invalidKey" in stderr and reason in stderr, stderr
    assert result.stdout == b""
    assert not db_path.exists()


def test_duplicate_token_is_refused(chatbotctl, db_path):
    first = json.loads(add(chatbotctl, db_path, "--name", "first", "--token", "sameToken").stdout)
    result = add(chatbotctl, db_path, "--name", "second", "--token", "sameToken", check=False)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert "duplicateToken" in stderr and "a bot with this token already exists" in stderr, stderr
    assert result.stdout == b""
    rows = listed(chatbotctl, db_path)
    assert [r["name"] for r in rows] == ["first"]
    assert rows[0]["encoding_aes_key"] == first["encoding_aes_key"]


@pytest.mark.parametrize("token", ["", "has space", "slash/inside", "ümlaut"])
def test_token_that_cannot_be_a_path_segment_is_refused(chatbotctl, db_path, token):
    result = add(chatbotctl, db_path, "--name", "n", "--token", token, check=False)
    assert result.returncode != 0
    assert "--token" in result.stderr.decode()
    assert not db_path.exists()


def test_db_defaults_to_env_then_var_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CHATBOT_DB"}

    def run(*args, **kw):
        return subprocess.run([binary(), *args], capture_output=True, timeout=30, check=True, **kw)

    run("bots", "add", "--name", "default", cwd=tmp_path, env=env)
    assert (tmp_path / "var" / "chatbot.db").exists()

    from_env = tmp_path / "env" / "chatbot.db"
    run("bots", "add", "--name", "env", cwd=tmp_path, env={**env, "CHATBOT_DB": str(from_env)})
    listed_env = run("bots", "list", cwd=tmp_path, env={**env, "CHATBOT_DB": str(from_env)}).stdout
    assert [json.loads(line)["name"] for line in listed_env.splitlines()] == ["env"]
    listed_default = run("bots", "list", cwd=tmp_path, env=env).stdout
    assert [json.loads(line)["name"] for line in listed_default.splitlines()] == ["default"]


def test_database_file_is_private(chatbotctl, db_path):
    add(chatbotctl, db_path, "--name", "n")
    assert db_path.stat().st_mode & 0o777 == 0o600


def test_concurrent_processes_share_a_fresh_file(db_path):
    """Eight `bots add` at once on a file that does not exist yet: one creates and migrates it, all add."""
    procs = [
        subprocess.Popen(
            [binary(), "bots", "add", "--db", str(db_path), "--name", f"p{i}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(8)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err.decode()
        assert_generated_formats(json.loads(out))
    out = subprocess.run([binary(), "bots", "list", "--db", str(db_path)], capture_output=True, check=True, timeout=30)
    assert sorted(json.loads(l)["name"] for l in out.stdout.splitlines()) == [f"p{i}" for i in range(8)]


def read_line(stream, timeout):
    """One line from a pipe, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([stream], [], [], max(remaining, 0))
        if not ready:
            raise AssertionError(f"no line within {timeout}s (got {data!r})")
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            raise AssertionError(f"stdout closed before a full line (got {data!r})")
        data += chunk
    return data


def test_acknowledged_write_survives_sigkill(db_path):
    """Kill `bots add` with SIGKILL as soon as it has printed its line: the bot must be in the file."""
    rounds = 25
    alive_when_killed = 0
    for i in range(rounds):
        token = f"durable{i}"
        proc = subprocess.Popen(
            [binary(), "bots", "add", "--db", str(db_path), "--name", token, "--token", token, "--aes-key", KEY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            line = read_line(proc.stdout, timeout=30)
            if proc.poll() is None:
                alive_when_killed += 1
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        assert json.loads(line)["token"] == token

        # An independent reader (Python's sqlite3) opens the file as a crashed writer left it.
        with sqlite3.connect(db_path) as db:
            query = "SELECT name, appid, encoding_aes_key, approved FROM bots WHERE token = ?"
            rows = db.execute(query, (token,)).fetchall()
        assert rows == [(token, json.loads(line)["appid"], KEY, 1)], f"round {i}: acknowledged bot is missing"

    # And our own reader agrees, after every kill.
    out = subprocess.run([binary(), "bots", "list", "--db", str(db_path)], capture_output=True, check=True, timeout=30)
    assert [json.loads(l)["token"] for l in out.stdout.splitlines()] == [f"durable{i}" for i in range(rounds)]
    print(f"{alive_when_killed}/{rounds} processes were still running when SIGKILL arrived")
