"""The Python client (clients/python) against a real chatbotd: built offline with pip, then its
example and its own pytest suite run against a server with a knowledge base and a manager.

The client's tests (clients/python/tests) cover the crypto vectors and wechatpy/PyJWT in both
directions, Sign and local signing, Query, a 10,000-query batch over QueryStream with a bounded
number in flight, SetAutoReply with the client's own envelope then found with env=debug, errors
as gRPC status plus the chatbot-errcode trailer, and the management call credential (against
PyJWT offline; Publish and PublishProgress with it, without it, with bad ones and for another
managerid). They run in a subprocess, against the
installed package, so their generated stubs never meet this process's.
"""

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from grpc_support import CRYPTO_VECTORS, ROOT, client_test_server

CLIENT = ROOT / "clients" / "python"
MANAGER = "py-manager"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The client installed offline (no build isolation, no dependency downloads) into a folder."""
    work = tmp_path_factory.mktemp("python-client")
    source = work / "source"
    shutil.copytree(CLIENT, source, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__",
                                                                  ".pytest_cache"))
    target = work / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps",
                             "--no-index", "--target", str(target), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "chatbot_client" / "py.typed").exists()
    assert (target / "chatbot_client" / "chatbot" / "v1" / "chatbot_pb2.pyi").exists()
    return target


@pytest.fixture(scope="module")
def env(site):
    """A chatbotd with the client's tests/kb.jsonl and MANAGER, and the environment its tests read,
    importing the installed package."""
    kb = [json.loads(line) for line in (CLIENT / "tests" / "kb.jsonl").read_text("utf-8").splitlines()]
    with client_test_server(kb, MANAGER, address_var="CHATBOT_TARGET", PYTHONPATH=str(site),
                            PYTHONDONTWRITEBYTECODE="1", CHATBOT_CRYPTO_VECTORS=str(CRYPTO_VECTORS)) as (_, env):
        yield env


def test_installed_package_is_the_one_imported(site, env):
    out = subprocess.run([sys.executable, "-c", "import chatbot_client; print(chatbot_client.__file__)"],
                         env=env, cwd="/", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith(str(site))


def test_example_runs_against_the_server(env):
    out = subprocess.run([sys.executable, str(CLIENT / "examples" / "quickstart.py")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("sign: server eyJ")
    assert "MATCH_STATUS_FAQ '怎么申请退款' (1.00)" in lines[1]
    assert lines[2] == "batch: 300 questions over QueryStream, 200 answered from the FAQ"
    assert lines[3].startswith("setautoreply: ans_node_id ") and lines[3].endswith("found in debug: True")
    assert lines[4] == "error: UNAUTHENTICATED errcode 1005"


def test_client_suite_passes_against_the_server(env, tmp_path):
    report = tmp_path / "junit.xml"
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                          str(CLIENT / "tests")], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-3000:]
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    counts = {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests"] >= 100, counts
