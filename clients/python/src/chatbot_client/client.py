"""ChatbotClient: the generated stub with signing, envelopes, errors and a bounded streaming batch."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, Iterator, Mapping, Optional, Sequence, TypeVar, Union, cast

import grpc

from .chatbot.v1 import chatbot_pb2 as pb
from .chatbot.v1 import chatbot_pb2_grpc as pb_grpc
from .crypto import CREDENTIAL_LIFETIME, SIGNATURE_LIFETIME, MessageCrypto, management_metadata, sign_jwt
from .errors import ChatbotError

__all__ = ["BatchResult", "ChatbotClient", "MANAGEMENT_RPCS", "autoreply_xml"]

T = TypeVar("T")
_STUB: Any = pb_grpc.ChatbotStub  # the generated gRPC module carries no type hints
#: query_batch re-signs its local signature when less than this many seconds of it remain.
RESIGN_MARGIN = 300
_clock: Callable[[], float] = time.time  # the wall clock of signatures; tests replace it
EnvLike = Union["pb.Env", int, str, None]
#: The RPCs chatbotd serves only with a management call credential (``authorization: Bearer``).
MANAGEMENT_RPCS = frozenset({"Publish", "PublishProgress", "GetKefuState", "ChangeKefuState", "SubscribeOutbox"})
Metadata = Sequence[tuple[str, str]]


def _env(env: EnvLike) -> "pb.Env":
    if env is None:
        return pb.ENV_ONLINE
    if isinstance(env, str):
        names = {"online": pb.ENV_ONLINE, "debug": pb.ENV_DEBUG}
        if env.lower() not in names:
            raise ValueError(f"env is 'online' or 'debug', not {env!r}")
        return names[env.lower()]
    return cast("pb.Env", int(env))


def _cdata(tag: str, text: str) -> str:
    return f"<{tag}><![CDATA[{text.replace(']]>', ']]]]><![CDATA[>')}]]></{tag}>"


def autoreply_xml(managerid: str, skill: str, title: str, content: str, questions: Iterable[str] = ()) -> str:
    """The XML that SetAutoReply's envelope carries: one FAQ entry (skill, standard question,
    answer, similar questions), upserted by skill and title for the manager ``managerid``."""
    parts = [_cdata("managerid", managerid), _cdata("skillname", skill), _cdata("title", title),
             _cdata("content", content), "<list>" + "".join(_cdata("question", q) for q in questions) + "</list>"]
    return "<xml>" + "".join(parts) + "</xml>"


@dataclass(frozen=True)
class BatchResult(Generic[T]):
    """One answered item of :meth:`ChatbotClient.query_batch`.

    ``index`` is the input's position and ``input`` the item itself (mapped back through the
    ``request_id`` the helper put on the request and the server echoed). Exactly one of
    ``response`` and ``error`` is set.
    """

    index: int
    input: T
    request_id: str
    response: Optional[pb.QueryResponse]
    error: Optional[ChatbotError]

    @property
    def ok(self) -> bool:
        return self.error is None


class ChatbotClient:
    """A chatbotd client for one bot.

    ``target`` is ``HOST:PORT`` (plaintext h2c) unless ``channel`` is given. ``encoding_aes_key``
    lets the client sign Query signatures locally and ``appid`` as well lets it build envelopes;
    without the key, signatures come from the Sign RPC. ``managerid`` (a manager of the bot, with
    the key) lets it make the management call credential that Publish, PublishProgress and the
    other :data:`MANAGEMENT_RPCS` need; each such call gets a fresh one, valid
    ``credential_lifetime`` seconds (600; at most 3600). Every failed call raises
    :class:`ChatbotError` with the gRPC status and the platform's errcode.
    """

    def __init__(self, target: Optional[str], token: str, *, encoding_aes_key: Optional[str] = None,
                 appid: Optional[str] = None, managerid: Optional[str] = None,
                 channel: Optional[grpc.Channel] = None, timeout: Optional[float] = 10.0,
                 credential_lifetime: int = CREDENTIAL_LIFETIME) -> None:
        if channel is None:
            if not target:
                raise ValueError("ChatbotClient needs a target or a channel")
            channel = grpc.insecure_channel(target)
            self._owns_channel = True
        else:
            self._owns_channel = False
        self.channel = channel
        #: The generated stub, for calls this class does not wrap.
        self.stub: Any = _STUB(channel)
        self.token = token
        self.encoding_aes_key = encoding_aes_key
        self.appid = appid
        self.managerid = managerid
        self.timeout = timeout
        self.credential_lifetime = credential_lifetime
        self._crypto: Optional[MessageCrypto] = None

    def close(self) -> None:
        if self._owns_channel:
            self.channel.close()

    def __enter__(self) -> "ChatbotClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # MARK: calls

    def call(self, rpc: str, request: Any, *, timeout: Optional[float] = None,
             metadata: Optional[Metadata] = None) -> Any:
        """Calls the unary RPC ``rpc`` (a method name of the Chatbot service) with ``request``,
        raising :class:`ChatbotError` on failure.

        Without ``metadata``, a call to one of :data:`MANAGEMENT_RPCS` carries a fresh management
        call credential when the client has ``encoding_aes_key`` and ``managerid``; given
        ``metadata`` (``()`` for none) is sent as it is."""
        if metadata is None and rpc in MANAGEMENT_RPCS and self.encoding_aes_key and self.managerid:
            metadata = self.management_metadata()
        method: Callable[..., Any] = getattr(self.stub, rpc)
        try:
            return method(request, timeout=self.timeout if timeout is None else timeout, metadata=metadata)
        except grpc.RpcError as error:
            raise ChatbotError.from_rpc_error(error) from None

    def management_metadata(self, managerid: Optional[str] = None) -> Metadata:
        """``authorization: Bearer <credential>`` for a management call, made now for
        ``managerid`` (the client's by default) with the bot's key (see
        :func:`~chatbot_client.management_credential`); pass it as ``metadata=`` to a call of
        :attr:`stub`. Raises ``ValueError`` when the client lacks the key or a managerid."""
        managerid = managerid or self.managerid
        if not self.encoding_aes_key or not managerid:
            raise ValueError("management calls need the bot's encoding_aes_key and a managerid")
        return management_metadata(self.encoding_aes_key, managerid, self.credential_lifetime)

    def sign(self, userid: str, username: str = "", avatar: str = "") -> pb.SignResponse:
        """The Sign RPC: a signature issued by the server."""
        response: pb.SignResponse = self.call(
            "Sign", pb.SignRequest(token=self.token, userid=userid, username=username, avatar=avatar))
        return response

    def sign_locally(self, userid: str, *, username: Optional[str] = None, avatar: Optional[str] = None,
                     expires_in: Optional[int] = SIGNATURE_LIFETIME) -> str:
        """An HS256 signature made here with the bot's EncodingAESKey, as the server would make it."""
        if not self.encoding_aes_key:
            raise ValueError("signing locally needs the bot's encoding_aes_key")
        return sign_jwt(self.encoding_aes_key, userid=userid, username=username, avatar=avatar,
                        expires_in=expires_in)

    def _signature(self, userid: str) -> str:
        return self.sign_locally(userid) if self.encoding_aes_key else self.sign(userid).signature

    def _request(self, query: str, signature: Optional[str], userid: str, env: EnvLike, explain: bool,
                 first_priority_skills: Sequence[str], second_priority_skills: Sequence[str],
                 slot_dictionaries: Optional[Mapping[str, Sequence[str]]]) -> pb.QueryRequest:
        return pb.QueryRequest(
            token=self.token, signature=signature if signature is not None else self._signature(userid),
            query=query, env=_env(env), explain=explain, first_priority_skills=first_priority_skills,
            second_priority_skills=second_priority_skills,
            slot_dictionaries={k: pb.SlotValues(values=v) for k, v in (slot_dictionaries or {}).items()})

    def query(self, query: str, *, signature: Optional[str] = None, userid: str = "user", env: EnvLike = None,
              explain: bool = False, first_priority_skills: Sequence[str] = (),
              second_priority_skills: Sequence[str] = (),
              slot_dictionaries: Optional[Mapping[str, Sequence[str]]] = None,
              timeout: Optional[float] = None) -> pb.QueryResponse:
        """The Query RPC (the platform's aibot). Without ``signature`` one is made for ``userid``
        (locally when the client has the key). ``env`` is ``"online"`` (default) or ``"debug"``."""
        request = self._request(query, signature, userid, env, explain, first_priority_skills,
                                second_priority_skills, slot_dictionaries)
        result: pb.QueryResponse = self.call("Query", request, timeout=timeout)
        return result

    def envelope(self, message: str, random_prefix: Optional[bytes] = None) -> pb.EncryptedRequest:
        """An EncryptedRequest for this bot carrying ``message`` in a WXBizMsgCrypt envelope."""
        if self._crypto is None:
            if not self.encoding_aes_key or not self.appid:
                raise ValueError("envelopes need the bot's encoding_aes_key and appid")
            self._crypto = MessageCrypto(self.encoding_aes_key, self.appid)
        return pb.EncryptedRequest(token=self.token, encrypt=self._crypto.encrypt(message, random_prefix))

    def set_auto_reply(self, managerid: str, skill: str, title: str, content: str,
                       questions: Iterable[str] = ()) -> int:
        """Upserts one FAQ entry in the draft knowledge base (env debug until published); returns
        its ans_node_id."""
        response: pb.SetAutoReplyResponse = self.call(
            "SetAutoReply", self.envelope(autoreply_xml(managerid, skill, title, content, questions)))
        return int(response.ans_node_id)

    def publish(self, *, managerid: Optional[str] = None) -> str:
        """Publishes the draft knowledge base as the online one; returns the task id. Sent with a
        management call credential for ``managerid`` (the client's by default)."""
        response: pb.PublishResponse = self.call("Publish", pb.PublishRequest(token=self.token),
                                                 metadata=self.management_metadata(managerid))
        return str(response.task_id)

    def publish_progress(self, task_id: str, *, managerid: Optional[str] = None) -> pb.PublishProgressResponse:
        """The progress of the publish ``task_id`` (``progress`` 0..100, ``done``), asked with a
        management call credential for ``managerid`` (the client's by default)."""
        response: pb.PublishProgressResponse = self.call(
            "PublishProgress", pb.PublishProgressRequest(token=self.token, task_id=task_id),
            metadata=self.management_metadata(managerid))
        return response

    # MARK: the streaming batch

    def query_batch(self, inputs: Iterable[T], *, max_in_flight: int = 128, signature: Optional[str] = None,
                    userid: str = "batch", env: EnvLike = None, explain: bool = False,
                    timeout: Optional[float] = None) -> Iterator[BatchResult[T]]:
        """Answers many queries over one QueryStream, yielding results as they arrive.

        ``inputs`` are query texts or ``QueryRequest`` messages (their empty token and signature
        are filled in; they are copied, never changed). The helper reads ``inputs`` lazily: at most
        ``max_in_flight`` items have been taken from it whose results were not yet yielded, so an
        endless or expensive iterator is fine. Each request gets ``request_id`` = its index, and
        each result is mapped back to its input by the echoed id.

        The signature filled in is made for ``userid`` once per batch and lives
        ``SIGNATURE_LIFETIME`` (7200 s). When the client signs locally (it has the bot's
        ``encoding_aes_key``) the batch re-signs before that, when less than ``RESIGN_MARGIN``
        (300 s) remain, so a batch may run as long as it likes. Otherwise (a ``signature`` given
        here, or one from the Sign RPC) items sent after that signature expires are refused one by
        one (errcode 1005): for longer batches give the client the key, or pass ``QueryRequest``
        items that carry their own signatures.

        A refused item comes back as a result with ``error`` set (``code`` None, the item's
        errcode); a failure of the whole stream raises :class:`ChatbotError`, and an exception from
        ``inputs`` is re-raised after the items already sent are answered. ``timeout`` bounds the
        whole stream (none by default). Closing the returned iterator early cancels the stream.

        The arguments are checked, and a signature made, when this is called (``ValueError`` for a
        bad ``max_in_flight`` or ``env``, ``TypeError`` for ``inputs`` that are not iterable); the
        stream starts with the first ``next()``.
        """
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        mode = _env(env)
        source = iter(inputs)
        if self.encoding_aes_key and signature is None:
            sign = self._local_batch_signer(userid)
        else:
            fixed = signature if signature is not None else self.sign(userid).signature

            def sign() -> str:
                return fixed
        sign()  # the first signature now, so a failure to sign surfaces here
        return self._query_batch(source, max_in_flight, sign, mode, explain, timeout)

    def _local_batch_signer(self, userid: str) -> Callable[[], str]:
        """A signature for ``userid`` made locally, remade when less than RESIGN_MARGIN seconds of it remain."""
        key = cast(str, self.encoding_aes_key)
        current = ""
        resign_at = float("-inf")

        def sign() -> str:
            nonlocal current, resign_at
            now = _clock()
            if now >= resign_at:
                current = sign_jwt(key, userid=userid, expires_in=SIGNATURE_LIFETIME, now=int(now))
                resign_at = int(now) + SIGNATURE_LIFETIME - RESIGN_MARGIN
            return current

        return sign

    def _query_batch(self, source: Iterator[T], max_in_flight: int, sign: Callable[[], str], mode: "pb.Env",
                     explain: bool, timeout: Optional[float]) -> Iterator[BatchResult[T]]:
        window = threading.Semaphore(max_in_flight)
        stop = threading.Event()
        lock = threading.Lock()
        pending: dict[str, tuple[int, T]] = {}
        failure: list[BaseException] = []

        def requests() -> Iterator[pb.QueryRequest]:
            # Runs on grpc's request thread; takes one window slot before reading each input.
            index = 0
            while True:
                window.acquire()
                if stop.is_set():
                    return
                try:
                    item = next(source)
                except StopIteration:
                    return
                except BaseException as error:  # re-raised on the caller's thread
                    failure.append(error)
                    return
                request = pb.QueryRequest()
                if isinstance(item, pb.QueryRequest):
                    request.CopyFrom(item)
                    request.token = request.token or self.token
                    request.signature = request.signature or sign()
                elif isinstance(item, str):
                    request.token, request.signature, request.query = self.token, sign(), item
                    request.env = mode
                    request.explain = explain
                else:
                    failure.append(TypeError(f"query_batch takes str or QueryRequest items, not {type(item)}"))
                    return
                request.request_id = str(index)
                with lock:
                    pending[request.request_id] = (index, item)
                index += 1
                yield request

        call = self.stub.QueryStream(requests(), timeout=timeout)
        try:
            for result in call:
                with lock:
                    entry = pending.pop(result.request_id, None)
                if entry is None:
                    raise ChatbotError(grpc.StatusCode.INTERNAL, None,
                                       f"QueryStream echoed an unknown request_id {result.request_id!r}")
                window.release()
                if result.WhichOneof("result") == "error":
                    yield BatchResult(entry[0], entry[1], result.request_id, None,
                                      ChatbotError.from_status(result.error))
                else:
                    yield BatchResult(entry[0], entry[1], result.request_id, result.response, None)
        except grpc.RpcError as error:
            if failure:
                raise failure[0]
            raise ChatbotError.from_rpc_error(error) from None
        finally:
            stop.set()
            window.release()  # wakes the request thread if it waits for a slot
            call.cancel()
        if failure:
            raise failure[0]
        if pending:
            raise ChatbotError(grpc.StatusCode.INTERNAL, None,
                               f"QueryStream ended with {len(pending)} requests unanswered")
