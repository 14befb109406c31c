"""Request tracing: aiohttp's ``TraceConfig`` signals, their params records, and ``Trace``.

L0 leaf: imports only the standard library, multidict and yarl.

A user builds a :class:`TraceConfig`, appends coroutine functions to its signals and passes it to
the session (``trace_configs=[...]``). For each request the session makes one :class:`Trace` per
config; the connector and request layers call ``trace.send_*`` at each step, and every handler is
awaited as ``handler(session, trace_config_ctx, params)``. Callers keep ``traces: list[Trace]``
and guard with ``if traces:`` so that tracing costs nothing when no config is given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, TypeVar, overload

from multidict import CIMultiDict
from yarl import URL

# aiohttp's public tracing names (the package re-exports exactly these); Signal and Trace are
# importable from here but, as in aiohttp, not part of the top-level API.
__all__ = (
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
)

_Handler = Callable[..., Awaitable[Any]]
_F = TypeVar("_F", bound=_Handler)


class Signal(MutableSequence[_Handler]):
    """A list of coroutine functions awaited in order by :meth:`send`.

    It behaves like aiohttp's (aiosignal's) ``Signal``: any list method adds or removes
    handlers until :meth:`freeze`; afterwards every mutation raises ``RuntimeError``, and only a
    frozen signal may be sent (handlers are fixed before the first request, so a handler list
    can never change while it is being iterated).
    """

    __slots__ = ("_owner", "_items", "_frozen")

    def __init__(self, owner: object = None) -> None:
        self._owner = owner
        self._items: list[_Handler] = []
        self._frozen = False

    @property
    def frozen(self) -> bool:
        """True once :meth:`freeze` was called: the handler list can no longer change."""
        return self._frozen

    def freeze(self) -> None:
        self._frozen = True

    def _check(self) -> None:
        if self._frozen:
            raise RuntimeError("Cannot modify frozen list.")

    # MutableSequence's abstract methods; the mixins (append, extend, remove, pop, clear,
    # __iadd__, reverse) all go through these, so all of them respect the freeze.
    @overload
    def __getitem__(self, index: int) -> _Handler: ...

    @overload
    def __getitem__(self, index: slice) -> list[_Handler]: ...

    def __getitem__(self, index: int | slice) -> _Handler | list[_Handler]:
        return self._items[index]

    def __setitem__(self, index: Any, value: Any) -> None:
        self._check()
        self._items[index] = value

    def __delitem__(self, index: int | slice) -> None:
        self._check()
        del self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[_Handler]:
        return iter(self._items)

    def insert(self, index: int, value: _Handler) -> None:
        self._check()
        self._items.insert(index, value)

    def append(self, value: _Handler) -> None:
        # Direct (not through insert) because it is what users call most.
        self._check()
        self._items.append(value)

    def extend(self, values: Iterable[_Handler]) -> None:
        self._check()
        self._items.extend(values)

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"<Signal owner={self._owner!r}, frozen={self._frozen}, {self._items!r}>"

    def __call__(self, func: _F) -> _F:
        """Decorator form of :meth:`append`."""
        self.append(func)
        return func

    async def send(self, *args: Any, **kwargs: Any) -> None:
        """Await every handler in order with these arguments."""
        if not self._frozen:
            raise RuntimeError("Cannot send non-frozen signal.")
        for receiver in self._items:
            await receiver(*args, **kwargs)


class TraceConfig:
    """A set of signals a user subscribes to in order to trace a session's requests.

    Each signal is a :class:`Signal`; append ``async def handler(session, ctx, params)``
    functions to it. ``trace_config_ctx_factory`` builds the per-request context object each
    handler receives (called as ``factory(trace_request_ctx=...)``).
    """

    _SIGNALS = (
        "on_request_start",
        "on_request_chunk_sent",
        "on_response_chunk_received",
        "on_request_end",
        "on_request_exception",
        "on_request_redirect",
        "on_request_headers_sent",
        "on_connection_queued_start",
        "on_connection_queued_end",
        "on_connection_create_start",
        "on_connection_create_end",
        "on_connection_reuseconn",
        "on_dns_resolvehost_start",
        "on_dns_resolvehost_end",
        "on_dns_cache_hit",
        "on_dns_cache_miss",
    )

    __slots__ = ("_trace_config_ctx_factory", "_frozen", "_wanted") + tuple(
        "_" + s for s in _SIGNALS
    )

    def __init__(
        self, trace_config_ctx_factory: Callable[..., Any] = SimpleNamespace
    ) -> None:
        self._trace_config_ctx_factory = trace_config_ctx_factory
        self._frozen = False
        # the signals (names without "on_") that have handlers, known once frozen
        self._wanted: frozenset[str] = frozenset(name[3:] for name in self._SIGNALS)
        for name in self._SIGNALS:
            object.__setattr__(self, "_" + name, Signal(self))

    def trace_config_ctx(self, trace_request_ctx: Any = None) -> Any:
        """Build the context object one request's handlers share."""
        return self._trace_config_ctx_factory(trace_request_ctx=trace_request_ctx)

    def freeze(self) -> None:
        """Freeze every signal (the session does it; idempotent and cheap to repeat)."""
        if self._frozen:
            return
        for name in self._SIGNALS:
            getattr(self, "_" + name).freeze()
        self._wanted = frozenset(
            name[3:] for name in self._SIGNALS if len(getattr(self, "_" + name))
        )
        self._frozen = True

    @property
    def on_request_start(self) -> Signal:
        return self._on_request_start  # type: ignore[attr-defined, no-any-return]

    @property
    def on_request_chunk_sent(self) -> Signal:
        return self._on_request_chunk_sent  # type: ignore[attr-defined, no-any-return]

    @property
    def on_response_chunk_received(self) -> Signal:
        return self._on_response_chunk_received  # type: ignore[attr-defined, no-any-return]

    @property
    def on_request_end(self) -> Signal:
        return self._on_request_end  # type: ignore[attr-defined, no-any-return]

    @property
    def on_request_exception(self) -> Signal:
        return self._on_request_exception  # type: ignore[attr-defined, no-any-return]

    @property
    def on_request_redirect(self) -> Signal:
        return self._on_request_redirect  # type: ignore[attr-defined, no-any-return]

    @property
    def on_request_headers_sent(self) -> Signal:
        return self._on_request_headers_sent  # type: ignore[attr-defined, no-any-return]

    @property
    def on_connection_queued_start(self) -> Signal:
        return self._on_connection_queued_start  # type: ignore[attr-defined, no-any-return]

    @property
    def on_connection_queued_end(self) -> Signal:
        return self._on_connection_queued_end  # type: ignore[attr-defined, no-any-return]

    @property
    def on_connection_create_start(self) -> Signal:
        return self._on_connection_create_start  # type: ignore[attr-defined, no-any-return]

    @property
    def on_connection_create_end(self) -> Signal:
        return self._on_connection_create_end  # type: ignore[attr-defined, no-any-return]

    @property
    def on_connection_reuseconn(self) -> Signal:
        return self._on_connection_reuseconn  # type: ignore[attr-defined, no-any-return]

    @property
    def on_dns_resolvehost_start(self) -> Signal:
        return self._on_dns_resolvehost_start  # type: ignore[attr-defined, no-any-return]

    @property
    def on_dns_resolvehost_end(self) -> Signal:
        return self._on_dns_resolvehost_end  # type: ignore[attr-defined, no-any-return]

    @property
    def on_dns_cache_hit(self) -> Signal:
        return self._on_dns_cache_hit  # type: ignore[attr-defined, no-any-return]

    @property
    def on_dns_cache_miss(self) -> Signal:
        return self._on_dns_cache_miss  # type: ignore[attr-defined, no-any-return]


