"""The connection protocol and body streams: fast path, timers, flow control, StreamReader API."""

from __future__ import annotations

import asyncio
import traceback
from typing import Any

import pytest

import aiohttp_fast as aiohttp
from aiohttp_fast.streams import EMPTY_PAYLOAD, StreamReader
from tests.fixtures_client import EchoServer, RawServer, read_head


class FlowRecorder:
    """Stands in for the protocol: records back-pressure calls from a StreamReader."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


# ---- StreamReader on its own ----


async def test_stream_read_all_is_immediate_when_complete():
    s = StreamReader(FlowRecorder(), 16)
    s.feed_data(b"ab")
    s.feed_data(b"cd")
    s.feed_eof()
    assert s.is_eof() and not s.at_eof()
    assert await s.read() == b"abcd"
    assert s.at_eof()
    assert await s.read() == b""
    assert s.total_bytes == 4


async def test_stream_readline_across_chunks_and_limit():
    s = StreamReader(FlowRecorder(), 4)
    s.feed_data(b"ab")
    s.feed_data(b"c\nde")
    assert await s.readline() == b"abc\n"
    s.feed_data(b"f")
    s.feed_eof()
    assert await s.readline() == b"def"
    assert await s.readline() == b""

    s = StreamReader(FlowRecorder(), 2)
    s.feed_data(b"x" * 10)
    with pytest.raises(ValueError, match="Chunk too big"):
        await s.readline()


async def test_stream_readuntil_multibyte_separator_split():
    s = StreamReader(FlowRecorder(), 1024)
    s.feed_data(b"head\r")
    task = asyncio.ensure_future(s.readuntil(b"\r\n\r\n"))
    await asyncio.sleep(0)
    s.feed_data(b"\n\r")
    s.feed_data(b"\nrest")
    assert await task == b"head\r\n\r\n"
    assert s.read_nowait() == b"rest"


async def test_stream_waiters_and_exception():
    s = StreamReader(FlowRecorder(), 1024)
    task = asyncio.ensure_future(s.read(3))
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        await s.readany()
    s.feed_data(b"12345")
    assert await task == b"123"
    err = aiohttp.ClientPayloadError("broken")
    waiting = asyncio.ensure_future(s.read())
    await asyncio.sleep(0)
    s.set_exception(err)
    with pytest.raises(aiohttp.ClientPayloadError):
        await waiting
    assert s.exception() is err
    with pytest.raises(aiohttp.ClientPayloadError):
        await s.readany()


async def test_stream_on_eof_callbacks():
    s = StreamReader(FlowRecorder(), 1024)
    calls: list[int] = []
    s.on_eof(lambda: calls.append(1))
    s.feed_eof()
    s.on_eof(lambda: calls.append(2))
    assert calls == [1, 2]
    await s.wait_eof()


async def test_stream_back_pressure():
    flow = FlowRecorder()
    s = StreamReader(flow, 4)
    s.feed_data(b"123456789")
    assert flow.calls == []  # one piece alone never pauses, whatever its size
    s = StreamReader(flow, 4)
    s.feed_data(b"12345")
    assert flow.calls == []
    s.feed_data(b"6789")  # two pieces, 9 > 2 * limit
    assert flow.calls == ["pause"]
    assert await s.read(2) == b"12"
    assert flow.calls == ["pause"]  # 7 buffered: still above the low-water mark
    assert await s.read(5) == b"34567"
    assert flow.calls == ["pause", "resume"]


async def test_stream_iterators_and_unread():
    s = StreamReader(FlowRecorder(), 1024)
    s.feed_data(b"a\nbb\nccc")
    s.feed_eof()
    assert [line async for line in s] == [b"a\n", b"bb\n", b"ccc"]
    s = StreamReader(FlowRecorder(), 1024)
    s.feed_data(b"abcdefg")
    s.unread_data(b"XY")
    s.feed_eof()
    assert [c async for c in s.iter_chunked(3)] == [b"XYa", b"bcd", b"efg"]
    assert await EMPTY_PAYLOAD.read() == b""
    assert EMPTY_PAYLOAD.at_eof()


# ---- the protocol on real connections ----


async def test_small_body_complete_when_head_returns(session, echo_server: EchoServer):
    resp = await session.get(echo_server.url("/bytes/100"))
    # the body arrived with the head: nothing left to wait for, connection already pooled
    assert resp.content.is_eof()
    assert resp.connection is None
    assert len(await resp.read()) == 100


async def test_no_timer_armed_per_request(echo_server):
    loop = asyncio.get_running_loop()
    ours: list[str] = []
    original = loop.call_at

    def counting_call_at(when: float, cb: Any, *args: Any, **kw: Any) -> Any:
        stack = "".join(traceback.format_stack(limit=6))
        if "aiohttp_fast" in stack:
            ours.append(stack)
        return original(when, cb, *args, **kw)

    timeout = aiohttp.ClientTimeout(total=30, sock_read=10)
    async with aiohttp.ClientSession(timeout=timeout) as s:
        async with s.get(echo_server.url()) as resp:
            await resp.read()
        loop.call_at = counting_call_at  # type: ignore[method-assign]
        try:
            for _ in range(30):
                async with s.get(echo_server.url()) as resp:
                    await resp.read()
        finally:
            loop.call_at = original  # type: ignore[method-assign]
    assert ours == []


async def test_transport_paused_for_unread_body(raw_server: RawServer):
    size = 4 * 1024 * 1024
    sent = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        writer.write(b"x" * size)
        await writer.drain()
        sent.set()

    url = await raw_server.start(handler)
    async with aiohttp.ClientSession(read_bufsize=1024) as s:
        async with s.get(url) as resp:
            first = await resp.content.read(10)
            protocol = resp._protocol
            for _ in range(1000):
                if protocol._reading_paused:
                    break
                await asyncio.sleep(0.001)
            assert protocol._reading_paused
            buffered = resp.content._size
            assert buffered < size // 2
            rest = await resp.read()
    assert len(first) + len(rest) == size
    await sent.wait()


async def test_limits_from_session_and_request(raw_server):
    async def handler(reader, writer):
        while True:
            await read_head(reader)
            writer.write(
                b"HTTP/1.1 200 OK\r\nX-Long: " + b"v" * 200 + b"\r\nContent-Length: 0\r\n\r\n"
            )
            await writer.drain()

    url = await raw_server.start(handler)
    async with aiohttp.ClientSession(max_field_size=100) as s:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            await s.get(url)
        assert info.value.status == 400
        async with s.get(url, max_field_size=1000) as resp:
            assert resp.headers["X-Long"] == "v" * 200


async def test_custom_request_and_response_classes(echo_server):
    class MyResponse(aiohttp.ClientResponse):
        marker = "mine"

    class MyRequest(aiohttp.ClientRequest):
        pass

    async with aiohttp.ClientSession(request_class=MyRequest, response_class=MyResponse) as s:
        async with s.get(echo_server.url()) as resp:
            assert isinstance(resp, MyResponse)
            assert resp.marker == "mine"


async def test_trust_env_netrc(echo_server, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {echo_server.base.host} login nu password np\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with aiohttp.ClientSession(trust_env=True) as s:
        async with s.get(echo_server.url()) as resp:
            data = await resp.json()
    auth = [v for k, v in data["headers"] if k.lower() == "authorization"]
    assert auth == [aiohttp.BasicAuth("nu", "np").encode()]


async def test_stream_big_reads_release_back_pressure():
    # read() and readexactly() larger than the buffer limits must not deadlock a paused producer
    flow = FlowRecorder()
    s = StreamReader(flow, 4)

    async def produce() -> None:
        for _ in range(5):
            s.feed_data(b"01234")
            s.feed_data(b"56789")  # two pieces above the high-water mark: pause
            await asyncio.sleep(0)
        for _ in range(5):
            s.feed_data(b"0123456789")
            await asyncio.sleep(0)
        s.feed_eof()

    producer = asyncio.ensure_future(produce())
    assert await s.readexactly(55) == (b"0123456789" * 6)[:55]
    assert await s.read() == (b"0123456789" * 10)[55:]
    await producer
    assert "pause" in flow.calls and "resume" in flow.calls


@pytest.mark.parametrize("step", [1, 2, 7, 64])
async def test_response_split_at_every_boundary(session, raw_server, step):
    # head, chunked body with an extension and a trailer, then a second response on the same
    # connection: delivered in pieces of `step` bytes, each write flushed separately
    first = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
        b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    )
    second = b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc"

    async def handler(reader, writer):
        for payload in (first, second):
            await read_head(reader)
            for i in range(0, len(payload), step):
                writer.write(payload[i : i + step])
                await writer.drain()
                await asyncio.sleep(0)

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        assert resp.headers["X-A"] == "1"
        assert await resp.read() == b"hello world"
    async with session.get(url) as resp:
        assert resp.status == 201
        assert await resp.read() == b"abc"
    assert raw_server.connections == 1


async def test_stream_readchunk_reports_http_chunk_ends():
    s = StreamReader(FlowRecorder(), 1024)
    with pytest.raises(RuntimeError):
        s.end_http_chunk_receiving()  # not chunked
    s.begin_http_chunk_receiving()
    s.feed_data(b"abc")
    s.end_http_chunk_receiving()
    s.end_http_chunk_receiving()  # an empty chunk: not reported
    s.feed_data(b"de")
    s.feed_data(b"f")
    s.end_http_chunk_receiving()
    assert await s.readchunk() == (b"abc", True)
    assert await s.readchunk() == (b"def", True)  # the pieces of one chunk come together
    waiting = asyncio.ensure_future(s.readchunk())
    await asyncio.sleep(0)
    s.feed_data(b"gh")
    assert await waiting == (b"gh", False)  # the chunk's end is not known yet
    waiting = asyncio.ensure_future(s.readchunk())
    await asyncio.sleep(0)
    s.end_http_chunk_receiving()  # its end arrives alone
    assert await waiting == (b"", True)
    s.feed_data(b"ijk")
    s.end_http_chunk_receiving()
    s.feed_data(b"lm")
    assert await s.read(2) == b"ij"  # short of the end: it stands
    assert await s.readchunk() == (b"k", True)
    s.end_http_chunk_receiving()
    s.feed_data(b"n")
    assert await s.read(3) == b"lmn"  # read past the end: that end is dropped
    s.feed_data(b"o")
    s.feed_eof()
    assert await s.readchunk() == (b"o", False)
    assert await s.readchunk() == (b"", False)

    late = StreamReader(FlowRecorder(), 1024)
    late.feed_data(b"x")
    with pytest.raises(RuntimeError):
        late.begin_http_chunk_receiving()
