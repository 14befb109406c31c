"""upload_tracker=: what an UploadTracker reports for bodies a real server receives (or doesn't)."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator

import pytest

import aiohttp_fast as aiohttp
from tests.fixtures_client import EchoServer, RawServer, read_head


async def test_a_bytes_body_is_counted_once_sent(session, echo_server: EchoServer) -> None:
    tracker = aiohttp.UploadTracker()
    assert (tracker.attempts, tracker.bytes_written) == (0, 0)
    async with session.post(echo_server.url(), data=b"x" * 1000, upload_tracker=tracker) as resp:
        assert (await resp.json())["body"] == "x" * 1000
    assert await tracker.upload_complete is None
    assert (tracker.attempts, tracker.bytes_written) == (1, 1000)


async def test_a_large_body_written_apart_from_its_head(session, echo_server) -> None:
    body = bytes(range(256)) * 4096  # 1 MiB: past the size sent together with the head
    tracker = aiohttp.UploadTracker()
    async with session.put(echo_server.url(), data=body, upload_tracker=tracker) as resp:
        assert len((await resp.json())["body"]) == len(body)
    await tracker.upload_complete
    assert tracker.bytes_written == len(body)


async def test_no_body_completes_with_nothing_written(session, echo_server) -> None:
    tracker = aiohttp.UploadTracker()
    async with session.get(echo_server.url(), upload_tracker=tracker) as resp:
        assert resp.status == 200
    assert await tracker.upload_complete is None
    assert (tracker.attempts, tracker.bytes_written) == (1, 0)


async def test_a_streamed_body_is_counted_as_it_leaves(session, raw_server: RawServer) -> None:
    got: list[bytes] = []
    first_seen = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        got.append(await reader.readuntil(b"one\r\n"))  # the first chunk, framed
        first_seen.set()
        got.append(await reader.readuntil(b"0\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    url = await raw_server.start(handler)
    tracker = aiohttp.UploadTracker()
    midway: list[tuple[int, bool]] = []

    async def body() -> AsyncIterator[bytes]:
        yield b"one"
        await first_seen.wait()  # the server has it: nothing of it is left in our buffer
        midway.append((tracker.bytes_written, tracker.upload_complete.done()))
        yield b"second"

    async with session.post(url, data=body(), upload_tracker=tracker) as resp:
        assert resp.status == 200
    await tracker.upload_complete
    assert midway == [(3, False)]
    assert tracker.bytes_written == 9
    assert got == [b"3\r\none\r\n", b"6\r\nsecond\r\n0\r\n\r\n"]


async def test_a_compressed_body_counts_what_was_given(session, raw_server) -> None:
    got: list[bytes] = []

    async def handler(reader, writer):
        await read_head(reader)
        got.append(await reader.readuntil(b"0\r\n\r\n"))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    url = await raw_server.start(handler)
    tracker = aiohttp.UploadTracker()
    body = b"abc" * 5000
    async with session.post(url, data=body, compress="gzip", upload_tracker=tracker) as resp:
        assert resp.status == 200
    await tracker.upload_complete
    size, rest = got[0].split(b"\r\n", 1)
    assert gzip.decompress(rest[: int(size, 16)]) == body
    assert tracker.bytes_written == len(body)  # the payload, not the smaller wire bytes


async def test_a_redirect_that_resends_the_body_is_a_second_attempt(session, echo_server) -> None:
    tracker = aiohttp.UploadTracker()
    target = echo_server.url(f"/redirect/307?to={echo_server.url()}")
    async with session.post(target, data=b"again", upload_tracker=tracker) as resp:
        assert (await resp.json())["body"] == "again"
    await tracker.upload_complete
    assert (tracker.attempts, tracker.bytes_written) == (2, 5)


async def test_a_tracker_follows_one_request(session, echo_server) -> None:
    tracker = aiohttp.UploadTracker()
    async with session.post(echo_server.url(), data=b"1", upload_tracker=tracker):
        pass
    with pytest.raises(RuntimeError, match="already bound"):
        await session.post(echo_server.url(), data=b"2", upload_tracker=tracker)
    assert tracker.attempts == 1


def test_made_only_inside_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        aiohttp.UploadTracker()


async def test_a_refused_connection_aborts_the_upload(session, raw_server) -> None:
    url = await raw_server.start(lambda reader, writer: asyncio.sleep(0))
    await raw_server.close()  # nothing listens on that port any more
    tracker = aiohttp.UploadTracker()
    with pytest.raises(aiohttp.ClientConnectorError):
        await session.post(url, data=b"never", upload_tracker=tracker)
    with pytest.raises(aiohttp.UploadAbortedError):
        await tracker.upload_complete
    assert (tracker.attempts, tracker.bytes_written) == (1, 0)


async def test_a_refused_expect_100_aborts_the_upload(session, raw_server) -> None:
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        await reader.read(100)

    url = await raw_server.start(handler)
    tracker = aiohttp.UploadTracker()
    async with session.post(url, data=b"secret", expect100=True, upload_tracker=tracker) as resp:
        assert resp.status == 417
    with pytest.raises(aiohttp.UploadAbortedError):
        await tracker.upload_complete
    assert tracker.bytes_written == 0


async def test_a_body_cut_short_by_closing_the_response(session, raw_server) -> None:
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await reader.read()  # reads on until the client goes

    url = await raw_server.start(handler)
    tracker = aiohttp.UploadTracker()
    never = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b"part"
        await never.wait()  # the rest never comes
        yield b"rest"

    async with session.post(url, data=body(), upload_tracker=tracker) as resp:
        assert resp.status == 200
        assert not tracker.upload_complete.done()  # the request is over, the body is not
    # leaving the block closes the response, which stops its body writer
    with pytest.raises(aiohttp.UploadAbortedError):
        await asyncio.wait_for(tracker.upload_complete, 5)
    assert tracker.bytes_written == 4


@pytest.mark.parametrize("kind", ["bytes", "stream"])
async def test_an_early_answer_leaves_the_upload_unfinished(kind, session, raw_server) -> None:
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n"
                     b"Connection: close\r\n\r\n")
        await writer.drain()  # and closes, the body unread

    async def stream() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"x" * (1 << 20)

    url = await raw_server.start(handler)
    tracker = aiohttp.UploadTracker()
    data = b"x" * (20 << 20) if kind == "bytes" else stream()
    async with session.post(url, data=data, upload_tracker=tracker) as resp:
        assert resp.status == 413
    with pytest.raises((aiohttp.ClientError, OSError)):
        await asyncio.wait_for(tracker.upload_complete, 5)
    assert tracker.bytes_written < 20 << 20  # no socket buffers hold 20 MiB the server left

class _Buffered:
    """A transport stand-in holding ``size`` unsent bytes: the mapping's arithmetic alone."""

    def __init__(self) -> None:
        self.size = 0

    def get_write_buffer_size(self) -> int:
        return self.size

    def is_closing(self) -> bool:
        return False


