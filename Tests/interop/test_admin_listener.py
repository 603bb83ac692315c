"""`chatbotd --admin-listen HOST:PORT` against a real chatbotd: the public address (--listen) serves
the dialogue operations, health and reflection, and refuses the management and customer-service
operations and /metrics (gRPC UNIMPLEMENTED, HTTP 404 with a JSON errmsg, both saying the operation
is served on the admin address); the admin address serves everything. Without --admin-listen,
everything is on one port (the other interop tests cover that; one check here too).

The knowledge base is a small one written for these tests (never benchmark data).
"""

import os
import re
import subprocess
import time

import grpc
import jwt
import pytest
import requests

from grpc_support import binary, running_server, write_kb
from platform_support import cdata, encrypt

MANAGER = "admin-test-manager"
KB = [{"id": "hours", "skill": "门店", "question": "几点开门", "similar": ["营业时间"], "answer": "早上9点开门。"}]
REFUSED = "is served on the admin address, not this one"

MANAGEMENT_HTTP = ["setautoreply", "batchimportskill", "publish", "publish_progress", "sendmsg", "kefustate/get",
                   "kefustate/change"]


def setup(server):
    server.ctl("kb", "import", "--token", server.bot["token"], write_kb(server, KB))
    server.ctl("publish", "--token", server.bot["token"])
    server.ctl("bots", "add-manager", "--token", server.bot["token"], "--managerid", MANAGER)


@pytest.fixture(scope="module")
def server():
    with running_server(setup, args=("--admin-listen", "127.0.0.1:0")) as server:
        assert server.admin_address and server.admin_address != server.address
        server.admin_url = f"http://{server.admin_address}"
        yield server


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="module")
def stubs_and_health(stubs):
    from grpc.health.v1 import health_pb2, health_pb2_grpc

    return (*stubs, health_pb2, health_pb2_grpc)


def signature(bot):
    return jwt.encode({"userid": "u-1"}, bot["encoding_aes_key"], algorithm="HS256")


def autoreply_xml(title):
    return ("<xml>" + cdata("managerid", MANAGER) + cdata("skillname", "admin") + cdata("title", title)
            + cdata("content", f"answer to {title}") + "</xml>")


def management_calls(pb, stub, bot):
    """Every management and customer-service RPC, as (name, thunk)."""
    token = bot["token"]
    envelope = pb.EncryptedRequest(token=token, encrypt=encrypt(bot, autoreply_xml("over grpc")))
    return [
        ("SetAutoReply", lambda: stub.SetAutoReply(envelope, timeout=10)),
        ("BatchImportSkill", lambda: stub.BatchImportSkill(envelope, timeout=10)),
        ("Publish", lambda: stub.Publish(pb.PublishRequest(token=token), timeout=10)),
        ("PublishProgress", lambda: stub.PublishProgress(pb.PublishProgressRequest(token=token, task_id="t"),
                                                         timeout=10)),
        ("SendMessage", lambda: stub.SendMessage(envelope, timeout=10)),
        ("GetKefuState", lambda: stub.GetKefuState(pb.KefuStateRequest(token=token), timeout=10)),
        ("ChangeKefuState", lambda: stub.ChangeKefuState(pb.ChangeKefuStateRequest(token=token), timeout=10)),
        ("SubscribeOutbox", lambda: list(stub.SubscribeOutbox(pb.SubscribeOutboxRequest(token=token), timeout=10))),
    ]


def outcome(call):
    """(code, details) of a call: OK and "" when it succeeds."""
    try:
        call()
        return grpc.StatusCode.OK, ""
    except grpc.RpcError as error:
        return error.code(), error.details()


def test_the_admin_address_is_announced_on_its_own_line_before_the_readiness_line(server):
    lines = [line for line in server.log if "listener on" in line or line.startswith("listening on")]
    assert lines[:2] == [f"admin listener on {server.admin_address}\n", f"listening on {server.address}\n"]


