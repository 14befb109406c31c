"""DNS: the cache (TTL, LRU size, rotation), coalesced lookups, resolvers, and their traces."""

from __future__ import annotations

import asyncio
import socket

import pytest

from aiohttp_fast.client_exceptions import ClientConnectorDNSError
from aiohttp_fast.connector import TCPConnector
from aiohttp_fast.resolver import (
    AsyncResolver,
    DefaultResolver,
    DNSCache,
    ResolveResult,
    ThreadedResolver,
    is_ip_address,
)

from .fixtures_connector import NO_TIMEOUT, CountingResolver, CountingServer, TraceLog, target


def _rr(host: str) -> ResolveResult:
    return ResolveResult(hostname="h", host=host, port=80, family=socket.AF_INET, proto=0, flags=0)


# -- DNSCache --------------------------------------------------------------------------------------


def test_cache_ttl_expiry() -> None:
    cache = DNSCache(ttl=10)
    cache.add(("h", 80), [_rr("1.1.1.1")], now=100.0)
    assert cache.get(("h", 80), now=110.0) is not None
    assert cache.get(("h", 80), now=110.5) is None
    assert ("h", 80) not in cache


def test_cache_ttl_none_is_forever() -> None:
    cache = DNSCache(ttl=None)
    cache.add(("h", 80), [_rr("1.1.1.1")], now=0.0)
    assert cache.get(("h", 80), now=1e9) is not None


def test_cache_lru_eviction() -> None:
    cache = DNSCache(ttl=None, max_size=2)
    cache.add(("a", 80), [_rr("1.1.1.1")], 0)
    cache.add(("b", 80), [_rr("2.2.2.2")], 0)
    assert cache.get(("a", 80), 0) is not None  # "a" becomes most recently used
    cache.add(("c", 80), [_rr("3.3.3.3")], 0)
    assert ("a", 80) in cache and ("c", 80) in cache and ("b", 80) not in cache
    assert len(cache) == 2


def test_cache_rotates_addresses_on_hits() -> None:
    cache = DNSCache(ttl=None)
    cache.add(("h", 80), [_rr("1.1.1.1"), _rr("2.2.2.2")], 0)
    first = cache.get(("h", 80), 0)
    second = cache.get(("h", 80), 0)
    assert first is not None and second is not None
    assert [r["host"] for r in first] == ["1.1.1.1", "2.2.2.2"]
    assert [r["host"] for r in second] == ["2.2.2.2", "1.1.1.1"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("::1", True), ("fe80::1%lo", True), ("localhost", False),
     ("1.2.3", False), ("example.com", False)],
)
def test_is_ip_address(host: str, expected: bool) -> None:
    assert is_ip_address(host) is expected


# -- through the connector -----------------------------------------------------------------------


async def test_cache_hit_and_miss_with_traces(
    tcp_server: CountingServer, counting_resolver: CountingResolver, trace_log: TraceLog
) -> None:
    async with TCPConnector(resolver=counting_resolver, force_close=True) as connector:
        req = target(f"http://example.test:{tcp_server.port}/")
        conn = await connector.connect(req, trace_log.traces(), NO_TIMEOUT)
        conn.release()
        assert trace_log.events == [
            "connection_create_start",
            "dns_cache_miss",
            "dns_resolvehost_start",
            "dns_resolvehost_end",
            "connection_create_end",
        ]
        trace_log.events.clear()
        conn = await connector.connect(req, trace_log.traces(), NO_TIMEOUT)
        conn.release()
        assert trace_log.events == [
            "connection_create_start",
            "dns_cache_hit",
            "connection_create_end",
        ]
        assert counting_resolver.calls == [("example.test", tcp_server.port)]


async def test_no_dns_cache_resolves_every_time(
    tcp_server: CountingServer, counting_resolver: CountingResolver
) -> None:
    async with TCPConnector(
        resolver=counting_resolver, use_dns_cache=False, force_close=True
    ) as connector:
        req = target(f"http://example.test:{tcp_server.port}/")
        for _ in range(3):
            (await connector.connect(req, [], NO_TIMEOUT)).release()
        assert len(counting_resolver.calls) == 3


async def test_ttl_expiry_resolves_again(
    tcp_server: CountingServer, counting_resolver: CountingResolver
) -> None:
    async with TCPConnector(
        resolver=counting_resolver, ttl_dns_cache=0.01, force_close=True
    ) as connector:
        req = target(f"http://example.test:{tcp_server.port}/")
        (await connector.connect(req, [], NO_TIMEOUT)).release()
        await asyncio.sleep(0.03)
        (await connector.connect(req, [], NO_TIMEOUT)).release()
        assert len(counting_resolver.calls) == 2


async def test_cache_size_bound(
    tcp_server: CountingServer, counting_resolver: CountingResolver
) -> None:
    async with TCPConnector(
        resolver=counting_resolver, dns_cache_max_size=1, force_close=True
    ) as connector:
        for host in ("a.test", "b.test", "a.test"):
            req = target(f"http://{host}:{tcp_server.port}/")
            (await connector.connect(req, [], NO_TIMEOUT)).release()
        assert [h for h, _ in counting_resolver.calls] == ["a.test", "b.test", "a.test"]


async def test_clear_dns_cache(
    tcp_server: CountingServer, counting_resolver: CountingResolver
) -> None:
    async with TCPConnector(resolver=counting_resolver, force_close=True) as connector:
        req = target(f"http://example.test:{tcp_server.port}/")
        (await connector.connect(req, [], NO_TIMEOUT)).release()
        connector.clear_dns_cache("example.test", tcp_server.port)
        (await connector.connect(req, [], NO_TIMEOUT)).release()
        connector.clear_dns_cache()
        (await connector.connect(req, [], NO_TIMEOUT)).release()
        assert len(counting_resolver.calls) == 3
        with pytest.raises(ValueError):
            connector.clear_dns_cache("example.test")


