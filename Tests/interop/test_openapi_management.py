"""Knowledge-base management over the platform's HTTP API and gRPC against a real chatbotd:
setautoreply, batchimportskill, publish and publish_progress with envelopes made by wechatpy
exactly as the platform's docs show, then the new entries found through aibot.

The entries are written for these tests (never benchmark data).
"""

import base64
import json
import time

import grpc
import jwt
import pytest
import requests
from wechatpy.crypto import WeChatCrypto

from grpc_support import HTTP2Session, running_server, write_kb
from platform_support import cdata, encrypt

MANAGER = "manager-1"

# The legacy message tests' own bot and published knowledge base, which no other test changes.
LEGACY_KB = [
    {"id": "lockers", "skill": "Lockers", "question": "Are there lockers",
     "similar": ["where can I leave my bag", "bag storage"], "answer": "Lockers are at the entrance; bring a 1 yuan coin."},
    {"id": "copy", "skill": "复印", "question": "可以复印吗", "similar": ["复印机在哪", "打印怎么收费"],
     "answer": "二楼有自助复印机，每页0.2元。"},
]


def setup(server):
    added = json.loads(server.ctl("bots", "add-manager", "--token", server.bot["token"], "--managerid", MANAGER))
    assert added == {"token": server.bot["token"], "managerid": MANAGER, "added": True, "managers": [MANAGER]}
    server.other = json.loads(server.ctl("bots", "add", "--name", "other"))
    server.legacy = json.loads(server.ctl("bots", "add", "--name", "legacy"))
    server.ctl("kb", "import", "--token", server.legacy["token"], write_kb(server, LEGACY_KB, "legacy.jsonl"))
    server.ctl("publish", "--token", server.legacy["token"])


@pytest.fixture(scope="module")
def server():
    with running_server(setup) as server:
        yield server


@pytest.fixture(scope="module")
def http(server):
    with requests.Session() as session:
        yield session


def autoreply_xml(skill, title, content, questions=(), manager=MANAGER, in_list=True):
    parts = [cdata("managerid", manager), cdata("skillname", skill), cdata("title", title), cdata("content", content)]
    similar = "".join(cdata("question", q) for q in questions)
    parts.append(f"<list>{similar}</list>" if in_list else similar)
    return "<xml>\n    " + "\n    ".join(parts) + "\n</xml>"


