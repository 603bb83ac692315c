"""A Python client for chatbotd (the WeChat Dialogue Open Platform API over gRPC).

* :class:`ChatbotClient` wraps the generated stub: Sign, Query, a bounded streaming batch over
  QueryStream (:meth:`ChatbotClient.query_batch`), SetAutoReply with envelopes built here,
  Publish and PublishProgress with a management call credential.
* :class:`ChatbotError` carries the gRPC status and the platform's errcode.
* :func:`sign_jwt`, :class:`MessageCrypto`: the platform's JWTs and WXBizMsgCrypt envelopes.
* :func:`management_credential`, :func:`management_metadata`: the management call credential
  (``authorization: Bearer <HS256 JWT>``) of Publish, PublishProgress and the other
  :data:`MANAGEMENT_RPCS`.
* ``pb`` and ``pb_grpc`` are the generated modules (``chatbot_client.chatbot.v1.chatbot_pb2``
  and ``…_pb2_grpc``).
"""

from .chatbot.v1 import chatbot_pb2 as pb
from .chatbot.v1 import chatbot_pb2_grpc as pb_grpc
from .client import MANAGEMENT_RPCS, BatchResult, ChatbotClient, autoreply_xml
from .crypto import (
    CREDENTIAL_AUDIENCE,
    CREDENTIAL_LIFETIME,
    MAX_CREDENTIAL_LIFETIME,
    SIGNATURE_LIFETIME,
    CryptoError,
    MessageCrypto,
    management_credential,
    management_metadata,
    msg_signature,
    sign_jwt,
    verify_jwt,
)
from .errors import ERRCODE_TRAILER, ChatbotError

__all__ = [
    "BatchResult",
    "CREDENTIAL_AUDIENCE",
    "CREDENTIAL_LIFETIME",
    "ChatbotClient",
    "ChatbotError",
    "CryptoError",
    "ERRCODE_TRAILER",
    "MANAGEMENT_RPCS",
    "MAX_CREDENTIAL_LIFETIME",
    "MessageCrypto",
    "SIGNATURE_LIFETIME",
    "autoreply_xml",
    "management_credential",
    "management_metadata",
    "msg_signature",
    "pb",
    "pb_grpc",
    "sign_jwt",
    "verify_jwt",
]

__version__ = "0.1.0"
