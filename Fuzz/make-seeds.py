#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/corpus/<target>/ from the test fixtures and a few hand-made
inputs. The seeds are committed; rerun this only when a fixture or a target's input layout changes.

Each target's first byte is an option or type selector (see Fuzz/<target>/main.swift); seeds
start with the one that makes sense for them. HTTP/2 seeds are a real client's bytes (the h2
package, as httpx uses it).
"""
import base64
import hashlib
import json
import os
import struct
import sys

import h2.config
import h2.connection

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
VECTORS = json.load(open(os.path.join(ROOT, "Tests/ChatbotCryptoTests/Fixtures/crypto-vectors.json")))
PROTO_FIXTURES = os.path.join(ROOT, "Tests/ChatbotProtoTests/Fixtures")


def write(target, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


# JSON and JWT -----------------------------------------------------------------------------------
JSON_SAMPLES = [
    b'{"userid":"u1","username":"\\u5f20\\u4e09","exp":1.5e9,"nbf":-1,"a":[true,false,null,{}]}',
    b'[1,-0,0.5e-3,"\\ud83d\\udc3c","\\"\\\\\\/\\b\\f\\n\\r\\t"]',
    b'{"query":"hi","first_priority_skills":["a","b"],"n":12345678901234567890}',
    b' "x" ',
]
for vector in VECTORS["jwts"]:
    payload = vector["claims_json_signed"].encode()
    JSON_SAMPLES.append(payload)
    write("FuzzJWT", b"\x00" + vector["expected_token"].encode())
    write("FuzzJWT", b"\x01" + payload)
for sample in JSON_SAMPLES:
    write("FuzzJSON", sample)
write("FuzzJWT", b"\x01" + JSON_SAMPLES[0])
write("FuzzJWT", b"\x00" + b64url(b'{"alg":"HS256","typ":"JWT","kid":"1"}') + b"." + b64url(JSON_SAMPLES[0]) + b"." + b"A" * 43)

# Envelopes --------------------------------------------------------------------------------------
for vector in VECTORS["envelopes"]:
    ciphertext = vector["expected_ciphertext_b64"].encode()
    write("FuzzEnvelope", b"\x00" + ciphertext)
    write("FuzzEnvelope", b"\x00<xml><Encrypt><![CDATA[" + ciphertext + b"]]></Encrypt></xml>")
    payload = vector["payload"].encode()
    write("FuzzEnvelope", b"\x01" + payload[:200])
    plain = bytes.fromhex(vector["random_prefix_hex"]) + struct.pack(">I", len(payload)) + payload
    plain += vector["appid"].encode()
    pad = 32 - len(plain) % 32
    write("FuzzEnvelope", b"\x02" + plain + bytes([pad]) * pad)
    write("FuzzXML", payload)

# XML and forms ----------------------------------------------------------------------------------
for sample in [
    b'<?xml version="1.0" encoding="UTF-8"?><xml><c><![CDATA[ a <b> & c ]]></c><!-- x --></xml>',
    b"<xml><question>a</question><list><question>b</question><Question>c</Question></list></xml>",
    b"\xef\xbb\xbf<xml a='1' b=\"2\"><t>&lt;&#x1F43C;&#20013;&amp;&quot;&apos;&gt;</t><e/></xml>",
]:
    write("FuzzXML", sample)
for selector, body in [
    (1, b"userid=u1&query=hello+world%21&first_priority_skills=a&first_priority_skills=b"),
    (0, b'first_priority_skills=["x","y"]&env=online\xffuserid=query&username=q%20name'),
    (2, b'{"userid": "u1", "query": "hi", "second_priority_skills": ["a", 1], "env": null, "x": true}'),
    (3, b"userid"),
    (0, b"\xffuserid=only&a=%E4%B8%AD"),
    (2, '{"username": "u", "msg": "找李四", "svrinfo": {"real_time_slot_candidates": {"c": ["张三", "李四"]}}}'.encode()),
]:
    write("FuzzOpenAPIFields", bytes([selector]) + body)

# Protobuf ---------------------------------------------------------------------------------------
# The order of `messageTypes` in Fuzz/FuzzProto/main.swift.
PROTO_TYPES = """chatbot.v1.Status chatbot.v1.SignRequest chatbot.v1.SignResponse chatbot.v1.SlotValues
chatbot.v1.QueryRequest chatbot.v1.QueryResponse chatbot.v1.QueryResponse.Option
chatbot.v1.QueryResponse.SlotInfo chatbot.v1.QueryResponse.Msg chatbot.v1.QueryResponse.Candidate
chatbot.v1.QueryResult chatbot.v1.MessageRequest chatbot.v1.MessageResponse chatbot.v1.EncryptedRequest
chatbot.v1.SetAutoReplyResponse chatbot.v1.BatchImportSkillResponse chatbot.v1.PublishRequest
chatbot.v1.PublishResponse chatbot.v1.PublishProgressRequest chatbot.v1.PublishProgressResponse
chatbot.v1.SendMessageResponse chatbot.v1.KefuStateRequest chatbot.v1.ChangeKefuStateRequest
chatbot.v1.KefuStateResponse chatbot.v1.SubscribeOutboxRequest chatbot.v1.OutboxMessage
grpc.health.v1.HealthCheckRequest grpc.health.v1.HealthCheckResponse
grpc.reflection.v1.ServerReflectionRequest grpc.reflection.v1.ExtensionRequest
grpc.reflection.v1.ServerReflectionResponse grpc.reflection.v1.FileDescriptorResponse
grpc.reflection.v1.ExtensionNumberResponse grpc.reflection.v1.ListServiceResponse
grpc.reflection.v1.ServiceResponse grpc.reflection.v1.ErrorResponse
grpc.reflection.v1alpha.ServerReflectionRequest grpc.reflection.v1alpha.ExtensionRequest
grpc.reflection.v1alpha.ServerReflectionResponse grpc.reflection.v1alpha.FileDescriptorResponse
grpc.reflection.v1alpha.ExtensionNumberResponse grpc.reflection.v1alpha.ListServiceResponse
grpc.reflection.v1alpha.ServiceResponse grpc.reflection.v1alpha.ErrorResponse""".split()
manifest = json.load(open(os.path.join(PROTO_FIXTURES, "manifest.json")))
for entry in manifest:
    if entry["type"] not in PROTO_TYPES:
        sys.exit(f"FuzzProto has no index for {entry['type']}: update PROTO_TYPES")
    data = open(os.path.join(PROTO_FIXTURES, entry["name"] + ".bin"), "rb").read()
    if len(data) <= 1024:
        write("FuzzProto", bytes([PROTO_TYPES.index(entry["type"])]) + data)
        if entry["type"] == "chatbot.v1.SignRequest":
            # The same bytes framed for gRPC, for the framing decoder (limit 4 MiB, seed 0).
            frame = b"\x00" + struct.pack(">I", len(data)) + data
            write("FuzzGRPCFraming", b"\x06\x00" + frame * 2 + frame[:7])
write("FuzzGRPCFraming", b"\x02\x05" + b"\x00\x00\x00\x00\x03abc" + b"\x00\x00\x00\x00\x00" + b"\x01\x00\x00\x00\x01x")
write("FuzzGRPCFraming", b"\x04\x09" + b"\x00\x00\x00\x10\x00" + b"y" * 20)
sign_request = open(os.path.join(PROTO_FIXTURES, "sign_request.bin"), "rb").read()
query_request = open(os.path.join(PROTO_FIXTURES, "query_request.bin"), "rb").read()

# HTTP/2 -----------------------------------------------------------------------------------------


def client_bytes(requests, extra=None):
    """A client connection's bytes: preface, SETTINGS, then each (headers, body) request."""
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    for headers, body in requests:
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, headers, end_stream=body is None)
        if body is not None:
            conn.send_data(stream, body, end_stream=True)
    if extra:
        extra(conn)
    return conn.data_to_send()