def post(http, server, op, token, **kwargs):
    response = http.post(f"{server.url}/openapi/{op}/{token}", timeout=10, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def signature(bot, userid="admin-test"):
    return jwt.encode({"userid": userid}, bot["encoding_aes_key"], algorithm="HS256")


def aibot(http, server, query, env="debug", bot=None):
    bot = bot or server.bot
    return post(http, server, "aibot", bot["token"], json={"signature": signature(bot), "query": query, "env": env})


# MARK: setautoreply


def test_setautoreply_then_found_in_debug(http, server):
    xml = autoreply_xml("停车", "图书馆可以停车吗", "地下一层有200个车位，读者免费停两小时。",
                        ["有停车场吗", "开车去哪里停"])
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == 0 and result["errmsg"] == "ok" and result["ans_node_id"] > 0
    answer = aibot(http, server, "有停车场吗")
    assert answer["status"] == "FAQ" and answer["ans_node_id"] == result["ans_node_id"]
    assert answer["answer"] == "地下一层有200个车位，读者免费停两小时。" and answer["ans_node_name"] == "停车"
    # Not published yet: online does not have it.
    assert aibot(http, server, "有停车场吗", env="online")["ans_node_id"] != result["ans_node_id"]


def test_setautoreply_over_plain_http2(server):
    """The same operation over HTTP/2 without gRPC (prior knowledge), as an h2 client sends it."""
    h2 = HTTP2Session()
    xml = autoreply_xml("Parking", "Can I park at the library", "Parking is free for two hours.", ["where to park"])
    try:
        result = post(h2, server, "setautoreply", server.bot["token"], data={"encrypt": encrypt(server.bot, xml)})
        assert result["errcode"] == 0 and result["ans_node_id"] > 0, result
        assert aibot(h2, server, "where to park")["answer"] == "Parking is free for two hours."
    finally:
        h2.client.close()


def test_setautoreply_same_skill_and_title_updates(http, server):
    first = post(http, server, "setautoreply", server.bot["token"],
                 data={"encrypt": encrypt(server.bot, autoreply_xml("Hours", "When do you open", "At 9."))})
    second = post(http, server, "setautoreply", server.bot["token"],
                  data={"encrypted": encrypt(server.bot, autoreply_xml("Hours", "When do you open", "At 8:30.",
                                                                       ["what time do you open"]))})
    assert first["ans_node_id"] == second["ans_node_id"]
    answer = aibot(http, server, "what time do you open")
    assert answer["status"] == "FAQ" and answer["answer"] == "At 8:30."


RICH_TITLES = {"news": "新馆开放通知在哪看", "image": "借书卡长什么样", "miniprogrampage": "怎么预约座位",
               "multimsg": "最近有哪些活动", "请选": "想借书怎么操作", "详见": "借阅规则在哪里"}


@pytest.mark.parametrize("content,answer_type", [
    ('{"news":{"articles":[{"title":"开馆通知","description":"新馆开放","url":"https://example.com/n",'
     '"picurl":"https://example.com/p.jpg","type":"h5"}]}}', "news"),
    ('{"image":{"media_id":"MEDIA_1"}}', "image"),
    ('{"miniprogrampage":{"title":"预约","appid":"wx1234","pagepath":"pages/index","thumb_media_id":"T"}}',
     "miniprogrampage"),
    ('{"multimsg":["第一条", "{\\"image\\":{\\"media_id\\":\\"M\\"}}"]}', "multimsg"),
    ('请选择：<a href="weixin://bizmsgmenu?msgmenucontent=借书&msgmenuid=1">借书</a>', "text"),
    ('详见<a href="https://example.com/rules">借阅规则</a>。', "text"),
])
def test_setautoreply_rich_answers_are_stored_as_given(http, server, content, answer_type):
    title = RICH_TITLES[answer_type if answer_type != "text" else content[:2]]
    xml = autoreply_xml("rich", title, content)
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == 0, result
    answer = aibot(http, server, title)
    assert answer["status"] == "FAQ" and answer["answer"] == content and answer["answer_type"] == answer_type


@pytest.mark.parametrize("content,field", [
    ('{"news":{"articles":[]}}', "content.news.articles"),
    ('{"news":{"articles":[{"title":"x"}]}}', "content.news.articles[0].url"),
    ('{"image":{}}', "content.image.url"),
    ('{"miniprogrampage":{"appid":"wx1"}}', "content.miniprogrampage.pagepath"),
    ('{"multimsg":[]}', "content.multimsg"),
    ('{"video":{"media_id":"x"}}', "content"),
    ('{"news": ', "content"),
    ('<a href="weixin://bizmsgmenu?msgmenuid=1">x</a>', "content"),
    ('<a href="https://example.com">x', "content"),
])
def test_malformed_rich_answers_name_the_field(http, server, content, field):
    xml = autoreply_xml("rich", "a malformed one", content)
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == 1007 and result["errmsg"].startswith(field), result


@pytest.mark.parametrize("xml", [
    # No CDATA, another root name, questions directly under the root, an XML declaration.
    '<?xml version="1.0" encoding="utf-8"?><root><managerid>manager-1</managerid><skillname>Fees</skillname>'
    '<title>Are there late fees</title><content>No late fees &amp; no fines.</content>'
    '<question>do you charge fines</question></root>',
    # Pretty-printed, mixed CDATA, a comment.
    '<xml>\n  <!-- a comment -->\n  <managerid>manager-1</managerid>\n  <skillname> Fees </skillname>\n'
    '  <title>Are there late fees</title>\n  <content><![CDATA[No late fees & no fines.]]></content>\n'
    '  <list><question>do you charge fines</question></list>\n</xml>',
])
def test_tolerated_xml(http, server, xml):
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == 0, result
    answer = aibot(http, server, "do you charge fines")
    assert answer["answer"] == "No late fees & no fines." and answer["ans_node_name"] == "Fees"


@pytest.mark.parametrize("payload,cause", [
    ("", "empty"),
    ("not xml at all", "not XML"),
    ('{"managerid": "m"}', "JSON"),
    ("<xml><title>x</xml>", "expected </title>"),
    ("<xml><title>x</title>", "no end tag"),
    ("<xml><title>&nbsp;</title></xml>", "unknown entity"),
    ("<xml><a>1</a></xml><xml/>", "after the root"),
    ('<!DOCTYPE x [<!ENTITY e "boom">]><xml>&e;</xml>', "document type"),
    ("<xml>" * 40 + "</xml>" * 40, "deeper"),
    ("<xml><title><![CDATA[x</title></xml>", "CDATA"),
])
def test_malformed_xml_is_1013_naming_the_cause(http, server, payload, cause):
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, payload)})
    assert result["errcode"] == 1013 and cause in result["errmsg"], result


