"""Secrets at rest and in the open, against a real chatbotd.

- The database file and its -wal and -shm are readable and writable by their owner only (0600),
  under umask 022, whether chatbotd or chatbotctl created the database; one found open to others
  is narrowed when chatbotd opens it, and the log says so.
- A bot's EncodingAESKey, as text, and the AES key it decodes to, in hex and in base64 (its first
  16 bytes too: they are the envelopes' IV), appear nowhere in what chatbotd writes (stdout and
  stderr at `--log-level trace`), in /metrics, or in any answer, good or bad, on either face.

The knowledge base is a small one written for these tests (never benchmark data).
"""

import base64
import json
import os
import re
import signal
import stat
import subprocess
import tempfile
import time
import urllib.parse

import grpc
import jwt
import pytest
import requests

from grpc_support import HTTP2Session, binary, running_server, write_kb
from platform_support import cdata, encrypt

# One bad signature is HS384 under the 43-byte key, which PyJWT warns about.
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")

MANAGER = "secrets-manager"
KB = [
    {"id": "opening", "skill": "门店", "question": "几点开门", "similar": ["营业时间"], "answer": "早上9点开门。"},
    {"id": "wifi", "skill": "Wi-Fi", "question": "Is there wifi", "similar": ["wifi password"],
     "answer": "Ask at the desk."},
]


