# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""Connectors: where a request gets its connection (pooled, or new over TCP/TLS or a unix socket).

``conn = await connector.connect(req, traces, timeout)`` lends a :class:`Connection`; the request
layer calls ``conn.release()`` once the response is read (back to the pool if reusable) or
``conn.close()`` on error. The bookkeeping (slots, idle connections, FIFO waiters) lives in
``_pool.Pool`` and changes synchronously; this module does the awaiting around it, and gives a
slot back on every path that does not end with a lent connection.
"""

from __future__ import annotations

import asyncio
import math
import socket
import ssl as _ssl
import warnings
from collections.abc import Callable
from typing import Any

from ._pool import Pool
from .abc import ConnectTarget
from .client_exceptions import (
    ClientConnectionError,
    ClientConnectorDNSError,
    ConnectionTimeoutError,
    UnixClientConnectorError,
)
from .happy_eyeballs import SocketFactory, addr_infos, interleave_families, staggered_connect
from .protocol import ResponseHandler
from .proxy import create_proxy_connection
from .resolver import (
    AbstractResolver,
    DefaultResolver,
    DNSCache,
    ResolveResult,
    ip_literal_result,
    is_ip_address,
)
from .timeouts import ClientTimeout
from .tls import Fingerprint, merge_ssl_params, resolve_ssl, translate_connect_error
from .tracing import Trace, wants
from .typedefs import ConnectionKey

__all__ = ("BaseConnector", "Connection", "TCPConnector", "UnixConnector")



# URL schemes a session may send through a connector (aiohttp checks this attribute).
HIGH_LEVEL_SCHEMA_SET = frozenset({"", "http", "https", "ws", "wss"})


class _Sentinel:
    def __repr__(self) -> str:
        return "<default>"


_SENTINEL: Any = _Sentinel()


class Connection:
    """A connection lent to one request.

    ``release()`` it once the response is fully read (it returns to the pool when reusable),
    ``close()`` it on error or cancellation. Either frees the connector slot; both are idempotent.
    """

    __slots__ = ("_connector", "_key", "_protocol", "_loop", "is_reused", "_callbacks")

    def __init__(
        self,
        connector: BaseConnector,
        key: ConnectionKey,
        protocol: ResponseHandler,
        loop: asyncio.AbstractEventLoop,
        is_reused: bool = False,
    ) -> None:
        self._connector = connector
        self._key = key
        self._protocol: ResponseHandler | None = protocol
        self._loop = loop
        self.is_reused = is_reused
        self._callbacks: list[Callable[[], None]] | None = None

    def __repr__(self) -> str:
        return f"Connection<{self._key}>"

    def __bool__(self) -> bool:
        return True

    def __del__(self) -> None:
        # A request that forgot its connection would otherwise keep its slot forever.
        if self._protocol is not None:
            warnings.warn(
                f"Unclosed connection {self!r}", ResourceWarning, stacklevel=1, source=self
            )
            if not self._loop.is_closed():
                self._connector._release(self._key, self._protocol, True)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    @property
    def key(self) -> ConnectionKey:
        return self._key

    @property
    def protocol(self) -> ResponseHandler | None:
        return self._protocol

    @property
    def transport(self) -> asyncio.Transport | None:
        proto = self._protocol
        return None if proto is None else proto.transport

    @property
    def closed(self) -> bool:
        """True once released or closed, or when the underlying connection is gone."""
        proto = self._protocol
        return proto is None or not proto.is_connected()

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when this connection is released, closed or detached."""
        if self._callbacks is None:
            self._callbacks = []
        self._callbacks.append(callback)

    def _notify_release(self) -> None:
        callbacks = self._callbacks
        if callbacks:
            self._callbacks = None
            for cb in callbacks:
                try:
                    cb()
                except Exception:  # a callback's failure must not leak the slot
                    pass

    def release(self) -> None:
        """Done with the connection: back to the pool if it can be reused, else closed."""
        proto = self._protocol
        if proto is not None:
            self._protocol = None
            if self._callbacks:
                self._notify_release()
            self._connector._release(self._key, proto, False)

    def close(self) -> None:
        """Close the connection and free its slot."""
        proto = self._protocol
        if proto is not None:
            self._protocol = None
            if self._callbacks:
                self._notify_release()
            self._connector._release(self._key, proto, True)

    def detach(self) -> None:
        """Free the slot but leave the transport open and owned by the caller (upgrades)."""
        proto = self._protocol
        if proto is not None:
            self._protocol = None
            if self._callbacks:
                self._notify_release()
            self._connector._release_acquired(self._key, proto)


