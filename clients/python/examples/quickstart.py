#!/usr/bin/env python3
"""chatbotd from Python: sign, ask one question, ask many over one stream, add an FAQ entry.

    python3 examples/quickstart.py --target 127.0.0.1:8080 --token T --aes-key K --appid A \
        [--manager M] [--question "怎么申请退款"]

The flags default to CHATBOT_TARGET, CHATBOT_TOKEN, CHATBOT_AES_KEY, CHATBOT_APPID and
CHATBOT_MANAGERID (`make run` prints a demo bot's values). Without a manager the SetAutoReply step
is skipped.
"""

from __future__ import annotations

import argparse
import os
import sys

from chatbot_client import ChatbotClient, ChatbotError, pb


def main() -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default=env("CHATBOT_TARGET", "127.0.0.1:8080"))
    parser.add_argument("--token", default=env("CHATBOT_TOKEN"), required=not env("CHATBOT_TOKEN"))
    parser.add_argument("--aes-key", default=env("CHATBOT_AES_KEY"), required=not env("CHATBOT_AES_KEY"))
    parser.add_argument("--appid", default=env("CHATBOT_APPID"))
    parser.add_argument("--manager", default=env("CHATBOT_MANAGERID"))
    parser.add_argument("--question", default="怎么申请退款")
    args = parser.parse_args()

    with ChatbotClient(args.target, args.token, encoding_aes_key=args.aes_key, appid=args.appid) as client:
        # 1. A signature from the server (Sign), and one made locally with the same key.
        issued = client.sign("example-user", username="Example").signature
        local = client.sign_locally("example-user", username="Example")
        print(f"sign: server {issued[:24]}…, local {local[:24]}…")

        # 2. One question.
        answer = client.query(args.question, signature=local)
        print(f"query: {args.question!r} -> {pb.MatchStatus.Name(answer.status)} "
              f"{answer.title!r} ({answer.confidence:.2f}): {answer.answer}")

        # 3. Many questions over one QueryStream, at most 32 in flight, results as they come.
        questions = [args.question, "今天天气怎么样", args.question + "？"] * 100
        answered = 0
        for result in client.query_batch(questions, max_in_flight=32, signature=local):
            if result.response is not None and result.response.status == pb.MATCH_STATUS_FAQ:
                answered += 1
        print(f"batch: {len(questions)} questions over QueryStream, {answered} answered from the FAQ")

        # 4. A new FAQ entry in an envelope built here, visible in the draft (env debug).
        if args.manager and args.appid:
            node = client.set_auto_reply(args.manager, "example", "Where is the example entry?",
                                         "Right here.", ["example entry location"])
            found = client.query("Where is the example entry?", env="debug")
            print(f"setautoreply: ans_node_id {node}, found in debug: {found.ans_node_id == node}")

        # 5. Errors carry the gRPC status and the platform's errcode.
        try:
            client.query(args.question, signature="not.a.jwt")
        except ChatbotError as error:
            print(f"error: {error.code.name if error.code else None} errcode {error.errcode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
