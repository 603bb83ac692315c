"""`chatbotctl sign` and `chatbotctl query` as gRPC clients of a real chatbotd (over the project's
own client transport): answers, the platform's field names, and refusals that name the status and
the errcode. The knowledge base is written for these tests."""

import json
import subprocess

import jwt
import pytest

from grpc_support import binary, running_server, with_test_bots

KB = [
    {"id": "hours", "skill": "Store", "question": "What are your opening hours",
     "similar": ["when are you open", "opening times"], "answer": "9:00 to 21:00, every day."},
    {"id": "refund", "skill": "Orders", "question": "How do I get a refund",
     "similar": ["I want my money back", "refund policy"], "answer": "Refunds within 7 days of delivery."},
]


@pytest.fixture(scope="module")
def server():
    with running_server(with_test_bots(KB)) as server:
        yield server


def ctl(server, *args, check=True):
    result = subprocess.run([str(binary("chatbotctl")), *args, "--server", server.address],
                            capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_sign_prints_a_signature_the_bot_key_verifies(server):
    result = json.loads(ctl(server, "sign", "--token", server.bot["token"], "--userid", "u-9",
                            "--username", "Ann").stdout)
    assert result["expires_in"] == 7200
    claims = jwt.decode(result["signature"], server.bot["encoding_aes_key"], algorithms=["HS256"])
    assert claims["userid"] == "u-9" and claims["username"] == "Ann"


def test_query_answers_each_query_in_the_aibot_shape(server):
    out = ctl(server, "query", "--token", server.bot["token"], "when are you open", "refund policy").stdout
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["answer"] for a in answers] == ["9:00 to 21:00, every day.", "Refunds within 7 days of delivery."]
    assert all(a["status"] == "FAQ" and a["answer_type"] == "text" for a in answers)
    assert answers[0]["from_user_name"] == "chatbotctl" and answers[0]["query"] == "when are you open"


def test_query_with_a_signature_debug_env_and_explain(server):
    signature = jwt.encode({"userid": "reader"}, server.picky["encoding_aes_key"], algorithm="HS256")
    out = ctl(server, "query", "--token", server.picky["token"], "--signature", signature, "--env", "debug",
              "--explain", "what time do you open").stdout
    answer = json.loads(out)
    assert answer["status"] == "FAQ_RECOMMEND" and answer["from_user_name"] == "reader"
    assert answer["candidates"][0]["title"] == "What are your opening hours"


@pytest.mark.parametrize("args,expected", [
    (["sign", "--token", "nope", "--userid", "u"], "UNAUTHENTICATED: token invalid (errcode 1001)"),
    (["query", "--token", "BOT", "--signature", "not.a.jwt", "x"], "(errcode 1005)"),
    (["query", "--token", "UNAPPROVED", "x"], "PERMISSION_DENIED"),
])
def test_refusals_name_the_status_and_errcode(server, args, expected):
    args = [{"BOT": server.bot["token"], "UNAPPROVED": server.unapproved["token"]}.get(a, a) for a in args]
    result = ctl(server, *args, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("chatbotctl: ") and expected in result.stderr, result.stderr


def test_an_unreachable_server_is_named():
    result = subprocess.run([str(binary("chatbotctl")), "sign", "--token", "t", "--userid", "u",
                             "--server", "127.0.0.1:1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "cannot connect to 127.0.0.1:1" in result.stderr
