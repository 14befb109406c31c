"""Hostile servers and hostile input, request side: injection attempts are refused before a
byte is sent, 100-continue games, cancellation at every stage, broken TLS.

As in test_hostile_response.py, each test ends with the pool clean and the session still
working (``assert_pool_clean``).
"""

from __future__ import annotations

import asyncio

import pytest

import aiohttp_fast as aiohttp
from tests.fixtures_hostile import (
    OK_RESPONSE,
    acquired,
    assert_pool_clean,
    read_request_head,
    reset,
    respond_with,
)


def _recording():
    """A handler that records everything the client sends until it hangs up."""
    seen: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    async def handler(reader, writer):
        data = b""
        try:
            while chunk := await reader.read(65536):
                data += chunk
        finally:
            if not seen.done():
                seen.set_result(data)

    return handler, seen


# ---- injection: refused before anything is written ----

BAD_HEADERS = [
    {"X-Evil": "a\r\nInjected: 1"},
    {"X-Evil": "a\nInjected: 1"},
    {"X-Evil": "a\rb"},
    {"X-Evil": "a\x00b"},
    {"X-Evil\r\nInjected": "1"},
    {"X Evil": "1"},
    {"": "1"},
]


@pytest.mark.parametrize("headers", BAD_HEADERS, ids=lambda h: repr(h)[:30])
async def test_control_chars_in_headers_are_value_error(headers, hsession, hostile, good_server):
    handler, seen = _recording()
    server = await hostile(handler)
    with pytest.raises(ValueError):
        await hsession.get(server.url, headers=headers)
    # aiohttp connects first too; what matters is that nothing was written
    if server.connections:
        assert await asyncio.wait_for(seen, timeout=5) == b""
    await assert_pool_clean(hsession, good_server)


@pytest.mark.parametrize(
    "method", ["GET\r\nX-Injected: 1", "GET\n", "GE T", "GET\x00", "", "G(ET"]
)
async def test_bad_method_is_value_error_before_connecting(method, hsession, hostile, good_server):
    server = await hostile(respond_with(OK_RESPONSE))
    with pytest.raises(ValueError):
        await hsession.request(method, server.url)
    assert server.connections == 0
    await assert_pool_clean(hsession, good_server)


@pytest.mark.parametrize(
    "path, params",
    [
        ("/a\r\nX-Injected: 1", None),
        ("/a?q=1\r\nX-Injected: 1", None),
        ("/a", {"q": "1\r\nX-Injected: 1"}),
        ("/a b", None),
    ],
)
async def test_control_chars_in_url_are_percent_encoded(path, params, hsession, hostile,
                                                         good_server):
    heads: list[bytes] = []

    async def handler(reader, writer):
        while head := await read_request_head(reader):
            heads.append(head)
            writer.write(OK_RESPONSE)
            await writer.drain()

    server = await hostile(handler)
    async with hsession.get(str(server.url).rstrip("/") + path, params=params) as resp:
        assert await resp.read() == b"ok"
    (head,) = heads
    request_line, *header_lines = head.split(b"\r\n")
    assert request_line.count(b" ") == 2
    assert not any(line.lower().startswith(b"x-injected") for line in header_lines)
    await assert_pool_clean(hsession, good_server)


async def test_invalid_url_is_invalid_url_client_error(hsession, good_server):
    with pytest.raises(aiohttp.InvalidURL):
        await hsession.get("http://[::1/")
    with pytest.raises(aiohttp.InvalidURL):
        await hsession.get("/relative/without/base")
    await assert_pool_clean(hsession, good_server)


# ---- 100-continue games ----


