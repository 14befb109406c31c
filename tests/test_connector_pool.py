"""The connection pool: reuse, limits, fairness, cancellation, expiry, against loopback servers."""

from __future__ import annotations

import asyncio
import random

import pytest

from aiohttp_fast import _pool
from aiohttp_fast._compat import NO_EXTENSIONS
from aiohttp_fast.client_exceptions import ClientConnectionError, ConnectionTimeoutError
from aiohttp_fast.connector import Connection, TCPConnector
from aiohttp_fast.timeouts import ClientTimeout

from .fixtures_connector import NO_TIMEOUT, CountingResolver, CountingServer, TraceLog, target

# -- Pool bookkeeping alone -----------------------------------------------------------------------


async def test_pool_hands_freed_slot_to_oldest_waiter(pool_cls: type) -> None:
    loop = asyncio.get_running_loop()
    pool = pool_cls(limit=1)
    assert pool.try_acquire("a")
    first, second = loop.create_future(), loop.create_future()
    pool.enqueue("a", first)
    pool.enqueue("a", second)
    pool.release_slot("a")
    assert first.done() and not second.done()
    assert pool.acquired == 1
    # A newcomer cannot take the slot that was handed over (aiohttp #4936).
    assert not pool.try_acquire("a")


async def test_pool_abandon_granted_slot_passes_it_on(pool_cls: type) -> None:
    loop = asyncio.get_running_loop()
    pool = pool_cls(limit=1)
    assert pool.try_acquire("a")
    first, second = loop.create_future(), loop.create_future()
    pool.enqueue("a", first)
    pool.enqueue("a", second)
    pool.release_slot("a")
    pool.abandon("a", first)  # granted but its owner was cancelled
    assert second.done() and pool.acquired == 1
    pool.abandon("a", second)
    assert pool.acquired == 0 and pool.waiting() == 0


async def test_pool_per_host_waiter_does_not_block_other_hosts(pool_cls: type) -> None:
    loop = asyncio.get_running_loop()
    pool = pool_cls(limit=3, limit_per_host=1)
    assert pool.try_acquire("a")
    assert pool.try_acquire("b")
    wa, wb = loop.create_future(), loop.create_future()
    pool.enqueue("a", wa)
    pool.enqueue("b", wb)
    pool.release_slot("b")
    assert wb.done() and not wa.done()
    assert pool.acquired_for("a") == 1 and pool.acquired_for("b") == 1


def test_pool_expire_returns_old_idle_and_next_deadline(pool_cls: type) -> None:
    pool = pool_cls()
    pool.put_idle("a", "c1", 1.0)
    pool.put_idle("a", "c2", 5.0)
    pool.put_idle("b", "c3", 3.0)
    expired, oldest = pool.expire(3.0)
    assert sorted(expired) == ["c1", "c3"]
    assert oldest == 5.0
    assert pool.pop_idle("a") == "c2"
    assert pool.pop_idle("a") is None


def test_pool_rejects_negative_limits(pool_cls: type) -> None:
    with pytest.raises(ValueError):
        pool_cls(limit=-1)


def test_pool_c_extension_loaded() -> None:
    if NO_EXTENSIONS:
        pytest.skip("AIOHTTP_FAST_NO_EXTENSIONS=1: pure Python on purpose")
    assert _pool.IMPL == "c", "build the twins: python setup.py build_ext --inplace"


# -- Connector over loopback ----------------------------------------------------------------------


async def test_release_then_reuse_same_connection(tcp_server: CountingServer) -> None:
    async with TCPConnector() as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        conn = await connector.connect(req, [], NO_TIMEOUT)
        assert isinstance(conn, Connection) and not conn.is_reused
        proto = conn.protocol
        conn.release()
        assert conn.closed and conn.protocol is None
        conn2 = await connector.connect(req, [], NO_TIMEOUT)
        assert conn2.is_reused and conn2.protocol is proto
        conn2.release()
        assert tcp_server.accepted == 1


