"""Fixtures for the client tests: an aiohttp.web echo server and misbehaving raw servers.

The echo server reports what it saw (method, target, headers in wire order, body, peer port),
so tests assert on what really crossed the wire.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from yarl import URL

import aiohttp_fast

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "path_qs": request.path_qs,
            "raw_path": request.raw_path,
            "query": list(request.query.items()),
            "headers": list(request.headers.items()),
            "body": body.decode("latin-1"),
            "peer_port": peer[1] if isinstance(peer, tuple) else None,
            "version": list(request.version),
        }
    )


async def _status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]), text="status")


async def _redirect(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    resp = web.Response(status=code, headers={"Location": request.query["to"]})
    if "cookie" in request.query:
        resp.set_cookie("hop", request.query["cookie"])
    return resp


async def _set_cookie(request: web.Request) -> web.Response:
    resp = web.Response(text="ok")
    for name, value in request.query.items():
        resp.set_cookie(name, value)
    return resp


async def _bytes(request: web.Request) -> web.Response:
    n = int(request.match_info["n"])
    return web.Response(body=bytes(i % 251 for i in range(n)))


async def _encoded(request: web.Request) -> web.Response:
    coding = request.match_info["coding"]
    data = b"hello compressed world " * 100
    if coding == "gzip":
        body = gzip.compress(data)
    elif coding == "deflate":
        body = zlib.compress(data)
    elif coding == "br":
        import brotli

        body = brotli.compress(data)
    else:
        body = data
    return web.Response(body=body, headers={"Content-Encoding": coding})


async def _text(request: web.Request) -> web.Response:
    charset = request.query.get("charset")
    ctype = request.query.get("ctype", "text/plain")
    text = request.query.get("text", "héllo")
    raw = text.encode(charset or "utf-8")
    header = f"{ctype}; charset={charset}" if charset else ctype
    return web.Response(body=raw, headers={"Content-Type": header})


async def _chunked(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse()
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for i in range(5):
        await resp.write(f"line {i}\n".encode())
    await resp.write_eof()
    return resp


async def _links(request: web.Request) -> web.Response:
    return web.Response(
        text="",
        headers={"Link": '</page/2>; rel="next", <https://example.com/last>; rel=last'},
    )


def make_echo_app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/echo", _echo)
    app.router.add_route("*", "/echo/{tail:.*}", _echo)
    app.router.add_route("*", "/status/{code}", _status)
    app.router.add_route("*", "/redirect/{code}", _redirect)
    app.router.add_get("/set-cookie", _set_cookie)
    app.router.add_get("/bytes/{n}", _bytes)
    app.router.add_get("/encoded/{coding}", _encoded)
    app.router.add_get("/text", _text)
    app.router.add_get("/chunked", _chunked)
    app.router.add_get("/links", _links)
    return app


class EchoServer:
    """A running echo app; ``url("/echo")`` gives an absolute URL."""

    def __init__(self, runner: web.AppRunner, base: URL) -> None:
        self.runner = runner
        self.base = base

    def url(self, path: str = "/echo") -> URL:
        return self.base.join(URL(path))


async def _start_echo(host: str) -> EchoServer:
    """The echo app on ``host`` and a free port."""
    runner = web.AppRunner(make_echo_app())
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    netloc = f"[{host}]" if ":" in host else host
    return EchoServer(runner, URL(f"http://{netloc}:{port}/"))


@pytest.fixture
async def echo_server() -> AsyncIterator[EchoServer]:
    server = await _start_echo("127.0.0.1")
    yield server
    await server.runner.cleanup()


@pytest.fixture
async def echo_server2() -> AsyncIterator[EchoServer]:
    """A second origin (same host, another port) for cross-origin redirects."""
    server = await _start_echo("127.0.0.1")
    yield server
    await server.runner.cleanup()


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture
async def echo_server_v6() -> AsyncIterator[EchoServer]:
    if not _has_ipv6():
        pytest.skip("no IPv6 loopback on this machine")
    server = await _start_echo("::1")
    yield server
    await server.runner.cleanup()


@pytest.fixture
async def echo_unix(tmp_path: Path) -> AsyncIterator[str]:
    path = str(tmp_path / "echo.sock")
    runner = web.AppRunner(make_echo_app())
    await runner.setup()
    site = web.UnixSite(runner, path)
    await site.start()
    yield path
    await runner.cleanup()


class RawServer:
    """Plain asyncio servers running a test's own handler (to misbehave on purpose)."""

    def __init__(self) -> None:
        self.servers: list[asyncio.Server] = []
        self.writers: list[asyncio.StreamWriter] = []
        self.connections = 0

    async def start(self, handler: RawHandler) -> URL:
        async def on_conn(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            self.writers.append(writer)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(on_conn, "127.0.0.1", 0)
        self.servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return URL(f"http://127.0.0.1:{port}/")

    async def close(self) -> None:
        for w in self.writers:
            w.close()
        for s in self.servers:
            s.close()
            await s.wait_closed()


@pytest.fixture
async def raw_server() -> AsyncIterator[RawServer]:
    srv = RawServer()
    yield srv
    await srv.close()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """The request head (up to the blank line) a raw handler received."""
    return await reader.readuntil(b"\r\n\r\n")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp_fast.ClientSession]:
    async with aiohttp_fast.ClientSession() as s:
        yield s


def seen(data: dict[str, Any], name: str) -> list[str]:
    """All values of header ``name`` the echo server saw."""
    return [v for k, v in data["headers"] if k.lower() == name.lower()]


def loads(text: str) -> Any:
    return json.loads(text)


@pytest.fixture
async def echo_server_tls(server_ssl_ctx: Any) -> AsyncIterator[EchoServer]:
    """The echo app over TLS (the connector fixtures' trustme certificate, for localhost)."""
    runner = web.AppRunner(make_echo_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ssl_ctx)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield EchoServer(runner, URL(f"https://localhost:{port}/"))
    await runner.cleanup()
