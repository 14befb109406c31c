"""Cookies end to end: ClientSession + CookieJar against a real aiohttp.web server.

The server records each request's Cookie header (``cookie_server.seen``). Each scenario also
runs through aiohttp itself ("reference") so the expectations are aiohttp's behaviour.
Requests go to ``localhost``: a strict jar (aiohttp's too) takes no cookies from IP hosts.
"""

from __future__ import annotations

from http.cookies import Morsel, SimpleCookie
from types import ModuleType

import aiohttp
import pytest
from yarl import URL

import aiohttp_fast
from tests.fixtures_cookies import CookieServer


@pytest.fixture(params=["aiohttp_fast", "reference"])
def lib(request: pytest.FixtureRequest) -> ModuleType:
    return aiohttp_fast if request.param == "aiohttp_fast" else aiohttp


def _url(server: CookieServer, path: str) -> URL:
    return server.url(path, host="localhost")


async def _get(s: aiohttp_fast.ClientSession, url: URL, **kw: object) -> dict[str, str]:
    """GET, read the body, return that response's own cookies (name -> value)."""
    async with s.get(url, **kw) as resp:  # type: ignore[arg-type]
        await resp.read()
        return {name: m.value for name, m in resp.cookies.items()}


async def test_response_cookies_are_sent_next_time(lib: ModuleType,
                                                   cookie_server: CookieServer) -> None:
    async with lib.ClientSession() as s:
        got = await _get(s, _url(cookie_server, "/set?a=1&b=two"))
        assert got == {"a": "1", "b": "two"}
        await _get(s, _url(cookie_server, "/"))
        assert {m.key: m.value for m in s.cookie_jar} == {"a": "1", "b": "two"}
    assert cookie_server.seen == [None, "a=1; b=two"]


async def test_resp_cookies_hold_only_that_responses_cookies(
    lib: ModuleType, cookie_server: CookieServer
) -> None:
    async with lib.ClientSession() as s:
        assert await _get(s, _url(cookie_server, "/set?a=1")) == {"a": "1"}
        assert await _get(s, _url(cookie_server, "/set?b=2")) == {"b": "2"}
        assert await _get(s, _url(cookie_server, "/")) == {}
    assert cookie_server.seen == [None, "a=1", "a=1; b=2"]


async def test_per_request_cookies_are_sent_once(lib: ModuleType,
                                                 cookie_server: CookieServer) -> None:
    async with lib.ClientSession() as s:
        await _get(s, _url(cookie_server, "/"), cookies={"once": "x"})
        await _get(s, _url(cookie_server, "/"))
        assert len(s.cookie_jar) == 0  # never stored in the session's jar
    assert cookie_server.seen == ["once=x", None]


async def test_per_request_cookies_join_the_jars(lib: ModuleType,
                                                 cookie_server: CookieServer) -> None:
    async with lib.ClientSession() as s:
        await _get(s, _url(cookie_server, "/set?jar=1"))
        await _get(s, _url(cookie_server, "/"), cookies={"req": "2"})
    assert cookie_server.seen[-1] == "jar=1; req=2"


async def test_session_cookies_go_with_every_request(lib: ModuleType,
                                                     cookie_server: CookieServer) -> None:
    async with lib.ClientSession(cookies={"sess": "s v"}) as s:
        await _get(s, _url(cookie_server, "/"))
        await _get(s, cookie_server.url("/"))  # shared cookies reach IP hosts too
    assert cookie_server.seen == ['sess="s v"', 'sess="s v"']


async def test_cookie_set_on_redirect_reaches_the_target(lib: ModuleType,
                                                         cookie_server: CookieServer) -> None:
    async with lib.ClientSession() as s:
        async with s.get(_url(cookie_server, "/redirect-set")) as resp:
            await resp.read()
            assert resp.status == 200
            assert [r.status for r in resp.history] == [302]
    assert cookie_server.seen == [None, "r=1"]


async def test_raw_set_cookie_rules_over_the_wire(lib: ModuleType,
                                                  cookie_server: CookieServer) -> None:
    headers = [
        "sec=1; Secure",  # http: stored, not sent back
        "path=1; Path=/elsewhere",  # does not match "/"
        "other=1; Domain=example.com",  # another site: refused
        "gone=1; Max-Age=0",
        "bad=1; Expires=Someday, 99 Foo 2024",  # bad date: a session cookie
        "noequals",  # ignored
        "ok=1",
    ]
    url = _url(cookie_server, "/set-raw").with_query([("h", h) for h in headers])
    async with lib.ClientSession() as s:
        await _get(s, url)
        await _get(s, _url(cookie_server, "/"))
        names = sorted(m.key for m in s.cookie_jar)
    assert names == ["bad", "ok", "path", "sec"]
    assert cookie_server.seen[-1] is not None
    assert sorted(cookie_server.seen[-1].split("; ")) == ["bad=1", "ok=1"]


