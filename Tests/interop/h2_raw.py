"""Hand-made HTTP/2 for tests that must send what a well-behaved client never would: frames
built byte by byte, header blocks encoded by hand (RFC 7541 representations, no Huffman), and a
small client on a raw socket that records every frame the server sends.

Only the server's header blocks are decoded with a library (`hpack`); what is sent is built here,
so a test controls every byte of it.
"""

import select
import socket
import struct
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4

SETTINGS_HEADER_TABLE_SIZE, SETTINGS_ENABLE_PUSH, SETTINGS_INITIAL_WINDOW_SIZE = 0x1, 0x2, 0x4
SETTINGS_MAX_FRAME_SIZE, SETTINGS_MAX_HEADER_LIST_SIZE = 0x5, 0x6

NO_ERROR, PROTOCOL_ERROR, STREAM_CLOSED = 0x0, 0x1, 0x5

# The first index of the HPACK dynamic table (the static table has 61 entries).
FIRST_DYNAMIC_INDEX = 62


# MARK: HPACK, by hand


def integer(value, prefix_bits, flags=0):
    """An HPACK integer with an N-bit prefix (RFC 7541 §5.1); `flags` fills the prefix byte's high bits."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([flags | value])
    out = bytearray([flags | limit])
    value -= limit
    while value >= 128:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def string(text):
    """An HPACK string literal, not Huffman-coded."""
    raw = text if isinstance(text, bytes) else text.encode()
    return integer(len(raw), 7) + raw


def indexed(index):
    """An indexed header field (§6.1): one byte for indexes below 127 (0xBE for 62)."""
    return integer(index, 7, 0x80)


def literal(name, value, index=False):
    """A literal header field with a new name (§6.2): added to the dynamic table when `index`,
    else without indexing."""
    return (b"\x40" if index else b"\x00") + string(name) + string(value)


def block(headers):
    """A header block of literals without indexing: no state left in the server's table."""
    return b"".join(literal(name, value) for name, value in headers)


def header_list_size(headers):
    """A header list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it: name + value + 32 each."""
    return sum(len(name) + len(value) + 32 for name, value in headers)


