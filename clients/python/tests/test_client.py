"""ChatbotClient against a real chatbotd (see conftest.py for where it comes from)."""

from __future__ import annotations

import itertools
import time
import uuid

import grpc
import pytest

from chatbot_client import ChatbotClient, ChatbotError, management_metadata, pb, sign_jwt, verify_jwt


@pytest.fixture(scope="module")
def client(bot):
    with ChatbotClient(bot["target"], bot["token"], encoding_aes_key=bot["encoding_aes_key"],
                       appid=bot["appid"], managerid=bot["managerid"]) as client:
        yield client


def test_sign_rpc_issues_a_signature_we_can_verify_and_query_with(client, bot):
    response = client.sign("py-user-1", username="张三")
    assert response.expires_in == 7200
    claims = verify_jwt(bot["encoding_aes_key"], response.signature)
    assert claims["userid"] == "py-user-1" and claims["username"] == "张三"
    answer = client.query("怎么申请退款", signature=response.signature)
    assert answer.status == pb.MATCH_STATUS_FAQ and answer.from_user_name == "py-user-1"


def test_local_signature_is_accepted(client, bot):
    signature = sign_jwt(bot["encoding_aes_key"], userid="py-local", username="Local")
    answer = client.query("退款怎么申请", signature=signature)
    assert answer.status == pb.MATCH_STATUS_FAQ
    assert answer.title == "怎么申请退款" and answer.answer == "在订单详情页点击申请退款即可。"
    assert answer.from_user_name == "py-local" and answer.to_user_name == bot["appid"]
    # Without a signature the client signs locally for `userid`.
    assert client.query("reset password", userid="py-auto").from_user_name == "py-auto"


def test_query_fields(client):
    answer = client.query("多久能发货", explain=True)
    assert answer.status == pb.MATCH_STATUS_FAQ and answer.confidence == 1.0 and answer.ans_node_id > 0
    assert answer.ans_node_name == "物流" and answer.candidates[0].title == "多久能发货"
    assert [m.content for m in answer.msg] == [answer.answer]
    nomatch = client.query("量子色动力学的渐近自由是什么")
    assert nomatch.status == pb.MATCH_STATUS_NOMATCH and nomatch.is_default_answer


def test_batch_of_10000_over_query_stream_with_bounded_in_flight(client):
    texts = ["怎么申请退款", "什么时候发货", "I forgot my password", "你们几点开门", "量子色动力学"]
    count, window = 10_000, 64
    received = 0
    read = 0
    most_ahead = 0

    def inputs():
        nonlocal read, most_ahead
        for i in range(count):
            most_ahead = max(most_ahead, read - received)
            read += 1
            if i % 1000 == 999:  # a refused item: another bot's token
                yield pb.QueryRequest(token="no-such-token", query="x")
            else:
                yield texts[i % len(texts)]

    results = []
    for result in client.query_batch(inputs(), max_in_flight=window, timeout=150):
        received += 1
        results.append(result)
    assert len(results) == count
    assert [r.index for r in results] == list(range(count))
    assert [r.request_id for r in results] == [str(i) for i in range(count)]
    titles = {"怎么申请退款": "怎么申请退款", "什么时候发货": "多久能发货", "I forgot my password": "How do I reset my password?",
              "你们几点开门": "门店营业时间是几点"}
    for r in results:
        if r.index % 1000 == 999:
            assert not r.ok and r.response is None
            assert r.error.code is None and r.error.errcode == 1001, r.error
            assert r.input.token == "no-such-token" and r.input.request_id == ""  # the input was copied
        else:
            assert r.ok and r.input == texts[r.index % len(texts)]
            assert r.response.query == r.input
            if r.input in titles:
                assert r.response.title == titles[r.input], r
            else:
                assert r.response.status == pb.MATCH_STATUS_NOMATCH
    # Bounded: never more than `window` items taken ahead of the results; pipelined: well above 1.
    assert most_ahead <= window
    assert most_ahead >= 2, most_ahead


class EchoStub:
    """Stands in for the generated stub's QueryStream: answers each request at once, in order."""

    def __init__(self):
        self.requests = []

    def QueryStream(self, requests, timeout=None):
        stub = self

        class Call:
            def __iter__(self):
                for request in requests:
                    stub.requests.append(request)
                    yield pb.QueryResult(request_id=request.request_id, response=pb.QueryResponse(query=request.query))

            def cancel(self):
                pass

        return Call()


