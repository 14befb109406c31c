"""Response parser behaviour, run over both twins (the ``impl`` fixture): messages, framing,
keep-alive, limits and strictness (llhttp 9.4 strict mode is the reference)."""

from __future__ import annotations

import re

import pytest
from multidict import CIMultiDict

from aiohttp_fast._parser_py import ResponseParser as ResponseParserPy
from aiohttp_fast.http_exceptions import (
    BadHttpMessage,
    BadStatusLine,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
    TooManyHeaders,
    TransferEncodingError,
)
from aiohttp_fast.http_message import HttpVersion10, HttpVersion11

from .fixtures_parser import Recorder, parse, parse_bytewise, run_parser, split_at

OK = b"HTTP/1.1 200 OK\r\n"
CHUNKED = OK + b"Transfer-Encoding: chunked\r\n\r\n"


def test_one_response(impl: type) -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Dup: 1\r\nx-dup: 2\r\n"
        b"Content-Length: 5\r\nX-Utf8: caf\xc3\xa9 \xff\r\n\r\nhello"
    )
    out = parse(impl, data)
    assert out.error is None
    (msg,) = out.messages
    head = msg.head
    assert head.version == HttpVersion11
    assert head.status == 200
    assert head.reason == "OK"
    assert isinstance(head.headers, CIMultiDict)
    assert head.headers["content-type"] == "text/plain"
    assert head.headers.getall("X-DUP") == ["1", "2"]
    assert head.headers["X-Utf8"] == "caf\xe9 \udcff"  # utf-8, surrogateescape
    assert [k for k, _ in head.headers.items()][1:3] == ["X-Dup", "x-dup"]  # names as sent
    assert head.raw_headers == (
        (b"Content-Type", b"text/plain"),
        (b"X-Dup", b"1"),
        (b"x-dup", b"2"),
        (b"Content-Length", b"5"),
        (b"X-Utf8", b"caf\xc3\xa9 \xff"),
    )
    assert (head.should_close, head.chunked, head.upgrade, head.content_length) == (
        False, False, False, 5
    )
    assert msg.body == b"hello" and msg.complete


def test_whitespace_around_values_is_not_part_of_them(impl: type) -> None:
    out = parse(impl, OK + b"A:   x y \t\r\nB:\t\r\nC:\r\nContent-Length:\t 0 \r\n\r\n")
    assert out.messages[0].head.raw_headers == (
        (b"A", b"x y"), (b"B", b""), (b"C", b""), (b"Content-Length", b"0")
    )
    assert out.messages[0].head.content_length == 0


SAMPLES = [
    OK + b"Content-Length: 3\r\nServer: x\r\n\r\nabc",
    CHUNKED + b"3;ext=1\r\nabc\r\n1\r\nd\r\n0\r\nTrailer: t\r\n\r\n",
    OK + b"Connection: close\r\n\r\nread until close",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
    + OK + b"Content-Length: 2\r\n\r\nhi",
    b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nx"
    + b"HTTP/1.0 304 Not Modified\r\nContent-Length: 9\r\nConnection: keep-alive\r\n\r\n",
    CHUNKED + b"2\r\nab\r\n0\r\n\r\n" + OK + b"Content-Length: 1\r\n\r\n",  # cut short
    OK + b"Content-Length: 3\r\nX: \x01\r\n\r\nabc",  # invalid
]


@pytest.mark.parametrize("data", SAMPLES)
def test_any_split_gives_the_same_result(impl: type, data: bytes) -> None:
    whole = parse(impl, data).summary()
    for cut in range(1, len(data)):
        assert run_parser(impl, split_at(data, [cut])).summary() == whole, cut
    assert parse_bytewise(impl, data).summary() == whole


def test_pipelined_responses_in_one_buffer(impl: type) -> None:
    data = (
        OK + b"Content-Length: 3\r\n\r\nAAA"
        + b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nBBBB\r\n0\r\n\r\n"
        + b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    )
    out = parse(impl, data, eof=False)
    assert [(m.head.status, m.body, m.complete) for m in out.messages] == [
        (200, b"AAA", True), (201, b"BBBB", True), (404, b"", True)
    ]
    assert out.messages[1].head.chunked and out.messages[1].head.content_length is None