def request_headers(path, method="POST", extra=()):
    return [(":method", method), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1"), *extra]


GRPC_HEADERS = [("content-type", "application/grpc"), ("te", "trailers")]


def grpc_message(payload):
    """A gRPC length-prefixed message, uncompressed."""
    return b"\x00" + struct.pack(">I", len(payload)) + payload


# MARK: Frames


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def headers_frames(stream, fragment, end_stream=False, max_frame=16384):
    """HEADERS then as many CONTINUATION frames as `fragment` needs, END_HEADERS on the last."""
    chunks = [fragment[i:i + max_frame] for i in range(0, len(fragment), max_frame)] or [b""]
    out = []
    for i, chunk in enumerate(chunks):
        flags = END_HEADERS if i == len(chunks) - 1 else 0
        if i == 0:
            out.append(frame(HEADERS, flags | (END_STREAM if end_stream else 0), stream, chunk))
        else:
            out.append(frame(CONTINUATION, flags, stream, chunk))
    return out


def settings_frame(entries=()):
    """SETTINGS with (identifier, value) pairs."""
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", key, value) for key, value in entries))


# MARK: A client that records what it gets


class Stream:
    def __init__(self, stream_id):
        self.id = stream_id
        self.blocks = []  # decoded header blocks: the response's headers, then trailers
        self.data = b""
        self.ended = False
        self.reset = None  # the RST_STREAM error code
        self.window = 0

    @property
    def headers(self):
        return dict(self.blocks[0]) if self.blocks else {}

    @property
    def status(self):
        value = self.headers.get(":status")
        return int(value) if value else None

    @property
    def grpc_status(self):
        """grpc-status from the trailers (or a trailers-only response), else None."""
        for fields in reversed(self.blocks):
            if "grpc-status" in dict(fields):
                return int(dict(fields)["grpc-status"])
        return None

    @property
    def grpc_message(self):
        for fields in reversed(self.blocks):
            if "grpc-message" in dict(fields):
                return dict(fields)["grpc-message"]
        return None

    @property
    def done(self):
        return self.ended or self.reset is not None


class Client:
    """An HTTP/2 client on a raw socket to 127.0.0.1:`port`.

    It sends the preface and SETTINGS (a large window, so answers never wait on it), acknowledges
    the server's SETTINGS, answers PINGs only when `answer_pings`, honours the server's flow
    control when sending DATA, and records everything: `frames` (type, flags, stream, payload,
    when), `streams`, `goaway` ((last stream, error code)), `pings`, `closed` (EOF seen).
    """

    def __init__(self, port, answer_pings=True, handshake=True, timeout=20):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.answer_pings = answer_pings
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 24
        self.buffer = b""
        self.frames = []
        self.streams = {}
        self.goaway = None
        self.pings = []
        self.closed = False
        self.window = 65535
        self.initial_window = 65535
        self.max_frame = 16384
        self.server_settings = {}
        self.settings_received = False
        self.pending_block = None  # (stream, fragment) while CONTINUATIONs are due
        self.next_stream = 1
        self.started = time.monotonic()
        if handshake:
            self.send(PREFACE + settings_frame([(SETTINGS_ENABLE_PUSH, 0),
                                                (SETTINGS_INITIAL_WINDOW_SIZE, (1 << 31) - 1)])
                      + frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", (1 << 31) - 1 - 65535)))
            self.pump(lambda: self.settings_received, timeout=10)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def open(self, headers, end_stream=False, stream_id=None):
        """Sends a request's headers (literals without indexing) on a new stream; returns it."""
        stream = self.stream(stream_id or self.next_stream)
        self.next_stream = max(self.next_stream, stream.id + 2)
        for piece in headers_frames(stream.id, block(headers), end_stream, self.max_frame):
            self.send(piece)
        return stream

    def stream(self, stream_id):
        if stream_id not in self.streams:
            self.streams[stream_id] = Stream(stream_id)
            self.streams[stream_id].window = self.initial_window
        return self.streams[stream_id]

    def send_data(self, stream, data, end_stream=False, deadline=None):
        """Sends `data` on `stream` as flow control allows. False when the stream ended or was
        reset meanwhile, or the connection closed, or `deadline` (monotonic) passed first. (A
        GOAWAY does not stop it: streams it covers may go on.)"""
        view = memoryview(data)
        while True:
            if stream.done or self.closed:
                return False
            room = min(self.window, stream.window, self.max_frame, len(view))
            if room > 0 or (len(view) == 0 and end_stream):
                last = room == len(view)
                self.send(frame(DATA, END_STREAM if last and end_stream else 0, stream.id, bytes(view[:room])))
                self.window -= room
                stream.window -= room
                view = view[room:]
                if last:
                    return True
                self.poll()  # an answer (a refusal) stops the sending
                continue
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            try:
                self.read_frame(timeout=min(remaining or 10, 10))
            except socket.timeout:
                if deadline is None:
                    raise

    def poll(self):
        """Handles the frames that have arrived, without waiting for more."""
        while not self.closed and (select.select([self.sock], [], [], 0)[0] or len(self.buffer) >= 9
                                   and len(self.buffer) >= 9 + int.from_bytes(self.buffer[:3], "big")):
            try:
                self.read_frame(timeout=1)
            except socket.timeout:
                return

    def read_frame(self, timeout):
        """Reads and handles one frame; returns it, or None at EOF."""
        end = time.monotonic() + timeout
        while len(self.buffer) < 9 or len(self.buffer) < 9 + int.from_bytes(self.buffer[:3], "big"):
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("no frame")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(1 << 20)
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            if not chunk:
                self.closed = True
                return None
            self.buffer += chunk
        length = int.from_bytes(self.buffer[:3], "big")
        kind, flags = self.buffer[3], self.buffer[4]
        stream_id = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
        payload, self.buffer = self.buffer[9:9 + length], self.buffer[9 + length:]
        self.frames.append((kind, flags, stream_id, payload, time.monotonic()))
        self.handle(kind, flags, stream_id, payload)
        return kind, flags, stream_id, payload

    def handle(self, kind, flags, stream_id, payload):
        if kind == SETTINGS and not flags & ACK:
            for i in range(0, len(payload), 6):
                key, value = struct.unpack(">HI", payload[i:i + 6])
                self.server_settings[key] = value
                if key == SETTINGS_INITIAL_WINDOW_SIZE:
                    for stream in self.streams.values():
                        stream.window += value - self.initial_window
                    self.initial_window = value
                elif key == SETTINGS_MAX_FRAME_SIZE:
                    self.max_frame = value
            self.settings_received = True
            self.send(frame(SETTINGS, ACK, 0))
        elif kind == PING and not flags & ACK:
            self.pings.append(time.monotonic())
            if self.answer_pings:
                self.send(frame(PING, ACK, 0, payload))
        elif kind == WINDOW_UPDATE:
            increment = int.from_bytes(payload[:4], "big") & 0x7FFFFFFF
            if stream_id == 0:
                self.window += increment
            else:
                self.stream(stream_id).window += increment
        elif kind == GOAWAY:
            self.goaway = (int.from_bytes(payload[:4], "big") & 0x7FFFFFFF, int.from_bytes(payload[4:8], "big"))
        elif kind == RST_STREAM:
            self.stream(stream_id).reset = int.from_bytes(payload[:4], "big")
        elif kind in (HEADERS, CONTINUATION):
            if kind == HEADERS:
                self.pending_block = (stream_id, self.strip_headers_padding(flags, payload))
            else:
                self.pending_block = (stream_id, self.pending_block[1] + payload)
            if flags & END_HEADERS:
                fields = self.decoder.decode(self.pending_block[1])
                self.stream(stream_id).blocks.append(fields)
                self.pending_block = None
            if kind == HEADERS and flags & END_STREAM:
                self.stream(stream_id).ended = True
        elif kind == DATA:
            stream = self.stream(stream_id)
            stream.data += payload
            if payload:  # give the window back at once
                self.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", len(payload)))
                          + frame(WINDOW_UPDATE, 0, stream_id, struct.pack(">I", len(payload))))
            if flags & END_STREAM:
                stream.ended = True

    @staticmethod
    def strip_headers_padding(flags, payload):
        if flags & 0x8:  # PADDED
            pad = payload[0]
            payload = payload[1:len(payload) - pad]
        if flags & 0x20:  # PRIORITY
            payload = payload[5:]
        return payload

    def pump(self, until, timeout):
        """Handles frames until `until()` holds (True), EOF, or `timeout` seconds (False)."""
        end = time.monotonic() + timeout
        while not until():
            if self.closed:
                return until()
            remaining = end - time.monotonic()
            if remaining <= 0:
                return False
            try:
                self.read_frame(remaining)
            except socket.timeout:
                return until()
        return True

    def wait_closed(self, timeout):
        """Reads until EOF; whether it came within `timeout` seconds."""
        return self.pump(lambda: self.closed, timeout)

    def describe(self):
        """What the server sent, for assertion messages."""
        names = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
                 "WINDOW_UPDATE", "CONTINUATION"]
        seen = [f"{names[k] if k < len(names) else k}(s{s},f{f:#x},{len(p)}B,t={t - self.started:.1f}s)"
                for k, f, s, p, t in self.frames if k not in (WINDOW_UPDATE,)]
        streams = {s.id: (s.status, s.grpc_status, s.reset, s.ended) for s in self.streams.values()}
        return f"frames={seen[-20:]} goaway={self.goaway} closed={self.closed} streams(status,grpc,rst,ended)={streams}"
