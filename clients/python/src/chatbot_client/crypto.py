"""The platform's two pieces of cryptography, with the ``cryptography`` package.

* HS256 JWTs for the dialogue calls (``signature`` of Query) and for the management call
  credential (:func:`management_credential`): the key is the bot's 43-character EncodingAESKey
  used as UTF-8 text. Tokens are written the way PyJWT writes them (header
  ``{"alg":"HS256","typ":"JWT"}``, compact JSON, non-ASCII escaped), so the same claims give the
  same token.
* WXBizMsgCrypt envelopes for the management and customer-service calls (SetAutoReply and the
  other ``EncryptedRequest`` operations): AES-256-CBC with key = base64decode(EncodingAESKey + "="),
  IV = the key's first 16 bytes, plaintext = 16 random bytes, big-endian uint32 length, message,
  appid, PKCS#7-padded to a multiple of 32. Given the same 16 random bytes the output is
  byte-identical to wechatpy's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
from typing import Any, Mapping, Optional, Union

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "CREDENTIAL_AUDIENCE",
    "CREDENTIAL_LIFETIME",
    "CryptoError",
    "MAX_CREDENTIAL_LIFETIME",
    "MessageCrypto",
    "management_credential",
    "management_metadata",
    "msg_signature",
    "sign_jwt",
    "verify_jwt",
    "SIGNATURE_LIFETIME",
]

#: Seconds a signature from Sign (and, by default, from :func:`sign_jwt`) stays valid.
SIGNATURE_LIFETIME = 7200
#: The ``aud`` claim of a management call credential.
CREDENTIAL_AUDIENCE = "chatbotd"
#: Seconds a management call credential made by :func:`management_credential` stays valid by default.
CREDENTIAL_LIFETIME = 600
#: The longest lifetime (``exp - iat``) the server accepts in a management call credential.
MAX_CREDENTIAL_LIFETIME = 3600

_JWT_HEADER = b'{"alg":"HS256","typ":"JWT"}'
_BLOCK = 32


class CryptoError(ValueError):
    """An envelope or a JWT that cannot be opened or verified; the message names the cause."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise CryptoError(f"malformed JWT segment: {error}") from None


def _hs256(key: str, data: bytes) -> bytes:
    mac = crypto_hmac.HMAC(key.encode("utf-8"), hashes.SHA256())
    mac.update(data)
    return mac.finalize()


def sign_jwt(
    encoding_aes_key: str,
    claims: Optional[Mapping[str, Any]] = None,
    *,
    userid: Optional[str] = None,
    username: Optional[str] = None,
    avatar: Optional[str] = None,
    expires_in: Optional[int] = SIGNATURE_LIFETIME,
    now: Optional[int] = None,
) -> str:
    """Signs an HS256 JWT the server accepts as a Query ``signature``.

    With ``claims`` given, exactly those claims are signed, in their order (as PyJWT would).
    Otherwise the claims are ``userid`` (required by the server), ``username`` and ``avatar`` when
    given, ``iat`` and ``exp`` (``iat + expires_in``; no ``exp`` when ``expires_in`` is None).
    """
    if claims is None:
        if not userid:
            raise ValueError("sign_jwt needs a userid (or explicit claims)")
        issued = int(time.time()) if now is None else now
        built: dict[str, Any] = {"userid": userid}
        if username is not None:
            built["username"] = username
        if avatar is not None:
            built["avatar"] = avatar
        built["iat"] = issued
        if expires_in is not None:
            built["exp"] = issued + expires_in
        claims = built
    payload = json.dumps(dict(claims), separators=(",", ":"), ensure_ascii=True).encode("ascii")
    signing_input = f"{_b64url(_JWT_HEADER)}.{_b64url(payload)}".encode("ascii")
    return f"{signing_input.decode('ascii')}.{_b64url(_hs256(encoding_aes_key, signing_input))}"


def management_credential(encoding_aes_key: str, managerid: str, lifetime: int = CREDENTIAL_LIFETIME,
                          now: Optional[int] = None) -> str:
    """The management call credential: an HS256 JWT keyed with the bot's EncodingAESKey.

    Its claims are ``{"managerid": managerid, "aud": "chatbotd", "iat": now, "exp": now +
    lifetime}`` (``now`` defaults to the current second). chatbotd asks for it, as
    ``authorization: Bearer <JWT>`` metadata (see :func:`management_metadata`), on the management
    RPCs: Publish, PublishProgress, GetKefuState, ChangeKefuState and SubscribeOutbox. A missing,
    expired or wrongly keyed credential is refused with UNAUTHENTICATED (errcode 1005), a
    ``managerid`` that is not one of the bot's managers with PERMISSION_DENIED (errcode 1015).

    Raises ``ValueError`` for an empty ``managerid`` or a ``lifetime`` outside 1 to
    :data:`MAX_CREDENTIAL_LIFETIME` (3600) seconds, which the server would refuse.
    """
    if not managerid:
        raise ValueError("a management credential needs a managerid")
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or not 0 < lifetime <= MAX_CREDENTIAL_LIFETIME:
        raise ValueError(f"a management credential lives 1 to {MAX_CREDENTIAL_LIFETIME} seconds, not {lifetime!r}")
    issued = int(time.time()) if now is None else now
    return sign_jwt(encoding_aes_key, {"managerid": managerid, "aud": CREDENTIAL_AUDIENCE, "iat": issued,
                                       "exp": issued + lifetime})