def test_batch_checks_its_arguments_when_called_not_on_first_next():
    client = ChatbotClient("127.0.0.1:1", "t", encoding_aes_key="k" * 43)
    client.stub = EchoStub()
    with pytest.raises(ValueError, match="max_in_flight"):
        client.query_batch(["q"], max_in_flight=0)
    with pytest.raises(ValueError, match="env"):
        client.query_batch(["q"], env="staging")
    with pytest.raises(TypeError):
        client.query_batch(42)
    assert [r.response.query for r in client.query_batch(["a", "b"])] == ["a", "b"]
    assert client.stub.requests[0].signature  # signed locally


def test_batch_re_signs_a_local_signature_before_it_expires(monkeypatch):
    import chatbot_client.client as client_module

    now = [1_700_000_000.0]
    monkeypatch.setattr(client_module, "_clock", lambda: now[0])
    client = ChatbotClient("127.0.0.1:1", "t", encoding_aes_key="k" * 43)
    client.stub = EchoStub()

    def inputs():
        for i in range(30):
            yield f"q{i}"
            now[0] += 600  # ten minutes between items: 30 items span five hours

    results = list(client.query_batch(inputs(), max_in_flight=1))
    assert len(results) == 30
    signatures = [r.signature for r in client.stub.requests]
    assert len(set(signatures)) >= 3  # five hours of 2-hour signatures
    sent_at = 1_700_000_000
    for signature in signatures:
        claims = verify_jwt("k" * 43, signature, now=sent_at)
        assert claims["exp"] - sent_at >= client_module.RESIGN_MARGIN, (claims, sent_at)
        sent_at += 600
    # A signature given by the caller is used as it is, however long the batch.
    client.stub = EchoStub()
    list(client.query_batch(["a", "b"], signature="given"))
    assert [r.signature for r in client.stub.requests] == ["given", "given"]


def test_batch_reads_its_input_lazily_and_stops_when_closed(client):
    read = 0

    def endless():
        nonlocal read
        for i in itertools.count():
            read += 1
            yield f"怎么申请退款 {i}"

    batch = client.query_batch(endless(), max_in_flight=16)
    first = [next(batch) for _ in range(50)]
    assert [r.index for r in first] == list(range(50))
    assert read <= 50 + 16 + 1
    batch.close()  # cancels the stream; the request thread must not spin on
    time.sleep(0.3)
    settled = read
    time.sleep(0.3)
    assert read == settled <= 50 + 16 + 1


def test_batch_reraises_an_input_error_after_answering_what_was_sent(client):
    def broken():
        yield "怎么申请退款"
        yield "多久能发货"
        raise RuntimeError("input source failed")

    seen = []
    with pytest.raises(RuntimeError, match="input source failed"):
        for result in client.query_batch(broken(), max_in_flight=4):
            seen.append(result.input)
    assert seen == ["怎么申请退款", "多久能发货"]


def test_set_auto_reply_with_our_envelope_then_found_in_debug(client, bot):
    title = f"py client entry {uuid.uuid4().hex[:8]}"
    node = client.set_auto_reply(bot["managerid"], "py-skill", title, "An answer set by the Python client.",
                                 ["python client similar question"])
    assert node > 0
    found = client.query(title, env="debug")
    assert found.status == pb.MATCH_STATUS_FAQ and found.ans_node_id == node
    assert found.answer == "An answer set by the Python client." and found.ans_node_name == "py-skill"
    assert client.query("python client similar question", env="debug").ans_node_id == node
    assert client.query(title, env="online").ans_node_id != node  # a draft until published


def test_wrong_token_is_unauthenticated_1001(bot):
    with ChatbotClient(bot["target"], "no-such-token", encoding_aes_key=bot["encoding_aes_key"]) as wrong:
        with pytest.raises(ChatbotError) as raised:
            wrong.query("怎么申请退款")
    assert raised.value.code == grpc.StatusCode.UNAUTHENTICATED and raised.value.errcode == 1001
    assert raised.value.errmsg and isinstance(raised.value.cause, grpc.RpcError)