def test_dialogue_works_on_both_addresses(server, http, stubs_and_health):
    pb, pb_grpc, health_pb, health_grpc = stubs_and_health
    bot = server.bot
    for address in (server.address, server.admin_address):
        url = f"http://{address}"
        signed = http.post(f"{url}/openapi/sign/{bot['token']}", json={"userid": "u-1"}, timeout=10).json()
        assert signed["expiresIn"] == 7200
        answer = http.post(f"{url}/openapi/aibot/{bot['token']}", json={"signature": signed["signature"],
                                                                       "query": "几点开门"}, timeout=10).json()
        assert answer["answer"] == "早上9点开门。"
        legacy = jwt.encode({"username": "u", "msg": "几点开门"}, bot["encoding_aes_key"], algorithm="HS256")
        message = http.post(f"{url}/openapi/message/{bot['token']}", data={"query": legacy}, timeout=10).json()
        assert message["answer"] == "早上9点开门。"
        # A dialogue operation: answered on both, not refused as management.
        dictmsg = http.post(f"{url}/openapi/dictmsg/{bot['token']}", json={"encrypt": "x"}, timeout=10)
        assert dictmsg.json()["errcode"] == 1013 and REFUSED not in dictmsg.text
        assert http.get(f"{url}/healthz", timeout=10).text == "ok\n"
        unknown = http.post(f"{url}/openapi/nosuch/{bot['token']}", json={}, timeout=10)
        assert unknown.status_code == 404 and "no such operation" in unknown.json()["errmsg"]
        with grpc.insecure_channel(address) as channel:
            stub = pb_grpc.ChatbotStub(channel)
            assert stub.Sign(pb.SignRequest(token=bot["token"], userid="u-1"), timeout=10).expires_in == 7200
            query = pb.QueryRequest(token=bot["token"], signature=signature(bot), query="几点开门")
            assert stub.Query(query, timeout=10).answer == "早上9点开门。"
            assert [r.response.answer for r in stub.QueryStream(iter([query, query]), timeout=10)] == [
                "早上9点开门。"] * 2
            assert stub.Message(pb.MessageRequest(token=bot["token"], query=legacy), timeout=10).answer == "早上9点开门。"
            code, details = outcome(lambda: stub.DictMessage(pb.EncryptedRequest(token=bot["token"]), timeout=10))
            assert code == grpc.StatusCode.INVALID_ARGUMENT and REFUSED not in details
            health = health_grpc.HealthStub(channel).Check(health_pb.HealthCheckRequest(service=""), timeout=10)
            assert health.status == health_pb.HealthCheckResponse.SERVING


def test_reflection_works_on_both_addresses(server):
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

    for address in (server.address, server.admin_address):
        with grpc.insecure_channel(address) as channel:
            services = ProtoReflectionDescriptorDatabase(channel).get_services()
            assert "chatbot.v1.Chatbot" in services and "grpc.health.v1.Health" in services


def test_management_rpcs_are_refused_on_the_public_address(server, stubs):
    pb, pb_grpc = stubs
    with grpc.insecure_channel(server.address) as channel:
        for name, call in management_calls(pb, pb_grpc.ChatbotStub(channel), server.bot):
            code, details = outcome(call)
            assert code == grpc.StatusCode.UNIMPLEMENTED, name
            assert details == f"chatbot.v1.Chatbot/{name} {REFUSED}", name


def test_management_rpcs_reach_their_operation_on_the_admin_address(server, http, stubs):
    pb, pb_grpc = stubs
    with grpc.insecure_channel(server.admin_address) as channel:
        stub = pb_grpc.ChatbotStub(channel)
        for name, call in management_calls(pb, stub, server.bot):
            # Each one reaches its operation, whatever that answers (some are not built yet).
            code, details = outcome(call)
            assert REFUSED not in details, name
        bot = server.bot
        now = int(time.time())
        credential = jwt.encode({"managerid": MANAGER, "aud": "chatbotd", "iat": now, "exp": now + 600},
                                bot["encoding_aes_key"], algorithm="HS256")
        task = stub.Publish(pb.PublishRequest(token=bot["token"]), metadata=(("authorization", f"Bearer {credential}"),),
                            timeout=10)
        assert task.task_id
        added = stub.SetAutoReply(pb.EncryptedRequest(token=bot["token"], encrypt=encrypt(bot, autoreply_xml(
            "set on the admin address"))), timeout=10)
        assert added.ans_node_id > 0
    # The entry is in the draft the public address answers from.
    answer = http.post(f"{server.url}/openapi/aibot/{bot['token']}", json={
        "signature": signature(bot), "query": "set on the admin address", "env": "debug"}, timeout=10).json()
    assert answer["ans_node_id"] == added.ans_node_id


@pytest.mark.parametrize("op", MANAGEMENT_HTTP)
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_management_routes_are_404_on_the_public_address(server, http, op, method):
    response = http.request(method, f"{server.url}/openapi/{op}/{server.bot['token']}",
                            json={"encrypt": encrypt(server.bot, autoreply_xml("refused"))}, timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"errcode": -1, "errmsg": f"/openapi/{op} {REFUSED}"}


@pytest.mark.parametrize("op", MANAGEMENT_HTTP)
def test_management_routes_reach_their_operation_on_the_admin_address(server, http, op):
    response = http.post(f"{server.admin_url}/openapi/{op}/{server.bot['token']}", json={"encrypt": "x"}, timeout=10)
    assert response.status_code in (200, 501), response.text
    assert REFUSED not in response.text


