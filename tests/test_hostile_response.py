"""Hostile servers, response side: every malformed, cut or endless response gets the exception
class aiohttp raises for it, nothing hangs, and the pool is clean afterwards.

Each test ends with ``assert_pool_clean``: no connection left lent out, and the same session
still gets answers from a good server on a reused connection.
"""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib

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

HEAD_200 = b"HTTP/1.1 200 OK\r\n"
CL0 = b"Content-Length: 0\r\n\r\n"

# Responses whose head is broken: aiohttp raises ClientResponseError(status=400) from the
# request itself, the parser's message in ``message``.
BROKEN_HEADS = {
    "garbage": b"GARBAGE\r\n\r\n",
    "http09_body": b"hello world, no status line",
    "status_non_digits": b"HTTP/1.1 2x0 OK\r\n" + CL0,
    "status_four_digits": b"HTTP/1.1 2000 OK\r\n" + CL0,
    "status_arabic_indic_digits": "HTTP/1.1 ٢٠٠ OK\r\n".encode() + CL0,
    "bad_version": b"HTTP/1.x 200 OK\r\n" + CL0,
    "status_line_too_long": b"HTTP/1.1 200 " + b"r" * 9000 + b"\r\n" + CL0,
    "header_too_long": HEAD_200 + b"X-Long: " + b"v" * 9000 + b"\r\n" + CL0,
    "header_name_too_long": HEAD_200 + b"X" * 9000 + b": v\r\n" + CL0,
    "too_many_headers": HEAD_200 + b"".join(b"X-%d: v\r\n" % i for i in range(200)) + CL0,
    "nul_in_value": HEAD_200 + b"X: a\x00b\r\n" + CL0,
    "cr_in_value": HEAD_200 + b"X: a\rb\r\n" + CL0,
    "space_before_colon": HEAD_200 + b"X : a\r\n" + CL0,
    "space_in_name": HEAD_200 + b"X Y: a\r\n" + CL0,
    "empty_name": HEAD_200 + b": a\r\n" + CL0,
    "no_colon": HEAD_200 + b"NoColon\r\n" + CL0,
    # RFC 9112 lets a client unfold obs-fold; this client's parser is strict (CONTRACTS.md)
    "obs_fold": HEAD_200 + b"X: a\r\n b\r\n" + CL0,
    "content_length_and_chunked": (
        HEAD_200 + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    ),
    "two_content_lengths": HEAD_200 + b"Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "same_content_length_twice": HEAD_200 + b"Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    "content_length_list": HEAD_200 + b"Content-Length: 3, 3\r\n\r\nabc",
    "negative_content_length": HEAD_200 + b"Content-Length: -3\r\n\r\nabc",
    "plus_content_length": HEAD_200 + b"Content-Length: +3\r\n\r\nabc",
    "non_numeric_content_length": HEAD_200 + b"Content-Length: abc\r\n\r\nabc",
    "content_length_overflow": HEAD_200 + b"Content-Length: 99999999999999999999999\r\n\r\n",
    # a body broken in the same read as its head: aiohttp fails the head as well
    "bad_chunk_size": HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
    "chunk_size_overflow": HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n1FFFFFFFFFFFFFFFF\r\n",
    "no_crlf_after_chunk": HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    "bad_chunk_extension": (
        HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n3;\x00\r\nabc\r\n0\r\n\r\n"
    ),
    "garbage_after_100": b"HTTP/1.1 100 Continue\r\n\r\nGARBAGE\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_HEADS))
async def test_broken_head_is_client_response_error_400(name, hsession, hostile, good_server):
    server = await hostile(respond_with(BROKEN_HEADS[name], then="hold"))
    with pytest.raises(aiohttp.ClientResponseError) as info:
        async with hsession.get(server.url) as resp:
            await resp.read()
    exc = info.value
    assert type(exc) is aiohttp.ClientResponseError
    assert exc.status == 400
    assert exc.message
    assert exc.request_info.url == server.url
    await assert_pool_clean(hsession, good_server)


async def test_endless_header_section_stops_at_max_headers(hsession, hostile, good_server):
    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(HEAD_200)
        i = 0
        while True:  # until the client hangs up
            writer.write(b"".join(b"X-%d: v\r\n" % n for n in range(i, i + 100)))
            i += 100
            await writer.drain()

    server = await hostile(handler)
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await hsession.get(server.url)
    assert info.value.status == 400
    assert "header" in info.value.message.lower()
    await assert_pool_clean(hsession, good_server)


async def test_endless_header_value_stops_at_max_field_size(hsession, hostile, good_server):
    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(HEAD_200 + b"X-Endless: ")
        while True:
            writer.write(b"v" * 65536)
            await writer.drain()

    server = await hostile(handler)
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await hsession.get(server.url)
    assert info.value.status == 400
    await assert_pool_clean(hsession, good_server)


async def test_limits_follow_session_settings(hostile, good_server):
    server = await hostile(respond_with(HEAD_200 + b"X: " + b"v" * 100 + b"\r\n" + CL0))
    async with aiohttp.ClientSession(max_field_size=50) as session:
        with pytest.raises(aiohttp.ClientResponseError) as info:
            await session.get(server.url)
        assert info.value.status == 400
        await assert_pool_clean(session, good_server)


# ---- bodies cut short or broken after the head arrived ----

CUT_BODIES = {
    "content_length_cut": HEAD_200 + b"Content-Length: 10\r\n\r\nabc",
    "chunked_without_final_chunk": HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    "chunked_cut_inside_chunk": HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n10\r\nabc",
    "enormous_chunk_size": HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc",
    "corrupt_gzip": HEAD_200 + b"Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\n0123456789",
    "corrupt_deflate": (
        HEAD_200 + b"Content-Encoding: deflate\r\nContent-Length: 10\r\n\r\n0123456789"
    ),
}


@pytest.mark.parametrize("then", ["close", "reset"])
@pytest.mark.parametrize("name", sorted(CUT_BODIES))
async def test_cut_or_broken_body_is_payload_error(name, then, hsession, hostile, good_server):
    server = await hostile(respond_with(CUT_BODIES[name], then=then))
    async with hsession.get(server.url) as resp:
        assert resp.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    await assert_pool_clean(hsession, good_server)


async def test_reset_mid_body_while_streaming(hsession, hostile, good_server):
    got_some = asyncio.Event()

    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(HEAD_200 + b"Content-Length: 100000\r\n\r\n" + b"x" * 1000)
        await writer.drain()
        await got_some.wait()
        reset(writer)

    server = await hostile(handler)
    async with hsession.get(server.url) as resp:
        assert await resp.content.readexactly(1000) == b"x" * 1000
        got_some.set()
        with pytest.raises(aiohttp.ClientPayloadError):
            async for _ in resp.content.iter_chunked(1024):
                pass
    await assert_pool_clean(hsession, good_server)


async def test_close_before_any_byte_is_server_disconnected(hsession, hostile, good_server):
    server = await hostile(respond_with(b"", then="close"))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await hsession.get(server.url)
    await assert_pool_clean(hsession, good_server)


async def test_close_mid_head_is_server_disconnected(hsession, hostile, good_server):
    server = await hostile(respond_with(HEAD_200 + b"Content-Le", then="close"))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await hsession.get(server.url)
    await assert_pool_clean(hsession, good_server)


@pytest.mark.parametrize("sent", [b"", HEAD_200 + b"Content-Le"], ids=["before_head", "mid_head"])
async def test_reset_before_response_is_client_os_error(sent, hsession, hostile, good_server):
    server = await hostile(respond_with(sent, then="reset"))
    with pytest.raises(aiohttp.ClientOSError) as info:
        await hsession.get(server.url)
    assert not isinstance(info.value, aiohttp.ClientConnectorError)  # the connect succeeded
    await assert_pool_clean(hsession, good_server)


# ---- timeouts: silence and trickles ----


async def test_silent_server_hits_sock_read(hsession, hostile, good_server):
    server = await hostile(respond_with(b"", then="hold"))
    timeout = aiohttp.ClientTimeout(total=10, sock_read=0.2)
    with pytest.raises(aiohttp.SocketTimeoutError):
        await hsession.get(server.url, timeout=timeout)
    await assert_pool_clean(hsession, good_server)


async def test_silent_mid_body_hits_sock_read(hsession, hostile, good_server):
    server = await hostile(respond_with(HEAD_200 + b"Content-Length: 10\r\n\r\nabc", then="hold"))
    timeout = aiohttp.ClientTimeout(total=10, sock_read=0.2)
    async with hsession.get(server.url, timeout=timeout) as resp:
        with pytest.raises(aiohttp.SocketTimeoutError):
            await resp.read()
    await assert_pool_clean(hsession, good_server)


def _trickler(prefix: bytes):
    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(prefix)
        while True:  # one byte per 10 ms, forever
            writer.write(b"a")
            await writer.drain()
            await asyncio.sleep(0.01)

    return handler


@pytest.mark.parametrize(
    "prefix",
    [HEAD_200 + b"Content-Length: 1000000\r\n\r\n", HEAD_200 + b"X-Slow: "],
    ids=["body", "head"],
)
async def test_trickling_server_hits_total_timeout(prefix, hsession, hostile, good_server):
    server = await hostile(_trickler(prefix))
    timeout = aiohttp.ClientTimeout(total=0.3, sock_read=5)
    with pytest.raises(asyncio.TimeoutError) as info:
        async with hsession.get(server.url, timeout=timeout) as resp:
            await resp.read()
    assert type(info.value) is asyncio.TimeoutError  # the total timeout, as aiohttp
    await assert_pool_clean(hsession, good_server)


# ---- framing games on keep-alive connections ----


def _then_second_request(first: bytes):
    """Answer the first request with ``first`` (which carries extra bytes) and keep the
    connection open: a client that reuses it would read the extra bytes as its next answer."""

    sent_first = False

    async def handler(reader, writer):
        nonlocal sent_first
        if not sent_first:  # only the first connection misbehaves
            sent_first = True
            await read_request_head(reader)
            writer.write(first)
            await writer.drain()
        while await read_request_head(reader):
            writer.write(OK_RESPONSE)
            await writer.drain()

    return handler


EXTRA_AFTER_BODY = {
    "whole_response": OK_RESPONSE + b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil",
    "partial_head": OK_RESPONSE + b"HTTP/1.1 200 OK\r\nContent-Len",
    "garbage": OK_RESPONSE + b"garbage",
    "chunked_then_response": (
        HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"
    ),
}


@pytest.mark.parametrize("name", sorted(EXTRA_AFTER_BODY))
async def test_bytes_after_body_do_not_poison_next_request(name, hsession, hostile, good_server):
    server = await hostile(_then_second_request(EXTRA_AFTER_BODY[name]))
    for _ in range(2):
        async with hsession.get(server.url) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"
    assert server.connections == 2  # the first connection was not reused
    await assert_pool_clean(hsession, good_server)


async def test_bytes_arriving_on_idle_connection_close_it(hsession, hostile, good_server):
    released = asyncio.Event()

    async def handler(reader, writer):
        await read_request_head(reader)
        writer.write(OK_RESPONSE)
        await writer.drain()
        await released.wait()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil")
        await writer.drain()
        while await read_request_head(reader):
            writer.write(OK_RESPONSE)
            await writer.drain()

    server = await hostile(handler)
    async with hsession.get(server.url) as resp:
        assert await resp.read() == b"ok"
        idle = resp._protocol  # back in the pool once the body was read
    assert acquired(hsession) == 0
    released.set()
    # the pooled connection hears the unsolicited bytes and closes itself
    await asyncio.wait_for(idle.closed, timeout=5)
    async with hsession.get(server.url) as resp:
        assert await resp.read() == b"ok"
    assert server.connections == 2
    await assert_pool_clean(hsession, good_server)


async def test_reused_after_a_body_left_unread_behind_back_pressure(hsession, hostile,
                                                                     good_server):
    # the whole body arrives while its reader lags (reading paused), the connection goes back
    # to the pool: the next exchange on it must read again
    # three chunks in one small write (one read): the reader pauses after the second piece
    first = HEAD_200 + b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(b"x" * 4_500, 1_500)
    server = await hostile(_then_second_request(first))
    async with hsession.get(server.url, read_bufsize=512) as resp:
        try:
            await asyncio.wait_for(resp.content.wait_eof(), timeout=5)
        except asyncio.TimeoutError:
            pytest.skip("the body came in two reads: reading paused before its end")
        assert await resp.content.read(100) == b"x" * 100
    async with hsession.get(server.url) as resp:
        assert await resp.read() == b"ok"
    assert server.connections == 1  # reused, and it worked
    await assert_pool_clean(hsession, good_server)


async def test_head_response_with_body(hsession, hostile, good_server):
    server = await hostile(
        _then_second_request(HEAD_200 + b"Content-Length: 5\r\n\r\nhello")
    )
    async with hsession.head(server.url) as resp:
        assert resp.status == 200
        assert await resp.read() == b""
    async with hsession.get(server.url) as resp:
        assert await resp.read() == b"ok"
    assert server.connections == 2
    await assert_pool_clean(hsession, good_server)


@pytest.mark.parametrize("status", [204, 304])
async def test_bodyless_status_with_body(status, hsession, hostile, good_server):
    server = await hostile(
        _then_second_request(b"HTTP/1.1 %d X\r\nContent-Length: 5\r\n\r\nhello" % status)
    )
    async with hsession.get(server.url) as resp:
        assert resp.status == status
        assert await resp.read() == b""
    async with hsession.get(server.url) as resp:
        assert await resp.read() == b"ok"
    assert server.connections == 2
    await assert_pool_clean(hsession, good_server)


async def test_101_without_upgrade_request(hsession, hostile, good_server):
    server = await hostile(
        respond_with(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\nraw",
            then="hold",
        )
    )
    async with hsession.get(server.url) as resp:
        assert resp.status == 101
        assert await resp.read() == b""
    await assert_pool_clean(hsession, good_server)


async def test_many_interim_responses_then_final(hsession, hostile, good_server):
    server = await hostile(
        respond_with(b"HTTP/1.1 100 Continue\r\n\r\n" * 50 + b"HTTP/1.1 103 Early\r\n\r\n"
                     + OK_RESPONSE, then="hold")
    )
    async with hsession.get(server.url) as resp:
        assert resp.status == 200
        assert await resp.read() == b"ok"
    await assert_pool_clean(hsession, good_server)


# ---- content coding ----


def _compress(coding: str, data: bytes) -> bytes:
    if coding == "gzip":
        return gzip.compress(data, 9)
    if coding == "deflate":
        return zlib.compress(data, 9)
    brotli = pytest.importorskip("brotli")
    if not hasattr(brotli.Decompressor(), "can_accept_more_data"):
        pytest.skip("brotli < 1.2 can not bound its output")
    return brotli.compress(data)


def _chunked(body: bytes, size: int) -> bytes:
    chunks = (body[i : i + size] for i in range(0, len(body), size))
    return b"".join(b"%x\r\n%b\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


@pytest.mark.parametrize("framing", ["length", "chunked"])
@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
async def test_decompression_bomb_streams_in_bounded_memory(coding, framing, hsession, hostile,
                                                            good_server):
    size = 32 * 1024 * 1024
    bomb = _compress(coding, b"\0" * size)  # a few dozen KiB on the wire
    if framing == "length":
        head = b"Content-Length: %d\r\n\r\n" % len(bomb)
    else:
        head, bomb = b"Transfer-Encoding: chunked\r\n\r\n", _chunked(bomb, 7)
    server = await hostile(
        respond_with(HEAD_200 + b"Content-Encoding: %b\r\n" % coding.encode() + head + bomb,
                     then="hold")
    )
    total = 0
    tracemalloc.start()
    try:
        async with hsession.get(server.url) as resp:
            async for chunk in resp.content.iter_chunked(65536):
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size
    assert peak < 8 * 1024 * 1024, peak
    await assert_pool_clean(hsession, good_server)


async def test_decompression_bomb_cut_short_is_payload_error(hsession, hostile, good_server):
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), 9)
    server = await hostile(
        respond_with(
            HEAD_200 + b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)
            + bomb[: len(bomb) // 2],
            then="close",
        )
    )
    async with hsession.get(server.url) as resp:
        with pytest.raises(aiohttp.ClientPayloadError):
            async for _ in resp.content.iter_chunked(65536):
                pass
    await assert_pool_clean(hsession, good_server)


