#!/usr/bin/env bash
# The Query RPC benchmark: h2load against chatbotd answering from the faq-bench knowledge base,
# server pinned to core 0 (one event loop), h2load to core 1. The benchmark data is read at run
# time from $FAQ_BENCH (default ../shared/data/faq-bench) and never copied into the repository.
#
#   bench/rpc/query-bench.sh                    # 160,000 requests over 16 dev queries, kb.jsonl
#   bench/rpc/query-bench.sh --kb kb-100k.jsonl -n 32000
#
# Each of 16 dev queries (a fixed sample) is sent n/16 times, one h2load run per query, since
# h2load repeats one body; the server's CPU time over all runs gives requests per CPU-second.
# Environment: CHATBOTD, CHATBOTCTL (default .build/release/…), FAQ_BENCH, PYTHON.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
REQUESTS=160000
KB=kb.jsonl
CONNS=8
STREAMS=16
FAQ_BENCH=${FAQ_BENCH:-$ROOT/../shared/data/faq-bench}
CHATBOTD=${CHATBOTD:-$ROOT/.build/release/chatbotd}
CHATBOTCTL=${CHATBOTCTL:-$ROOT/.build/release/chatbotctl}
PYTHON=${PYTHON:-python3}
while [ $# -gt 0 ]; do
    case $1 in
        -n) REQUESTS=$2; shift 2 ;;
        --kb) KB=$2; shift 2 ;;
        -c) CONNS=$2; shift 2 ;;
        -m) STREAMS=$2; shift 2 ;;
        *) echo "query-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
for b in "$CHATBOTD" "$CHATBOTCTL"; do
    [ -x "$b" ] || { echo "query-bench: $b not found: run 'swift build -c release'" >&2; exit 1; }
done
command -v h2load >/dev/null || { echo "query-bench: h2load missing (apt-get install nghttp2-client)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/query-bench.XXXXXX")
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

TOKEN=benchQueryToken0123456789abcdefg
AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
"$CHATBOTCTL" bots add --name bench --db "$WORK/chatbot.db" --token "$TOKEN" --aes-key "$AES_KEY" >/dev/null
"$CHATBOTCTL" kb import --token "$TOKEN" "$FAQ_BENCH/$KB" --db "$WORK/chatbot.db" >/dev/null
"$CHATBOTCTL" publish --token "$TOKEN" --db "$WORK/chatbot.db" >/dev/null

# Request bodies: a gRPC frame around QueryRequest{token=1, signature=2, query=3}, hand-encoded.
"$PYTHON" - "$FAQ_BENCH/queries-dev.jsonl" "$WORK" "$TOKEN" "$AES_KEY" <<'PY'
import json, random, struct, sys, time
import jwt
queries_path, work, token, key = sys.argv[1:]
queries = [json.loads(line)["query"] for line in open(queries_path, encoding="utf-8")]
random.Random(7).shuffle(queries)
signature = jwt.encode({"userid": "bench", "exp": int(time.time()) + 86400}, key, algorithm="HS256")
def field(number, text):
    data = text.encode()
    out, n = bytes([number << 3 | 2]), len(data)
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80]); n >>= 7
    return out + bytes([n]) + data
for i, query in enumerate(queries[:16]):
    message = field(1, token) + field(2, signature) + field(3, query)
    open(f"{work}/body{i}.bin", "wb").write(b"\0" + struct.pack(">I", len(message)) + message)
PY

taskset -c 0 "$CHATBOTD" --listen 127.0.0.1:0 --db "$WORK/chatbot.db" --threads 1 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 600); do
    PORT=$(grep -a -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' "$WORK/server.log" | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "${PORT:-}" ] || { echo "query-bench: chatbotd did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
URL=http://127.0.0.1:$PORT/chatbot.v1.Chatbot/Query

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
run() { # n body
    taskset -c 1 h2load -n "$1" -c "$CONNS" -m "$STREAMS" -t 1 -H 'content-type: application/grpc' \
        -H 'te: trailers' -d "$2" "$URL"
}
# The body gets grpc-status 0 before anything is measured.
nghttp -nv -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/body0.bin" "$URL" 2>&1 |
    grep -aq 'grpc-status: 0$' || { echo "query-bench: the request did not get grpc-status 0" >&2; exit 1; }
for i in $(seq 0 15); do run 500 "$WORK/body$i.bin" >/dev/null; done

PER=$((REQUESTS / 16))
OK=0
RSS0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")
CPU0=$(cpu_ticks "$SERVER_PID")
START=$(date +%s.%N)
for i in $(seq 0 15); do
    out=$(run "$PER" "$WORK/body$i.bin")
    OK=$((OK + $(awk '/^status codes:/ { print $3 }' <<<"$out")))
done
END=$(date +%s.%N)
CPU1=$(cpu_ticks "$SERVER_PID")
RSS1=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")
awk -v n="$((PER * 16))" -v ok="$OK" -v c0="$CPU0" -v c1="$CPU1" -v tck="$(getconf CLK_TCK)" -v s="$START" \
    -v e="$END" -v r0="$RSS0" -v r1="$RSS1" -v kb="$KB" 'BEGIN {
    cpu = (c1 - c0) / tck
    printf "Query over %s: %d requests, %d 2xx, %.0f req/s wall, server CPU %.2f s, %.0f requests per server CPU-second, RSS %.0f -> %.0f MiB\n",
        kb, n, ok, n / (e - s), cpu, ok / cpu, r0 / 1024, r1 / 1024 }'
[ "$OK" = "$((PER * 16))" ]
