"""Query and QueryStream against a real chatbotd, with grpcio stubs generated from proto/.

The knowledge base is a small one written for these tests (never benchmark data), imported with
chatbotctl before the server starts: the server indexes it from the store at start, and picks up
later imports and publishes by itself.
"""

import json
import time

import grpc
import jwt
import pytest

from grpc_support import Server, running_server, with_test_bots, write_kb

KB = [
    {"id": "refund", "skill": "售后", "question": "怎么申请退款",
     "similar": ["退款怎么申请", "我要退货退款", "如何办理退款手续"], "answer": "在订单详情页点击“申请退款”即可。"},
    {"id": "shipping", "skill": "物流", "question": "多久能发货",
     "similar": ["什么时候发货", "下单后几天发货", "发货要等多久"], "answer": "付款后48小时内发货。"},
    {"id": "invoice", "skill": "售后", "question": "可以开发票吗", "similar": ["怎么开具发票", "发票在哪里申请"],
     "answer": json.dumps({"news": {"articles": [{"title": "开票指南", "url": "https://example.com/i"}]}},
                          ensure_ascii=False)},
    {"id": "password", "skill": "account", "question": "How do I reset my password?",
     "similar": ["I forgot my password", "reset password"], "answer": "Use “Forgot password” on the sign-in page."},
    {"id": "hours", "skill": "门店", "question": "门店营业时间是几点", "similar": ["你们几点开门", "商店几点关门"],
     "answer": "每天早上9点到晚上9点。"},
]


@pytest.fixture(scope="module")
def server():
    with running_server(with_test_bots(KB)) as server:
        yield server


@pytest.fixture(scope="module")
def stub(server, stubs):
    channel = grpc.insecure_channel(server.address)
    yield stubs[1].ChatbotStub(channel)
    channel.close()


def signature(bot, **claims):
    claims.setdefault("userid", "user-1")
    return jwt.encode(claims, bot["encoding_aes_key"], algorithm="HS256")


def query(stubs, stub, bot, text, **fields):
    pb = stubs[0]
    fields.setdefault("signature", signature(bot))
    return stub.Query(pb.QueryRequest(token=bot["token"], query=text, **fields), timeout=10)


def errcode(error):
    return dict(error.trailing_metadata() or ()).get("chatbot-errcode")


def test_exact_question_is_a_hit_with_the_platform_fields(stubs, server, stub):
    pb = stubs[0]
    before = int(time.time() * 1000)
    response = query(stubs, stub, server.bot, "请问怎么申请退款呢？")
    assert response.status == pb.MATCH_STATUS_FAQ
    assert response.confidence == 1.0
    assert response.answer == "在订单详情页点击“申请退款”即可。"
    assert response.answer_type == pb.ANSWER_TYPE_TEXT
    assert response.title == "怎么申请退款" and response.ans_node_name == "售后" and response.ans_node_id > 0
    assert response.from_user_name == "user-1" and response.to_user_name == server.bot["appid"]
    assert response.query == "请问怎么申请退款呢？"
    assert before <= int(response.create_time) <= int(time.time() * 1000)
    assert response.msg_id and not response.is_default_answer and not response.options
    assert [(m.content, m.msg_type) for m in response.msg] == [(response.answer, "text")]


def test_paraphrases_and_english_find_their_entries(stubs, server, stub):
    for text, title in [("退款要怎么申请", "怎么申请退款"), ("几天能发货", "多久能发货"),
                        ("how can I reset the password", "How do I reset my password?")]:
        response = query(stubs, stub, server.bot, text, explain=True)
        assert response.candidates[0].title == title, text
        assert 0 < response.candidates[0].confidence <= 1
        assert response.candidates[0].matched_question


def test_rich_answers_keep_their_content_and_type(stubs, server, stub):
    response = query(stubs, stub, server.bot, "可以开发票吗")
    assert response.answer_type == stubs[0].ANSWER_TYPE_NEWS
    assert json.loads(response.answer)["news"]["articles"][0]["title"] == "开票指南"


def test_unrelated_question_gets_the_fallback(stubs, server, stub):
    response = query(stubs, stub, server.bot, "今天天气怎么样")
    assert response.status == stubs[0].MATCH_STATUS_NOMATCH
    assert response.is_default_answer and response.answer
    assert response.ans_node_id == 0


def test_below_the_threshold_the_bot_recommends_with_menu_links(stubs, server, stub):
    response = query(stubs, stub, server.picky, "退款要怎么申请", env=stubs[0].ENV_DEBUG)
    assert response.status == stubs[0].MATCH_STATUS_FAQ_RECOMMEND
    assert 1 <= len(response.options) <= 2
    assert response.options[0].title == "怎么申请退款" and response.options[0].answer
    assert "weixin://bizmsgmenu?msgmenucontent=怎么申请退款&msgmenuid=1" in response.answer


def test_skill_scoping_is_strict(stubs, server, stub):
    response = query(stubs, stub, server.bot, "怎么申请退款", first_priority_skills=["物流"], explain=True)
    assert all(c.ans_node_name == "物流" for c in response.candidates)
    response = query(stubs, stub, server.bot, "怎么申请退款", first_priority_skills=["物流"],
                     second_priority_skills=["售后"])
    assert response.status == stubs[0].MATCH_STATUS_FAQ and response.title == "怎么申请退款"


def wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_drafts_stay_in_debug_until_published(stubs, server, stub):
    pb = stubs[0]
    entry = {"id": "gift", "skill": "活动", "question": "有没有新人礼包", "similar": ["新用户有什么优惠"],
             "answer": "新用户注册即送50元券。"}
    server.ctl("kb", "import", "--token", server.bot["token"], write_kb(server, [entry], "gift.jsonl"))

    def found(env):
        return query(stubs, stub, server.bot, "有没有新人礼包", env=env).answer == entry["answer"]

    assert wait_for(lambda: found(pb.ENV_DEBUG)), "the server did not pick up the import"
    assert not found(pb.ENV_ONLINE)
    server.ctl("publish", "--token", server.bot["token"])
    assert wait_for(lambda: found(pb.ENV_ONLINE)), "the server did not pick up the publish"


