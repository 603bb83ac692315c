#!/usr/bin/env bash
# The Sign RPC benchmark: h2load against chatbotd, a C++ grpc++ async peer and (optionally) a
# Python grpcio peer, one server at a time, each server pinned to core 0 and h2load to core 1.
# Prints a Markdown table; see bench/rpc/README.md for what each column means.
#
#   bench/rpc/sign-bench.sh                 # 200,000 requests per server
#   bench/rpc/sign-bench.sh --long          # 1,000,000 requests per server
#   bench/rpc/sign-bench.sh -n 50000 --servers chatbotd,grpcpp
#
# Options:
#   -n, --requests N   requests in the measured run (default 200000)
#   --long             same as -n 1000000
#   --warmup N         requests in the warm-up run before it (default 20000)
#   --servers LIST     comma-separated, from chatbotd, grpcpp, python (default chatbotd,grpcpp,python)
#   -c N / -m N        h2load connections / max concurrent streams per connection (default 8 / 16)
#   --timeout S        upper bound on each h2load run, in seconds (default 600)
#   --out DIR          where logs and the table go (default bench/out/rpc)
# Environment: CHATBOTD, CHATBOTCTL (default .build/release/chatbotd, .build/release/chatbotctl),
#   PYTHON (default python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

REQUESTS=200000
WARMUP=20000
SERVERS=chatbotd,grpcpp,python
CONNS=8
STREAMS=16
RUN_TIMEOUT=600
OUT=$ROOT/bench/out/rpc
CHATBOTD=${CHATBOTD:-$ROOT/.build/release/chatbotd}
CHATBOTCTL=${CHATBOTCTL:-$ROOT/.build/release/chatbotctl}
PYTHON=${PYTHON:-python3}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case $1 in
        -n | --requests) REQUESTS=$2; shift 2 ;;
        --long) REQUESTS=1000000; shift ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --servers) SERVERS=$2; shift 2 ;;
        -c) CONNS=$2; shift 2 ;;
        -m) STREAMS=$2; shift 2 ;;
        --timeout) RUN_TIMEOUT=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h | --help) usage 0 ;;
        *) echo "sign-bench: unknown option $1" >&2; usage 2 >&2 ;;
    esac
done
for v in REQUESTS WARMUP CONNS STREAMS RUN_TIMEOUT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "sign-bench: $v must be a positive integer" >&2; exit 2; }
done
[ "$REQUESTS" -le 10000000 ] || { echo "sign-bench: at most 10,000,000 requests" >&2; exit 2; }
[ "$REQUESTS" -ge "$CONNS" ] && [ "$WARMUP" -ge "$CONNS" ] || { echo "sign-bench: need at least -c requests" >&2; exit 2; }

TOKEN=benchSignToken0123456789abcdefgh
AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
APPID=wx0123456789abcdef
CPP_PEER=$ROOT/bench/peers/grpcpp-sign/build/sign_server
PY_PEER=$ROOT/bench/peers/python-sign/server.py
CHECK=$ROOT/bench/rpc/sign_check.py

# ---- what this needs -----------------------------------------------------------------------------

SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
missing=$(for p in nghttp2-client libgrpc++-dev protobuf-compiler-grpc libssl-dev pkg-config util-linux; do
    dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    echo "sign-bench: installing $missing" >&2
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if ! $PYTHON -c 'import grpc, grpc_tools, jwt, google.protobuf' 2>/dev/null; then
    echo "sign-bench: installing grpcio, grpcio-tools, PyJWT" >&2
    $PYTHON -m pip install -q grpcio==1.85.1 grpcio-tools==1.85.1 PyJWT==2.15.1 protobuf ||
        $PYTHON -m pip install -q --break-system-packages grpcio==1.85.1 grpcio-tools==1.85.1 PyJWT==2.15.1 protobuf
fi
if [ "$(nproc)" -lt 2 ]; then echo "sign-bench: needs 2 cores (server on 0, h2load on 1)" >&2; exit 1; fi

IFS=, read -r -a SERVER_LIST <<<"$SERVERS"
for s in "${SERVER_LIST[@]}"; do
    case $s in
        chatbotd)
            for b in "$CHATBOTD" "$CHATBOTCTL"; do
                [ -x "$b" ] || { echo "sign-bench: $b not found: run 'swift build -c release' (or set CHATBOTD/CHATBOTCTL)" >&2; exit 1; }
            done ;;
        grpcpp) make -s -C "$ROOT/bench/peers/grpcpp-sign" >&2 ;;
        python) ;;
        *) echo "sign-bench: unknown server $s (chatbotd, grpcpp, python)" >&2; exit 2 ;;
    esac