@pytest.fixture
def umask_022():
    """umask 022 for this process and what it starts (chatbotctl, chatbotd), as most shells set it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def database_modes(db):
    return {suffix: mode(db + suffix) for suffix in ("", "-wal", "-shm")}


def start_chatbotd(db, *args):
    """chatbotd on 127.0.0.1:0 with `db`, its stderr read up to the readiness line: (process, lines)."""
    process = subprocess.Popen([str(binary("chatbotd")), "--listen", "127.0.0.1:0", "--db", db, *args],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline().decode()
        if not line:
            break
        lines.append(line)
        if re.match(r"listening on \S+", line):
            return process, lines
    process.kill()
    raise AssertionError("chatbotd did not start:\n" + "".join(lines))


def stop(process):
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read().decode(errors="replace")
    assert process.wait(timeout=30) == 0, rest
    return rest


# MARK: file modes


def test_a_database_chatbotd_creates_is_owner_only(umask_022):
    directory = tempfile.mkdtemp(prefix="chatbotd-secrets-")
    db = os.path.join(directory, "var", "chatbot.db")
    process, _ = start_chatbotd(db)
    try:
        # Migrated and open in WAL mode: the -wal and -shm exist while chatbotd serves.
        assert database_modes(db) == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
        # A second process writing through them changes nothing.
        result = subprocess.run([str(binary("chatbotctl")), "bots", "add", "--name", "n", "--db", db],
                                capture_output=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert database_modes(db) == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
    finally:
        stop(process)


def test_a_database_chatbotctl_creates_is_owner_only(umask_022):
    with running_server() as server:
        assert database_modes(server.db) == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_a_database_open_to_others_is_narrowed_when_chatbotd_opens_it(umask_022):
    directory = tempfile.mkdtemp(prefix="chatbotd-secrets-")
    db = os.path.join(directory, "chatbot.db")
    result = subprocess.run([str(binary("chatbotctl")), "bots", "add", "--name", "n", "--db", db],
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    os.chmod(db, 0o644)
    process, lines = start_chatbotd(db)
    try:
        assert database_modes(db) == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
        notices = [line for line in lines if "narrowed" in line]
        assert len(notices) == 1 and db in notices[0] and "0644" in notices[0], "".join(lines)
    finally:
        stop(process)
    # chatbotctl narrows too, and says so on stderr (stdout stays JSON).
    os.chmod(db, 0o640)
    result = subprocess.run([str(binary("chatbotctl")), "bots", "list", "--db", db], capture_output=True, timeout=60)
    assert result.returncode == 0 and mode(db) == 0o600
    assert "narrowed" in result.stderr.decode() and json.loads(result.stdout)


# MARK: no key anywhere


def key_forms(key):
    """The forms a leaked EncodingAESKey could take: the text, and the AES key (and its first 16
    bytes, the IV) in hex and base64."""
    raw = base64.b64decode(key + "=")
    forms = {key, key[:21]}
    for secret in (raw, raw[:16]):
        forms |= {secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode().rstrip("="),
                  base64.urlsafe_b64encode(secret).decode().rstrip("=")}
    return forms


def leaks(forms, places):
    """The (place, form) pairs where a form occurs in a place's text, also once JSON's `\\/` and
    URL escapes are undone."""
    found = []
    for place, text in places:
        variants = {text, text.replace("\\/", "/")}
        variants |= {urllib.parse.unquote(v) for v in variants}
        for form in forms:
            if any(form in v for v in variants):
                found.append((place, form))
    return found


def test_the_leak_check_finds_a_key_in_its_escaped_forms():
    key = "abc/efghijklmnopqrstuvwxyz0123456789ABCDEFG"
    assert leaks(key_forms(key), [("json", json.dumps({"k": key}).replace("/", "\\/"))])
    assert leaks(key_forms(key), [("url", urllib.parse.quote(key, safe=""))])
    raw = base64.b64decode(key + "=")
    assert leaks(key_forms(key), [("hex", f"key={raw[:16].hex()}")])
    assert not leaks(key_forms(key), [("other", "abc/efghij")])


def setup(server):
    server.ctl("kb", "import", "--token", server.bot["token"], write_kb(server, KB))
    server.ctl("publish", "--token", server.bot["token"])
    server.ctl("bots", "add-manager", "--token", server.bot["token"], "--managerid", MANAGER)
    server.other = json.loads(server.ctl("bots", "add", "--name", "other"))


def autoreply_xml(manager=MANAGER, title="secrets title"):
    return ("<xml>" + cdata("managerid", manager) + cdata("skillname", "secrets") + cdata("title", title)
            + cdata("content", "secrets answer") + "</xml>")


def chosen_ciphertext(bot):
    """C1 ‖ 0¹⁶ ‖ C1 from a real envelope: with IV = key, a server that showed this plaintext would
    give the key away (P1 ⊕ P3)."""
    c1 = base64.b64decode(encrypt(bot, autoreply_xml()))[:16]
    return base64.b64encode(c1 + bytes(16) + c1).decode()


def http_requests(server):
    """(method, path, keyword arguments) of good and bad requests to every /openapi operation."""
    bot, other = server.bot, server.other
    token = bot["token"]
    key = bot["encoding_aes_key"]
    good_signature = jwt.encode({"userid": "u-1"}, key, algorithm="HS256")
    bad_signatures = [
        jwt.encode({"userid": "u-1"}, other["encoding_aes_key"], algorithm="HS256"),
        jwt.encode({"userid": "u-1"}, "x" * 43, algorithm="HS256"),
        jwt.encode({"userid": "u-1", "exp": int(time.time()) - 60}, key, algorithm="HS256"),
        jwt.encode({"userid": "u-1"}, key, algorithm="HS384"),
        jwt.encode({"username": "no userid"}, key, algorithm="HS256"),
        jwt.encode({"userid": "u-1"}, None, algorithm="none"),
        good_signature[:-4] + "AAAA",
        "a.b.c", "not a jwt", "",
    ]
    envelopes = [
        "", "!!!not base64!!!", base64.b64encode(os.urandom(16)).decode(), base64.b64encode(os.urandom(48)).decode(),
        encrypt(other, autoreply_xml()), encrypt(dict(bot, appid="wx0000000000000000"), autoreply_xml()),
        encrypt(bot, autoreply_xml(manager="nobody")), encrypt(bot, "<xml><title>unterminated"),
        encrypt(bot, "not xml"), chosen_ciphertext(bot), "<xml><Encrypt>abc", "<xml><Encrypt><![CDATA[x</Encrypt></xml>",
    ]
    calls = [("POST", f"/openapi/sign/{token}", {"json": {"userid": "u-1", "username": "n"}}),
             ("POST", f"/openapi/sign/{token}", {"json": {}}),
             ("POST", "/openapi/sign/no-such-token", {"json": {"userid": "u-1"}}),
             ("POST", "/openapi/sign/", {"data": {"userid": "u-1"}}),
             ("POST", f"/openapi/aibot/{token}", {"json": {"signature": good_signature, "query": "几点开门"}}),
             ("POST", f"/openapi/aibot/{token}", {"json": {"signature": good_signature, "query": 123}}),
             ("POST", f"/openapi/aibot/{token}", {"json": {"signature": good_signature, "query": "x", "env": "?"}}),
             ("POST", "/openapi/aibot/no-such-token", {"json": {"signature": good_signature, "query": "x"}}),
             ("POST", f"/openapi/aibot/{token}", {"data": b"{not json", "headers": {"content-type": "application/json"}}),
             ("POST", f"/openapi/message/{token}",
              {"data": {"query": jwt.encode({"username": "u", "msg": "几点开门"}, key, algorithm="HS256")}}),
             ("GET", f"/openapi/aibot/{token}", {}),
             ("POST", f"/openapi/nosuch/{token}", {"json": {}}),
             ("GET", "/nowhere", {}),
             ("POST", f"/openapi/setautoreply/{token}", {"data": b"x" * (2 << 20)}),
             ("POST", f"/openapi/setautoreply/{token}", {"json": {"encrypt": encrypt(bot, autoreply_xml())}}),
             ("POST", f"/openapi/publish/{token}", {"json": {"encrypt": encrypt(bot, "<xml>" + cdata("managerid", MANAGER)
                                                                                  + "</xml>")}}),
             ("POST", f"/openapi/publish_progress/{token}", {"json": {"encrypt": encrypt(bot, "<xml>" + cdata(
                 "managerid", MANAGER) + cdata("task_id", "no-such-task") + "</xml>")}}),
             ("POST", "/openapi/setautoreply/no-such-token", {"json": {"encrypt": encrypt(bot, autoreply_xml())}})]
    for signature in bad_signatures:
        calls.append(("POST", f"/openapi/aibot/{token}", {"json": {"signature": signature, "query": "几点开门"}}))
        calls.append(("POST", f"/openapi/message/{token}", {"data": {"query": signature}}))
    for envelope in envelopes:
        for op in ("setautoreply", "batchimportskill", "publish", "publish_progress", "dictmsg", "sendmsg",
                   "kefustate/get", "kefustate/change"):
            calls.append(("POST", f"/openapi/{op}/{token}", {"json": {"encrypt": envelope}}))
        calls.append(("POST", f"/openapi/setautoreply/{token}", {"data": {"encrypted": envelope}}))
    return calls


def grpc_calls(server, pb, stub, channel):
    """Good and bad calls to every chatbot.v1 method, as (name, thunk)."""
    bot, other = server.bot, server.other
    token, key = bot["token"], bot["encoding_aes_key"]
    good = jwt.encode({"userid": "u-1"}, key, algorithm="HS256")
    bad = [jwt.encode({"userid": "u-1"}, other["encoding_aes_key"], algorithm="HS256"),
           jwt.encode({"userid": "u-1", "exp": 1}, key, algorithm="HS256"), "a.b.c", ""]
    envelopes = ["garbage", base64.b64encode(os.urandom(64)).decode(), encrypt(other, autoreply_xml()),
                 encrypt(bot, autoreply_xml(manager="nobody")), chosen_ciphertext(bot),
                 encrypt(bot, autoreply_xml(title="set over grpc"))]
    calls = [
        ("Sign", lambda: stub.Sign(pb.SignRequest(token=token, userid="u-1"), timeout=10)),
        ("Sign", lambda: stub.Sign(pb.SignRequest(token=token), timeout=10)),
        ("Sign", lambda: stub.Sign(pb.SignRequest(token="no-such-token", userid="u"), timeout=10)),
        ("Query", lambda: stub.Query(pb.QueryRequest(token=token, signature=good, query="几点开门", explain=True),
                                     timeout=10)),
        ("Query", lambda: stub.Query(pb.QueryRequest(token="no-such-token", signature=good, query="x"), timeout=10)),
        ("Publish", lambda: stub.Publish(pb.PublishRequest(token="no-such-token"), timeout=10)),
        ("PublishProgress", lambda: stub.PublishProgress(pb.PublishProgressRequest(token=token, task_id="nope"),
                                                         timeout=10)),
        ("GetKefuState", lambda: stub.GetKefuState(pb.KefuStateRequest(token=token), timeout=10)),
        ("ChangeKefuState", lambda: stub.ChangeKefuState(pb.ChangeKefuStateRequest(token=token), timeout=10)),
        ("SubscribeOutbox", lambda: list(stub.SubscribeOutbox(pb.SubscribeOutboxRequest(token=token), timeout=10))),
        ("QueryStream", lambda: list(stub.QueryStream(iter(
            [pb.QueryRequest(token=token, signature=s, query="几点开门", request_id=str(n))
             for n, s in enumerate([good] + bad)]
            + [pb.QueryRequest(token="no-such-token", signature=good, query="x", request_id="unknown")]), timeout=10))),
        ("Query raw", lambda: channel.unary_unary("/chatbot.v1.Chatbot/Query")(b"\xff\xff\xff\xff", timeout=10)),
        ("SetAutoReply raw", lambda: channel.unary_unary("/chatbot.v1.Chatbot/SetAutoReply")(b"\x0a\xff", timeout=10)),
        ("unknown", lambda: channel.unary_unary("/chatbot.v1.Chatbot/NoSuchMethod")(b"", timeout=10)),
    ]
    # The management call credential (authorization: Bearer <JWT keyed with the EncodingAESKey>), good and bad.
    now = int(time.time())
    claims = {"managerid": MANAGER, "aud": "chatbotd", "iat": now, "exp": now + 600}
    credentials = [jwt.encode(claims, key, algorithm="HS256"),
                   jwt.encode(claims, other["encoding_aes_key"], algorithm="HS256"),
                   jwt.encode(dict(claims, exp=now - 10, iat=now - 100), key, algorithm="HS256"),
                   jwt.encode(dict(claims, exp=now + 7200), key, algorithm="HS256"),
                   jwt.encode(dict(claims, aud="elsewhere"), key, algorithm="HS256"),
                   jwt.encode(dict(claims, managerid="nobody"), key, algorithm="HS256"),
                   jwt.encode(claims, key, algorithm="HS256")[:-3] + "AAA", "a.b.c"]
    for credential in credentials:
        for scheme in ("Bearer ", "Basic "):
            metadata = (("authorization", scheme + credential),)
            calls.append(("Publish", lambda m=metadata: stub.Publish(pb.PublishRequest(token=token), metadata=m,
                                                                     timeout=10)))
            calls.append(("PublishProgress", lambda m=metadata: stub.PublishProgress(
                pb.PublishProgressRequest(token=token, task_id="nope"), metadata=m, timeout=10)))
            calls.append(("GetKefuState", lambda m=metadata: stub.GetKefuState(
                pb.KefuStateRequest(token=token, appid="wx1", openid="o1"), metadata=m, timeout=10)))
    for signature in bad:
        calls.append(("Query", lambda s=signature: stub.Query(pb.QueryRequest(token=token, signature=s, query="x"),
                                                              timeout=10)))
        calls.append(("Message", lambda s=signature: stub.Message(pb.MessageRequest(token=token, query=s),
                                                                  timeout=10)))
    for envelope in envelopes:
        request = pb.EncryptedRequest(token=token, encrypt=envelope)
        for name in ("SetAutoReply", "BatchImportSkill", "DictMessage", "SendMessage"):
            calls.append((name, lambda n=name, r=request: getattr(stub, n)(r, timeout=10)))
    return calls


def test_no_key_in_logs_metrics_or_answers(umask_022, stubs):
    pb, pb_grpc = stubs
    places = []
    with running_server(setup, args=("--log-level", "trace"), capture_stdout=True) as server:
        forms = key_forms(server.bot["encoding_aes_key"]) | key_forms(server.other["encoding_aes_key"])
        statuses = []
        with requests.Session() as http:
            places.append(("metrics before", http.get(f"{server.url}/metrics", timeout=10).text))
            h2 = HTTP2Session()
            try:
                for n, (method, path, kwargs) in enumerate(http_requests(server)):
                    # Every third one over plain HTTP/2, the rest over HTTP/1.1.
                    client = h2.client if n % 3 == 0 else http
                    if client is h2.client and isinstance(kwargs.get("data"), bytes):
                        kwargs = dict(kwargs, content=kwargs["data"], data=None)
                    response = client.request(method, server.url + path, timeout=10, **kwargs)
                    statuses.append(response.status_code)
                    places.append((f"HTTP {method} {path} → {response.status_code}",
                                   "\n".join(f"{k}: {v}" for k, v in response.headers.items()) + "\n" + response.text))
                places.append(("metrics over HTTP/2", h2.get(f"{server.url}/metrics").text))
            finally:
                h2.client.close()
            with grpc.insecure_channel(server.address) as channel:
                stub = pb_grpc.ChatbotStub(channel)
                codes = []
                for name, call in grpc_calls(server, pb, stub, channel):
                    try:
                        places.append((f"gRPC {name} → OK", str(call())))
                        codes.append(grpc.StatusCode.OK)
                    except grpc.RpcError as error:
                        codes.append(error.code())
                        places.append((f"gRPC {name} → {error.code()}",
                                       f"{error.details()}\n{error.initial_metadata()}\n{error.trailing_metadata()}"))
            places.append(("metrics after", http.get(f"{server.url}/metrics", timeout=10).text))
        # The mix was one of good and bad calls on both faces.
        assert 200 in statuses and {400, 404, 405, 413} <= set(statuses), statuses
        assert grpc.StatusCode.OK in codes and {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.UNAUTHENTICATED,
                                                grpc.StatusCode.UNIMPLEMENTED} <= set(codes), codes
    server.drainer.join(timeout=30)
    log = "".join(server.log)
    assert "listening on" in log and "stopped" in log, log
    places.append(("chatbotd's stdout and stderr", log))
    found = leaks(forms, places)
    assert not found, "\n".join(f"{form!r} in {place}" for place, form in found)
