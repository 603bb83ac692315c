"""Shared fixtures for interop tests: the chatbotctl binary built by `make test`, Python stubs
generated from proto/ once per session, and a channel to the test module's server."""

import os
import pathlib
import subprocess

import grpc
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


@pytest.fixture(scope="module")
def stub(server, stubs):
    """(chatbot_pb2, a ChatbotStub) on one channel to the `server` fixture of the test module."""
    chatbot_pb2, chatbot_pb2_grpc = stubs
    channel = grpc.insecure_channel(server.address)
    yield chatbot_pb2, chatbot_pb2_grpc.ChatbotStub(channel)
    channel.close()
