#!/usr/bin/env bash
# Instructions per operation, Swift next to C, counted by valgrind's callgrind: repeatable on a
# busy machine, unlike wall time. Each figure is (Ir at N2 − Ir at N1) / (N2 − N1), so start-up
# and one-time initialisation cancel out.
#
#   bench/crypto/callgrind.sh            (after `swift build -c release --product chatbot-bench`)
set -euo pipefail
cd "$(dirname "$0")/../.."
n1=2000
n2=12000
bin=$(mktemp)
trap 'rm -f "$bin" "$bin".out' EXIT
# valgrind 3.19 cannot read Swift 6.3's debug info; the symbol table is enough.
cp .build/release/chatbot-bench "$bin"
strip --strip-debug "$bin"
chmod +x "$bin"

instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$bin.out" "$bin" "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p; s/.*refs: *\([0-9,]*\).*/\1/p' | tr -d , | tail -1
}

printf '| operation        | Swift (Ir/op) | C + OpenSSL (Ir/op) | Swift / C |\n'
printf '|------------------|--------------:|--------------------:|----------:|\n'
for op in jwt-sign jwt-verify envelope-encrypt envelope-decrypt msg_signature; do
    per_op() { echo $((($(instructions "$1" $n2) - $(instructions "$1" $n1)) / (n2 - n1))); }
    s=$(per_op "swift-$op")
    c=$(per_op "c-$op")
    printf '| %-16s | %13d | %19d | %9s |\n' "$op" "$s" "$c" "$(awk "BEGIN { printf \"%.2f\", $s / $c }")"
done