@pytest.mark.parametrize(
    ("head", "should_close"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", False),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n", True),
        (b"HTTP/1.1 200 OK\r\nConnection: x, Close\r\nContent-Length: 0\r\n", True),
        (b"HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n", False),
        (b"HTTP/1.1 200 OK\r\nProxy-Connection: close\r\nContent-Length: 0\r\n", True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n", True),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n", False),
        (b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n", True),  # body until close
        (b"HTTP/1.1 200 OK\r\n", True),  # no framing: body until close
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n", True),  # not chunked: until close
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n", False),
        (b"HTTP/1.1 204 No Content\r\n", False),
        (b"HTTP/1.1 304 Not Modified\r\n", False),
    ],
)
def test_keep_alive_rules(impl: type, head: bytes, should_close: bool) -> None:
    out = parse(impl, head + b"\r\n", eof=False)
    assert out.error is None
    assert out.messages[0].head.should_close is should_close


def test_chunked_body_extensions_and_trailers(impl: type) -> None:
    data = CHUNKED + b'5;a=b;q="x;\\"y"\r\nhello\r\n6;n\r\n world\r\n0;last\r\nA: 1\r\nB: 2\r\n\r\n'
    out = parse(impl, data, eof=False)
    (msg,) = out.messages
    assert msg.head.chunked and msg.body == b"hello world" and msg.complete
    assert msg.head.raw_headers == ((b"Transfer-Encoding", b"chunked"),)  # trailers dropped


def test_read_until_close_body_ends_with_eof(impl: type) -> None:
    data = OK + b"\r\nsome body"
    assert not parse(impl, data, eof=False).messages[0].complete
    out = parse(impl, data)
    assert out.error is None
    assert out.messages[0].body == b"some body" and out.messages[0].complete


def test_head_response_has_no_body(impl: type) -> None:
    data = OK + b"Content-Length: 10\r\n\r\n" + OK + b"Transfer-Encoding: chunked\r\n\r\n"
    out = parse(impl, data, skip_body=True, eof=False)
    assert [(m.head.content_length, m.body, m.complete) for m in out.messages] == [
        (10, b"", True), (None, b"", True)
    ]
    assert not out.messages[0].head.should_close


def test_skip_body_can_be_turned_off_between_messages(impl: type) -> None:
    rec = Recorder()
    parser = impl(rec)
    parser.skip_body = True
    parser.feed_data(OK + b"Content-Length: 3\r\n\r\n")
    parser.skip_body = False
    parser.feed_data(OK + b"Content-Length: 3\r\n\r\nabc")
    assert [(m.body, m.complete) for m in rec.messages] == [(b"", True), (b"abc", True)]


@pytest.mark.parametrize("status", [100, 102, 103, 150, 204, 304])
def test_no_body_statuses(impl: type, status: int) -> None:
    data = b"HTTP/1.1 %d X\r\nContent-Length: 5\r\n\r\n" % status
    data += OK + b"Content-Length: 2\r\n\r\nok"
    out = parse(impl, data)
    assert out.error is None
    assert [(m.head.status, m.body, m.complete) for m in out.messages] == [
        (status, b"", True), (200, b"ok", True)
    ]


def test_interim_responses_then_final(impl: type) -> None:
    data = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        + OK + b"Content-Length: 4\r\n\r\ndone"
    )
    out = parse(impl, data)
    assert [(m.head.status, m.body, m.complete) for m in out.messages] == [
        (100, b"", True), (103, b"", True), (200, b"done", True)
    ]
    assert out.messages[1].head.headers["Link"] == "</s.css>; rel=preload"


def test_upgrade_returns_the_rest_and_stops(impl: type) -> None:
    rec = Recorder()
    parser = impl(rec)
    head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    assert parser.feed_data(head + b"\x81\x05hello") == b"\x81\x05hello"
    (msg,) = rec.messages
    assert msg.head.upgrade and msg.head.should_close and msg.complete
    with pytest.raises(RuntimeError):
        parser.feed_data(b"more")
    parser.feed_eof()  # harmless after an upgrade
    assert impl(Recorder()).feed_data(head) == b""


