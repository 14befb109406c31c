"""One read buffer per event loop, shared by its connections (protocol.ResponseHandler).

Each transport reads into the loop's buffer and the parser must copy out whatever it keeps
(a partial header line, a body piece) before the next read, which may be another connection's,
overwrites it. These tests make many connections' reads interleave with heads and bodies cut
at odd places, over plain TCP and TLS, on asyncio and uvloop, and check every byte.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import Any

import pytest

import aiohttp_fast as aiohttp
from aiohttp_fast.protocol import NESTED_READ_SIZE, READ_BUFFER_SIZE, ResponseHandler

CONNECTIONS = 12
REQUESTS_PER_CONNECTION = 4


def loop_factories() -> list[Any]:
    factories: list[Any] = [pytest.param(asyncio.new_event_loop, id="asyncio")]
    try:
        import uvloop
    except ImportError:
        return factories
    return [*factories, pytest.param(uvloop.new_event_loop, id="uvloop")]


def response_for(path: str) -> tuple[bytes, bytes]:
    """A response unique to ``path``: its name in a header and a body of its own bytes."""
    tag = path.strip("/").encode()
    body = (tag + b"-") * (50 + len(tag) * 37)  # a few KiB, different per request
    head = (
        b"HTTP/1.1 200 OK\r\nX-Tag: " + tag + b"\r\nX-Filler: " + b"f" * 300 + b"\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    return head, body


async def drip_server(ctx: ssl.SSLContext | None) -> tuple[asyncio.Server, int]:
    """Answers each request in pieces of 1 to 29 bytes, yielding between them."""

    async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            for _ in range(REQUESTS_PER_CONNECTION):
                request = await reader.readuntil(b"\r\n\r\n")
                path = request.split(b" ", 2)[1].decode()
                head, body = response_for(path)
                wire = head + body
                step, i = 1, 0
                while i < len(wire):
                    writer.write(wire[i : i + step])
                    await writer.drain()
                    await asyncio.sleep(0)
                    i += step
                    step = step % 29 + 3 if i < len(head) else 997
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_conn, "127.0.0.1", 0, ssl=ctx)
    return server, server.sockets[0].getsockname()[1]


async def interleaved_exchanges(server_ctx: ssl.SSLContext | None,
                                client_ctx: ssl.SSLContext | None) -> list[str]:
    server, port = await drip_server(server_ctx)
    scheme = "https" if server_ctx else "http"
    seen: list[str] = []
    try:
        conn = aiohttp.TCPConnector(limit=CONNECTIONS, ssl=client_ctx if client_ctx else False)
        async with aiohttp.ClientSession(connector=conn) as session:

            async def one(n: int) -> None:
                path = f"/conn{n}"
                async with session.get(f"{scheme}://127.0.0.1:{port}{path}") as resp:
                    head, body = response_for(path)
                    assert resp.status == 200
                    assert resp.headers["X-Tag"] == path[1:]
                    assert resp.headers["X-Filler"] == "f" * 300
                    assert await resp.read() == body
                    seen.append(path)

            for round_ in range(REQUESTS_PER_CONNECTION):
                await asyncio.gather(*(one(round_ * 100 + n) for n in range(CONNECTIONS)))
    finally:
        server.close()
        await server.wait_closed()
    return seen


def run_exchanges(exchanges: Callable[..., Any],
                  loop_factory: Callable[[], asyncio.AbstractEventLoop], tls: bool,
                  server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext) -> Any:
    """``exchanges(server_ctx, client_ctx)`` on a loop of that kind, over TLS or plain TCP."""
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(exchanges(server_ctx if tls else None, client_ctx if tls else None))


@pytest.mark.parametrize("loop_factory", loop_factories())
@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_interleaved_reads_keep_every_byte(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
    tls: bool,
    server_ssl_ctx: ssl.SSLContext,
    client_ssl_ctx: ssl.SSLContext,
) -> None:
    seen = run_exchanges(interleaved_exchanges, loop_factory, tls, server_ssl_ctx, client_ssl_ctx)
    assert len(seen) == CONNECTIONS * REQUESTS_PER_CONNECTION


async def close_delimited_exchanges(server_ctx: ssl.SSLContext,
                                    client_ctx: ssl.SSLContext) -> list[bytes]:
    # "Connection: close" answers over TLS, head and body in separate writes: the body's end
    # releases the connection, whose close starts a TLS shutdown from inside the read
    async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        body = request.split(b" ", 2)[1] * 300
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                     % len(body))
        await writer.drain()
        await asyncio.sleep(0.001)
        writer.write(body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(on_conn, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_ctx)) as s:

            async def one(n: int) -> bytes:
                async with s.get(f"https://127.0.0.1:{port}/r{n}") as resp:
                    return await resp.read()

            return await asyncio.gather(*(one(n) for n in range(16)))
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("loop_factory", loop_factories())
def test_close_delimited_tls_responses(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
    server_ssl_ctx: ssl.SSLContext,
    client_ssl_ctx: ssl.SSLContext,
) -> None:
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        bodies = runner.run(close_delimited_exchanges(server_ssl_ctx, client_ssl_ctx))
    assert bodies == [f"/r{n}".encode() * 300 for n in range(16)]


def big_body(n: int) -> bytes:
    """Over 1 MiB, different per request, not a multiple of any buffer size."""
    return bytes((i * 7 + n) % 251 for i in range(4099)) * 256 + b"tail-%d" % n


async def large_downloads(server_ctx: ssl.SSLContext | None,
                          client_ctx: ssl.SSLContext | None) -> list[tuple[bool, bool]]:
    # Large Content-Length bodies, each followed on the connection by a small response: a
    # read straight into a body chunk must stop at the body's end, whatever the reads are.
    async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                path = request.split(b" ", 2)[1]
                body = big_body(int(path[2:])) if path.startswith(b"/b") else b"small" + path
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
                writer.write(body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_conn, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    scheme = "https" if server_ctx else "http"
    try:
        conn = aiohttp.TCPConnector(limit=4, ssl=client_ctx if client_ctx else False)
        async with aiohttp.ClientSession(connector=conn) as session:

            async def one(n: int) -> tuple[bool, bool]:
                async with session.get(f"{scheme}://127.0.0.1:{port}/b{n}") as resp:
                    chunks = [c async for c in resp.content.iter_any()]
                whole = b"".join(chunks) == big_body(n)
                typed = all(type(c) is bytes for c in chunks)
                async with session.get(f"{scheme}://127.0.0.1:{port}/s{n}") as resp:
                    whole = whole and await resp.read() == b"small/s%d" % n
                return whole, typed

            return await asyncio.gather(*(one(n) for n in range(8)))
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("loop_factory", loop_factories())
@pytest.mark.parametrize("tls", [False, True], ids=["tcp", "tls"])
def test_large_bodies_keep_every_byte_and_the_next_response(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
    tls: bool,
    server_ssl_ctx: ssl.SSLContext,
    client_ssl_ctx: ssl.SSLContext,
) -> None:
    results = run_exchanges(large_downloads, loop_factory, tls, server_ssl_ctx, client_ssl_ctx)
    assert results == [(True, True)] * 8


class QuietTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[bytes] = []

    def write(self, data: Any) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return False


def feed(protocol: ResponseHandler, data: bytes) -> None:
    """What a transport does: fill the protocol's buffer, report the count."""
    buf = protocol.get_buffer(-1)
    buf[: len(data)] = data
    protocol.buffer_updated(len(data))