@pytest.mark.parametrize("body,cause", [
    ({}, "encrypt is missing"),
    ({"encrypt": "!!!not base64!!!"}, "base64"),
    ({"encrypt": base64.b64encode(b"0123456789abcdef").decode()}, "ciphertext"),
    ({"encrypt": "<xml><Encrypt>abc"}, ""),
])
def test_bad_envelopes_are_1013(http, server, body, cause):
    result = post(http, server, "setautoreply", server.bot["token"], json=body)
    assert result["errcode"] == 1013 and cause in result["errmsg"], result


def test_envelope_of_another_bot_is_1013(http, server):
    xml = autoreply_xml("x", "y", "z")
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.other, xml)})
    assert result["errcode"] == 1013


def test_whole_xml_envelope_as_the_value(http, server):
    bot = server.bot
    crypto = WeChatCrypto(bot["token"], bot["encoding_aes_key"], bot["appid"])
    envelope = crypto.encrypt_message(autoreply_xml("Envelope", "whole envelope question", "whole envelope answer"),
                                      "nonce1", "1700000000")
    result = post(http, server, "setautoreply", bot["token"], json={"encrypt": envelope})
    assert result["errcode"] == 0, result
    assert aibot(http, server, "whole envelope question")["answer"] == "whole envelope answer"


@pytest.mark.parametrize("missing", ["managerid", "skillname", "title", "content"])
def test_missing_fields_are_1007(http, server, missing):
    fields = {"managerid": MANAGER, "skillname": "s", "title": "t", "content": "c"}
    del fields[missing]
    xml = "<xml>" + "".join(cdata(k, v) for k, v in fields.items()) + "</xml>"
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == 1007 and missing in result["errmsg"], result


