"""ChatbotError: a failed call with its gRPC status and the platform's errcode."""

from __future__ import annotations

from typing import Any, Optional

import grpc

__all__ = ["ChatbotError", "ERRCODE_TRAILER"]

#: The trailer in which chatbotd sends the platform's errcode of a failed call.
ERRCODE_TRAILER = "chatbot-errcode"


class ChatbotError(Exception):
    """A call chatbotd refused, or a transport failure.

    ``code`` is the gRPC status (``grpc.StatusCode``), or None for a per-item error inside
    QueryStream, which fails only that item. ``errcode`` is the platform's error code (1001 token
    invalid, 1005 signature expired or invalid, 1013 decryption failed, ...) from the
    ``chatbot-errcode`` trailer or the stream item's Status; None when the server sent none (a
    transport failure, a deadline). ``errmsg`` is the server's message.
    """

    def __init__(self, code: Optional[grpc.StatusCode], errcode: Optional[int], errmsg: str,
                 cause: Optional[BaseException] = None) -> None:
        self.code = code
        self.errcode = errcode
        self.errmsg = errmsg
        self.cause = cause
        status = code.name if code is not None else "stream item"
        super().__init__(f"{status} (errcode {errcode}): {errmsg}" if errcode is not None
                         else f"{status}: {errmsg}")

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "ChatbotError":
        """Reads status, details and the ``chatbot-errcode`` trailer of a failed grpcio call."""
        code: Optional[grpc.StatusCode] = None
        details = str(error)
        trailers: Any = ()
        if isinstance(error, grpc.Call):
            code = error.code()
            details = error.details() or ""
            trailers = error.trailing_metadata() or ()
        errcode: Optional[int] = None
        for key, value in trailers:
            if key == ERRCODE_TRAILER:
                try:
                    errcode = int(value)
                except ValueError:
                    pass
        return cls(code, errcode, details, error)

    @classmethod
    def from_status(cls, status: Any) -> "ChatbotError":
        """From a QueryResult's per-item ``Status{errcode, errmsg}``."""
        return cls(None, int(status.errcode), str(status.errmsg))
