"""Fixtures for the cookie area: the ``cookie_impl`` twin selector and a controllable clock."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import pytest
from yarl import URL

from aiohttp_fast import _cookie_py
from aiohttp_fast._compat import is_compiled


def compiled_cookie_module() -> ModuleType | None:
    """The compiled ``_cookie_c`` if built (the .py symlink does not count), else None."""
    try:
        mod = importlib.import_module("aiohttp_fast._cookie_c")
    except ImportError:
        return None
    return mod if is_compiled(mod) else None


@pytest.fixture(params=["py", "c"])
def cookie_impl(request: pytest.FixtureRequest) -> ModuleType:
    """Each cookie-helper test runs against both twins; the C case is skipped if not built."""
    if request.param == "py":
        return _cookie_py
    mod = compiled_cookie_module()
    if mod is None:
        pytest.skip("aiohttp_fast._cookie_c is not compiled (run setup.py build_ext --inplace)")
    return mod


class FakeClock:
    """A clock the jar reads instead of time.time(), moved by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def cookie_clock() -> FakeClock:
    return FakeClock()


# --- a real server for the end-to-end cookie and tracing tests ------------------------------

class CookieServer:
    """An aiohttp.web app on loopback. ``seen`` records each request's Cookie header.

    Routes: ``/`` (10-byte body), ``/set?name=value&...`` (sets those cookies, Path=/),
    ``/set-raw`` (Set-Cookie values from repeated ``h=`` query items, sent verbatim),
    ``/redirect`` (302 to ``/``), ``/redirect-set`` (302 to ``/`` setting ``r=1``),
    ``/post`` (reads the body), ``/wait`` (answers once ``gate`` is set).
    """

    def __init__(self) -> None:
        self.seen: list[str | None] = []
        self.port = 0
        self.gate = asyncio.Event()
        self._runner: Any = None

    def url(self, path: str = "/", host: str = "127.0.0.1") -> URL:
        return URL(f"http://{host}:{self.port}{path}")

    async def start(self) -> None:
        from aiohttp import web

        async def record(request: web.Request) -> None:
            self.seen.append(request.headers.get("Cookie"))

        async def root(request: web.Request) -> web.Response:
            await record(request)
            return web.Response(text="0123456789")

        async def set_(request: web.Request) -> web.Response:
            await record(request)
            resp = web.Response(text="set")
            for name, value in request.query.items():
                resp.set_cookie(name, value)
            return resp

        async def set_raw(request: web.Request) -> web.Response:
            await record(request)
            resp = web.Response(text="raw")
            for value in request.query.getall("h", []):
                resp.headers.add("Set-Cookie", value)
            return resp

        async def redirect(request: web.Request) -> web.Response:
            await record(request)
            raise web.HTTPFound("/")

        async def redirect_set(request: web.Request) -> web.Response:
            await record(request)
            resp = web.HTTPFound("/")
            resp.set_cookie("r", "1")
            raise resp

        async def post(request: web.Request) -> web.Response:
            await record(request)
            await request.read()
            return web.Response(text="posted")

        async def wait(request: web.Request) -> web.Response:
            await record(request)
            await self.gate.wait()
            return web.Response(text="waited")

        app = web.Application()
        app.router.add_get("/wait", wait)
        app.router.add_get("/", root)
        app.router.add_get("/set", set_)
        app.router.add_get("/set-raw", set_raw)
        app.router.add_get("/redirect", redirect)
        app.router.add_get("/redirect-set", redirect_set)
        app.router.add_post("/post", post)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        await self._runner.cleanup()


@pytest.fixture
async def cookie_server() -> AsyncIterator[CookieServer]:
    server = CookieServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