@pytest.mark.parametrize("case", ["unknown token", "empty", "garbage", "expired", "no userid", "wrong key",
                                  "unapproved"])
def test_refusals_carry_the_platform_errcode(stubs, server, stub, case):
    bot = server.unapproved if case == "unapproved" else server.bot
    token = "no-such-token" if case == "unknown token" else bot["token"]
    sig = {
        "empty": "",
        "garbage": "not.a.jwt",
        "expired": signature(bot, exp=int(time.time()) - 10),
        "no userid": jwt.encode({"username": "x"}, bot["encoding_aes_key"], algorithm="HS256"),
        "wrong key": jwt.encode({"userid": "u"}, "another-key-another-key-another-key-abcdefg", algorithm="HS256"),
    }.get(case, signature(bot))
    expected = {
        "unknown token": (grpc.StatusCode.UNAUTHENTICATED, "1001"),
        "empty": (grpc.StatusCode.INVALID_ARGUMENT, "1004"),
        "garbage": (grpc.StatusCode.UNAUTHENTICATED, "1005"),
        "expired": (grpc.StatusCode.UNAUTHENTICATED, "1005"),
        "no userid": (grpc.StatusCode.INVALID_ARGUMENT, "1006"),
        "wrong key": (grpc.StatusCode.UNAUTHENTICATED, "1005"),
        "unapproved": (grpc.StatusCode.PERMISSION_DENIED, "1002"),
    }[case]
    with pytest.raises(grpc.RpcError) as raised:
        stub.Query(stubs[0].QueryRequest(token=token, signature=sig, query="怎么申请退款"), timeout=10)
    assert (raised.value.code(), errcode(raised.value)) == expected
    assert raised.value.details()


def test_query_stream_answers_thousands_in_order_with_per_item_errors(stubs, server, stub):
    pb = stubs[0]
    good = signature(server.bot)
    texts = ["怎么申请退款", "几天能发货", "今天天气怎么样", "reset password"]
    count = 5000

    def requests():
        for i in range(count):
            if i % 500 == 7:
                yield pb.QueryRequest(token="no-such-token", signature=good, query="x", request_id=f"r{i}")
            elif i % 500 == 8:
                yield pb.QueryRequest(token=server.bot["token"], signature="", query="x", request_id=f"r{i}")
            else:
                yield pb.QueryRequest(token=server.bot["token"], signature=good, query=texts[i % 4],
                                      request_id=f"r{i}")

    results = list(stub.QueryStream(requests(), timeout=120))
    assert [r.request_id for r in results] == [f"r{i}" for i in range(count)]
    for i, result in enumerate(results):
        if i % 500 == 7:
            assert result.WhichOneof("result") == "error" and result.error.errcode == 1001
        elif i % 500 == 8:
            assert result.WhichOneof("result") == "error" and result.error.errcode == 1004
        else:
            assert result.WhichOneof("result") == "response", result
            if i % 4 == 0:
                assert result.response.title == "怎么申请退款"


LIMIT = 1000  # characters of query text (Unicode scalars), README "Limits"


def test_query_text_over_the_limit_is_refused_on_every_grpc_face(stubs, server, stub):
    pb = stubs[0]
    # At the limit in scalars (three UTF-8 bytes each, so over it in bytes) it is matched.
    assert query(stubs, stub, server.bot, "退" * LIMIT).status in (pb.MATCH_STATUS_NOMATCH, pb.MATCH_STATUS_FAQ,
                                                                  pb.MATCH_STATUS_FAQ_RECOMMEND)
    for text in ["退" * (LIMIT + 1), "a" * (LIMIT + 1), "退款" * 200_000]:
        with pytest.raises(grpc.RpcError) as raised:
            query(stubs, stub, server.bot, text)
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert errcode(raised.value) == "-1"
        assert f"query is too long: {len(text.encode())} bytes" in raised.value.details()
        assert f"the limit is {LIMIT} characters" in raised.value.details()

    good = signature(server.bot)
    texts = ["怎么申请退款", "退" * (LIMIT + 1), "多久能发货"]
    results = list(stub.QueryStream(
        iter([pb.QueryRequest(token=server.bot["token"], signature=good, query=t, request_id=str(i))
              for i, t in enumerate(texts)]), timeout=30))
    assert [r.WhichOneof("result") for r in results] == ["response", "error", "response"]
    assert results[1].error.errcode == -1 and f"the limit is {LIMIT} characters" in results[1].error.errmsg

    msg = jwt.encode({"username": "u", "msg": "退" * (LIMIT + 1)}, server.bot["encoding_aes_key"], algorithm="HS256")
    with pytest.raises(grpc.RpcError) as raised:
        stub.Message(pb.MessageRequest(token=server.bot["token"], query=msg), timeout=10)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT and errcode(raised.value) == "-1"
    assert "msg is too long" in raised.value.details() and f"the limit is {LIMIT} characters" in raised.value.details()


def test_a_restarted_server_indexes_the_store_again(stubs, server):
    # A second server on the same database, started after everything above was written.
    again = Server(db_path=server.db)
    try:
        with grpc.insecure_channel(again.address) as channel:
            response = query(stubs, stubs[1].ChatbotStub(channel), server.bot, "怎么申请退款")
            assert response.status == stubs[0].MATCH_STATUS_FAQ
    finally:
        assert again.terminate() == 0
