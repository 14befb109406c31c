"""Fixtures for the hostile-server tests: small asyncio servers on loopback that misbehave.

Modelled on urllib3's socket-level test servers: each scenario is a coroutine handling one
accepted connection with the raw ``StreamReader``/``StreamWriter`` pair, so a test says byte by
byte what the "server" does. A well-behaved keep-alive server (``good_server``) lets each test
check afterwards that the session's pool is clean and still works.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from yarl import URL

import aiohttp_fast

ConnHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

OK_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def read_request_head(reader: asyncio.StreamReader) -> bytes:
    """The request head, up to and including the blank line (b"" if the client left)."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return b""


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with SO_LINGER 0: the peer gets a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class HostileServer:
    """One listening socket running ``handler`` for each connection it accepts.

    ``connections`` counts accepted connections, so tests can tell whether the client reused
    a connection or opened a new one.
    """

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.connections = 0
        self.url = URL()

    async def start(self, handler: ConnHandler, ssl: Any = None) -> URL:
        async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            self._writers.append(writer)
            task = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
                pass  # cancelled by close(): swallowed, or asyncio logs the cancelled task
            finally:
                writer.close()
                if task is not None:
                    self._tasks.discard(task)

        self._server = await asyncio.start_server(on_conn, "127.0.0.1", 0, ssl=ssl)
        port = self._server.sockets[0].getsockname()[1]
        self.url = URL(f"{'https' if ssl else 'http'}://127.0.0.1:{port}/")
        return self.url

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2)
        for writer in self._writers:
            writer.transport.abort()
        if self._server is not None:
            await self._server.wait_closed()


def respond_with(data: bytes, *, then: str = "close") -> ConnHandler:
    """A handler that reads one request head, writes ``data``, then ``then``:
    ``"close"`` (FIN), ``"reset"`` (RST) or ``"hold"`` (keeps the connection open until the
    client leaves)."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request_head(reader)
        if data:
            writer.write(data)
            await writer.drain()
        if then == "reset":
            reset(writer)
        elif then == "hold":
            await reader.read()

    return handler


async def keep_alive_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer every request on the connection with 200 "ok", keeping it alive."""
    while await read_request_head(reader):
        writer.write(OK_RESPONSE)
        await writer.drain()


@pytest.fixture
async def hostile() -> AsyncIterator[Callable[..., Awaitable[HostileServer]]]:
    """``server = await hostile(handler)`` starts a server (over TLS with ``ssl=`` a server
    context); all are closed at teardown."""
    servers: list[HostileServer] = []

    async def start(handler: ConnHandler, ssl: Any = None) -> HostileServer:
        server = HostileServer()
        servers.append(server)
        await server.start(handler, ssl)
        return server

    yield start
    for server in servers:
        await server.close()


@pytest.fixture
async def good_server() -> AsyncIterator[HostileServer]:
    """A keep-alive server answering 200 "ok" to everything."""
    server = HostileServer()
    await server.start(keep_alive_ok)
    yield server
    await server.close()


@pytest.fixture
async def hsession() -> AsyncIterator[aiohttp_fast.ClientSession]:
    """A session whose total timeout turns a hang into a failure (pytest-timeout is the
    backstop)."""
    async with aiohttp_fast.ClientSession(
        timeout=aiohttp_fast.ClientTimeout(total=10)
    ) as session:
        yield session


def acquired(session: aiohttp_fast.ClientSession) -> int:
    """Connections the session's connector has lent and not got back."""
    connector = session.connector
    assert connector._pool.acquired == len(connector._acquired)
    return len(connector._acquired)


async def assert_pool_clean(
    session: aiohttp_fast.ClientSession, good: HostileServer
) -> None:
    """Nothing is lent out, and the session still works and reuses connections."""
    assert acquired(session) == 0
    before = good.connections
    for _ in range(2):
        async with session.get(good.url) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"
    assert acquired(session) == 0
    assert good.connections - before == 1  # the second request reused the first's connection
