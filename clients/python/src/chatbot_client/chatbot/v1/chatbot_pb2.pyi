from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Env(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENV_ONLINE: _ClassVar[Env]
    ENV_DEBUG: _ClassVar[Env]

class MatchStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_STATUS_UNSPECIFIED: _ClassVar[MatchStatus]
    MATCH_STATUS_FAQ: _ClassVar[MatchStatus]
    MATCH_STATUS_CONTEXT_FAQ: _ClassVar[MatchStatus]
    MATCH_STATUS_GENERAL_FAQ: _ClassVar[MatchStatus]
    MATCH_STATUS_FAQ_RECOMMEND: _ClassVar[MatchStatus]
    MATCH_STATUS_NOMATCH: _ClassVar[MatchStatus]
    MATCH_STATUS_PERSON_SERVING: _ClassVar[MatchStatus]

class AnswerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANSWER_TYPE_TEXT: _ClassVar[AnswerType]
    ANSWER_TYPE_NEWS: _ClassVar[AnswerType]
    ANSWER_TYPE_IMAGE: _ClassVar[AnswerType]
    ANSWER_TYPE_MINIPROGRAMPAGE: _ClassVar[AnswerType]
    ANSWER_TYPE_MULTIMSG: _ClassVar[AnswerType]

class KefuState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEFU_STATE_ASKING: _ClassVar[KefuState]
    KEFU_STATE_PERSON_SERVING: _ClassVar[KefuState]
    KEFU_STATE_NEED_PERSON: _ClassVar[KefuState]
    KEFU_STATE_COMPLETE: _ClassVar[KefuState]
ENV_ONLINE: Env
ENV_DEBUG: Env
MATCH_STATUS_UNSPECIFIED: MatchStatus
MATCH_STATUS_FAQ: MatchStatus
MATCH_STATUS_CONTEXT_FAQ: MatchStatus
MATCH_STATUS_GENERAL_FAQ: MatchStatus
MATCH_STATUS_FAQ_RECOMMEND: MatchStatus
MATCH_STATUS_NOMATCH: MatchStatus
MATCH_STATUS_PERSON_SERVING: MatchStatus
ANSWER_TYPE_TEXT: AnswerType
ANSWER_TYPE_NEWS: AnswerType
ANSWER_TYPE_IMAGE: AnswerType
ANSWER_TYPE_MINIPROGRAMPAGE: AnswerType
ANSWER_TYPE_MULTIMSG: AnswerType
KEFU_STATE_ASKING: KefuState
KEFU_STATE_PERSON_SERVING: KefuState
KEFU_STATE_NEED_PERSON: KefuState
KEFU_STATE_COMPLETE: KefuState

class Status(_message.Message):
    __slots__ = ("errcode", "errmsg")
    ERRCODE_FIELD_NUMBER: _ClassVar[int]
    ERRMSG_FIELD_NUMBER: _ClassVar[int]
    errcode: int
    errmsg: str
    def __init__(self, errcode: _Optional[int] = ..., errmsg: _Optional[str] = ...) -> None: ...

class SignRequest(_message.Message):
    __slots__ = ("token", "userid", "username", "avatar")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    USERID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    token: str
    userid: str
    username: str
    avatar: str
    def __init__(self, token: _Optional[str] = ..., userid: _Optional[str] = ..., username: _Optional[str] = ..., avatar: _Optional[str] = ...) -> None: ...

class SignResponse(_message.Message):
    __slots__ = ("signature", "expires_in")
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_FIELD_NUMBER: _ClassVar[int]
    signature: str
    expires_in: int
    def __init__(self, signature: _Optional[str] = ..., expires_in: _Optional[int] = ...) -> None: ...

class SlotValues(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class QueryRequest(_message.Message):
    __slots__ = ("token", "signature", "query", "env", "first_priority_skills", "second_priority_skills", "explain", "request_id", "slot_dictionaries")
    class SlotDictionariesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: SlotValues
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[SlotValues, _Mapping]] = ...) -> None: ...
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    FIRST_PRIORITY_SKILLS_FIELD_NUMBER: _ClassVar[int]
    SECOND_PRIORITY_SKILLS_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_DICTIONARIES_FIELD_NUMBER: _ClassVar[int]
    token: str
    signature: str
    query: str
    env: Env
    first_priority_skills: _containers.RepeatedScalarFieldContainer[str]
    second_priority_skills: _containers.RepeatedScalarFieldContainer[str]
    explain: bool
    request_id: str
    slot_dictionaries: _containers.MessageMap[str, SlotValues]
    def __init__(self, token: _Optional[str] = ..., signature: _Optional[str] = ..., query: _Optional[str] = ..., env: _Optional[_Union[Env, str]] = ..., first_priority_skills: _Optional[_Iterable[str]] = ..., second_priority_skills: _Optional[_Iterable[str]] = ..., explain: _Optional[bool] = ..., request_id: _Optional[str] = ..., slot_dictionaries: _Optional[_Mapping[str, SlotValues]] = ...) -> None: ...

