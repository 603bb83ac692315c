#!/usr/bin/env python3
"""Helpers for bench/rpc/sign-bench.sh, on Python grpcio and PyJWT.

  sign_check.py body  --out FILE --token T            the gRPC-framed SignRequest h2load sends
  sign_check.py check --port P --token T --aes-key K  checks one server's Sign:
      a JWT that PyJWT verifies and that is byte-identical to PyJWT's own for the same claims,
      expires_in 7200, UNAUTHENTICATED + chatbot-errcode 1001 for an unknown token,
      INVALID_ARGUMENT + chatbot-errcode 1003 for an empty userid
  sign_check.py pct   --log FILE                      p50/p99 (ms) and the count of status-200 rows
      of an h2load --log-file

Stubs are generated from proto/ with grpc_tools.protoc into a temporary folder (or --stubs DIR).
"""
import argparse
import os
import struct
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# The request h2load repeats: the same for every server.
BENCH_USERID = "bench-user-0001"
BENCH_USERNAME = "Bench User"
BENCH_AVATAR = "https://example.com/avatar/0001.png"


def load_stubs(stubs_dir=None):
    from grpc_tools import protoc

    out = stubs_dir or tempfile.mkdtemp(prefix="chatbot-stubs-")
    if not os.path.exists(os.path.join(out, "chatbot", "v1", "chatbot_pb2_grpc.py")):
        os.makedirs(out, exist_ok=True)
        rc = protoc.main([
            "grpc_tools.protoc",
            "-I" + os.path.join(ROOT, "proto"),
            "--python_out=" + out,
            "--grpc_python_out=" + out,
            "chatbot/v1/chatbot.proto",
        ])
        if rc != 0:
            sys.exit("sign_check: protoc failed")
    sys.path.insert(0, out)
    from chatbot.v1 import chatbot_pb2, chatbot_pb2_grpc

    return chatbot_pb2, chatbot_pb2_grpc


def cmd_body(args):
    pb2, _ = load_stubs(args.stubs)
    msg = pb2.SignRequest(token=args.token, userid=BENCH_USERID, username=BENCH_USERNAME, avatar=BENCH_AVATAR)
    payload = msg.SerializeToString()
    with open(args.out, "wb") as f:
        f.write(b"\x00" + struct.pack(">I", len(payload)) + payload)
    print(f"{args.out}: {5 + len(payload)} bytes")


def errcode(err):
    for key, value in err.trailing_metadata() or ():
        if key == "chatbot-errcode":
            return value
    return None


def cmd_check(args):
    import grpc
    import jwt

    pb2, pb2_grpc = load_stubs(args.stubs)
    failures = []
    with grpc.insecure_channel(f"127.0.0.1:{args.port}") as channel:
        stub = pb2_grpc.ChatbotStub(channel)

        # The bench request, and one whose strings need every kind of JSON escape.
        cases = [
            (BENCH_USERID, BENCH_USERNAME, BENCH_AVATAR),
            ("u-\"quoted\"\\", "张三 😀\n\t\x01\x7f", "é/ü"),
        ]
        for userid, username, avatar in cases:
            resp = stub.Sign(
                pb2.SignRequest(token=args.token, userid=userid, username=username, avatar=avatar), timeout=10
            )
            claims = jwt.decode(resp.signature, args.aes_key, algorithms=["HS256"])
            expected_claims = {"userid": userid, "username": username, "avatar": avatar,
                               "iat": claims.get("iat"), "exp": claims.get("exp")}
            if claims != expected_claims:
                failures.append(f"claims {claims!r} != {expected_claims!r}")
            if claims.get("exp", 0) - claims.get("iat", 0) != 7200:
                failures.append(f"exp - iat is not 7200: {claims!r}")
            if resp.expires_in != 7200:
                failures.append(f"expires_in {resp.expires_in}")
            # Byte-identical to PyJWT's own token for the same claims, in the same order.
            pyjwt = jwt.encode(expected_claims, args.aes_key, algorithm="HS256")
            if pyjwt != resp.signature:
                failures.append(f"token differs from PyJWT's:\n  server {resp.signature}\n  pyjwt  {pyjwt}")

        for req, code, errno in [
            (pb2.SignRequest(token=args.token + "x", userid="u1"), grpc.StatusCode.UNAUTHENTICATED, "1001"),
            (pb2.SignRequest(token=args.token, userid=""), grpc.StatusCode.INVALID_ARGUMENT, "1003"),
        ]:
            try:
                stub.Sign(req, timeout=10)
                failures.append(f"{req!r}: succeeded, expected {code.name}")
            except grpc.RpcError as err:
                if err.code() != code or errcode(err) != errno:
                    failures.append(f"expected {code.name}/{errno}, got {err.code().name}/{errcode(err)}: {err.details()}")

    if failures:
        print("FAIL " + "\n     ".join(failures))
        sys.exit(1)
    print("ok: JWT verified by PyJWT and byte-identical to PyJWT's; 1001 and 1003 as expected")


def cmd_pct(args):
    durations = []
    ok = 0
    with open(args.log) as f:
        for line in f:
            cols = line.split("\t")
            if len(cols) < 3:
                continue
            if cols[1] == "200":
                ok += 1
            durations.append(int(cols[2]))
    durations.sort()

    def pct(p):
        if not durations:
            return float("nan")
        # nearest rank
        k = max(0, min(len(durations) - 1, -(-len(durations) * p // 100) - 1))
        return durations[k] / 1000.0

    print(f"{pct(50):.2f} {pct(99):.2f} {ok} {len(durations)}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--stubs")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("body")
    b.add_argument("--out", required=True)
    b.add_argument("--token", required=True)
    b.add_argument("--stubs")
    c = sub.add_parser("check")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--token", required=True)
    c.add_argument("--aes-key", required=True)
    c.add_argument("--stubs")
    q = sub.add_parser("pct")
    q.add_argument("--log", required=True)
    args = p.parse_args()
    {"body": cmd_body, "check": cmd_check, "pct": cmd_pct}[args.cmd](args)


if __name__ == "__main__":
    main()
