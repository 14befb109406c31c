"""Reading responses: attributes, body helpers, streaming, decompression, release and reuse."""

from __future__ import annotations

import asyncio
import gc

import pytest
from multidict import CIMultiDictProxy
from yarl import URL

import aiohttp_fast as aiohttp
from tests.fixtures_client import EchoServer, RawServer, read_head


async def test_attributes(session: aiohttp.ClientSession, echo_server: EchoServer):
    url = echo_server.url("/echo#frag")
    async with session.get(url) as resp:
        assert resp.status == 200
        assert resp.reason == "OK"
        assert resp.ok
        assert resp.method == "GET"
        assert resp.version == aiohttp.HttpVersion11
        assert isinstance(resp.headers, CIMultiDictProxy)
        assert resp.headers["content-type"].startswith("application/json")
        assert any(k.lower() == b"content-type" for k, _ in resp.raw_headers)
        assert resp.url == echo_server.url("/echo")
        assert resp.real_url == url
        assert resp.content_type == "application/json"
        assert resp.charset == "utf-8"
        assert resp.content_length == len(await resp.read())
        assert resp.request_info.method == "GET"
        assert resp.request_info.url == echo_server.url("/echo")
        assert resp.history == ()
        assert "Host" in resp.request_info.headers or True
    assert resp.closed


async def test_read_text_json(session, echo_server):
    resp = await session.get(echo_server.url("/text"), params={"text": "grüße"})
    assert await resp.read() == "grüße".encode()
    assert await resp.text() == "grüße"
    resp = await session.get(
        echo_server.url("/text"), params={"text": "grüße", "charset": "latin-1"}
    )
    assert resp.get_encoding() == "iso8859-1" if resp._body else True
    assert await resp.text() == "grüße"
    assert resp.get_encoding() == "iso8859-1"
    resp = await session.get(echo_server.url("/echo"))
    assert (await resp.json())["method"] == "GET"


async def test_text_errors_and_fallback_resolver(echo_server):
    calls = []

    def resolver(resp, body):
        calls.append(body)
        return "latin-1"

    async with aiohttp.ClientSession(fallback_charset_resolver=resolver) as s:
        # no charset in Content-Type: the resolver decides
        url = echo_server.url("/text")
        resp = await s.get(url, params={"ctype": "application/x-thing", "text": "é"})
        body = await resp.read()
        assert await resp.text() == body.decode("latin-1")
        assert calls == [body]
        resp = await s.get(url, params={"ctype": "application/x-thing", "text": "é"})
        assert await resp.text(encoding="ascii", errors="replace") == "\ufffd\ufffd"


async def test_default_fallback_is_utf8(session, echo_server):
    resp = await session.get(echo_server.url("/text"), params={"ctype": "text/x", "text": "é"})
    assert await resp.text() == "é"


async def test_json_content_type_check(session, echo_server):
    resp = await session.get(echo_server.url("/text"), params={"text": "[1]"})
    with pytest.raises(aiohttp.ContentTypeError) as info:
        await resp.json()
    assert info.value.status == 200
    assert await resp.json(content_type=None) == [1]
    resp = await session.get(
        echo_server.url("/text"), params={"text": "[2]", "ctype": "application/vnd.x+json"}
    )
    assert await resp.json() == [2]
    resp = await session.get(echo_server.url("/text"), params={"text": " ", "ctype": "text/x"})
    assert await resp.json(content_type="text/x") is None
    resp = await session.get(echo_server.url("/text"), params={"text": "[3]"})
    assert await resp.json(loads=lambda s: ("custom", s), content_type=None) == ("custom", "[3]")


async def test_stream_apis(session, echo_server):
    async with session.get(echo_server.url("/chunked")) as resp:
        lines = [line async for line in resp.content]
    assert lines == [f"line {i}\n".encode() for i in range(5)]

    async with session.get(echo_server.url("/bytes/10000")) as resp:
        pieces = [p async for p in resp.content.iter_chunked(3000)]
    assert [len(p) for p in pieces] == [3000, 3000, 3000, 1000]
    assert b"".join(pieces) == bytes(i % 251 for i in range(10000))

    async with session.get(echo_server.url("/bytes/5000")) as resp:
        total = b"".join([p async for p in resp.content.iter_any()])
    assert len(total) == 5000

    async with session.get(echo_server.url("/bytes/5000")) as resp:
        total = b"".join([p async for p, _ in resp.content.iter_chunks()])
    assert len(total) == 5000

    async with session.get(echo_server.url("/bytes/100")) as resp:
        c = resp.content
        assert await c.readexactly(10) == bytes(range(10))
        assert await c.read(5) == bytes(range(10, 15))
        assert await c.readuntil(bytes([20])) == bytes(range(15, 21))
        rest = await c.readany()
        rest += await c.read()
        assert rest == bytes(range(21, 100))
        assert c.at_eof()
        assert c.exception() is None
        with pytest.raises(asyncio.IncompleteReadError):
            await c.readexactly(1)


async def test_decompression(session, echo_server):
    for coding in ("gzip", "deflate", "br"):
        async with session.get(echo_server.url(f"/encoded/{coding}")) as resp:
            assert await resp.read() == b"hello compressed world " * 100
    async with aiohttp.ClientSession(auto_decompress=False) as s:
        async with s.get(echo_server.url("/encoded/gzip")) as resp:
            assert (await resp.read())[:2] == b"\x1f\x8b"


async def test_links(session, echo_server):
    async with session.get(echo_server.url("/links")) as resp:
        links = resp.links
    assert links["next"]["url"] == echo_server.url("/page/2")
    assert links["last"]["url"] == URL("https://example.com/last")
    assert links["next"]["rel"] == "next"


