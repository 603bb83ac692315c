#!/usr/bin/env python3
"""Writes the protobuf interop fixtures of Tests/ChatbotProtoTests/Fixtures with Python protobuf.

Each case is encoded by the Python runtime (upb) from dynamic message classes built from
protoc-c's descriptor set of proto/, and written as `<name>.bin`. `manifest.json` lists every
case with its message type, whether encoding is canonical (the bytes our encoder must reproduce
exactly; see NOT_CANONICAL) and the value in text format, which ChatbotProtoTests spells out as
Swift values.

Python serialises with deterministic=True, which sorts map entries by key, as ChatbotProto does;
so even the map cases are compared byte for byte. A few cases are hand-made bytes that Python
never writes (unpacked repeated scalars, duplicate map keys); those are not canonical.

Usage: scripts/make-proto-fixtures.py [OUT_DIR]   (default Tests/ChatbotProtoTests/Fixtures)
Tests/interop/test_proto_interop.py checks that the committed fixtures match this script.
"""

import base64
import json
import pathlib
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, message_factory, text_format

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROTOS = [
    "chatbot/v1/chatbot.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1/reflection.proto",
    "grpc/reflection/v1alpha/reflection.proto",
]

LONG_TEXT = "长" * 1000 + "😀" * 100  # 3,400 UTF-8 bytes: a two-byte length varint
MIXED_TEXT = "你好，请问有什么可以帮您？ 😀👍🏽 é <xml>&amp;\n\t\"quoted\""


