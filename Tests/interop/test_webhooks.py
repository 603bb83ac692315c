"""Webhook answers (the platform's third-party service) against a real chatbotd and a real HTTP
service on loopback: the request's fields and MD5 signature, the reply as the answer over both
faces and every dialogue call, slots passed on, and the entry's own answer when the service is
late, fails, or answers something else; `chatbotctl bots set --webhook` refuses what it cannot
call.

The entries and replies are written for these tests.
"""

import hashlib
import http.server
import json
import re
import threading
import time

import jwt
import pytest
import requests

from grpc_support import running_server, write_kb
from platform_support import encrypt

KB = [
    {"id": "order", "skill": "订单", "question": "我的订单到哪了", "similar": ["查一下我的订单", "订单物流"],
     "answer": "请稍后再查。"},
    {"id": "weather", "skill": "天气", "question": "{city}天气怎么样", "similar": ["{city}今天天气如何"],
     "answer": "{city}今天晴。",
     "slots": [{"name": "city", "dict": "cities", "required": True, "prompt": "您想查哪个城市？"}]},
    {"id": "slow", "skill": "慢", "question": "慢服务的问题", "answer": "慢服务的备用答案。"},
    {"id": "broken", "skill": "坏", "question": "坏服务的问题", "answer": "坏服务的备用答案。"},
    {"id": "garbage", "skill": "乱", "question": "乱回的问题", "answer": "乱回的备用答案。"},
    {"id": "refuses", "skill": "拒", "question": "拒答的问题", "answer": "拒答的备用答案。"},
    {"id": "plain", "skill": "普通", "question": "普通问题是什么", "answer": "普通答案。"},
]
DICTIONARIES = [{"dict": "cities", "value": "北京", "synonyms": ["帝都"]}]
TIMEOUT = 0.5