async def test_bytes_written_maps_what_left_the_buffer_back_to_payload() -> None:
    tracker = aiohttp.UploadTracker()
    transport = _Buffered()
    attempt = tracker._attempt_started()
    tracker._writing(attempt, transport, 100)  # a 100-byte head went first
    transport.size = 1010
    tracker._wrote(attempt, 1000, 1110)  # 1000 payload bytes, 10 of framing
    transport.size = 2020
    tracker._wrote(attempt, 1000, 2120)
    assert tracker.bytes_written == 0  # only the head is out
    transport.size = 1020  # out to byte 1100: 1000 of the first write's 1010 wire bytes
    assert tracker.bytes_written == 1000 * 1000 // 1010
    transport.size = 0
    assert tracker.bytes_written == 2000
    tracker._wrote(attempt - 1, 500, 9999)  # a superseded attempt: ignored
    assert tracker.bytes_written == 2000
    tracker._finished(attempt)
    tracker._finalize()
    assert await tracker.upload_complete is None


async def test_a_request_refused_before_sending_settles_the_tracker(echo_server) -> None:
    async with aiohttp.ClientSession() as session:
        tracker = aiohttp.UploadTracker()
        with pytest.raises(ValueError, match="data and json"):
            await session.post(echo_server.url(), data=b"1", json=1, upload_tracker=tracker)
        with pytest.raises(aiohttp.UploadAbortedError):
            await tracker.upload_complete
        assert tracker.attempts == 0
    closed = aiohttp.UploadTracker()
    with pytest.raises(RuntimeError, match="closed"):
        await session.post(echo_server.url(), data=b"1", upload_tracker=closed)
    with pytest.raises(aiohttp.UploadAbortedError):
        await closed.upload_complete


async def test_cancelling_the_request_mid_upload_aborts_it(session, raw_server) -> None:
    got_part = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        await reader.readuntil(b"part\r\n")
        got_part.set()
        await reader.read()  # never answers

    url = await raw_server.start(handler)
    tracker = aiohttp.UploadTracker()
    never = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b"part"
        await never.wait()
        yield b"rest"

    task = asyncio.ensure_future(session.post(url, data=body(), upload_tracker=tracker))
    await got_part.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    with pytest.raises(aiohttp.UploadAbortedError):
        await asyncio.wait_for(tracker.upload_complete, 5)
    assert tracker.bytes_written == 4
