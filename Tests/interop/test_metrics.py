"""GET /metrics against a real chatbotd: the Prometheus text format (0.0.4) over HTTP/1.1 and plain
HTTP/2, counters that move by exactly the calls made (gRPC by method and status, streaming messages,
plain HTTP by route and status), the gauges, the latency histograms (their shape, and a count per
call), calls in flight, refused connections, the process's and the heap's figures, and no TOKEN
anywhere in the output.

The knowledge base is a small one written for these tests (never benchmark data).
"""

import re
import socket
import threading
import time

import grpc
import jwt
import pytest
import requests

from grpc_support import HTTP2Session, running_server, with_test_bots

KB = [
    {"id": "refund", "skill": "售后", "question": "怎么申请退款", "similar": ["如何退款", "退款流程"],
     "answer": "在订单页点击申请退款。"},
    {"id": "shipping", "skill": "物流", "question": "多久能发货", "similar": ["什么时候发货"],
     "answer": "付款后48小时内发货。"},
    {"id": "hours", "skill": "门店", "question": "门店营业时间是几点", "similar": ["你们几点开门"],
     "answer": "每天早上9点到晚上9点。"},
]

QUERY = "/chatbot.v1.Chatbot/Query"
QUERY_STREAM = "/chatbot.v1.Chatbot/QueryStream"
BUCKETS = ["0.000025", "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
           "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf"]
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@pytest.fixture(scope="module")
def server():
    with running_server(with_test_bots(KB)) as server:
        yield server


def signature(bot):
    return jwt.encode({"userid": "user-1"}, bot["encoding_aes_key"], algorithm="HS256")


def parse(text):
    """{(name, ((label, value), …)): value} of every sample, after checking each family's HELP and
    TYPE lines come before its samples (a histogram's as `_bucket`, `_sum` and `_count`), once."""
    samples, typed = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in typed, f"{name} typed twice"
            typed[name] = kind
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match.groups()
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and typed.get(name[:-len(suffix)]) == "histogram":
                family = name[:-len(suffix)]
        assert family in typed, f"{name} has no # TYPE line before it"
        key = (name, tuple(sorted(LABEL.findall(labels or ""))))
        assert key not in samples, f"{line!r} listed twice"
        samples[key] = float(value)
    return samples


