#!/usr/bin/env python3
"""chatbot.v1.Chatbot/Sign on Python grpcio (grpc.aio) and PyJWT: a reference peer for bench/rpc.

  server.py --token T --aes-key K --port P [--stubs DIR]

Looks the bot up by token (one bot, from the command line); UNAUTHENTICATED with trailer
chatbot-errcode 1001 for an unknown token, INVALID_ARGUMENT with 1003 for an empty userid;
otherwise an HS256 JWT over {userid, username, avatar, iat, exp = iat + 7200} keyed with the
EncodingAESKey as text, and SignResponse{signature, expires_in: 7200}. The stubs are generated
from proto/ with grpc_tools.protoc into a temporary folder (or --stubs DIR) at start.
Prints "listening on 127.0.0.1:PORT" to stderr when ready.
"""
import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
LIFETIME = 7200


def load_stubs(out):
    from grpc_tools import protoc

    if not os.path.exists(os.path.join(out, "chatbot", "v1", "chatbot_pb2_grpc.py")):
        os.makedirs(out, exist_ok=True)
        if protoc.main(["grpc_tools.protoc", "-I" + os.path.join(ROOT, "proto"), "--python_out=" + out,
                        "--grpc_python_out=" + out, "chatbot/v1/chatbot.proto"]) != 0:
            sys.exit("server.py: protoc failed")
    sys.path.insert(0, out)
    from chatbot.v1 import chatbot_pb2, chatbot_pb2_grpc

    return chatbot_pb2, chatbot_pb2_grpc


async def serve(args):
    import grpc
    import jwt

    pb2, pb2_grpc = load_stubs(args.stubs or tempfile.mkdtemp(prefix="chatbot-stubs-"))
    bots = {args.token: args.aes_key}

    class Chatbot(pb2_grpc.ChatbotServicer):
        async def Sign(self, request, context):
            key = bots.get(request.token)
            if key is None:
                context.set_trailing_metadata((("chatbot-errcode", "1001"),))
                await context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown token")
            if not request.userid:
                context.set_trailing_metadata((("chatbot-errcode", "1003"),))
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "userid is required")
            now = int(time.time())
            claims = {"userid": request.userid, "username": request.username, "avatar": request.avatar,
                      "iat": now, "exp": now + LIFETIME}
            return pb2.SignResponse(signature=jwt.encode(claims, key, algorithm="HS256"), expires_in=LIFETIME)

    server = grpc.aio.server()
    pb2_grpc.add_ChatbotServicer_to_server(Chatbot(), server)
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    await server.start()
    print(f"listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--token", required=True)
    p.add_argument("--aes-key", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--stubs")
    asyncio.run(serve(p.parse_args()))


if __name__ == "__main__":
    main()