@pytest.mark.parametrize("manager", ["manager-2", "MANAGER-1", " "])
def test_unknown_manager_is_1015(http, server, manager):
    xml = autoreply_xml("s", "unknown manager question", "c", manager=manager)
    result = post(http, server, "setautoreply", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == (1007 if manager == " " else 1015), result
    assert aibot(http, server, "unknown manager question")["status"] != "FAQ"


def test_a_manager_added_while_serving_is_accepted(http, server):
    xml = autoreply_xml("late", "late manager question", "late manager answer", manager="late-manager")
    body = {"encrypt": encrypt(server.bot, xml)}
    assert post(http, server, "setautoreply", server.bot["token"], json=body)["errcode"] == 1015
    server.ctl("bots", "add-manager", "--token", server.bot["token"], "--managerid", "late-manager")
    assert post(http, server, "setautoreply", server.bot["token"], json=body)["errcode"] == 0
    # A manager of one bot is nobody to another.
    other = post(http, server, "setautoreply", server.other["token"], json={"encrypt": encrypt(server.other, xml)})
    assert other["errcode"] == 1015


def test_unknown_token_is_1001(http, server):
    result = post(http, server, "setautoreply", "no-such-token", json={"encrypt": "x"})
    assert result["errcode"] == 1001


def test_setautoreply_over_grpc(http, server, stub):
    pb, client = stub
    xml = autoreply_xml("gRPC", "set over grpc question", "set over grpc answer")
    response = client.SetAutoReply(pb.EncryptedRequest(token=server.bot["token"], encrypt=encrypt(server.bot, xml)))
    assert response.ans_node_id > 0
    assert aibot(http, server, "set over grpc question")["ans_node_id"] == response.ans_node_id
    with pytest.raises(grpc.RpcError) as error:
        client.SetAutoReply(pb.EncryptedRequest(token=server.bot["token"], encrypt="garbage"))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert dict(error.value.trailing_metadata())["chatbot-errcode"] == "1013"
    with pytest.raises(grpc.RpcError) as error:
        client.SetAutoReply(pb.EncryptedRequest(token="nope", encrypt="x"))
    assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as error:
        client.SetAutoReply(pb.EncryptedRequest(token=server.bot["token"],
                                                encrypt=encrypt(server.bot, autoreply_xml("s", "t", "c", manager="nobody"))))
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert dict(error.value.trailing_metadata())["chatbot-errcode"] == "1015"


def test_the_server_keeps_serving(http, server):
    assert http.get(f"{server.url}/healthz", timeout=10).text == "ok\n"
    assert aibot(http, server, "有停车场吗")["status"] == "FAQ"


# MARK: batchimportskill, publish, publish_progress


def skill_xml(skill, title, questions, answers):
    return ("<skill>" + cdata("skillname", skill) + cdata("title", title)
            + "".join(cdata("question", q) for q in questions) + "".join(cdata("answer", a) for a in answers)
            + "</skill>")


def batch_xml(skills, mode="0", manager=MANAGER):
    return "<xml>" + cdata("managerid", manager) + cdata("mode", mode) + "".join(skills) + "</xml>"


def manager_xml(manager=MANAGER, task_id=None):
    return "<xml>" + cdata("managerid", manager) + (cdata("task_id", task_id) if task_id else "") + "</xml>"


def test_batchimportskill_then_debug_then_publish_then_online(http, server):
    skills = [
        skill_xml("Lockers", "Are there lockers", ["where can I leave my bag", "bag storage"],
                  ["Lockers are at the entrance; bring a 1 yuan coin."]),
        skill_xml("复印", "可以复印吗", ["复印机在哪", "打印怎么收费"], ["二楼有自助复印机，每页0.2元。", "也可以扫码打印。"]),
    ]
    result = post(http, server, "batchimportskill", server.bot["token"],
                  json={"encrypt": encrypt(server.bot, batch_xml(skills))})
    assert result == {"errcode": 0, "errmsg": "ok", "imported": 2}
    debug = aibot(http, server, "where can I leave my bag")
    assert debug["status"] == "FAQ" and debug["ans_node_name"] == "Lockers"
    assert aibot(http, server, "复印机在哪")["answer"] == "二楼有自助复印机，每页0.2元。"
    assert aibot(http, server, "where can I leave my bag", env="online")["ans_node_name"] != "Lockers"

    published = post(http, server, "publish", server.bot["token"], json={"encrypt": encrypt(server.bot, manager_xml())})
    assert published["errcode"] == 0 and published["task_id"]
    online = aibot(http, server, "where can I leave my bag", env="online")
    assert online["status"] == "FAQ" and online["ans_node_id"] == debug["ans_node_id"]
    assert aibot(http, server, "有停车场吗", env="online")["status"] == "FAQ"  # the earlier setautoreply too

    progress = post(http, server, "publish_progress", server.bot["token"],
                    json={"encrypt": encrypt(server.bot, manager_xml(task_id=published["task_id"]))})
    assert progress["errcode"] == 0 and progress["progress"] == 100 and progress["done"] is True
    assert progress["data"] == {"progress": 100, "status": 1} and progress["task_id"] == published["task_id"]
    # As the platform's docs send it: only the managerid, for the latest publish.
    latest = post(http, server, "publish_progress", server.bot["token"],
                  data={"encrypt": encrypt(server.bot, manager_xml())})
    assert latest["task_id"] == published["task_id"]


def test_batchimportskill_mode_1_replaces_everything(http, server):
    other = server.other
    server.ctl("bots", "add-manager", "--token", other["token"], "--managerid", "boss")
    first = [skill_xml("A", "alpha question one", [], ["alpha"]), skill_xml("B", "bravo question two", [], ["bravo"])]
    body = {"encrypt": encrypt(other, batch_xml(first, manager="boss"))}
    assert post(http, server, "batchimportskill", other["token"], json=body)["imported"] == 2
    body = {"encrypt": encrypt(other, batch_xml([skill_xml("C", "charlie question three", [], ["charlie"])], "1",
                                                manager="boss"))}
    assert post(http, server, "batchimportskill", other["token"], json=body)["imported"] == 1
    assert aibot(http, server, "charlie question three", bot=other)["answer"] == "charlie"
    assert aibot(http, server, "alpha question one", bot=other)["status"] != "FAQ"


@pytest.mark.parametrize("xml,errcode,cause", [
    (batch_xml([]), 1007, "skill is missing"),
    (batch_xml([skill_xml("s", "t", [], [])]), 1007, "skill[0].answer is missing"),
    (batch_xml([skill_xml("", "t", [], ["a"])]), 1007, "skill[0].skillname"),
    (batch_xml([skill_xml("s", "t", [], ["a"]), skill_xml("s", "t", [], ["b"])]), 1007, "skill[1] repeats"),
    (batch_xml([skill_xml("s", "t", [], ["ok", '{"image":{}}'])]), 1007, "skill[0].answer[1].image"),
    (batch_xml([skill_xml("s", "t", [], ["a"])], mode="2"), 1007, "mode"),
    (batch_xml([skill_xml("s", "t", [], ["a"])], manager="stranger"), 1015, "stranger"),
    ("<xml><managerid>manager-1</managerid><skill><title>t</skill></xml>", 1013, "expected </title>"),
])
def test_batchimportskill_refusals(http, server, xml, errcode, cause):
    result = post(http, server, "batchimportskill", server.bot["token"], json={"encrypt": encrypt(server.bot, xml)})
    assert result["errcode"] == errcode and cause in result["errmsg"], result


def test_publish_refusals(http, server):
    token = server.bot["token"]
    assert post(http, server, "publish", token, json={"encrypt": encrypt(server.bot, manager_xml("x"))})["errcode"] == 1015
    assert post(http, server, "publish", token, json={})["errcode"] == 1013
    assert post(http, server, "publish", "nope", json={})["errcode"] == 1001
    unknown = post(http, server, "publish_progress", token,
                   json={"encrypt": encrypt(server.bot, manager_xml(task_id="publish-0-0-0"))})
    assert unknown["errcode"] == 1007 and "publish-0-0-0" in unknown["errmsg"]
    never = post(http, server, "publish_progress", server.other["token"],
                 json={"encrypt": encrypt(server.other, manager_xml("boss"))})
    assert never["errcode"] in (0, 1007)


def test_batch_and_publish_over_grpc_match_http(http, server, stub):
    pb, client = stub
    bot = server.bot
    xml = batch_xml([skill_xml("gRPC batch", "grpc batch question", ["batch over grpc"], ["grpc batch answer"])])
    assert client.BatchImportSkill(pb.EncryptedRequest(token=bot["token"], encrypt=encrypt(bot, xml))).imported == 1
    debug = aibot(http, server, "batch over grpc")
    assert debug["answer"] == "grpc batch answer"
    # Publish's request carries no envelope: a call credential proves the key (test_access.py).
    now = int(time.time())
    credential = jwt.encode({"managerid": MANAGER, "aud": "chatbotd", "iat": now, "exp": now + 60},
                            bot["encoding_aes_key"], algorithm="HS256")
    metadata = (("authorization", f"Bearer {credential}"),)
    task = client.Publish(pb.PublishRequest(token=bot["token"]), metadata=metadata).task_id
    assert task
    progress = client.PublishProgress(pb.PublishProgressRequest(token=bot["token"], task_id=task), metadata=metadata)
    assert progress.progress == 100 and progress.done
    online = client.Query(pb.QueryRequest(token=bot["token"], signature=signature(bot), query="batch over grpc",
                                          env=pb.ENV_ONLINE))
    assert online.ans_node_id == debug["ans_node_id"] and online.answer == "grpc batch answer"
    for call, request, code in [
        (client.PublishProgress, pb.PublishProgressRequest(token=bot["token"], task_id="nope"),
         grpc.StatusCode.INVALID_ARGUMENT),
        # Another bot's task, and a credential for this bot, not that one.
        (client.PublishProgress, pb.PublishProgressRequest(token=server.other["token"], task_id=task),
         grpc.StatusCode.UNAUTHENTICATED),
        (client.Publish, pb.PublishRequest(token="nope"), grpc.StatusCode.UNAUTHENTICATED),
        (client.BatchImportSkill, pb.EncryptedRequest(token=bot["token"], encrypt=encrypt(bot, batch_xml([]))),
         grpc.StatusCode.INVALID_ARGUMENT),
    ]:
        with pytest.raises(grpc.RpcError) as error:
            call(request, metadata=metadata)
        assert error.value.code() == code


def test_setautoreply_after_publish_changes_debug_only(http, server):
    """Right after a publish the server shares one index between debug and online; a setautoreply
    must change the draft's copy only, an existing entry and a new one alike."""
    bot = server.bot
    first = post(http, server, "setautoreply", bot["token"],
                 json={"encrypt": encrypt(bot, autoreply_xml("Loans", "How many books can I borrow", "Ten.",
                                                             ["borrowing limit"]))})
    assert first["errcode"] == 0
    assert post(http, server, "publish", bot["token"], json={"encrypt": encrypt(bot, manager_xml())})["errcode"] == 0
    assert aibot(http, server, "borrowing limit", env="online")["answer"] == "Ten."

    changed = post(http, server, "setautoreply", bot["token"],
                   json={"encrypt": encrypt(bot, autoreply_xml("Loans", "How many books can I borrow", "Twelve.",
                                                               ["borrowing limit"]))})
    added = post(http, server, "setautoreply", bot["token"],
                 json={"encrypt": encrypt(bot, autoreply_xml("Loans", "Can I renew a loan", "Twice, online.",
                                                             ["loan renewal"]))})
    assert changed["ans_node_id"] == first["ans_node_id"] and added["errcode"] == 0
    assert aibot(http, server, "borrowing limit")["answer"] == "Twelve."
    assert aibot(http, server, "loan renewal")["answer"] == "Twice, online."
    assert aibot(http, server, "borrowing limit", env="online")["answer"] == "Ten."
    assert aibot(http, server, "loan renewal", env="online").get("answer") != "Twice, online."


def test_still_serving_after_all_that(http, server):
    assert http.get(f"{server.url}/healthz", timeout=10).text == "ok\n"
    assert aibot(http, server, "where can I leave my bag", env="online")["status"] == "FAQ"


# MARK: message (legacy)


LEGACY_FIELDS = {"answer", "answer_type", "msg", "status", "from_user_name", "to_user_name", "msg_id", "create_time",
                 "kefustate", "slots_info", "session_id", "dialog_status", "bid_stat"}


def legacy_query(bot, **claims):
    return jwt.encode(claims, bot["encoding_aes_key"], algorithm="HS256")


@pytest.mark.parametrize("form", [True, False])
def test_message_answers_in_the_legacy_shape(http, server, form):
    query = legacy_query(server.legacy, username="wx-user-3", msg="where can I leave my bag")
    body = {"data": {"query": query}} if form else {"json": {"query": query}}
    result = post(http, server, "message", server.legacy["token"], **body)
    assert set(result) == LEGACY_FIELDS, result
    assert result["status"] == "FAQ" and result["from_user_name"] == "wx-user-3"
    assert result["to_user_name"] == server.legacy["appid"] and result["answer_type"] == "text"
    assert [(m["content"], m["msg_type"], m["status"]) for m in result["msg"]] == [(result["answer"], "text", "FAQ")]
    assert result["answer"].startswith("Lockers are at the entrance")


@pytest.mark.parametrize("query,errcode", [
    ("", 1004),
    ("not.a.jwt", 1005),
    ("EXPIRED", 1005),
    ("NO_USERNAME", 1006),
])
def test_message_refusals(http, server, query, errcode):
    if query == "EXPIRED":
        query = legacy_query(server.legacy, username="u", msg="x", exp=1000)
    elif query == "NO_USERNAME":
        query = legacy_query(server.legacy, msg="x")
    assert post(http, server, "message", server.legacy["token"], data={"query": query})["errcode"] == errcode
    assert post(http, server, "message", "nope", data={"query": query})["errcode"] == 1001


def test_message_over_grpc_matches_http(http, server, stub):
    pb, client = stub
    query = legacy_query(server.legacy, username="wx-user-4", msg="复印机在哪")
    over_http = post(http, server, "message", server.legacy["token"], data={"query": query})
    over_grpc = client.Message(pb.MessageRequest(token=server.legacy["token"], query=query))
    assert over_grpc.answer == over_http["answer"] and over_grpc.from_user_name == "wx-user-4"
    assert over_grpc.create_time and over_grpc.msg[0].content == over_http["answer"]
    with pytest.raises(grpc.RpcError) as error:
        client.Message(pb.MessageRequest(token=server.legacy["token"], query=legacy_query(server.legacy, msg="x")))
    assert dict(error.value.trailing_metadata())["chatbot-errcode"] == "1006"