async def test_idle_connections_reused_fifo(tcp_server: CountingServer) -> None:
    async with TCPConnector() as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        c1 = await connector.connect(req, [], NO_TIMEOUT)
        c2 = await connector.connect(req, [], NO_TIMEOUT)
        p1, p2 = c1.protocol, c2.protocol
        c2.release()
        c1.release()
        c3 = await connector.connect(req, [], NO_TIMEOUT)
        c4 = await connector.connect(req, [], NO_TIMEOUT)
        assert (c3.protocol, c4.protocol) == (p2, p1)
        c3.release()
        c4.release()


async def test_close_closes_everything_and_refuses_new(tcp_server: CountingServer) -> None:
    connector = TCPConnector()
    req = target(f"http://127.0.0.1:{tcp_server.port}/")
    lent = await connector.connect(req, [], NO_TIMEOUT)
    idle = await connector.connect(req, [], NO_TIMEOUT)
    idle.release()
    await connector.close()
    assert connector.closed
    await tcp_server.wait_for(lambda s: s.current == 0)
    assert lent.closed
    lent.release()  # after close: harmless
    with pytest.raises(ClientConnectionError):
        await connector.connect(req, [], NO_TIMEOUT)


async def test_force_close_never_reuses(tcp_server: CountingServer) -> None:
    async with TCPConnector(force_close=True) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        for _ in range(3):
            conn = await connector.connect(req, [], NO_TIMEOUT)
            assert not conn.is_reused
            conn.release()
        assert tcp_server.accepted == 3
        await tcp_server.wait_for(lambda s: s.current == 0)


async def test_force_close_with_keepalive_is_an_error() -> None:
    with pytest.raises(ValueError):
        TCPConnector(force_close=True, keepalive_timeout=30)


async def test_limit_observed_from_server(tcp_server: CountingServer) -> None:
    async with TCPConnector(limit=3) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")

        async def one() -> None:
            conn = await connector.connect(req, [], NO_TIMEOUT)
            for _ in range(3):
                await asyncio.sleep(0)
            conn.release()

        await asyncio.gather(*(one() for _ in range(30)))
        assert tcp_server.peak == 3
        assert tcp_server.accepted == 3
        assert connector._pool.acquired == 0


async def test_limit_per_host_observed_from_servers(
    tcp_server: CountingServer, tcp_server2: CountingServer
) -> None:
    async with TCPConnector(limit=0, limit_per_host=2) as connector:
        reqs = [
            target(f"http://127.0.0.1:{tcp_server.port}/"),
            target(f"http://127.0.0.1:{tcp_server2.port}/"),
        ]

        async def one(i: int) -> None:
            conn = await connector.connect(reqs[i % 2], [], NO_TIMEOUT)
            await asyncio.sleep(0)
            conn.release()

        await asyncio.gather(*(one(i) for i in range(40)))
        assert tcp_server.peak == 2 and tcp_server2.peak == 2


async def test_waiters_served_in_fifo_order(tcp_server: CountingServer) -> None:
    async with TCPConnector(limit=1) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        holder = await connector.connect(req, [], NO_TIMEOUT)
        order: list[int] = []

        async def one(i: int) -> None:
            conn = await connector.connect(req, [], NO_TIMEOUT)
            order.append(i)
            conn.release()

        tasks = []
        for i in range(10):
            tasks.append(asyncio.create_task(one(i)))
            await asyncio.sleep(0)  # let it queue before the next one
        assert connector._pool.waiting() == 10
        holder.release()
        await asyncio.gather(*tasks)
        assert order == list(range(10))


async def test_queued_trace_events(tcp_server: CountingServer, trace_log: TraceLog) -> None:
    async with TCPConnector(limit=1) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        first = await connector.connect(req, trace_log.traces(), NO_TIMEOUT)
        assert trace_log.events == ["connection_create_start", "connection_create_end"]
        trace_log.events.clear()
        task = asyncio.create_task(connector.connect(req, trace_log.traces(), NO_TIMEOUT))
        await asyncio.sleep(0.01)
        first.release()
        second = await task
        assert trace_log.events == [
            "connection_queued_start",
            "connection_queued_end",
            "connection_reuseconn",
        ]
        second.release()


