"""Dialogue against a real chatbotd: sessions per user (two users interleaved, idle expiry),
follow-up entries (CONTEXT_FAQ), slots filled from the bot's dictionaries and from per-request
ones (a prompt, the value on the next turn, a synonym normalised), dictmsg encrypted with
wechatpy as the platform's docs (seed 001) show, the general skill (on, overridden, off), and
the whole answer against the platform's example (seed 000), over HTTP and gRPC.

The entries, dictionaries and messages are written for these tests.
"""

import json
import time

import grpc
import jwt
import pytest
import requests

from grpc_support import running_server, write_kb
from platform_support import encrypt

KB = [
    {"id": "hours", "skill": "门店", "question": "几点开门", "similar": ["营业时间是几点", "什么时候开门"],
     "answer": "工作日早上九点开门。"},
    {"id": "weekend", "skill": "门店", "question": "周末几点开门", "similar": ["那周末呢", "周末呢"],
     "answer": "周末早上十点开门。", "follows": ["hours"]},
    {"id": "weather", "skill": "天气", "question": "{city}天气怎么样", "similar": ["{city}今天天气如何"],
     "answer": "{city}今天晴。",
     "slots": [{"name": "city", "dict": "cities", "required": True, "prompt": "您想查哪个城市？"}]},
    {"id": "call", "skill": "通讯录", "question": "帮我找{person}", "similar": ["我要联系{person}"],
     "answer": "正在为您联系{person}。",
     "slots": [{"name": "person", "dict": "contacts", "required": True, "prompt": "您要找谁？"}]},
]
DICTIONARIES = [
    {"dict": "cities", "value": "北京", "synonyms": ["北京市", "帝都"]},
    {"dict": "cities", "value": "上海", "synonyms": ["上海市", "魔都"]},
    {"dict": "contacts", "value": "赵六", "synonyms": []},
]

# The platform's example aibot answer (seed 000): every top-level field and every msg[] field,
# with the JSON type of its value there.
SEED_FIELDS = {
    "ans_node_id": int, "ans_node_name": str, "answer": str, "answer_open": int, "answer_type": str,
    "article": str, "confidence": (int, float), "create_time": str, "dialog_session_status": str,
    "dialog_status": str, "event": str, "from_user_name": str, "intent_confirm_status": str,
    "is_default_answer": bool, "list_options": bool, "msg": list, "msg_id": str, "opening": str,
    "request_id": int, "ret": int, "scene_status": str, "session_id": str, "skill_id": str,
    "skill_name": str, "slot_info": list, "slots_info": list, "status": str, "take_options_only": bool,
    "title": str, "to_user_name": str, "msgtype": str, "query": str, "rid": str,
}
SEED_MSG_FIELDS = {
    "ans_node_id": int, "ans_node_name": str, "article": str, "confidence": (int, float), "content": str,
    "debug_info": str, "event": str, "list_options": bool, "msg_type": str, "opening": str,
    "request_id": int, "resp_title": str, "scene_status": str, "session_id": str, "status": str,
    "take_options_only": bool,
}


MANAGER = "dialogue-manager"


def setup_bot(server):
    token = server.bot["token"]
    server.ctl("bots", "add-manager", "--token", token, "--managerid", MANAGER)
    server.ctl("kb", "import", "--token", token, write_kb(server, KB))
    server.ctl("dict", "import", "--token", token, write_kb(server, DICTIONARIES, "dict.jsonl"))
    server.ctl("publish", "--token", token)


@pytest.fixture(scope="module")
def server():
    with running_server(setup_bot, args=("--session-idle-timeout", "3")) as server:
        yield server


