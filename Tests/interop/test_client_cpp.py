"""The C++ client (clients/cpp) against a real chatbotd: builds it once per session with make from
Debian's packages (no network), then runs its test program and its example with the server's
address and the bot's credentials in the environment.

What the C++ side checks is in clients/cpp/tests/chatbot_test.cc: JWT and envelopes against the
reference vectors, Sign, Query with a locally signed JWT, 10,000 queries over QueryStream with a
bounded number in flight, SetAutoReply with its own envelope then the entry found in debug,
errors as a gRPC status plus the `chatbot-errcode` trailer, and the management call credential
(against PyJWT's tokens offline; Publish and PublishProgress with it, without it (1005), with
another key (1005) and for another managerid (1015)).
"""

import json
import os
import shutil
import subprocess
import time

import pytest

from grpc_support import CRYPTO_VECTORS as VECTORS, ROOT, client_test_server, env_with

CLIENT = ROOT / "clients" / "cpp"
BUILD = CLIENT / "build"  # ignored by clients/cpp/.gitignore; make rebuilds only what changed
MANAGER = "cpp-manager"
FAQ_QUESTION, FAQ_TITLE = "请问怎么申请退款呢？", "怎么申请退款"
KB = [
    {"id": "refund", "skill": "售后", "question": FAQ_TITLE, "similar": ["退款怎么申请", "我要退货退款"],
     "answer": "在订单详情页点击“申请退款”即可。"},
    {"id": "shipping", "skill": "物流", "question": "多久能发货", "similar": ["什么时候发货"],
     "answer": "付款后48小时内发货。"},
    {"id": "password", "skill": "account", "question": "How do I reset my password?",
     "similar": ["I forgot my password"], "answer": "Use “Forgot password” on the sign-in page."},
]
SERVER_TESTS = [
    "sign_rpc_issues_a_jwt_keyed_with_the_aes_key",
    "query_with_a_locally_signed_jwt",
    "query_stream_10000_with_bounded_in_flight",
    "set_auto_reply_with_our_envelope_then_found_in_debug",
    "errors_carry_grpc_status_and_errcode_trailer",
    "management_calls_need_the_credential",
]


@pytest.fixture(scope="session")
def binaries():
    missing = [tool for tool in ("make", "g++", "pkg-config") if shutil.which(tool) is None]
    probe = subprocess.run(["pkg-config", "--exists", "grpc++", "protobuf", "openssl"], capture_output=True) \
        if not missing else None
    if missing or probe.returncode != 0:
        pytest.fail(f"the C++ toolchain is missing ({missing or 'grpc++/protobuf/openssl .pc files'}); "
                    "`make deps` installs libgrpc++-dev, libprotobuf-dev, libssl-dev")
    start = time.monotonic()
    result = subprocess.run(["make", "-C", str(CLIENT), "-j2", f"BUILD={BUILD}"], capture_output=True, text=True,
                            timeout=600)
    seconds = time.monotonic() - start
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"\nclients/cpp built in {seconds:.1f} s")
    return {"test": BUILD / "chatbot_test", "example": BUILD / "chatbot_example", "build_seconds": seconds}


@pytest.fixture(scope="module")
def served():
    """(server, env): a chatbotd with KB and MANAGER, and the environment chatbot_test reads."""
    with client_test_server(KB, MANAGER, CHATBOT_FAQ_QUESTION=FAQ_QUESTION, CHATBOT_FAQ_TITLE=FAQ_TITLE,
                            CHATBOT_VECTORS=str(VECTORS)) as served:
        yield served


def run(binary, *args, env, timeout=150):
    result = subprocess.run([str(binary), *args], env=env, capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def test_offline_crypto_against_the_reference_vectors(binaries):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATBOT_")}
    env["CHATBOT_VECTORS"] = str(VECTORS)
    code, output = run(binaries["test"], "--offline", env=env)
    assert code == 0 and "11 passed, 0 failed" in output, output


def test_every_server_test_is_driven_here(binaries):
    code, output = run(binaries["test"], "--list", env=dict(os.environ))
    assert code == 0
    listed = [line for line in output.splitlines() if line and not line.endswith("(offline)")]
    assert sorted(listed) == sorted(SERVER_TESTS)


@pytest.mark.parametrize("name", SERVER_TESTS)
def test_cpp_client_against_chatbotd(binaries, served, name):
    code, output = run(binaries["test"], name, env=served[1])
    print(output)
    assert code == 0 and "1 passed, 0 failed" in output, output


def test_example_program(binaries, served):
    code, output = run(binaries["example"], FAQ_QUESTION, env=served[1])
    assert code == 0, output
    lines = dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)
    assert lines["sign"] == "expires_in=7200"
    assert lines["query"].startswith(f"status=MATCH_STATUS_FAQ title={FAQ_TITLE} answer=")
    assert lines["stream"].startswith("sent=20 received=20 answered=20 peak_in_flight=")
    assert int(lines["stream"].rsplit("=", 1)[1]) <= 8
    assert lines["setautoreply"].endswith("found=yes")
    assert lines["wrong token"] == "code=16 errcode=1001"  # grpc::StatusCode::UNAUTHENTICATED


def test_the_cpp_tests_can_fail(binaries, served):
    # With another bot's key, the server refuses our JWTs (1005) and the C++ test must say so.
    server, env = served
    wrong_key = json.loads(server.ctl("bots", "add", "--name", "cpp-other"))["encoding_aes_key"]
    code, output = run(binaries["test"], "query_with_a_locally_signed_jwt",
                       env=env_with(env, CHATBOT_AES_KEY=wrong_key))
    assert code == 1 and "FAIL query_with_a_locally_signed_jwt" in output and "errcode 1005" in output, output
    assert "0 passed, 1 failed" in output
