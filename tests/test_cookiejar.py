"""CookieJar unit tests: RFC 6265 storage and selection rules, limits, persistence."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import tempfile
from http.cookies import BaseCookie, CookieError, Morsel, SimpleCookie
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

import aiohttp_fast as aiohttp_fast_module
from aiohttp_fast.cookiejar import (
    COOKIE_QUOTA_PER_DOMAIN,
    COOKIE_QUOTA_TOTAL,
    MAX_COOKIE_HEADER_LENGTH,
    MAX_COOKIES_PER_DOMAIN,
    MAX_COOKIES_PER_REQUEST,
    MAX_COOKIES_PER_RESPONSE,
    MAX_COOKIES_TOTAL,
    CookieJar,
    DummyCookieJar,
)
from tests.fixtures_cookies import FakeClock


def sent(jar: CookieJar, url: str) -> dict[str, str]:
    """What the jar sends to ``url``: name -> coded value, in sending order."""
    return {name: m.coded_value for name, m in jar.filter_cookies(URL(url)).items()}


def set_from(jar: CookieJar, url: str, *headers: str) -> None:
    jar.update_cookies_from_headers(list(headers), URL(url))


# --- domains ---------------------------------------------------------------------------

def test_host_only_cookie_stays_on_its_host() -> None:
    jar = CookieJar()
    set_from(jar, "http://example.com/", "a=1")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://www.example.com/") == {}
    assert ("example.com", "", "a") in jar.host_only_cookies  # aiohttp's key: path sans "/"


def test_domain_cookie_reaches_subdomains_but_not_lookalikes() -> None:
    jar = CookieJar()
    set_from(jar, "http://www.example.com/", "a=1; Domain=.Example.COM")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://www.example.com/") == {"a": "1"}
    assert sent(jar, "http://deep.sub.example.com/") == {"a": "1"}
    assert sent(jar, "http://badexample.com/") == {}
    assert sent(jar, "http://example.com.evil.org/") == {}
    assert [m["domain"] for m in jar] == ["example.com"]  # leading dot gone, lower-cased


@pytest.mark.parametrize(
    "origin,domain",
    [
        ("http://www.example.com/", "other.com"),  # another site
        ("http://www.example.com/", "ww.example.com"),  # not a parent of the host
        ("http://example.com/", "www.example.com"),  # a child is not allowed either
        ("http://www.example.com/", "com"),  # a TLD
        ("http://shop.example.co.uk/", "co.uk"),  # a listed public suffix
        ("http://me.github.io/", "github.io"),
    ],
)
def test_foreign_or_public_suffix_domain_is_refused(origin: str, domain: str) -> None:
    jar = CookieJar()
    set_from(jar, origin, f"a=1; Domain={domain}")
    assert len(jar) == 0


def test_public_suffix_equal_to_host_becomes_host_only() -> None:
    jar = CookieJar()
    set_from(jar, "http://localhost:8080/", "a=1; Domain=localhost")
    assert sent(jar, "http://localhost/") == {"a": "1"}
    assert sent(jar, "http://sub.localhost/") == {}
    assert ("localhost", "", "a") in jar.host_only_cookies


def test_trailing_dot_domain_is_treated_as_host_only() -> None:
    jar = CookieJar()
    set_from(jar, "http://www.example.com/", "a=1; Domain=example.com.")
    assert sent(jar, "http://www.example.com/") == {"a": "1"}
    assert sent(jar, "http://x.www.example.com/") == {}


def test_ip_hosts_strict_and_unsafe() -> None:
    strict = CookieJar()
    set_from(strict, "http://127.0.0.1/", "a=1")
    strict.update_cookies({"b": "2"}, URL("http://127.0.0.1/"))
    assert len(strict) == 0
    unsafe = CookieJar(unsafe=True)
    set_from(unsafe, "http://127.0.0.1/", "a=1")
    set_from(unsafe, "http://[::1]:8080/", "v6=1")
    assert sent(unsafe, "http://127.0.0.1:9000/") == {"a": "1"}
    assert sent(unsafe, "http://127.0.0.2/") == {}
    assert sent(unsafe, "http://[::1]/") == {"v6": "1"}
    # an IP is never a "domain" whose parents could match
    set_from(unsafe, "http://127.0.0.1/", "d=1; Domain=0.0.1")
    assert "d" not in sent(unsafe, "http://127.0.0.1/")


# --- paths -----------------------------------------------------------------------------

def test_default_path_and_path_matching() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/docs/page.html", "a=1")  # default path /docs
    set_from(jar, "http://h.com/", "b=2; Path=/docs/api")
    set_from(jar, "http://h.com/", "c=3; Path=relative")  # not starting with "/": default
    assert {m.key: m["path"] for m in jar} == {"a": "/docs", "b": "/docs/api", "c": "/"}
    assert sent(jar, "http://h.com/") == {"c": "3"}
    assert sent(jar, "http://h.com/docs") == {"a": "1", "c": "3"}
    assert sent(jar, "http://h.com/docsx") == {"c": "3"}
    assert sent(jar, "http://h.com/docs/api/v1") == {"b": "2", "a": "1", "c": "3"}


def test_most_specific_wins_per_name_and_comes_last() -> None:
    # aiohttp's order: least specific first (parent domain before host, short path before
    # long); for one name the most specific wins, the deeper domain before the longer path.
    jar = CookieJar()
    set_from(jar, "http://www.h.com/", "n=root; Path=/", "n=deep; Path=/a/b", "m=1; Path=/a")
    set_from(jar, "http://www.h.com/", "n=dom; Path=/a/b; Domain=h.com", "p=1; Domain=h.com")
    got = sent(jar, "http://www.h.com/a/b/c")
    assert list(got) == ["p", "m", "n"]
    assert got["n"] == "deep"  # same path: the host's own cookie beats the parent domain's
    assert sent(jar, "http://other.h.com/a/b") == {"p": "1", "n": "dom"}
    assert sent(jar, "http://www.h.com/") == {"p": "1", "n": "root"}
    set_from(jar, "http://www.h.com/", "x=parent; Domain=h.com; Path=/a/b", "x=host; Path=/")
    assert sent(jar, "http://www.h.com/a/b")["x"] == "host"


def test_trailing_slash_path_is_the_same_cookie() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "a=1; Path=/p", "a=2; Path=/p/")
    assert len(jar) == 1 and [m["path"] for m in jar] == ["/p/"]
    assert sent(jar, "http://h.com/p") == {}  # "/p/" does not path-match "/p"
    assert sent(jar, "http://h.com/p/x") == {"a": "2"}


def test_replacing_keeps_one_cookie() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "a=1")
    set_from(jar, "http://h.com/", "a=2")
    assert len(jar) == 1 and sent(jar, "http://h.com/") == {"a": "2"}


# --- expiry ----------------------------------------------------------------------------

def test_max_age_and_expires(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    set_from(jar, "http://h.com/", "short=1; Max-Age=10", "never=1",
             "dated=1; Expires=Thu, 01 Jan 2099 00:00:00 GMT")
    assert len(jar) == 3
    cookie_clock.advance(11)
    assert sent(jar, "http://h.com/") == {"never": "1", "dated": "1"}
    assert len(jar) == 2
    cookie_clock.now = 4_070_908_800  # 2099-01-01
    assert sent(jar, "http://h.com/") == {"never": "1"}
    assert [m.key for m in jar] == ["never"]


def test_max_age_wins_over_expires(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    set_from(jar, "http://h.com/", "a=1; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Max-Age=100")
    set_from(jar, "http://h.com/", "b=1; Max-Age=0; Expires=Thu, 01 Jan 2099 00:00:00 GMT")
    assert sent(jar, "http://h.com/") == {"a": "1"}
    cookie_clock.advance(101)
    assert sent(jar, "http://h.com/") == {}


def test_past_expiry_deletes_stored_cookie(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    set_from(jar, "http://h.com/", "a=1", "b=1", "c=1; Max-Age=50")
    set_from(jar, "http://h.com/", "a=; Max-Age=0")
    set_from(jar, "http://h.com/", "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    set_from(jar, "http://h.com/", "c=2")  # replacement without expiry is a session cookie
    cookie_clock.advance(100)
    assert sent(jar, "http://h.com/") == {"c": "2"}
    assert len(jar) == 1


def test_bad_dates_are_ignored_not_fatal(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    set_from(jar, "http://h.com/", "a=1; Expires=Feb 30 2024 00:00:00", "b=1; Max-Age=soon")
    assert sent(jar, "http://h.com/") == {"a": "1", "b": "1"}
    cookie_clock.advance(10**9)
    assert sent(jar, "http://h.com/") == {"a": "1", "b": "1"}  # session cookies


# --- secure, flags ----------------------------------------------------------------------

def test_secure_only_over_secure_origins() -> None:
    jar = CookieJar(treat_as_secure_origin=["http://trusted.com:8080"])
    for origin in ("http://h.com/", "http://localhost/", "http://trusted.com:8080/"):
        set_from(jar, origin, "s=1; Secure", "p=1")
    assert sent(jar, "http://h.com/") == {"p": "1"}
    assert sent(jar, "https://h.com/") == {"s": "1", "p": "1"}
    assert sent(jar, "wss://h.com/") == {"s": "1", "p": "1"}
    assert sent(jar, "http://localhost/") == {"p": "1"}  # as aiohttp: localhost is not special
    assert sent(jar, "http://trusted.com:8080/") == {"s": "1", "p": "1"}
    assert sent(jar, "http://trusted.com:8081/") == {"p": "1"}  # origin includes the port
    assert CookieJar(treat_as_secure_origin="http://a.com/x").treat_as_secure_origin == {
        URL("http://a.com")
    }


def test_httponly_and_samesite_are_kept() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "a=1; HttpOnly; SameSite=Strict")
    (m,) = list(jar)
    assert m["httponly"] is True and m["samesite"] == "Strict"
    sent_morsel = jar.filter_cookies(URL("http://h.com/"))["a"]
    assert sent_morsel.OutputString() == "a=1"  # attributes never travel in Cookie


# --- update_cookies inputs ----------------------------------------------------------------

def test_update_cookies_accepts_mapping_pairs_simplecookie_morsels() -> None:
    jar = CookieJar()
    url = URL("http://h.com/")
    jar.update_cookies({"a": "1"}, url)
    jar.update_cookies([("b", "2")], url)
    sc = SimpleCookie()
    sc["c"] = "3"
    sc["c"]["path"] = "/"
    jar.update_cookies(sc, url)
    m: Morsel[str] = Morsel()
    m.set("d", "4", "4")
    m["max-age"] = "bogus"
    jar.update_cookies({"d": m}, url)
    assert sent(jar, "http://h.com/") == {"a": "1", "b": "2", "c": "3", "d": "4"}
    assert m["domain"] == "" and m["max-age"] == "bogus"  # the caller's morsel is untouched


def test_shared_cookies_without_url_go_everywhere() -> None:
    jar = CookieJar()
    jar.update_cookies({"s": "x y"})
    assert sent(jar, "http://a.com/") == {"s": '"x y"'}
    assert sent(jar, "https://b.org/deep/path") == {"s": '"x y"'}


def test_illegal_name_raises_like_aiohttp() -> None:
    with pytest.raises(CookieError):
        CookieJar().update_cookies({"bad name": "v"})


def test_morsel_with_control_chars_is_dropped() -> None:
    m: Morsel[str] = Morsel()
    m.__setstate__({"key": "a", "value": "x\r\ny", "coded_value": "x\r\ny"})  # type: ignore[attr-defined]
    jar = CookieJar()
    jar.update_cookies({"a": m}, URL("http://h.com/"))
    assert len(jar) == 0


def test_malformed_set_cookie_never_poisons_the_jar() -> None:
    jar = CookieJar()
    set_from(
        jar, "http://h.com/",
        "noequals", "=novalue", "a=1\x00", "b=" + "x" * 10_000, "c=ok; Expires=32 Foo 99999",
        "\udcff=1", "d=\x7f", "e=fine; Domain=evil.com", "f=1; Max-Age=1e9",
    )
    assert sent(jar, "http://h.com/") == {"c": "ok", "f": "1"}
    set_from(jar, "http://h.com/", "g=1")
    assert len(jar) == 3


def test_quote_cookie() -> None:
    for quote, expected in ((True, '"a b"'), (False, "a b")):
        jar = CookieJar(quote_cookie=quote)
        set_from(jar, "http://h.com/", "q=a b", 'r="x,y"', "s=plain")
        got = sent(jar, "http://h.com/")
        assert got["q"] == expected and got["s"] == "plain"
        assert got["r"] == ('"x,y"' if quote else "x,y")


# --- clearing ------------------------------------------------------------------------------

def test_clear_and_clear_domain() -> None:
    jar = CookieJar()
    set_from(jar, "http://example.com/", "a=1")
    set_from(jar, "http://www.example.com/", "b=1")
    set_from(jar, "http://badexample.com/", "c=1")
    set_from(jar, "http://other.org/", "d=1; Secure")
    jar.clear_domain("example.com")
    assert sorted(m.key for m in jar) == ["c", "d"]
    jar.clear(lambda m: bool(m["secure"]))
    assert [m.key for m in jar] == ["c"]
    jar.clear()
    assert len(jar) == 0 and list(jar) == []
    assert sent(jar, "http://badexample.com/") == {}


def test_cookies_property_snapshot() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/p/x", "a=1")
    cookies = jar.cookies
    assert list(cookies) == [("h.com", "/p")]
    assert cookies[("h.com", "/p")]["a"].value == "1"


# --- limits and scale ------------------------------------------------------------------------

def _fill(jar: CookieJar, url: str, names: list[str], attrs: str = "") -> None:
    for i in range(0, len(names), MAX_COOKIES_PER_RESPONSE):
        set_from(jar, url, *[f"{n}=1{attrs}" for n in names[i : i + MAX_COOKIES_PER_RESPONSE]])


def test_one_response_stores_at_most_50_cookies() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "bad", *[f"c{i}={i}" for i in range(60)])
    assert len(jar) == MAX_COOKIES_PER_RESPONSE
    assert "c49" in sent(jar, "http://h.com/") and "c50" not in sent(jar, "http://h.com/")


def test_full_domain_is_trimmed_to_its_quota_least_recently_used_first() -> None:
    jar = CookieJar()
    _fill(jar, "http://h.com/", [f"c{i}" for i in range(MAX_COOKIES_PER_DOMAIN)])
    assert len(jar) == MAX_COOKIES_PER_DOMAIN
    set_from(jar, "http://h.com/", "c0=again")  # a replacement: most recent now, no eviction
    assert len(jar) == MAX_COOKIES_PER_DOMAIN
    set_from(jar, "http://h.com/", "new=1")
    assert len(jar) == COOKIE_QUOTA_PER_DOMAIN
    names = {m.key for m in jar}
    evicted = MAX_COOKIES_PER_DOMAIN - COOKIE_QUOTA_PER_DOMAIN + 1
    assert {"c0", "new"} <= names
    assert f"c{evicted}" not in names and f"c{evicted + 1}" in names
    set_from(jar, "http://other.com/", "x=1")  # another domain is not affected
    assert len(jar) == COOKIE_QUOTA_PER_DOMAIN + 1


def test_sending_a_cookie_makes_it_recent(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    _fill(jar, "http://h.com/", [f"c{i}" for i in range(MAX_COOKIES_PER_DOMAIN - 1)])
    set_from(jar, "http://h.com/", "old=1; Path=/old")
    for _ in range(2):  # the second answer comes from the memo: it must count as a use too
        assert "old" in sent(jar, "http://h.com/old")
    set_from(jar, "http://h.com/", "new=1")
    names = {m.key for m in jar}
    assert "c0" not in names and {"old", "new"} <= names


def test_expired_cookies_make_room_first(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    _fill(jar, "http://h.com/", [f"c{i}" for i in range(MAX_COOKIES_PER_DOMAIN - 1)])
    set_from(jar, "http://h.com/", "short=1; Max-Age=5")
    cookie_clock.advance(10)
    set_from(jar, "http://h.com/", "new=1")
    names = {m.key for m in jar}
    # as aiohttp: the expired cookie goes, then the domain is still trimmed to its quota
    assert len(jar) == COOKIE_QUOTA_PER_DOMAIN and "short" not in names
    assert "c29" not in names and "c30" in names


def test_total_limit_trims_least_recently_used() -> None:
    jar = CookieJar()
    for d in range(MAX_COOKIES_TOTAL // 10):
        set_from(jar, f"http://www.d{d}.com/", *[f"k{i}={d}; Domain=d{d}.com" for i in
                                                 range(10)])
    assert len(jar) == MAX_COOKIES_TOTAL
    assert "k0" in sent(jar, "http://d0.com/")  # d0's cookies are now recently used
    set_from(jar, "http://new.com/", "n=1")
    assert len(jar) == COOKIE_QUOTA_TOTAL + 1
    assert len(sent(jar, "http://d0.com/")) == 10 and sent(jar, "http://d1.com/") == {}
    assert sent(jar, "http://new.com/") == {"n": "1"}


class _UnlimitedJar(CookieJar):
    _limits_enabled = False  # aiohttp's switch, also what the benchmark uses


def test_many_domains_select_exactly_their_cookies() -> None:
    jar = _UnlimitedJar()
    for d in range(1000):
        set_from(jar, f"http://www.d{d}.com/", *[f"k{i}={d}-{i}; Domain=d{d}.com" for i in
                                                 range(10)])
    assert len(jar) == 10_000
    got = sent(jar, "http://api.d517.com/x")
    assert got == {f"k{i}": f"517-{i}" for i in range(10)}


def test_request_limits_admit_the_most_specific_first() -> None:
    jar = CookieJar()
    for domain in ("h.com", "b.h.com", "a.b.h.com"):
        _fill(jar, "http://a.b.h.com/", [f"{domain[0]}{i}" for i in range(60)],
              f"; Domain={domain}")
    got = sent(jar, "http://a.b.h.com/")
    assert len(got) == MAX_COOKIES_PER_REQUEST
    assert [n[0] for n in got][:30] == ["h"] * 30 and list(got)[-1] == "a59"
    big = CookieJar()
    set_from(big, "http://h.com/", *[f"c{i}={'x' * 3000}" for i in range(3)], "s=1")
    got = sent(big, "http://h.com/")
    assert list(got) == ["c1", "c2", "s"]  # 8190 octets: c0 would not fit any more
    header = "Cookie: " + "; ".join(f"{n}={v}" for n, v in got.items())
    assert len(header) <= MAX_COOKIE_HEADER_LENGTH


# --- persistence -------------------------------------------------------------------------

def test_save_load_roundtrip(tmp_path: Path, cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    set_from(jar, "http://www.h.com/app/x", "host=1; HttpOnly; SameSite=Lax",
             "dom=2; Domain=h.com; Path=/; Secure; Max-Age=100", 'q="a b"')
    path = tmp_path / "jar.json"
    jar.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    saved = json.loads(path.read_text())  # aiohttp's layout: "domain|path" -> name -> record
    assert saved["www.h.com|/app"]["host"]["host_only"] is True
    assert saved["h.com|"]["dom"]["expires_timestamp"] == cookie_clock.now + 100

    loaded = CookieJar(clock=cookie_clock)
    loaded.load(path)
    assert loaded.host_only_cookies == jar.host_only_cookies
    def attrs(m: Morsel[str]) -> dict[str, str]:  # Max-Age is saved as an absolute expiry
        return {k: v for k, v in m.items() if k not in ("max-age", "expires")}

    assert {m.key: attrs(m) for m in loaded} == {m.key: attrs(m) for m in jar}
    for url in ("https://www.h.com/app/y", "https://x.h.com/", "http://www.h.com/"):
        assert sent(loaded, url) == sent(jar, url)
    assert sent(loaded, "https://x.h.com/") == {"dom": "2"}  # host-only stayed host-only
    cookie_clock.advance(101)  # the absolute expiry survived the round trip
    assert "dom" not in sent(loaded, "https://www.h.com/app/y")


def test_save_keeps_an_existing_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "jar.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    CookieJar().save(path)  # as aiohttp: only a new file is created 0600
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


async def test_aiohttp_loads_our_files(tmp_path: Path) -> None:
    import aiohttp

    ours = CookieJar()
    set_from(ours, "http://www.h.com/p/x", "h=1; HttpOnly", "d=2; Domain=h.com; Max-Age=99")
    path = tmp_path / "ours.json"
    ours.save(path)
    theirs = aiohttp.CookieJar()
    theirs.load(path)
    assert theirs.host_only_cookies == ours.host_only_cookies
    for url in ("http://www.h.com/p/y", "http://x.h.com/p/y"):
        expect = {n: m.value for n, m in theirs.filter_cookies(URL(url)).items()}
        assert sent(ours, url) == expect


def test_load_drops_expired_and_rejects_malformed(tmp_path: Path, cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    set_from(jar, "http://h.com/", "old=1; Max-Age=5", "keep=1")
    path = tmp_path / "jar.json"
    jar.save(path)
    cookie_clock.advance(10)
    other = CookieJar(clock=cookie_clock)
    other.load(path)
    assert [m.key for m in other] == ["keep"]

    for bad in ("[1, 2]", '{"format": "aiohttp_fast.cookiejar", "cookies": [{"name": 1}]}',
                "not json"):
        path.write_text(bad)
        with pytest.raises(ValueError):
            other.load(path)
        assert [m.key for m in other] == ["keep"]  # unchanged


async def test_load_reads_aiohttp_json_files(tmp_path: Path) -> None:
    import aiohttp  # the reference implementation, used here only as a file producer

    theirs = aiohttp.CookieJar()
    theirs.update_cookies_from_headers(
        ["h=1; HttpOnly", "d=2; Domain=h.com; Path=/p"], URL("http://www.h.com/")
    )
    path = tmp_path / "aiohttp.json"
    theirs.save(path)
    ours = CookieJar()
    ours.load(path)
    assert sent(ours, "http://www.h.com/p") == {"d": "2", "h": "1"}
    assert sent(ours, "http://x.h.com/p") == {"d": "2"}


def test_load_never_unpickles(tmp_path: Path) -> None:
    import pickle

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, ("echo PWNED > " + str(tmp_path / "pwned"),))

    path = tmp_path / "jar.pkl"
    path.write_bytes(pickle.dumps(Payload()))
    jar = CookieJar()
    set_from(jar, "http://h.com/", "keep=1")
    for error in (ValueError, pickle.UnpicklingError):  # what aiohttp raises for such a file
        with pytest.raises(error, match="Forbidden class"):
            jar.load(path)
    assert not (tmp_path / "pwned").exists() and [m.key for m in jar] == ["keep"]


async def test_strict_jar_loads_no_ip_host_cookies(tmp_path: Path) -> None:
    unsafe = CookieJar(unsafe=True)
    set_from(unsafe, "http://127.0.0.1/", "ip=1")
    set_from(unsafe, "http://h.com/", "name=1")
    path = tmp_path / "jar.json"
    unsafe.save(path)
    strict = CookieJar()
    strict.load(path)
    assert [m.key for m in strict] == ["name"]  # as aiohttp: load applies update_cookies' rules
    again = CookieJar(unsafe=True)
    again.load(path)
    assert sent(again, "http://127.0.0.1/") == {"ip": "1"}


# --- the dummy jar -----------------------------------------------------------------------

def test_dummy_cookie_jar() -> None:
    jar = DummyCookieJar()
    jar.update_cookies({"a": "1"})
    jar.update_cookies_from_headers(["a=1"], URL("http://h.com/"))
    assert len(jar) == 0 and list(jar) == []
    got = jar.filter_cookies(URL("http://h.com/"))
    assert isinstance(got, BaseCookie) and not got
    jar.clear()
    jar.clear_domain("h.com")


# --- the memoised selection never goes stale -------------------------------------------------

def test_memo_sees_every_change(cookie_clock: FakeClock) -> None:
    jar = CookieJar(clock=cookie_clock)
    url = "http://www.h.com/a/b"
    set_from(jar, "http://www.h.com/", "n=wide; Path=/; Max-Age=100")
    assert sent(jar, url) == {"n": "wide"}
    set_from(jar, "http://www.h.com/", "n=narrow; Path=/a; Max-Age=10")  # shadows "wide"
    assert sent(jar, url) == {"n": "narrow"}
    cookie_clock.advance(11)  # the chosen cookie expires: the shadowed one comes back
    assert sent(jar, url) == {"n": "wide"}
    jar.update_cookies({"m": "1"}, URL("http://www.h.com/"))
    assert sent(jar, url) == {"n": "wide", "m": "1"}
    jar.clear(lambda m: m.key == "m")
    assert sent(jar, url) == {"n": "wide"}
    jar.clear_domain("h.com")
    assert sent(jar, url) == {}
    set_from(jar, "http://www.h.com/", "z=1")
    assert sent(jar, url) == {"z": "1"}
    jar.clear()
    assert sent(jar, url) == {}


def test_memo_returns_independent_containers() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "a=1")
    first = jar.filter_cookies(URL("http://h.com/"))
    del first["a"]
    assert sent(jar, "http://h.com/") == {"a": "1"}


def test_memo_is_per_secure_and_path() -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "s=1; Secure", "p=1; Path=/p")
    assert sent(jar, "http://h.com/") == {}
    assert sent(jar, "https://h.com/") == {"s": "1"}
    assert sent(jar, "https://h.com/p") == {"p": "1", "s": "1"}
    assert sent(jar, "http://h.com/p") == {"p": "1"}


def test_memo_after_load(tmp_path: Path) -> None:
    jar = CookieJar()
    set_from(jar, "http://h.com/", "a=1")
    path = tmp_path / "j.json"
    jar.save(path)
    other = CookieJar()
    set_from(other, "http://h.com/", "b=2")
    assert sent(other, "http://h.com/") == {"b": "2"}
    other.load(path)
    assert sent(other, "http://h.com/") == {"a": "1"}


# --- differential against aiohttp's jar on the rules both follow ---------------------------
# Unique cookie names (so neither jar's same-name tie-break matters), no public suffixes, and
# results compared as sets (aiohttp orders by specificity ascending, we as RFC 6265 5.4).

_HOSTS = ["example.com", "www.example.com", "a.b.example.com", "badexample.com", "other.org"]
_PATHS = ["/", "/a", "/a/", "/a/b", "/ab", "/a/b/c"]


@st.composite
def _scenario(draw: st.DrawFn) -> tuple[list[tuple[str, str, str]], list[str]]:
    sets = []
    for i in range(draw(st.integers(1, 8))):
        origin_host = draw(st.sampled_from(_HOSTS))
        origin = f"{draw(st.sampled_from(['http', 'https']))}://{origin_host}"
        origin += draw(st.sampled_from(_PATHS))
        attrs = ""
        if draw(st.booleans()):
            attrs += "; Domain=" + draw(st.sampled_from(_HOSTS + [".example.com"]))
        if draw(st.booleans()):
            attrs += "; Path=" + draw(st.sampled_from(_PATHS))
        if draw(st.booleans()):
            attrs += "; Secure"
        sets.append((origin, f"c{i}=v{i}{attrs}", ""))
    requests = [
        f"{draw(st.sampled_from(['http', 'https']))}://{draw(st.sampled_from(_HOSTS))}"
        f"{draw(st.sampled_from(_PATHS))}"
        for _ in range(3)
    ]
    return sets, requests


@given(_scenario())
@settings(max_examples=150, deadline=None)
def test_selection_matches_aiohttp(scenario: tuple[list[tuple[str, str, str]], list[str]]) -> None:
    import aiohttp

    sets, requests = scenario
    loop = asyncio.new_event_loop()
    try:
        theirs = aiohttp.CookieJar(loop=loop)
        ours = CookieJar()
        for origin, header, _ in sets:
            theirs.update_cookies_from_headers([header], URL(origin))
            ours.update_cookies_from_headers([header], URL(origin))
        for req in requests:
            expect = {(n, m.value) for n, m in theirs.filter_cookies(URL(req)).items()}
            got = {(n, m.value) for n, m in ours.filter_cookies(URL(req)).items()}
            assert got == expect, (req, sets)
    finally:
        loop.close()


@given(st.text(alphabet=st.characters(max_codepoint=0x80), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_str_cookie_name_check_is_morsel_sets(name: str) -> None:
    try:
        Morsel().set(name, "v", "v")
        expect_ok = True
    except CookieError:
        expect_ok = False
    jar = CookieJar()
    try:
        jar.update_cookies({name: "v"})
        ok = True
    except CookieError:
        ok = False
    assert ok == expect_ok


def test_expiry_heap_stays_bounded_when_one_cookie_is_reset_forever(
    cookie_clock: FakeClock,
) -> None:
    jar = CookieJar(clock=cookie_clock)
    for i in range(5000):
        set_from(jar, "http://h.com/", f"a={i}; Max-Age=3600")
    assert len(jar) == 1
    assert len(jar._expiry_heap) <= 2 * len(jar) + 65
    cookie_clock.advance(3601)
    assert list(jar) == [] and len(jar) == 0


def test_trailing_dot_host_does_not_duplicate_shared_cookies() -> None:
    jar = CookieJar()
    jar.update_cookies({"s": "1"})
    set_from(jar, "http://www.h.com./", "a=1")
    assert sent(jar, "http://www.h.com./") == {"a": "1", "s": "1"}


# --- arbitrary Set-Cookie text never raises and never breaks the jar's invariants ----------

_ATTR_TEXT = st.sampled_from([
    "", "; Path=/", "; Path=/a", "; Domain=h.com", "; Domain=.h.com", "; Domain=com",
    "; Domain=", "; Secure", "; HttpOnly", "; Max-Age=0", "; Max-Age=5", "; Max-Age=-1",
    "; Max-Age=x", "; Expires=Wed, 09 Jun 2100 10:18:14 GMT", "; Expires=bogus",
    "; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "; SameSite=None", ";;", "; =",
])


@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.builds(lambda n, v, a: f"{n}={v}{a}",
                      st.sampled_from(["a", "b", "c", "a[0]", "", " "]),
                      st.text(max_size=10), _ATTR_TEXT),
        ),
        max_size=10,
    ),
    st.sampled_from(["http://h.com/", "https://www.h.com/a/b", "http://127.0.0.1/",
                     "http://[::1]:81/x", "http://localhost/"]),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_arbitrary_headers_never_raise(headers: list[str], url: str, unsafe: bool) -> None:
    clock = FakeClock()
    jar = CookieJar(unsafe=unsafe, clock=clock)
    jar.update_cookies_from_headers(headers, URL(url))
    stored = list(jar)
    assert len(jar) == len(stored)
    names = {m.key for m in stored}
    for req in ("http://h.com/a/b", "https://www.h.com/a", "http://127.0.0.1/",
                "http://localhost/"):
        got = jar.filter_cookies(URL(req))
        assert set(got) <= names
        for m in got.values():
            assert "\r" not in m.coded_value and "\n" not in m.coded_value
    clock.advance(10)
    stored = list(jar)  # iterating drops the expired cookies; len() only counts
    assert len(jar) == len(stored)


def test_plain_cookies_cannot_flush_secure_ones() -> None:
    jar = CookieJar()
    set_from(jar, "https://h.com/", "sid=secret; Secure")
    _fill(jar, "http://h.com/", [f"junk{i}" for i in range(MAX_COOKIES_PER_DOMAIN * 2)])
    assert "sid" in {m.key for m in jar}
    assert COOKIE_QUOTA_PER_DOMAIN <= len(jar) <= MAX_COOKIES_PER_DOMAIN
    # a domain full of Secure cookies refuses a plain newcomer, but takes a Secure one
    full = CookieJar()
    _fill(full, "https://h.com/", [f"s{i}" for i in range(MAX_COOKIES_PER_DOMAIN)], "; Secure")
    set_from(full, "http://h.com/", "plain=1; Max-Age=3600")
    assert "plain" not in {m.key for m in full}
    set_from(full, "https://h.com/", "new=1; Secure")
    names = {m.key for m in full}
    assert "new" in names and "s0" not in names and len(full) == COOKIE_QUOTA_PER_DOMAIN


# --- the wider differential: random Set-Cookie fields, URLs and clock, aiohttp as oracle -----
# Left out on purpose (documented differences, see the module docstring): Domain attributes in
# upper case (aiohttp compares them case-sensitively and refuses them) and public-suffix
# domains (aiohttp lets a site set cookies for all of "com"); an Expires of exactly the epoch
# (aiohttp reads timestamp 0 as "no date" and keeps the cookie as a session cookie); an invalid
# Max-Age after a valid one (aiohttp lets the last one win and drop both, RFC 6265 5.2.2
# ignores the invalid one).

_D_HOSTS = ["h.com", "www.h.com", "a.b.h.com", "other.org", "127.0.0.1"]
_D_PATHS = ["/", "/a", "/a/", "/a/b", "/a/b/", "/ab", "/a/b/c"]
_D_VALUES = st.sampled_from(["1", "", "x y", '"q"', '"a;b"', "a,b", "é", "a=b", '"\\101"'])


@st.composite
def _set_cookie(draw: st.DrawFn) -> str:
    header = f"{draw(st.sampled_from(['n', 'm', 'p', 'a[0]']))}={draw(_D_VALUES)}"
    for _ in range(draw(st.integers(0, 3))):
        header += draw(st.sampled_from([
            "; Domain=h.com", "; Domain=.h.com", "; Domain=b.h.com", "; Domain=other.org",
            "; Domain=h.com.", '; Domain="h.com"', "; Path=" + draw(st.sampled_from(_D_PATHS)),
            "; Path=rel", '; Path="/a"', "; Secure", "; HttpOnly", "; Max-Age=0",
            "; Max-Age=5", "; Max-Age=-1", "; Max-Age=100",
            "; Expires=Thu, 01 Jan 1970 00:00:01 GMT", "; Expires=Wed, 09 Jun 2100 10:18:14 GMT",
            "; SameSite=Lax", ";;",
        ]))
    return header


def _url(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    return f"{scheme}://{draw(st.sampled_from(_D_HOSTS))}{draw(st.sampled_from(_D_PATHS))}"


@st.composite
def _operations(draw: st.DrawFn) -> list[tuple[str, Any]]:
    ops: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["headers", "headers", "mapping", "morsels", "filter",
                                     "tick", "clear_domain", "clear", "saveload"]))
        if kind == "morsels":
            parsed = SimpleCookie()
            parsed.load(draw(st.sampled_from([
                "n=1; Domain=h.com; Path=/a", "m=2; Max-Age=5; Secure", 's="x y"; Path=/',
                "p=1; Expires=Wed, 09 Jun 2100 10:18:14 GMT", "n=3; Max-Age=0",
            ])))
            ops.append((kind, (parsed, draw(st.sampled_from(["", _url(draw)])))))
        elif kind == "clear_domain":
            ops.append((kind, draw(st.sampled_from(["h.com", "www.h.com", "org"]))))
        elif kind in ("clear", "saveload"):
            ops.append((kind, draw(st.sampled_from(["n", "m", "*"]))))
        elif kind == "headers":
            ops.append((kind, (draw(st.lists(_set_cookie(), min_size=1, max_size=4)),
                               _url(draw))))
        elif kind == "mapping":
            ops.append((kind, ({draw(st.sampled_from(["n", "s"])): draw(_D_VALUES)},
                               draw(st.sampled_from(["", _url(draw)])))))
        elif kind == "filter":
            ops.append((kind, _url(draw)))
        else:
            ops.append((kind, draw(st.sampled_from([1, 6, 101]))))
    return ops


def _observe(jar: Any, url: str) -> tuple[Any, ...]:
    got = jar.filter_cookies(URL(url))
    return (
        [(n, m.key, m.value, m.coded_value) for n, m in got.items()],
        [(d, p, n, m.value, m["path"], m["domain"], bool(m["secure"]))
         for (d, p), cookies in jar.cookies.items() for n, m in cookies.items()],
        [m.key for m in jar],  # iteration order too
        sorted(jar.host_only_cookies),
        len(jar),
    )


@given(_operations(), st.booleans(), st.booleans(), st.booleans())
@settings(max_examples=400, deadline=None)
def test_jar_matches_aiohttp(
    ops: list[tuple[str, Any]], unsafe: bool, quote: bool, trusted: bool
) -> None:
    import aiohttp

    now = [1_700_000_000.0]
    options: dict[str, Any] = {"unsafe": unsafe, "quote_cookie": quote}
    if trusted:
        options["treat_as_secure_origin"] = ["http://www.h.com"]
    with patch("time.time", lambda: now[0]):
        loop = asyncio.new_event_loop()
        try:
            theirs = aiohttp.CookieJar(loop=loop, **options)
            ours = CookieJar(**options)
            for kind, arg in ops:
                if kind == "headers":
                    for jar in (theirs, ours):
                        jar.update_cookies_from_headers(arg[0], URL(arg[1]))
                elif kind in ("mapping", "morsels"):
                    for jar in (theirs, ours):
                        jar.update_cookies(arg[0], URL(arg[1]))
                elif kind == "clear_domain":
                    for jar in (theirs, ours):
                        jar.clear_domain(arg)
                elif kind == "clear":
                    for jar in (theirs, ours):
                        jar.clear(None if arg == "*" else (lambda m, a=arg: m.key == a))
                elif kind == "saveload":
                    with tempfile.TemporaryDirectory() as tmp:
                        for jar in (theirs, ours):
                            jar.save(Path(tmp, "jar.json"))
                            jar.load(Path(tmp, "jar.json"))
                elif kind == "tick":
                    now[0] += arg
                else:
                    assert _observe(ours, arg) == _observe(theirs, arg), ops
            for url in ("https://a.b.h.com/a/b/c", "http://www.h.com/a/", "http://127.0.0.1/"):
                assert _observe(ours, url) == _observe(theirs, url), ops
        finally:
            loop.close()


@pytest.mark.parametrize("seed", range(8))
def test_limits_match_aiohttp(seed: int) -> None:
    """Eviction and request limits, against aiohttp's jar, on long random histories."""
    import random

    import aiohttp

    rng = random.Random(seed)
    loop = asyncio.new_event_loop()
    try:
        theirs = aiohttp.CookieJar(loop=loop)
        ours = CookieJar()
        hosts = ["h.com", "www.h.com", "x.org"]
        for _ in range(300):
            url = URL(f"https://{rng.choice(hosts)}/{rng.choice(['', 'a', 'a/b'])}")
            if rng.random() < 0.2:
                for _ in range(rng.choice([1, 2])):  # twice: the second is a memo hit for us
                    assert _observe(ours, str(url)) == _observe(theirs, str(url))
                continue
            headers = [
                f"c{rng.randrange(260)}={'v' * rng.choice([1, 1, 60])}"
                f"{rng.choice(['', '; Secure'])}{rng.choice(['', '; Domain=h.com'])}"
                f"{rng.choice(['', '', '; Path=/a'])}"
                for _ in range(rng.randrange(1, 60))
            ]
            for jar in (theirs, ours):
                jar.update_cookies_from_headers(headers, url)
            assert len(ours) == len(theirs)
        for host in hosts:
            assert _observe(ours, f"https://{host}/a/b") == _observe(theirs, f"https://{host}/a/b")
    finally:
        loop.close()


