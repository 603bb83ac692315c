#!/usr/bin/env python3
"""Customer-service benchmark: durable sendmsg per second, and how soon a live SubscribeOutbox
subscriber has a message after sendmsg acknowledged it.

Against a release chatbotd on a fresh SQLite database in a temporary folder:

1. throughput: `h2load -n N -c 64 -m 1` POSTs one sendmsg body (a wechatpy envelope, as the
   platform's docs make it) to `/openapi/sendmsg/{TOKEN}` over HTTP/2: 64 concurrent callers, each
   waiting for its answer, which comes only after the message is committed (group commit). The
   outbox is then read back with SubscribeOutbox: every one of the N messages must be there, with
   consecutive seqs. Printed: requests per second, the server's CPU time per request, h2load's
   latency percentiles.
2. latency: a grpcio subscriber follows the outbox while a sender posts messages one after
   another (idle), then while h2load keeps 64 callers busy (loaded); for each message, the time
   from its acknowledgement reaching the sender to the subscriber having it (negative when the
   subscriber was first). Printed: p50, p99 and max.

Usage: bench/customer-service/cs-bench.py [-n 20000] [--probes 2000] [--out DIR]
Environment: CHATBOTD, CHATBOTCTL (default .build/release/…). Needs h2load (Debian
nghttp2-client), grpcio, grpcio-tools, wechatpy, requests; run `swift build -c release` first.
"""

import argparse
import base64
import json
import os
import pathlib
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))

import grpc  # noqa: E402
import jwt  # noqa: E402
import requests  # noqa: E402
from wechatpy.crypto import PrpCrypto  # noqa: E402

from grpc_support import generate_stubs  # noqa: E402

MANAGER = "bench-manager"
TICKS = os.sysconf("SC_CLK_TCK")


def binary(name):
    return os.environ.get(name.upper(), str(ROOT / ".build" / "release" / name))


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def envelope(bot, xml):
    key = base64.b64decode(bot["encoding_aes_key"] + "=")
    encrypted = PrpCrypto(key).encrypt(xml, bot["appid"])
    return encrypted.decode() if isinstance(encrypted, bytes) else encrypted


def sendmsg_body(bot, openid, text):
    xml = (f"<xml><appid><![CDATA[{bot['appid']}]]></appid><openid><![CDATA[{openid}]]></openid>"
           f"<msg><![CDATA[{text}]]></msg><channel>0</channel><kefuname><![CDATA[客服小王]]></kefuname></xml>")
    return {"encrypt": envelope(bot, xml)}


def credential(bot):
    now = int(time.time())
    token = jwt.encode({"managerid": MANAGER, "aud": "chatbotd", "iat": now, "exp": now + 3600},
                       bot["encoding_aes_key"], algorithm="HS256")
    return (("authorization", f"Bearer {token}"),)