done

# ---- bookkeeping ---------------------------------------------------------------------------------

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sign-bench.XXXXXX")
STARTED=()

stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${STARTED[@]:-}"; do [ -n "$pid" ] && stop_pid "$pid"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CLK_TCK=$(getconf CLK_TCK)
# utime + stime of every thread of the process, in clock ticks (fields 14 and 15 of
# /proc/PID/stat, counted after the parenthesised command name).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Starts "$@" pinned to core 0 and waits for its "listening on 127.0.0.1:PORT" line on stderr.
# Sets SERVER_PID and SERVER_PORT.
start_server() {
    local log=$1; shift
    taskset -c 0 "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    local i line
    for i in $(seq 600); do
        line=$(grep -a -m1 -oE 'listening on 127\.0\.0\.1:[0-9]+' "$log" || true)
        if [ -n "$line" ]; then SERVER_PORT=${line##*:}; return 0; fi
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "sign-bench: $* exited:" >&2; cat "$log" >&2; return 1; }
        sleep 0.1
    done
    echo "sign-bench: $* did not print its listening line within 60 s" >&2
    return 1
}

h2load_run() { # n logfile-or-empty url
    local n=$1 log=$2 url=$3
    local args=(-n "$n" -c "$CONNS" -m "$STREAMS" -t 1
        -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/body.bin")
    [ -n "$log" ] && args+=(--log-file "$log")
    timeout "$RUN_TIMEOUT" taskset -c 1 h2load "${args[@]}" "$url"
}

"$PYTHON" "$CHECK" body --out "$WORK/body.bin" --token "$TOKEN" --stubs "$WORK/stubs" >/dev/null

ROWS=()
STATUS=0
# One client signs as fast as it can: chatbotd's per-client limit on Sign would refuse it.
export CHATBOT_SIGN_RATE=0
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

bench_one() { # name
    local name=$1 log=$OUT/$1-server.log
    case $name in
        chatbotd)
            "$CHATBOTCTL" bots add --name bench --db "$WORK/chatbot.db" --token "$TOKEN" \
                --aes-key "$AES_KEY" --appid "$APPID" >/dev/null
            start_server "$log" "$CHATBOTD" --listen 127.0.0.1:0 --db "$WORK/chatbot.db" --threads 1 ;;
        grpcpp) start_server "$log" "$CPP_PEER" --token "$TOKEN" --aes-key "$AES_KEY" --port 0 ;;
        python) start_server "$log" "$PYTHON" "$PY_PEER" --token "$TOKEN" --aes-key "$AES_KEY" --port 0 \
            --stubs "$WORK/stubs" ;;
    esac
    local pid=$SERVER_PID url="http://127.0.0.1:$SERVER_PORT/chatbot.v1.Chatbot/Sign"
    echo "== $name (pid $pid, port $SERVER_PORT)" >&2

    # Before any load: Sign answers as the platform does, and the exact body h2load will send
    # gets grpc-status 0.
    local check=ok
    if ! "$PYTHON" "$CHECK" check --port "$SERVER_PORT" --token "$TOKEN" --aes-key "$AES_KEY" \
        --stubs "$WORK/stubs" >&2; then check=FAIL; STATUS=1; fi
    local trace
    trace=$(timeout 10 nghttp -nv -H 'content-type: application/grpc' -H 'te: trailers' -d "$WORK/body.bin" \
        "$url" 2>&1 || true)
    if ! grep -aq 'grpc-status: 0$' <<<"$trace"; then
        echo "sign-bench: $name: the bench request did not get grpc-status 0" >&2
        check=FAIL; STATUS=1
    fi

    echo "   warm-up: $WARMUP requests" >&2
    h2load_run "$WARMUP" "" "$url" >"$OUT/$name-warmup.txt" 2>&1 || true

    local rss0 cpu0 rss1 cpu1 rc=0
    rss0=$(rss_kib "$pid"); cpu0=$(cpu_ticks "$pid")
    echo "   measured: $REQUESTS requests" >&2
    local TIMEFORMAT='%3U %3S' h2cpu
    { time h2load_run "$REQUESTS" "$WORK/$name.reqlog" "$url" >"$OUT/$name-h2load.txt" 2>&1 || rc=$?; } \
        2>"$WORK/h2load-time"
    cpu1=$(cpu_ticks "$pid"); rss1=$(rss_kib "$pid")
    h2cpu=$(awk '{ print $1 + $2 }' "$WORK/h2load-time")
    [ "$rc" = 0 ] || { echo "sign-bench: $name: h2load exited $rc (124 = timed out)" >&2; STATUS=1; }
    stop_pid "$pid"
    STARTED=() # one server at a time: forget it, so that the trap never signals a reused pid

    local h=$OUT/$name-h2load.txt done2xx rps pcts
    done2xx=$(awk '/^status codes:/ { print $3 }' "$h")
    rps=$(awk '/^finished in/ { print $4 }' "$h")
    pcts=$("$PYTHON" "$CHECK" pct --log "$WORK/$name.reqlog")
    rm -f "$WORK/$name.reqlog"
    local p50 p99 logged
    read -r p50 p99 _ logged <<<"$pcts"
    [ "${done2xx:-0}" = "$REQUESTS" ] || STATUS=1
    ROWS+=("$(awk -v name="$name" -v n="$REQUESTS" -v ok="${done2xx:-0}" -v rps="${rps:-0}" \
        -v p50="$p50" -v p99="$p99" -v c0="$cpu0" -v c1="$cpu1" -v tck="$CLK_TCK" \
        -v r0="$rss0" -v r1="$rss1" -v check="$check" -v h2cpu="$h2cpu" 'BEGIN {
            cpu = (c1 - c0) / tck
            printf "| %s | %d | %d | %.0f | %s | %s | %.2f | %.0f | %.2f | %.1f | %.1f | %s |",
                name, n, ok, rps, p50, p99, cpu, (cpu > 0 ? ok / cpu : 0), h2cpu, r0 / 1024, r1 / 1024, check
        }')")
}

# How busy the machine is without us: the share of both cores in use over one second.
busy_pct() {
    local a b
    a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    sleep 1
    b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
        printf "%.0f", (y[2] > x[2] ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0) }'
}
BUSY=$(busy_pct)
if [ "$BUSY" -gt 10 ]; then
    echo "sign-bench: warning: the cores were ${BUSY}% busy before the run: other work skews the figures" >&2
fi
T_START=$(date +%s)
for s in "${SERVER_LIST[@]}"; do bench_one "$s"; done
T_END=$(date +%s)

{
    echo "Sign, $REQUESTS requests per server after $WARMUP warm-up; h2load -c $CONNS -m $STREAMS -t 1 on core 1," \
        "server on core 0; $(date -u +%Y-%m-%d), $((T_END - T_START)) s, cores ${BUSY}% busy before"
    if [[ " ${SERVER_LIST[*]} " == *" chatbotd "* ]]; then echo "chatbotd: $CHATBOTD"; fi
    echo
    echo "| server | requests | 2xx | req/s | p50 ms | p99 ms | server CPU s | req per CPU-s | h2load CPU s | RSS before MiB | RSS after MiB | check |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/table-$STAMP.md"
echo "logs and table: $OUT" >&2
exit "$STATUS"