# --- params records: what each signal's handlers receive as their third argument -------------


@dataclass(frozen=True, slots=True)
class TraceRequestStartParams:
    """Sent when a request starts (before connecting)."""

    method: str
    url: URL
    headers: CIMultiDict[str]


@dataclass(frozen=True, slots=True)
class TraceRequestChunkSentParams:
    """Sent for each piece of request body written."""

    method: str
    url: URL
    chunk: bytes


@dataclass(frozen=True, slots=True)
class TraceResponseChunkReceivedParams:
    """Sent for each piece of response body read."""

    method: str
    url: URL
    chunk: bytes


@dataclass(frozen=True, slots=True)
class TraceRequestEndParams:
    """Sent when the final response's head has arrived."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: Any


@dataclass(frozen=True, slots=True)
class TraceRequestExceptionParams:
    """Sent when a request fails with an exception."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    exception: BaseException


@dataclass(frozen=True, slots=True)
class TraceRequestRedirectParams:
    """Sent when a redirect response is about to be followed."""

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: Any


@dataclass(frozen=True, slots=True)
class TraceConnectionQueuedStartParams:
    """Sent when a request starts waiting for a free connection slot."""


@dataclass(frozen=True, slots=True)
class TraceConnectionQueuedEndParams:
    """Sent when a queued request got its connection slot."""


