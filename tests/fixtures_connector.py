"""Fixtures for the connector, resolver and TLS tests: loopback servers that count what they see.

``ConnTarget`` is the smallest object satisfying ``abc.ConnectTarget``, so the connector is tested
without the request layer. ``CountingServer`` is a raw asyncio TCP (or unix, or TLS) server that
records how many connections it accepted and how many were open at once, and can drop them all.
"""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
from yarl import URL

from aiohttp_fast import _pool
from aiohttp_fast._compat import is_compiled
from aiohttp_fast.resolver import AbstractResolver, ResolveResult
from aiohttp_fast.timeouts import ClientTimeout
from aiohttp_fast.tracing import Trace, TraceConfig
from aiohttp_fast.typedefs import ConnectionKey

NO_TIMEOUT = ClientTimeout()


@pytest.fixture(params=["py", "c"])
def pool_cls(request: pytest.FixtureRequest) -> type:
    """Each Pool twin: the reference source and its Cython build (skipped when not built)."""
    if request.param == "py":
        return _pool.PoolPy
    from aiohttp_fast import _pool_c

    if not is_compiled(_pool_c):
        pytest.skip("_pool_c is not built (python setup.py build_ext --inplace)")
    return _pool_c.Pool


@dataclass
class ConnTarget:
    """A request as the connector sees it (``abc.ConnectTarget``)."""

    url: URL
    ssl: Any = True
    server_hostname: str | None = None
    proxy: URL | None = None
    proxy_auth: Any = None
    proxy_headers: Any = None

    @property
    def host(self) -> str:
        return self.url.raw_host or ""

    @property
    def port(self) -> int | None:
        return self.url.port

    def is_ssl(self) -> bool:
        return self.url.scheme in ("https", "wss")

    @property
    def connection_key(self) -> ConnectionKey:
        return ConnectionKey(
            self.host, self.port, self.is_ssl(), self.ssl, self.proxy, self.proxy_auth, None,
            self.server_hostname,
        )


def target(url: str, **kw: Any) -> ConnTarget:
    return ConnTarget(URL(url), **kw)


@dataclass
class CountingServer:
    """Accepts connections, reads until EOF, and counts open/accepted/peak connections."""

    current: int = 0
    peak: int = 0
    accepted: int = 0
    closed_count: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)
    server: asyncio.AbstractServer | None = None
    port: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.current += 1
        self.peak = max(self.peak, self.current)
        self.writers.append(writer)
        self._signal()
        try:
            while await reader.read(65536):
                pass
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            self.current -= 1
            self.closed_count += 1
            self.writers.remove(writer)
            writer.close()
            self._signal()

    def _signal(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        """Wait (bounded) until ``predicate(self)`` holds; no fixed sleeps."""
        async with asyncio.timeout(timeout):
            while not predicate(self):
                await self.changed.wait()

    def drop_all(self) -> None:
        for w in list(self.writers):
            w.close()

    async def start_tcp(
        self, host: str = "127.0.0.1", ssl_ctx: ssl.SSLContext | None = None
    ) -> None:
        self.server = await asyncio.start_server(self._handle, host, 0, ssl=ssl_ctx)
        self.port = self.server.sockets[0].getsockname()[1]

    async def start_unix(self, path: str) -> None:
        self.server = await asyncio.start_unix_server(self._handle, path)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            self.drop_all()
            await self.server.wait_closed()
            # let the handlers see their EOF and close their transports
            await self.wait_for(lambda s: s.current == 0)


@pytest.fixture
async def tcp_server() -> AsyncIterator[CountingServer]:
    srv = CountingServer()
    await srv.start_tcp()
    yield srv
    await srv.stop()


@pytest.fixture
async def tcp_server2() -> AsyncIterator[CountingServer]:
    srv = CountingServer()
    await srv.start_tcp()
    yield srv
    await srv.stop()


class CountingResolver(AbstractResolver):
    """Answers every name with fixed addresses, counting calls; can be held on an event."""

    def __init__(self, addrs: list[tuple[str, int]] | None = None) -> None:
        self.calls: list[tuple[str, int]] = []
        self.addrs = addrs or [("127.0.0.1", socket.AF_INET)]
        self.gate: asyncio.Event | None = None
        self.fail: OSError | None = None
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append((host, port))
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return [
            ResolveResult(hostname=host, host=a, port=port, family=f, proto=0, flags=0)
            for a, f in self.addrs
        ]

    async def close(self) -> None:
        self.closed = True


@pytest.fixture
def counting_resolver() -> CountingResolver:
    return CountingResolver()


class TraceLog:
    """A TraceConfig recording every connector signal as (name, params) in order."""

    NAMES = (
        "connection_queued_start",
        "connection_queued_end",
        "connection_create_start",
        "connection_create_end",
        "connection_reuseconn",
        "dns_resolvehost_start",
        "dns_resolvehost_end",
        "dns_cache_hit",
        "dns_cache_miss",
    )

    def __init__(self) -> None:
        self.events: list[str] = []
        self.config = TraceConfig()
        for name in self.NAMES:
            getattr(self.config, f"on_{name}").append(self._recorder(name))
        self.config.freeze()

    def _recorder(self, name: str) -> Any:
        async def record(session: Any, ctx: Any, params: Any) -> None:
            self.events.append(name)

        return record

    def traces(self) -> list[Trace]:
        return [Trace(None, self.config, self.config.trace_config_ctx())]


@pytest.fixture
def trace_log() -> TraceLog:
    return TraceLog()


# -- TLS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_cert(tls_ca: trustme.CA) -> trustme.LeafCert:
    return tls_ca.issue_cert("localhost", "127.0.0.1", "::1")


@pytest.fixture
def server_ssl_ctx(tls_cert: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_cert.configure_cert(ctx)
    return ctx


@pytest.fixture
def client_ssl_ctx(tls_ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    tls_ca.configure_trust(ctx)
    return ctx


def leaf_server_ctx(cert: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


def expired_cert(ca: trustme.CA) -> trustme.LeafCert:
    """A certificate for 127.0.0.1 whose validity ended yesterday."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return ca.issue_cert(
        "127.0.0.1",
        "localhost",
        not_before=now - datetime.timedelta(days=10),
        not_after=now - datetime.timedelta(days=1),
    )


@pytest.fixture
async def tls_server(server_ssl_ctx: ssl.SSLContext) -> AsyncIterator[CountingServer]:
    srv = CountingServer()
    await srv.start_tcp(ssl_ctx=server_ssl_ctx)
    yield srv
    await srv.stop()