async def test_connect_timeout_while_queued_keeps_books(tcp_server: CountingServer) -> None:
    async with TCPConnector(limit=1) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        holder = await connector.connect(req, [], NO_TIMEOUT)
        with pytest.raises(ConnectionTimeoutError):
            await connector.connect(req, [], ClientTimeout(connect=0.02))
        assert connector._pool.acquired == 1 and connector._pool.waiting() == 0
        holder.release()
        conn = await connector.connect(req, [], NO_TIMEOUT)
        assert conn.is_reused
        conn.release()
        assert connector._pool.acquired == 0


async def test_cancel_granted_waiter_passes_slot(tcp_server: CountingServer) -> None:
    """The #4936 race: a waiter is granted the slot, then cancelled before it runs."""
    async with TCPConnector(limit=1) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        holder = await connector.connect(req, [], NO_TIMEOUT)
        w1 = asyncio.create_task(connector.connect(req, [], NO_TIMEOUT))
        await asyncio.sleep(0)
        holder.release()  # slot handed to w1 synchronously
        w2 = asyncio.create_task(connector.connect(req, [], NO_TIMEOUT))  # must queue
        w1.cancel()
        conn = await w2
        assert connector._pool.acquired == 1
        with pytest.raises(asyncio.CancelledError):
            await w1
        conn.release()
        assert connector._pool.acquired == 0
        assert tcp_server.peak == 1


async def test_cancel_while_connecting_frees_slot(tcp_server: CountingServer) -> None:
    resolver = CountingResolver()
    resolver.gate = asyncio.Event()
    async with TCPConnector(limit=1, resolver=resolver) as connector:
        req = target(f"http://localhost:{tcp_server.port}/")
        first = asyncio.create_task(connector.connect(req, [], NO_TIMEOUT))
        await asyncio.sleep(0)
        second = asyncio.create_task(connector.connect(req, [], NO_TIMEOUT))
        await asyncio.sleep(0)
        assert connector._pool.acquired == 1 and connector._pool.waiting() == 1
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        assert connector._pool.acquired == 1  # now held by `second`
        resolver.gate.set()
        conn = await second
        conn.release()
        assert connector._pool.acquired == 0


@pytest.mark.parametrize("force_close", [False, True], ids=["reuse", "connect-each-time"])
async def test_cancellation_storm_never_exceeds_limit_or_leaks(
    tcp_server: CountingServer, force_close: bool
) -> None:
    # With force_close every acquisition opens a connection, so cancellations also land
    # while connecting, not only while queued.
    rng = random.Random(4936)
    limit = 4
    async with TCPConnector(limit=limit, force_close=force_close) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        pool = connector._pool
        in_use = 0
        peak = 0

        async def one() -> None:
            nonlocal in_use, peak
            conn = await connector.connect(req, [], NO_TIMEOUT)
            in_use += 1
            peak = max(peak, in_use)
            assert pool.acquired <= limit
            try:
                for _ in range(rng.randrange(4)):
                    await asyncio.sleep(0)
            finally:
                in_use -= 1
                if rng.random() < 0.3:
                    conn.close()
                else:
                    conn.release()

        for _round in range(5):
            tasks = [asyncio.create_task(one()) for _ in range(60)]
            for _ in range(20):
                await asyncio.sleep(0)
                assert pool.acquired <= limit
                for t in rng.sample(tasks, 5):
                    t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            assert pool.acquired == 0
            assert pool.waiting() == 0
            assert in_use == 0

        assert peak <= limit
        # No slot leaked: `limit` connections can be held at once again.
        conns = [await connector.connect(req, [], NO_TIMEOUT) for _ in range(limit)]
        for c in conns:
            c.release()
        await tcp_server.wait_for(lambda s: s.current <= (0 if force_close else limit))


async def test_keepalive_expiry_closes_idle(tcp_server: CountingServer) -> None:
    async with TCPConnector(keepalive_timeout=0.05) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        conn = await connector.connect(req, [], NO_TIMEOUT)
        conn.release()
        assert connector._pool.idle_count() == 1
        await tcp_server.wait_for(lambda s: s.closed_count == 1)
        assert connector._pool.idle_count() == 0
        conn = await connector.connect(req, [], NO_TIMEOUT)
        assert not conn.is_reused
        conn.release()