def test_upgrade_header_on_200_is_informational(impl: type) -> None:
    data = OK + b"Upgrade: h2c\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\nhi"
    out = parse(impl, data)
    assert out.tail is None and not out.messages[0].head.upgrade
    assert out.messages[0].body == b"hi"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (OK + b"Content-Length: 5\r\n\r\nabc", ContentLengthError),
        (CHUNKED + b"5\r\nab", TransferEncodingError),
        (CHUNKED + b"5", TransferEncodingError),
        (CHUNKED + b"2\r\nab\r", TransferEncodingError),
        (CHUNKED + b"0\r\nTrailer: 1\r\n", TransferEncodingError),
        (OK + b"Content-Length: 5\r\n", BadHttpMessage),
        (b"HTTP/1.1 20", BadHttpMessage),
        (b"\r\n", None),
        (OK + b"Content-Length: 1\r\n\r\nx\r\n", None),
        (b"", None),
    ],
)
def test_eof(impl: type, data: bytes, error: type | None) -> None:
    out = parse(impl, data)
    assert out.error_class is error, out.error
    if error is not None:
        assert "offset" in str(out.error)
    assert parse_bytewise(impl, data).error_class is error


def test_parser_is_dead_after_an_error(impl: type) -> None:
    parser = impl(Recorder())
    with pytest.raises(BadStatusLine):
        parser.feed_data(b"HTP/1.1 200 OK\r\n\r\n")
    with pytest.raises(RuntimeError):
        parser.feed_data(OK + b"\r\n")
    with pytest.raises(RuntimeError):
        parser.feed_eof()


def test_accepts_bytearray_and_memoryview(impl: type) -> None:
    rec = Recorder()
    parser = impl(rec)
    parser.feed_data(bytearray(OK + b"Content-Length: 2\r\n\r\n"))
    parser.feed_data(memoryview(b"ok"))
    assert rec.messages[0].body == b"ok" and rec.messages[0].complete


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_size_parses_only_the_start_of_a_reused_buffer(impl: type, kind: type) -> None:
    """``feed_data(buf, size)``: the protocol's shared read buffer holds stale bytes past
    ``size``; none of them may reach a body, an upgrade's tail or an error's excerpt."""
    stale = b"STALE" * 20
    rec = Recorder()
    parser = impl(rec)
    first = OK + b"Content-Length: 4\r\n\r\nab"
    assert parser.feed_data(kind(first + stale), len(first)) is None
    assert parser.feed_data(kind(b"cd" + stale), 2) is None
    assert rec.messages[0].body == b"abcd" and rec.messages[0].complete
    head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    assert impl(Recorder()).feed_data(kind(head + b"ws" + stale), len(head) + 2) == b"ws"
    bad = b"HTTP/1.1 200 OK\r\nBad Name: x\r\n"
    with pytest.raises(HttpProcessingError) as info:
        impl(Recorder()).feed_data(kind(bad + stale), len(bad))
    assert "STALE" not in str(info.value)


# -- limits ---------------------------------------------------------------------------------


def _both_ways(impl: type, data: bytes, **kw: int) -> type | None:
    whole = parse(impl, data, eof=False, **kw).error_class
    assert parse_bytewise(impl, data, eof=False, **kw).error_class is whole
    return whole


@pytest.mark.parametrize("n", [8190, 8191])
def test_reason_limit(impl: type, n: int) -> None:
    data = b"HTTP/1.1 200 " + b"r" * n + b"\r\nContent-Length: 0\r\n\r\n"
    assert _both_ways(impl, data) is (LineTooLong if n > 8190 else None)


@pytest.mark.parametrize("n", [8190, 8191])
def test_header_name_and_value_limits(impl: type, n: int) -> None:
    expected = LineTooLong if n > 8190 else None
    assert _both_ways(impl, OK + b"N" * n + b": v\r\n\r\n") is expected
    assert _both_ways(impl, OK + b"V: " + b"v" * n + b"\r\n\r\n") is expected
    assert _both_ways(impl, OK + b"V: " + b"v" * n + b"\r\n\r\n", max_field_size=9000) is None