def descriptor_set():
    """protoc-c's FileDescriptorSet of proto/, without source info."""
    with tempfile.TemporaryDirectory() as work:
        out = pathlib.Path(work) / "descriptors.pb"
        subprocess.run(
            ["protoc-c", f"-I{ROOT / 'proto'}", "--include_imports", f"--descriptor_set_out={out}", *PROTOS],
            check=True,
        )
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def varint(value):
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def cases(classes):
    """Yields (name, message type, message, bytes or None for the message's own encoding)."""

    def make(type_name, **fields):
        return classes[type_name](**fields)

    yield "sign_request_empty", "chatbot.v1.SignRequest", make("chatbot.v1.SignRequest"), None
    yield "sign_request", "chatbot.v1.SignRequest", make(
        "chatbot.v1.SignRequest",
        token="TOKEN_abc123",
        userid="openid-oVx5s0Q",
        username="张三 🐼",
        avatar="https://example.com/a.png?x=1&y=2",
    ), None
    yield "sign_response", "chatbot.v1.SignResponse", make(
        "chatbot.v1.SignResponse", signature="eyJhbGciOiJIUzI1NiJ9.e30.sig", expires_in=7200
    ), None
    yield "sign_response_extremes", "chatbot.v1.SignResponse", make(
        "chatbot.v1.SignResponse", signature=LONG_TEXT, expires_in=-9223372036854775808
    ), None

    request = make(
        "chatbot.v1.QueryRequest",
        token="TOKEN",
        signature="sig",
        query=MIXED_TEXT,
        env=1,
        first_priority_skills=["天气", "", "weather"],
        second_priority_skills=["闲聊"],
        explain=True,
        request_id="req-1",
    )
    request.slot_dictionaries["city"].values.extend(["北京", "上海", ""])
    request.slot_dictionaries["empty"].SetInParent()
    yield "query_request", "chatbot.v1.QueryRequest", request, None
    request = make("chatbot.v1.QueryRequest")
    request.slot_dictionaries[""].values.append("empty key")
    yield "query_request_map_empty_key", "chatbot.v1.QueryRequest", request, None

    response = make(
        "chatbot.v1.QueryResponse",
        ans_node_id=9223372036854775807,
        ans_node_name="天气查询",
        title="今天天气怎么样",
        answer="晴，25°C ☀️",
        answer_type=2,
        confidence=0.8765432101234567,
        status=4,
        from_user_name="bot",
        to_user_name="user",
        msg_id="m-1",
        query="天气",
        create_time="1700000000123",
        is_default_answer=True,
    )
    response.options.add(ans_node_name="a", title="t1", answer="x", confidence=0.5)
    response.options.add()
    response.slots_info.add(slot_name="city", slot_value="北京", norm_value="beijing")
    response.msg.add(content="晴，25°C ☀️", msg_type="text")
    response.candidates.add(ans_node_id=-1, ans_node_name="n", title="t", confidence=1e-300, matched_question="q")
    response.candidates.add(confidence=float("inf"))
    yield "query_response", "chatbot.v1.QueryResponse", response, None

    yield "query_response_negative_zero", "chatbot.v1.QueryResponse", make(
        "chatbot.v1.QueryResponse", confidence=-0.0
    ), None

    # Enum values that the proto does not define survive a round trip; -5 takes ten bytes.
    yield "query_response_unknown_enums", "chatbot.v1.QueryResponse", make(
        "chatbot.v1.QueryResponse", answer_type=99, status=-5
    ), None

    result = make("chatbot.v1.QueryResult", request_id="r1")
    yield "query_result_none", "chatbot.v1.QueryResult", result, None
    result = make("chatbot.v1.QueryResult", request_id="r2")
    result.response.answer = "好的"
    yield "query_result_response", "chatbot.v1.QueryResult", result, None
    result = make("chatbot.v1.QueryResult", request_id="r3")
    result.error.errcode = 1006
    result.error.errmsg = "userid missing"
    yield "query_result_error", "chatbot.v1.QueryResult", result, None
    result = make("chatbot.v1.QueryResult")
    result.response.SetInParent()  # a oneof set to an empty message is still encoded
    yield "query_result_empty_response", "chatbot.v1.QueryResult", result, None

    message_response = make("chatbot.v1.MessageResponse", answer="hi", answer_type=4, status=5, create_time="1")
    message_response.msg.add(content="hi", msg_type="text")
    message_response.msg.add()
    yield "message_response", "chatbot.v1.MessageResponse", message_response, None

    yield "outbox_message", "chatbot.v1.OutboxMessage", make(
        "chatbot.v1.OutboxMessage",
        appid="wx5823bf96d3bd56c7",
        openid="o1",
        msg=MIXED_TEXT,
        channel=-3,
        kefuname="客服小王",
        kefuavatar="",
        msg_id="42",
        create_time=1700000000123,
        raw=bytes(range(256)),
    ), None
    yield "subscribe_outbox_request", "chatbot.v1.SubscribeOutboxRequest", make(
        "chatbot.v1.SubscribeOutboxRequest", token="T", channels=[0, 1, -3, 2147483647]
    ), None
    yield "change_kefu_state_request", "chatbot.v1.ChangeKefuStateRequest", make(
        "chatbot.v1.ChangeKefuStateRequest", token="T", appid="wx1", openid="o1", state=1
    ), None
    yield "publish_progress_response", "chatbot.v1.PublishProgressResponse", make(
        "chatbot.v1.PublishProgressResponse", progress=100, done=True
    ), None

    # Bytes that Python does not write but every parser must accept.
    unpacked = b"".join(b"\x10" + varint(v) for v in (0, 1, -3, 2147483647))
    yield "subscribe_outbox_request_unpacked", "chatbot.v1.SubscribeOutboxRequest", make(
        "chatbot.v1.SubscribeOutboxRequest", channels=[0, 1, -3, 2147483647]
    ), unpacked
    duplicate_keys = make("chatbot.v1.QueryRequest")
    duplicate_keys.slot_dictionaries["k"].values.append("second")
    entry_first = b"\x0a\x01k\x12\x07\x0a\x05first"
    entry_second = b"\x0a\x01k\x12\x08\x0a\x06second"
    yield "query_request_duplicate_map_keys", "chatbot.v1.QueryRequest", duplicate_keys, (
        b"\x4a" + varint(len(entry_first)) + entry_first + b"\x4a" + varint(len(entry_second)) + entry_second
    )

    yield "health_check_request", "grpc.health.v1.HealthCheckRequest", make(
        "grpc.health.v1.HealthCheckRequest", service="chatbot.v1.Chatbot"
    ), None
    yield "health_check_response", "grpc.health.v1.HealthCheckResponse", make(
        "grpc.health.v1.HealthCheckResponse", status=1
    ), None
    yield "health_check_response_unknown", "grpc.health.v1.HealthCheckResponse", make(
        "grpc.health.v1.HealthCheckResponse", status=7
    ), None

    for version in ("v1", "v1alpha"):
        package = f"grpc.reflection.{version}"
        request = f"{package}.ServerReflectionRequest"
        yield f"reflection_{version}_request_file_by_filename", request, make(
            request, host="localhost", file_by_filename="chatbot/v1/chatbot.proto"
        ), None
        yield f"reflection_{version}_request_file_containing_symbol", request, make(
            request, file_containing_symbol="chatbot.v1.Chatbot"
        ), None
        extension = make(request)
        extension.file_containing_extension.containing_type = "chatbot.v1.QueryRequest"
        extension.file_containing_extension.extension_number = 100
        yield f"reflection_{version}_request_file_containing_extension", request, extension, None
        yield f"reflection_{version}_request_all_extension_numbers_of_type", request, make(
            request, all_extension_numbers_of_type="chatbot.v1.QueryRequest"
        ), None
        # list_services is a string in a oneof: even "" is encoded, as field 7 of length 0.
        yield f"reflection_{version}_request_list_services", request, make(request, list_services=""), None

        response_type = f"{package}.ServerReflectionResponse"
        response = make(response_type, valid_host="localhost")
        response.original_request.file_by_filename = "grpc/health/v1/health.proto"
        response.file_descriptor_response.file_descriptor_proto.extend([b"\x0a\x00", bytes(range(10)), b""])
        yield f"reflection_{version}_response_file_descriptors", response_type, response, None
        response = make(response_type)
        response.original_request.list_services = "*"
        for name in ("chatbot.v1.Chatbot", "grpc.health.v1.Health"):
            response.list_services_response.service.add(name=name)
        yield f"reflection_{version}_response_list_services", response_type, response, None
        response = make(response_type)
        response.all_extension_numbers_response.base_type_name = "chatbot.v1.QueryRequest"
        response.all_extension_numbers_response.extension_number.extend([100, 200, 536870911])
        yield f"reflection_{version}_response_extension_numbers", response_type, response, None
        response = make(response_type)
        response.error_response.error_code = 5
        response.error_response.error_message = "symbol not found: chatbot.v1.Nope"
        yield f"reflection_{version}_response_error", response_type, response, None


