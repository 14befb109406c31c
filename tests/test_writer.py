"""Request head serialization (both twins, compared by hypothesis) and StreamWriter on loopback."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, istr

from aiohttp_fast import http_writer
from aiohttp_fast._compat import NO_EXTENSIONS, is_compiled
from aiohttp_fast.client_exceptions import ClientConnectionResetError
from aiohttp_fast.http_message import HttpVersion10, HttpVersion11

from .fixtures_writer import ClientProtocol, RawSink, load_c_serializer

Serialize = Callable[..., bytes]


def test_c_extension_loaded() -> None:
    if NO_EXTENSIONS:
        assert http_writer.IMPL == "py"
    else:
        assert http_writer.IMPL == "c", (
            "_writer_c is not built: run `python setup.py build_ext --inplace`, or set "
            "AIOHTTP_FAST_NO_EXTENSIONS=1 to test the pure-Python build on purpose"
        )
        assert http_writer.serialize_request_head is not http_writer.serialize_request_head_py


# --- serialize_request_head --------------------------------------------------------------


def test_head_exact_bytes(serialize_impl: Serialize) -> None:
    headers = CIMultiDict([("Host", "example.com"), ("Accept", "*/*"), ("X-Dup", "1"),
                           ("x-dup", "2")])
    assert serialize_impl("GET", "/a?b=c", HttpVersion11, headers) == (
        b"GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n"
        b"X-Dup: 1\r\nx-dup: 2\r\n\r\n"
    )


@pytest.mark.parametrize("make", [
    lambda: {"A": "1", "B": "2"},
    lambda: [("A", "1"), ("B", "2")],
    lambda: (("A", "1"), ("B", "2")),
    lambda: CIMultiDict(A="1", B="2"),
    lambda: CIMultiDict(A="1", B="2").items(),
    lambda: iter([("A", "1"), ("B", "2")]),
], ids=["dict", "list", "tuple", "cimultidict", "items", "iterator"])
def test_head_header_containers(serialize_impl: Serialize, make: Callable[[], object]) -> None:
    assert serialize_impl("POST", "/", HttpVersion11, make()) == (
        b"POST / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n"
    )


def test_head_versions_and_no_headers(serialize_impl: Serialize) -> None:
    assert serialize_impl("GET", "/", HttpVersion10, {}) == b"GET / HTTP/1.0\r\n\r\n"
    assert serialize_impl("GET", "*", (2, 0), {}) == b"GET * HTTP/2.0\r\n\r\n"


def test_head_utf8_and_istr(serialize_impl: Serialize) -> None:
    out = serialize_impl("PUT", "/caf\u00e9", HttpVersion11,
                         [(istr("X-Name"), "\u00e9t\u00e9 \u2603"), ("Empty", "")])
    assert out == ("PUT /caf\u00e9 HTTP/1.1\r\nX-Name: \u00e9t\u00e9 \u2603\r\nEmpty: \r\n\r\n"
                   ).encode()


def test_head_custom_method_token(serialize_impl: Serialize) -> None:
    assert serialize_impl("PROPFIND", "/", HttpVersion11, {}).startswith(b"PROPFIND / ")
    assert serialize_impl("M-SEARCH", "*", HttpVersion11, {}).startswith(b"M-SEARCH * ")


@pytest.mark.parametrize("bad", ["\r", "\n", "\x00", "\r\n"])
@pytest.mark.parametrize("where", ["method", "target", "name", "value"])
def test_head_rejects_injection(serialize_impl: Serialize, where: str, bad: str) -> None:
    method, target, name, value = "GET", "/", "X-A", "v"
    if where == "method":
        method = "GET" + bad
    elif where == "target":
        target = "/x" + bad + "Evil: 1"
    elif where == "name":
        name = "X" + bad + "A"
    else:
        value = "v" + bad + "Evil: 1"
    with pytest.raises(ValueError):
        serialize_impl(method, target, HttpVersion11, [("Host", "h"), (name, value)])


@pytest.mark.parametrize("method", ["", "GE T", "GET:", "G\u00e9T", "(GET)", "GET/"])
def test_head_rejects_non_token_method(serialize_impl: Serialize, method: str) -> None:
    with pytest.raises(ValueError):
        serialize_impl(method, "/", HttpVersion11, {})


@pytest.mark.parametrize("name", ["", "X A", "X:A", "X\tA", "\u00e9", "X@A", "X\"A"])
def test_head_rejects_non_token_name(serialize_impl: Serialize, name: str) -> None:
    with pytest.raises(ValueError):
        serialize_impl("GET", "/", HttpVersion11, [(name, "v")])


def test_head_rejects_injection_after_valid_name_cached(serialize_impl: Serialize) -> None:
    # A name validated once is cached; its values must still be checked each time.
    serialize_impl("GET", "/", HttpVersion11, {"X-Cached": "ok"})
    with pytest.raises(ValueError, match="X-Cached"):
        serialize_impl("GET", "/", HttpVersion11, {"X-Cached": "a\r\nEvil: 1"})


def test_head_non_str_value_is_type_error(serialize_impl: Serialize) -> None:
    with pytest.raises(TypeError):
        serialize_impl("GET", "/", HttpVersion11, {"X-Int": 1})
    with pytest.raises(TypeError):
        serialize_impl("GET", "/", HttpVersion11, [(b"X", "1")])


_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
_token_chars = "!#$%&'*+-.^_`|~09AZaz"
_names = st.one_of(st.text(alphabet=_token_chars, min_size=1, max_size=8), _text)


@settings(max_examples=200, deadline=None)
@given(
    method=st.one_of(st.sampled_from(["GET", "POST", "PATCH"]), _names),
    target=st.one_of(st.just("/"), _text),
    headers=st.lists(st.tuples(_names, _text), max_size=6),
)
def test_head_twins_identical(method: str, target: str,
                              headers: list[tuple[str, str]]) -> None:
    c_impl, reason = load_c_serializer()
    if c_impl is None:
        pytest.skip(reason)

    def outcome(func: Serialize) -> tuple[str, object]:
        try:
            return "ok", func(method, target, HttpVersion11, headers)
        except Exception as exc:  # compare the class and message, whatever it is
            return type(exc).__name__, str(exc)

    assert outcome(c_impl) == outcome(http_writer.serialize_request_head_py)


# --- StreamWriter ------------------------------------------------------------------------


async def test_headers_buffered_until_first_chunk(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    writer.write_headers(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n")
    assert writer.output_size == 0  # nothing sent yet: it travels with the body
    await writer.write(b"hello")
    assert writer.output_size == 38 + 5
    await writer.write_eof()
    assert await raw_sink.received(proto) == (
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
    )


async def test_headers_sent_by_write_eof_without_body(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    writer.write_headers(b"GET / HTTP/1.1\r\n\r\n")
    await writer.write_eof()
    assert await raw_sink.received(proto) == b"GET / HTTP/1.1\r\n\r\n"


async def test_send_headers_flushes_early(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    head = b"PUT / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"
    writer.write_headers(head)
    writer.send_headers()
    assert writer.output_size == len(head)
    await writer.write(b"body")
    await writer.write_eof()
    assert await raw_sink.received(proto) == (
        b"PUT / HTTP/1.1\r\nExpect: 100-continue\r\n\r\nbody"
    )


async def test_chunked_framing(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    writer.enable_chunking()
    writer.write_headers(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    big = bytes(range(256)) * 200  # 51200 bytes: the writelines path
    await writer.write(b"abc")
    await writer.write(b"")  # an empty chunk must not end the body
    await writer.write(big)
    await writer.write_eof(b"tail")
    assert await raw_sink.received(proto) == (
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n" + b"c800\r\n" + big + b"\r\n" + b"4\r\ntail\r\n0\r\n\r\n"
    )


async def test_chunked_empty_body(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    writer.enable_chunking()
    await writer.write_eof()
    await writer.write_eof()  # idempotent
    assert await raw_sink.received(proto) == b"0\r\n\r\n"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_compression_chunked(raw_sink: RawSink, encoding: str) -> None:
    proto, writer = await raw_sink.connect()
    writer.enable_chunking()
    writer.enable_compression(encoding)
    data = [b"compress me " * 500, b"and me too " * 300]
    for chunk in data:
        await writer.write(chunk)
    await writer.write_eof(b"!")
    raw = await raw_sink.received(proto)
    # undo the chunked framing, then the compression
    body, rest = b"", raw
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert rest == b"\r\n"
            break
        body += rest[:size]
        assert rest[size:size + 2] == b"\r\n"
        rest = rest[size + 2:]
    expected = b"".join(data) + b"!"
    if encoding == "gzip":
        assert gzip.decompress(body) == expected
    else:
        assert zlib.decompress(body) == expected


async def test_compression_rejects_unknown() -> None:
    from aiohttp_fast.writer import StreamWriter

    with pytest.raises(ValueError):
        StreamWriter(ClientProtocol, asyncio.get_running_loop()).enable_compression("br")


async def test_on_chunk_sent_gets_raw_chunks(raw_sink: RawSink) -> None:
    from aiohttp_fast.writer import StreamWriter

    seen: list[bytes] = []

    async def on_chunk(chunk: bytes) -> None:
        seen.append(chunk)

    proto, plain = await raw_sink.connect()
    writer = StreamWriter(proto, asyncio.get_running_loop(), on_chunk_sent=on_chunk)
    writer.enable_chunking()
    writer.enable_compression("deflate")
    await writer.write(b"one")
    await writer.write(bytearray(b"two"))
    await writer.write_eof(b"three")
    await raw_sink.received(proto)
    assert seen == [b"one", b"two", b"three"]


async def test_memoryview_counts_bytes(raw_sink: RawSink) -> None:
    import array

    proto, writer = await raw_sink.connect()
    writer.enable_chunking()
    words = array.array("I", [1, 2, 3])  # 12 bytes, 3 items
    await writer.write(memoryview(words))
    await writer.write_eof()
    assert await raw_sink.received(proto) == b"c\r\n" + words.tobytes() + b"\r\n0\r\n\r\n"


async def test_back_pressure_waits_and_delivers_everything(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    assert proto.transport is not None
    proto.transport.set_write_buffer_limits(high=65536)
    raw_sink.hold.clear()  # the server stops reading: buffers fill, the transport pauses
    chunk = bytes(range(256)) * 1024  # 256 KiB
    total = 64

    async def produce() -> None:
        for _ in range(total):
            await writer.write(chunk)
        await writer.write_eof()

    task = asyncio.create_task(produce())
    while proto.drain_waits == 0:  # wait for the writer to block on a paused transport
        await asyncio.sleep(0)
        assert not task.done(), "16 MiB were accepted without any back-pressure"
    raw_sink.hold.set()
    await task
    data = await raw_sink.received(proto)
    assert proto.pauses >= 1
    assert data == chunk * total
    assert writer.output_size == len(chunk) * total


async def test_write_to_closed_transport_raises(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    assert proto.transport is not None
    proto.transport.close()
    await proto.closed
    with pytest.raises(ClientConnectionResetError):
        await writer.write(b"x")
    with pytest.raises(ClientConnectionResetError):
        writer.write_headers(b"GET / HTTP/1.1\r\n\r\n")
        await writer.write_eof()


async def test_cancel_while_blocked_on_back_pressure(raw_sink: RawSink) -> None:
    proto, writer = await raw_sink.connect()
    assert proto.transport is not None
    proto.transport.set_write_buffer_limits(high=65536)
    raw_sink.hold.clear()
    chunk = b"x" * 262144

    async def produce() -> None:
        while True:
            await writer.write(chunk)

    task = asyncio.create_task(produce())
    while proto.drain_waits == 0:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # the connection is still usable by its owner: it decides to close it, and everything
    # written before the cancellation arrives whole
    raw_sink.hold.set()
    data = await raw_sink.received(proto)
    assert len(data) == writer.output_size
    assert len(data) % len(chunk) == 0


def test_twin_source_is_the_reference() -> None:
    import os
    from pathlib import Path

    pkg = Path(http_writer.__file__).parent
    link = pkg / "_writer_c.py"
    assert link.is_symlink() and os.readlink(link) == "_writer_py.py"


def test_selector_rejects_the_uncompiled_symlink() -> None:
    import importlib.util
    from pathlib import Path

    source = Path(http_writer.__file__).parent / "_writer_c.py"
    spec = importlib.util.spec_from_file_location("_writer_c_as_python", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not is_compiled(module)  # importable, but it is the Python source
    c_impl, reason = load_c_serializer()
    if c_impl is None:
        pytest.skip(reason)
    from aiohttp_fast import _writer_c

    assert is_compiled(_writer_c)


async def test_bare_transport_is_accepted(raw_sink: RawSink) -> None:
    from aiohttp_fast.writer import StreamWriter

    proto, _ = await raw_sink.connect()
    assert proto.transport is not None
    writer = StreamWriter(proto.transport, asyncio.get_running_loop())
    assert writer.transport is proto.transport
    writer.write_headers(b"POST / HTTP/1.1\r\n\r\n")
    await writer.write(b"x" * 100000)  # over LIMIT: drains (a no-op without a protocol)
    await writer.write_eof()
    assert await raw_sink.received(proto) == b"POST / HTTP/1.1\r\n\r\n" + b"x" * 100000
