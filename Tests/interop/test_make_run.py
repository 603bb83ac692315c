"""`make run`'s first-run experience: scripts/run on a fresh database creates the demo bot and
prints curl lines; each printed line, run by a shell as printed, gets a working answer."""

import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

from grpc_support import ROOT, binary


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_printed_curl_lines_answer():
    folder = tempfile.mkdtemp(prefix="chatbotd-run-")
    listen = f"127.0.0.1:{free_port()}"
    env = dict(os.environ, CHATBOT_DB=os.path.join(folder, "chatbot.db"), CHATBOT_LISTEN=listen,
               CHATBOT_BIN=str(binary("chatbotd").parent))
    process = subprocess.Popen([str(ROOT / "scripts" / "run")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("Ctrl-C"):
                break
        assert any(line.startswith("created the demo bot with 15 entries") for line in printed), printed
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line, "chatbotd exited before listening"
            if re.match(rf"listening on {re.escape(listen)}", line):
                break
        curls = [line.strip() for line in printed if line.strip().startswith("curl ")]
        assert len(curls) == 4, printed
        answers = []
        for curl in curls:
            result = subprocess.run(["bash", "-c", curl.replace("curl ", "curl -sS --fail-with-body ", 1)],
                                    capture_output=True, text=True, timeout=30)
            assert result.returncode == 0, (curl, result.stderr, result.stdout)
            answers.append(result.stdout)
        assert answers[0] == "ok\n"
        assert json.loads(answers[1])["expiresIn"] == 7200
        for answer in answers[2:]:
            reply = json.loads(answer)
            assert reply["status"] == "FAQ" and reply["answer"], reply
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 0