@pytest.mark.parametrize("count", [128, 129])
def test_max_headers(impl: type, count: int) -> None:
    head = OK + b"".join(b"H%d: v\r\n" % i for i in range(count)) + b"\r\n"
    assert _both_ways(impl, head) is (TooManyHeaders if count > 128 else None)
    # trailers are counted on their own, against the same limit
    trailers = b"".join(b"T%d: v\r\n" % i for i in range(count))
    data = OK + b"Transfer-Encoding: chunked\r\n" + b"".join(
        b"H%d: v\r\n" % i for i in range(127)
    ) + b"\r\n0\r\n" + trailers + b"\r\n"
    assert _both_ways(impl, data) is (TooManyHeaders if count > 128 else None)


def test_limits_are_configurable(impl: type) -> None:
    assert _both_ways(impl, OK + b"A: 1\r\nB: 2\r\n\r\n", max_headers=1) is TooManyHeaders
    assert _both_ways(impl, b"HTTP/1.1 200 four\r\n\r\n", max_line_size=3) is LineTooLong
    assert _both_ways(impl, OK + b"Name: 1\r\n\r\n", max_field_size=3) is LineTooLong


@pytest.mark.parametrize("n", [8190, 8191])
def test_chunk_extension_limit(impl: type, n: int) -> None:
    # the limit counts extension names and values (llhttp's spans), not ';' and '='
    ext = b";" + b"a" * (n - 1) + b"=b"
    data = CHUNKED + b"1" + ext + b"\r\nx\r\n0\r\n\r\n"
    assert _both_ways(impl, data) is (LineTooLong if n > 8190 else None)


def test_limit_errors_come_before_unbounded_buffering(impl: type) -> None:
    parser = impl(Recorder())
    parser.feed_data(OK + b"X: ")
    with pytest.raises(LineTooLong):
        for _ in range(100):  # 100 KiB of one header value
            parser.feed_data(b"v" * 1024)


def test_py_twin_keeps_no_unbounded_buffer() -> None:
    # leading zeros of a chunk size and whitespace before a value count against no limit
    # (llhttp streams them); the pure-Python twin folds them so its buffer stays small
    parser = ResponseParserPy(Recorder())
    parser.feed_data(CHUNKED)
    for _ in range(200):
        parser.feed_data(b"0" * 1000)
        assert len(parser._tail) < 2048
    parser.feed_data(b"1\r\nx\r\n")
    parser = ResponseParserPy(Recorder())
    parser.feed_data(OK + b"X:")
    for _ in range(200):
        parser.feed_data(b" \t" * 500)
        assert len(parser._tail) < 2048
    rec = Recorder()
    parser = ResponseParserPy(rec)
    parser.feed_data(CHUNKED + b"1")
    for _ in range(200):
        parser.feed_data(b";" * 1000)
        assert len(parser._tail) < 2048
    parser.feed_data(b"a\r\nx\r\n0\r\n\r\n")
    assert rec.messages[0].body == b"x" and rec.messages[0].complete


# -- strictness (what llhttp strict rejects, with the class CONTRACTS.md assigns) -----------

