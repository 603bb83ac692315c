"""The platform's own HTTP API (/openapi/sign and /openapi/aibot) against a real chatbotd, with
`requests` (HTTP/1.1), `httpx` (plain HTTP/2, prior knowledge), `h2` and raw sockets: JSON and form
bodies, the platform's errcodes, the same answers as the gRPC Query, keep-alive, pipelining,
limits.

The knowledge base is a small one written for these tests (never benchmark data).
"""

import json
import socket
import time

import h2.connection
import h2.events
import jwt
import pytest
import requests

from grpc_support import HTTP2Session, running_server, with_test_bots

KB = [
    {"id": "borrow", "skill": "借阅", "question": "一次可以借几本书",
     "similar": ["最多能借多少本", "借书数量有限制吗", "每人能借几本"], "answer": "每张读者证最多同时借阅10本。"},
    {"id": "renew", "skill": "借阅", "question": "怎么续借图书",
     "similar": ["书到期了怎么办", "可以续借吗", "如何延长借期"], "answer": "在“我的借阅”里点击续借，可续借一次30天。"},
    {"id": "card", "skill": "读者证", "question": "如何办理读者证",
     "similar": ["怎么办借书证", "办证需要什么材料"], "answer": "携带身份证到一楼服务台即可办理。"},
    {"id": "wifi", "skill": "设施", "question": "馆内有无线网络吗",
     "similar": ["wifi密码是多少", "怎么连wifi"],
     "answer": json.dumps({"image": {"media_id": "wifi-guide"}}, ensure_ascii=False)},
    {"id": "opening", "skill": "开放时间", "question": "图书馆几点开门",
     "similar": ["开放时间是什么时候", "周末开馆吗"], "answer": "周二至周日 9:00–21:00，周一闭馆。"},
]

AIBOT_FIELDS = ["ans_node_id", "ans_node_name", "title", "answer", "answer_type", "confidence", "options", "status",
                "from_user_name", "to_user_name", "msg_id", "query", "create_time", "is_default_answer", "slots_info",
                "msg", "kefustate"]


@pytest.fixture(scope="module")
def server():
    with running_server(with_test_bots(KB)) as server:
        yield server


@pytest.fixture(scope="module", params=["HTTP/1.1", "HTTP/2"])
def http(server, request):
    if request.param == "HTTP/2":
        session = HTTP2Session()
        yield session
        session.client.close()
    else:
        with requests.Session() as session:
            yield session


def post(http, server, op, token, **kwargs):
    response = http.post(f"{server.url}/openapi/{op}/{token}", timeout=10, **kwargs)
    return response


def signature(bot, **claims):
    claims.setdefault("userid", "reader-7")
    return jwt.encode(claims, bot["encoding_aes_key"], algorithm="HS256")


