"""Helpers for tests against a real chatbotd: stubs generated from proto/, a server process, an
HTTP/2 client."""

import contextlib
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time

from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRYPTO_VECTORS = ROOT / "Tests" / "ChatbotCryptoTests" / "Fixtures" / "crypto-vectors.json"
PROTO_FILES = [
    "chatbot/v1/chatbot.proto",
    "grpc/health/v1/health.proto",
]


def generate_stubs(out_dir):
    """Generates Python grpcio stubs for our protos into out_dir and puts it on sys.path."""
    args = ["protoc", f"-I{ROOT / 'proto'}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"]
    if protoc.main(args + PROTO_FILES) != 0:
        raise RuntimeError("grpc_tools.protoc failed")
    for package in ["chatbot", "chatbot/v1", "grpc/health", "grpc/health/v1"]:
        pathlib.Path(out_dir, package, "__init__.py").touch()
    if str(out_dir) not in sys.path:
        sys.path.insert(0, str(out_dir))
    # grpc.health.v1 lives inside grpcio's own `grpc` package: add the generated folder to that
    # package's path rather than shadowing grpcio with a second `grpc`.
    import grpc

    if str(pathlib.Path(out_dir, "grpc")) not in grpc.__path__:
        grpc.__path__.append(str(pathlib.Path(out_dir, "grpc")))


def write_kb(server, entries, name="kb.jsonl"):
    """Writes knowledge-base entries as JSON Lines into the server's folder; returns the path."""
    import json

    path = os.path.join(server.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        for entry in entries:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return path


def with_test_bots(kb):
    """A Server setup hook: imports and publishes `kb` for the main bot, and adds two more bots on the
    same database: `picky`, which recommends rather than answers (threshold 0.999, draft only), and
    `unapproved`."""

    def setup(server):
        import json
        import sqlite3

        server.ctl("kb", "import", "--token", server.bot["token"], write_kb(server, kb))
        server.ctl("publish", "--token", server.bot["token"])
        server.picky = json.loads(server.ctl("bots", "add", "--name", "picky"))
        server.ctl("kb", "import", "--token", server.picky["token"], write_kb(server, kb))
        server.ctl("bots", "set", "--token", server.picky["token"], "--threshold", "0.999",
                   "--recommend-ratio", "0.01", "--max-options", "2")
        server.unapproved = json.loads(server.ctl("bots", "add", "--name", "unapproved"))
        with sqlite3.connect(server.db) as db:
            db.execute("UPDATE bots SET approved = 0 WHERE token = ?", (server.unapproved["token"],))

    return setup


def env_with(env, **overrides):
    """A copy of env with overrides applied; a None value removes the variable."""
    merged = dict(env, **overrides)
    return {k: v for k, v in merged.items() if v is not None}


@contextlib.contextmanager
def running_server(setup=None, args=(), **options):
    """A Server (see there for `setup`, `args` and the other options) with `url` set, for a `with`
    block: on leaving, it gets SIGTERM and must exit with status 0; when the block raises, it is
    killed."""
    server = Server(setup=setup, args=args, **options)
    server.url = f"http://{server.address}"
    try:
        yield server
    except BaseException:
        server.kill()
        raise
    status = server.terminate()
    assert status == 0, f"chatbotd exited with status {status}:\n" + "".join(server.log)


@contextlib.contextmanager
def client_test_server(kb, manager, *, address_var="CHATBOT_ADDRESS", **env):
    """A chatbotd for a generated client's tests, as (server, env).

    The server's bot has `kb` (a list of entries) imported and published and `manager` as a
    manager. env is os.environ plus `address_var` (the server's HOST:PORT; each client names it
    its own way), CHATBOT_TOKEN, CHATBOT_APPID, CHATBOT_AES_KEY, CHATBOT_MANAGERID and the `env`
    items given here (a None value removes a variable). On leaving, the server gets SIGTERM and
    must exit with status 0.
    """

    def setup(server):
        server.ctl("kb", "import", "--token", server.bot["token"], write_kb(server, kb))
        server.ctl("publish", "--token", server.bot["token"])
        server.ctl("bots", "add-manager", "--token", server.bot["token"], "--managerid", manager)

    with running_server(setup) as server:
        variables = {address_var: server.address, "CHATBOT_TOKEN": server.bot["token"],
                     "CHATBOT_APPID": server.bot["appid"], "CHATBOT_AES_KEY": server.bot["encoding_aes_key"],
                     "CHATBOT_MANAGERID": manager}
        variables.update(env)
        yield server, env_with(os.environ, **variables)


def binary(name):
    return pathlib.Path(os.environ.get(name.upper(), ROOT / ".build" / "debug" / name))


class Server:
    """A chatbotd process on 127.0.0.1 with a fresh database and one bot."""

    def __init__(self, db_path=None, setup=None, args=(), capture_stdout=False):
        """setup(server), when given, runs after the bot is added and before chatbotd starts;
        `args` are more chatbotd options (limits, timeouts); with `capture_stdout`, what chatbotd
        writes to stdout lands in `log` too, else it is discarded."""
        self.dir = tempfile.mkdtemp(prefix="chatbotd-test-")
        self.db = db_path or os.path.join(self.dir, "chatbot.db")
        import json

        self.bot = json.loads(self.ctl("bots", "add", "--name", "test bot"))
        if setup:
            setup(self)
        command = [str(binary("chatbotd")), "--listen", "127.0.0.1:0", "--db", self.db, *args]
        if capture_stdout:
            # One pipe for both, so that the log keeps the order the lines were written in.
            read, write = os.pipe()
            self.process = subprocess.Popen(command, stdout=write, stderr=write)
            os.close(write)
            self.output = os.fdopen(read, "rb")
        else:
            self.process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
            self.output = self.process.stderr
        self.address = None
        # With --admin-listen: the operators' HOST:PORT, announced before the readiness line.
        self.admin_address = None
        self.log = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.output.readline().decode()
            if not line:
                break
            self.log.append(line)
            admin = re.match(r"admin listener on (\S+)", line)
            if admin:
                self.admin_address = admin.group(1)
            match = re.match(r"listening on (\S+)", line)
            if match:
                self.address = match.group(1)
                break
        if self.address is None:
            self.process.kill()
            raise RuntimeError("chatbotd did not start:\n" + "".join(self.log))
        # Keep draining stderr so the server never blocks on a full pipe.
        import threading

        self.drainer = threading.Thread(target=self._drain, daemon=True)
        self.drainer.start()

    def _drain(self):
        for line in self.output:
            self.log.append(line.decode(errors="replace"))

    def ctl(self, *args, stdin=None):
        """Runs chatbotctl on this server's database; returns its stdout."""
        result = subprocess.run(
            [str(binary("chatbotctl")), *args, "--db", self.db], input=stdin, capture_output=True, timeout=120
        )
        if result.returncode != 0:
            raise RuntimeError(f"chatbotctl {' '.join(args)} failed: {result.stderr.decode()}")
        return result.stdout

    @property
    def port(self):
        return int(self.address.rsplit(":", 1)[1])

    def terminate(self, timeout=30):
        """SIGTERM, then the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class HTTP2Session:
    """httpx over plain HTTP/2 (prior knowledge), called like a requests.Session."""

    def __init__(self):
        import httpx

        self.client = httpx.Client(http1=False, http2=True)

    def post(self, url, data=None, **kwargs):
        if isinstance(data, (bytes, str)):
            kwargs["content"] = data
        elif data is not None:
            kwargs["data"] = data
        response = self.client.post(url, **kwargs)
        assert response.http_version == "HTTP/2"
        return response

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)