# --- public API corners, each run through aiohttp's jar and ours ----------------------------

def _scenario_secure_origins(lib: Any) -> Any:
    out = []
    for origins in ("http://a.com", URL("http://a.com:8080/x"), ["http://a.com", URL("http://b.com")],
                    ("https://a.com",)):
        jar = lib.CookieJar(treat_as_secure_origin=origins)
        jar.update_cookies_from_headers(["s=1; Secure"], URL("https://a.com/"))
        out.append((sorted(map(str, jar.treat_as_secure_origin)),
                    [n for n in jar.filter_cookies(URL("http://a.com/"))],
                    [n for n in jar.filter_cookies(URL("http://a.com:8080/"))]))
    return out


def _scenario_quoting(lib: Any) -> Any:
    out = []
    for quote in (True, False):
        jar = lib.CookieJar(quote_cookie=quote)
        jar.update_cookies({"a": "x y", "b": '"q"', "e": "a\\b"})
        jar.update_cookies_from_headers(['c="z w"', "d=é", 'f="a\\"b"'], URL("http://h.com/"))
        out.append([(n, m.value, m.coded_value, dict(m))
                    for n, m in jar.filter_cookies(URL("http://h.com/")).items()])
    return out


def _scenario_unsendable(lib: Any) -> Any:
    jar = lib.CookieJar()
    for value in ["a\tb", "a\x07b", "\udcff", "ok"]:
        m: Morsel[str] = Morsel()
        m.__setstate__({"key": f"k{len(value)}", "value": value, "coded_value": value})  # type: ignore[attr-defined]
        jar.update_cookies({m.key: m}, URL("http://h.com/"))
    jar.update_cookies({"s1": "a\tb", "s2": "x\x00", "s3": "\udcff", "s4": "fine"},
                       URL("http://h.com/"))
    return sorted(m.key for m in jar)