@pytest.mark.parametrize("case,code,errcode", [
    ("expired", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("wrong key", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("empty", grpc.StatusCode.INVALID_ARGUMENT, 1004),
    ("no userid", grpc.StatusCode.INVALID_ARGUMENT, 1006),
])
def test_bad_signatures_carry_their_errcode(client, bot, case, code, errcode):
    key = bot["encoding_aes_key"]
    signature = {
        "expired": sign_jwt(key, userid="u", now=int(time.time()) - 10_000),
        "wrong key": sign_jwt("another-key-another-key-another-key-abcdefg", userid="u"),
        "empty": "",
        "no userid": sign_jwt(key, {"username": "x"}),
    }[case]
    with pytest.raises(ChatbotError) as raised:
        client.query("怎么申请退款", signature=signature)
    assert (raised.value.code, raised.value.errcode) == (code, errcode)


def test_encrypted_refusals(client, bot):
    with pytest.raises(ChatbotError) as raised:
        client.call("SetAutoReply", pb.EncryptedRequest(token=bot["token"], encrypt="garbage"))
    assert (raised.value.code, raised.value.errcode) == (grpc.StatusCode.INVALID_ARGUMENT, 1013)
    with pytest.raises(ChatbotError) as raised:
        client.set_auto_reply("not-a-manager", "s", "t", "c")
    assert (raised.value.code, raised.value.errcode) == (grpc.StatusCode.PERMISSION_DENIED, 1015)


# MARK: management calls: the call credential (after the tests that expect the draft unpublished)


def test_publish_and_progress_with_the_management_credential(client, bot):
    title = f"py published entry {uuid.uuid4().hex[:8]}"
    node = client.set_auto_reply(bot["managerid"], "py-publish", title, "Published by the Python client.")
    assert client.query(title, env="online").ans_node_id != node
    task = client.publish()  # with a credential for the client's managerid
    assert task
    progress = client.publish_progress(task)
    assert progress.progress == 100 and progress.done
    assert client.query(title, env="online").ans_node_id == node
    # The generated stub with the helper's metadata, and call() adding it by itself.
    metadata = management_metadata(bot["encoding_aes_key"], bot["managerid"])
    assert client.stub.PublishProgress(pb.PublishProgressRequest(token=bot["token"], task_id=task),
                                       metadata=metadata, timeout=10).done
    assert client.call("PublishProgress", pb.PublishProgressRequest(token=bot["token"], task_id=task)).done


def _claims(bot, **overrides):
    now = int(time.time())
    return {"managerid": bot["managerid"], "aud": "chatbotd", "iat": now, "exp": now + 600, **overrides}


# These 12 refusals, the one below and the 2 envelope refusals above are failed management checks
# from one address: they must stay under chatbotd's --max-management-failures (20 a minute per
# address and bot), past which every management call is refused with RESOURCE_EXHAUSTED.
@pytest.mark.parametrize("rpc", ["Publish", "PublishProgress"])
@pytest.mark.parametrize("case,code,errcode", [
    ("none", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("expired", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("another bot's key", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("over an hour", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("another audience", grpc.StatusCode.UNAUTHENTICATED, 1005),
    ("not a manager", grpc.StatusCode.PERMISSION_DENIED, 1015),
])
def test_management_calls_refuse_a_missing_or_bad_credential(client, bot, rpc, case, code, errcode):
    key = bot["encoding_aes_key"]
    now = int(time.time())
    metadata = {
        "none": (),
        "expired": management_metadata(key, bot["managerid"], now=now - 4000),
        "another bot's key": management_metadata("another-key-another-key-another-key-abcdefg", bot["managerid"]),
        "over an hour": (("authorization", "Bearer " + sign_jwt(key, _claims(bot, exp=now + 7200))),),
        "another audience": (("authorization", "Bearer " + sign_jwt(key, _claims(bot, aud="someone-else"))),),
        "not a manager": management_metadata(key, "not-a-manager"),
    }[case]
    request = (pb.PublishRequest(token=bot["token"]) if rpc == "Publish"
               else pb.PublishProgressRequest(token=bot["token"], task_id=client.publish()))
    with pytest.raises(ChatbotError) as raised:
        client.call(rpc, request, metadata=metadata)
    assert (raised.value.code, raised.value.errcode) == (code, errcode), raised.value
    assert raised.value.errmsg


def test_a_client_without_a_managerid_sends_no_credential(bot):
    with ChatbotClient(bot["target"], bot["token"], encoding_aes_key=bot["encoding_aes_key"]) as anonymous:
        with pytest.raises(ValueError, match="managerid"):
            anonymous.publish()
        with pytest.raises(ChatbotError) as raised:
            anonymous.call("Publish", pb.PublishRequest(token=bot["token"]))
        assert (raised.value.code, raised.value.errcode) == (grpc.StatusCode.UNAUTHENTICATED, 1005)
        # A managerid given for the call is enough.
        assert anonymous.publish(managerid=bot["managerid"])