async def test_raise_for_status(session, echo_server):
    resp = await session.get(echo_server.url("/status/404"))
    assert not resp.ok
    with pytest.raises(aiohttp.ClientResponseError) as info:
        resp.raise_for_status()
    assert info.value.status == 404
    assert info.value.request_info.url == echo_server.url("/status/404")
    with pytest.raises(aiohttp.ClientResponseError):
        await session.get(echo_server.url("/status/500"), raise_for_status=True)
    async with aiohttp.ClientSession(raise_for_status=True) as s:
        with pytest.raises(aiohttp.ClientResponseError):
            await s.get(echo_server.url("/status/418"))
        resp = await s.get(echo_server.url("/status/418"), raise_for_status=False)
        assert resp.status == 418
        resp.release()

    seen = []

    async def check(resp):
        seen.append(resp.status)

    async with aiohttp.ClientSession(raise_for_status=check) as s:
        resp = await s.get(echo_server.url("/status/503"))
        resp.release()
    assert seen == [503]


async def test_cookies_attribute(session, echo_server):
    async with session.get(echo_server.url("/set-cookie?a=1&b=2")) as resp:
        assert resp.cookies["a"].value == "1"
        assert resp.cookies["b"].value == "2"


async def test_keepalive_reuse_seen_by_server(session, echo_server):
    ports = set()
    for _ in range(5):
        async with session.get(echo_server.url()) as resp:
            ports.add((await resp.json())["peer_port"])
    assert len(ports) == 1


async def test_unread_release_closes_connection(session, echo_server):
    big = echo_server.url("/bytes/2000000")
    async with session.get(big) as resp:
        await resp.content.read(10)
    # the unread body made the connection unusable: the next request uses a new one
    ports = set()
    for _ in range(2):
        async with session.get(echo_server.url()) as resp:
            ports.add((await resp.json())["peer_port"])
    assert len(ports) == 1


async def test_read_after_release_raises(session, echo_server):
    resp = await session.get(echo_server.url("/bytes/2000000"))
    resp.release()
    with pytest.raises(aiohttp.ClientConnectionError):
        await resp.read()


async def test_await_release_compat(session, echo_server):
    resp = await session.get(echo_server.url())
    await resp.read()
    await resp.release()
    assert resp.closed


async def test_204_and_304_have_no_body(session, raw_server: RawServer):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await read_head(reader)
        writer.write(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    url = await raw_server.start(handler)
    for status, body in ((204, b""), (304, b""), (200, b"ok")):
        async with session.get(url) as resp:
            assert resp.status == status
            assert await resp.read() == body
    assert raw_server.connections == 1


async def test_read_until_close_body(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nuntil close")
        await writer.drain()
        writer.close()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        assert await resp.read() == b"until close"


async def test_interim_100_is_skipped(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
        await writer.drain()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        assert resp.status == 200
        assert await resp.read() == b"x"


async def test_unreleased_response_is_collected_without_leak(session, echo_server):
    resp = await session.get(echo_server.url("/bytes/2000000"))
    del resp
    gc.collect()
    async with session.get(echo_server.url()) as resp:
        assert resp.status == 200


async def test_module_level_request(echo_server):
    async with aiohttp.request("GET", echo_server.url()) as resp:
        assert (await resp.json())["method"] == "GET"


async def test_read_until_eof_false(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nbody without length")
        await writer.drain()
        await reader.read()  # keep the connection open until the client closes it

    url = await raw_server.start(handler)
    async with session.get(url, read_until_eof=False) as resp:
        assert resp.status == 200
        assert await resp.read() == b""


async def test_content_disposition(session, raw_server):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"a b.txt\"\r\n"
            b"Content-Length: 0\r\n\r\n"
        )
        await writer.drain()

    url = await raw_server.start(handler)
    async with session.get(url) as resp:
        cd = resp.content_disposition
    assert cd.type == "attachment"
    assert cd.filename == "a b.txt"
    assert cd.parameters["filename"] == "a b.txt"


async def test_raise_for_status_callable_raising_releases(echo_server):
    class Refused(Exception):
        pass

    async def check(resp):
        raise Refused(resp.status)

    async with aiohttp.ClientSession(raise_for_status=check) as s:
        with pytest.raises(Refused):
            await s.get(echo_server.url("/bytes/100"))
        assert not s.connector._acquired


async def test_chunk_ends_survive_bounded_decompression(raw_server: RawServer) -> None:
    # every HTTP chunk inflates to far more than read_bufsize: its output is let out a piece
    # at a time as the reader reads, and the chunk's end is reported after its last piece
    import zlib

    comp = zlib.compressobj()
    words = [bytes([65 + i]) * 20_000 for i in range(3)]
    segments = [comp.compress(w) + comp.flush(zlib.Z_SYNC_FLUSH) for w in words]
    segments[-1] += comp.flush()
    wire = b"".join(b"%x\r\n%b\r\n" % (len(seg), seg) for seg in segments) + b"0\r\n\r\n"

    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Encoding: deflate\r\n\r\n" + wire)  # all of it in one go

    url = await raw_server.start(handler)
    async with aiohttp.ClientSession(read_bufsize=1024) as s:
        async with s.get(url) as resp:
            got = [item async for item in resp.content.iter_chunks()]
    assert max(len(data) for data, _ in got) <= 2048  # bounded: never a whole chunk at once
    chunks, current = [], b""
    for data, end in got:
        current += data
        if end:
            chunks.append(current)
            current = b""
    assert chunks == words and current == b""
