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