async def test_417_instead_of_100_continue(hsession, hostile, good_server):
    handler, seen = _recording()

    async def answer_417(reader, writer):
        await read_request_head(reader)
        writer.write(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        await handler(reader, writer)

    server = await hostile(answer_417)
    async with hsession.post(server.url, data=b"secret body", expect100=True) as resp:
        assert resp.status == 417
        assert await resp.read() == b""
    assert await asyncio.wait_for(seen, timeout=5) == b""  # the body was never sent
    await assert_pool_clean(hsession, good_server)


async def test_100_continue_then_server_closes(hsession, hostile, good_server):
    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
        await reader.readexactly(5)

    server = await hostile(handler)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await hsession.post(server.url, data=b"hello", expect100=True)
    await assert_pool_clean(hsession, good_server)


async def test_final_answer_without_reading_the_body(hsession, hostile, good_server):
    server = await hostile(respond_with(OK_RESPONSE, then="hold"))
    for _ in range(2):
        async with hsession.post(server.url, data=b"hello", expect100=True) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"
    # the server may still expect the body: such a connection is never reused
    assert server.connections == 2
    await assert_pool_clean(hsession, good_server)


async def test_100_continue_nobody_asked_for(hsession, hostile, good_server):
    server = await hostile(
        respond_with(b"HTTP/1.1 100 Continue\r\n\r\n" + OK_RESPONSE, then="hold")
    )
    async with hsession.post(server.url, data=b"hello") as resp:
        assert resp.status == 200
        assert await resp.read() == b"ok"
    await assert_pool_clean(hsession, good_server)


async def test_expect100_to_a_silent_server_times_out(hsession, hostile, good_server):
    server = await hostile(respond_with(b"", then="hold"))
    timeout = aiohttp.ClientTimeout(total=0.3)
    with pytest.raises(asyncio.TimeoutError) as info:
        await hsession.post(server.url, data=b"hello", expect100=True, timeout=timeout)
    assert not isinstance(info.value, aiohttp.ClientError)  # the total timeout, as aiohttp
    await assert_pool_clean(hsession, good_server)


async def test_expect100_to_a_silent_server_hits_sock_read(hsession, hostile, good_server):
    # waiting for "100 Continue" is reading, not sending: sock_read alone ends it (aiohttp
    # would wait forever here)
    server = await hostile(respond_with(b"", then="hold"))
    timeout = aiohttp.ClientTimeout(total=None, sock_read=0.2)
    with pytest.raises(aiohttp.SocketTimeoutError):
        await hsession.post(server.url, data=b"hello", expect100=True, timeout=timeout)
    await assert_pool_clean(hsession, good_server)


async def test_expect100_slow_upload_after_continue_is_not_sock_read(hsession, hostile,
                                                                     good_server):
    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
        await reader.readuntil(b"0\r\n\r\n")  # the whole chunked body
        writer.write(OK_RESPONSE)
        await writer.drain()

    slow_part = asyncio.Event()

    async def body():
        yield b"first"
        await slow_part.wait()
        yield b"second"

    server = await hostile(handler)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=0.2)
    task = asyncio.ensure_future(
        hsession.post(server.url, data=body(), expect100=True, timeout=timeout)
    )
    # uploading for longer than sock_read must not time out: the server is not the one late
    await asyncio.sleep(0.4)
    slow_part.set()
    async with await task as resp:
        assert await resp.read() == b"ok"
    await assert_pool_clean(hsession, good_server)


# ---- cancellation: the connection is closed, never pooled ----


def _hold_after(data: bytes, closed: asyncio.Future[None], answered: asyncio.Event | None = None):
    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(data)
        await writer.drain()
        if answered is not None:
            answered.set()
        await reader.read()  # until the client hangs up
        closed.set_result(None)

    return handler


@pytest.mark.parametrize(
    "sent",
    [b"", b"HTTP/1.1 200 OK\r\nContent-Le"],
    ids=["waiting_for_head", "mid_head"],
)
async def test_cancel_before_the_head_closes_connection(sent, hsession, hostile, good_server):
    closed = asyncio.get_running_loop().create_future()
    answered = asyncio.Event()
    server = await hostile(_hold_after(sent, closed, answered))

    async def fetch():
        async with hsession.get(server.url) as resp:
            await resp.read()

    task = asyncio.ensure_future(fetch())
    await answered.wait()  # the request is out; the client waits for (the rest of) the head
    assert acquired(hsession) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(closed, timeout=5)  # the server saw the connection end
    await assert_pool_clean(hsession, good_server)