def management_metadata(encoding_aes_key: str, managerid: str, lifetime: int = CREDENTIAL_LIFETIME,
                        now: Optional[int] = None) -> tuple[tuple[str, str], ...]:
    """gRPC metadata carrying a fresh :func:`management_credential`, for a call's ``metadata=``:

    >>> stub.Publish(pb.PublishRequest(token=token), metadata=management_metadata(key, "manager-1"))
    """
    return (("authorization", "Bearer " + management_credential(encoding_aes_key, managerid, lifetime, now)),)


def verify_jwt(encoding_aes_key: str, token: str, *, now: Optional[int] = None) -> dict[str, Any]:
    """Checks an HS256 JWT over its received segments and returns its claims.

    Raises :class:`CryptoError` for a malformed token, another algorithm, a wrong signature or an
    ``exp`` in the past.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise CryptoError("a JWT has three segments")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except ValueError as error:
        raise CryptoError(f"malformed JWT: {error}") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise CryptoError("only HS256 JWTs are accepted")
    if not isinstance(claims, dict):
        raise CryptoError("JWT claims are not an object")
    expected = _hs256(encoding_aes_key, f"{parts[0]}.{parts[1]}".encode("ascii"))
    if not hmac.compare_digest(expected, _b64url_decode(parts[2])):
        raise CryptoError("JWT signature does not match")
    exp = claims.get("exp")
    if exp is not None and (isinstance(exp, bool) or not isinstance(exp, (int, float))):
        raise CryptoError(f"JWT exp is not a number: {exp!r}")
    if exp is not None and (int(time.time()) if now is None else now) >= exp:
        raise CryptoError("JWT expired")
    return claims


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """The envelope's ``msg_signature``: lowercase hex SHA1 of the four strings sorted and joined."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode("utf-8")).hexdigest()


_XML_ENCRYPT = re.compile(r"<Encrypt>\s*(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))\s*</Encrypt>", re.S)


class MessageCrypto:
    """Builds and opens WXBizMsgCrypt envelopes for one bot (its EncodingAESKey and appid).

    >>> crypto = MessageCrypto(bot["encoding_aes_key"], bot["appid"])
    >>> encrypt = crypto.encrypt("<xml>...</xml>")        # EncryptedRequest.encrypt
    >>> crypto.decrypt(encrypt)
    '<xml>...</xml>'
    """

    def __init__(self, encoding_aes_key: str, appid: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("an EncodingAESKey has 43 characters")
        try:
            self.key = base64.b64decode(encoding_aes_key + "=")
        except ValueError as error:
            raise ValueError(f"EncodingAESKey is not base64: {error}") from None
        self.appid = appid
        self._cipher = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def encrypt(self, message: Union[str, bytes], random_prefix: Optional[bytes] = None) -> str:
        """The base64 envelope of ``message``; ``random_prefix`` (16 bytes) defaults to os.urandom."""
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError("the random prefix has 16 bytes")
        body = message.encode("utf-8") if isinstance(message, str) else message
        plain = prefix + struct.pack(">I", len(body)) + body + self.appid.encode("utf-8")
        pad = _BLOCK - len(plain) % _BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt_bytes(self, encrypted: str) -> bytes:
        """Opens an envelope (the base64 text, or a whole ``<xml><Encrypt>…</Encrypt></xml>``)."""
        match = _XML_ENCRYPT.search(encrypted)
        if match:
            encrypted = match.group(1) if match.group(1) is not None else match.group(2)
        try:
            data = base64.b64decode(encrypted.strip(), validate=True)
        except ValueError:
            raise CryptoError("envelope is not base64") from None
        if not data or len(data) % 16:
            raise CryptoError("envelope length is not a multiple of the AES block")
        decryptor = self._cipher.decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= _BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("bad padding (wrong key?)")
        plain = plain[:-pad]
        if len(plain) < 20:
            raise CryptoError("envelope too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise CryptoError("length prefix exceeds the envelope")
        if plain[20 + length:] != self.appid.encode("utf-8"):
            raise CryptoError("appid mismatch")
        return plain[20:20 + length]

    def decrypt(self, encrypted: str) -> str:
        """Like :meth:`decrypt_bytes`, decoded as UTF-8."""
        try:
            return self.decrypt_bytes(encrypted).decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError("message is not UTF-8") from None

    def encrypt_message(self, message: str, token: str, nonce: str, timestamp: Optional[str] = None,
                        random_prefix: Optional[bytes] = None) -> str:
        """The full XML envelope with ``MsgSignature``, as a WeChat callback carries it."""
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        encrypt = self.encrypt(message, random_prefix)
        signature = msg_signature(token, timestamp, nonce, encrypt)
        return (f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA[{signature}]]>"
                f"</MsgSignature><TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>")
