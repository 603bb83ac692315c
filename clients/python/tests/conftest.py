"""Where the tests find a chatbotd.

Tests/interop/test_client_python.py starts a real chatbotd (with tests/kb.jsonl published and a
manager) and passes it by environment: CHATBOT_TARGET (HOST:PORT), CHATBOT_TOKEN,
CHATBOT_AES_KEY, CHATBOT_APPID, CHATBOT_MANAGERID. Without CHATBOT_TARGET the tests start one
themselves with the repository's harness (Tests/interop/grpc_support.py; binaries from CHATBOTD
and CHATBOTCTL). The crypto tests need no server; they read the reference vectors from
CHATBOT_CRYPTO_VECTORS or Tests/ChatbotCryptoTests/Fixtures/crypto-vectors.json.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
from typing import Iterator

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
KB_PATH = HERE / "kb.jsonl"
MANAGER = "py-manager"


def kb_entries() -> list[dict]:
    return [json.loads(line) for line in KB_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def crypto_vectors() -> dict:
    path = pathlib.Path(os.environ.get("CHATBOT_CRYPTO_VECTORS",
                                       ROOT / "Tests" / "ChatbotCryptoTests" / "Fixtures" / "crypto-vectors.json"))
    if not path.exists():
        pytest.skip(f"no crypto vectors at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def bot() -> Iterator[dict]:
    """{"target", "token", "encoding_aes_key", "appid", "managerid"} of a running chatbotd's bot."""
    if os.environ.get("CHATBOT_TARGET"):
        yield {"target": os.environ["CHATBOT_TARGET"], "token": os.environ["CHATBOT_TOKEN"],
               "encoding_aes_key": os.environ["CHATBOT_AES_KEY"], "appid": os.environ["CHATBOT_APPID"],
               "managerid": os.environ.get("CHATBOT_MANAGERID", MANAGER)}
        return
    harness = ROOT / "Tests" / "interop"
    if not (harness / "grpc_support.py").exists():
        pytest.skip("set CHATBOT_TARGET (and the bot's credentials), or run inside the chatbotd repository")
    sys.path.insert(0, str(harness))
    from grpc_support import client_test_server  # type: ignore[import-not-found]

    with client_test_server(kb_entries(), MANAGER) as (server, _):
        yield {"target": server.address, "managerid": MANAGER, **server.bot}