@dataclass(frozen=True, slots=True)
class TraceConnectionCreateStartParams:
    """Sent before a new connection is opened."""


@dataclass(frozen=True, slots=True)
class TraceConnectionCreateEndParams:
    """Sent after a new connection was opened."""


@dataclass(frozen=True, slots=True)
class TraceConnectionReuseconnParams:
    """Sent when a pooled keep-alive connection is reused."""


@dataclass(frozen=True, slots=True)
class TraceDnsResolveHostStartParams:
    """Sent before a host name is resolved."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsResolveHostEndParams:
    """Sent after a host name was resolved."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsCacheHitParams:
    """Sent when a host's addresses came from the DNS cache."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceDnsCacheMissParams:
    """Sent when a host was not in the DNS cache."""

    host: str


@dataclass(frozen=True, slots=True)
class TraceRequestHeadersSentParams:
    """Sent after the request head was written to the connection."""

    method: str
    url: URL
    headers: CIMultiDict[str]


# Shared instances for the field-less records: they are immutable, so one of each suffices.
_QUEUED_START = TraceConnectionQueuedStartParams()
_QUEUED_END = TraceConnectionQueuedEndParams()
_CREATE_START = TraceConnectionCreateStartParams()
_CREATE_END = TraceConnectionCreateEndParams()
_REUSECONN = TraceConnectionReuseconnParams()


class _Done:
    """An awaitable that is complete already: what sending a signal nobody listens to gives."""

    __slots__ = ()

    def __await__(self) -> Iterator[None]:
        return iter(())


_DONE = _Done()
_ALL_SIGNALS = frozenset(name[3:] for name in TraceConfig._SIGNALS)


def wants(traces: Sequence[Trace], signal: str) -> bool:
    """True when a handler of some trace listens to ``signal`` (its name without "on_").

    Call sites check it before building an expensive argument (the sent headers) or leaving
    a fast path that only matters to listeners.
    """
    for trace in traces:
        if signal in trace._wanted:
            return True
    return False


class Trace:
    """One TraceConfig bound to one request: the layers below await its ``send_*`` methods.

    Each returns the matching signal's ``send`` coroutine with ``(session, trace_config_ctx,
    params)`` (one coroutine level fewer than wrapping it), or a completed awaitable when the
    signal has no handlers.
    """

    __slots__ = ("_session", "_trace_config", "_trace_config_ctx", "_wanted")

    def __init__(self, session: Any, trace_config: TraceConfig, trace_config_ctx: Any) -> None:
        # The session freezes its configs; doing it here as well (a no-op when already done)
        # guarantees send() never meets an unfrozen signal.
        trace_config.freeze()
        self._session = session
        self._trace_config = trace_config
        self._trace_config_ctx = trace_config_ctx
        # A signal without handlers is not sent at all: no params record, no awaits. A
        # TraceConfig subclass that hides ``_wanted`` gets every signal sent.
        self._wanted: frozenset[str] = getattr(trace_config, "_wanted", _ALL_SIGNALS)

    def send_request_start(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> Awaitable[None]:
        if "request_start" not in self._wanted:
            return _DONE
        return self._trace_config.on_request_start.send(
            self._session, self._trace_config_ctx, TraceRequestStartParams(method, url, headers)
        )

    def send_request_chunk_sent(self, method: str, url: URL, chunk: bytes) -> Awaitable[None]:
        if "request_chunk_sent" not in self._wanted:
            return _DONE
        return self._trace_config.on_request_chunk_sent.send(
            self._session, self._trace_config_ctx, TraceRequestChunkSentParams(method, url, chunk)
        )

    def send_response_chunk_received(self, method: str, url: URL, chunk: bytes) -> Awaitable[None]:
        if "response_chunk_received" not in self._wanted:
            return _DONE
        return self._trace_config.on_response_chunk_received.send(
            self._session,
            self._trace_config_ctx,
            TraceResponseChunkReceivedParams(method, url, chunk),
        )

    def send_request_end(
        self, method: str, url: URL, headers: CIMultiDict[str], response: Any
    ) -> Awaitable[None]:
        if "request_end" not in self._wanted:
            return _DONE
        return self._trace_config.on_request_end.send(
            self._session,
            self._trace_config_ctx,
            TraceRequestEndParams(method, url, headers, response),
        )

    def send_request_exception(
        self, method: str, url: URL, headers: CIMultiDict[str], exception: BaseException
    ) -> Awaitable[None]:
        if "request_exception" not in self._wanted:
            return _DONE
        return self._trace_config.on_request_exception.send(
            self._session,
            self._trace_config_ctx,
            TraceRequestExceptionParams(method, url, headers, exception),
        )

    def send_request_redirect(
        self, method: str, url: URL, headers: CIMultiDict[str], response: Any
    ) -> Awaitable[None]:
        if "request_redirect" not in self._wanted:
            return _DONE
        return self._trace_config.on_request_redirect.send(
            self._session,
            self._trace_config_ctx,
            TraceRequestRedirectParams(method, url, headers, response),
        )

    def send_request_headers(
        self, method: str, url: URL, headers: CIMultiDict[str]
    ) -> Awaitable[None]:
        if "request_headers_sent" not in self._wanted:
            return _DONE
        return self._trace_config.on_request_headers_sent.send(
            self._session,
            self._trace_config_ctx,
            TraceRequestHeadersSentParams(method, url, headers),
        )

    def send_connection_queued_start(self) -> Awaitable[None]:
        if "connection_queued_start" not in self._wanted:
            return _DONE
        return self._trace_config.on_connection_queued_start.send(
            self._session, self._trace_config_ctx, _QUEUED_START
        )

    def send_connection_queued_end(self) -> Awaitable[None]:
        if "connection_queued_end" not in self._wanted:
            return _DONE
        return self._trace_config.on_connection_queued_end.send(
            self._session, self._trace_config_ctx, _QUEUED_END
        )

    def send_connection_create_start(self) -> Awaitable[None]:
        if "connection_create_start" not in self._wanted:
            return _DONE
        return self._trace_config.on_connection_create_start.send(
            self._session, self._trace_config_ctx, _CREATE_START
        )

    def send_connection_create_end(self) -> Awaitable[None]:
        if "connection_create_end" not in self._wanted:
            return _DONE
        return self._trace_config.on_connection_create_end.send(
            self._session, self._trace_config_ctx, _CREATE_END
        )

    def send_connection_reuseconn(self) -> Awaitable[None]:
        if "connection_reuseconn" not in self._wanted:
            return _DONE
        return self._trace_config.on_connection_reuseconn.send(
            self._session, self._trace_config_ctx, _REUSECONN
        )

    def send_dns_resolvehost_start(self, host: str) -> Awaitable[None]:
        if "dns_resolvehost_start" not in self._wanted:
            return _DONE
        return self._trace_config.on_dns_resolvehost_start.send(
            self._session, self._trace_config_ctx, TraceDnsResolveHostStartParams(host)
        )

    def send_dns_resolvehost_end(self, host: str) -> Awaitable[None]:
        if "dns_resolvehost_end" not in self._wanted:
            return _DONE
        return self._trace_config.on_dns_resolvehost_end.send(
            self._session, self._trace_config_ctx, TraceDnsResolveHostEndParams(host)
        )

    def send_dns_cache_hit(self, host: str) -> Awaitable[None]:
        if "dns_cache_hit" not in self._wanted:
            return _DONE
        return self._trace_config.on_dns_cache_hit.send(
            self._session, self._trace_config_ctx, TraceDnsCacheHitParams(host)
        )

    def send_dns_cache_miss(self, host: str) -> Awaitable[None]:
        if "dns_cache_miss" not in self._wanted:
            return _DONE
        return self._trace_config.on_dns_cache_miss.send(
            self._session, self._trace_config_ctx, TraceDnsCacheMissParams(host)
        )
