#!/usr/bin/env python3
"""Does chatbotd's memory come back after a spike? Resident size and glibc's heap figures
(chatbot_process_heap_in_use_bytes, chatbot_process_heap_free_bytes from /metrics) at rest, under
a spike, after it, over several rounds, and at the end after malloc_trim(0).

  bench/memory/spike.py [--rounds 5] [--silent 15000] [--conns 2000] [--requests 200000]
                        [--trim] [--trim-interval S] [--chatbotd PATH] [--chatbotctl PATH]

A round: `--silent` TCP connections opened and held (they say nothing; the server's handshake
timeout would close them, they are closed before), then h2load with `--conns` connections sending
`--requests` Sign RPCs; the figures are read with the silent ones open, after h2load (the
handshake timeout may have closed the silent ones by then), and 2 s after everything has closed. In-use falling back to where it was while resident stays up is memory glibc keeps in its
arenas (free-held); in-use growing round after round would be a leak. With --trim, malloc_trim(0)
is called in the server at the end (through gdb, attached for that one call) and the figures read
once more: what it gives back is what glibc held free. chatbotd runs with `--heap-trim-interval`
from `--trim-interval` (default 0, never, to see what glibc keeps); its trims are printed.

The server runs on core 0, h2load on core 1, as in bench/rpc. Needs h2load (nghttp2-client), gdb
for --trim, and grpcio-tools (for the request body, through bench/rpc/sign_check.py).
"""
import argparse
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKEN = "benchSignToken0123456789abcdefgh"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx0123456789abcdef"


def figures(pid, port):
    """(RSS, heap in use, heap free), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()

    def sample(name):
        return float(re.search(rf"(?m)^{name} (\S+)$", text).group(1)) / (1 << 20)

    return rss, sample("chatbot_process_heap_in_use_bytes"), sample("chatbot_process_heap_free_bytes")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--silent", type=int, default=15000)
    p.add_argument("--conns", type=int, default=2000)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--trim", action="store_true")
    p.add_argument("--trim-interval", default="0", help="chatbotd --heap-trim-interval (default 0: never)")
    p.add_argument("--chatbotd", default=os.path.join(ROOT, ".build/release/chatbotd"))
    p.add_argument("--chatbotctl", default=os.path.join(ROOT, ".build/release/chatbotctl"))
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    work = tempfile.mkdtemp(prefix="spike-")
    db, body = os.path.join(work, "chatbot.db"), os.path.join(work, "body.bin")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/rpc/sign_check.py"), "body", "--out", body,
                    "--token", TOKEN, "--stubs", os.path.join(work, "stubs")], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.chatbotctl, "bots", "add", "--name", "spike", "--db", db, "--token", TOKEN,
                    "--aes-key", AES_KEY, "--appid", APPID], check=True, stdout=subprocess.DEVNULL)
    log = open(os.path.join(work, "server.log"), "w+")
    server = subprocess.Popen(["taskset", "-c", "0", args.chatbotd, "--listen", "127.0.0.1:0", "--db", db,
                               "--heap-trim-interval", args.trim_interval, "--log-level", "debug"],
                              stderr=log, stdout=log,
                              # One client signs as fast as it can: the per-client limit would refuse it.
                              env=dict(os.environ, CHATBOT_SIGN_RATE="0"))
    try:
        for _ in range(600):
            log.seek(0)
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read())
            if found:
                break
            time.sleep(0.1)
        port = int(found.group(1))
        rows = [("start", *figures(server.pid, port))]
        url = f"http://127.0.0.1:{port}/chatbot.v1.Chatbot/Sign"
        for round in range(1, args.rounds + 1):
            silent = []
            for _ in range(args.silent):
                try:
                    silent.append(socket.create_connection(("127.0.0.1", port), timeout=10))
                except OSError:
                    break
            time.sleep(0.5)
            rows.append((f"round {round}: {len(silent)} silent open", *figures(server.pid, port)))
            h2load = subprocess.run(
                ["taskset", "-c", "1", "h2load", "-n", str(args.requests), "-c", str(args.conns), "-m", "4",
                 "-t", "1", "-H", "content-type: application/grpc", "-H", "te: trailers", "-d", body, url],
                capture_output=True, text=True)
            done = re.search(r"status codes: (\d+) 2xx", h2load.stdout)
            rows.append((f"round {round}: {done.group(1) if done else '?'} Sign done",
                         *figures(server.pid, port)))
            for sock in silent:
                sock.close()
            time.sleep(2)
            rows.append((f"round {round}: after", *figures(server.pid, port)))
        if args.trim:
            subprocess.run(["gdb", "-p", str(server.pid), "-batch", "-ex", "call (int) malloc_trim(0)"],
                           capture_output=True, check=True)
            rows.append(("after malloc_trim(0)", *figures(server.pid, port)))
    finally:
        server.terminate()
        server.wait(10)
        log.seek(0)
        for line in log:
            if "gave free heap memory back" in line:
                print(line.rstrip())
    print("| when | RSS MiB | heap in use MiB | heap free MiB |")
    print("|---|---:|---:|---:|")
    for when, rss, in_use, free in rows:
        print(f"| {when} | {rss:.1f} | {in_use:.1f} | {free:.1f} |")


if __name__ == "__main__":
    main()
