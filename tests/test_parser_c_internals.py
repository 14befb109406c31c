"""The llhttp-backed parser against its pure-Python twin, and the C twin's own machinery.

The shared parser suite (tests/test_parser.py) checks behaviour through the ``impl`` fixture;
this file checks what only the C twin has: that it agrees with the reference byte for byte on
llhttp's own response vectors and on generated messages however they are split, the span
buffering across feeds, the learned header-name table and the non-bytes inputs.
"""

from __future__ import annotations

import importlib.machinery
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiohttp_fast import _parser_py
from aiohttp_fast._compat import NO_EXTENSIONS
from aiohttp_fast.http_exceptions import LineTooLong, TooManyHeaders

if NO_EXTENSIONS:
    pytest.skip("AIOHTTP_FAST_NO_EXTENSIONS is set: C twin not under test", allow_module_level=True)
_parser_c = pytest.importorskip("aiohttp_fast._parser_c", reason="C parser not built")
if not _parser_c.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
    pytest.skip("aiohttp_fast._parser_c is not the compiled module", allow_module_level=True)

VECTORS = Path("/work/shared/llhttp-vectors/response")
if not VECTORS.is_dir():
    VECTORS = Path(__file__).resolve().parent.parent.parent / "shared/llhttp-vectors/response"


