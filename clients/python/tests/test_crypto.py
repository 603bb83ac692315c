"""JWTs and envelopes against the reference vectors (made with wechatpy 1.8.18 and PyJWT 2.15.1)
and against wechatpy and PyJWT themselves, both directions."""

from __future__ import annotations

import base64
import random

import jwt
import pytest
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from chatbot_client import (
    CryptoError,
    MessageCrypto,
    management_credential,
    management_metadata,
    msg_signature,
    sign_jwt,
    verify_jwt,
)

TOKEN = "pyClientToken"
APPID = "wx5823bf96d3bd56c7"
KEYS = ["abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "ekEa8YrO33F+mknIW9BlaHcxAkspLTsogieqOo7tfJ4"]


def payloads() -> list[str]:
    rng = random.Random(20261125)
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0x4E00, 0x4E80)] + ["😀", "é", "\n", "]]>"]
    fixed = ["", "x", "你好，请问有什么可以帮您？", "😀" * 8, "a" * 11, "a" * 12, "<xml><msg>m</msg></xml>", "长" * 2000]
    return fixed + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 600))) for _ in range(16)]


def wechatpy_encrypt(key: str, message: str, prefix: bytes) -> str:
    """wechatpy's envelope of message with a chosen 16-byte random prefix."""
    prp = PrpCrypto(base64.b64decode(key + "="))
    prp.get_random_string = lambda: prefix  # the one random input of its _encrypt
    out = prp.encrypt(message, APPID)
    return out.decode() if isinstance(out, bytes) else out


# MARK: reference vectors


def test_envelope_vectors(crypto_vectors):
    assert len(crypto_vectors["envelopes"]) >= 5
    for v in crypto_vectors["envelopes"]:
        crypto = MessageCrypto(v["encoding_aes_key"], v["appid"])
        assert crypto.key.hex() == v["aes_key_hex"], v["name"]
        ours = crypto.encrypt(v["payload"], bytes.fromhex(v["random_prefix_hex"]))
        assert ours == v["expected_ciphertext_b64"], v["name"]
        assert crypto.decrypt(v["expected_ciphertext_b64"]) == v["payload"], v["name"]
        assert msg_signature(v["token"], v["timestamp"], v["nonce"], ours) == v["expected_msg_signature"], v["name"]


def test_jwt_vectors(crypto_vectors):
    assert len(crypto_vectors["jwts"]) >= 5
    for v in crypto_vectors["jwts"]:
        assert sign_jwt(v["secret"], v["claims"]) == v["expected_token"], v["name"]
        assert verify_jwt(v["secret"], v["expected_token"], now=v["claims"]["exp"] - 1) == v["claims"], v["name"]


# MARK: wechatpy, both directions


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("message", payloads(), ids=lambda m: f"{len(m)}chars")
def test_same_prefix_same_bytes_as_wechatpy(key, message):
    prefix = bytes(random.Random(len(message)).randrange(256) for _ in range(16))
    ours = MessageCrypto(key, APPID).encrypt(message, prefix)
    assert ours == wechatpy_encrypt(key, message, prefix)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("message", payloads(), ids=lambda m: f"{len(m)}chars")
def test_wechatpy_opens_ours_and_we_open_theirs(key, message):
    ours = MessageCrypto(key, APPID).encrypt_message(message, TOKEN, "n0nce", "1700000000")
    ours_signature = ours.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    assert WeChatCrypto(TOKEN, key, APPID).decrypt_message(ours, ours_signature, "1700000000", "n0nce") == message

    theirs = WeChatCrypto(TOKEN, key, APPID).encrypt_message(message, "n0nce", "1700000000")
    assert MessageCrypto(key, APPID).decrypt(theirs) == message  # the whole XML envelope
    encrypt = theirs.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    assert MessageCrypto(key, APPID).decrypt(encrypt) == message
    signature = theirs.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    assert msg_signature(TOKEN, "1700000000", "n0nce", encrypt) == signature


def test_refusals_name_the_cause():
    envelope = MessageCrypto(KEYS[0], APPID).encrypt("a message long enough to span blocks")
    with pytest.raises(CryptoError, match="appid"):
        MessageCrypto(KEYS[0], "wxsomeoneelse").decrypt(envelope)
    with pytest.raises(CryptoError, match="padding|length|appid"):
        MessageCrypto(KEYS[1], APPID).decrypt(envelope)
    with pytest.raises(CryptoError, match="base64"):
        MessageCrypto(KEYS[0], APPID).decrypt("not base64!")
    with pytest.raises(ValueError):
        MessageCrypto(KEYS[0][:-1], APPID)


