"""chatbotd against real peers on loopback: Python grpcio stubs generated from proto/, raw sockets,
and HTTP/1.1 on the same port."""

import socket
import time
import urllib.request

import grpc
import jwt
import pytest

from grpc_support import Server, generate_stubs, running_server


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    generate_stubs(tmp_path_factory.mktemp("stubs"))
    from chatbot.v1 import chatbot_pb2, chatbot_pb2_grpc
    from grpc.health.v1 import health_pb2, health_pb2_grpc

    return chatbot_pb2, chatbot_pb2_grpc, health_pb2, health_pb2_grpc


@pytest.fixture(scope="module")
def server():
    with running_server() as server:
        yield server


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(server.address) as channel:
        yield channel


def errcode(error):
    return dict(error.trailing_metadata() or ()).get("chatbot-errcode")


def test_sign_returns_a_jwt_that_pyjwt_verifies(stubs, server, channel):
    pb, pb_grpc, *_ = stubs
    response = pb_grpc.ChatbotStub(channel).Sign(
        pb.SignRequest(token=server.bot["token"], userid="u-1", username="张三", avatar="https://a/b.png"), timeout=10
    )
    assert response.expires_in == 7200
    claims = jwt.decode(response.signature, server.bot["encoding_aes_key"], algorithms=["HS256"])
    assert claims["userid"] == "u-1" and claims["username"] == "张三" and claims["avatar"] == "https://a/b.png"
    assert claims["exp"] - claims["iat"] == 7200
    assert abs(claims["iat"] - time.time()) < 60


@pytest.mark.parametrize(
    "token, userid, code, expected_errcode",
    [
        ("no-such-token", "u", grpc.StatusCode.UNAUTHENTICATED, "1001"),
        (None, "", grpc.StatusCode.INVALID_ARGUMENT, "1003"),
    ],
)
def test_sign_errors_carry_the_platform_errcode(stubs, server, channel, token, userid, code, expected_errcode):
    pb, pb_grpc, *_ = stubs
    with pytest.raises(grpc.RpcError) as raised:
        pb_grpc.ChatbotStub(channel).Sign(pb.SignRequest(token=token or server.bot["token"], userid=userid), timeout=10)
    assert raised.value.code() == code
    assert errcode(raised.value) == expected_errcode


def test_unknown_method_is_unimplemented(channel):
    call = channel.unary_unary("/chatbot.v1.Chatbot/NoSuchMethod")
    with pytest.raises(grpc.RpcError) as raised:
        call(b"", timeout=10)
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "NoSuchMethod" in raised.value.details()


def test_dict_message_with_an_envelope_it_cannot_open_is_invalid_argument(stubs, server, channel):
    pb, pb_grpc, *_ = stubs
    with pytest.raises(grpc.RpcError) as raised:
        pb_grpc.ChatbotStub(channel).DictMessage(pb.EncryptedRequest(token=server.bot["token"], encrypt="x"),
                                                 timeout=10)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert dict(raised.value.trailing_metadata())["chatbot-errcode"] == "1013"


@pytest.mark.parametrize("payload", [b"\x0a\xff\xff\xff", b"\xff\xff\xff\xff\xff", b"\x12\x03\xc3\x28\x41"])
def test_malformed_protobuf_is_invalid_argument(channel, payload):
    call = channel.unary_unary("/chatbot.v1.Chatbot/Sign")
    with pytest.raises(grpc.RpcError) as raised:
        call(payload, timeout=10)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_oversized_message_is_resource_exhausted(stubs, server, channel):
    pb, pb_grpc, *_ = stubs
    with pytest.raises(grpc.RpcError) as raised:
        pb_grpc.ChatbotStub(channel).Sign(pb.SignRequest(token="x" * (5 << 20), userid="u"), timeout=30)
    assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    # The connection survives and keeps serving.
    assert pb_grpc.ChatbotStub(channel).Sign(pb.SignRequest(token=server.bot["token"], userid="u"), timeout=10)


def test_expired_deadline_is_deadline_exceeded(stubs, channel):
    *_, health_pb, health_grpc = stubs
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as raised:
        for _ in health_grpc.HealthStub(channel).Watch(health_pb.HealthCheckRequest(service=""), timeout=0.5):
            pass
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 5


def test_health_check_and_watch(stubs, channel):
    *_, health_pb, health_grpc = stubs
    stub = health_grpc.HealthStub(channel)
    serving = health_pb.HealthCheckResponse.SERVING
    assert stub.Check(health_pb.HealthCheckRequest(service=""), timeout=10).status == serving
    assert stub.Check(health_pb.HealthCheckRequest(service="chatbot.v1.Chatbot"), timeout=10).status == serving
    with pytest.raises(grpc.RpcError) as raised:
        stub.Check(health_pb.HealthCheckRequest(service="nope"), timeout=10)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    watch = stub.Watch(health_pb.HealthCheckRequest(service=""), timeout=10)
    assert next(watch).status == serving
    watch.cancel()


