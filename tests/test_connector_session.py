"""The connector under a real ClientSession, against aiohttp.web on loopback (keep-alive, limits,
force_close, Connection: close, TLS reuse)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

import aiohttp_fast
from aiohttp_fast.connector import TCPConnector


@dataclass
class WebServer:
    """aiohttp.web app recording the peer (one per client connection) of every request."""

    peers: list[tuple[str, int]] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    url: str = ""
    gate: asyncio.Event | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.peers.append(request.transport.get_extra_info("peername")[:2])  # type: ignore[union-attr]
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            for _ in range(3):
                await asyncio.sleep(0)
        finally:
            self.in_flight -= 1
        headers = {"Connection": "close"} if request.query.get("close") else {}
        return web.Response(text="ok", headers=headers)


async def _serve(ssl_ctx: ssl.SSLContext | None = None) -> AsyncIterator[WebServer]:
    srv = WebServer()
    app = web.Application()
    app.router.add_get("/", srv.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_ctx)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    srv.url = f"{'https' if ssl_ctx else 'http'}://127.0.0.1:{port}/"
    yield srv
    await runner.cleanup()


@pytest.fixture
async def web_server() -> AsyncIterator[WebServer]:
    async for srv in _serve():
        yield srv


@pytest.fixture
async def tls_web_server(server_ssl_ctx: ssl.SSLContext) -> AsyncIterator[WebServer]:
    async for srv in _serve(server_ssl_ctx):
        yield srv


async def test_sequential_requests_share_one_connection(web_server: WebServer) -> None:
    async with aiohttp_fast.ClientSession() as session:
        for _ in range(10):
            async with session.get(web_server.url) as resp:
                assert await resp.text() == "ok"
    assert len(set(web_server.peers)) == 1


async def test_limit_bounds_concurrent_requests(web_server: WebServer) -> None:
    async with aiohttp_fast.ClientSession(connector=TCPConnector(limit=3)) as session:

        async def one() -> None:
            async with session.get(web_server.url) as resp:
                assert await resp.text() == "ok"

        await asyncio.gather(*(one() for _ in range(30)))
    assert web_server.peak <= 3
    assert len(set(web_server.peers)) <= 3


async def test_force_close_opens_one_connection_per_request(web_server: WebServer) -> None:
    async with aiohttp_fast.ClientSession(connector=TCPConnector(force_close=True)) as session:
        for _ in range(4):
            async with session.get(web_server.url) as resp:
                await resp.read()
    assert len(set(web_server.peers)) == 4


async def test_connection_close_response_not_reused(web_server: WebServer) -> None:
    async with aiohttp_fast.ClientSession() as session:
        for _ in range(3):
            async with session.get(web_server.url + "?close=1") as resp:
                await resp.read()
    assert len(set(web_server.peers)) == 3


async def test_tls_keepalive_reuse_and_clean_close(
    tls_web_server: WebServer, client_ssl_ctx: ssl.SSLContext
) -> None:
    async with aiohttp_fast.ClientSession(connector=TCPConnector(ssl=client_ssl_ctx)) as session:
        for _ in range(5):
            async with session.get(tls_web_server.url) as resp:
                assert await resp.text() == "ok"
    assert len(set(tls_web_server.peers)) == 1