class Recorder:
    """Handler recording events; consecutive body pieces are merged (their split is free)."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def on_headers(self, msg: Any) -> None:
        self.events.append(("headers", msg.version, msg.status, msg.reason,
                            list(msg.headers.items()), msg.raw_headers, msg.should_close,
                            msg.chunked, msg.upgrade, msg.content_length))

    def on_body(self, data: bytes) -> None:
        assert type(data) is bytes and data
        if self.events and self.events[-1][0] == "body":
            self.events[-1] = ("body", self.events[-1][1] + data)
        else:
            self.events.append(("body", data))

    def on_message_complete(self) -> None:
        self.events.append(("complete",))


def run(module: Any, pieces: list[bytes], *, eof: bool = True, skip_body: bool = False,
        **limits: int) -> list[Any]:
    rec = Recorder()
    parser = module.ResponseParser(rec, **limits)
    parser.skip_body = skip_body
    try:
        for i, piece in enumerate(pieces):
            tail = parser.feed_data(piece)
            if tail is not None:  # the rest of the stream belongs to the new protocol
                rec.events.append(("upgrade", tail + b"".join(pieces[i + 1:])))
                break
        else:
            if eof:
                parser.feed_eof()
                rec.events.append(("eof",))
    except Exception as exc:  # the class is what both twins must agree on
        rec.events.append(("error", type(exc).__name__))
    return rec.events


def splits(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    out, prev = [], 0
    for p in points:
        out.append(data[prev:p])
        prev = p
    out.append(data[prev:])
    return out


def both(pieces: list[bytes], **kw: Any) -> tuple[list[Any], list[Any]]:
    return run(_parser_c, pieces, **kw), run(_parser_py, pieces, **kw)


# ------------------------------------------------------------------ llhttp's vectors

def _md_cases() -> list[Any]:
    # Turn each ```http block into bytes the way llhttp's md-test does: visible line ends are
    # CRLF, a trailing backslash joins lines, \r \n \t \xNN escapes are bytes.
    cases = []
    if not VECTORS.is_dir():
        return cases
    for md in sorted(VECTORS.glob("*.md")):
        text = md.read_text()
        for m in re.finditer(r"<!-- meta=(\{.*?\}) -->\s*```http\n(.*?)\n```", text, re.S):
            meta = json.loads(m.group(1))
            kind = meta.get("type", "")
            if kind not in ("response", "response-finish") or "pause" in meta:
                continue  # lenient modes are not ours; pausing is an llhttp-API feature
            raw = m.group(2).replace("\n", "\r\n").replace("\\\r\n", "")
            raw = re.sub(r"\\x([0-9a-fA-F]{2})", lambda x: chr(int(x.group(1), 16)), raw)
            raw = raw.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
            data = raw.encode("latin-1")
            cases.append(pytest.param(data, bool(meta.get("skipBody")),
                                      id=f"{md.stem}:{m.start()}"))
    return cases


MD_CASES = _md_cases()


@pytest.mark.skipif(not MD_CASES, reason="llhttp vectors not found")
@pytest.mark.parametrize(("data", "skip_body"), MD_CASES)
def test_vectors_match_python_twin(data: bytes, skip_body: bool) -> None:
    whole_c, whole_py = both([data], skip_body=skip_body)
    assert whole_c == whole_py
    bytewise = [data[i:i + 1] for i in range(len(data))]
    assert run(_parser_c, bytewise, skip_body=skip_body) == whole_c
    assert run(_parser_py, bytewise, skip_body=skip_body) == whole_c
    for mid in (len(data) // 3, len(data) // 2, len(data) - 2):
        assert both(splits(data, [mid]), skip_body=skip_body) == (whole_c, whole_c)


# ------------------------------------------------------------------ generated messages

_token = st.text("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                 min_size=1, max_size=12)
_names = st.one_of(_token, st.sampled_from(
    ["Content-Type", "content-type", "Set-Cookie", "X-Request-Id", "Connection", "Date"]))
_value = st.binary(max_size=16).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@st.composite
def responses(draw: Any) -> bytes:
    version = draw(st.sampled_from([b"1.1", b"1.0", b"1.1", b"0.9", b"2.0", b"1.2"]))
    status = draw(st.sampled_from([b"200", b"204", b"304", b"100", b"101", b"404", b"2x0"]))
    reason = draw(st.sampled_from([b" OK", b"", b" ", b" Not \xc3\xa9 Found", b" a\tb"]))
    head = [b"HTTP/" + version + b" " + status + reason]
    for _ in range(draw(st.integers(0, 6))):
        head.append(draw(_names).encode() + b":" + draw(st.sampled_from([b" ", b"", b"\t"]))
                    + draw(_value))
    framing = draw(st.sampled_from(["cl", "chunked", "eof", "none", "both"]))
    body = draw(st.binary(max_size=40))
    if framing == "cl":
        head.append(b"Content-Length: " + str(len(body)).encode())
        tail = body
    elif framing in ("chunked", "both"):
        head.append(b"Transfer-Encoding: chunked")
        if framing == "both":
            head.append(b"Content-Length: 3")
        ext = draw(st.sampled_from([b"", b";a=b", b';q="x y"', b"; bad", b";n"]))
        tail = (b"%x" % len(body)) + ext + b"\r\n" + body + b"\r\n" if body else b""
        tail += b"0\r\n" + draw(st.sampled_from([b"", b"Trailer: x\r\n"])) + b"\r\n"
    elif framing == "eof":
        tail = body
    else:
        tail = b""
    head.append(draw(st.sampled_from([b"", b"Connection: close", b"Connection: keep-alive"])))
    msg = b"\r\n".join(h for h in head if h) + b"\r\n\r\n" + tail
    if draw(st.booleans()):  # a broken byte somewhere
        pos = draw(st.integers(0, len(msg) - 1))
        msg = msg[:pos] + draw(st.sampled_from([b"\x00", b"\r", b"\n", b" ", b"\x7f"])) + \
            msg[pos + 1:]
    return msg


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msgs=st.lists(responses(), min_size=1, max_size=3), data=st.data(),
       skip_body=st.booleans(), limit=st.sampled_from([8190, 4, 12]))
def test_generated_responses_match_python_twin(msgs: list[bytes], data: Any, skip_body: bool,
                                               limit: int) -> None:
    stream = b"".join(msgs)
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=6))
    limits = {"max_line_size": limit, "max_field_size": limit, "max_headers": limit}
    reference = run(_parser_py, [stream], skip_body=skip_body, **limits)
    assert run(_parser_c, [stream], skip_body=skip_body, **limits) == reference
    assert run(_parser_c, splits(stream, cuts), skip_body=skip_body, **limits) == reference
    assert run(_parser_py, splits(stream, cuts), skip_body=skip_body, **limits) == reference


# ------------------------------------------------------------------ C-only machinery

def test_span_split_at_every_byte_rebuilds_names_and_values() -> None:
    value = "é" * 300  # longer than the first growth of the private span buffer
    data = (b"HTTP/1.1 200 Very Long Reason Phrase\r\nX-Custom-Header-Name: "
            + value.encode() + b"  \r\nContent-Length: 0\r\n\r\n")
    events = run(_parser_c, [data[i:i + 1] for i in range(len(data))])
    headers = events[0][4]
    assert events[0][3] == "Very Long Reason Phrase"
    assert headers == [("X-Custom-Header-Name", value), ("Content-Length", "0")]
    assert events[0][5][0] == (b"X-Custom-Header-Name", value.encode())


def test_limits_count_across_feeds() -> None:
    data = b"HTTP/1.1 200 OK\r\nX-A: " + b"v" * 20 + b"\r\n\r\n"
    pieces = [data[i:i + 3] for i in range(0, len(data), 3)]
    assert run(_parser_c, pieces, max_field_size=20)[-1] == ("eof",)
    assert run(_parser_c, pieces, max_field_size=19)[-1] == ("error", "LineTooLong")
    many = b"HTTP/1.1 200 OK\r\n" + b"A: b\r\n" * 5 + b"\r\n"
    assert run(_parser_c, [many], max_headers=5)[-1] == ("eof",)
    parser = _parser_c.ResponseParser(Recorder(), max_headers=4)
    with pytest.raises(TooManyHeaders):
        parser.feed_data(many)
    parser = _parser_c.ResponseParser(Recorder(), max_line_size=2)
    with pytest.raises(LineTooLong):
        parser.feed_data(b"HTTP/1.1 200 OKK\r\n\r\n")


def test_learned_names_are_the_names_as_sent() -> None:
    data = b"HTTP/1.1 200 OK\r\nX-Trace-Zz: 1\r\nx-trace-zz: 2\r\nContent-Length: 0\r\n\r\n"
    for _ in range(2):  # second round: both spellings come from the table
        events = run(_parser_c, [data])
        assert events[0][4] == [("X-Trace-Zz", "1"), ("x-trace-zz", "2"),
                                ("Content-Length", "0")]
        assert [n for n, _ in events[0][5]] == [b"X-Trace-Zz", b"x-trace-zz", b"Content-Length"]


def test_name_table_stays_bounded() -> None:
    head = b"".join(b"X-Flood-%d: v\r\n" % i for i in range(100))
    data = b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: 0\r\n\r\n"
    for _ in range(30):  # 3,000 distinct names: more than the table keeps
        events = run(_parser_c, [data], max_headers=200)
        assert len(events[0][4]) == 101
        data = data.replace(b"X-Flood-", b"X-Flood-a", 100)


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_accepts_buffer_objects(kind: Any) -> None:
    data = b"HTTP/1.1 101 Switching\r\nUpgrade: ws\r\nConnection: Upgrade\r\n\r\n\x81\x00"
    rec = Recorder()
    parser = _parser_c.ResponseParser(rec)
    tail = parser.feed_data(kind(data))
    assert tail == b"\x81\x00" and type(tail) is bytes
    assert rec.events[-1] == ("complete",)
    with pytest.raises(RuntimeError):
        parser.feed_data(b"x")


def test_handler_exception_propagates_and_kills_parser() -> None:
    class Boom(Recorder):
        def on_body(self, data: bytes) -> None:
            raise KeyError("handler")

    parser = _parser_c.ResponseParser(Boom())
    with pytest.raises(KeyError):
        parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab")
    with pytest.raises(RuntimeError):
        parser.feed_data(b"")


def test_feeding_from_a_callback_is_refused() -> None:
    class Reentrant(Recorder):
        parser: Any = None

        def on_headers(self, msg: Any) -> None:
            self.parser.feed_data(b"more")

    rec = Reentrant()
    rec.parser = _parser_c.ResponseParser(rec)
    with pytest.raises(RuntimeError, match="inside one of its handler callbacks"):
        rec.parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def test_uninitialised_instance_fails_cleanly() -> None:
    parser = _parser_c.ResponseParser.__new__(_parser_c.ResponseParser)
    with pytest.raises(TypeError):  # no handler: calling it fails, llhttp state stays sound
        parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


class KeepBodies(Recorder):
    """Keeps each body piece itself (not merged), to check which object was handed on."""

    def __init__(self, got: list[bytes]) -> None:
        super().__init__()
        self.got = got

    def on_body(self, data: bytes) -> None:
        self.got.append(data)


def test_a_feed_that_is_all_body_is_passed_on_without_copy() -> None:
    got: list[bytes] = []
    parser = _parser_c.ResponseParser(KeepBodies(got))
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 24000\r\n\r\n")
    piece = bytes(range(256)) * 40
    parser.feed_data(piece)
    assert got[0] is piece
    parser.feed_data(bytearray(b"x" * 10240))  # not bytes: copied, still bytes
    assert type(got[-1]) is bytes
    parser.feed_data(b"y" * 3520 + b"HTTP/1.1 204 No Content\r\n\r\n")  # body ends inside
    assert got[-1] == b"y" * 3520 and sum(map(len, got)) == 24000


def test_body_buffer_is_the_body_chunk_and_never_reaches_past_the_body() -> None:
    got: list[bytes] = []
    parser = _parser_c.ResponseParser(KeepBodies(got))
    assert parser.body_buffer(4096) is None  # no message yet
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n")
    buf = parser.body_buffer(4096)
    assert len(buf.data) == 4096
    memoryview(buf)[:] = b"a" * 4096  # what a transport's read does
    parser.feed_data(buf.data, 4096)
    assert got[-1] is buf.data and got[-1] == b"a" * 4096  # handed on, not copied
    buf = parser.body_buffer(8192)
    assert len(buf.data) == 5904  # what is left of the body, never the next message
    memoryview(buf)[:100] = b"b" * 100
    short = buf.take(100)  # a short read: those bytes, on their own
    assert short == b"b" * 100 and short is not buf.data
    with pytest.raises(ValueError):
        buf.take(5905)  # more than was lent
    parser.feed_data(short)
    assert got[-1] is short
    buf = parser.body_buffer(8192)
    assert len(buf.data) == 5804
    memoryview(buf)[:] = b"c" * 5804
    parser.feed_data(buf.data)
    assert parser.body_buffer(8192) is None  # between messages
    parser.feed_data(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n")
    assert parser.body_buffer(8192) is None  # chunked: the framing is in the stream
    parser.feed_data(b"hello\r\n0\r\n\r\n")
    parser.skip_body = True
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
    assert parser.body_buffer(8192) is None  # a HEAD's answer has no body to read


def test_a_body_buffer_no_parser_lent_has_no_memory() -> None:
    from aiohttp_fast._body_buffer_c import BodyBuffer

    buf = BodyBuffer()
    with pytest.raises(BufferError):
        memoryview(buf)
    with pytest.raises(BufferError):
        buf.take(0)


def test_body_buffer_bytes_are_reused_only_once_let_go() -> None:
    got: list[bytes] = []
    parser = _parser_c.ResponseParser(KeepBodies(got))
    parser.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 50010\r\n\r\n")

    def read(fill: bytes) -> tuple[Any, bytes]:
        buf = parser.body_buffer(10000)
        memoryview(buf)[:] = fill * 10000
        parser.feed_data(buf.data, 10000)
        return buf, got[-1]

    first, a = read(b"a")
    assert hash(a) == hash(b"a" * 10000)  # cached on the object
    second, b = read(b"b")
    assert second is not first  # a is still held
    got.clear()
    del a
    third, c = read(b"c")
    assert third is first and c == b"c" * 10000  # let go: refilled in place
    assert hash(c) == hash(b"c" * 10000)  # not the hash cached when it held a's bytes
    assert b == b"b" * 10000  # held all along: untouched
    del b, c
    got.clear()
    fourth = parser.body_buffer(10000)
    memoryview(fourth)[:10] = b"d" * 10
    parser.feed_data(fourth.take(10))  # a short read: copied out, the buffer stays lendable
    assert got[-1] == b"d" * 10
    fifth = parser.body_buffer(10000)
    assert fifth is fourth  # nobody holds its bytes: refilled, not a fresh 10000 bytes
    memoryview(fifth)[:] = b"e" * 10000
    parser.feed_data(fifth.data, 10000)
    got.clear()
    read(b"f")
    assert parser.body_buffer(10000) is None  # message over: the buffers are let go


def test_repeated_values_are_shared_but_cookies_never_cached() -> None:
    # names hdrs knows are always in the table (a name flood in another test may have filled
    # it, after which names first met are no longer learned)
    data = (b"HTTP/1.1 200 OK\r\nSet-Cookie: sid=secret-1\r\nVary: same\r\n"
            b"Content-Length: 0\r\n\r\n")
    first = run(_parser_c, [data])[0]
    second = run(_parser_c, [data])[0]
    assert second[5] == ((b"Set-Cookie", b"sid=secret-1"), (b"Vary", b"same"),
                         (b"Content-Length", b"0"))
    assert second[5][1] is first[5][1]  # the value cache: the same (name, value) pair object
    assert second[5][0] is not first[5][0]  # a cookie is never kept for the next response


@pytest.mark.parametrize(
    ("data", "cls", "offset", "near"),
    [
        (b"HTTP/1.1 2x0 OK\r\n\r\n", "BadStatusLine", 10, b"2x0"),
        (b"HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "InvalidHeader", 20, b"Bad Name"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         "TransferEncodingError", 47, b"zz"),
    ],
)
def test_error_message_names_reason_offset_and_bytes(data: bytes, cls: str, offset: int,
                                                     near: bytes) -> None:
    for pieces in ([data], [data[:5], data[5:]]):
        parser = _parser_c.ResponseParser(Recorder())
        with pytest.raises(Exception) as info:
            for piece in pieces:
                parser.feed_data(piece)
        assert type(info.value).__name__ == cls
        text = str(info.value)
        assert f"at offset {offset}" in text and "HPE_" in text
    assert repr(near)[2:-1] in str(info.value)