class Service:
    """A skill's third-party service: answers by path, keeps every request body."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                with service.lock:
                    service.requests.append((self.path, body))
                status, answer = 200, {"err_code": 0, "data_list": [{"reply": f"服务说：{body['Query']}"}]}
                if self.path == "/slow":
                    time.sleep(TIMEOUT * 4)
                elif self.path == "/broken":
                    status = 500
                elif self.path == "/garbage":
                    answer = "<html>not json</html>"
                elif self.path == "/refuses":
                    answer = {"err_code": 1, "data_list": []}
                elif self.path == "/weather":
                    slots = {s["SlotName"]: s["NormalizeValue"] for s in body["Slots"]}
                    answer = {"err_code": 0, "data_list": [{"reply": ""}, {"reply": f"{slots['city']}：晴，25 度"}]}
                data = (answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def last(self, path):
        with self.lock:
            return [body for p, body in self.requests if p == path][-1]

    def count(self):
        with self.lock:
            return len(self.requests)


@pytest.fixture(scope="module")
def service():
    service = Service()
    yield service
    service.httpd.shutdown()


@pytest.fixture(scope="module")
def server(service):
    def setup(server):
        token = server.bot["token"]
        server.ctl("kb", "import", "--token", token, write_kb(server, KB))
        server.ctl("dict", "import", "--token", token, write_kb(server, DICTIONARIES, "dict.jsonl"))
        server.ctl("publish", "--token", token)
        hooks = [f"订单={service.url}/order", f"天气={service.url}/weather", f"慢={service.url}/slow",
                 f"坏={service.url}/broken", f"乱={service.url}/garbage", f"拒={service.url}/refuses"]
        out = json.loads(server.ctl("bots", "set", "--token", token, *[a for h in hooks for a in ("--webhook", h)]))
        assert out["webhooks"]["订单"] == f"{service.url}/order"

    with running_server(setup, args=("--webhook-timeout", str(TIMEOUT))) as server:
        yield server


def aibot(server, user, text):
    signature = jwt.encode({"userid": user}, server.bot["encoding_aes_key"], algorithm="HS256")
    response = requests.post(f"{server.url}/openapi/aibot/{server.bot['token']}",
                             json={"signature": signature, "query": text}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_webhook_gets_the_platforms_request_and_its_reply_is_the_answer(server, service):
    answer = aibot(server, "wh-user", "查一下我的订单")
    assert (answer["status"], answer["answer"]) == ("FAQ", "服务说：查一下我的订单")
    assert answer["msg"][0]["content"] == "服务说：查一下我的订单"
    body = service.last("/order")
    assert list(body) == ["RequestId", "SessionId", "Query", "SkillName", "IntentName", "Slots", "Timestamp",
                          "UserId", "Signature"]
    assert body["RequestId"] == answer["request_id"] and body["SessionId"] == answer["session_id"]
    assert (body["Query"], body["SkillName"], body["IntentName"]) == ("查一下我的订单", "订单", "我的订单到哪了")
    assert body["UserId"] == "wh-user" and body["Slots"] == []
    assert abs(body["Timestamp"] - time.time()) < 60
    expected = hashlib.md5((server.bot["token"] + str(body["Timestamp"]) + "订单" + "我的订单到哪了"
                            + "查一下我的订单").encode()).hexdigest()
    assert body["Signature"] == expected


def test_slots_go_to_the_webhook_after_the_prompt(server, service):
    calls = service.count()
    prompt = aibot(server, "wh-slots", "今天天气如何")
    assert (prompt["answer"], prompt["dialog_status"]) == ("您想查哪个城市？", "SLOT_FILLING")
    assert service.count() == calls  # a prompt is not the entry's answer: no call
    filled = aibot(server, "wh-slots", "帝都")
    assert (filled["answer"], filled["dialog_status"]) == ("北京：晴，25 度", "COMPLETE")
    assert service.last("/weather")["Slots"] == [{"SlotName": "city", "SlotValue": "帝都", "NormalizeValue": "北京"}]


@pytest.mark.parametrize("question,fallback", [
    ("坏服务的问题", "坏服务的备用答案。"),
    ("乱回的问题", "乱回的备用答案。"),
    ("拒答的问题", "拒答的备用答案。"),
])
def test_a_failing_webhook_falls_back_to_the_entrys_answer(server, question, fallback):
    answer = aibot(server, "wh-fail", question)
    assert (answer["status"], answer["answer"]) == ("FAQ", fallback)


def test_a_late_webhook_falls_back_within_the_timeout(server):
    started = time.monotonic()
    answer = aibot(server, "wh-slow", "慢服务的问题")
    elapsed = time.monotonic() - started
    assert answer["answer"] == "慢服务的备用答案。"
    assert TIMEOUT * 0.8 < elapsed < TIMEOUT + 1.0, elapsed
    # Meanwhile other calls are answered: nothing waits on an event loop.
    with_slow = threading.Thread(target=aibot, args=(server, "wh-slow2", "慢服务的问题"))
    with_slow.start()
    time.sleep(0.05)
    for _ in range(20):
        started = time.monotonic()
        assert aibot(server, "wh-plain", "普通问题是什么")["answer"] == "普通答案。"
        assert time.monotonic() - started < TIMEOUT * 0.8
    with_slow.join()


def test_skills_without_a_webhook_do_not_call_it(server, service):
    calls = service.count()
    assert aibot(server, "wh-plain", "普通问题是什么")["answer"] == "普通答案。"
    assert service.count() == calls


def test_every_dialogue_call_and_both_faces_use_the_webhook(server, stub):
    pb, chatbot = stub
    token, key = server.bot["token"], server.bot["encoding_aes_key"]
    signature = jwt.encode({"userid": "wh-grpc"}, key, algorithm="HS256")
    reply = chatbot.Query(pb.QueryRequest(token=token, signature=signature, query="订单物流"), timeout=10)
    assert reply.answer == "服务说：订单物流" and reply.msg[0].content == "服务说：订单物流"
    legacy = jwt.encode({"username": "wh-legacy", "msg": "订单物流"}, key, algorithm="HS256")
    message = requests.post(f"{server.url}/openapi/message/{token}", data={"query": legacy}, timeout=10).json()
    assert message["answer"] == "服务说：订单物流"
    payload = json.dumps({"username": "wh-dict", "msg": "订单物流"}, ensure_ascii=False)
    dictmsg = requests.post(f"{server.url}/openapi/dictmsg/{token}", data={"encrypt": encrypt(server.bot, payload)},
                            timeout=10).json()
    assert dictmsg["answer"] == "服务说：订单物流"
    results = list(chatbot.QueryStream(iter([
        pb.QueryRequest(token=token, signature=signature, query="订单物流", request_id="a"),
        pb.QueryRequest(token=token, signature=signature, query="坏服务的问题", request_id="b"),
    ]), timeout=10))
    assert [r.response.answer for r in results] == ["服务说：订单物流", "坏服务的备用答案。"]


def test_the_metrics_count_answers_and_failures(server):
    aibot(server, "wh-metrics", "坏服务的问题")
    metrics = requests.get(f"{server.url}/metrics", timeout=10).text
    answers = int(re.search(r"^chatbot_webhook_answers_total (\d+)", metrics, re.M).group(1))
    failures = int(re.search(r"^chatbot_webhook_failures_total (\d+)", metrics, re.M).group(1))
    assert answers >= 1 and failures >= 1


@pytest.mark.parametrize("hook,words", [
    ("订单=https://example.com/hook", "http://"),
    ("订单=http:///nohost", "no host"),
    ("=http://127.0.0.1/x", "SKILL=URL"),
    ("订单", "SKILL=URL"),
])
def test_bots_set_refuses_a_webhook_it_cannot_call(server, hook, words):
    with pytest.raises(RuntimeError, match=re.escape(words)):
        server.ctl("bots", "set", "--token", server.bot["token"], "--webhook", hook)


def test_bots_set_removes_a_webhook(server, service):
    token = server.bot["token"]
    out = json.loads(server.ctl("bots", "set", "--token", token, "--webhook", "普通=" + service.url + "/plain"))
    assert out["webhooks"]["普通"] == service.url + "/plain"
    out = json.loads(server.ctl("bots", "set", "--token", token, "--webhook", "普通="))
    assert "普通" not in out["webhooks"] and "订单" in out["webhooks"]