async def test_read_nested_in_another_gets_its_own_buffer() -> None:
    loop = asyncio.get_running_loop()
    a, b = ResponseHandler(loop), ResponseHandler(loop)
    a.connection_made(QuietTransport())
    b.connection_made(QuietTransport())
    options = (None, None, 2**16, True, (8190, 8190, 128), True)
    head_a = a.begin(False, options, False, False)
    head_b = b.begin(False, options, False, False)
    # chunked: a Content-Length body could be read into its own bytes, not the shared buffer
    feed(a, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    assert (await head_a).status == 200
    nested: list[memoryview] = []

    def at_eof() -> None:
        # runs inside a's read, while the shared buffer holds a's bytes
        nested.append(b.get_buffer(-1))
        reply = b"HTTP/1.1 204 No Content\r\n\r\n"
        nested[0][: len(reply)] = reply
        b.buffer_updated(len(reply))

    a.payload.on_eof(at_eof)  # type: ignore[union-attr]
    feed(a, b"5\r\nhello\r\n0\r\n\r\n")
    assert await a.payload.read() == b"hello"  # type: ignore[union-attr]
    assert (await head_b).status == 204
    assert len(nested[0]) == NESTED_READ_SIZE
    assert nested[0].obj is not a.get_buffer(-1).obj  # the shared one again once a is done


async def test_buffer_is_per_loop_and_not_per_connection() -> None:
    loop = asyncio.get_running_loop()
    a, b = ResponseHandler(loop), ResponseHandler(loop)
    assert a.get_buffer(-1) is b.get_buffer(-1)
    assert len(a.get_buffer(-1)) == READ_BUFFER_SIZE
    other = asyncio.new_event_loop()
    try:
        assert ResponseHandler(other).get_buffer(-1) is not a.get_buffer(-1)
    finally:
        other.close()