def aibot(server, user, text, **fields):
    signature = jwt.encode({"userid": user}, server.bot["encoding_aes_key"], algorithm="HS256")
    response = requests.post(f"{server.url}/openapi/aibot/{server.bot['token']}",
                             json={"signature": signature, "query": text, **fields}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def dictmsg(server, payload, raw=None):
    """POST /openapi/dictmsg as seed 001 shows: the JSON encrypted with WXBizMsgCrypt, in `encrypt`."""
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False)
    response = requests.post(f"{server.url}/openapi/dictmsg/{server.bot['token']}",
                             data={"encrypt": encrypt(server.bot, body)}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_two_users_interleaved_keep_their_own_context(server):
    first = aibot(server, "alice", "几点开门")
    assert (first["status"], first["answer"]) == ("FAQ", "工作日早上九点开门。")
    # bob asked nothing before: the follow-up does not match at all outside its context.
    other = aibot(server, "bob", "那周末呢")
    assert other["status"] == "NOMATCH" and other["ans_node_id"] == 0
    followed = aibot(server, "alice", "那周末呢")
    assert (followed["status"], followed["answer"]) == ("CONTEXT_FAQ", "周末早上十点开门。")
    assert followed["msg"][0]["status"] == "CONTEXT_FAQ"
    assert first["session_id"] == followed["session_id"] != other["session_id"]
    assert len(first["session_id"]) == 16


def test_the_context_reaches_three_turns(server):
    aibot(server, "carol", "几点开门")
    for _ in range(3):
        aibot(server, "carol", "随便说点什么吧")
    assert aibot(server, "carol", "那周末呢")["status"] == "NOMATCH"


def test_an_idle_session_ends(server):
    first = aibot(server, "dave", "几点开门")
    time.sleep(3.5)
    later = aibot(server, "dave", "那周末呢")
    assert later["status"] == "NOMATCH"
    assert later["session_id"] != first["session_id"]


def test_a_required_slot_is_asked_for_and_filled_on_the_next_turn(server):
    asked = aibot(server, "erin", "天气怎么样")
    assert (asked["status"], asked["answer"], asked["dialog_status"]) == ("FAQ", "您想查哪个城市？", "SLOT_FILLING")
    assert asked["slots_info"] == []
    answered = aibot(server, "erin", "帝都")
    assert (answered["answer"], answered["dialog_status"]) == ("北京今天晴。", "COMPLETE")
    assert answered["slots_info"] == [{"slot_name": "city", "slot_value": "帝都", "norm_value": "北京"}]
    assert answered["title"] == "{city}天气怎么样" and answered["skill_name"] == "天气"


def test_a_slot_value_in_the_query_fills_it_at_once(server):
    answer = aibot(server, "frank", "魔都今天天气如何")
    assert (answer["status"], answer["answer"], answer["dialog_status"]) == ("FAQ", "上海今天晴。", "COMPLETE")
    assert answer["slots_info"] == [{"slot_name": "city", "slot_value": "魔都", "norm_value": "上海"}]


def test_a_waiting_dialogue_without_a_value_goes_back_to_matching(server):
    assert aibot(server, "grace", "天气怎么样")["dialog_status"] == "SLOT_FILLING"
    answer = aibot(server, "grace", "几点开门")
    assert (answer["status"], answer["answer"], answer["dialog_status"]) == ("FAQ", "工作日早上九点开门。", "NONE")


def test_dictmsg_as_seed_001_shows_extends_a_dictionary_for_that_request_only(server):
    candidates = {"real_time_slot_candidates": {"contacts": ["张三", "李四", "王五"]}}
    answer = dictmsg(server, {"username": "some persone", "msg": "帮我找李四", "svrinfo": candidates})
    assert (answer["status"], answer["answer"]) == ("FAQ", "正在为您联系李四。")
    assert answer["slots_info"] == [{"slot_name": "person", "slot_value": "李四", "norm_value": "李四"}]
    assert answer["from_user_name"] == "some persone" and answer["msg"][0]["content"] == "正在为您联系李四。"
    assert answer["bid_stat"]["latest_valid"] is True and len(answer["bid_stat"]["curr_time"]) == 17
    # The bot's own dictionary still fills it; the request's values are gone with the request.
    assert dictmsg(server, {"username": "u2", "msg": "帮我找赵六"})["answer"] == "正在为您联系赵六。"
    alone = dictmsg(server, {"username": "u3", "msg": "帮我找李四"})
    assert (alone["answer"], alone["dialog_status"]) == ("您要找谁？", "SLOT_FILLING")


@pytest.mark.parametrize("raw, errcode, words", [
    ("not json", 1013, "not JSON"),
    ("[1, 2]", 1013, "not a JSON object"),
    ('{"username": "u", "msg": "hi", "svrinfo": {"real_time_slot_candidates": {"x": "y"}}}', 1013, "not an array"),
    ('{"username": "", "msg": "hi"}', 1008, "username"),
    ('{"username": "u"}', 1008, "msg"),
])
def test_dictmsg_refuses_bad_payloads_naming_the_cause(server, raw, errcode, words):
    answer = dictmsg(server, None, raw=raw)
    assert answer["errcode"] == errcode and words in answer["errmsg"], answer


def test_dictmsg_refuses_an_envelope_it_cannot_open(server):
    response = requests.post(f"{server.url}/openapi/dictmsg/{server.bot['token']}",
                             data={"encrypt": "bm90IGFuIGVudmVsb3Bl"}, timeout=10)
    assert response.json()["errcode"] == 1013


def test_dictmsg_over_grpc(server, stub):
    pb, chatbot = stub
    payload = {"username": "grpc-user", "msg": "我要联系王五",
               "svrinfo": {"real_time_slot_candidates": {"contacts": ["张三", "李四", "王五"]}}}
    response = chatbot.DictMessage(pb.EncryptedRequest(
        token=server.bot["token"], encrypt=encrypt(server.bot, json.dumps(payload, ensure_ascii=False))), timeout=10)
    assert response.answer == "正在为您联系王五。"
    assert [(s.slot_name, s.norm_value) for s in response.slots_info] == [("person", "王五")]
    assert response.dialog_status == "COMPLETE" and response.session_id


def test_query_slot_dictionaries_and_sessions_over_grpc(server, stub):
    pb, chatbot = stub

    def query(user, text, **fields):
        signature = jwt.encode({"userid": user}, server.bot["encoding_aes_key"], algorithm="HS256")
        return chatbot.Query(pb.QueryRequest(token=server.bot["token"], signature=signature, query=text, **fields),
                             timeout=10)

    extra = {"contacts": pb.SlotValues(values=["钱七"])}
    assert query("h1", "帮我找钱七", slot_dictionaries=extra).answer == "正在为您联系钱七。"
    assert query("h2", "几点开门").status == pb.MATCH_STATUS_FAQ
    followed = query("h2", "周末呢")
    assert followed.status == pb.MATCH_STATUS_CONTEXT_FAQ and followed.msg[0].status == "CONTEXT_FAQ"
    assert 0 < followed.request_id < 2 ** 53 and followed.rid == followed.msg_id


def test_the_general_skill_answers_overridden_and_off(server):
    token = server.bot["token"]
    hello = aibot(server, "ivan", "你好")
    assert (hello["status"], hello["skill_name"]) == ("GENERAL_FAQ", "通用闲聊") and hello["answer"]
    assert aibot(server, "ivan", "thank you so much")["status"] == "GENERAL_FAQ"
    try:
        out = json.loads(server.ctl("bots", "set", "--token", token, "--general-answer", "greeting.zh=欢迎光临！"))
        assert out["general_answers"] == {"greeting.zh": "欢迎光临！"} and out["general_skill"] == "on"
        wait_until(lambda: aibot(server, "ivan", "你好")["answer"] == "欢迎光临！")
        server.ctl("bots", "set", "--token", token, "--general-skill", "off")
        wait_until(lambda: aibot(server, "ivan", "你好")["status"] == "NOMATCH")
    finally:
        server.ctl("bots", "set", "--token", token, "--general-skill", "on", "--general-answer", "greeting.zh=")
    wait_until(lambda: aibot(server, "ivan", "你好")["answer"] == hello["answer"])
    # The bot's own entries come first.
    assert aibot(server, "ivan", "几点开门")["status"] == "FAQ"


def test_the_answer_has_every_field_of_the_platforms_example(server, stubs):
    for answer in (aibot(server, "judy", "几点开门"), aibot(server, "judy", "完全无关的一句话")):
        for name, kind in SEED_FIELDS.items():
            assert isinstance(answer[name], kind), (name, answer[name])
        for name, kind in SEED_MSG_FIELDS.items():
            assert isinstance(answer["msg"][0][name], kind), (name, answer["msg"][0])
        assert answer["ret"] == 0 and answer["rid"] == answer["msg_id"] and answer["msgtype"] == "text"
        assert answer["msg"][0]["session_id"] == answer["session_id"]
    # JSON and gRPC come from one field list: the proto's.
    pb = stubs[0]
    proto = {field.name for field in pb.QueryResponse.DESCRIPTOR.fields} - {"candidates"}
    assert set(answer) == proto
    assert set(answer["msg"][0]) == {field.name for field in pb.QueryResponse.Msg.DESCRIPTOR.fields}
    hit = aibot(server, "judy", "几点开门")
    assert (hit["ans_node_name"], hit["skill_name"], hit["title"]) == ("门店", "门店", "几点开门")
    assert hit["msg"][0]["resp_title"] == "几点开门" and hit["msg"][0]["ans_node_id"] == hit["ans_node_id"] > 0


def test_the_legacy_answer_has_the_same_fields_over_both_faces(server, stubs):
    legacy = jwt.encode({"username": "kate", "msg": "几点开门"}, server.bot["encoding_aes_key"], algorithm="HS256")
    response = requests.post(f"{server.url}/openapi/message/{server.bot['token']}", data={"query": legacy}, timeout=10)
    answer = response.json()
    pb = stubs[0]
    assert set(answer) == {field.name for field in pb.MessageResponse.DESCRIPTOR.fields}
    assert answer["msg"][0]["resp_title"] == "几点开门" and answer["session_id"]
    assert set(answer["bid_stat"]) == {"curr_time", "err_msg", "latest_time", "latest_valid", "up_ret"}


def test_dictionaries_and_dialogue_entries_round_trip_through_chatbotctl(server):
    lines = [json.loads(line) for line in server.ctl("dict", "export", "--token", server.bot["token"]).splitlines()]
    assert lines == sorted(DICTIONARIES, key=lambda line: (line["dict"], line["value"]))
    exported = server.ctl("kb", "export", "--token", server.bot["token"])
    weather = next(json.loads(line) for line in exported.splitlines() if json.loads(line)["id"] == "weather")
    assert weather["slots"] == KB[2]["slots"]
    weekend = next(json.loads(line) for line in exported.splitlines() if json.loads(line)["id"] == "weekend")
    assert weekend["follows"] == ["hours"]


def test_unanswered_questions_are_grouped_counted_and_readable(server, stub):
    pb, chatbot = stub
    since = int(time.time() * 1000)
    # A burst of misses from many users: two texts that normalise alike, one other, and hits.
    for i in range(40):
        aibot(server, f"burst-{i}", "请问你们卖二手车吗？" if i % 2 else "你们卖二手车吗")
        aibot(server, f"burst-{i}", "可以寄存行李吗")
        aibot(server, f"burst-{i}", "几点开门")
    # env=debug queries are the owners' tests, not users': not noted.
    aibot(server, "owner", "这句只在草稿里问", env="debug")
    now = int(time.time())
    token = jwt.encode({"managerid": MANAGER, "aud": "chatbotd", "iat": now, "exp": now + 600},
                       server.bot["encoding_aes_key"], algorithm="HS256")
    metadata = (("authorization", f"Bearer {token}"),)

    def listed():
        response = chatbot.ListUnanswered(pb.ListUnansweredRequest(token=server.bot["token"], since=since),
                                          metadata=metadata, timeout=10)
        return {q.normalized: q for q in response.questions}

    wait_until(lambda: sum(q.count for q in listed().values()) >= 80)
    questions = listed()
    counts = sorted(q.count for q in questions.values())
    assert counts == [40, 40], questions
    used_cars = max(questions.values(), key=lambda q: "车" in q.query)
    assert used_cars.query in ("请问你们卖二手车吗？", "你们卖二手车吗") and since <= used_cars.first_seen <= used_cars.last_seen
    assert used_cars.status in (pb.MATCH_STATUS_NOMATCH, pb.MATCH_STATUS_FAQ_RECOMMEND)
    lines = [json.loads(line) for line in
             server.ctl("unanswered", "--token", server.bot["token"], "--since", "10m").splitlines()]
    counted = {line["normalized"]: line["count"] for line in lines}
    assert {k: counted.get(k) for k in questions} == {k: q.count for k, q in questions.items()}
    assert set(lines[0]) == {"query", "normalized", "count", "first_seen", "last_seen", "status", "best_id",
                             "best_question", "best_confidence"}
    everything = server.ctl("unanswered", "--token", server.bot["token"]).decode()
    assert "burst" not in everything and "草稿" not in everything
    # Without the credential: refused.
    with pytest.raises(grpc.RpcError) as refused:
        chatbot.ListUnanswered(pb.ListUnansweredRequest(token=server.bot["token"]), timeout=10)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


def wait_until(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.2)
