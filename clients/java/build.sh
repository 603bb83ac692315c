#!/usr/bin/env bash
# Builds the Java client offline with plain javac from Debian's jars in /usr/share/java: the
# generated stubs, the helpers (src/), the example and the tests, into OUT (default
# clients/java/build, ignored by git). Writes OUT/classpath, the runtime classpath to pass to `java -cp`.
#
#   clients/java/build.sh [OUT]
#   java -cp "$(cat clients/java/build/classpath)" chatbot.client.example.Example ADDRESS TOKEN AES_KEY
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(mkdir -p "${1:-$HERE/build}" && cd "${1:-$HERE/build}" && pwd)
JARS=${JAVA_JARS:-/usr/share/java}

# grpc-java 1.41.3 and what its Debian poms depend on (libgrpc-java itself only pulls in
# opencensus; the rest are separate packages, listed in the Makefile's CLIENT_APT_PACKAGES).
deps=(
    grpc-api grpc-context grpc-core grpc-netty grpc-protobuf grpc-protobuf-lite grpc-stub
    protobuf guava perfmark-api gson error_prone_annotations animal-sniffer-annotations jsr305
    proto-google-common-protos geronimo-annotation-1.3-spec
    netty-buffer netty-codec netty-codec-http netty-codec-http2 netty-codec-socks netty-common
    netty-handler netty-handler-proxy netty-resolver netty-transport netty-transport-native-unix-common
)
classpath=
missing=()
for dep in "${deps[@]}"; do
    jar="$JARS/$dep.jar"
    [[ -f "$jar" ]] || missing+=("$jar")
    classpath+="$jar:"
done
if (( ${#missing[@]} )); then
    echo "clients/java/build.sh: missing ${missing[*]} (install the Makefile's CLIENT_APT_PACKAGES: make deps)" >&2
    exit 1
fi

rm -rf "$OUT/classes"
mkdir -p "$OUT/classes"
find "$HERE/generated" "$HERE/src" "$HERE/example" "$HERE/test" -name '*.java' | LC_ALL=C sort >"$OUT/sources"
javac --release 17 -encoding UTF-8 -nowarn -Xlint:-options -d "$OUT/classes" -cp "$classpath" @"$OUT/sources"
echo "$OUT/classes:${classpath%:}" >"$OUT/classpath"