# MARK: PyJWT, both directions


def test_pyjwt_verifies_ours_and_we_verify_pyjwt():
    token = sign_jwt(KEYS[0], userid="u1", username="张三", avatar="https://example.com/a.png")
    claims = jwt.decode(token, KEYS[0], algorithms=["HS256"])
    assert claims["userid"] == "u1" and claims["username"] == "张三" and claims["exp"] - claims["iat"] == 7200
    assert token == jwt.encode(claims, KEYS[0], algorithm="HS256")
    theirs = jwt.encode({"userid": "u2", "msg": "hi"}, KEYS[1], algorithm="HS256")
    assert verify_jwt(KEYS[1], theirs) == {"userid": "u2", "msg": "hi"}


def test_jwt_refusals():
    with pytest.raises(CryptoError, match="signature"):
        verify_jwt(KEYS[1], sign_jwt(KEYS[0], userid="u"))
    with pytest.raises(CryptoError, match="expired"):
        verify_jwt(KEYS[0], sign_jwt(KEYS[0], userid="u", now=1000, expires_in=10))
    with pytest.raises(CryptoError):
        verify_jwt(KEYS[0], "not.a.jwt")
    for exp in ("2000000000", [1], {"t": 1}, True):
        with pytest.raises(CryptoError, match="exp is not a number"):
            verify_jwt(KEYS[0], sign_jwt(KEYS[0], {"userid": "u", "exp": exp}))
    assert verify_jwt(KEYS[0], sign_jwt(KEYS[0], {"userid": "u", "exp": 2000.5}), now=2000)["exp"] == 2000.5
    with pytest.raises(ValueError):
        sign_jwt(KEYS[0])


# MARK: the management call credential


def test_management_credential_is_what_pyjwt_makes_and_verifies():
    token = management_credential(KEYS[0], "manager-1", now=1_700_000_000)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    assert token.split(".")[0] == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # the header, byte for byte
    claims = jwt.decode(token, KEYS[0], algorithms=["HS256"], audience="chatbotd",
                        options={"verify_exp": False, "verify_iat": False})
    assert list(claims.items()) == [("managerid", "manager-1"), ("aud", "chatbotd"), ("iat", 1_700_000_000),
                                    ("exp", 1_700_000_600)]
    assert token == jwt.encode(claims, KEYS[0], algorithm="HS256")
    # The known answer the Go, C++ and Java clients' tests compare with.
    assert token == ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtYW5hZ2VyaWQiOiJtYW5hZ2VyLTEiLCJhdWQiOiJjaGF0Ym90ZCIs"
                     "ImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwNjAwfQ.5oVutmKXAjWBHYqAJZeAACneJBN7uKacaonSZbKIGr0")
    unicode = management_credential(KEYS[0], "经理-1", now=1_700_000_000)
    assert unicode == jwt.encode({"managerid": "经理-1", "aud": "chatbotd", "iat": 1_700_000_000,
                                  "exp": 1_700_000_600}, KEYS[0], algorithm="HS256")


def test_management_credential_made_now_verifies_with_the_audience():
    import time

    before = int(time.time())
    token = management_credential(KEYS[1], "m", lifetime=3600)
    claims = jwt.decode(token, KEYS[1], algorithms=["HS256"], audience="chatbotd")
    assert set(claims) == {"managerid", "aud", "iat", "exp"}
    assert before <= claims["iat"] <= int(time.time()) and claims["exp"] - claims["iat"] == 3600
    assert verify_jwt(KEYS[1], token) == claims
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, KEYS[1], algorithms=["HS256"], audience="someone-else")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, KEYS[0], algorithms=["HS256"], audience="chatbotd")


def test_management_credential_refuses_what_the_server_would():
    for lifetime in (0, -1, 3601, 7200, 600.5, True):
        with pytest.raises(ValueError, match="1 to 3600 seconds"):
            management_credential(KEYS[0], "m", lifetime=lifetime)
    with pytest.raises(ValueError, match="managerid"):
        management_credential(KEYS[0], "")


def test_management_metadata_is_one_bearer_authorization():
    metadata = management_metadata(KEYS[0], "manager-1", now=1_700_000_000)
    assert metadata == (("authorization", "Bearer " + management_credential(KEYS[0], "manager-1",
                                                                            now=1_700_000_000)),)
