"""Opening connections: refused, IPv6, unix sockets, Happy Eyeballs, binding, socket factory."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiohttp_fast.client_exceptions import (
    ClientConnectorError,
    ConnectionTimeoutError,
    UnixClientConnectorError,
)
from aiohttp_fast.connector import TCPConnector, UnixConnector
from aiohttp_fast.happy_eyeballs import interleave_families, staggered_connect
from aiohttp_fast.timeouts import ClientTimeout

from .fixtures_connector import NO_TIMEOUT, CountingResolver, CountingServer, target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _has_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


async def test_refused_is_connector_error() -> None:
    port = _free_port()
    async with TCPConnector() as connector:
        with pytest.raises(ClientConnectorError) as info:
            await connector.connect(target(f"http://127.0.0.1:{port}/"), [], NO_TIMEOUT)
        assert isinstance(info.value.os_error, ConnectionRefusedError)
        assert info.value.host == "127.0.0.1" and info.value.port == port
        assert connector._pool.acquired == 0


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this host")
async def test_ipv6_loopback() -> None:
    srv = CountingServer()
    await srv.start_tcp(host="::1")
    try:
        async with TCPConnector() as connector:
            conn = await connector.connect(target(f"http://[::1]:{srv.port}/"), [], NO_TIMEOUT)
            assert conn.transport is not None
            assert conn.transport.get_extra_info("peername")[0] == "::1"
            conn.release()
    finally:
        await srv.stop()


async def test_happy_eyeballs_skips_refused_address(tcp_server: CountingServer) -> None:
    # 127.0.0.2 is loopback too on Linux, but nothing listens there on this port.
    resolver = CountingResolver([("127.0.0.2", socket.AF_INET), ("127.0.0.1", socket.AF_INET)])
    for delay in (None, 0.05):
        async with TCPConnector(resolver=resolver, happy_eyeballs_delay=delay) as connector:
            conn = await connector.connect(
                target(f"http://multi.test:{tcp_server.port}/"), [], NO_TIMEOUT
            )
            assert conn.transport is not None
            assert conn.transport.get_extra_info("peername")[0] == "127.0.0.1"
            conn.release()


@pytest.fixture
def silent_address() -> Iterator[tuple[str, int]]:
    """A listener whose accept queue is full: new TCP handshakes never complete."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0)
    fillers = []
    try:
        for _ in range(4):
            f = socket.socket()
            f.setblocking(False)
            try:
                f.connect(silent.getsockname())
            except BlockingIOError:
                pass
            fillers.append(f)
        yield silent.getsockname()
    finally:
        for f in fillers:
            f.close()
        silent.close()


async def test_staggered_connect_races_a_silent_address(
    tcp_server: CountingServer, silent_address: tuple[str, int]
) -> None:
    loop = asyncio.get_running_loop()
    infos = [
        (socket.AF_INET, socket.SOCK_STREAM, 0, "", silent_address),
        (socket.AF_INET, socket.SOCK_STREAM, 0, "", ("127.0.0.1", tcp_server.port)),
    ]
    sock = await asyncio.wait_for(staggered_connect(loop, infos, 0.05, None, None), 5)
    try:
        assert sock.getpeername() == ("127.0.0.1", tcp_server.port)
    finally:
        sock.close()


async def test_sock_connect_timeout_on_silent_address(silent_address: tuple[str, int]) -> None:
    host, port = silent_address
    async with TCPConnector() as connector:
        with pytest.raises(ConnectionTimeoutError):
            await connector.connect(
                target(f"http://{host}:{port}/"), [], ClientTimeout(sock_connect=0.05)
            )
        assert connector._pool.acquired == 0


async def test_all_addresses_fail() -> None:
    port = _free_port()
    resolver = CountingResolver([("127.0.0.2", socket.AF_INET), ("127.0.0.3", socket.AF_INET)])
    async with TCPConnector(resolver=resolver, happy_eyeballs_delay=0.01) as connector:
        with pytest.raises(ClientConnectorError):
            await connector.connect(target(f"http://multi.test:{port}/"), [], NO_TIMEOUT)
        assert connector._pool.acquired == 0


