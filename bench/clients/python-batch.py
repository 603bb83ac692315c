#!/usr/bin/env python3
"""The Python client's streaming batch against unary calls: queries per second and CPU seconds.

Starts a real chatbotd with the repository's test harness (Tests/interop/grpc_support.py), imports
and publishes a faq-bench knowledge base, and answers the same N dev queries, in alternating
rounds, three ways from one Python process:

  stream   ChatbotClient.query_batch over one QueryStream, --in-flight items in flight
  unary    N unary Query calls one after another (ChatbotClient.query)
  unary-K  N unary Query calls, --in-flight in flight at once (grpcio futures)

For each it reads the wall time, this process's CPU time (all threads, grpcio's included) and the
server's (/proc/PID/stat, all threads), and prints one row per round and a median per mode.

    bench/clients/python-batch.py --data ../shared/data/faq-bench [-n 10000] [--rounds 3]

faq-bench is evaluation data (see its README): it is read from --data at run time and never
copied into the repository. Environment: CHATBOTD and CHATBOTCTL (default .build/release/… when
built, else the harness's .build/debug/…). Server and client are pinned to different cores
(--no-pin to leave them be).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pathlib
import resource
import statistics
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
for name in ("chatbotd", "chatbotctl"):
    release = ROOT / ".build" / "release" / name
    if name.upper() not in os.environ and release.exists():
        os.environ[name.upper()] = str(release)
sys.path.insert(0, str(ROOT / "Tests" / "interop"))
try:
    import chatbot_client  # noqa: F401  (an installed chatbotd-client)
except ImportError:
    sys.path.insert(0, str(ROOT / "clients" / "python" / "src"))

from chatbot_client import ChatbotClient, ChatbotError, pb  # noqa: E402
from grpc_support import Server, binary  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pin(pid: int, cpu: int) -> None:
    for task in os.listdir(f"/proc/{pid}/task"):
        os.sched_setaffinity(int(task), {cpu})


def run_stream(client: ChatbotClient, queries: list[str], signature: str, in_flight: int) -> int:
    ok = 0
    for result in client.query_batch(queries, max_in_flight=in_flight, signature=signature, timeout=600):
        ok += result.ok
    return ok


def run_unary(client: ChatbotClient, queries: list[str], signature: str, in_flight: int) -> int:
    ok = 0
    for query in queries:
        client.query(query, signature=signature)
        ok += 1
    return ok


def run_unary_concurrent(client: ChatbotClient, queries: list[str], signature: str, in_flight: int) -> int:
    if not queries:  # no call would ever set `done`
        return 0
    window = threading.Semaphore(in_flight)
    done = threading.Event()
    lock = threading.Lock()
    counts = {"ok": 0, "finished": 0}
    failures: list[BaseException] = []

    def finished(future) -> None:
        with lock:
            if future.exception() is None:
                counts["ok"] += 1
            else:
                failures.append(future.exception())
            counts["finished"] += 1
            if counts["finished"] == len(queries):
                done.set()
        window.release()

    for query in queries:
        window.acquire()
        request = pb.QueryRequest(token=client.token, signature=signature, query=query)
        client.stub.Query.future(request, timeout=60).add_done_callback(finished)
    # Every call has a 60 s deadline, so all have finished well within this after the last is sent.
    if not done.wait(timeout=120):
        raise RuntimeError(f"unary-K: {counts['finished']} of {len(queries)} calls finished after 120 s")
    if failures:
        raise failures[0]
    return counts["ok"]


MODES = {"stream": run_stream, "unary": run_unary, "unary-K": run_unary_concurrent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("FAQ_BENCH", ROOT.parent / "shared" / "data" / "faq-bench"),
                        type=pathlib.Path, help="the faq-bench folder (kb.jsonl, queries-dev.jsonl)")
    parser.add_argument("--kb", default="kb.jsonl", help="knowledge base file in --data (kb.jsonl or kb-100k.jsonl)")
    parser.add_argument("-n", "--queries", type=int, default=10_000, help="queries per mode per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=128)
    parser.add_argument("--modes", default="stream,unary,unary-K")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    modes = args.modes.split(",")
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode}")
    kb_path, queries_path = args.data / args.kb, args.data / "queries-dev.jsonl"
    for path in (kb_path, queries_path):
        if not path.exists():
            parser.error(f"{path} is missing (--data DIR is the faq-bench folder)")
    dev = [json.loads(line)["query"] for line in queries_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = list(itertools.islice(itertools.cycle(dev), args.queries))

    def setup(server: Server) -> None:
        server.ctl("kb", "import", "--token", server.bot["token"], str(kb_path))
        server.ctl("publish", "--token", server.bot["token"])

    print(f"chatbotd: {binary('chatbotd')}", flush=True)
    started = time.monotonic()
    server = Server(setup=setup)
    try:
        print(f"server up with {args.kb} in {time.monotonic() - started:.1f} s; {len(queries)} of {len(dev)} dev "
              f"queries per mode and round, {args.in_flight} in flight", flush=True)
        if not args.no_pin and (os.cpu_count() or 1) >= 2:
            pin(server.process.pid, 0)
            os.sched_setaffinity(0, {1})  # before any grpc thread of ours exists
            print("server pinned to CPU 0, client to CPU 1", flush=True)
        client = ChatbotClient(server.address, server.bot["token"], encoding_aes_key=server.bot["encoding_aes_key"],
                               timeout=60)
        signature = client.sign_locally("bench")
        for mode in modes:  # warm-up
            MODES[mode](client, queries[:500], signature, args.in_flight)

        rows: list[tuple[int, str, float, float, float, int]] = []
        for round_ in range(1, args.rounds + 1):
            order = modes if round_ % 2 else list(reversed(modes))
            for mode in order:
                s0, c0, t0 = server_cpu(server.process.pid), client_cpu(), time.perf_counter()
                ok = MODES[mode](client, queries, signature, args.in_flight)
                t1, c1, s1 = time.perf_counter(), client_cpu(), server_cpu(server.process.pid)
                if ok != len(queries):
                    raise SystemExit(f"{mode}: {ok} of {len(queries)} queries answered")
                rows.append((round_, mode, t1 - t0, c1 - c0, s1 - s0, ok))
                print(f"  round {round_} {mode:8} {ok / (t1 - t0):8.0f} q/s", file=sys.stderr, flush=True)
        client.close()
    except ChatbotError as error:
        print(f"failed: {error}", file=sys.stderr)
        return 1
    finally:
        server.terminate()

    n = len(queries)
    print()
    print("| round | mode | queries | q/s | client CPU s | server CPU s | client µs/q | server µs/q |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for round_, mode, wall, ccpu, scpu, ok in rows:
        print(f"| {round_} | {mode} | {ok} | {ok / wall:.0f} | {ccpu:.2f} | {scpu:.2f} | "
              f"{ccpu / ok * 1e6:.0f} | {scpu / ok * 1e6:.0f} |")
    print()
    print(f"Median of {args.rounds} rounds ({n} queries each; stream and unary-K with {args.in_flight} in flight):")
    print()
    print("| mode | q/s | client CPU s | server CPU s | client µs/q | server µs/q | q/s vs unary |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    medians = {}
    for mode in modes:
        mine = [r for r in rows if r[1] == mode]
        medians[mode] = (statistics.median(n / r[2] for r in mine), statistics.median(r[3] for r in mine),
                         statistics.median(r[4] for r in mine))
    for mode, (qps, ccpu, scpu) in medians.items():
        ratio = f"{qps / medians['unary'][0]:.1f}×" if "unary" in medians else "–"
        print(f"| {mode} | {qps:.0f} | {ccpu:.2f} | {scpu:.2f} | {ccpu / n * 1e6:.0f} | {scpu / n * 1e6:.0f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
