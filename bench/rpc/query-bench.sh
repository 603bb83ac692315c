#!/usr/bin/env bash
# The Query benchmark on three faces, side by side in one run against one chatbotd answering from
# the faq-bench knowledge base (server pinned to core 0 with one event loop, load to core 1):
#   - gRPC `chatbot.v1.Chatbot/Query` with h2load (-c 8 -m 16);
#   - gRPC `QueryStream` with h2load (-c 4 -m 4), 1,024 queries per stream (one request body of
#     1,024 framed QueryRequests; the answers stream back as the server reads them);
#   - `POST /openapi/aibot/{TOKEN}` over plain HTTP/2 with h2load (-c 8 -m 16);
#   - the same over HTTP/1.1 keep-alive with wrk (-c 8, one request at a time per connection).
# Each reports requests per server CPU-second (the server's user+system time over the face's run).
# The benchmark data is read at run time from $FAQ_BENCH (default ../shared/data/faq-bench) and
# never copied into the repository.
#
#   bench/rpc/query-bench.sh                    # 160,000 requests per face over 16 dev queries, kb.jsonl
#   bench/rpc/query-bench.sh --kb kb-100k.jsonl -n 32000
#
# The same 16 dev queries (a fixed sample) on every face: h2load repeats one body, so it runs once
# per query with n/16 requests; wrk's Lua script cycles through the 16 bodies for as long as the
# h2load runs of the gRPC face took. Before measuring, every body is sent once and must get an
# answer (grpc-status 0; a JSON aibot response with a status, not an errcode).
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
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
missing=$(for p in nghttp2-client wrk curl util-linux; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    echo "query-bench: installing" $missing >&2
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/query-bench.XXXXXX")
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

TOKEN=benchQueryToken0123456789abcdefg
AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
"$CHATBOTCTL" bots add --name bench --db "$WORK/chatbot.db" --token "$TOKEN" --aes-key "$AES_KEY" >/dev/null
"$CHATBOTCTL" kb import --token "$TOKEN" "$FAQ_BENCH/$KB" --db "$WORK/chatbot.db" >/dev/null
"$CHATBOTCTL" publish --token "$TOKEN" --db "$WORK/chatbot.db" >/dev/null

# Request bodies: a gRPC frame around QueryRequest{token=1, signature=2, query=3}, hand-encoded,
# and the aibot JSON body; and wrk's Lua script, which cycles through the JSON bodies.
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
bodies, frames = [], []
for i, query in enumerate(queries[:16]):
    message = field(1, token) + field(2, signature) + field(3, query)
    frames.append(b"\0" + struct.pack(">I", len(message)) + message)
    open(f"{work}/body{i}.bin", "wb").write(frames[-1])
    body = json.dumps({"signature": signature, "query": query}, ensure_ascii=False)
    open(f"{work}/body{i}.json", "w", encoding="utf-8").write(body)
    bodies.append(body)
# QueryStream: the 16 queries 64 times over on one stream.
open(f"{work}/stream.bin", "wb").write(b"".join(frames * 64))
# Lua long strings take the UTF-8 bodies as they are (Lua 5.1 has no \u escapes).
lua = "\n".join("bodies[%d] = [==[%s]==]" % (i + 1, b) for i, b in enumerate(bodies))
open(f"{work}/aibot.lua", "w", encoding="utf-8").write(f"""bodies = {{}}
{lua}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
    i = i % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[i])
end
""")
PY

taskset -c 0 "$CHATBOTD" --listen 127.0.0.1:0 --db "$WORK/chatbot.db" --threads 1 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 600); do
    PORT=$(grep -a -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' "$WORK/server.log" | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "${PORT:-}" ] || { echo "query-bench: chatbotd did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
GRPC_URL=$BASE/chatbot.v1.Chatbot/Query
AIBOT_URL=$BASE/openapi/aibot/$TOKEN

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
h2load_run() { # n body url content-type
    local extra=()
    [ "$4" = application/grpc ] && extra=(-H 'te: trailers')
    taskset -c 1 h2load -n "$1" -c "$CONNS" -m "$STREAMS" -t 1 -H "content-type: $4" "${extra[@]}" -d "$2" "$3"
}
grpc_run() { h2load_run "$1" "$WORK/body$2.bin" "$GRPC_URL" application/grpc; }
http2_run() { h2load_run "$1" "$WORK/body$2.json" "$AIBOT_URL" application/json; }
http1_run() { # seconds
    taskset -c 1 wrk -t 1 -c "$CONNS" -d "${1}s" --latency -s "$WORK/aibot.lua" "$AIBOT_URL"
}

# Every body gets an answer before anything is measured.
for i in $(seq 0 15); do
    nghttp -nv -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/body$i.bin" "$GRPC_URL" 2>&1 |
        grep -aq 'grpc-status: 0$' || { echo "query-bench: query $i did not get grpc-status 0" >&2; exit 1; }
    for proto in --http1.1 --http2-prior-knowledge; do
        curl -sS "$proto" -H 'content-type: application/json' --data-binary "@$WORK/body$i.json" "$AIBOT_URL" |
            "$PYTHON" -c 'import json, sys; r = json.load(sys.stdin); sys.exit("errcode" in r or not r.get("status"))' ||
            { echo "query-bench: aibot query $i ($proto) did not get an answer" >&2; exit 1; }
    done
done
# The stream's 1,024 results must all be answers (QueryResult field 2), none a per-item error.
curl -sS --http2-prior-knowledge -H 'content-type: application/grpc' -H 'te: trailers' \
    --data-binary "@$WORK/stream.bin" -o "$WORK/stream.out" "$BASE/chatbot.v1.Chatbot/QueryStream"
"$PYTHON" - "$WORK/stream.out" <<'PY' || { echo "query-bench: QueryStream did not answer all 1,024 queries" >&2; exit 1; }
import struct, sys
data, results, i = open(sys.argv[1], "rb").read(), 0, 0
while i < len(data):
    length = struct.unpack(">I", data[i + 1:i + 5])[0]
    if data[i + 5] != 0x12:
        sys.exit(f"result {results} is not an answer")
    results, i = results + 1, i + 5 + length
sys.exit(0 if results == 1024 else f"{results} results")
PY
for i in $(seq 0 15); do grpc_run 500 "$i" >/dev/null; http2_run 500 "$i" >/dev/null; done
http1_run 2 >/dev/null

PER=$((REQUESTS / 16))
RESULTS=()
measure() { # name summariser command...: runs the command, the summariser reads "requests 2xx" off its output
    local name=$1 summarise=$2 cpu0 cpu1 start end out ok n
    shift 2
    cpu0=$(cpu_ticks "$SERVER_PID")
    start=$(date +%s.%N)
    out=$("$@")
    end=$(date +%s.%N)
    cpu1=$(cpu_ticks "$SERVER_PID")
    read -r n ok <<<"$("$summarise" <<<"$out")"
    RESULTS+=("$name|$n|$ok|$cpu0|$cpu1|$start|$end")
    [ "$n" -gt 0 ] && [ "$ok" = "$n" ] || { echo "query-bench: $name: $ok of $n requests answered 2xx" >&2; exit 1; }
}
h2load_all() { # run-function
    local i
    for i in $(seq 0 15); do "$1" "$PER" "$i"; done
}
RSS0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")
h2load_counts() { awk '/^requests:/ { n += $2 } /^status codes:/ { ok += $3 } END { print n, ok }'; }
wrk_counts() { awk '/requests in/ { n = $1 } /Non-2xx or 3xx/ { bad = $NF } END { print n, n - bad }'; }
measure "gRPC Query (h2load)" h2load_counts h2load_all grpc_run
stream_run() {
    taskset -c 1 h2load -n "$((PER * 16 / 1024))" -c 4 -m 4 -t 1 -H 'content-type: application/grpc' \
        -H 'te: trailers' -d "$WORK/stream.bin" "$BASE/chatbot.v1.Chatbot/QueryStream"
}
stream_counts() { awk '/^requests:/ { n = $2 * 1024 } /^status codes:/ { ok = $3 * 1024 } END { print n, ok }'; }
measure "gRPC QueryStream (h2load)" stream_counts stream_run
measure "aibot, HTTP/2 (h2load)" h2load_counts h2load_all http2_run
# wrk runs for as long as the gRPC face took, rounded up to whole seconds.
IFS='|' read -r _ _ _ _ _ s e <<<"${RESULTS[0]}"
SECONDS_WRK=$(awk -v s="$s" -v e="$e" 'BEGIN { d = e - s; printf "%d", (d == int(d)) ? d : int(d) + 1 }')
measure "aibot, HTTP/1.1 keep-alive (wrk)" wrk_counts http1_run "$SECONDS_WRK"
RSS1=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status")

printf 'Query over %s, chatbotd --threads 1 on core 0, load on core 1, %d connections:\n' "$KB" "$CONNS"
printf '%-34s %9s %9s %12s %14s %22s\n' face requests 2xx "req/s wall" "server CPU s" "req per server CPU-s"
for row in "${RESULTS[@]}"; do
    IFS='|' read -r name n ok c0 c1 s e <<<"$row"
    awk -v name="$name" -v n="$n" -v ok="$ok" -v c0="$c0" -v c1="$c1" -v tck="$(getconf CLK_TCK)" -v s="$s" \
        -v e="$e" 'BEGIN { cpu = (c1 - c0) / tck
        printf "%-34s %9d %9d %12.0f %14.2f %22.0f\n", name, n, ok, n / (e - s), cpu, ok / cpu }'
done
printf 'server RSS %d -> %d MiB\n' $((RSS0 / 1024)) $((RSS1 / 1024))
