"""Tracing: Signal and TraceConfig semantics, params records, Trace dispatch (unit level).

End-to-end signal order through a real server lives in ``test_tracing_e2e.py``.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp_fast import tracing
from aiohttp_fast.tracing import Signal, Trace, TraceConfig

SIGNALS = TraceConfig._SIGNALS


async def test_signal_sends_in_order_with_args() -> None:
    seen: list[Any] = []
    sig = Signal(owner="o")

    async def a(*args: Any, **kw: Any) -> None:
        seen.append(("a", args, kw))

    async def b(*args: Any, **kw: Any) -> None:
        seen.append(("b", args, kw))

    sig.append(a)
    sig.append(b)
    sig.freeze()
    await sig.send(1, 2, k=3)
    assert seen == [("a", (1, 2), {"k": 3}), ("b", (1, 2), {"k": 3})]


async def test_signal_unfrozen_send_raises() -> None:
    sig = Signal()
    with pytest.raises(RuntimeError):
        await sig.send()


def test_signal_list_ops_until_frozen() -> None:
    async def h() -> None: ...

    async def g() -> None: ...

    sig = Signal()
    sig.append(h)
    sig.insert(0, g)
    sig.extend([h])
    sig += [g]
    assert list(sig) == [g, h, h, g]
    assert len(sig) == 4 and sig[0] is g and sig[1:3] == [h, h]
    sig.remove(g)
    del sig[0]
    assert sig == [h, g]
    sig[0] = g
    assert sig == [g, g]
    assert not sig.frozen
    sig.freeze()
    assert sig.frozen
    for op in (
        lambda: sig.append(h),
        lambda: sig.insert(0, h),
        lambda: sig.extend([h]),
        lambda: sig.remove(g),
        lambda: sig.pop(),
        lambda: sig.clear(),
        lambda: sig.__setitem__(0, h),
        lambda: sig.__delitem__(0),
    ):
        with pytest.raises(RuntimeError):
            op()
    assert sig == [g, g]


def test_signal_decorator_appends() -> None:
    sig = Signal()

    @sig
    async def handler() -> None: ...

    assert list(sig) == [handler]
    assert "frozen=False" in repr(sig)


def test_trace_config_has_every_aiohttp_signal() -> None:
    cfg = TraceConfig()
    expected = {
        "on_request_start", "on_request_chunk_sent", "on_response_chunk_received",
        "on_request_end", "on_request_exception", "on_request_redirect",
        "on_request_headers_sent", "on_connection_queued_start", "on_connection_queued_end",
        "on_connection_create_start", "on_connection_create_end", "on_connection_reuseconn",
        "on_dns_resolvehost_start", "on_dns_resolvehost_end", "on_dns_cache_hit",
        "on_dns_cache_miss",
    }
    assert set(SIGNALS) == expected
    sigs = [getattr(cfg, name) for name in expected]
    assert all(isinstance(s, Signal) for s in sigs)
    assert len({id(s) for s in sigs}) == len(expected)  # each its own signal
    # read-only, as in aiohttp
    with pytest.raises(AttributeError):
        cfg.on_request_start = Signal()  # type: ignore[misc]


def test_freeze_freezes_all_and_is_idempotent() -> None:
    cfg = TraceConfig()
    cfg.freeze()
    cfg.freeze()
    assert all(getattr(cfg, n).frozen for n in SIGNALS)

    async def h() -> None: ...

    with pytest.raises(RuntimeError):
        cfg.on_dns_cache_hit.append(h)


def test_ctx_factory_default_and_custom() -> None:
    ctx = TraceConfig().trace_config_ctx()
    assert isinstance(ctx, SimpleNamespace) and ctx.trace_request_ctx is None
    ctx = TraceConfig().trace_config_ctx(trace_request_ctx={"id": 7})
    assert ctx.trace_request_ctx == {"id": 7}

    class MyCtx(SimpleNamespace):
        pass

    ctx = TraceConfig(trace_config_ctx_factory=MyCtx).trace_config_ctx(trace_request_ctx="r")
    assert type(ctx) is MyCtx and ctx.trace_request_ctx == "r"
    # each call builds a fresh context
    cfg = TraceConfig()
    assert cfg.trace_config_ctx() is not cfg.trace_config_ctx()


def test_params_are_frozen_slotted_dataclasses() -> None:
    names = [n for n in tracing.__all__ if n.endswith("Params")]
    assert len(names) == 16
    for name in names:
        cls = getattr(tracing, name)
        assert dataclasses.is_dataclass(cls)
        assert "__slots__" in cls.__dict__
        assert cls.__dataclass_params__.frozen
    p = tracing.TraceRequestStartParams("GET", URL("http://x/"), CIMultiDict())
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.method = "POST"  # type: ignore[misc]
    fields = {
        "TraceRequestStartParams": ["method", "url", "headers"],
        "TraceRequestChunkSentParams": ["method", "url", "chunk"],
        "TraceResponseChunkReceivedParams": ["method", "url", "chunk"],
        "TraceRequestEndParams": ["method", "url", "headers", "response"],
        "TraceRequestExceptionParams": ["method", "url", "headers", "exception"],
        "TraceRequestRedirectParams": ["method", "url", "headers", "response"],
        "TraceRequestHeadersSentParams": ["method", "url", "headers"],
        "TraceConnectionQueuedStartParams": [],
        "TraceConnectionQueuedEndParams": [],
        "TraceConnectionCreateStartParams": [],
        "TraceConnectionCreateEndParams": [],
        "TraceConnectionReuseconnParams": [],
        "TraceDnsResolveHostStartParams": ["host"],
        "TraceDnsResolveHostEndParams": ["host"],
        "TraceDnsCacheHitParams": ["host"],
        "TraceDnsCacheMissParams": ["host"],
    }
    for name, expect in fields.items():
        assert [f.name for f in dataclasses.fields(getattr(tracing, name))] == expect, name


# (Trace method, its args, signal name, params class, params fields)
_URL = URL("http://example.com/p")
_H: CIMultiDict[str] = CIMultiDict(A="1")
_EXC = ValueError("boom")
CASES = [
    ("send_request_start", ("GET", _URL, _H), "on_request_start",
     tracing.TraceRequestStartParams),
    ("send_request_chunk_sent", ("POST", _URL, b"xy"), "on_request_chunk_sent",
     tracing.TraceRequestChunkSentParams),
    ("send_response_chunk_received", ("GET", _URL, b"z"), "on_response_chunk_received",
     tracing.TraceResponseChunkReceivedParams),
    ("send_request_end", ("GET", _URL, _H, "resp"), "on_request_end",
     tracing.TraceRequestEndParams),
    ("send_request_exception", ("GET", _URL, _H, _EXC), "on_request_exception",
     tracing.TraceRequestExceptionParams),
    ("send_request_redirect", ("GET", _URL, _H, "resp"), "on_request_redirect",
     tracing.TraceRequestRedirectParams),
    ("send_request_headers", ("GET", _URL, _H), "on_request_headers_sent",
     tracing.TraceRequestHeadersSentParams),
    ("send_connection_queued_start", (), "on_connection_queued_start",
     tracing.TraceConnectionQueuedStartParams),
    ("send_connection_queued_end", (), "on_connection_queued_end",
     tracing.TraceConnectionQueuedEndParams),
    ("send_connection_create_start", (), "on_connection_create_start",
     tracing.TraceConnectionCreateStartParams),
    ("send_connection_create_end", (), "on_connection_create_end",
     tracing.TraceConnectionCreateEndParams),
    ("send_connection_reuseconn", (), "on_connection_reuseconn",
     tracing.TraceConnectionReuseconnParams),
    ("send_dns_resolvehost_start", ("h",), "on_dns_resolvehost_start",
     tracing.TraceDnsResolveHostStartParams),
    ("send_dns_resolvehost_end", ("h",), "on_dns_resolvehost_end",
     tracing.TraceDnsResolveHostEndParams),
    ("send_dns_cache_hit", ("h",), "on_dns_cache_hit", tracing.TraceDnsCacheHitParams),
    ("send_dns_cache_miss", ("h",), "on_dns_cache_miss", tracing.TraceDnsCacheMissParams),
]


@pytest.mark.parametrize("method,args,signal,params_cls", CASES, ids=[c[0] for c in CASES])
async def test_trace_method_sends_its_signal_only(
    method: str, args: tuple[Any, ...], signal: str, params_cls: type
) -> None:
    calls: list[tuple[str, Any, Any, Any]] = []
    cfg = TraceConfig()

    def make(name: str) -> Any:
        async def handler(session: Any, ctx: Any, params: Any) -> None:
            calls.append((name, session, ctx, params))

        return handler

    for name in SIGNALS:
        getattr(cfg, name).append(make(name))
    session = object()
    ctx = cfg.trace_config_ctx(trace_request_ctx="rq")
    trace = Trace(session, cfg, ctx)  # freezes cfg
    assert cfg.on_request_start.frozen
    await getattr(trace, method)(*args)
    assert len(calls) == 1
    name, s, c, params = calls[0]
    assert name == signal and s is session and c is ctx
    assert type(params) is params_cls
    # identity, not equality: the very objects passed in reach the handler (astuple would copy)
    values = tuple(getattr(params, f.name) for f in dataclasses.fields(params))
    assert len(values) == len(args) and all(v is a for v, a in zip(values, args, strict=True))


async def test_two_configs_keep_their_own_ctx() -> None:
    got: list[tuple[str, Any]] = []

    def cfg_named(tag: str) -> TraceConfig:
        cfg = TraceConfig()

        async def on_start(session: Any, ctx: Any, params: Any) -> None:
            ctx.seen = tag
            got.append((tag, ctx))

        cfg.on_request_start.append(on_start)
        return cfg

    c1, c2 = cfg_named("one"), cfg_named("two")
    traces = [Trace(None, c, c.trace_config_ctx()) for c in (c1, c2)]
    for t in traces:
        await t.send_request_start("GET", _URL, _H)
    assert [tag for tag, _ in got] == ["one", "two"]
    assert got[0][1] is not got[1][1]
    assert got[0][1].seen == "one" and got[1][1].seen == "two"


async def test_handler_exception_propagates_and_stops_later_handlers() -> None:
    cfg = TraceConfig()
    ran: list[str] = []

    async def bad(*a: Any) -> None:
        raise KeyError("x")

    async def later(*a: Any) -> None:
        ran.append("later")

    cfg.on_dns_cache_hit.extend([bad, later])
    with pytest.raises(KeyError):
        await Trace(None, cfg, cfg.trace_config_ctx()).send_dns_cache_hit("h")
    assert ran == []


# --- end to end: a real aiohttp.web server, through ClientSession ---------------------------
# Each scenario also runs through aiohttp itself ("reference"), so the expected sequences are
# checked to be aiohttp's, not just ours.

import asyncio  # noqa: E402
import socket  # noqa: E402
from types import ModuleType  # noqa: E402

import aiohttp  # noqa: E402

import aiohttp_fast  # noqa: E402
from tests.fixtures_cookies import CookieServer  # noqa: E402


@pytest.fixture(params=["aiohttp_fast", "reference"])
def lib(request: pytest.FixtureRequest) -> ModuleType:
    return aiohttp_fast if request.param == "aiohttp_fast" else aiohttp


class Recorder:
    """A TraceConfig (of ``lib``) whose every signal appends (name, ctx, params) to ``events``."""

    def __init__(self, lib: ModuleType, factory: Any = SimpleNamespace) -> None:
        self.events: list[tuple[str, Any, Any]] = []
        self.config = lib.TraceConfig(trace_config_ctx_factory=factory)
        for name in SIGNALS:
            getattr(self.config, name).append(self._handler(name))

    def _handler(self, name: str) -> Any:
        async def handler(session: Any, ctx: Any, params: Any) -> None:
            self.events.append((name, ctx, params))

        return handler

    def names(self) -> list[str]:
        return [e[0] for e in self.events]

    def take(self) -> list[str]:
        names = self.names()
        self.events.clear()
        return names


NEW_CONN_DNS_MISS = [
    "on_request_start", "on_connection_create_start", "on_dns_cache_miss",
    "on_dns_resolvehost_start", "on_dns_resolvehost_end", "on_connection_create_end",
    "on_request_headers_sent", "on_request_end", "on_response_chunk_received",
]


async def test_e2e_plain_request_order_and_params(lib: ModuleType,
                                                  cookie_server: CookieServer) -> None:
    rec = Recorder(lib)
    url = cookie_server.url("/", host="localhost")
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        async with s.get(url) as resp:
            body = await resp.read()
    assert rec.names() == NEW_CONN_DNS_MISS
    params = {name: p for name, _, p in rec.events}
    start = params["on_request_start"]
    assert (start.method, start.url) == ("GET", url)
    assert params["on_dns_cache_miss"].host == "localhost"
    assert params["on_dns_resolvehost_end"].host == "localhost"
    assert params["on_request_end"].response.status == 200
    assert b"".join(p.chunk for n, _, p in rec.events if n == "on_response_chunk_received") == body
    ctxs = {id(ctx) for _, ctx, _ in rec.events}
    assert len(ctxs) == 1  # one context shared by all of one request's signals


async def test_e2e_headers_sent_carries_the_sent_headers(
    lib: ModuleType, cookie_server: CookieServer, request: pytest.FixtureRequest
) -> None:
    rec = Recorder(lib)
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        async with s.get(cookie_server.url(), headers={"X-Mine": "1"}) as resp:
            await resp.read()
    sent = next(p for n, _, p in rec.events if n == "on_request_headers_sent")
    assert sent.headers["X-Mine"] == "1"
    assert sent.headers["Host"] == f"127.0.0.1:{cookie_server.port}"


async def test_e2e_reused_connection(lib: ModuleType, cookie_server: CookieServer) -> None:
    rec = Recorder(lib)
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        for _ in range(2):
            async with s.get(cookie_server.url()) as resp:
                await resp.read()
    # 127.0.0.1 needs no resolving; the second request finds the keep-alive connection
    assert rec.names() == [
        "on_request_start", "on_connection_create_start", "on_connection_create_end",
        "on_request_headers_sent", "on_request_end", "on_response_chunk_received",
        "on_request_start", "on_connection_reuseconn", "on_request_headers_sent",
        "on_request_end", "on_response_chunk_received",
    ]


async def test_e2e_redirect(lib: ModuleType, cookie_server: CookieServer) -> None:
    rec = Recorder(lib)
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        async with s.get(cookie_server.url("/redirect")) as resp:
            await resp.read()
    assert rec.names() == [
        "on_request_start", "on_connection_create_start", "on_connection_create_end",
        "on_request_headers_sent", "on_request_redirect", "on_connection_reuseconn",
        "on_request_headers_sent", "on_request_end", "on_response_chunk_received",
    ]
    redirect = next(p for n, _, p in rec.events if n == "on_request_redirect")
    assert redirect.response.status == 302 and redirect.url == cookie_server.url("/redirect")
    end = next(p for n, _, p in rec.events if n == "on_request_end")
    assert end.response.status == 200


async def test_e2e_dns_cache_miss_then_hit(lib: ModuleType, cookie_server: CookieServer) -> None:
    rec = Recorder(lib)
    conn = lib.TCPConnector(force_close=True)  # a new connection each time: resolve again
    async with lib.ClientSession(trace_configs=[rec.config], connector=conn) as s:
        for _ in range(2):
            async with s.get(cookie_server.url(host="localhost")) as resp:
                await resp.read()
    assert rec.names() == NEW_CONN_DNS_MISS + [
        "on_request_start", "on_connection_create_start", "on_dns_cache_hit",
        "on_connection_create_end", "on_request_headers_sent", "on_request_end",
        "on_response_chunk_received",
    ]


async def test_e2e_request_body_chunks(lib: ModuleType, cookie_server: CookieServer) -> None:
    rec = Recorder(lib)
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        async with s.post(cookie_server.url("/post"), data=b"payload") as resp:
            await resp.read()
    assert rec.names() == [
        "on_request_start", "on_connection_create_start", "on_connection_create_end",
        "on_request_headers_sent", "on_request_chunk_sent", "on_request_end",
        "on_response_chunk_received",
    ]
    sent = next(p for n, _, p in rec.events if n == "on_request_chunk_sent")
    assert (sent.method, sent.chunk) == ("POST", b"payload")


TWO_POSTS = [
    "on_request_start", "on_connection_create_start", "on_connection_create_end",
    "on_request_headers_sent", "on_request_chunk_sent", "on_request_end",
    "on_response_chunk_received",
    "on_request_start", "on_connection_reuseconn", "on_request_headers_sent",
    "on_request_chunk_sent", "on_request_end", "on_response_chunk_received",
]


@pytest.mark.parametrize("signal", sorted(set(TWO_POSTS)))
async def test_e2e_one_signal_alone(
    lib: ModuleType, cookie_server: CookieServer, signal: str
) -> None:
    # Signals nobody listens to are skipped (and the request keeps its fast path): a config
    # listening to one signal must still get exactly its share of the full sequence, with
    # params, and a fresh context per request.
    events: list[tuple[Any, Any]] = []
    made: list[Any] = []

    def factory(trace_request_ctx: Any = None) -> Any:
        made.append(SimpleNamespace(trace_request_ctx=trace_request_ctx))
        return made[-1]

    async def handler(session: Any, ctx: Any, params: Any) -> None:
        events.append((ctx, params))

    config = lib.TraceConfig(trace_config_ctx_factory=factory)
    getattr(config, signal).append(handler)
    async with lib.ClientSession(trace_configs=[config]) as s:
        for i in range(2):
            async with s.post(cookie_server.url("/post"), data=b"payload",
                              trace_request_ctx=i) as resp:
                assert await resp.read()
    assert len(events) == TWO_POSTS.count(signal)
    assert [ctx.trace_request_ctx for ctx in made] == [0, 1]
    assert {id(ctx) for ctx, _ in events} <= {id(ctx) for ctx in made}
    for _, params in events:
        if signal == "on_request_chunk_sent":
            assert params.chunk == b"payload"
        elif signal == "on_request_headers_sent":
            assert params.headers["Content-Length"] == "7"
        elif signal == "on_response_chunk_received":
            assert params.chunk
        elif signal in ("on_request_start", "on_request_end"):
            assert params.method == "POST" and params.url == cookie_server.url("/post")


async def test_e2e_connection_refused(lib: ModuleType) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    rec = Recorder(lib)
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        with pytest.raises(lib.ClientConnectorError):
            await s.get(f"http://127.0.0.1:{port}/")
    assert rec.names() == [
        "on_request_start", "on_connection_create_start", "on_request_exception",
    ]
    exc = rec.events[-1][2]
    assert isinstance(exc.exception, lib.ClientConnectorError)
    assert exc.method == "GET"


async def test_e2e_a_bad_proxy_url_is_refused_before_the_start(
    lib: ModuleType, cookie_server: CookieServer
) -> None:
    rec = Recorder(lib)
    async with lib.ClientSession(trace_configs=[rec.config]) as s:
        with pytest.raises(lib.InvalidURL):
            await s.get(cookie_server.url("/"), proxy="http://:8080")
    assert rec.names() == []


async def test_e2e_queued_when_pool_is_full(lib: ModuleType, cookie_server: CookieServer) -> None:
    rec = Recorder(lib)
    conn = lib.TCPConnector(limit=1)
    async with lib.ClientSession(trace_configs=[rec.config], connector=conn) as s:
        async def fetch(path: str) -> bytes:
            async with s.get(cookie_server.url(path)) as resp:
                return await resp.read()

        first = asyncio.ensure_future(fetch("/wait"))  # holds the only connection
        while "on_request_headers_sent" not in rec.names():
            await asyncio.sleep(0)
        second = asyncio.ensure_future(fetch("/"))
        while "on_connection_queued_start" not in rec.names():
            await asyncio.sleep(0)  # until the second request waits for the slot
        cookie_server.gate.set()
        assert await asyncio.gather(first, second) == [b"waited", b"0123456789"]
    # the second request's own signals (requests interleave; each has its own context)
    ctx = next(c for n, c, _ in rec.events if n == "on_connection_queued_start")
    assert [n for n, c, _ in rec.events if c is ctx] == [
        "on_request_start", "on_connection_queued_start", "on_connection_queued_end",
        "on_connection_reuseconn", "on_request_headers_sent", "on_request_end",
        "on_response_chunk_received",
    ]


async def test_e2e_ctx_isolation_and_trace_request_ctx(lib: ModuleType,
                                                       cookie_server: CookieServer) -> None:
    made: list[Any] = []

    def factory(**kw: Any) -> SimpleNamespace:
        ctx = SimpleNamespace(**kw)
        made.append(ctx)
        return ctx

    one, two = Recorder(lib, factory), Recorder(lib, factory)
    async with lib.ClientSession(trace_configs=[one.config, two.config]) as s:

        async def fetch(tag: str) -> None:
            async with s.get(cookie_server.url(), trace_request_ctx={"tag": tag}) as resp:
                await resp.read()

        await asyncio.gather(fetch("a"), fetch("b"))
    # two configs x two requests: four contexts, each given its request's trace_request_ctx
    assert len(made) == 4
    assert sorted(c.trace_request_ctx["tag"] for c in made) == ["a", "a", "b", "b"]
    for rec in (one, two):
        starts = [(ctx, p) for n, ctx, p in rec.events if n == "on_request_start"]
        assert len(starts) == 2 and starts[0][0] is not starts[1][0]
        for ctx, _ in starts:
            # every signal of that request saw the same context object, and only that one
            mine = [n for n, c, _ in rec.events if c is ctx]
            assert mine[0] == "on_request_start" and "on_request_end" in mine
    ctx_one = {id(c) for _, c, _ in one.events}
    ctx_two = {id(c) for _, c, _ in two.events}
    assert not ctx_one & ctx_two  # a config never sees another config's contexts


def test_public_names_match_aiohttp() -> None:
    expected = {n for n in aiohttp.__all__ if n.startswith("Trace")}
    assert set(tracing.__all__) == expected
    assert all(hasattr(aiohttp_fast, n) for n in expected)