async def test_gzip_body_then_close_is_read_whole(hsession, hostile, good_server):
    data = bytes(range(256)) * 4096  # 1 MiB: several bounded decompression steps
    body = gzip.compress(data)
    server = await hostile(
        respond_with(
            HEAD_200 + b"Content-Encoding: gzip\r\nConnection: close\r\n\r\n" + body,
            then="close",
        )
    )
    async with hsession.get(server.url) as resp:
        assert await resp.read() == data
    await assert_pool_clean(hsession, good_server)


# ---- redirects into trouble ----


async def test_redirect_loop_is_too_many_redirects(hsession, hostile, good_server):
    async def handler(reader, writer):
        while await read_request_head(reader):
            writer.write(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 4\r\n\r\nmove")
            await writer.drain()

    server = await hostile(handler)
    with pytest.raises(aiohttp.TooManyRedirects) as info:
        await hsession.get(server.url, max_redirects=5)
    assert len(info.value.history) == 5
    assert server.connections == 1  # each hop reused the connection
    await assert_pool_clean(hsession, good_server)


@pytest.mark.parametrize(
    "location, expected",
    [
        (b"http://[bad", aiohttp.InvalidUrlRedirectClientError),
        (b"ftp://example.com/", aiohttp.NonHttpUrlRedirectClientError),
    ],
)
async def test_redirect_to_an_unusable_location(location, expected, hsession, hostile,
                                                good_server):
    server = await hostile(
        respond_with(b"HTTP/1.1 302 Found\r\nLocation: %b\r\nContent-Length: 0\r\n\r\n"
                     % location, then="hold")
    )
    with pytest.raises(expected):
        await hsession.get(server.url)
    await assert_pool_clean(hsession, good_server)


async def test_redirect_to_a_broken_server(hsession, hostile, good_server):
    broken = await hostile(respond_with(b"GARBAGE\r\n\r\n"))
    server = await hostile(
        respond_with(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: %b\r\nContent-Length: 0"
                     b"\r\n\r\n" % str(broken.url).encode(), then="hold")
    )
    with pytest.raises(aiohttp.ClientResponseError) as info:
        await hsession.post(server.url, data=b"body")
    assert info.value.status == 400
    await assert_pool_clean(hsession, good_server)