STRICT = [
    # Content-Length / Transfer-Encoding
    (OK + b"Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", InvalidHeader),
    (OK + b"Transfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n", InvalidHeader),
    (OK + b"Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", InvalidHeader),  # as llhttp
    (OK + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nx", InvalidHeader),
    (OK + b"Content-Length: 1, 1\r\n\r\nx", InvalidHeader),
    (OK + b"Content-Length: +1\r\n\r\nx", InvalidHeader),
    (OK + b"Content-Length: -1\r\n\r\nx", InvalidHeader),
    (OK + b"Content-Length: 1_0\r\n\r\nx", InvalidHeader),
    (OK + b"Content-Length: 1 0\r\n\r\nx", InvalidHeader),
    (OK + b"Content-Length: 0x10\r\n\r\nx", InvalidHeader),
    (OK + "Content-Length: \u0661\r\n\r\nx".encode(), InvalidHeader),  # Arabic-Indic one
    (OK + "Content-Length: \uff11\r\n\r\nx".encode(), InvalidHeader),  # fullwidth one
    (OK + b"Content-Length: 18446744073709551616\r\n\r\n", InvalidHeader),  # 2**64
    (OK + b"Content-Length: \r\n\r\n", InvalidHeader),
    # chunk sizes and framing
    (CHUNKED + b"g\r\n", TransferEncodingError),
    (CHUNKED + b"+1\r\nx\r\n", TransferEncodingError),
    (CHUNKED + b"-1\r\nx\r\n", TransferEncodingError),
    (CHUNKED + b" 1\r\nx\r\n", TransferEncodingError),
    (CHUNKED + b"1 \r\nx\r\n", TransferEncodingError),
    (CHUNKED + "\u0661\r\nx\r\n".encode(), TransferEncodingError),
    (CHUNKED + b"10000000000000000\r\n", TransferEncodingError),  # 2**64
    (CHUNKED + b"1;\r\nx\r\n", TransferEncodingError),
    (CHUNKED + b"1; a\r\nx\r\n", TransferEncodingError),
    (CHUNKED + b"1;a=\"b\r\nx\r\n", TransferEncodingError),
    (CHUNKED + b"1\nx\r\n", TransferEncodingError),
    (CHUNKED + b"1\r\nxy\r\n", TransferEncodingError),
    (CHUNKED + b"1\r\nx\n0\r\n\r\n", TransferEncodingError),
    (CHUNKED + b"0\r\nBad Trailer: 1\r\n\r\n", InvalidHeader),
    (CHUNKED + b"0\r\nContent-Length: 1\r\n\r\n", InvalidHeader),
    # control bytes in names and values
    (OK + b"X\rY: 1\r\n\r\n", InvalidHeader),
    (OK + b"X: a\rb\r\n\r\n", InvalidHeader),
    (OK + b"X\x00: 1\r\n\r\n", InvalidHeader),
    (OK + b"X: a\x00b\r\n\r\n", InvalidHeader),
    (OK + b"X: a\x7fb\r\n\r\n", InvalidHeader),
    (OK + b"X: a\x1bb\r\n\r\n", InvalidHeader),
    (OK + b"X\x7f: 1\r\n\r\n", InvalidHeader),
    (OK + b"X Y: 1\r\n\r\n", InvalidHeader),
    (OK + b"X : 1\r\n\r\n", InvalidHeader),  # whitespace before the colon
    (OK + b"X\t: 1\r\n\r\n", InvalidHeader),
    (OK + b": 1\r\n\r\n", InvalidHeader),
    (OK + b"NoColon\r\n\r\n", InvalidHeader),
    (OK + b"X: 1\r\n folded\r\n\r\n", InvalidHeader),  # obsolete line folding
    (OK + b"X: 1\r\n\tfolded\r\n\r\n", InvalidHeader),
    (OK + b" X: 1\r\n\r\n", InvalidHeader),
    # bare LF / CR line ends
    (b"HTTP/1.1 200 OK\nX: 1\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 200 OK\rX: 1\r\n\r\n", BadStatusLine),
    (b"\rHTTP/1.1 100 \r\x00", BadStatusLine),
    (b"HTTP/1.1 200 " + b"r" * 80 + b"\r\x00\r\n\r\n", BadStatusLine),
    (OK + b"X: " + b"a" * 80 + b"\r\x00\r\n\r\n", InvalidHeader),
    (OK + b"X" * 80 + b"\r\x00\r\n\r\n", InvalidHeader),
    (OK + b"X: 1\nY: 2\r\n\r\n", InvalidHeader),
    (OK + b"X: 1\r\n\n", InvalidHeader),
    (OK + b"X: 1\r\n\rx", InvalidHeader),
    # status lines
    (b"HTP/1.1 200 OK\r\n\r\n", BadStatusLine),
    (b"http/1.1 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.2 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/3.0 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/11.1 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1 200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1  200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1\t200 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 20 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 2000 OK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1 2OO OK\r\n\r\n", BadStatusLine),
    ("HTTP/1.1 2\u0660\u0660 OK\r\n\r\n".encode(), BadStatusLine),
    (b"HTTP/1.1 200\tOK\r\n\r\n", BadStatusLine),
    (b"HTTP/1.1\r\n\r\n", BadStatusLine),
    (b"GET / HTTP/1.1\r\n\r\n", BadStatusLine),
    # after a message that closes the connection only CR/LF may follow
    (OK + b"Connection: close\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n",
     BadHttpMessage),
]


def _offset(exc: Exception | None) -> str:
    found = re.search(r"offset (\d+)", str(exc))
    assert found, exc
    return found.group(1)


@pytest.mark.parametrize(("data", "error"), STRICT)
def test_strict_rejections(impl: type, data: bytes, error: type) -> None:
    out = parse(impl, data, eof=False)
    assert out.error_class is error, out.error
    bytewise = parse_bytewise(impl, data, eof=False)
    assert bytewise.error_class is error, bytewise.error
    # the message names where in the stream it went wrong, however the bytes came
    assert _offset(out.error) == _offset(bytewise.error)


ACCEPTED = [
    (b"HTTP/1.1 200\r\n\r\n", 200, ""),
    (b"HTTP/1.1 200 \r\n\r\n", 200, ""),
    (b"HTTP/1.1 200  two  spaces\r\n\r\n", 200, " two  spaces"),
    (b"HTTP/1.0 099 low\r\n\r\n", 99, "low"),
    (b"HTTP/1.1 999 high\r\n\r\n", 999, "high"),
    (b"HTTP/1.1 200 caf\xc3\xa9\x01\r\n\r\n", 200, "caf\xe9\x01"),
    (b"\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 200, "OK"),  # CR/LF before a response are skipped
    (b"RTSP/1.0 200 OK\r\n\r\n", 200, "OK"),
    (b"HTTP/2.0 200 OK\r\n\r\n", 200, "OK"),
]


@pytest.mark.parametrize(("data", "status", "reason"), ACCEPTED)
def test_accepted_status_lines(impl: type, data: bytes, status: int, reason: str) -> None:
    out = parse(impl, data, eof=False)
    assert out.error is None
    assert (out.messages[0].head.status, out.messages[0].head.reason) == (status, reason)


def test_empty_transfer_encoding_is_ignored(impl: type) -> None:
    # llhttp 9.4 reports an empty Content-Length but lets an empty Transfer-Encoding pass
    out = parse(impl, OK + b"Transfer-Encoding: \r\nContent-Length: 1\r\n\r\nx", eof=False)
    assert out.error is None
    assert (out.messages[0].body, out.messages[0].head.chunked) == (b"x", False)


def test_http10_version(impl: type) -> None:
    out = parse(impl, b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert out.messages[0].head.version == HttpVersion10


@pytest.mark.parametrize(
    ("te", "chunked"),
    [
        (b"chunked", True),
        (b"CHUNKED", True),
        (b"gzip, chunked", True),
        (b"chunked ", True),
        (b"chunked, gzip", False),
        (b"chunked\t", False),  # llhttp: only spaces may follow the last coding
        (b"gzip", False),
        (b"xchunked", False),
    ],
)
def test_transfer_encoding_chunked_only_as_last_coding(
    impl: type, te: bytes, chunked: bool
) -> None:
    body = b"1\r\nx\r\n0\r\n\r\n"
    out = parse(impl, OK + b"Transfer-Encoding: " + te + b"\r\n\r\n" + body)
    assert out.error is None
    msg = out.messages[0]
    assert msg.head.chunked is chunked
    assert msg.body == (b"x" if chunked else body)  # else: read until close


def test_chunk_ends_are_reported_where_llhttp_reports_them(impl):
    # after each chunk's data and CRLF, and once for the last chunk after its trailers,
    # however the input is split
    data = CHUNKED + b"5\r\nhello\r\n6;x=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    for out in (parse(impl, data), parse_bytewise(impl, data)):
        (msg,) = out.messages
        assert msg.body == b"hello world" and msg.complete
        assert msg.chunk_ends == [5, 11, 11]