class BaseConnector:
    """The pool of connections shared by a session; subclasses say how to open one.

    - ``keepalive_timeout``: seconds an idle connection is kept (default 15; None: forever,
      or no reuse at all with ``force_close``);
    - ``force_close``: close every connection after its request;
    - ``limit``: connections in use or being opened at once (0: no limit);
    - ``limit_per_host``: the same for one host/port/TLS/proxy combination (0: no limit);
    - ``timeout_ceil_threshold``: timeouts longer than this end on a whole second.
    """

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET

    def __init__(
        self,
        *,
        keepalive_timeout: float | None | Any = _SENTINEL,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        if force_close:
            if keepalive_timeout is not None and keepalive_timeout is not _SENTINEL:
                raise ValueError("keepalive_timeout cannot be set if force_close is True")
            keepalive_timeout = None
        elif keepalive_timeout is _SENTINEL:
            keepalive_timeout = 15.0
        self._loop = loop or asyncio.get_running_loop()
        self._keepalive_timeout: float | None = keepalive_timeout
        self._force_close = force_close
        self._timeout_ceil_threshold = timeout_ceil_threshold
        # Kept for aiohttp compatibility: modern asyncio closes TLS transports reliably, and
        # close() aborts any that do not finish their shutdown in time.
        self._cleanup_closed = enable_cleanup_closed
        self._pool = Pool(limit, limit_per_host)
        self._acquired: set[ResponseHandler] = set()
        self._sweep_handle: asyncio.TimerHandle | None = None
        self._closed = False
        # How long close() lets transports finish closing (TLS close_notify) before aborting.
        self._close_grace = 2.0
        loop_ = self._loop
        self._factory: Callable[[], ResponseHandler] = lambda: ResponseHandler(loop_)

    # -- public surface ----------------------------------------------------------------------

    @property
    def limit(self) -> int:
        """The most connections in use (or being opened) at once; 0 means no limit."""
        return self._pool.limit

    @property
    def limit_per_host(self) -> int:
        """The most connections per connection key at once; 0 means no limit."""
        return self._pool.limit_per_host

    @property
    def force_close(self) -> bool:
        return self._force_close

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> BaseConnector:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self, *, abort_ssl: bool = False) -> None:
        """Close every connection (idle and lent) and fail queued acquisitions.

        Waits for the transports to finish closing (TLS sends close_notify), aborting those
        that take longer than a couple of seconds.
        """
        if self._closed:
            return
        self._closed = True
        if self._sweep_handle is not None:
            self._sweep_handle.cancel()
            self._sweep_handle = None
        self._pool.fail_waiters(ClientConnectionError("Connector is closed."))
        protos = self._pool.drain_idle()
        protos.extend(self._acquired)
        self._acquired.clear()
        self._close_hook()
        for proto in protos:
            if abort_ssl:
                proto.abort()
            else:
                proto.close()
        pending = [p.closed for p in protos if not p.closed.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=self._close_grace)
            if late:
                for proto in protos:
                    if not proto.closed.done():
                        proto.abort()
                await asyncio.wait(late, timeout=0.5)

    def _close_hook(self) -> None:
        """Subclasses drop their own resources here (synchronously)."""

    # -- lending -----------------------------------------------------------------------------

    async def connect(
        self, req: ConnectTarget, traces: list[Trace], timeout: ClientTimeout
    ) -> Connection:
        """A connection for ``req``: an idle one of the same key, or a new one.

        Raises ConnectionTimeoutError when ``timeout.connect`` (queueing and opening) or
        ``timeout.sock_connect`` (opening) runs out, ClientConnectorError and subclasses when
        opening fails.
        """
        if self._closed:
            raise ClientConnectionError("Connector is closed.")
        key = req.connection_key
        pool = self._pool
        # Hot path: a free slot and an idle connection, no await at all (unless traced).
        if pool.try_acquire(key):
            conn = self._lend_idle(key)
            if conn is not None:
                if traces and wants(traces, "connection_reuseconn"):
                    await self._trace_lent(conn, traces)
                return conn
            waiter = None
        else:
            waiter = self._loop.create_future()
            pool.enqueue(key, waiter)
        return await self._connect_slow(req, key, waiter, traces, timeout)

    def _connect_now(self, req: ConnectTarget) -> Connection | None:
        """``connect()`` where it needs no await: an idle connection of ``req``'s key in a free
        slot, lent; else None, holding nothing (then ``connect()`` does the rest).

        The session's untraced requests call this first: no coroutine per pooled request.
        """
        if self._closed:
            return None
        key = req.connection_key
        pool = self._pool
        if not pool.has_idle(key) or not pool.try_acquire(key):
            return None
        conn = self._lend_idle(key)
        if conn is None:  # every idle one was stale: the slot goes back, connect() opens one
            pool.release_slot(key)
        return conn

    def _lend_idle(self, key: ConnectionKey) -> Connection | None:
        """With a slot of ``key`` held: a usable idle connection of it, lent, or None."""
        proto = self._pop_reusable(key)
        if proto is None:
            return None
        self._acquired.add(proto)
        return Connection(self, key, proto, self._loop, True)

    async def _connect_slow(
        self,
        req: ConnectTarget,
        key: ConnectionKey,
        waiter: asyncio.Future[None] | None,
        traces: list[Trace],
        timeout: ClientTimeout,
    ) -> Connection:
        # Invariant: while ``waiter`` is set, the pool owes us (or gave us) a slot through it;
        # once it is None we hold a slot and must give it back unless a connection is lent.
        proto: ResponseHandler | None = None
        reused = False
        cm = asyncio.timeout_at(self._deadline(timeout.connect, timeout.ceil_threshold))
        try:
            async with cm:
                if waiter is not None:
                    if traces:
                        for trace in traces:
                            await trace.send_connection_queued_start()
                    await waiter
                    waiter = None
                    if traces:
                        for trace in traces:
                            await trace.send_connection_queued_end()
                    if self._closed:
                        raise ClientConnectionError("Connector is closed.")
                    proto = self._pop_reusable(key)
                    reused = proto is not None
                if proto is None:
                    if traces:
                        for trace in traces:
                            await trace.send_connection_create_start()
                    proto = await self._create_connection(req, traces, timeout)
                    if self._closed:
                        raise ClientConnectionError("Connector is closed.")
        except BaseException as exc:
            if waiter is not None:
                self._pool.abandon(key, waiter)
            else:
                self._pool.release_slot(key)
            if proto is not None:
                proto.close()
            if cm.expired() and not isinstance(exc, ConnectionTimeoutError):
                raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
            raise
        self._acquired.add(proto)
        conn = Connection(self, key, proto, self._loop, reused)
        if traces:
            await self._trace_lent(conn, traces)
        return conn

    async def _trace_lent(self, conn: Connection, traces: list[Trace]) -> None:
        try:
            if conn.is_reused:
                for trace in traces:
                    await trace.send_connection_reuseconn()
            else:
                for trace in traces:
                    await trace.send_connection_create_end()
        except BaseException:
            conn.close()
            raise

    def _deadline(
        self, seconds: float | None, ceil_threshold: float | None = None
    ) -> float | None:
        # Like aiohttp: a timeout longer than the threshold (the ClientTimeout's, by default the
        # connector's) ends on a whole second, so that timer handles can be shared.
        if not seconds:
            return None
        when = self._loop.time() + seconds
        if ceil_threshold is None:
            ceil_threshold = self._timeout_ceil_threshold
        if seconds > ceil_threshold:
            when = math.ceil(when)
        return when

    def _pop_reusable(self, key: ConnectionKey) -> ResponseHandler | None:
        pool = self._pool
        proto = pool.pop_idle(key)
        while proto is not None:
            # The server may have closed it while it sat idle (expiry is the sweep's job).
            if proto._idle_usable():
                return proto
            proto.close()
            proto = pool.pop_idle(key)
        return None

    def _release(self, key: ConnectionKey, proto: ResponseHandler, should_close: bool) -> None:
        self._acquired.discard(proto)
        if should_close or self._force_close or self._closed or proto._must_close():
            proto.close()
        else:
            # Idle first, slot second: the waiter woken by the slot finds the connection.
            proto.forget_exchange()
            now = self._loop.time()
            self._pool.put_idle(key, proto, now)
            keepalive = self._keepalive_timeout
            if keepalive is not None and self._sweep_handle is None:
                self._schedule_sweep(now + keepalive)
        self._pool.release_slot(key)

    def _release_acquired(self, key: ConnectionKey, proto: ResponseHandler) -> None:
        self._acquired.discard(proto)
        self._pool.release_slot(key)

    # One timer per connector sweeps expired idle connections, not one per connection. It is
    # not rounded: being alone, it gains nothing from sharing a whole-second slot.
    def _schedule_sweep(self, when: float) -> None:
        self._sweep_handle = self._loop.call_at(when, self._sweep)

    def _sweep(self) -> None:
        self._sweep_handle = None
        keepalive = self._keepalive_timeout
        if self._closed or keepalive is None:
            return
        expired, oldest = self._pool.expire(self._loop.time() - keepalive)
        for proto in expired:
            proto.close()
        if oldest is not None:
            self._schedule_sweep(oldest + keepalive)

    # -- opening -----------------------------------------------------------------------------

    async def _create_connection(
        self, req: ConnectTarget, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        """Open a new connection for ``req`` (subclasses)."""
        raise NotImplementedError


class TCPConnector(BaseConnector):
    """Connections over TCP, with TLS for https/wss, a DNS cache and Happy Eyeballs.

    - ``ssl``: True (verify), False (don't), an SSLContext, or a Fingerprint; requests may
      override it with their own ``ssl``;
    - ``use_dns_cache`` / ``ttl_dns_cache`` (seconds, None: forever) / ``dns_cache_max_size``;
    - ``family``: 0 (both), ``socket.AF_INET`` or ``socket.AF_INET6``;
    - ``local_addr``: bind outgoing sockets to this (host, port);
    - ``resolver``: an AbstractResolver (default: ThreadedResolver);
    - ``happy_eyeballs_delay`` (None: sequential) and ``interleave``: RFC 8305 racing;
    - ``socket_factory``: builds the socket for an addrinfo tuple (to set options).
    """

    allowed_protocol_schema_set = HIGH_LEVEL_SCHEMA_SET | frozenset({"tcp"})

    def __init__(
        self,
        *,
        verify_ssl: bool = True,
        fingerprint: bytes | None = None,
        use_dns_cache: bool = True,
        ttl_dns_cache: float | None = 10,
        dns_cache_max_size: int = 1000,
        family: socket.AddressFamily | int = 0,
        ssl_context: _ssl.SSLContext | None = None,
        ssl: bool | _ssl.SSLContext | Fingerprint = True,
        local_addr: tuple[str, int] | None = None,
        resolver: AbstractResolver | None = None,
        happy_eyeballs_delay: float | None = 0.25,
        interleave: int | None = None,
        socket_factory: SocketFactory | None = None,
        ssl_shutdown_timeout: float | None | Any = _SENTINEL,
        keepalive_timeout: float | None | Any = _SENTINEL,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            enable_cleanup_closed=enable_cleanup_closed,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
        )
        self._ssl = merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
        if ssl_shutdown_timeout is not _SENTINEL:
            warnings.warn("ssl_shutdown_timeout is deprecated", DeprecationWarning, 2)
            if ssl_shutdown_timeout is not None:
                self._close_grace = float(ssl_shutdown_timeout)
        self._resolver_owner = resolver is None
        self._resolver: AbstractResolver = resolver or DefaultResolver(loop=self._loop)
        self._use_dns_cache = use_dns_cache
        self._cached_hosts = DNSCache(ttl=ttl_dns_cache, max_size=dns_cache_max_size)
        self._resolving: dict[tuple[str, int], asyncio.Task[list[ResolveResult]]] = {}
        self._family = socket.AddressFamily(family)
        self._local_addr = local_addr
        self._happy_eyeballs_delay = happy_eyeballs_delay
        if interleave is None and happy_eyeballs_delay is not None:
            interleave = 1
        self._interleave = interleave
        self._socket_factory = socket_factory

    @property
    def family(self) -> int:
        """The address family connections use (0: any)."""
        return self._family

    @property
    def use_dns_cache(self) -> bool:
        return self._use_dns_cache

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget the cached addresses of (host, port), or all of them."""
        if host is not None and port is not None:
            self._cached_hosts.remove((host, port))
        elif host is not None or port is not None:
            raise ValueError("either both host and port or none of them are allowed")
        else:
            self._cached_hosts.clear()

    async def close(self, *, abort_ssl: bool = False) -> None:
        """Close the connections, then the resolver if this connector made it."""
        if self._closed:
            return
        resolving = list(self._resolving.values())
        await super().close(abort_ssl=abort_ssl)  # cancels the lookups in _close_hook
        if resolving:
            # Let the cancelled lookups finish so no task outlives the connector.
            await asyncio.wait(resolving)
        if self._resolver_owner:
            await self._resolver.close()

    def _close_hook(self) -> None:
        for task in self._resolving.values():
            task.cancel()
        self._resolving.clear()

    # -- DNS ---------------------------------------------------------------------------------

    async def _resolve_host(
        self, host: str, port: int, traces: list[Trace]
    ) -> list[ResolveResult]:
        if is_ip_address(host):
            return ip_literal_result(host, port)
        if not self._use_dns_cache:
            return await self._resolve_traced(host, port, traces)
        key = (host, port)
        cached = self._cached_hosts.get(key, self._loop.time())
        if cached is not None:
            if traces:
                for trace in traces:
                    await trace.send_dns_cache_hit(host)
            return cached
        if traces:
            for trace in traces:
                await trace.send_dns_cache_miss(host)
        # Concurrent lookups of one host share a single query; shield() keeps one waiter's
        # cancellation from cancelling the query the others wait for.
        task = self._resolving.get(key)
        if task is None:
            task = self._loop.create_task(self._resolve_and_cache(key, traces))
            self._resolving[key] = task
            task.add_done_callback(lambda t: self._resolve_done(key, t))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and current is not None and not current.cancelling():
                # The query was cancelled by close(), not us.
                raise OSError(None, "DNS lookup cancelled: connector closed") from None
            raise

    def _resolve_done(self, key: tuple[str, int], task: asyncio.Task[Any]) -> None:
        if self._resolving.get(key) is task:
            del self._resolving[key]
        if not task.cancelled():
            task.exception()  # retrieved: no "never retrieved" noise if every waiter left

    async def _resolve_and_cache(
        self, key: tuple[str, int], traces: list[Trace]
    ) -> list[ResolveResult]:
        addrs = await self._resolve_traced(key[0], key[1], traces)
        self._cached_hosts.add(key, addrs, self._loop.time())
        return addrs

    async def _resolve_traced(
        self, host: str, port: int, traces: list[Trace]
    ) -> list[ResolveResult]:
        if traces:
            for trace in traces:
                await trace.send_dns_resolvehost_start(host)
        addrs = await self._resolver.resolve(host, port, family=self._family)
        if traces:
            for trace in traces:
                await trace.send_dns_resolvehost_end(host)
        return addrs

    # -- opening -----------------------------------------------------------------------------

    async def _create_connection(
        self, req: ConnectTarget, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        if req.proxy is not None:
            return await self._create_proxy_connection(req, traces, timeout)
        return await self._create_direct_connection(req, traces, timeout)

    async def _create_proxy_connection(
        self, req: ConnectTarget, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        """Connect through ``req.proxy`` (plain, or a CONNECT tunnel for TLS targets)."""
        return await create_proxy_connection(self, req, traces, timeout)

    async def _create_direct_connection(
        self,
        req: ConnectTarget,
        traces: list[Trace],
        timeout: ClientTimeout,
    ) -> ResponseHandler:
        key = req.connection_key
        host = req.host
        port = req.port if req.port is not None else req.url.port
        if port is None:
            port = 443 if req.is_ssl() else 80
        try:
            hosts = await self._resolve_host(host, port, traces)
        except OSError as exc:
            raise ClientConnectorDNSError(key, exc) from exc
        return await self._open(req, key, host, hosts, timeout)

    async def _open(
        self,
        req: ConnectTarget,
        key: ConnectionKey,
        host: str,
        hosts: list[ResolveResult],
        timeout: ClientTimeout,
    ) -> ResponseHandler:
        """TCP (Happy Eyeballs) then TLS when needed, within ``timeout.sock_connect``."""
        sslcontext: _ssl.SSLContext | None = None
        fingerprint: Fingerprint | None = None
        server_hostname: str | None = None
        if req.is_ssl():
            sslcontext, fingerprint = resolve_ssl(req.ssl, self._ssl)
            server_hostname = (req.server_hostname or host).rstrip(".")
        infos = addr_infos(hosts)
        if self._interleave:
            infos = interleave_families(infos, self._interleave)
        loop = self._loop
        cm = asyncio.timeout_at(self._deadline(timeout.sock_connect, timeout.ceil_threshold))
        try:
            async with cm:
                sock = await staggered_connect(
                    loop, infos, self._happy_eyeballs_delay, self._local_addr,
                    self._socket_factory,
                )
                _, proto = await loop.create_connection(
                    self._factory, sock=sock, ssl=sslcontext, server_hostname=server_hostname
                )
        except OSError as exc:  # TimeoutError included: it is an OSError
            if cm.expired():
                raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
            raise translate_connect_error(key, exc) from exc
        if fingerprint is not None:
            try:
                fingerprint.check(proto.transport)  # type: ignore[arg-type]
            except BaseException:
                proto.close()
                raise
        return proto


class UnixConnector(BaseConnector):
    """Connections to a unix domain socket at ``path``, whatever host the URL names."""

    allowed_protocol_schema_set = HIGH_LEVEL_SCHEMA_SET | frozenset({"unix"})

    def __init__(
        self,
        path: str,
        *,
        keepalive_timeout: float | None | Any = _SENTINEL,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
        )
        self._path = path

    @property
    def path(self) -> str:
        """The unix socket path connections go to."""
        return self._path

    async def _create_connection(
        self, req: ConnectTarget, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        cm = asyncio.timeout_at(self._deadline(timeout.sock_connect, timeout.ceil_threshold))
        try:
            async with cm:
                _, proto = await self._loop.create_unix_connection(self._factory, self._path)
        except OSError as exc:
            if cm.expired():
                raise ConnectionTimeoutError(f"Connection timeout to {self._path}") from exc
            raise UnixClientConnectorError(self._path, req.connection_key, exc) from exc
        return proto
