# chatbotd: the two commands are `make run` and `make test`. Both install what a fresh Debian 12
# machine lacks, then build.

SWIFT ?= swift
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What the server builds and runs with (`make run` installs only these) ...
APT_PACKAGES := pkg-config libssl-dev libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler libsqlite3-dev \
	nghttp2-client
# ... and what the tests add: the generated clients under clients/ build with these, all from
# Debian's packages so that every client builds offline.
CLIENT_APT_PACKAGES := protobuf-compiler \
	golang-go protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev golang-google-protobuf-dev \
	golang-github-golang-protobuf-1-5-dev \
	g++ make libgrpc++-dev libprotobuf-dev protobuf-compiler-grpc \
	openjdk-17-jdk-headless protobuf-compiler-grpc-java-plugin libgrpc-java libprotobuf-java \
	libnetty-java libperfmark-java libguava-java libgoogle-gson-java liberror-prone-java libanimal-sniffer-java \
	libjsr305-java libgoogle-common-protos-java libgeronimo-annotation-1.3-spec-java
PIP_PACKAGES := pytest wechatpy==1.8.18 PyJWT==2.15.1 protobuf grpcio==1.85.1 grpcio-tools==1.85.1 \
	grpcio-reflection==1.85.1 requests httpx[http2]==0.28.1 cryptography setuptools
SWIFT_FLAGS := -Xswiftc -warnings-as-errors

.PHONY: run test test-asan fuzz fuzz-smoke deps deps-server check-generated lint build bench clean

run: deps-server
	$(SWIFT) build -c release
	scripts/run

test: deps lint check-generated build
	$(SWIFT) test $(SWIFT_FLAGS) --skip-build
	CHATBOTCTL=$(CURDIR)/.build/debug/chatbotctl $(PYTHON) -m pytest -q Tests/interop
	$(MAKE) test-asan
	$(MAKE) fuzz-smoke

# The Swift suites again under AddressSanitizer and LeakSanitizer, in their own build folder.
test-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp:print_suppressions=0 \
		$(SWIFT) test --sanitize=address --scratch-path .build-asan

# libFuzzer targets for the decoders (Fuzz/, with AddressSanitizer and LeakSanitizer), built in
# .build-fuzz and run one at a time for FUZZ_SECONDS each; `fuzz-smoke` runs each for
# FUZZ_SMOKE_SECONDS (`make test` runs it, so a crash a fuzzer finds fails CI). Both print every
# target's exec count and fail on a crash, leak or timeout.
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
fuzz: deps-server
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

fuzz-smoke: deps-server
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) scripts/fuzz

# Installs the Debian packages in $(1) that are missing.
define apt-install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps-server:
	$(call apt-install,$(APT_PACKAGES))

deps: deps-server
	$(call apt-install,$(CLIENT_APT_PACKAGES))
	@$(PYTHON) -c 'import pytest, wechatpy, jwt, grpc, grpc_tools, grpc_reflection, requests, httpx, h2, cryptography, setuptools' 2>/dev/null || \
		$(PYTHON) -m pip install -q $(PIP_PACKAGES) || \
		$(PYTHON) -m pip install -q --break-system-packages $(PIP_PACKAGES)

# Regenerates the protoc-c output and the Swift bridge from proto/ and fails if that changed
# anything: generated code is committed and never edited by hand.
# Hashes every file git would see (tracked or new, not ignored), so build output in ignored folders
# does not count.
GENERATED := Sources/CChatbotProto Sources/ChatbotProto/Generated clients
HASH_GENERATED = git ls-files -co --exclude-standard -- $(GENERATED) | sort | xargs -d '\n' sha256sum | sha256sum
check-generated:
	@before=$$($(HASH_GENERATED)); \
	scripts/generate >/dev/null; \
	after=$$($(HASH_GENERATED)); \
	if [ "$$before" != "$$after" ]; then \
		echo "generated code was out of date with proto/; scripts/generate has rewritten it: commit the result"; \
		git status --short -- $(GENERATED); exit 1; \
	fi

lint:
	$(SWIFT) format lint --strict -r -p Sources Tests bench Package.swift

build:
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)

bench: deps
	$(SWIFT) build -c release --product chatbot-bench
	.build/release/chatbot-bench

clean:
	rm -rf .build .build-asan .build-fuzz
