"""DNS resolution: resolvers (threaded getaddrinfo, aiodns) and the connector's host cache.

A resolver's ``resolve(host, port, family)`` returns aiohttp's records: dicts with ``hostname``
(the name asked for), ``host`` (a numeric address), ``port``, ``family``, ``proto`` and ``flags``.
Failures raise ``OSError``; the connector turns them into ``ClientConnectorDNSError``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypedDict

__all__ = (
    "AbstractResolver",
    "AsyncResolver",
    "DefaultResolver",
    "DNSCache",
    "ResolveResult",
    "ThreadedResolver",
    "is_ip_address",
)

# Only ask for address families the host has configured (no AAAA answers on IPv4-only hosts).
_AI_ADDRCONFIG = getattr(socket, "AI_ADDRCONFIG", 0)
_NUMERIC_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_NAMEINFO_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV


class ResolveResult(TypedDict):
    """One resolved address, as aiohttp's resolvers return it."""

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class AbstractResolver(ABC):
    """What a custom resolver implements (aiohttp's ``AbstractResolver``)."""

    @abstractmethod
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The addresses of ``host``; raises OSError when there are none."""

    @abstractmethod
    async def close(self) -> None:
        """Release the resolver's resources."""


@lru_cache(maxsize=512)
def is_ip_address(host: str) -> bool:
    """True for an IPv4 or IPv6 literal (these bypass resolution and the cache)."""
    try:
        ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    return True


def ip_literal_result(host: str, port: int) -> list[ResolveResult]:
    """The single record of an IP literal, shaped like a resolver's answer."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return [
        ResolveResult(
            hostname=host, host=host, port=port, family=family, proto=0, flags=_NUMERIC_FLAGS
        )
    ]


class ThreadedResolver(AbstractResolver):
    """The default resolver: the system's getaddrinfo, run in the loop's thread pool."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            infos = await self._loop.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, family=family, flags=_AI_ADDRCONFIG
            )
        except socket.gaierror as exc:
            raise OSError(None, exc.strerror or str(exc)) from exc
        hosts: list[ResolveResult] = []
        for fam, _, proto, _, address in infos:
            if fam == socket.AF_INET6:
                if len(address) < 3:  # IPv6 not supported by this Python build
                    continue
                if address[3]:
                    # Link-local: keep the scope (``fe80::1%eth0``) or the address is useless.
                    resolved, _port = await self._loop.getnameinfo(address, _NAMEINFO_FLAGS)
                    port_ = int(_port)
                else:
                    resolved, port_ = str(address[0]), int(address[1])
            else:
                resolved, port_ = str(address[0]), int(address[1])
            hosts.append(
                ResolveResult(
                    hostname=host,
                    host=resolved,
                    port=port_,
                    family=fam,
                    proto=proto,
                    flags=_NUMERIC_FLAGS,
                )
            )
        if not hosts:
            raise OSError(None, "DNS lookup failed")
        return hosts

    async def close(self) -> None:
        """Nothing to release."""


class AsyncResolver(AbstractResolver):
    """Asynchronous DNS over c-ares via ``aiodns`` (``pip install aiodns``).

    Keyword arguments (``nameservers=[...]``, ``timeout``, ``tries``...) go to
    ``aiodns.DNSResolver``.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        nameservers: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            import aiodns
        except ImportError:  # the dependency is optional
            raise RuntimeError("Resolver requires aiodns library") from None
        self._aiodns = aiodns
        self._loop = loop or asyncio.get_running_loop()
        self._resolver = aiodns.DNSResolver(nameservers=nameservers, loop=self._loop, **kwargs)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            resp = await self._resolver.getaddrinfo(
                host, port=port, type=socket.SOCK_STREAM, family=family, flags=_AI_ADDRCONFIG
            )
        except self._aiodns.error.DNSError as exc:
            msg = exc.args[1] if len(exc.args) > 1 else "DNS lookup failed"
            raise OSError(None, msg) from exc
        hosts: list[ResolveResult] = []
        for node in resp.nodes:
            address = node.addr
            resolved = address[0].decode("ascii")
            port_ = address[1]
            if node.family == socket.AF_INET6 and len(address) > 3 and address[3]:
                info = await self._resolver.getnameinfo((resolved, *address[1:]), _NAMEINFO_FLAGS)
                resolved = info.node
            hosts.append(
                ResolveResult(
                    hostname=host,
                    host=resolved,
                    port=port_,
                    family=node.family,
                    proto=0,
                    flags=_NUMERIC_FLAGS,
                )
            )
        if not hosts:
            raise OSError(None, "DNS lookup failed")
        return hosts

    async def close(self) -> None:
        """Stop the c-ares channel."""
        self._resolver.cancel()
        close = getattr(self._resolver, "close", None)
        if close is not None:
            result = close()
            if asyncio.iscoroutine(result):
                await result


DefaultResolver = ThreadedResolver


class DNSCache:
    """Resolved addresses per ``(host, port)``: expire after ``ttl`` seconds (None: never), and
    at most ``max_size`` entries, the least recently used dropped first.

    Each hit rotates the addresses so that successive connections spread over them.
    """

    __slots__ = ("_entries", "_ttl", "_max_size")

    def __init__(self, ttl: float | None = 10, max_size: int = 1000) -> None:
        self._entries: OrderedDict[tuple[str, int], tuple[list[ResolveResult], float]] = (
            OrderedDict()
        )
        self._ttl = ttl
        self._max_size = max_size

    def __contains__(self, key: tuple[str, int]) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[str, int], now: float) -> list[ResolveResult] | None:
        """The cached addresses (rotated for the next caller), or None if absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        addrs, stored = entry
        if self._ttl is not None and now - stored > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        if len(addrs) > 1:
            self._entries[key] = (addrs[1:] + addrs[:1], stored)
        return addrs

    def add(self, key: tuple[str, int], addrs: list[ResolveResult], now: float) -> None:
        """Store a fresh answer, evicting the least recently used beyond ``max_size``."""
        self._entries[key] = (addrs, now)
        self._entries.move_to_end(key)
        while self._max_size and len(self._entries) > self._max_size:
            self._entries.popitem(last=False)

    def remove(self, key: tuple[str, int]) -> None:
        """Forget one entry (no error if absent)."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