def test_setautoreply_over_http_on_the_admin_address(server, http):
    bot = server.bot
    result = http.post(f"{server.admin_url}/openapi/setautoreply/{bot['token']}",
                       json={"encrypt": encrypt(bot, autoreply_xml("set over http"))}, timeout=10).json()
    assert result["errcode"] == 0 and result["ans_node_id"] > 0
    # The refused request on the public address wrote nothing.
    http.post(f"{server.url}/openapi/setautoreply/{bot['token']}",
              json={"encrypt": encrypt(bot, autoreply_xml("refused over http"))}, timeout=10)
    answer = http.post(f"{server.url}/openapi/aibot/{bot['token']}", json={
        "signature": signature(bot), "query": "refused over http", "env": "debug"}, timeout=10).json()
    assert answer["title"] != "refused over http"


def test_metrics_only_on_the_admin_address_counting_both(server, http, stubs):
    refused = http.get(f"{server.url}/metrics", timeout=10)
    assert refused.status_code == 404 and refused.json()["errmsg"] == f"/metrics {REFUSED}"
    pb, pb_grpc = stubs
    with grpc.insecure_channel(server.address) as channel:
        stub = pb_grpc.ChatbotStub(channel)
        stub.Sign(pb.SignRequest(token=server.bot["token"], userid="u-1"), timeout=10)
        outcome(lambda: stub.Publish(pb.PublishRequest(token=server.bot["token"]), timeout=10))
    scrape = http.get(f"{server.admin_url}/metrics", timeout=10)
    assert scrape.status_code == 200 and scrape.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = scrape.text
    # Calls on the public address are counted too, the refused ones under their method.
    assert re.search(r'chatbot_grpc_requests_total\{[^}]*method="/chatbot.v1.Chatbot/Sign"[^}]*code="OK"[^}]*\} [1-9]',
                     text) or re.search(
        r'chatbot_grpc_requests_total\{[^}]*code="OK"[^}]*method="/chatbot.v1.Chatbot/Sign"[^}]*\} [1-9]', text), text
    publish = [line for line in text.splitlines()
               if line.startswith("chatbot_grpc_requests_total{") and '"/chatbot.v1.Chatbot/Publish"' in line
               and 'code="UNIMPLEMENTED"' in line]
    assert publish and float(publish[0].rsplit(" ", 1)[1]) >= 1, text
    assert re.search(r'chatbot_http_requests_total\{[^}]*route="/metrics"[^}]*status="404"[^}]*\} [1-9]', text) or \
        re.search(r'chatbot_http_requests_total\{[^}]*status="404"[^}]*route="/metrics"[^}]*\} [1-9]', text), text


def test_without_admin_listen_one_port_serves_everything(http):
    with running_server(setup) as server:
        assert server.admin_address is None
        assert not any("admin listener" in line for line in server.log)
        assert http.get(f"{server.url}/metrics", timeout=10).status_code == 200
        result = http.post(f"{server.url}/openapi/setautoreply/{server.bot['token']}",
                           json={"encrypt": encrypt(server.bot, autoreply_xml("one port"))}, timeout=10).json()
        assert result["errcode"] == 0


@pytest.mark.parametrize("args,message", [
    (["--admin-listen", "nonsense"], "--admin-listen must be HOST:PORT, got nonsense"),
    (["--listen", "127.0.0.1:18089", "--admin-listen", "127.0.0.1:18089"], "--admin-listen must be another address"),
])
def test_a_bad_admin_address_is_a_usage_error(tmp_path, args, message):
    result = subprocess.run([str(binary("chatbotd")), "--db", str(tmp_path / "chatbot.db"), *args],
                            capture_output=True, timeout=60)
    assert result.returncode != 0 and message in result.stderr.decode()


def test_the_admin_address_comes_from_chatbot_admin_listen(tmp_path):
    env = dict(os.environ, CHATBOT_ADMIN_LISTEN="127.0.0.1:0")
    process = subprocess.Popen([str(binary("chatbotd")), "--listen", "127.0.0.1:0", "--db", str(tmp_path / "c.db")],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    try:
        lines = []
        while not lines or not lines[-1].startswith("listening on"):
            line = process.stderr.readline().decode()
            assert line, "".join(lines)
            lines.append(line)
        assert any(re.match(r"admin listener on 127\.0\.0\.1:[1-9]", line) for line in lines), lines
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_a_full_public_address_leaves_the_admin_address_open():
    """Connections are counted per address: with --max-connections taken on the public one, the
    public one refuses more at once while the admin address still serves the operators."""
    import socket

    with running_server(setup, args=("--admin-listen", "127.0.0.1:0", "--max-connections", "5",
                                     "--handshake-timeout", "10")) as server:
        silent = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(5)]
        try:
            time.sleep(0.3)
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as extra:
                extra.settimeout(2)
                try:
                    assert extra.recv(1) == b""
                except ConnectionResetError:
                    pass
            response = requests.get(f"http://{server.admin_address}/metrics", timeout=10)
            assert response.status_code == 200
            assert "chatbot_connections_refused_total 1" in response.text
        finally:
            for connection in silent:
                connection.close()