async def test_concurrent_lookups_coalesced(
    tcp_server: CountingServer, counting_resolver: CountingResolver
) -> None:
    counting_resolver.gate = asyncio.Event()
    async with TCPConnector(resolver=counting_resolver) as connector:
        req = target(f"http://example.test:{tcp_server.port}/")
        tasks = [asyncio.create_task(connector.connect(req, [], NO_TIMEOUT)) for _ in range(10)]
        await asyncio.sleep(0.01)
        assert len(counting_resolver.calls) == 1
        # A waiter cancelled meanwhile does not cancel the shared lookup.
        tasks[0].cancel()
        tasks[5].cancel()
        await asyncio.sleep(0)
        counting_resolver.gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        conns = [r for r in results if not isinstance(r, BaseException)]
        assert len(conns) == 8
        assert sum(isinstance(r, asyncio.CancelledError) for r in results) == 2
        for c in conns:
            c.release()
        assert len(counting_resolver.calls) == 1
        assert connector._pool.acquired == 0


async def test_all_waiters_cancelled_lookup_still_caches(
    tcp_server: CountingServer, counting_resolver: CountingResolver
) -> None:
    counting_resolver.gate = asyncio.Event()
    async with TCPConnector(resolver=counting_resolver) as connector:
        req = target(f"http://example.test:{tcp_server.port}/")
        task = asyncio.create_task(connector.connect(req, [], NO_TIMEOUT))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        counting_resolver.gate.set()
        conn = await connector.connect(req, [], NO_TIMEOUT)
        conn.release()
        assert len(counting_resolver.calls) == 1


async def test_resolution_failure_is_dns_error(counting_resolver: CountingResolver) -> None:
    counting_resolver.fail = OSError(None, "Name or service not known")
    async with TCPConnector(resolver=counting_resolver) as connector:
        req = target("http://nowhere.test:80/")
        with pytest.raises(ClientConnectorDNSError) as info:
            await connector.connect(req, [], NO_TIMEOUT)
        assert info.value.host == "nowhere.test"
        assert connector._pool.acquired == 0
        # Failures are not cached.
        with pytest.raises(ClientConnectorDNSError):
            await connector.connect(req, [], NO_TIMEOUT)
        assert len(counting_resolver.calls) == 2


async def test_failure_shared_by_coalesced_waiters(counting_resolver: CountingResolver) -> None:
    counting_resolver.fail = OSError(None, "boom")
    counting_resolver.gate = asyncio.Event()
    async with TCPConnector(resolver=counting_resolver) as connector:
        req = target("http://nowhere.test:80/")
        tasks = [asyncio.create_task(connector.connect(req, [], NO_TIMEOUT)) for _ in range(3)]
        await asyncio.sleep(0.01)
        counting_resolver.gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, ClientConnectorDNSError) for r in results)
        assert len(counting_resolver.calls) == 1


async def test_ip_literal_bypasses_resolver(
    tcp_server: CountingServer, counting_resolver: CountingResolver, trace_log: TraceLog
) -> None:
    async with TCPConnector(resolver=counting_resolver) as connector:
        req = target(f"http://127.0.0.1:{tcp_server.port}/")
        conn = await connector.connect(req, trace_log.traces(), NO_TIMEOUT)
        conn.release()
        assert counting_resolver.calls == []
        assert "dns_cache_miss" not in trace_log.events


async def test_connector_closes_resolver_it_made_only(
    counting_resolver: CountingResolver,
) -> None:
    connector = TCPConnector(resolver=counting_resolver)
    await connector.close()
    assert not counting_resolver.closed  # the caller owns it


# -- resolvers ------------------------------------------------------------------------------------


async def test_threaded_resolver_localhost() -> None:
    resolver = ThreadedResolver()
    hosts = await resolver.resolve("localhost", 8080, family=socket.AF_INET)
    assert hosts and all(h["host"] == "127.0.0.1" and h["port"] == 8080 for h in hosts)
    assert hosts[0]["hostname"] == "localhost"
    assert set(hosts[0]) == {"hostname", "host", "port", "family", "proto", "flags"}
    await resolver.close()


async def test_threaded_resolver_failure_is_oserror() -> None:
    resolver = ThreadedResolver()
    with pytest.raises(OSError):
        # A numeric-only lookup of a name fails locally, without the network.
        await resolver.resolve("definitely not a host name", 80)


def test_default_resolver_is_threaded() -> None:
    assert DefaultResolver is ThreadedResolver


async def test_async_resolver_localhost() -> None:
    pytest.importorskip("aiodns")
    resolver = AsyncResolver(nameservers=["127.0.0.1"])
    try:
        hosts = await asyncio.wait_for(
            resolver.resolve("localhost", 80, family=socket.AF_INET), 5
        )
    except OSError as exc:  # pragma: no cover - depends on the host's /etc/hosts
        pytest.skip(f"c-ares cannot resolve localhost here: {exc}")
    finally:
        await resolver.close()
    assert any(h["host"] == "127.0.0.1" for h in hosts)


async def test_close_during_lookup_fails_waiters(
    counting_resolver: CountingResolver,
) -> None:
    counting_resolver.gate = asyncio.Event()  # never answers
    connector = TCPConnector(resolver=counting_resolver)
    task = asyncio.create_task(connector.connect(target("http://stuck.test:80/"), [], NO_TIMEOUT))
    await asyncio.sleep(0.01)
    await connector.close()
    with pytest.raises(ClientConnectorDNSError):
        await task
    assert not connector._resolving
    assert connector._pool.acquired == 0
