"""Redirects: the pure policy functions, and following them against real servers."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict
from yarl import URL

import aiohttp_fast as aiohttp
from aiohttp_fast import redirects
from aiohttp_fast.tracing import TraceConfig
from tests.fixtures_client import EchoServer, seen

# ---- pure policy ----


@pytest.mark.parametrize(
    "status, method, expected",
    [
        (301, "POST", ("GET", False)),
        (302, "POST", ("GET", False)),
        (301, "PUT", ("PUT", True)),
        (302, "GET", ("GET", True)),
        (303, "POST", ("GET", False)),
        (303, "PUT", ("GET", False)),
        (303, "DELETE", ("GET", False)),
        (303, "HEAD", ("HEAD", False)),
        (307, "POST", ("POST", True)),
        (308, "PUT", ("PUT", True)),
    ],
)
def test_redirect_method(status, method, expected):
    assert redirects.redirect_method(status, method) == expected


def test_resolve_location():
    base = URL("http://a.example/dir/page?q=1")
    assert redirects.resolve_location(base, "other") == URL("http://a.example/dir/other")
    assert redirects.resolve_location(base, "/root#frag") == URL("http://a.example/root")
    assert redirects.resolve_location(base, "//b.example/x") == URL("http://b.example/x")
    assert redirects.resolve_location(base, "https://c.example/") == URL("https://c.example/")
    with pytest.raises(aiohttp.NonHttpUrlRedirectClientError):
        redirects.resolve_location(base, "ftp://x.example/")
    with pytest.raises(aiohttp.NonHttpUrlRedirectClientError):
        redirects.resolve_location(base, "javascript:alert(1)")
    with pytest.raises(aiohttp.InvalidUrlRedirectClientError):
        redirects.resolve_location(base, "http://[bad")
    with pytest.raises(aiohttp.InvalidUrlRedirectClientError):
        redirects.resolve_location(base, "http:///nohost")


def test_drops_credentials():
    a = URL("https://a.example/")
    assert not redirects.drops_credentials(a, URL("https://a.example/other"))
    assert redirects.drops_credentials(a, URL("https://b.example/"))
    assert redirects.drops_credentials(a, URL("https://a.example:8443/"))
    # https -> http, even to the same host: never in clear text
    assert redirects.drops_credentials(a, URL("http://a.example/"))
    assert not redirects.drops_credentials(URL("http://a.example/"), URL("http://a.example/x"))
    # http -> https on the same host is another origin
    assert redirects.drops_credentials(URL("http://a.example/"), URL("https://a.example/"))


def test_redirect_headers_drop_every_instance():
    h = CIMultiDict(
        [
            ("Authorization", "a1"),
            ("authorization", "a2"),
            ("Cookie", "c"),
            ("Proxy-Authorization", "p"),
            ("Content-Type", "t"),
            ("Content-Length", "3"),
            ("X-Keep", "k"),
            ("Host", "h"),
        ]
    )
    out = redirects.redirect_headers(h, drop_credentials=True, keep_body=False)
    assert list(out.items()) == [("X-Keep", "k")]
    out = redirects.redirect_headers(h, drop_credentials=False, keep_body=True)
    assert out.getall("Authorization") == ["a1", "a2"]
    assert "Host" not in out
    assert "Content-Type" in out


def test_next_request():
    step = redirects.next_request(303, "POST", URL("https://a.example/x"), "http://a.example/y")
    assert step == redirects.RedirectStep("GET", URL("http://a.example/y"), False, True)


# ---- against servers ----


def redirect_url(server: EchoServer, code: int, to: URL | str, **extra: str) -> URL:
    return server.url(f"/redirect/{code}").with_query(to=str(to), **extra)


@pytest.mark.parametrize(
    "code, method, sent_method, body_kept",
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (307, "POST", "POST", True),
        (308, "PUT", "PUT", True),
        (302, "GET", "GET", False),
    ],
)
async def test_follow(session, echo_server, code, method, sent_method, body_kept):
    url = redirect_url(echo_server, code, "/echo")
    data = b"payload" if method != "GET" else None
    async with session.request(method, url, data=data) as resp:
        got = await resp.json()
        assert resp.url == echo_server.url("/echo")
        assert len(resp.history) == 1
        assert resp.history[0].status == code
    assert got["method"] == sent_method
    assert got["body"] == ("payload" if body_kept else "")
    if not body_kept:
        assert seen(got, "Content-Length") in ([], ["0"])


async def test_relative_location_and_chain(session, echo_server):
    inner = redirect_url(echo_server, 302, "../echo/final")
    outer = redirect_url(echo_server, 301, inner)
    async with session.get(outer) as resp:
        got = await resp.json()
        assert [r.status for r in resp.history] == [301, 302]
    assert got["path"] == "/echo/final"


async def test_allow_redirects_false(session, echo_server):
    async with session.get(redirect_url(echo_server, 302, "/echo"), allow_redirects=False) as r:
        assert r.status == 302
        assert r.headers["Location"] == "/echo"


async def test_too_many_redirects(session, echo_server):
    loop_url = redirect_url(echo_server, 302, "/echo")
    with pytest.raises(aiohttp.TooManyRedirects) as info:
        await session.get(redirect_url(echo_server, 302, redirect_url(echo_server, 302, loop_url)),
                          max_redirects=2)
    assert len(info.value.history) == 2


async def test_cross_origin_drops_credentials(session, echo_server, echo_server2):
    target = echo_server2.url("/echo")
    headers = CIMultiDict(
        [("Authorization", "Bearer a"), ("Cookie", "c=1"), ("Proxy-Authorization", "p"),
         ("X-Keep", "yes")]
    )
    async with session.get(redirect_url(echo_server, 302, target), headers=headers,
                           cookies={"req": "1"}) as resp:
        got = await resp.json()
    assert seen(got, "Authorization") == []
    assert seen(got, "Cookie") == []
    assert seen(got, "Proxy-Authorization") == []
    assert seen(got, "X-Keep") == ["yes"]


async def test_cross_origin_drops_auth_argument(session, echo_server, echo_server2):
    async with session.get(redirect_url(echo_server, 307, echo_server2.url("/echo")),
                           auth=aiohttp.BasicAuth("u", "p")) as resp:
        got = await resp.json()
    assert seen(got, "Authorization") == []


async def test_same_origin_keeps_credentials(session, echo_server):
    async with session.get(redirect_url(echo_server, 302, "/echo"),
                           auth=aiohttp.BasicAuth("u", "p"),
                           headers={"X-Token": "t"}) as resp:
        got = await resp.json()
    assert seen(got, "Authorization") == [aiohttp.BasicAuth("u", "p").encode()]


async def test_non_http_location(session, echo_server):
    with pytest.raises(aiohttp.NonHttpUrlRedirectClientError):
        await session.get(redirect_url(echo_server, 302, "ftp://example.com/"))


async def test_cookies_from_each_hop_go_to_jar(echo_server):
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        async with s.get(redirect_url(echo_server, 302, "/echo", cookie="v1")) as resp:
            got = await resp.json()
    assert seen(got, "Cookie") == ["hop=v1"]
    assert {m.key for m in jar} == {"hop"}


async def test_307_with_stream_body_raises_clearly(session, echo_server):
    async def gen():
        yield b"once"

    with pytest.raises(aiohttp.RedirectClientError, match="rewound"):
        await session.post(redirect_url(echo_server, 307, "/echo"), data=gen())


async def test_redirect_tracing(echo_server):
    seen_redirects = []

    async def on_redirect(session, ctx, params):
        seen_redirects.append((params.response.status, str(params.url)))

    tc = TraceConfig()
    tc.on_request_redirect.append(on_redirect)
    async with aiohttp.ClientSession(trace_configs=[tc]) as s:
        url = redirect_url(echo_server, 302, "/echo")
        async with s.get(url) as resp:
            assert resp.status == 200
    assert seen_redirects == [(302, str(url))]


async def test_middleware_sees_each_hop(echo_server):
    calls = []

    async def mw(req, handler):
        calls.append(str(req.url.path))
        req.headers["X-Mw"] = "1"
        return await handler(req)

    async with aiohttp.ClientSession(middlewares=(mw,)) as s:
        async with s.get(redirect_url(echo_server, 302, "/echo")) as resp:
            got = await resp.json()
    assert calls == ["/redirect/302", "/echo"]
    assert seen(got, "X-Mw") == ["1"]