def test_interleave_alternates_families() -> None:
    v4 = [(socket.AF_INET, 1, 0, "", (f"10.0.0.{i}", 80)) for i in range(3)]
    v6 = [(socket.AF_INET6, 1, 0, "", (f"::{i}", 80, 0, 0)) for i in range(2)]
    order = [i[4][0] for i in interleave_families(v6 + v4, 1)]
    assert order == ["::0", "10.0.0.0", "::1", "10.0.0.1", "10.0.0.2"]
    order = [i[4][0] for i in interleave_families(v6 + v4, 2)]
    assert order == ["::0", "::1", "10.0.0.0", "10.0.0.1", "10.0.0.2"]
    assert interleave_families(v4, 1) == v4


async def test_local_addr_binds(tcp_server: CountingServer) -> None:
    async with TCPConnector(local_addr=("127.0.0.1", 0)) as connector:
        conn = await connector.connect(
            target(f"http://127.0.0.1:{tcp_server.port}/"), [], NO_TIMEOUT
        )
        assert conn.transport is not None
        assert conn.transport.get_extra_info("sockname")[0] == "127.0.0.1"
        conn.release()


async def test_socket_factory_used(tcp_server: CountingServer) -> None:
    made: list[socket.socket] = []

    def factory(info: tuple) -> socket.socket:  # type: ignore[type-arg]
        s = socket.socket(info[0], info[1], info[2])
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        made.append(s)
        return s

    async with TCPConnector(socket_factory=factory) as connector:
        conn = await connector.connect(
            target(f"http://127.0.0.1:{tcp_server.port}/"), [], NO_TIMEOUT
        )
        assert len(made) == 1
        sock = conn.transport.get_extra_info("socket")  # type: ignore[union-attr]
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
        conn.release()


async def test_connect_timeout_covers_creation(counting_resolver: CountingResolver) -> None:
    counting_resolver.gate = asyncio.Event()  # DNS never answers
    async with TCPConnector(resolver=counting_resolver) as connector:
        with pytest.raises(ConnectionTimeoutError):
            await connector.connect(
                target("http://slow.test:80/"), [], ClientTimeout(connect=0.02)
            )
        assert connector._pool.acquired == 0
        counting_resolver.gate.set()


async def test_unix_connector() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "s.sock")
        srv = CountingServer()
        await srv.start_unix(path)
        try:
            async with UnixConnector(path) as connector:
                assert connector.path == path
                req = target("http://anything.local/")
                conn = await connector.connect(req, [], NO_TIMEOUT)
                conn.release()
                again = await connector.connect(req, [], NO_TIMEOUT)
                assert again.is_reused
                again.release()
            await srv.wait_for(lambda s: s.accepted == 1 and s.current == 0)
        finally:
            await srv.stop()


async def test_unix_connector_missing_path() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "missing.sock")
        async with UnixConnector(path) as connector:
            with pytest.raises(UnixClientConnectorError) as info:
                await connector.connect(target("http://x/"), [], NO_TIMEOUT)
            assert info.value.path == path
            assert connector._pool.acquired == 0


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this host")
async def test_happy_eyeballs_across_families(tcp_server: CountingServer) -> None:
    # The server listens on IPv4 only: the IPv6 attempt is refused, the IPv4 one wins.
    resolver = CountingResolver([("::1", socket.AF_INET6), ("127.0.0.1", socket.AF_INET)])
    async with TCPConnector(resolver=resolver, happy_eyeballs_delay=0.05) as connector:
        conn = await connector.connect(
            target(f"http://dual.test:{tcp_server.port}/"), [], NO_TIMEOUT
        )
        assert conn.transport is not None
        assert conn.transport.get_extra_info("peername")[0] == "127.0.0.1"
        conn.release()