def test_reflection_lists_the_service(server):
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

    with grpc.insecure_channel(server.address) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        services = database.get_services()
        assert "chatbot.v1.Chatbot" in services
        assert "grpc.health.v1.Health" in services
        file = database.FindFileContainingSymbol("chatbot.v1.Chatbot")
        assert file.name == "chatbot/v1/chatbot.proto"
        assert any(s.name == "Chatbot" for s in file.service)


def test_a_thousand_concurrent_streams_on_one_connection(stubs, server, channel):
    pb, pb_grpc, *_ = stubs
    stub = pb_grpc.ChatbotStub(channel)
    futures = [
        stub.Sign.future(pb.SignRequest(token=server.bot["token"], userid=f"u{i}"), timeout=60) for i in range(1000)
    ]
    signatures = [future.result().signature for future in futures]
    assert len(set(signatures)) == 1000


@pytest.mark.parametrize(
    "garbage",
    [
        b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n",  # a broken connection preface
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x04\x09\x00\x00\x00\x00\x00garbage!",  # a bad frame
        bytes(range(256)) * 4,
    ],
)
def test_garbage_peers_are_dropped_while_others_are_served(stubs, server, channel, garbage):
    pb, pb_grpc, *_ = stubs
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as peer:
        peer.sendall(garbage)
        peer.settimeout(10)
        received = b""
        while True:  # the server answers (GOAWAY or an HTTP error) and closes
            chunk = peer.recv(65536)
            if not chunk:
                break
            received += chunk
    assert pb_grpc.ChatbotStub(channel).Sign(pb.SignRequest(token=server.bot["token"], userid="u"), timeout=10)


def test_http1_healthz_on_the_same_port(server):
    with urllib.request.urlopen(f"http://{server.address}/healthz", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"ok\n"


def test_sigterm_finishes_calls_in_flight_and_exits_zero(stubs):
    *_, health_pb, health_grpc = stubs
    server = Server()
    try:
        with grpc.insecure_channel(server.address) as channel:
            watch = health_grpc.HealthStub(channel).Watch(health_pb.HealthCheckRequest(service=""), timeout=30)
            assert next(watch).status == health_pb.HealthCheckResponse.SERVING
            server.process.send_signal(15)
            # The call in flight is told NOT_SERVING and ends normally.
            assert next(watch).status == health_pb.HealthCheckResponse.NOT_SERVING
            assert list(watch) == []
            assert watch.code() == grpc.StatusCode.OK
        assert server.process.wait(timeout=30) == 0, "".join(server.log)
    finally:
        server.kill()


def test_pings_are_answered(stubs, server):
    pb, pb_grpc, *_ = stubs
    options = [
        ("grpc.keepalive_time_ms", 100),
        ("grpc.keepalive_timeout_ms", 1000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]
    with grpc.insecure_channel(server.address, options=options) as channel:
        stub = pb_grpc.ChatbotStub(channel)
        assert stub.Sign(pb.SignRequest(token=server.bot["token"], userid="u"), timeout=10)
        time.sleep(1.5)  # about a dozen keepalive PINGs; an unanswered one would close the connection
        assert stub.Sign(pb.SignRequest(token=server.bot["token"], userid="u"), timeout=10)


def test_compressed_requests_are_unimplemented(stubs, server, channel):
    pb, pb_grpc, *_ = stubs
    with pytest.raises(grpc.RpcError) as raised:
        pb_grpc.ChatbotStub(channel).Sign(
            pb.SignRequest(token=server.bot["token"], userid="u"), timeout=10, compression=grpc.Compression.Gzip
        )
    assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "gzip" in raised.value.details()


def test_several_messages_on_one_bidirectional_stream(server):
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    with grpc.insecure_channel(server.address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        requests = [
            reflection_pb2.ServerReflectionRequest(list_services=""),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="chatbot.v1.SignRequest"),
            reflection_pb2.ServerReflectionRequest(file_by_filename="no/such.proto"),
        ]
        responses = list(stub.ServerReflectionInfo(iter(requests), timeout=10))
    assert len(responses) == 3
    assert "chatbot.v1.Chatbot" in [s.name for s in responses[0].list_services_response.service]
    assert len(responses[1].file_descriptor_response.file_descriptor_proto) == 1
    assert responses[2].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]


def test_non_grpc_content_type_is_415(server):
    import shutil
    import subprocess

    nghttp = shutil.which("nghttp")
    assert nghttp, "nghttp (Debian package nghttp2-client) is required"
    result = subprocess.run(
        [nghttp, "-v", "-H", "content-type: text/plain", "-d", "/dev/null",
         f"http://{server.address}/chatbot.v1.Chatbot/Sign"],
        capture_output=True, timeout=30,
    )
    assert b":status: 415" in result.stdout, result.stdout.decode(errors="replace")