def h2load(url, body_path, requests_count, connections, log):
    command = ["h2load", "-n", str(requests_count), "-c", str(connections), "-m", "1", "-t", "1",
               "-H", "content-type: application/json", "-d", str(body_path), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    log.write(" ".join(command) + "\n" + result.stdout + result.stderr + "\n")
    if result.returncode != 0:
        sys.exit(f"h2load failed:\n{result.stdout}{result.stderr}")
    ok = int(re.search(r"status codes: (\d+) 2xx", result.stdout).group(1))
    if ok != requests_count:
        sys.exit(f"only {ok} of {requests_count} answers were 2xx:\n{result.stdout}")
    rate = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", result.stdout).group(1))
    latency = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", result.stdout)
    return rate, latency.group(3), latency.group(4)


class Subscriber:
    """A live subscriber: `chatbotctl outbox tail --follow` (SubscribeOutbox on the project's own
    client, which keeps up with the whole outbox where a grpcio Python loop, at about 15,000
    messages/s on one core, falls behind under load); when each seq's line arrived."""

    def __init__(self, address, bot, after):
        self.arrived = {}
        self.lock = threading.Condition()
        self.process = subprocess.Popen(
            [binary("chatbotctl"), "outbox", "tail", "--follow", "--token", bot["token"], "--after", str(after),
             "--server", address, "--managerid", MANAGER, "--encoding-aes-key", bot["encoding_aes_key"]],
            stdout=subprocess.PIPE)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            now = time.perf_counter()
            seq = int(line[7:line.index(b",")])  # {"seq":N,…
            with self.lock:
                self.arrived[seq] = now
                self.lock.notify_all()

    def wait(self, seq, timeout=10):
        with self.lock:
            self.lock.wait_for(lambda: seq in self.arrived, timeout)
            return self.arrived.get(seq)

    def close(self):
        self.process.terminate()
        self.process.wait()


def probe(server_url, bot, subscriber, count):
    """Posts `count` sendmsg one after another; the ack-to-subscriber delay of each, in ms."""
    delays = []
    body = json.dumps(sendmsg_body(bot, "probe-user", "latency probe"))
    with requests.Session() as http:
        for _ in range(count):
            response = http.post(f"{server_url}/openapi/sendmsg/{bot['token']}", data=body,
                                 headers={"content-type": "application/json"}, timeout=10)
            acknowledged = time.perf_counter()
            result = response.json()
            assert result["errcode"] == 0, result
            arrived = subscriber.wait(result["seq"])
            assert arrived is not None, f"seq {result['seq']} never reached the subscriber"
            delays.append((arrived - acknowledged) * 1000)
    return delays


def percentiles(delays):
    ordered = sorted(delays)
    return (statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], ordered[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=20000)
    parser.add_argument("-c", "--connections", type=int, default=64)
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "customer-service"))
    args = parser.parse_args()
    if not shutil.which("h2load"):
        sys.exit("h2load is missing: apt-get install -y nghttp2-client")
    for name in ("chatbotd", "chatbotctl"):
        if not os.path.exists(binary(name)):
            sys.exit(f"{binary(name)} is missing: swift build -c release")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="cs-bench-"))
    stubs = work / "stubs"
    stubs.mkdir()
    generate_stubs(stubs)
    from chatbot.v1 import chatbot_pb2 as pb
    from chatbot.v1 import chatbot_pb2_grpc as pb_grpc

    db = work / "chatbot.db"

    def ctl(*more):
        return subprocess.run([binary("chatbotctl"), *more, "--db", str(db)], check=True, capture_output=True).stdout

    bot = json.loads(ctl("bots", "add", "--name", "bench"))
    ctl("bots", "add-manager", "--token", bot["token"], "--managerid", MANAGER)
    server_log = open(out / "chatbotd.log", "w")
    server = subprocess.Popen([binary("chatbotd"), "--listen", "127.0.0.1:0", "--db", str(db)],
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        address = None
        for line in server.stderr:
            server_log.write(line)
            match = re.match(r"listening on (\S+)", line)
            if match:
                address = match.group(1)
                break
        if address is None:
            sys.exit("chatbotd did not start; see " + str(out / "chatbotd.log"))
        threading.Thread(target=lambda: [server_log.write(line) for line in server.stderr], daemon=True).start()
        url = f"http://{address}"
        sendmsg_url = f"{url}/openapi/sendmsg/{bot['token']}"
        body_path = work / "body.json"
        body_path.write_text(json.dumps(sendmsg_body(bot, "bench-user", "您好，这里是人工客服，请问有什么可以帮您？")))
        h2_log = open(out / "h2load.log", "w")

        def last_seq():
            return requests.post(sendmsg_url, json=sendmsg_body(bot, "seq-probe", "seq"), timeout=10).json()["seq"]

        h2load(sendmsg_url, body_path, 2000, args.connections, h2_log)  # warm-up
        before = last_seq()
        cpu = cpu_seconds(server.pid)
        rate, mean, sd = h2load(sendmsg_url, body_path, args.requests, args.connections, h2_log)
        cpu_per_request = (cpu_seconds(server.pid) - cpu) / args.requests * 1e6
        after = last_seq()
        if after - before - 1 != args.requests:
            sys.exit(f"the outbox grew by {after - before - 1}, not {args.requests}")
        channel = grpc.insecure_channel(address)
        stub = pb_grpc.ChatbotStub(channel)
        replay_started = time.perf_counter()
        seqs = [m.seq for m in stub.SubscribeOutbox(
            pb.SubscribeOutboxRequest(token=bot["token"], after_seq=before, until_caught_up=True),
            metadata=credential(bot), timeout=300)]
        replay_rate = len(seqs) / (time.perf_counter() - replay_started)
        if seqs != list(range(before + 1, after + 1)):
            sys.exit(f"SubscribeOutbox read back {len(seqs)} messages, not {after - before} consecutive ones")

        subscriber = Subscriber(address, bot, last_seq())
        idle = percentiles(probe(url, bot, subscriber, args.probes))
        load = subprocess.Popen(["h2load", "-n", str(args.requests * 10), "-c", str(args.connections), "-m", "1",
                                 "-t", "1", "-H", "content-type: application/json", "-d", str(body_path),
                                 sendmsg_url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        loaded = percentiles(probe(url, bot, subscriber, args.probes))
        load.terminate()
        load.wait()
        subscriber.close()
        channel.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)

    table = [
        "| measure | value |",
        "|---|---|",
        f"| durable sendmsg/s, {args.connections} callers (h2load -n {args.requests} -m 1) | {rate:,.0f} |",
        f"| server CPU per sendmsg | {cpu_per_request:.0f} µs |",
        f"| h2load time per request, mean / sd | {mean} / {sd} |",
        f"| outbox read back (SubscribeOutbox) | {after - before - 1:,} of {args.requests:,}, consecutive seqs |",
        f"| SubscribeOutbox replay to one grpcio subscriber | {replay_rate:,.0f} messages/s |",
        f"| ack → live subscriber, idle, p50 / p99 / max ({args.probes} messages) | "
        f"{idle[0]:.2f} / {idle[1]:.2f} / {idle[2]:.2f} ms |",
        f"| ack → live subscriber, under {args.connections} callers, p50 / p99 / max | "
        f"{loaded[0]:.2f} / {loaded[1]:.2f} / {loaded[2]:.2f} ms |",
    ]
    print("\n".join(table))
    (out / "results.md").write_text("\n".join(table) + "\n")


if __name__ == "__main__":
    main()