async def test_dummy_jar_keeps_nothing(lib: ModuleType, cookie_server: CookieServer) -> None:
    async with lib.ClientSession(cookie_jar=lib.DummyCookieJar()) as s:
        assert await _get(s, _url(cookie_server, "/set?a=1")) == {"a": "1"}
        await _get(s, _url(cookie_server, "/"))
    assert cookie_server.seen == [None, None]


async def test_unsafe_jar_accepts_ip_hosts(lib: ModuleType, cookie_server: CookieServer) -> None:
    for unsafe, expected in ((False, None), (True, "a=1")):
        cookie_server.seen.clear()
        async with lib.ClientSession(cookie_jar=lib.CookieJar(unsafe=unsafe)) as s:
            await _get(s, cookie_server.url("/set?a=1"))
            await _get(s, cookie_server.url("/"))
        assert cookie_server.seen == [None, expected]


async def test_per_request_cookie_overrides_the_jars_same_name(
    lib: ModuleType, cookie_server: CookieServer, request: pytest.FixtureRequest
) -> None:
    async with lib.ClientSession() as s:
        await _get(s, _url(cookie_server, "/set?a=jar"))
        await _get(s, _url(cookie_server, "/"), cookies={"a": "req"})
        await _get(s, _url(cookie_server, "/"))
    assert cookie_server.seen[1:] == ["a=req", "a=jar"]


async def test_resp_cookies_parse_like_the_jar(lib: ModuleType, cookie_server: CookieServer,
                                               request: pytest.FixtureRequest) -> None:
    url = _url(cookie_server, "/set-raw").with_query([("h", "a[0]=1; Path=/"), ("h", "b=2")])
    async with lib.ClientSession() as s:
        got = await _get(s, url)
        assert sorted(m.key for m in s.cookie_jar) == ["a[0]", "b"]
    assert got == {"a[0]": "1", "b": "2"}


def _morsel(name: str, value: str, **attrs: str | bool) -> Morsel[str]:
    m: Morsel[str] = Morsel()
    m.set(name, value, value)
    for key, attr in attrs.items():
        m[key] = attr
    return m


async def test_per_request_cookies_follow_the_jars_rules(
    lib: ModuleType, cookie_server: CookieServer
) -> None:
    # per-request cookies pass through a jar of their own: a Secure one is not sent over
    # http, one whose Domain or Path does not match is not sent; plain values always are
    cookies = SimpleCookie()
    cookies["plain"] = "1"
    cookies["sec"] = _morsel("sec", "2", secure=True)
    cookies["away"] = _morsel("away", "3", domain="other.example")
    cookies["deep"] = _morsel("deep", "4", path="/deeper")
    cookies["here"] = _morsel("here", "5", path="/")
    async with lib.ClientSession() as s:
        await _get(s, _url(cookie_server, "/"), cookies=cookies)
        await _get(s, _url(cookie_server, "/"), cookies={"sec": _morsel("sec", "6", secure=True)})
    assert cookie_server.seen == ["here=5; plain=1", None]


async def test_per_request_cookie_order_with_the_jars(
    lib: ModuleType, cookie_server: CookieServer
) -> None:
    async with lib.ClientSession() as s:
        await _get(s, _url(cookie_server, "/set?a=jar&b=jar"))
        await _get(s, _url(cookie_server, "/"), cookies={"c": "req", "a": "req"})
    assert cookie_server.seen[-1] == "a=req; b=jar; c=req"


async def test_cookie_header_of_the_user_merges_with_cookies(
    lib: ModuleType, cookie_server: CookieServer
) -> None:
    async with lib.ClientSession() as s:
        await _get(s, _url(cookie_server, "/"), headers={"Cookie": "z=1; a=2"},
                   cookies={"a": "3", "m": "4"})
        await _get(s, _url(cookie_server, "/"), headers={"Cookie": "z=1; a=2"})
    assert cookie_server.seen == ["a=3; m=4; z=1", "z=1; a=2"]
