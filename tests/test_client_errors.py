"""Failures: disconnects, broken bodies, timeouts, retries, cancellation, session misuse."""

from __future__ import annotations

import asyncio
import gc
import socket

import pytest

import aiohttp_fast as aiohttp
from aiohttp_fast.tracing import TraceConfig
from tests.fixtures_client import EchoServer, RawServer, read_head

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def test_server_disconnects_before_response(session, raw_server: RawServer):
    async def handler(reader, writer):
        await read_head(reader)

    url = await raw_server.start(handler)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await session.get(url)


async def test_payload_truncated_content_length(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten..")
        await writer.drain()

    url = await raw_server.start(handler)
    resp = await session.get(url)
    with pytest.raises(aiohttp.ClientPayloadError):
        await resp.read()


async def test_payload_truncated_chunked(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        await writer.drain()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()


async def test_bad_chunk_framing(session, raw_server):
    # The head arrives first, the broken chunk later: the body fails (had both come in one
    # read, the head would fail with ClientResponseError, as aiohttp's does).
    go_on = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        await writer.drain()
        await go_on.wait()
        writer.write(b"zz\r\nhello\r\n")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        go_on.set()
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()


async def test_bad_status_line(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 abc Nope\r\n\r\n")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await session.get(url)
    assert info.value.status == 400


async def test_corrupt_gzip_body(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\nnotgzip!"
        )
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()


async def test_connection_refused(session):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(aiohttp.ClientConnectorError):
        await session.get(f"http://127.0.0.1:{port}/")


async def test_sock_read_timeout_waiting_for_head(raw_server):
    closed = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        await reader.read()  # until the client gives up
        closed.set()

    url = await raw_server.start(handler)
    timeout = aiohttp.ClientTimeout(sock_read=0.05)
    async with aiohttp.ClientSession(timeout=timeout) as s:
        with pytest.raises(aiohttp.SocketTimeoutError):
            await s.get(url)
        await closed.wait()


async def test_sock_read_timeout_mid_body(raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_read=0.05)) as s:
        async with s.get(url) as resp:
            with pytest.raises(asyncio.TimeoutError):
                await resp.read()


async def test_total_timeout(raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        await reader.read()

    url = await raw_server.start(handler)
    async with aiohttp.ClientSession() as s:
        with pytest.raises(asyncio.TimeoutError) as info:
            await s.get(url, timeout=aiohttp.ClientTimeout(total=0.05))
        # aiohttp's total timeout: a bare asyncio.TimeoutError, not a ClientError
        assert type(info.value) is asyncio.TimeoutError


async def test_timeouts_not_fired_when_fast(echo_server: EchoServer):
    # a short sock_read that a prompt server never hits, across reuse of one connection
    tm = aiohttp.ClientTimeout(total=5, sock_read=1)
    async with aiohttp.ClientSession(timeout=tm) as s:
        for _ in range(20):
            async with s.get(echo_server.url()) as resp:
                assert resp.status == 200


async def test_stale_keepalive_retried_for_idempotent(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(OK)
        await writer.drain()
        if raw_server.connections == 1:
            # read the next request and drop the connection without answering
            await read_head(reader)
            return
        while True:
            await read_head(reader)
            writer.write(OK)
            await writer.drain()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        assert await resp.read() == b"ok"
    async with session.get(url) as resp:
        assert await resp.read() == b"ok"
    assert raw_server.connections == 2


async def test_stale_keepalive_not_retried_for_post(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(OK)
        await writer.drain()
        await read_head(reader)

    url = await raw_server.start(handler)
    async with session.post(url, data=b"1") as resp:
        await resp.read()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await session.post(url, data=b"2")
    assert raw_server.connections == 1


async def test_cancel_while_waiting_closes_connection(session, raw_server):
    got_request = asyncio.Event()
    closed = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        got_request.set()
        await reader.read()
        closed.set()

    url = await raw_server.start(handler)
    task = asyncio.ensure_future(session.get(url))
    await got_request.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await closed.wait()
    assert not session.connector._acquired


async def test_cancel_while_reading_body_closes_connection(session, raw_server):
    closed = asyncio.Event()

    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await reader.read()
        closed.set()

    url = await raw_server.start(handler)
    resp = await session.get(url)
    task = asyncio.ensure_future(resp.read())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await closed.wait()
    assert resp.closed
    assert not session.connector._acquired


async def test_session_closed_errors():
    s = aiohttp.ClientSession()
    await s.close()
    assert s.closed
    with pytest.raises(RuntimeError):
        await s.get("http://127.0.0.1:1/")
    await s.close()  # idempotent


async def test_unclosed_session_warns():
    loop = asyncio.get_running_loop()
    handler_calls = []
    old = loop.get_exception_handler()
    loop.set_exception_handler(lambda lp, ctx: handler_calls.append(ctx))
    try:
        s = aiohttp.ClientSession()
        connector = s.connector
        with pytest.warns(ResourceWarning, match="Unclosed client session"):
            del s
            gc.collect()
        await connector.close()
    finally:
        loop.set_exception_handler(old)
    assert handler_calls and handler_calls[0]["message"] == "Unclosed client session"


async def test_tracing_request_lifecycle(echo_server):
    events = []

    async def rec(name):
        async def handler(session, ctx, params):
            events.append((name, ctx.trace_request_ctx))
        return handler

    tc = TraceConfig()
    tc.on_request_start.append(await rec("start"))
    tc.on_request_headers_sent.append(await rec("headers"))
    tc.on_request_chunk_sent.append(await rec("chunk"))
    tc.on_response_chunk_received.append(await rec("response_chunk"))
    tc.on_request_end.append(await rec("end"))
    tc.on_request_exception.append(await rec("exception"))
    async with aiohttp.ClientSession(trace_configs=[tc]) as s:
        async with s.post(echo_server.url(), data=b"x", trace_request_ctx="ctx") as resp:
            await resp.read()
        names = [n for n, _ in events]
        assert names == ["start", "headers", "chunk", "end", "response_chunk"]
        assert all(c == "ctx" for _, c in events)
        events.clear()
        with pytest.raises(aiohttp.ClientConnectorError):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            await s.get(f"http://127.0.0.1:{port}/")
        assert [n for n, _ in events] == ["start", "exception"]


async def test_many_concurrent_requests_respect_limit(echo_server):
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=connector) as s:

        async def one(i: int) -> int:
            async with s.get(echo_server.url(), params={"i": str(i)}) as resp:
                data = await resp.json()
                assert data["query"] == [["i", str(i)]]
                return data["peer_port"]

        ports = await asyncio.gather(*(one(i) for i in range(200)))
        assert len(set(ports)) <= 8
        assert not connector._acquired


async def test_cancellation_storm_leaves_no_connection_behind(raw_server):
    release = asyncio.Event()

    async def handler(reader, writer):
        while True:
            await read_head(reader)
            await release.wait()
            writer.write(OK)
            await writer.drain()

    url = await raw_server.start(handler)
    connector = aiohttp.TCPConnector(limit=10)
    async with aiohttp.ClientSession(connector=connector) as s:

        async def one() -> bytes:
            async with s.get(url) as resp:
                return await resp.read()

        tasks = [asyncio.ensure_future(one()) for _ in range(40)]
        for _ in range(20):
            await asyncio.sleep(0)
        for t in tasks[::2]:
            t.cancel()
        release.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        done = [r for r in results if r == b"ok"]
        cancelled = [r for r in results if isinstance(r, asyncio.CancelledError)]
        assert len(done) + len(cancelled) == 40
        assert len(done) >= 20
        assert not connector._acquired
        async with s.get(url) as resp:
            assert await resp.read() == b"ok"


async def test_sock_read_not_counted_while_uploading(session, echo_server):
    # a streamed body slower than sock_read: the read timeout starts once the body is out
    async def slow_body():
        yield b"first "
        await asyncio.sleep(0.15)  # longer than sock_read: the upload itself is slow
        yield b"second"

    tm = aiohttp.ClientTimeout(sock_read=0.05)
    async with session.post(echo_server.url(), data=slow_body(), timeout=tm) as resp:
        data = await resp.json()
    assert data["body"] == "first second"


async def test_connect_timeout_waiting_for_pool_slot(echo_server):
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as s:
        held = await s.get(echo_server.url("/bytes/2000000"))  # body unread: slot stays taken
        with pytest.raises(aiohttp.ConnectionTimeoutError) as info:
            await s.get(echo_server.url(), timeout=aiohttp.ClientTimeout(connect=0.05))
        assert isinstance(info.value, asyncio.TimeoutError)
        held.close()
        async with s.get(echo_server.url()) as resp:
            assert resp.status == 200