async def test_connection_closed_by_server_while_idle_is_dropped(
    tcp_server: CountingServer,
) -> None:
    async with TCPConnector() as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        conn = await connector.connect(req, [], NO_TIMEOUT)
        proto = conn.protocol
        assert proto is not None
        conn.release()
        tcp_server.drop_all()
        await asyncio.wait_for(proto.closed, 5)
        conn = await connector.connect(req, [], NO_TIMEOUT)
        assert not conn.is_reused and conn.protocol is not proto
        conn.release()
        assert tcp_server.accepted == 2


async def test_close_from_connection_is_not_pooled(tcp_server: CountingServer) -> None:
    async with TCPConnector() as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        conn = await connector.connect(req, [], NO_TIMEOUT)
        conn.close()
        conn.close()  # idempotent
        assert connector._pool.idle_count() == 0 and connector._pool.acquired == 0
        await tcp_server.wait_for(lambda s: s.current == 0)


async def test_close_fails_queued_acquisitions(tcp_server: CountingServer) -> None:
    connector = TCPConnector(limit=1)
    req = target(f"http://127.0.0.1:{tcp_server.port}/")
    holder = await connector.connect(req, [], NO_TIMEOUT)
    waiter = asyncio.create_task(connector.connect(req, [], NO_TIMEOUT))
    await asyncio.sleep(0)
    await connector.close()
    with pytest.raises(ClientConnectionError):
        await waiter
    holder.release()
    assert connector._pool.acquired == 0


async def test_properties() -> None:
    connector = TCPConnector(limit=7, limit_per_host=2)
    assert connector.limit == 7 and connector.limit_per_host == 2
    assert not connector.force_close and not connector.closed
    await connector.close()
    assert connector.closed


# Every await of the connector's paths is a traced one (or sits next to one): a trace handler
# that raises CancelledError there stands for a cancellation landing at that point.
_SCENARIO = {
    "connection_queued_start": "queued",
    "connection_queued_end": "queued",
    "connection_reuseconn": "queued",
    "connection_create_start": "fresh",
    "dns_cache_miss": "fresh",
    "dns_resolvehost_start": "fresh",
    "dns_resolvehost_end": "fresh",
    "connection_create_end": "fresh",
    "dns_cache_hit": "cached",
}


@pytest.mark.parametrize("signal", sorted(_SCENARIO))
async def test_cancel_at_every_traced_point_leaks_nothing(
    signal: str, tcp_server: CountingServer
) -> None:
    from aiohttp_fast.client_exceptions import ClientConnectorDNSError
    from aiohttp_fast.tracing import Trace, TraceConfig

    async def cancel(session: object, ctx: object, params: object) -> None:
        raise asyncio.CancelledError()

    config = TraceConfig()
    getattr(config, f"on_{signal}").append(cancel)
    config.freeze()
    traces = [Trace(None, config, config.trace_config_ctx())]

    resolver = CountingResolver()
    async with TCPConnector(limit=1, resolver=resolver) as connector:
        req = target(f"http://cancel.test:{tcp_server.port}/")
        pool = connector._pool
        holder = None
        if _SCENARIO[signal] == "queued":
            holder = await connector.connect(req, [], NO_TIMEOUT)
        elif _SCENARIO[signal] == "cached":
            (await connector.connect(req, [], NO_TIMEOUT)).close()
        task = asyncio.create_task(connector.connect(req, traces, NO_TIMEOUT))
        await asyncio.sleep(0)
        if holder is not None:
            holder.release()
        with pytest.raises((asyncio.CancelledError, ClientConnectorDNSError)):
            await task
        assert pool.acquired == 0 and pool.waiting() == 0
        assert not connector._acquired
        # Every connection still open at the server is one the pool can lend again.
        await tcp_server.wait_for(lambda s: s.current == pool.idle_count())
        conn = await connector.connect(req, [], NO_TIMEOUT)
        conn.release()


async def test_forgotten_connection_warns_and_frees_its_slot(tcp_server: CountingServer) -> None:
    import gc

    async with TCPConnector(limit=1) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        conn = await connector.connect(req, [], NO_TIMEOUT)
        with pytest.warns(ResourceWarning, match="Unclosed connection"):
            del conn
            gc.collect()
        assert connector._pool.acquired == 0
        await tcp_server.wait_for(lambda s: s.current == 0)  # closed, not pooled
        again = await connector.connect(req, [], NO_TIMEOUT)
        again.release()
