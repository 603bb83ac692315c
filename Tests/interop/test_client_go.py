"""The Go client (clients/go) against a real chatbotd: its Go tests and its example.

Builds the client offline once per session, in module mode from Debian's Go sources
(clients/go/vendor-debian links them into the ignored clients/go/vendor), then runs the compiled
`go test` binary and the example with the server's address and the bot's credentials in the
environment. The Go tests cover local JWT and envelope signing against the shared reference
vectors, the Sign and Query RPCs, a 10,000-query QueryStream batch with a bounded number in
flight, SetAutoReply with an envelope the Go helper builds, refusals as gRPC status plus the
`chatbot-errcode` trailer, and the management call credential: made offline against PyJWT's
token, then Publish and PublishProgress with it, without it (1005) and for another managerid (1015).
"""

import json
import os
import re
import shutil
import subprocess

import pytest

from grpc_support import ROOT, client_test_server, env_with

GO_DIR = ROOT / "clients" / "go"
MANAGER = "go-manager"
QUESTION = "怎么申请退款"
ANSWER = "在订单详情页点击“申请退款”即可。"
KB = [
    {"id": "refund", "skill": "售后", "question": QUESTION, "similar": ["退款怎么申请", "我要退货退款"], "answer": ANSWER},
    {"id": "shipping", "skill": "物流", "question": "多久能发货", "similar": ["什么时候发货"], "answer": "付款后48小时内发货。"},
]
# Every test of the Go package that needs the server; none may be skipped when it is there.
SERVER_TESTS = [
    "TestSignRPCIssuesAJWTOfTheBotKey",
    "TestQueryWithALocalSignature",
    "TestQueryStreamBatchOf10000WithBoundedInFlight",
    "TestQueryBatchStreamsFromAChannel",
    "TestSetAutoReplyThenFoundInDebug",
    "TestRefusalsCarryStatusAndErrcode",
    "TestRefusalsCarryStatusAndErrcode/wrong_token",
    "TestManagementCallsNeedTheCredential",
    "TestManagementCallsNeedTheCredential/Publish_without_a_credential",
    "TestManagementCallsNeedTheCredential/PublishProgress_without_a_credential",
    "TestManagementCallsNeedTheCredential/Publish_for_another_managerid",
    "TestManagementCallsNeedTheCredential/PublishProgress_for_another_managerid",
]
UNIT_TESTS = ["TestEnvelopesMatchWechatpy", "TestJWTsMatchPyJWT", "TestSignJWTEncodesClaimsInFieldOrder",
              "TestAutoReplyXML", "TestQueryBatchNeverExceedsMaxInFlight", "TestQueryBatchStopsWhenHandleFails",
              "TestManagementCredentialMatchesPyJWT", "TestManagementCredentialRefusesWhatTheServerWould",
              "TestManagementCredentialsPutABearerOnEachCall"]


def go_env():
    env = dict(os.environ, GO111MODULE="on", GOFLAGS="-mod=vendor", GOPROXY="off", GOWORK="off")
    env.setdefault("GOCACHE", str(GO_DIR / ".cache" / "go-build"))
    return env


@pytest.fixture(scope="session")
def go_client(tmp_path_factory):
    """Builds the example and the compiled Go tests; returns their paths."""
    if shutil.which("go") is None:
        pytest.fail("go is missing: `make deps` installs golang-go and the Debian Go packages")
    out = tmp_path_factory.mktemp("go-client")
    env = go_env()

    def run(*args):
        result = subprocess.run(args, cwd=GO_DIR, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}"

    run("./vendor-debian")
    run("go", "vet", "./...")
    run("go", "build", "-o", str(out / "example"), "./cmd/example")
    run("go", "test", "-c", "-o", str(out / "chatbot.test"), "./chatbot")
    return {"example": out / "example", "tests": out / "chatbot.test"}


@pytest.fixture(scope="module")
def env():
    """The environment of the Go tests and example: a chatbotd with KB and MANAGER."""
    with client_test_server(KB, MANAGER, address_var="CHATBOT_ADDR", CHATBOT_QUESTION=QUESTION,
                            CHATBOT_ANSWER=ANSWER) as (_, env):
        yield env


def run_go_tests(go_client, env, *args):
    """Runs the compiled Go tests in their package folder (they read the shared crypto vectors
    relative to it); returns the exit code, the output and the names of passed/failed/skipped tests."""
    result = subprocess.run([str(go_client["tests"]), "-test.v", "-test.count=1", "-test.timeout=150s", *args],
                            cwd=GO_DIR / "chatbot", env=env, capture_output=True, text=True, timeout=180)
    output = result.stdout + result.stderr
    outcomes = {kind: set(re.findall(rf"--- {kind}: (\S+)", output)) for kind in ("PASS", "FAIL", "SKIP")}
    return result.returncode, output, outcomes


def test_go_tests_pass_against_the_server(go_client, env):
    code, output, outcomes = run_go_tests(go_client, env)
    assert code == 0, output
    assert not outcomes["SKIP"] and not outcomes["FAIL"], output
    missing = [name for name in SERVER_TESTS + UNIT_TESTS if name not in outcomes["PASS"]]
    assert not missing, f"not passed: {missing}\n{output}"
    assert "10000 queries in" in output


def test_go_tests_fail_when_the_server_answers_otherwise(go_client, env):
    # The same tests with a wrong expectation and a wrong key must fail, not pass vacuously.
    code, output, outcomes = run_go_tests(go_client, env_with(env, CHATBOT_ANSWER="another answer"),
                                          "-test.run", "TestQueryWithALocalSignature")
    assert code != 0 and "TestQueryWithALocalSignature" in outcomes["FAIL"], output
    wrong_key = "A" * 43
    code, output, outcomes = run_go_tests(go_client, env_with(env, CHATBOT_AES_KEY=wrong_key),
                                          "-test.run", "TestSetAutoReplyThenFoundInDebug")
    assert code != 0 and "errcode 1013" in output, output


def test_go_tests_skip_only_without_a_server(go_client):
    code, output, outcomes = run_go_tests(go_client, dict(os.environ, CHATBOT_ADDR=""))
    assert code == 0, output
    assert set(UNIT_TESTS) <= outcomes["PASS"], output
    assert {name for name in SERVER_TESTS if "/" not in name} == outcomes["SKIP"], output


def test_go_example(go_client, env):
    result = subprocess.run([str(go_client["example"]), "-batch", "2000", "-in-flight", "16"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    steps = {line["step"]: line for line in map(json.loads, result.stdout.splitlines())}
    assert steps["sign"]["signature"].count(".") == 2 and steps["sign"]["expires_in"] == 7200
    assert steps["query"]["status"] == "MATCH_STATUS_FAQ" and steps["query"]["answer"] == ANSWER
    assert steps["setautoreply"]["found"] and steps["setautoreply"]["ans_node_id"] > 0
    batch = steps["batch"]
    assert batch["sent"] == batch["answered"] == 2000 and batch["failed"] == 0
    assert 1 <= batch["peak_in_flight"] <= 16
    assert steps["refusal"]["status"] == "Unauthenticated" and steps["refusal"]["errcode"] == 1001