def grpc(path, message, timeout=None):
    headers = [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
               ("content-type", "application/grpc"), ("te", "trailers")]
    if timeout:
        headers.append(("grpc-timeout", timeout))
    return headers, b"\x00" + struct.pack(">I", len(message)) + message


def plain(method, path, body=None):
    return [(":method", method), (":scheme", "http"), (":path", path), (":authority", "localhost")], body


def ping_and_close(conn):
    conn.ping(b"12345678")
    conn.increment_flow_control_window(1000)
    conn.close_connection()


HTTP2_SEEDS = [
    client_bytes([grpc("/chatbot.v1.Chatbot/Sign", sign_request)]),
    client_bytes([grpc("/chatbot.v1.Chatbot/Query", query_request, "100m"), grpc("/chatbot.v1.Chatbot/Nope", b"")]),
    client_bytes([plain("GET", "/healthz"), plain("POST", "/openapi/aibot/TOKEN", b"query=hi&userid=u")],
                 ping_and_close),
    client_bytes([grpc("/chatbot.v1.Chatbot/Sign", b"\x0a\x03abc", "1S")],
                 lambda conn: conn.reset_stream(1, error_code=8)),
]
for seed in HTTP2_SEEDS:
    # Option bit 0 clear: the input is the whole connection, preface included; bit 1: answer.
    write("FuzzHTTP2Session", b"\x02" + seed)
    write("FuzzGRPCConnection", b"\x00" + seed)
    # Bit 0 set: the target sends the preface and SETTINGS, the input is only the frames.
    frames = seed[24:]
    write("FuzzHTTP2Session", b"\x13" + frames)
    write("FuzzGRPCConnection", b"\x05" + frames)
