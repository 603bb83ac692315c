"""A Python client for chatbotd (the WeChat Dialogue Open Platform API over gRPC).

* :class:`ChatbotClient` wraps the generated stub: Sign, Query, a bounded streaming batch over
  QueryStream (:meth:`ChatbotClient.query_batch`), SetAutoReply with envelopes built here.
* :class:`ChatbotError` carries the gRPC status and the platform's errcode.
* :func:`sign_jwt`, :class:`MessageCrypto`: the platform's JWTs and WXBizMsgCrypt envelopes.
* ``pb`` and ``pb_grpc`` are the generated modules (``chatbot_client.chatbot.v1.chatbot_pb2``
  and ``…_pb2_grpc``).
"""

from .chatbot.v1 import chatbot_pb2 as pb
from .chatbot.v1 import chatbot_pb2_grpc as pb_grpc
from .client import BatchResult, ChatbotClient, autoreply_xml
from .crypto import SIGNATURE_LIFETIME, CryptoError, MessageCrypto, msg_signature, sign_jwt, verify_jwt
from .errors import ERRCODE_TRAILER, ChatbotError

__all__ = [
    "BatchResult",
    "ChatbotClient",
    "ChatbotError",
    "CryptoError",
    "ERRCODE_TRAILER",
    "MessageCrypto",
    "SIGNATURE_LIFETIME",
    "autoreply_xml",
    "msg_signature",
    "pb",
    "pb_grpc",
    "sign_jwt",
    "verify_jwt",
]

__version__ = "0.1.0"
