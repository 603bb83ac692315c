"""Who may do what, against a real chatbotd: the management call credential on the gRPC face, the
per-client limit on sign, and the back-off after failed management checks.

The credential is made here with PyJWT, as any client would make it: HS256 keyed with the bot's
EncodingAESKey, claims {managerid, aud "chatbotd", iat, exp at most 1 h after iat}, sent as
`authorization: Bearer <JWT>`.
"""

import base64
import http.client
import json
import struct
import time

import grpc
import jwt
import pytest
import requests

from grpc_support import running_server
from platform_support import cdata, encrypt

MANAGER = "manager-1"

# One credential is signed with HS512 on purpose, to be refused; PyJWT warns about its key length.
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is 43 bytes long")


def credential(bot, manager=MANAGER, lifetime=600, **claims):
    now = int(time.time())
    payload = {"managerid": manager, "aud": "chatbotd", "iat": now, "exp": now + lifetime}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, bot["encoding_aes_key"], algorithm="HS256")


def bearer(token):
    return (("authorization", f"Bearer {token}"),)


def errcode(error):
    return dict(error.trailing_metadata() or ()).get("chatbot-errcode")


def setup(server):
    server.ctl("bots", "add-manager", "--token", server.bot["token"], "--managerid", MANAGER)
    server.other = json.loads(server.ctl("bots", "add", "--name", "other"))
    server.ctl("bots", "add-manager", "--token", server.other["token"], "--managerid", MANAGER)


@pytest.fixture(scope="module")
def server():
    # Lockouts are tested on their own server; here they must not get in the way.
    with running_server(setup, args=["--max-management-failures", "0"]) as server:
        yield server


def management_calls(pb, client, token):
    """Every management call whose request carries no envelope, as (name, call(metadata))."""

    def outbox(metadata):
        # A server stream: its status comes with the first read.
        return next(client.SubscribeOutbox(pb.SubscribeOutboxRequest(token=token), metadata=metadata, timeout=10))

    return [
        ("Publish", lambda metadata: client.Publish(pb.PublishRequest(token=token), metadata=metadata, timeout=10)),
        ("PublishProgress", lambda metadata: client.PublishProgress(
            pb.PublishProgressRequest(token=token), metadata=metadata, timeout=10)),
        ("GetKefuState", lambda metadata: client.GetKefuState(
            pb.KefuStateRequest(token=token, appid="wx1", openid="o1"), metadata=metadata, timeout=10)),
        ("ChangeKefuState", lambda metadata: client.ChangeKefuState(
            pb.ChangeKefuStateRequest(token=token, appid="wx1", openid="o1", state=pb.KEFU_STATE_PERSON_SERVING),
            metadata=metadata, timeout=10)),
        ("SubscribeOutbox", outbox),
    ]


def refused(call, metadata):
    with pytest.raises(grpc.RpcError) as error:
        call(metadata)
    return error.value


BAD_CREDENTIALS = [
    ("missing", lambda bot, other: (), "needs a management credential"),
    ("not bearer", lambda bot, other: (("authorization", "Basic " + credential(bot)),), "Bearer <JWT>"),
    ("another bot's", lambda bot, other: bearer(credential(other)), "does not match the bot's key"),
    ("expired", lambda bot, other: bearer(credential(bot, iat=int(time.time()) - 700, exp=int(time.time()) - 100)),
     "expired"),
    ("no aud", lambda bot, other: bearer(credential(bot, aud=None)), "aud"),
    ("another aud", lambda bot, other: bearer(credential(bot, aud="someone-else")), "aud"),
    ("too long", lambda bot, other: bearer(credential(bot, lifetime=3601)), "more than 3600 s"),
    ("no exp", lambda bot, other: bearer(credential(bot, exp=None)), "iat and exp"),
    ("no managerid", lambda bot, other: bearer(credential(bot, manager=None)), "no managerid"),
    ("another algorithm", lambda bot, other: bearer(jwt.encode(
        {"managerid": MANAGER, "aud": "chatbotd", "iat": int(time.time()), "exp": int(time.time()) + 60},
        bot["encoding_aes_key"], algorithm="HS512")), "HS256"),
]