class QueryResponse(_message.Message):
    __slots__ = ("ans_node_id", "ans_node_name", "title", "answer", "answer_type", "confidence", "options", "status", "from_user_name", "to_user_name", "msg_id", "query", "create_time", "is_default_answer", "slots_info", "msg", "candidates", "kefustate", "session_id", "dialog_status", "skill_name", "request_id", "ret", "rid", "msgtype", "answer_open", "article", "dialog_session_status", "event", "intent_confirm_status", "list_options", "opening", "scene_status", "skill_id", "slot_info", "take_options_only")
    class Option(_message.Message):
        __slots__ = ("ans_node_name", "title", "answer", "confidence")
        ANS_NODE_NAME_FIELD_NUMBER: _ClassVar[int]
        TITLE_FIELD_NUMBER: _ClassVar[int]
        ANSWER_FIELD_NUMBER: _ClassVar[int]
        CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
        ans_node_name: str
        title: str
        answer: str
        confidence: float
        def __init__(self, ans_node_name: _Optional[str] = ..., title: _Optional[str] = ..., answer: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...
    class SlotInfo(_message.Message):
        __slots__ = ("slot_name", "slot_value", "norm_value")
        SLOT_NAME_FIELD_NUMBER: _ClassVar[int]
        SLOT_VALUE_FIELD_NUMBER: _ClassVar[int]
        NORM_VALUE_FIELD_NUMBER: _ClassVar[int]
        slot_name: str
        slot_value: str
        norm_value: str
        def __init__(self, slot_name: _Optional[str] = ..., slot_value: _Optional[str] = ..., norm_value: _Optional[str] = ...) -> None: ...
    class Msg(_message.Message):
        __slots__ = ("content", "msg_type", "ans_node_id", "ans_node_name", "article", "confidence", "debug_info", "event", "list_options", "opening", "request_id", "resp_title", "scene_status", "session_id", "status", "take_options_only")
        CONTENT_FIELD_NUMBER: _ClassVar[int]
        MSG_TYPE_FIELD_NUMBER: _ClassVar[int]
        ANS_NODE_ID_FIELD_NUMBER: _ClassVar[int]
        ANS_NODE_NAME_FIELD_NUMBER: _ClassVar[int]
        ARTICLE_FIELD_NUMBER: _ClassVar[int]
        CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
        DEBUG_INFO_FIELD_NUMBER: _ClassVar[int]
        EVENT_FIELD_NUMBER: _ClassVar[int]
        LIST_OPTIONS_FIELD_NUMBER: _ClassVar[int]
        OPENING_FIELD_NUMBER: _ClassVar[int]
        REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
        RESP_TITLE_FIELD_NUMBER: _ClassVar[int]
        SCENE_STATUS_FIELD_NUMBER: _ClassVar[int]
        SESSION_ID_FIELD_NUMBER: _ClassVar[int]
        STATUS_FIELD_NUMBER: _ClassVar[int]
        TAKE_OPTIONS_ONLY_FIELD_NUMBER: _ClassVar[int]
        content: str
        msg_type: str
        ans_node_id: int
        ans_node_name: str
        article: str
        confidence: float
        debug_info: str
        event: str
        list_options: bool
        opening: str
        request_id: int
        resp_title: str
        scene_status: str
        session_id: str
        status: str
        take_options_only: bool
        def __init__(self, content: _Optional[str] = ..., msg_type: _Optional[str] = ..., ans_node_id: _Optional[int] = ..., ans_node_name: _Optional[str] = ..., article: _Optional[str] = ..., confidence: _Optional[float] = ..., debug_info: _Optional[str] = ..., event: _Optional[str] = ..., list_options: _Optional[bool] = ..., opening: _Optional[str] = ..., request_id: _Optional[int] = ..., resp_title: _Optional[str] = ..., scene_status: _Optional[str] = ..., session_id: _Optional[str] = ..., status: _Optional[str] = ..., take_options_only: _Optional[bool] = ...) -> None: ...
    class Candidate(_message.Message):
        __slots__ = ("ans_node_id", "ans_node_name", "title", "confidence", "matched_question")
        ANS_NODE_ID_FIELD_NUMBER: _ClassVar[int]
        ANS_NODE_NAME_FIELD_NUMBER: _ClassVar[int]
        TITLE_FIELD_NUMBER: _ClassVar[int]
        CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
        MATCHED_QUESTION_FIELD_NUMBER: _ClassVar[int]
        ans_node_id: int
        ans_node_name: str
        title: str
        confidence: float
        matched_question: str
        def __init__(self, ans_node_id: _Optional[int] = ..., ans_node_name: _Optional[str] = ..., title: _Optional[str] = ..., confidence: _Optional[float] = ..., matched_question: _Optional[str] = ...) -> None: ...
    ANS_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ANS_NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TO_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_ANSWER_FIELD_NUMBER: _ClassVar[int]
    SLOTS_INFO_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    KEFUSTATE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    DIALOG_STATUS_FIELD_NUMBER: _ClassVar[int]
    SKILL_NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RET_FIELD_NUMBER: _ClassVar[int]
    RID_FIELD_NUMBER: _ClassVar[int]
    MSGTYPE_FIELD_NUMBER: _ClassVar[int]
    ANSWER_OPEN_FIELD_NUMBER: _ClassVar[int]
    ARTICLE_FIELD_NUMBER: _ClassVar[int]
    DIALOG_SESSION_STATUS_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    INTENT_CONFIRM_STATUS_FIELD_NUMBER: _ClassVar[int]
    LIST_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    OPENING_FIELD_NUMBER: _ClassVar[int]
    SCENE_STATUS_FIELD_NUMBER: _ClassVar[int]
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_INFO_FIELD_NUMBER: _ClassVar[int]
    TAKE_OPTIONS_ONLY_FIELD_NUMBER: _ClassVar[int]
    ans_node_id: int
    ans_node_name: str
    title: str
    answer: str
    answer_type: AnswerType
    confidence: float
    options: _containers.RepeatedCompositeFieldContainer[QueryResponse.Option]
    status: MatchStatus
    from_user_name: str
    to_user_name: str
    msg_id: str
    query: str
    create_time: str
    is_default_answer: bool
    slots_info: _containers.RepeatedCompositeFieldContainer[QueryResponse.SlotInfo]
    msg: _containers.RepeatedCompositeFieldContainer[QueryResponse.Msg]
    candidates: _containers.RepeatedCompositeFieldContainer[QueryResponse.Candidate]
    kefustate: str
    session_id: str
    dialog_status: str
    skill_name: str
    request_id: int
    ret: int
    rid: str
    msgtype: str
    answer_open: int
    article: str
    dialog_session_status: str
    event: str
    intent_confirm_status: str
    list_options: bool
    opening: str
    scene_status: str
    skill_id: str
    slot_info: _containers.RepeatedCompositeFieldContainer[QueryResponse.SlotInfo]
    take_options_only: bool
    def __init__(self, ans_node_id: _Optional[int] = ..., ans_node_name: _Optional[str] = ..., title: _Optional[str] = ..., answer: _Optional[str] = ..., answer_type: _Optional[_Union[AnswerType, str]] = ..., confidence: _Optional[float] = ..., options: _Optional[_Iterable[_Union[QueryResponse.Option, _Mapping]]] = ..., status: _Optional[_Union[MatchStatus, str]] = ..., from_user_name: _Optional[str] = ..., to_user_name: _Optional[str] = ..., msg_id: _Optional[str] = ..., query: _Optional[str] = ..., create_time: _Optional[str] = ..., is_default_answer: _Optional[bool] = ..., slots_info: _Optional[_Iterable[_Union[QueryResponse.SlotInfo, _Mapping]]] = ..., msg: _Optional[_Iterable[_Union[QueryResponse.Msg, _Mapping]]] = ..., candidates: _Optional[_Iterable[_Union[QueryResponse.Candidate, _Mapping]]] = ..., kefustate: _Optional[str] = ..., session_id: _Optional[str] = ..., dialog_status: _Optional[str] = ..., skill_name: _Optional[str] = ..., request_id: _Optional[int] = ..., ret: _Optional[int] = ..., rid: _Optional[str] = ..., msgtype: _Optional[str] = ..., answer_open: _Optional[int] = ..., article: _Optional[str] = ..., dialog_session_status: _Optional[str] = ..., event: _Optional[str] = ..., intent_confirm_status: _Optional[str] = ..., list_options: _Optional[bool] = ..., opening: _Optional[str] = ..., scene_status: _Optional[str] = ..., skill_id: _Optional[str] = ..., slot_info: _Optional[_Iterable[_Union[QueryResponse.SlotInfo, _Mapping]]] = ..., take_options_only: _Optional[bool] = ...) -> None: ...

class QueryResult(_message.Message):
    __slots__ = ("request_id", "response", "error")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    response: QueryResponse
    error: Status
    def __init__(self, request_id: _Optional[str] = ..., response: _Optional[_Union[QueryResponse, _Mapping]] = ..., error: _Optional[_Union[Status, _Mapping]] = ...) -> None: ...

class MessageRequest(_message.Message):
    __slots__ = ("token", "query")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    token: str
    query: str
    def __init__(self, token: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class MessageResponse(_message.Message):
    __slots__ = ("answer", "answer_type", "msg", "status", "from_user_name", "to_user_name", "msg_id", "create_time", "kefustate", "slots_info", "session_id", "dialog_status", "bid_stat")
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    ANSWER_TYPE_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FROM_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    TO_USER_NAME_FIELD_NUMBER: _ClassVar[int]
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    KEFUSTATE_FIELD_NUMBER: _ClassVar[int]
    SLOTS_INFO_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    DIALOG_STATUS_FIELD_NUMBER: _ClassVar[int]
    BID_STAT_FIELD_NUMBER: _ClassVar[int]
    answer: str
    answer_type: AnswerType
    msg: _containers.RepeatedCompositeFieldContainer[QueryResponse.Msg]
    status: MatchStatus
    from_user_name: str
    to_user_name: str
    msg_id: str
    create_time: str
    kefustate: str
    slots_info: _containers.RepeatedCompositeFieldContainer[QueryResponse.SlotInfo]
    session_id: str
    dialog_status: str
    bid_stat: BidStat
    def __init__(self, answer: _Optional[str] = ..., answer_type: _Optional[_Union[AnswerType, str]] = ..., msg: _Optional[_Iterable[_Union[QueryResponse.Msg, _Mapping]]] = ..., status: _Optional[_Union[MatchStatus, str]] = ..., from_user_name: _Optional[str] = ..., to_user_name: _Optional[str] = ..., msg_id: _Optional[str] = ..., create_time: _Optional[str] = ..., kefustate: _Optional[str] = ..., slots_info: _Optional[_Iterable[_Union[QueryResponse.SlotInfo, _Mapping]]] = ..., session_id: _Optional[str] = ..., dialog_status: _Optional[str] = ..., bid_stat: _Optional[_Union[BidStat, _Mapping]] = ...) -> None: ...

class BidStat(_message.Message):
    __slots__ = ("curr_time", "err_msg", "latest_time", "latest_valid", "up_ret")
    CURR_TIME_FIELD_NUMBER: _ClassVar[int]
    ERR_MSG_FIELD_NUMBER: _ClassVar[int]
    LATEST_TIME_FIELD_NUMBER: _ClassVar[int]
    LATEST_VALID_FIELD_NUMBER: _ClassVar[int]
    UP_RET_FIELD_NUMBER: _ClassVar[int]
    curr_time: str
    err_msg: str
    latest_time: str
    latest_valid: bool
    up_ret: int
    def __init__(self, curr_time: _Optional[str] = ..., err_msg: _Optional[str] = ..., latest_time: _Optional[str] = ..., latest_valid: _Optional[bool] = ..., up_ret: _Optional[int] = ...) -> None: ...

class EncryptedRequest(_message.Message):
    __slots__ = ("token", "encrypt")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    ENCRYPT_FIELD_NUMBER: _ClassVar[int]
    token: str
    encrypt: str
    def __init__(self, token: _Optional[str] = ..., encrypt: _Optional[str] = ...) -> None: ...

class SetAutoReplyResponse(_message.Message):
    __slots__ = ("ans_node_id",)
    ANS_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ans_node_id: int
    def __init__(self, ans_node_id: _Optional[int] = ...) -> None: ...

class BatchImportSkillResponse(_message.Message):
    __slots__ = ("imported",)
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    imported: int
    def __init__(self, imported: _Optional[int] = ...) -> None: ...

class PublishRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class PublishResponse(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class PublishProgressRequest(_message.Message):
    __slots__ = ("token", "task_id")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    token: str
    task_id: str
    def __init__(self, token: _Optional[str] = ..., task_id: _Optional[str] = ...) -> None: ...

class PublishProgressResponse(_message.Message):
    __slots__ = ("progress", "done")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    progress: int
    done: bool
    def __init__(self, progress: _Optional[int] = ..., done: _Optional[bool] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("msg_id", "seq")
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    msg_id: str
    seq: int
    def __init__(self, msg_id: _Optional[str] = ..., seq: _Optional[int] = ...) -> None: ...

class KefuStateRequest(_message.Message):
    __slots__ = ("token", "appid", "openid")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    APPID_FIELD_NUMBER: _ClassVar[int]
    OPENID_FIELD_NUMBER: _ClassVar[int]
    token: str
    appid: str
    openid: str
    def __init__(self, token: _Optional[str] = ..., appid: _Optional[str] = ..., openid: _Optional[str] = ...) -> None: ...

class ChangeKefuStateRequest(_message.Message):
    __slots__ = ("token", "appid", "openid", "state", "expires", "kefuname")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    APPID_FIELD_NUMBER: _ClassVar[int]
    OPENID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_FIELD_NUMBER: _ClassVar[int]
    KEFUNAME_FIELD_NUMBER: _ClassVar[int]
    token: str
    appid: str
    openid: str
    state: KefuState
    expires: int
    kefuname: str
    def __init__(self, token: _Optional[str] = ..., appid: _Optional[str] = ..., openid: _Optional[str] = ..., state: _Optional[_Union[KefuState, str]] = ..., expires: _Optional[int] = ..., kefuname: _Optional[str] = ...) -> None: ...

class KefuStateResponse(_message.Message):
    __slots__ = ("state", "expires_at", "kefuname", "updated_at")
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    KEFUNAME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    state: KefuState
    expires_at: int
    kefuname: str
    updated_at: int
    def __init__(self, state: _Optional[_Union[KefuState, str]] = ..., expires_at: _Optional[int] = ..., kefuname: _Optional[str] = ..., updated_at: _Optional[int] = ...) -> None: ...

class SubscribeOutboxRequest(_message.Message):
    __slots__ = ("token", "channels", "after_seq", "until_caught_up")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    UNTIL_CAUGHT_UP_FIELD_NUMBER: _ClassVar[int]
    token: str
    channels: _containers.RepeatedScalarFieldContainer[int]
    after_seq: int
    until_caught_up: bool
    def __init__(self, token: _Optional[str] = ..., channels: _Optional[_Iterable[int]] = ..., after_seq: _Optional[int] = ..., until_caught_up: _Optional[bool] = ...) -> None: ...

class OutboxMessage(_message.Message):
    __slots__ = ("appid", "openid", "msg", "channel", "kefuname", "kefuavatar", "msg_id", "create_time", "raw", "seq", "event", "ans_node_name", "msg_type")
    APPID_FIELD_NUMBER: _ClassVar[int]
    OPENID_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    KEFUNAME_FIELD_NUMBER: _ClassVar[int]
    KEFUAVATAR_FIELD_NUMBER: _ClassVar[int]
    MSG_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    ANS_NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    MSG_TYPE_FIELD_NUMBER: _ClassVar[int]
    appid: str
    openid: str
    msg: str
    channel: int
    kefuname: str
    kefuavatar: str
    msg_id: str
    create_time: int
    raw: bytes
    seq: int
    event: str
    ans_node_name: str
    msg_type: str
    def __init__(self, appid: _Optional[str] = ..., openid: _Optional[str] = ..., msg: _Optional[str] = ..., channel: _Optional[int] = ..., kefuname: _Optional[str] = ..., kefuavatar: _Optional[str] = ..., msg_id: _Optional[str] = ..., create_time: _Optional[int] = ..., raw: _Optional[bytes] = ..., seq: _Optional[int] = ..., event: _Optional[str] = ..., ans_node_name: _Optional[str] = ..., msg_type: _Optional[str] = ...) -> None: ...

class ListUnansweredRequest(_message.Message):
    __slots__ = ("token", "since", "limit")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    token: str
    since: int
    limit: int
    def __init__(self, token: _Optional[str] = ..., since: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class UnansweredQuestion(_message.Message):
    __slots__ = ("query", "normalized", "count", "first_seen", "last_seen", "status", "best_id", "best_question", "best_confidence")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BEST_ID_FIELD_NUMBER: _ClassVar[int]
    BEST_QUESTION_FIELD_NUMBER: _ClassVar[int]
    BEST_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    query: str
    normalized: str
    count: int
    first_seen: int
    last_seen: int
    status: MatchStatus
    best_id: str
    best_question: str
    best_confidence: float
    def __init__(self, query: _Optional[str] = ..., normalized: _Optional[str] = ..., count: _Optional[int] = ..., first_seen: _Optional[int] = ..., last_seen: _Optional[int] = ..., status: _Optional[_Union[MatchStatus, str]] = ..., best_id: _Optional[str] = ..., best_question: _Optional[str] = ..., best_confidence: _Optional[float] = ...) -> None: ...

class ListUnansweredResponse(_message.Message):
    __slots__ = ("questions",)
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    questions: _containers.RepeatedCompositeFieldContainer[UnansweredQuestion]
    def __init__(self, questions: _Optional[_Iterable[_Union[UnansweredQuestion, _Mapping]]] = ...) -> None: ...
