"""chatbotctl against the reference SDKs: wechatpy for envelopes and msg_signature, PyJWT for JWTs.

Both directions: ours encrypts and signs, theirs decrypts and verifies, and the reverse.
"""

import json
import random
import time
import warnings

import jwt
import pytest
from wechatpy.crypto import WeChatCrypto

TOKEN = "interopToken123"
APPID = "wx5823bf96d3bd56c7"
KEYS = [
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",  # the platform's sample key: non-zero trailing bits
    "ekEa8YrO33F+mknIW9BlaHcxAkspLTsogieqOo7tfJ4",
]


def random_text(rng, length):
    alphabet = (
        [chr(c) for c in range(0x20, 0x7F)]
        + [chr(c) for c in range(0x4E00, 0x4E00 + 200)]
        + ["😀", "👍🏽", "é", "\n", "\t", "<", "&", "]]>"]
    )
    return "".join(rng.choice(alphabet) for _ in range(length))


def payloads():
    rng = random.Random(20261122)
    fixed = ["", "hello", "你好，请问有什么可以帮您？", "😀" * 7, "<xml><msg><![CDATA[x]]></msg></xml>", "长" * 3000]
    return fixed + [random_text(rng, rng.randrange(0, 700)) for _ in range(20)]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("message", payloads())
def test_ours_encrypts_wechatpy_decrypts(chatbotctl, key, message):
    encrypted = chatbotctl("crypto", "encrypt", "--aes-key", key, "--appid", APPID, stdin=message.encode()).stdout
    encrypted = encrypted.decode().strip()
    timestamp, nonce = "1409304348", "xxxxxx"
    signature = chatbotctl(
        "crypto", "signature", "--token", TOKEN, "--timestamp", timestamp, "--nonce", nonce, stdin=encrypted.encode()
    ).stdout.decode().strip()
    envelope = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    decrypted = WeChatCrypto(TOKEN, key, APPID).decrypt_message(envelope, signature, timestamp, nonce)
    assert decrypted == message


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("message", payloads())
def test_wechatpy_encrypts_ours_decrypts(chatbotctl, key, message):
    timestamp, nonce = "1700000000", "n0nce"
    envelope = WeChatCrypto(TOKEN, key, APPID).encrypt_message(message, nonce, timestamp)
    # The whole XML envelope, as sloppy clients send it.
    out = chatbotctl("crypto", "decrypt", "--aes-key", key, "--appid", APPID, stdin=envelope.encode()).stdout
    assert out.decode() == message
    # Our msg_signature matches the one wechatpy put in the envelope.
    encrypted = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    theirs = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    ours = chatbotctl(
        "crypto", "signature", "--token", TOKEN, "--timestamp", timestamp, "--nonce", nonce, stdin=encrypted.encode()
    ).stdout.decode().strip()
    assert ours == theirs


def test_wechatpy_envelope_for_another_appid_is_rejected(chatbotctl):
    envelope = WeChatCrypto(TOKEN, KEYS[0], "wxsomeoneelse").encrypt_message("hi", "n", "1")
    result = chatbotctl("crypto", "decrypt", "--aes-key", KEYS[0], "--appid", APPID, stdin=envelope.encode(), check=False)
    assert result.returncode == 1
    assert "appIDMismatch" in result.stderr.decode() and "errcode 1013" in result.stderr.decode()


def test_wechatpy_envelope_with_another_key_is_rejected(chatbotctl):
    # With the wrong key the plaintext is random, so about one envelope in 256 ends in a byte
    # that passes for padding and is caught by the length-field or appid check instead: every
    # one must be refused with 1013, and nearly all of them for their padding.
    causes = []
    for _ in range(50):
        envelope = WeChatCrypto(TOKEN, KEYS[1], APPID).encrypt_message("a message that spans blocks", "n", "1")
        result = chatbotctl(
            "crypto", "decrypt", "--aes-key", KEYS[0], "--appid", APPID, stdin=envelope.encode(), check=False
        )
        stderr = result.stderr.decode()
        assert result.returncode == 1 and "errcode 1013" in stderr, stderr
        causes.append(stderr.split("decrypt failed: ")[1].split(":")[0])
    assert set(causes) <= {"badPadding", "badLengthField", "appIDMismatch"}, causes
    assert causes.count("badPadding") >= 40, causes


def claim_sets():
    # Made when pytest collects, maybe minutes before a test runs (the whole suite builds four
    # clients first): every exp is far enough ahead to outlast the run.
    now = int(time.time())
    return [
        {"userid": "alsjdasf12", "username": "some people", "avatar": "https://example.com/a.png", "iat": now, "exp": now + 7200},
        {"userid": "u2", "username": "张三😀", "avatar": "", "iat": now, "exp": now + 86400},
        {"userid": 'q"uote\\back/slash', "username": "line\nbreak\ttab\u0001"},
        {"userid": "no-time-claims"},
        {"username": "legacy", "msg": "查询订单"},
    ]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("claims", claim_sets())
def test_pyjwt_signs_ours_verifies(chatbotctl, key, claims):
    token = jwt.encode(claims, key, algorithm="HS256")
    out = chatbotctl("jwt", "verify", "--key", key, token).stdout
    assert json.loads(out) == claims


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("claims", claim_sets())
def test_ours_signs_pyjwt_verifies(chatbotctl, key, claims):
    token = chatbotctl("jwt", "sign", "--key", key, "--claims", json.dumps(claims)).stdout.decode().strip()
    assert jwt.decode(token, key, algorithms=["HS256"]) == claims
    # Byte-identical to PyJWT for the same claims in the same order.
    assert token == jwt.encode(claims, key, algorithm="HS256")


@pytest.mark.parametrize(
    "claims, cause, errcode",
    [
        ({"userid": "u", "exp": 1}, "expired", 1005),
        ({"userid": "u", "nbf": 4102444800}, "notYetValid", 1005),
    ],
)
def test_time_claims_are_enforced(chatbotctl, claims, cause, errcode):
    token = jwt.encode(claims, KEYS[0], algorithm="HS256")
    result = chatbotctl("jwt", "verify", "--key", KEYS[0], token, check=False)
    assert result.returncode == 1
    assert cause in result.stderr.decode() and f"errcode {errcode}" in result.stderr.decode()


def hs512_token():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)  # a 43-byte key, on purpose
        return jwt.encode({"userid": "u"}, KEYS[0], algorithm="HS512")


@pytest.mark.parametrize(
    "token, cause, errcode",
    [
        (jwt.encode({"userid": "u"}, KEYS[1], algorithm="HS256"), "badSignature", 1005),
        (hs512_token(), "unsupportedAlgorithm", 1005),
        (jwt.encode({"userid": "u"}, None, algorithm="none"), "unsupportedAlgorithm", 1005),
        (jwt.encode({"userid": "u"}, KEYS[0], algorithm="HS256", headers={"crit": ["exp"]}), "unsupportedExtension", 1005),
        ("a.b", "malformedToken", 1005),
        ("", "emptyToken", 1004),
    ],
)
def test_bad_tokens_name_their_cause(chatbotctl, token, cause, errcode):
    result = chatbotctl("jwt", "verify", "--key", KEYS[0], token, check=False)
    assert result.returncode == 1
    stderr = result.stderr.decode()
    assert cause in stderr and f"errcode {errcode}" in stderr, stderr