@pytest.mark.parametrize("case,make,cause", BAD_CREDENTIALS, ids=[c[0] for c in BAD_CREDENTIALS])
def test_management_rpcs_refuse_a_bad_credential(server, stub, case, make, cause):
    pb, client = stub
    for name, call in management_calls(pb, client, server.bot["token"]):
        error = refused(call, make(server.bot, server.other))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, (name, error)
        assert errcode(error) == "1005", (name, error.trailing_metadata())
        assert cause in error.details(), (name, error.details())


def test_management_rpcs_refuse_a_managerid_the_bot_does_not_have(server, stub):
    pb, client = stub
    for name, call in management_calls(pb, client, server.bot["token"]):
        error = refused(call, bearer(credential(server.bot, manager="intruder")))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, (name, error)
        assert errcode(error) == "1015" and "intruder" in error.details(), (name, error.details())


def test_an_unknown_token_is_refused_before_any_credential(server, stub):
    pb, client = stub
    for name, call in management_calls(pb, client, "no-such-token"):
        error = refused(call, bearer(credential(server.bot)))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED and errcode(error) == "1001", (name, error)


def test_management_rpcs_with_a_good_credential(server, stub):
    pb, client = stub
    good = bearer(credential(server.bot))
    calls = dict(management_calls(pb, client, server.bot["token"]))
    task = calls["Publish"](good).task_id
    assert task
    progress = client.PublishProgress(pb.PublishProgressRequest(token=server.bot["token"], task_id=task),
                                      metadata=good, timeout=10)
    assert progress.progress == 100 and progress.done
    changed = calls["ChangeKefuState"](good)
    assert changed.state == pb.KEFU_STATE_PERSON_SERVING and changed.expires_at > time.time() * 1000
    assert calls["GetKefuState"](good).state == pb.KEFU_STATE_PERSON_SERVING
    # Nothing in the outbox: the stream waits for the first message until its deadline.
    stream = client.SubscribeOutbox(pb.SubscribeOutboxRequest(token=server.bot["token"]), metadata=good, timeout=1)
    error = refused(lambda _: next(stream), good)
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error


def test_the_token_alone_cannot_publish(server, stub):
    """The draft changes over HTTP (an envelope), then a Publish with the TOKEN alone must leave the
    online knowledge base as it was."""
    pb, client = stub
    bot = server.bot
    xml = ("<xml>" + cdata("managerid", MANAGER) + cdata("skillname", "Access") + cdata("title", "draft only question")
           + cdata("content", "draft only answer") + "</xml>")
    result = requests.post(f"{server.url}/openapi/setautoreply/{bot['token']}", json={"encrypt": encrypt(bot, xml)},
                           timeout=10).json()
    assert result["errcode"] == 0, result
    error = refused(lambda metadata: client.Publish(pb.PublishRequest(token=bot["token"]), metadata=metadata), ())
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    signature = client.Sign(pb.SignRequest(token=bot["token"], userid="u")).signature
    online = client.Query(pb.QueryRequest(token=bot["token"], signature=signature, query="draft only question",
                                          env=pb.ENV_ONLINE))
    assert online.answer != "draft only answer"


