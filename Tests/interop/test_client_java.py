"""The Java client (clients/java) against a real chatbotd: built offline with javac from Debian's
grpc-java and netty jars, then its example and its test runner (a plain main that ends with
"N passed, N failed") run with the server's address and the bot's credentials in the environment.

ClientTests include the management call credential: against PyJWT's tokens offline, then Publish
and PublishProgress with it, without it (1005), with another key (1005) and for another managerid
(1015). The knowledge base is written for these tests (never benchmark data).
"""

import subprocess

import pytest

from grpc_support import CRYPTO_VECTORS as VECTORS, ROOT, client_test_server, env_with

JAVA = ROOT / "clients" / "java"
MANAGER = "java-manager"
QUESTION, ANSWER = "怎么申请退款", "在订单详情页点击“申请退款”即可。"
KB = [
    {"id": "refund", "skill": "售后", "question": QUESTION, "similar": ["退款怎么申请", "我要退货退款"], "answer": ANSWER},
    {"id": "shipping", "skill": "物流", "question": "多久能发货", "similar": ["什么时候发货"], "answer": "付款后48小时内发货。"},
    {"id": "password", "skill": "account", "question": "How do I reset my password?",
     "similar": ["I forgot my password", "reset password"], "answer": "Use “Forgot password” on the sign-in page."},
]


@pytest.fixture(scope="session")
def classpath(tmp_path_factory):
    """Builds the client once per session into a temporary folder; returns its runtime classpath."""
    out = tmp_path_factory.mktemp("java-client")
    result = subprocess.run([str(JAVA / "build.sh"), str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return (out / "classpath").read_text().strip()


@pytest.fixture(scope="module")
def served():
    """(server, env): a chatbotd with KB and MANAGER, and the environment ClientTests reads."""
    with client_test_server(KB, MANAGER, CHATBOT_VECTORS=str(VECTORS), CHATBOT_QUESTION=QUESTION,
                            CHATBOT_ANSWER=ANSWER) as served:
        yield served


def java(classpath, main, *args, env=None):
    return subprocess.run(["java", "-cp", classpath, main, *args], capture_output=True, text=True, env=env,
                          timeout=170)


def test_java_client_tests_pass(classpath, served):
    result = java(classpath, "chatbot.client.test.ClientTests", env=served[1])
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("14 passed, 0 failed"), result.stdout
    assert "10000 results" in result.stdout


def test_java_example_runs(classpath, served):
    server = served[0]
    bot = server.bot
    result = java(classpath, "chatbot.client.example.Example", server.address, bot["token"], bot["encoding_aes_key"],
                  QUESTION)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Sign RPC signature: {QUESTION} -> {ANSWER} (MATCH_STATUS_FAQ, confidence 1.00)", lines
    assert lines[1] == f"local signature:    {QUESTION} -> {ANSWER} (MATCH_STATUS_FAQ)", lines
    assert lines[2].startswith("QueryStream: 20 results, at most "), lines
    assert lines[3].startswith("wrong token: UNAUTHENTICATED, errcode 1001"), lines


def test_java_tests_fail_when_the_key_is_wrong(classpath, served):
    # A key that is not the bot's: the server must refuse the locally signed JWT, and the runner must say so.
    env = env_with(served[1], CHATBOT_AES_KEY="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    result = java(classpath, "chatbot.client.test.ClientTests", "query_with_local_jwt", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "UNAUTHENTICATED" in result.stdout and result.stdout.rstrip().endswith("0 passed, 1 failed"), result.stdout