async def test_cancel_mid_body_closes_connection(hsession, hostile, good_server):
    closed = asyncio.get_running_loop().create_future()
    server = await hostile(
        _hold_after(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc", closed)
    )
    got_head = asyncio.Event()

    async def fetch():
        async with hsession.get(server.url) as resp:
            assert await resp.content.readexactly(3) == b"abc"
            got_head.set()
            await resp.read()

    task = asyncio.ensure_future(fetch())
    await got_head.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(closed, timeout=5)
    await assert_pool_clean(hsession, good_server)


async def test_cancel_while_streaming_request_body(hsession, hostile, good_server):
    closed = asyncio.get_running_loop().create_future()
    server = await hostile(_hold_after(b"", closed))
    sent_some = asyncio.Event()

    async def body():
        yield b"first part"
        sent_some.set()
        await asyncio.Event().wait()  # never finishes on its own
        yield b"never"

    task = asyncio.ensure_future(hsession.post(server.url, data=body()))
    await sent_some.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(closed, timeout=5)
    await assert_pool_clean(hsession, good_server)


async def test_response_dropped_unread_closes_connection(hsession, hostile, good_server):
    closed = asyncio.get_running_loop().create_future()
    server = await hostile(
        _hold_after(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc", closed)
    )
    resp = await hsession.get(server.url)
    resp.release()  # body not read: the connection can not be reused
    await asyncio.wait_for(closed, timeout=5)
    await assert_pool_clean(hsession, good_server)


# ---- TLS: a server that is not one, or gives up mid-handshake ----


async def test_https_to_plain_http_server(hsession, hostile, good_server):
    async def plain_http(reader, writer):
        await reader.read(1024)  # a ClientHello, which is no request: a plain server says 400
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    server = await hostile(plain_http)
    url = server.url.with_scheme("https")
    for ssl in (False, None):
        with pytest.raises(aiohttp.ClientConnectorSSLError):
            await hsession.get(url, ssl=ssl)
    await assert_pool_clean(hsession, good_server)


async def _read_client_hello(reader):
    await reader.read(5)  # the start of the ClientHello


@pytest.mark.parametrize("how", ["close", "reset"])
async def test_tls_server_gives_up_mid_handshake(how, hsession, hostile, good_server):
    async def handler(reader, writer):
        await _read_client_hello(reader)
        if how == "reset":
            reset(writer)

    server = await hostile(handler)
    with pytest.raises(aiohttp.ClientConnectorError) as info:
        await hsession.get(server.url.with_scheme("https"), ssl=False)
    assert info.value.host == "127.0.0.1"
    await assert_pool_clean(hsession, good_server)


async def test_tls_server_sends_garbage(hsession, hostile, good_server):
    async def handler(reader, writer):
        await _read_client_hello(reader)
        writer.write(b"\x16\x03\x01\x00\x05hello" * 3)
        await writer.drain()

    server = await hostile(handler)
    with pytest.raises(aiohttp.ClientConnectorSSLError):
        await hsession.get(server.url.with_scheme("https"), ssl=False)
    await assert_pool_clean(hsession, good_server)


async def test_tls_server_silent_during_handshake(hsession, hostile, good_server):
    async def handler(reader, writer):
        await _read_client_hello(reader)
        await reader.read()

    server = await hostile(handler)
    timeout = aiohttp.ClientTimeout(total=0.3)
    with pytest.raises(asyncio.TimeoutError):
        await hsession.get(server.url.with_scheme("https"), ssl=False, timeout=timeout)
    await assert_pool_clean(hsession, good_server)


# ---- a server that answers before taking the whole request body ----


async def _answer_413_and_close(reader, writer):
    await read_request_head(reader)
    writer.write(
        b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()


async def _big_stream():
    for _ in range(40):
        yield b"x" * (1 << 20)


@pytest.mark.parametrize("kind", ["bytes", "stream"])
async def test_early_answer_to_a_large_upload_is_the_result(kind, hsession, hostile,
                                                             good_server):
    server = await hostile(_answer_413_and_close)
    data = b"x" * (20 << 20) if kind == "bytes" else _big_stream()
    async with hsession.post(server.url, data=data) as resp:
        assert resp.status == 413
        assert await resp.read() == b""
    await assert_pool_clean(hsession, good_server)


async def test_cancel_during_tls_handshake(hsession, hostile, good_server):
    hello = asyncio.Event()

    async def handler(reader, writer):
        await _read_client_hello(reader)
        hello.set()
        await reader.read()

    server = await hostile(handler)
    task = asyncio.ensure_future(hsession.get(server.url.with_scheme("https"), ssl=False))
    await hello.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await assert_pool_clean(hsession, good_server)


# ---- one connection slot: a failure of any kind must give it back ----


async def test_failures_never_keep_the_only_slot(hostile, good_server):
    servers = [
        await hostile(respond_with(b"GARBAGE\r\n\r\n")),
        await hostile(respond_with(b"", then="reset")),
        await hostile(respond_with(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")),
        await hostile(respond_with(b"", then="hold")),
    ]
    connector = aiohttp.TCPConnector(limit=1)
    timeout = aiohttp.ClientTimeout(total=10, sock_read=0.2)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def fetch(server):
            async with session.get(server.url) as resp:
                return await resp.read()

        for _ in range(2):
            results = await asyncio.gather(*(fetch(s) for s in servers), return_exceptions=True)
            assert [type(r) for r in results] == [
                aiohttp.ClientResponseError,
                aiohttp.ClientOSError,
                aiohttp.ClientPayloadError,
                aiohttp.SocketTimeoutError,
            ]
        await assert_pool_clean(session, good_server)


# ---- the same hostile answers over TLS ----

TLS_CASES = {
    "content_length_cut": (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "close",
                           aiohttp.ClientPayloadError),
    "reset_mid_body": (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "reset",
                       aiohttp.ClientPayloadError),
    "chunked_cut": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", "close",
                    aiohttp.ClientPayloadError),
    "garbage_head": (b"GARBAGE\r\n\r\n", "hold", aiohttp.ClientResponseError),
    "close_before_head": (b"", "close", aiohttp.ServerDisconnectedError),
}


@pytest.mark.parametrize("name", sorted(TLS_CASES))
async def test_hostile_answers_over_tls(name, hostile, good_server, server_ssl_ctx,
                                        client_ssl_ctx):
    data, then, expected = TLS_CASES[name]
    server = await hostile(respond_with(data, then=then), ssl=server_ssl_ctx)
    connector = aiohttp.TCPConnector(ssl=client_ssl_ctx)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        url = server.url.with_host("localhost")
        with pytest.raises(expected):
            async with session.get(url) as resp:
                await resp.read()
        await assert_pool_clean(session, good_server)