def aibot(http, server, bot, query, form=False, **fields):
    fields.setdefault("signature", signature(bot))
    fields["query"] = query
    body = {"data": fields} if form else {"json": fields}
    response = post(http, server, "aibot", bot["token"], **body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


# MARK: sign


@pytest.mark.parametrize("body", ["json", "form", "query string"])
def test_sign_returns_a_jwt_of_the_bot_key(http, server, body):
    fields = {"userid": "reader-7", "username": "小林", "avatar": "https://example.com/a.png"}
    if body == "json":
        response = post(http, server, "sign", server.bot["token"], json=fields)
    elif body == "form":
        response = post(http, server, "sign", server.bot["token"], data=fields)
    else:
        response = post(http, server, "sign", server.bot["token"], params={"userid": "reader-7"},
                        data={"username": "小林", "avatar": "https://example.com/a.png"})
    assert response.status_code == 200
    result = response.json()
    assert set(result) == {"signature", "expiresIn"} and result["expiresIn"] == 7200
    claims = jwt.decode(result["signature"], server.bot["encoding_aes_key"], algorithms=["HS256"])
    assert claims["userid"] == "reader-7" and claims["username"] == "小林"
    assert claims["avatar"] == "https://example.com/a.png"
    assert claims["exp"] - claims["iat"] == 7200


def test_sign_then_aibot_as_a_platform_client_would(http, server):
    sig = post(http, server, "sign", server.bot["token"], data={"userid": "reader-9"}).json()["signature"]
    answer = aibot(http, server, server.bot, "一次可以借几本书", form=True, signature=sig)
    assert answer["status"] == "FAQ" and answer["from_user_name"] == "reader-9"


# MARK: aibot


@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_aibot_hit_has_every_platform_field(http, server, form):
    before = int(time.time() * 1000)
    answer = aibot(http, server, server.bot, "请问一次可以借几本书？", form=form)
    assert list(answer)[:len(AIBOT_FIELDS)] == AIBOT_FIELDS
    assert answer["status"] == "FAQ" and answer["confidence"] == 1.0
    assert answer["answer"] == "每张读者证最多同时借阅10本。" and answer["answer_type"] == "text"
    assert answer["title"] == "一次可以借几本书" and answer["ans_node_name"] == "借阅"
    assert isinstance(answer["ans_node_id"], int) and answer["ans_node_id"] > 0
    assert answer["from_user_name"] == "reader-7" and answer["to_user_name"] == server.bot["appid"]
    assert answer["query"] == "请问一次可以借几本书？"
    assert isinstance(answer["create_time"], str) and before <= int(answer["create_time"]) <= time.time() * 1000
    assert isinstance(answer["msg_id"], str) and answer["msg_id"]
    assert answer["is_default_answer"] is False and answer["options"] == [] and answer["slots_info"] == []
    assert [(m["content"], m["msg_type"], m["status"]) for m in answer["msg"]] == [(answer["answer"], "text", "FAQ")]


def test_aibot_rich_answer_type(http, server):
    answer = aibot(http, server, server.bot, "wifi密码是多少")
    assert answer["answer_type"] == "image" and json.loads(answer["answer"])["image"]["media_id"] == "wifi-guide"
    assert answer["msg"][0]["msg_type"] == "image"


def test_aibot_nomatch_and_recommend(http, server):
    answer = aibot(http, server, server.bot, "明天会下雨吗")
    assert answer["status"] == "NOMATCH" and answer["is_default_answer"] is True and answer["answer"]
    assert answer["ans_node_id"] == 0 and answer["title"] == ""
    answer = aibot(http, server, server.picky, "我想知道能借几本书", env="debug")
    assert answer["status"] == "FAQ_RECOMMEND" and 1 <= len(answer["options"]) <= 2
    assert set(answer["options"][0]) == {"ans_node_name", "title", "answer", "confidence"}
    assert answer["options"][0]["title"] == "一次可以借几本书"
    assert "weixin://bizmsgmenu?msgmenucontent=一次可以借几本书&msgmenuid=1" in answer["answer"]


def test_aibot_env_selects_draft_or_published(http, server):
    # The picky bot was never published: online it knows nothing.
    assert aibot(http, server, server.picky, "怎么续借图书")["status"] == "NOMATCH"
    assert aibot(http, server, server.picky, "怎么续借图书", env="debug")["status"] != "NOMATCH"
    response = post(http, server, "aibot", server.bot["token"],
                    json={"signature": signature(server.bot), "query": "x", "env": "staging"})
    assert response.status_code == 400 and "env" in response.json()["errmsg"]


@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_aibot_skills_as_arrays_or_comma_separated(http, server, form):
    skills = "开放时间,设施" if form else ["开放时间", "设施"]
    answer = aibot(http, server, server.bot, "一次可以借几本书", form=form, first_priority_skills=skills)
    assert answer["status"] != "FAQ" or answer["ans_node_name"] in ("开放时间", "设施")
    second = "读者证, 借阅" if form else ["读者证", "借阅"]
    answer = aibot(http, server, server.bot, "一次可以借几本书", form=form, first_priority_skills=skills,
                   second_priority_skills=second)
    assert answer["status"] == "FAQ" and answer["title"] == "一次可以借几本书"
    # Comma-separated strings in JSON too.
    if not form:
        answer = aibot(http, server, server.bot, "一次可以借几本书", first_priority_skills="设施,借阅")
        assert answer["status"] == "FAQ" and answer["ans_node_name"] == "借阅"


def test_the_content_type_may_be_missing_or_wrong(http, server):
    sig = signature(server.bot)
    body = json.dumps({"signature": sig, "query": "怎么续借图书"}, ensure_ascii=False).encode()
    for content_type in ["text/plain", "application/x-www-form-urlencoded", None]:
        headers = {"content-type": content_type} if content_type else {}
        response = http.post(f"{server.url}/openapi/aibot/{server.bot['token']}", data=body, headers=headers,
                             timeout=10)
        assert response.json()["title"] == "怎么续借图书", content_type
    form = requests.models.RequestEncodingMixin._encode_params({"signature": sig, "query": "怎么续借图书"})
    response = http.post(f"{server.url}/openapi/aibot/{server.bot['token']}", data=form,
                         headers={"content-type": "application/json"}, timeout=10)
    assert response.json()["title"] == "怎么续借图书"


@pytest.mark.parametrize("text,bot,env", [
    ("一次可以借几本书", "bot", "online"), ("书到期了怎么办呢", "bot", "online"), ("wifi密码是多少", "bot", "online"),
    ("明天会下雨吗", "bot", "online"), ("我想知道能借几本书", "picky", "debug"),
])
def test_same_answer_as_the_grpc_query(http, server, stub, text, bot, env):
    pb, client = stub
    bot = getattr(server, bot)
    sig = signature(bot)
    over_http = aibot(http, server, bot, text, signature=sig, env=env)
    over_grpc = client.Query(pb.QueryRequest(token=bot["token"], signature=sig, query=text,
                                             env=pb.ENV_DEBUG if env == "debug" else pb.ENV_ONLINE), timeout=10)
    varying = ("msg_id", "rid", "create_time", "request_id")
    expected = platform_json(over_grpc, skip=("candidates",) + varying)
    over_http["msg"] = [{k: v for k, v in m.items() if k not in varying} for m in over_http["msg"]]
    assert {k: v for k, v in over_http.items() if k not in varying} == expected
    assert over_http["msg_id"] != over_grpc.msg_id


def platform_json(message, skip=()):
    """A protobuf message as the platform's JSON from its descriptor: every field under its proto
    name, enums by the platform's names (FAQ, text), nested messages as objects; `skip` leaves
    fields out at every level."""
    def value(field, item):
        if field.type == field.TYPE_MESSAGE:
            return platform_json(item, skip)
        if field.type == field.TYPE_ENUM:
            name = field.enum_type.values_by_number[item].name
            prefix = {"MatchStatus": "MATCH_STATUS_", "AnswerType": "ANSWER_TYPE_"}[field.enum_type.name]
            name = name[len(prefix):]
            return name.lower() if field.enum_type.name == "AnswerType" else name
        return item

    out = {}
    for field in message.DESCRIPTOR.fields:
        if field.name in skip:
            continue
        item = getattr(message, field.name)
        repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == field.LABEL_REPEATED
        out[field.name] = [value(field, i) for i in item] if repeated else value(field, item)
    return out


# MARK: errcodes


@pytest.mark.parametrize("case,errcode", [
    ("unknown token", 1001), ("no token", 1001), ("unapproved", 1002), ("empty", 1004), ("missing", 1004),
    ("garbage", 1005), ("expired", 1005), ("wrong key", 1005), ("no userid", 1006),
])
def test_aibot_refusals_carry_the_platform_errcode(http, server, case, errcode):
    bot = server.unapproved if case == "unapproved" else server.bot
    token = {"unknown token": "no-such-token", "no token": ""}.get(case, bot["token"])
    fields = {"query": "一次可以借几本书", "signature": {
        "empty": "",
        "garbage": "not.a.jwt",
        "expired": signature(bot, exp=int(time.time()) - 10),
        "wrong key": jwt.encode({"userid": "u"}, "another-key-another-key-another-key-abcdefg", algorithm="HS256"),
        "no userid": jwt.encode({"username": "x"}, bot["encoding_aes_key"], algorithm="HS256"),
    }.get(case, signature(bot))}
    if case == "missing":
        del fields["signature"]
    response = post(http, server, "aibot", token, data=fields)
    assert response.status_code == 200
    result = response.json()
    assert set(result) == {"errcode", "errmsg"} and result["errcode"] == errcode and result["errmsg"], result


@pytest.mark.parametrize("case,errcode", [("unknown token", 1001), ("no userid", 1003), ("empty userid", 1003)])
def test_sign_refusals_carry_the_platform_errcode(http, server, case, errcode):
    token = "no-such-token" if case == "unknown token" else server.bot["token"]
    fields = {"userid": "" if case == "empty userid" else "u", "username": "x"}
    if case == "no userid":
        del fields["userid"]
    result = post(http, server, "sign", token, json=fields).json()
    assert result["errcode"] == errcode and result["errmsg"], result


@pytest.mark.parametrize("body,content_type,cause", [
    (b'{"signature": "abc", ', "application/json", "JSON"),
    (b"[1, 2]", "application/json", "object"),
    (b'{"signature": {"a": 1}}', "application/json", "signature"),
    (b"signature", "application/json", "JSON"),
    (b"signature=%zz&query=x", "application/x-www-form-urlencoded", "percent"),
    (b"query=%ff%fe", "application/x-www-form-urlencoded", "UTF-8"),
    (b"--x\r\n", "multipart/form-data; boundary=x", "multipart"),
])
def test_malformed_bodies_are_400_naming_the_cause(http, server, body, content_type, cause):
    response = http.post(f"{server.url}/openapi/aibot/{server.bot['token']}", data=body,
                         headers={"content-type": content_type}, timeout=10)
    assert response.status_code == 400
    result = response.json()
    assert result["errcode"] == -1 and cause in result["errmsg"], result


@pytest.mark.parametrize("fields,errmsg", [
    ({"query": 123}, "query must be a string, not a number"),
    ({"query": None}, "query must be a string, not null"),
    ({"query": True}, "query must be a string, not a boolean"),
    ({"query": ["一次可以借几本书"]}, "query must be a string, not a list"),
    ({"signature": 5}, "signature must be a string, not a number"),
    ({"signature": None}, "signature must be a string, not null"),
    ({"env": 1}, "env must be a string, not a number"),
    ({"first_priority_skills": 7}, "first_priority_skills must be a list of strings, not a number"),
    ({"second_priority_skills": ["借阅", 2]}, "second_priority_skills[1] must be a string, not a number"),
])
def test_aibot_fields_of_the_wrong_type_are_refused_naming_the_field(http, server, fields, errmsg):
    body = {"signature": signature(server.bot), "query": "一次可以借几本书", **fields}
    response = post(http, server, "aibot", server.bot["token"], json=body)
    assert response.status_code == 400
    assert response.json() == {"errcode": -1, "errmsg": errmsg}


def test_aibot_optional_fields_may_be_null(http, server):
    body = {"signature": signature(server.bot), "query": "一次可以借几本书", "env": None,
            "first_priority_skills": None, "second_priority_skills": None}
    response = post(http, server, "aibot", server.bot["token"], json=body)
    assert response.status_code == 200 and response.json()["status"] == "FAQ"


@pytest.mark.parametrize("query,errmsg", [
    (123, "query must be a string, not a number"), (None, "query must be a string, not null"),
])
def test_message_query_of_the_wrong_type_is_refused_naming_the_field(http, server, query, errmsg):
    response = post(http, server, "message", server.bot["token"], json={"query": query})
    assert response.status_code == 400
    assert response.json() == {"errcode": -1, "errmsg": errmsg}


@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_aibot_query_over_the_length_limit_is_refused(http, server, form):
    limit = 1000  # characters (Unicode scalars), README "Limits"
    assert aibot(http, server, server.bot, "借" * limit, form=form)["status"]
    for text in ["借" * (limit + 1), "b" * 300_000]:
        fields = {"signature": signature(server.bot), "query": text}
        response = post(http, server, "aibot", server.bot["token"], **({"data": fields} if form else {"json": fields}))
        assert response.status_code == 400
        assert response.json() == {"errcode": -1, "errmsg": f"query is too long: {len(text.encode())} bytes, "
                                                            f"more than {limit} characters; the limit is {limit} characters"}
    msg = jwt.encode({"username": "u", "msg": "借" * (limit + 1)}, server.bot["encoding_aes_key"], algorithm="HS256")
    response = post(http, server, "message", server.bot["token"], json={"query": msg})
    assert response.status_code == 400 and response.json()["errcode"] == -1
    assert response.json()["errmsg"].startswith("msg is too long")


def test_unknown_operations_methods_and_paths(http, server):
    response = http.post(f"{server.url}/openapi/nosuchop/{server.bot['token']}", data="x", timeout=10)
    assert response.status_code == 404 and response.json()["errcode"] == -1
    response = http.post(f"{server.url}/openapi/aibot/{server.bot['token']}/extra", data="x", timeout=10)
    assert response.status_code == 404
    response = http.get(f"{server.url}/openapi/aibot/{server.bot['token']}", timeout=10)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    response = http.post(f"{server.url}/openapi/dictmsg/{server.bot['token']}", data="encrypt=x", timeout=10)
    assert response.status_code == 200 and response.json()["errcode"] == 1013
    assert http.get(f"{server.url}/healthz", timeout=10).text == "ok\n"
    assert http.get(f"{server.url}/nothing", timeout=10).status_code == 404


def test_an_oversized_body_is_413(http, server):
    body = b"query=" + b"a" * (1 << 20)
    response = http.post(f"{server.url}/openapi/aibot/{server.bot['token']}", data=body, timeout=10)
    assert response.status_code == 413
    assert response.json() == {"errcode": -1, "errmsg": "request body too large: the limit is 1048576 bytes"}
    assert post(http, server, "sign", server.bot["token"], data={"userid": "u"}).status_code == 200


def test_a_bot_added_after_start_is_found_in_the_store(http, server):
    late = json.loads(server.ctl("bots", "add", "--name", "late"))
    result = post(http, server, "sign", late["token"], data={"userid": "u"}).json()
    assert jwt.decode(result["signature"], late["encoding_aes_key"], algorithms=["HS256"])["userid"] == "u"


# MARK: connections


def read_response(sock, buffered=b""):
    """One HTTP/1.1 response with a content-length body: (status, headers, body, rest)."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data!r}")
        data += chunk
    head, data = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers["content-length"])
    while len(data) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a body")
        data += chunk
    return status, headers, data[:length], data[length:]


def request_bytes(path, body, content_type="application/json", extra=""):
    return (f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def connect(server):
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def test_keep_alive_serves_several_requests_on_one_connection(server):
    sig = signature(server.bot)
    with connect(server) as sock:
        rest = b""
        for text in ["一次可以借几本书", "怎么续借图书", "如何办理读者证", "图书馆几点开门"]:
            body = json.dumps({"signature": sig, "query": text}, ensure_ascii=False).encode()
            sock.sendall(request_bytes(f"/openapi/aibot/{server.bot['token']}", body))
            status, headers, payload, rest = read_response(sock, rest)
            assert status == 200 and "connection" not in headers
            assert json.loads(payload)["title"] == text


def test_pipelined_requests_are_answered_in_order(server):
    late = json.loads(server.ctl("bots", "add", "--name", "pipelined"))
    sig = signature(server.bot)
    # The first needs the store (a TOKEN not seen yet), the others answer at once: order must hold.
    requests_ = [
        request_bytes(f"/openapi/sign/{late['token']}", b"userid=first", "application/x-www-form-urlencoded"),
        request_bytes(f"/openapi/aibot/{server.bot['token']}",
                      json.dumps({"signature": sig, "query": "怎么续借图书"}, ensure_ascii=False).encode()),
        request_bytes("/openapi/sign/no-such-pipelined-token", b'{"userid": "x"}'),
        request_bytes(f"/openapi/aibot/{server.bot['token']}",
                      json.dumps({"signature": sig, "query": "如何办理读者证"}, ensure_ascii=False).encode()),
    ]
    with connect(server) as sock:
        sock.sendall(b"".join(requests_))
        results, rest = [], b""
        for _ in requests_:
            status, _, payload, rest = read_response(sock, rest)
            assert status == 200
            results.append(json.loads(payload))
    assert jwt.decode(results[0]["signature"], late["encoding_aes_key"], algorithms=["HS256"])["userid"] == "first"
    assert results[1]["title"] == "怎么续借图书"
    assert results[2]["errcode"] == 1001
    assert results[3]["title"] == "如何办理读者证"


def test_connection_close_is_honoured(server):
    with connect(server) as sock:
        sock.sendall(request_bytes(f"/openapi/sign/{server.bot['token']}", b'{"userid": "u"}',
                                   extra="Connection: close\r\n"))
        status, headers, _, _ = read_response(sock)
        assert status == 200 and headers["connection"] == "close"
        assert sock.recv(1) == b""


@pytest.mark.parametrize("garbage", [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS ClientHello
    b"HELLO / NONSENSE\r\n\r\n",
    b"POST /openapi/sign/x HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
    b"POST /openapi/sign/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
])
def test_the_server_keeps_serving_after_garbage(http, server, garbage):
    with connect(server) as sock:
        sock.sendall(garbage)
        sock.settimeout(10)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
        assert data == b"" or data.startswith(b"HTTP/1.1 4"), data
    assert post(http, server, "sign", server.bot["token"], data={"userid": "u"}).status_code == 200


def test_a_slow_body_times_out_with_408(server):
    """Over HTTP/1.1 the connection closes after the 408; over HTTP/2 only the stream ends. Both
    protocols wait in the same 10 s."""
    with connect(server) as sock, connect(server) as sock2:
        sock.settimeout(20)
        sock2.settimeout(20)
        started = time.monotonic()
        sock.sendall(b"POST /openapi/sign/x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nuserid=")
        conn = h2.connection.H2Connection()
        conn.initiate_connection()
        conn.send_headers(1, [(":method", "POST"), (":path", "/openapi/sign/x"), (":scheme", "http"),
                              (":authority", "t"), ("content-type", "application/x-www-form-urlencoded")])
        conn.send_data(1, b"userid=")
        sock2.sendall(conn.data_to_send())
        # Take the server's SETTINGS and acknowledge them now, so that nothing the client sends
        # later makes the server write: the 408 must go out on its own.
        settled = False
        while not settled:
            for event in conn.receive_data(sock2.recv(65536)):
                settled = settled or isinstance(event, h2.events.RemoteSettingsChanged)
        sock2.sendall(conn.data_to_send())

        status, headers, body, _ = read_response(sock)
        assert status == 408 and headers["connection"] == "close"
        assert json.loads(body)["errmsg"] == "request body too slow: not complete within 10000 ms"
        assert 5 < time.monotonic() - started < 15
        assert sock.recv(1) == b""

        h2_headers, h2_body = None, b""
        while True:
            data = sock2.recv(65536)
            assert data, "the HTTP/2 connection closed before the 408"
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    h2_headers = dict(event.headers)
                elif isinstance(event, h2.events.DataReceived):
                    h2_body += event.data
            if h2_headers and h2_headers.get(b"content-length") == str(len(h2_body)).encode():
                break
        assert h2_headers[b":status"] == b"408"
        assert json.loads(h2_body)["errcode"] == -1
        # The connection still serves.
        conn.send_headers(3, [(":method", "GET"), (":path", "/healthz"), (":scheme", "http"), (":authority", "t")],
                          end_stream=True)
        sock2.sendall(conn.data_to_send())
        answered = False
        while not answered:
            for event in conn.receive_data(sock2.recv(65536)):
                answered = answered or isinstance(event, h2.events.StreamEnded) and event.stream_id == 3


def test_expect_100_continue_is_answered_before_the_body(server):
    body = b'{"userid": "patient"}'
    with connect(server) as sock:
        request = request_bytes(f"/openapi/sign/{server.bot['token']}", body, extra="Expect: 100-continue\r\n")
        sock.sendall(request[:-len(body)])
        status, _, _, rest = read_response_head(sock)
        assert status == 100
        sock.sendall(body)
        status, _, payload, _ = read_response(sock, rest)
        assert status == 200 and json.loads(payload)["expiresIn"] == 7200


def read_response_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, rest = data.split(b"\r\n\r\n", 1)
    return int(head.split()[1]), head, b"", rest
