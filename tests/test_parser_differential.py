"""Differential test: the llhttp twin and the pure-Python twin must agree on every input.

Hypothesis builds responses (valid ones, then mutated: stray CR/LF/NUL/space, odd digits,
duplicate Content-Length, Transfer-Encoding added, truncation...) and feeds the same bytes to
both parsers at random split points, with random limits. Both must give identical messages,
bodies, completion and exception class, and each must give the same whatever the split.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aiohttp_fast._parser_py import ResponseParser as ResponseParserPy

from .fixtures_parser import load_c_parser, run_parser, split_at

ResponseParserC, _why = load_c_parser()
pytestmark = pytest.mark.skipif(ResponseParserC is None, reason=_why or "C parser not built")

NAMES = [b"Server", b"X-Thing", b"Content-Type", b"Date", b"Vary", b"Set-Cookie", b"ETag"]
VALUES = [b"nginx", b"a b", b"text/html; charset=utf-8", b"", b"\xc3\xa9t\xc3\xa9", b"1", b"x\t"]
STATUSES = [100, 101, 103, 200, 201, 204, 301, 304, 404, 500, 199, 99]
INTERESTING = [
    b"\r", b"\n", b"\r\n", b"\x00", b" ", b"\t", b":", b";", b"=", b'"', b"\x7f", b"\xff",
    b"0", b"1", b"9", b"a", b"F", b"g", b"+", b"-", b",", b"\xd9\xa3", b"\xef\xbc\x91",
    b"HTTP/1.1 200 OK\r\n", b"Content-Length: 2\r\n", b"Transfer-Encoding: chunked\r\n",
    b"Connection: close\r\n", b"\r\n\r\n", b"0\r\n\r\n",
]


@st.composite
def message(draw: st.DrawFn) -> bytes:
    version = draw(st.sampled_from([b"1.1", b"1.1", b"1.0"]))
    status = draw(st.sampled_from(STATUSES))
    reason = draw(st.sampled_from([b" OK", b"", b" ", b" Not Found", b" \xe2\x9c\x93 weird"]))
    head = [b"HTTP/%s %03d%s" % (version, status, reason)]
    for _ in range(draw(st.integers(0, 4))):
        head.append(draw(st.sampled_from(NAMES)) + b":" + draw(st.sampled_from([b" ", b"", b"\t"]))
                    + draw(st.sampled_from(VALUES)))
    conn = draw(st.sampled_from([None, b"close", b"keep-alive", b"upgrade", b"Keep-Alive, x"]))
    if conn is not None:
        head.append(b"Connection: " + conn)
    if draw(st.booleans()) and status == 101:
        head.append(b"Upgrade: websocket")
    body = draw(st.binary(max_size=12))
    framing = draw(st.sampled_from(["length", "chunked", "none"]))
    payload = b""
    if framing == "length":
        head.append(b"Content-Length: %d" % len(body))
        payload = body
    elif framing == "chunked":
        head.append(b"Transfer-Encoding: chunked")
        cut = draw(st.integers(0, len(body)))
        for part in (body[:cut], body[cut:]):
            if part:
                ext = draw(st.sampled_from(
                    [b"", b";a=b", b';q="x\\"y"', b";n", b";;x=1;", b';e=v"q"', b";aaaa=bbbb"]
                ))
                payload += b"%x%s\r\n%s\r\n" % (len(part), ext, part)
        payload += b"0\r\n"
        if draw(st.booleans()):
            payload += b"Trailer-X: 1\r\n"
        payload += b"\r\n"
    elif status >= 200 and status not in (204, 304):
        payload = body  # read until close
    return b"\r\n".join(head) + b"\r\n\r\n" + payload


SPECIAL_NAMES = [b"Content-Length", b"CONTENT-LENGTH", b"Transfer-Encoding", b"Connection",
                 b"proxy-connection", b"Upgrade", b"X", b"Set-Cookie"]
SPECIAL_VALUES = [b"", b"1", b"01", b" 5 ", b"chunked", b"gzip, chunked", b"chunked ",
                  b"chunked\t", b"close", b"keep-alive", b"upgrade", b"a\tb", b"\xff", b"1,2"]


@st.composite
def header_heavy(draw: st.DrawFn) -> bytes:
    """Framing and connection headers in every combination (CL+TE, duplicates, empties)."""
    lines = [draw(st.sampled_from([b"HTTP/1.1 200 OK", b"HTTP/1.0 200 OK", b"HTTP/1.1 101 S",
                                   b"HTTP/1.1 204 N", b"HTTP/1.1 200 " + b"r" * 90]))]
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(SPECIAL_NAMES + [b"Y" * 80]))
        lines.append(name + b":" + draw(st.sampled_from([b"", b" ", b"\t ", b" " * 70]))
                     + draw(st.sampled_from(SPECIAL_VALUES + [b"v" * 90]))
                     + draw(st.sampled_from([b"", b" ", b"\t"])))
    tail = draw(st.sampled_from([b"", b"hello", b"5\r\nhello\r\n0\r\n\r\n",
                                 b"0\r\nConnection: close\r\n\r\n", b"HTTP/1.1 200 OK\r\n\r\n"]))
    return b"\r\n".join(lines) + b"\r\n\r\n" + tail


@st.composite
def response_stream(draw: st.DrawFn) -> bytes:
    data = b"".join(draw(st.lists(st.one_of(message(), header_heavy()), min_size=1, max_size=3)))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["insert", "insert", "replace", "delete", "truncate"]))
        pos = draw(st.integers(0, len(data)))
        if kind == "insert":
            data = data[:pos] + draw(st.sampled_from(INTERESTING)) + data[pos:]
        elif kind == "replace" and pos < len(data):
            data = data[:pos] + draw(st.sampled_from(INTERESTING)) + data[pos + 1 :]
        elif kind == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 4)) :]
        elif kind == "truncate":
            data = data[:pos]
    return data


limits = st.fixed_dictionaries(
    {
        "max_line_size": st.sampled_from([8190, 8190, 4, 12]),
        "max_field_size": st.sampled_from([8190, 8190, 3, 9]),
        "max_headers": st.sampled_from([128, 128, 1, 3]),
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=response_stream(),
    cuts=st.lists(st.integers(0, 600), max_size=8),
    eof=st.booleans(),
    skip_body=st.booleans(),
    lim=limits,
)
def test_twins_agree(
    data: bytes, cuts: list[int], eof: bool, skip_body: bool, lim: dict[str, int]
) -> None:
    assume(data)
    pieces = split_at(data, cuts)
    kw = dict(eof=eof, skip_body=skip_body, **lim)
    py_whole = run_parser(ResponseParserPy, [data], **kw).summary()
    c_whole = run_parser(ResponseParserC, [data], **kw).summary()
    assert py_whole == c_whole, data
    assert run_parser(ResponseParserPy, pieces, **kw).summary() == py_whole, pieces
    assert run_parser(ResponseParserC, pieces, **kw).summary() == c_whole, pieces


@settings(max_examples=300, deadline=None)
@given(data=response_stream(), eof=st.booleans())
def test_twins_agree_byte_by_byte(data: bytes, eof: bool) -> None:
    pieces = [data[i : i + 1] for i in range(len(data))]
    py = run_parser(ResponseParserPy, pieces, eof=eof).summary()
    c = run_parser(ResponseParserC, pieces, eof=eof).summary()
    assert py == c, data
    assert run_parser(ResponseParserC, [data], eof=eof).summary() == c, data