def post_from(server, source, op, fields):
    """POST /openapi/{op}/{TOKEN} with the JSON `fields` from the local address `source`
    (127.0.0.x): the HTTP status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10, source_address=(source, 0))
    try:
        connection.request("POST", f"/openapi/{op}/{server.bot['token']}", body=json.dumps(fields),
                           headers={"content-type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def sign_over_http(server, source):
    return post_from(server, source, "sign", {"userid": "u"})


def test_sign_is_limited_per_client_address(stubs):
    pb, rpc = stubs
    with running_server(args=["--sign-rate", "0.5", "--sign-burst", "5"]) as server:
        statuses = [sign_over_http(server, "127.0.0.2")[0] for _ in range(8)]
        assert statuses == [200] * 5 + [429] * 3, statuses
        status, body = sign_over_http(server, "127.0.0.2")
        assert status == 429 and body["errcode"] == -1 and "too many signatures" in body["errmsg"], body
        # Another address is still served, on both faces.
        assert sign_over_http(server, "127.0.0.3")[0] == 200
        with grpc.insecure_channel(server.address) as channel:
            client = rpc.ChatbotStub(channel)
            for _ in range(5):
                assert client.Sign(pb.SignRequest(token=server.bot["token"], userid="u"), timeout=10).signature
            error = refused(lambda metadata: client.Sign(pb.SignRequest(token=server.bot["token"], userid="u"),
                                                         timeout=10), ())
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and errcode(error) == "-1", error
        metrics = requests.get(f"{server.url}/metrics", timeout=10).text
        assert "chatbot_sign_refused_total 5" in metrics, [l for l in metrics.splitlines() if "sign_refused" in l]


def publish_over_http(server, source, envelope):
    return post_from(server, source, "publish", {"encrypt": envelope})


def test_failed_checks_lock_a_client_out_for_a_while(stubs):
    pb, rpc = stubs
    with running_server(setup, args=["--max-management-failures", "3", "--lockout", "3"]) as server:
        bot = server.bot
        good_envelope = encrypt(bot, "<xml>" + cdata("managerid", MANAGER) + "</xml>")
        with grpc.insecure_channel(server.address) as channel:
            client = rpc.ChatbotStub(channel)

            def publish(metadata):
                return client.Publish(pb.PublishRequest(token=bot["token"]), metadata=metadata, timeout=10)

            assert publish(bearer(credential(bot))).task_id
            for make in [lambda: bearer(credential(server.other)), lambda: (), lambda: bearer(credential(bot, "x"))]:
                assert refused(publish, make()).code() in (grpc.StatusCode.UNAUTHENTICATED,
                                                           grpc.StatusCode.PERMISSION_DENIED)
            # Locked out: even the right credential is refused, and says for how long.
            error = refused(publish, bearer(credential(bot)))
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, error
            assert "too many failed management checks" in error.details() and errcode(error) == "-1"
            # Over HTTP from the same address too; another address is served.
            status, body = publish_over_http(server, "127.0.0.1", good_envelope)
            assert status == 429 and body["errcode"] == -1, body
            status, body = publish_over_http(server, "127.0.0.2", good_envelope)
            assert status == 200 and body["errcode"] == 0, body
            # A bad envelope from the other address counts against that address only.
            status, body = publish_over_http(server, "127.0.0.2", "bm90IGFuIGVudmVsb3Bl")
            assert body["errcode"] == 1013, body
            time.sleep(3.5)
            assert publish(bearer(credential(bot))).task_id
        metrics = requests.get(f"{server.url}/metrics", timeout=10).text
        assert "chatbot_management_lockouts_total 1" in metrics
        assert "chatbot_management_check_failures_total 4" in metrics
        assert "chatbot_management_locked_out_total 2" in metrics
    warnings = [line for line in server.log if "refusing management calls" in line]
    assert len(warnings) == 1, warnings
    assert bot["encoding_aes_key"] not in "".join(server.log)


def raw_envelope(bot, plaintext):
    """AES-256-CBC of `plaintext` as it is (no padding added) with the bot's key, base64."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(bot["encoding_aes_key"] + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plaintext) + encryptor.finalize()).decode()


def test_a_server_is_no_padding_oracle(server):
    """Bad padding, a length field that does not fit and another appid must get the same answer:
    told apart, they would let anyone who can send envelopes decrypt a captured one."""
    bot = server.bot
    message = b"<xml></xml>"
    body = b"r" * 16 + struct.pack(">I", len(message)) + message + bot["appid"].encode()
    pad = 32 - len(body) % 32
    good = body + bytes([pad]) * pad
    envelopes = {
        "bad padding": raw_envelope(bot, good[:-1] + b"\x00"),
        "bad length field": raw_envelope(bot, b"r" * 16 + struct.pack(">I", 9999) + good[20:]),
        "another appid": encrypt(dict(bot, appid="wxsomeoneelse"), "<xml></xml>"),
    }
    answers = {}
    for case, envelope in envelopes.items():
        response = requests.post(f"{server.url}/openapi/publish/{bot['token']}", json={"encrypt": envelope},
                                 timeout=10)
        answers[case] = response.json()
    assert len({json.dumps(a, sort_keys=True) for a in answers.values()}) == 1, answers
    assert answers["bad padding"]["errcode"] == 1013, answers