def _scenario_set_cookie_corners(lib: Any) -> Any:
    jar = lib.CookieJar()
    jar.update_cookies_from_headers([
        'a="x;y"; Path=/', "b = 2 ", "c=1;Path=/;;Secure", "d=1; path=/P", "e=1; Domain=",
        'f="unterminated', 'g=a"b', "i=1; Expires=Wed Jun  9 10:18:14 2100",
        "j=1; Expires=Wed, 09-Jun-2100 10:18:14 GMT", "k=1; SameSite", "l=1 2", "=x", "m",
        "n=1; Version=1; Comment=hi", 'o=1; Path="/q;r"; Domain="h.com"',
    ], URL("https://h.com/"))
    return [(m.key, m.value, m.coded_value, m["path"], m["domain"], m["secure"],
             m["version"], m["comment"], bool(m["expires"])) for m in jar]


def _scenario_dummy(lib: Any) -> Any:
    jar = lib.DummyCookieJar()
    jar.update_cookies({"a": "1"})
    jar.update_cookies_from_headers(["a=1"], URL("http://h.com/"))
    got = jar.filter_cookies(URL("http://h.com"))
    return type(got).__name__, dict(got), len(jar), list(jar), dict(jar.cookies), jar.unsafe


@pytest.mark.parametrize("scenario", [
    _scenario_secure_origins, _scenario_quoting, _scenario_unsendable,
    _scenario_set_cookie_corners, _scenario_dummy,
])
async def test_public_api_corner_matches_aiohttp(scenario: Any) -> None:
    import aiohttp

    assert scenario(aiohttp_fast_module) == scenario(aiohttp)
