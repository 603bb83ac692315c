"""Shared fixtures for interop tests: the chatbotctl binary built by `make test`, and Python stubs
generated from proto/ once per session."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def chatbotctl():
    path = pathlib.Path(os.environ.get("CHATBOTCTL", ROOT / ".build" / "debug" / "chatbotctl"))
    if not path.exists():
        pytest.fail(f"{path} is missing; build with `swift build` first (make test does)")

    def run(*args, stdin=b"", check=True):
        result = subprocess.run([str(path), *args], input=stdin, capture_output=True, timeout=30)
        if check and result.returncode != 0:
            raise AssertionError(f"chatbotctl {' '.join(args)} failed: {result.stderr.decode()}")
        return result

    return run


@pytest.fixture(scope="session")
def stubs(tmp_path_factory):
    """(chatbot_pb2, chatbot_pb2_grpc), generated from proto/ (see grpc_support.generate_stubs)."""
    from grpc_support import generate_stubs

    generate_stubs(tmp_path_factory.mktemp("stubs"))
    from chatbot.v1 import chatbot_pb2, chatbot_pb2_grpc

    return chatbot_pb2, chatbot_pb2_grpc