# Python's own encoding, which decodes to the same value in ChatbotProto, but which protobuf-c
# does not reproduce: it skips proto3 fields whose value compares equal to the default.
NOT_CANONICAL = {
    "query_request_map_empty_key": "protobuf-c omits an empty map key (field 1 of the entry); Python writes it",
    "query_response_negative_zero": "protobuf-c omits -0.0 (it equals 0.0); Python writes it",
}


def build(descriptors):
    """Returns {file name: bytes}: the .bin fixtures, manifest.json and descriptors.json.

    descriptors.json holds each proto file's FileDescriptorProto (base64), which
    ProtoDescriptors.fileDescriptorProtos must equal.
    """
    classes = message_factory.GetMessages(descriptors.file)
    files, manifest = {}, []
    for name, type_name, message, raw in cases(classes):
        canonical = raw is None and name not in NOT_CANONICAL
        data = message.SerializeToString(deterministic=True) if raw is None else raw
        if raw is not None:
            parsed = classes[type_name].FromString(data)
            assert parsed == message, f"{name}: the hand-made bytes do not decode to the expected value"
        files[f"{name}.bin"] = data
        manifest.append({
            "name": name,
            "type": type_name,
            "canonical": canonical,
            **({"note": NOT_CANONICAL[name]} if name in NOT_CANONICAL else {}),
            "size": len(data),
            "text": text_format.MessageToString(message, as_utf8=True),
        })
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    protos = {
        file.name: base64.b64encode(file.SerializeToString(deterministic=True)).decode() for file in descriptors.file
    }
    files["descriptors.json"] = (json.dumps(protos, indent=2) + "\n").encode()
    return files


def main(argv):
    out_dir = pathlib.Path(argv[1]) if len(argv) > 1 else ROOT / "Tests" / "ChatbotProtoTests" / "Fixtures"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = build(descriptor_set())
    for stale in list(out_dir.glob("*.bin")):
        if stale.name not in files:
            stale.unlink()
    for name, data in sorted(files.items()):
        (out_dir / name).write_bytes(data)
    print(f"wrote {len(files) - 2} fixtures to {out_dir}")


if __name__ == "__main__":
    main(sys.argv)