def scrape(http, server):
    response = http.get(f"{server.url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_counters_move_by_exactly_the_calls_made(stubs, server):
    pb, pb_grpc = stubs
    bot = server.bot
    http1 = requests.Session()
    http2 = HTTP2Session()
    before_text = scrape(http1, server)
    before = parse(before_text)

    with grpc.insecure_channel(server.address) as channel:
        stub = pb_grpc.ChatbotStub(channel)
        for text in ["怎么申请退款", "多久能发货", "今天天气怎么样"]:
            stub.Query(pb.QueryRequest(token=bot["token"], signature=signature(bot), query=text), timeout=10)
        for _ in range(2):
            with pytest.raises(grpc.RpcError) as failure:
                stub.Query(pb.QueryRequest(token="no-such-token-secret", signature="x", query="q"), timeout=10)
            assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
        stream = [pb.QueryRequest(token=bot["token"], signature=signature(bot), query="如何退款", request_id=str(i))
                  for i in range(4)]
        assert len(list(stub.QueryStream(iter(stream), timeout=10))) == 4
        # A path that names no method is counted as "unknown", never under its own path.
        nope = channel.unary_unary("/chatbot.v1.Chatbot/NoSuchMethodMadeUp")
        with pytest.raises(grpc.RpcError) as failure:
            nope(b"", timeout=10)
        assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED

    body = {"signature": signature(bot), "query": "怎么申请退款"}
    for http in (http1, http2):
        response = http.post(f"{server.url}/openapi/aibot/{bot['token']}", json=body, timeout=10)
        assert response.status_code == 200 and "errcode" not in response.json()
    # A TOKEN where the operation goes: 404 under the prefix, the TOKEN never a label.
    assert http1.post(f"{server.url}/openapi/{bot['token']}", json=body, timeout=10).status_code == 404
    assert http2.post(f"{server.url}/no/such/{bot['token']}", data=b"", timeout=10).status_code == 404

    after_text = scrape(http2, server)
    after = parse(after_text)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("chatbot_grpc_requests_total", method=QUERY, code="OK") == 3
    assert moved("chatbot_grpc_requests_total", method=QUERY, code="UNAUTHENTICATED") == 2
    assert moved("chatbot_grpc_requests_total", method=QUERY_STREAM, code="OK") == 1
    assert moved("chatbot_grpc_requests_total", method="unknown", code="UNIMPLEMENTED") == 1
    assert moved("chatbot_grpc_stream_messages_total", method=QUERY_STREAM, direction="received") == 4
    assert moved("chatbot_grpc_stream_messages_total", method=QUERY_STREAM, direction="sent") == 4
    assert moved("chatbot_http_requests_total", route="/openapi/aibot", status="200") == 2
    assert moved("chatbot_http_requests_total", route="/openapi/", status="404") == 1
    assert moved("chatbot_http_requests_total", route="unmatched", status="404") == 1
    # The first scrape is counted once it has been answered.
    assert moved("chatbot_http_requests_total", route="/metrics", status="200") == 1
    # Nothing else moved.
    grpc_total = sum(v for (name, _), v in after.items() if name == "chatbot_grpc_requests_total") - sum(
        v for (name, _), v in before.items() if name == "chatbot_grpc_requests_total")
    http_total = sum(v for (name, _), v in after.items() if name == "chatbot_http_requests_total") - sum(
        v for (name, _), v in before.items() if name == "chatbot_http_requests_total")
    assert (grpc_total, http_total) == (7, 5)

    for text in (before_text, after_text):
        for token in (bot["token"], server.picky["token"], server.unapproved["token"], "no-such-token-secret"):
            assert token not in text
        assert "NoSuchMethodMadeUp" not in text

    # Both HTTP sessions are open while the second scrape is answered.
    assert value(after, "chatbot_connections_open", protocol="http1") >= 1
    assert value(after, "chatbot_connections_open", protocol="http2") >= 1
    http1.close()
    http2.client.close()


def test_gauges_and_the_format(server):
    with requests.Session() as http:
        text = scrape(http, server)
        # Over plain HTTP/2 too, and only GET.
        http2 = HTTP2Session()
        assert http2.get(f"{server.url}/metrics", timeout=10).headers["content-type"].startswith(
            "text/plain; version=0.0.4")
        assert http.post(f"{server.url}/metrics", data=b"", timeout=10).status_code == 405
        http2.client.close()
    samples = parse(text)
    for family, kind in [
        ("chatbot_grpc_requests_total", "counter"),
        ("chatbot_grpc_stream_messages_total", "counter"),
        ("chatbot_http_requests_total", "counter"),
        ("chatbot_grpc_request_duration_seconds", "histogram"),
        ("chatbot_grpc_calls_in_flight", "gauge"),
        ("chatbot_http_request_duration_seconds", "histogram"),
        ("chatbot_connections_open", "gauge"),
        ("chatbot_connections_refused_total", "counter"),
        ("chatbot_knowledge_base_entries", "gauge"),
        ("process_cpu_seconds_total", "counter"),
        ("process_resident_memory_bytes", "gauge"),
        ("chatbot_process_heap_in_use_bytes", "gauge"),
        ("chatbot_process_heap_free_bytes", "gauge"),
    ]:
        assert f"# TYPE {family} {kind}\n" in text
        assert f"# HELP {family} " in text
    appid = server.bot["appid"]
    assert value(samples, "chatbot_knowledge_base_entries", bot=appid, env="online") == len(KB)
    assert value(samples, "chatbot_knowledge_base_entries", bot=appid, env="debug") == len(KB)
    # picky has a draft and nothing published.
    assert value(samples, "chatbot_knowledge_base_entries", bot=server.picky["appid"], env="debug") == len(KB)
    assert value(samples, "chatbot_knowledge_base_entries", bot=server.picky["appid"], env="online") == 0
    assert value(samples, "process_cpu_seconds_total") > 0
    assert value(samples, "process_resident_memory_bytes") > 1 << 20
    assert value(samples, "chatbot_process_heap_in_use_bytes") > 1 << 20
    assert ("chatbot_process_heap_free_bytes", ()) in samples
    assert ("chatbot_connections_refused_total", ()) in samples

    # A histogram and an in-flight gauge for every method (and "unknown") and every route, from
    # the start: buckets 25 µs to 2.5 s, cumulative, +Inf equal to the count.
    methods = {dict(labels)["method"] for (name, labels) in samples if name == "chatbot_grpc_calls_in_flight"}
    assert {QUERY, QUERY_STREAM, "/grpc.health.v1.Health/Check", "unknown"} <= methods
    routes = {dict(labels)["route"] for (name, labels) in samples if name == "chatbot_http_request_duration_seconds_count"}
    assert {"/healthz", "/metrics", "/openapi/", "/openapi/aibot", "unmatched"} <= routes
    for family, label, names in [("chatbot_grpc_request_duration_seconds", "method", methods),
                                 ("chatbot_http_request_duration_seconds", "route", routes)]:
        for name in names:
            buckets = {dict(labels)["le"]: v for (sample, labels), v in samples.items()
                       if sample == family + "_bucket" and dict(labels)[label] == name}
            assert sorted(buckets, key=lambda le: float(le)) == BUCKETS, (family, name)
            counts = [buckets[le] for le in BUCKETS]
            assert counts == sorted(counts), (family, name, counts)
            assert buckets["+Inf"] == value(samples, family + "_count", **{label: name}), (family, name)
            assert (family + "_sum", ((label, name),)) in samples
    # Nothing is in flight while this scrape (plain HTTP, not gRPC) is answered.
    assert all(value(samples, "chatbot_grpc_calls_in_flight", method=m) == 0 for m in methods)


def test_latency_and_in_flight_move_with_the_calls(stubs, server):
    pb, pb_grpc = stubs
    bot = server.bot
    http = requests.Session()
    before = parse(scrape(http, server))
    with grpc.insecure_channel(server.address) as channel:
        stub = pb_grpc.ChatbotStub(channel)
        for text in ["怎么申请退款", "多久能发货", "今天天气怎么样"]:
            stub.Query(pb.QueryRequest(token=bot["token"], signature=signature(bot), query=text), timeout=10)
        # A stream held open: in flight while a scrape is answered.
        done = threading.Event()

        def requests_until_done():
            yield pb.QueryRequest(token=bot["token"], signature=signature(bot), query="如何退款", request_id="1")
            done.wait(10)

        responses = stub.QueryStream(requests_until_done(), timeout=20)
        next(responses)
        during = parse(scrape(http, server))
        done.set()
        assert len(list(responses)) == 0
    body = {"signature": signature(bot), "query": "怎么申请退款"}
    assert http.post(f"{server.url}/openapi/aibot/{bot['token']}", json=body, timeout=10).status_code == 200
    after = parse(scrape(http, server))
    http.close()

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert value(during, "chatbot_grpc_calls_in_flight", method=QUERY_STREAM) == 1
    assert value(after, "chatbot_grpc_calls_in_flight", method=QUERY_STREAM) == 0
    assert value(after, "chatbot_grpc_calls_in_flight", method=QUERY) == 0
    assert moved("chatbot_grpc_request_duration_seconds_count", method=QUERY) == 3
    assert moved("chatbot_grpc_request_duration_seconds_bucket", method=QUERY, le="+Inf") == 3
    assert moved("chatbot_grpc_request_duration_seconds_sum", method=QUERY) > 0
    assert moved("chatbot_grpc_request_duration_seconds_count", method=QUERY_STREAM) == 1
    assert moved("chatbot_http_request_duration_seconds_count", route="/openapi/aibot") == 1
    # Two scrapes answered between before and after (during, and the one before counted once done).
    assert moved("chatbot_http_request_duration_seconds_count", route="/metrics") == 2


def test_refused_connections_are_counted_one_each():
    """With --max-connections 3, the scrape's kept-alive connection and two silent ones open, each
    further connection is closed at once and counted: the counter moves by exactly that many, and
    the open-connections gauge shows the three."""
    with running_server(args=["--max-connections", "3"]) as server:
        http = requests.Session()
        before = parse(scrape(http, server))
        silent = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(2)]
        try:
            time.sleep(0.3)
            for _ in range(4):
                with socket.create_connection(("127.0.0.1", server.port), timeout=10) as extra:
                    extra.settimeout(5)
                    try:
                        assert extra.recv(1) == b""
                    except ConnectionResetError:
                        pass
            # Still three open: the scrape's (HTTP/1.1 once it spoke) and two not yet told.
            during = parse(scrape(http, server))
        finally:
            for sock in silent:
                sock.close()
        http.close()
        assert value(during, "chatbot_connections_refused_total") - value(before, "chatbot_connections_refused_total") == 4
        assert value(during, "chatbot_connections_open", protocol="http1") == 1
