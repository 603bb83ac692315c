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
#   bench/rpc/query-bench.sh --baseline ../old/.build/release -n 64000 --rounds 8
#
# With --baseline DIR (a build's directory holding chatbotd and chatbotctl), a second server runs
# that build beside this one, each with its own database made by its own chatbotctl, on the same
# core, one at a time: every face runs in --rounds short turns, this build and the baseline
# alternating (which goes first alternates too), so a noisy neighbour weighs on both alike. The
# table then gives both figures per face and their ratio.
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
BASELINE=
ROUNDS=1
while [ $# -gt 0 ]; do
    case $1 in
        -n) REQUESTS=$2; shift 2 ;;
        --baseline) BASELINE=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --kb) KB=$2; shift 2 ;;
        -c) CONNS=$2; shift 2 ;;
        -m) STREAMS=$2; shift 2 ;;
        *) echo "query-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$BASELINE" ] && [ "$ROUNDS" = 1 ] && ROUNDS=8
for b in "$CHATBOTD" "$CHATBOTCTL" ${BASELINE:+"$BASELINE/chatbotd" "$BASELINE/chatbotctl"}; do
    [ -x "$b" ] || { echo "query-bench: $b not found: run 'swift build -c release'" >&2; exit 1; }
done
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
missing=$(for p in nghttp2-client wrk curl util-linux; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    echo "query-bench: installing" $missing >&2
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/query-bench.XXXXXX")
PIDS=()
cleanup() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

TOKEN=benchQueryToken0123456789abcdefg
AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
# Server 0 is this build; server 1, with --baseline, the baseline.
BINS=("$CHATBOTD")
CTLS=("$CHATBOTCTL")
[ -n "$BASELINE" ] && BINS+=("$BASELINE/chatbotd") && CTLS+=("$BASELINE/chatbotctl")
for k in "${!BINS[@]}"; do
    "${CTLS[$k]}" bots add --name bench --db "$WORK/chatbot$k.db" --token "$TOKEN" --aes-key "$AES_KEY" >/dev/null
    "${CTLS[$k]}" kb import --token "$TOKEN" "$FAQ_BENCH/$KB" --db "$WORK/chatbot$k.db" >/dev/null
    "${CTLS[$k]}" publish --token "$TOKEN" --db "$WORK/chatbot$k.db" >/dev/null
done

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

cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
h2load_run() { # n body url content-type
    local extra=()
    [ "$4" = application/grpc ] && extra=(-H 'te: trailers')
    taskset -c 1 h2load -n "$1" -c "$CONNS" -m "$STREAMS" -t 1 -H "content-type: $4" "${extra[@]}" -d "$2" "$3"
}
# The faces, against the server whose base URL is $BASE.
grpc_run() { h2load_run "$1" "$WORK/body$2.bin" "$BASE/chatbot.v1.Chatbot/Query" application/grpc; }
http2_run() { h2load_run "$1" "$WORK/body$2.json" "$BASE/openapi/aibot/$TOKEN" application/json; }
http1_run() { # seconds
    taskset -c 1 wrk -t 1 -c "$CONNS" -d "${1}s" --latency -s "$WORK/aibot.lua" "$BASE/openapi/aibot/$TOKEN"
}
stream_run() { # streams
    taskset -c 1 h2load -n "$1" -c 4 -m 4 -t 1 -H 'content-type: application/grpc' \
        -H 'te: trailers' -d "$WORK/stream.bin" "$BASE/chatbot.v1.Chatbot/QueryStream"
}

URLS=()
for k in "${!BINS[@]}"; do
    taskset -c 0 "${BINS[$k]}" --listen 127.0.0.1:0 --db "$WORK/chatbot$k.db" --threads 1 2>"$WORK/server$k.log" &
    PIDS+=($!)
    PORT=
    for _ in $(seq 600); do
        PORT=$(grep -a -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' "$WORK/server$k.log" | sed 's/.*://' || true)
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { echo "query-bench: ${BINS[$k]} did not start" >&2; cat "$WORK/server$k.log" >&2; exit 1; }
    URLS+=("http://127.0.0.1:$PORT")
done

for k in "${!BINS[@]}"; do
    BASE=${URLS[$k]}
    # Every body gets an answer before anything is measured.
    for i in $(seq 0 15); do
        nghttp -nv -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/body$i.bin" \
            "$BASE/chatbot.v1.Chatbot/Query" 2>&1 |
            grep -aq 'grpc-status: 0$' || { echo "query-bench: query $i did not get grpc-status 0" >&2; exit 1; }
        for proto in --http1.1 --http2-prior-knowledge; do
            curl -sS "$proto" -H 'content-type: application/json' --data-binary "@$WORK/body$i.json" \
                "$BASE/openapi/aibot/$TOKEN" |
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
done

PER=$((REQUESTS / 16 / ROUNDS))
[ "$PER" -ge 1 ] || { echo "query-bench: -n must be at least 16 x --rounds" >&2; exit 1; }
# Totals per face and server, "requests 2xx cpu-ticks seconds", summed over the rounds.
declare -A TOTAL
FACES=("gRPC Query (h2load)" "gRPC QueryStream (h2load)" "aibot, HTTP/2 (h2load)" "aibot, HTTP/1.1 keep-alive (wrk)")
measure() { # face-index server summariser command...: runs the command against the server, adds to TOTAL
    local face=$1 k=$2 summarise=$3 cpu0 cpu1 start end out ok n
    shift 3
    BASE=${URLS[$k]}
    cpu0=$(cpu_ticks "${PIDS[$k]}")
    start=$(date +%s.%N)
    out=$("$@")
    end=$(date +%s.%N)
    cpu1=$(cpu_ticks "${PIDS[$k]}")
    read -r n ok <<<"$("$summarise" <<<"$out")"
    [ "$n" -gt 0 ] && [ "$ok" = "$n" ] || { echo "query-bench: ${FACES[$face]}: $ok of $n requests answered 2xx" >&2; exit 1; }
    read -r tn tok tc ts <<<"${TOTAL[$face,$k]:-0 0 0 0}"
    TOTAL[$face,$k]="$((tn + n)) $((tok + ok)) $((tc + cpu1 - cpu0)) $(awk -v t="$ts" -v s="$start" -v e="$end" 'BEGIN { print t + e - s }')"
}
h2load_all() { # run-function
    local i
    for i in $(seq 0 15); do "$1" "$PER" "$i"; done
}
h2load_counts() { awk '/^requests:/ { n += $2 } /^status codes:/ { ok += $3 } END { print n, ok }'; }
wrk_counts() { awk '/requests in/ { n = $1 } /Non-2xx or 3xx/ { bad = $NF } END { print n, n - bad }'; }
stream_counts() { awk '/^requests:/ { n = $2 * 1024 } /^status codes:/ { ok = $3 * 1024 } END { print n, ok }'; }
RSS0=$(awk '/^VmRSS:/ { print $2 }' "/proc/${PIDS[0]}/status")
for round in $(seq "$ROUNDS"); do
    # This build first in odd rounds, the baseline first in even ones.
    ORDER=("${!BINS[@]}")
    [ ${#BINS[@]} = 2 ] && [ $((round % 2)) = 0 ] && ORDER=(1 0)
    for k in "${ORDER[@]}"; do measure 0 "$k" h2load_counts h2load_all grpc_run; done
    # At least one stream per h2load client (4).
    for k in "${ORDER[@]}"; do measure 1 "$k" stream_counts stream_run "$((PER * 16 / 1024 > 4 ? PER * 16 / 1024 : 4))"; done
    for k in "${ORDER[@]}"; do measure 2 "$k" h2load_counts h2load_all http2_run; done
    # wrk runs for as long as this build's gRPC turn took, rounded up to whole seconds.
    read -r _ _ _ GRPC_SECONDS <<<"${TOTAL[0,0]}"
    SECONDS_WRK=$(awk -v t="$GRPC_SECONDS" -v r="$round" 'BEGIN { d = t / r; printf "%d", (d == int(d)) ? d : int(d) + 1 }')
    for k in "${ORDER[@]}"; do measure 3 "$k" wrk_counts http1_run "$SECONDS_WRK"; done
done
RSS1=$(awk '/^VmRSS:/ { print $2 }' "/proc/${PIDS[0]}/status")

printf 'Query over %s, chatbotd --threads 1 on core 0, load on core 1, %d connections, %d round(s):\n' \
    "$KB" "$CONNS" "$ROUNDS"
row() { # name n ok ticks seconds
    awk -v name="$1" -v n="$2" -v ok="$3" -v ticks="$4" -v secs="$5" -v tck="$(getconf CLK_TCK)" \
        'BEGIN { cpu = ticks / tck; printf "%-34s %9d %9d %12.0f %14.2f %22.0f\n", name, n, ok, n / secs, cpu, ok / cpu }'
}
printf '%-34s %9s %9s %12s %14s %22s\n' face requests 2xx "req/s wall" "server CPU s" "req per server CPU-s"
for face in "${!FACES[@]}"; do
    row "${FACES[$face]}" ${TOTAL[$face,0]}
done
if [ -n "$BASELINE" ]; then
    printf '\nbaseline %s:\n' "$BASELINE"
    for face in "${!FACES[@]}"; do row "${FACES[$face]}" ${TOTAL[$face,1]}; done
    printf '\n%-34s %s\n' face "this build / baseline, requests per server CPU-second"
    for face in "${!FACES[@]}"; do
        read -r _ ok0 t0 _ <<<"${TOTAL[$face,0]}"
        read -r _ ok1 t1 _ <<<"${TOTAL[$face,1]}"
        awk -v name="${FACES[$face]}" -v a="$ok0" -v ta="$t0" -v b="$ok1" -v tb="$t1" \
            'BEGIN { printf "%-34s %.3f\n", name, (a / ta) / (b / tb) }'
    done
fi
printf 'server RSS %d -> %d MiB\n' $((RSS0 / 1024)) $((RSS1 / 1024))
