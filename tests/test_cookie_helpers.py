"""Cookie wire helpers, run over both twins (``cookie_impl``), plus a differential check."""

from __future__ import annotations

import calendar
import http.cookies
import os
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp_fast import _cookie_py, cookie_helpers
from tests.fixtures_cookies import compiled_cookie_module


def test_c_extension_loaded() -> None:
    """CI must not quietly test only Python: the compiled twin is selected unless disabled."""
    if os.environ.get("AIOHTTP_FAST_NO_EXTENSIONS", "") not in ("", "0"):
        assert cookie_helpers.IMPL == "py"
        return
    assert compiled_cookie_module() is not None, "build with: python setup.py build_ext --inplace"
    assert cookie_helpers.IMPL == "c"
    assert cookie_helpers.parse_set_cookie is compiled_cookie_module().parse_set_cookie


# --- dates: RFC 6265 section 5.1.1 ---------------------------------------------------------

def _ts(*args: int) -> int:
    return calendar.timegm((*args, 0, 0, 0))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", _ts(1994, 11, 6, 8, 49, 37)),  # RFC 1123
        ("Sunday, 06-Nov-94 08:49:37 GMT", _ts(1994, 11, 6, 8, 49, 37)),  # RFC 850
        ("Sun Nov  6 08:49:37 1994", _ts(1994, 11, 6, 8, 49, 37)),  # asctime
        ("Wed, 09 Jun 2021 10:18:14 GMT", _ts(2021, 6, 9, 10, 18, 14)),
        ("09 jun 2021 10:18:14", _ts(2021, 6, 9, 10, 18, 14)),  # any order, case-insensitive
        ("2021 JUNE 9 1:2:3", _ts(2021, 6, 9, 1, 2, 3)),  # month prefix, 1-digit fields
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("Fri, 31 Dec 9999 23:59:59 GMT", _ts(9999, 12, 31, 23, 59, 59)),
        ("Thu, 29 Feb 2024 00:00:00 GMT", _ts(2024, 2, 29, 0, 0, 0)),  # leap day
        ("Sat, 01-Jan-00 00:00:00 GMT", _ts(2000, 1, 1, 0, 0, 0)),  # 00-69 -> 20xx
        ("Thu, 01-Jan-70 00:00:00 GMT", 0),  # 70-99 -> 19xx
        ("Mon, 01 Jan 2001 00:00:00 +0100", _ts(2001, 1, 1, 0, 0, 0)),  # zone ignored
    ],
)
def test_parse_cookie_date_valid(cookie_impl: ModuleType, text: str, expected: int) -> None:
    assert cookie_impl.parse_cookie_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "garbage", "Sun, 06 Nov 1994", "06 Nov 1994 08:49",  # missing fields
        "Wed, 29 Feb 2023 00:00:00 GMT",  # no such day
        "Wed, 31 Apr 2023 00:00:00 GMT",
        "Wed, 00 Jan 2023 00:00:00 GMT",
        "Wed, 01 Jan 1600 00:00:00 GMT",  # before 1601
        "Wed, 01 Jan 2023 24:00:00 GMT", "Wed, 01 Jan 2023 00:60:00 GMT",
        "Wed, 01 Jan 2023 00:00:60 GMT",
        "Wed, 123 Jan 2023 00:00:00 GMT",  # 3-digit day is not a day-of-month...
        "Wed, 01 Foo 2023 00:00:00 GMT",
        "Wed, 01 Jan 12345 00:00:00 GMT",  # 5-digit year
        "\x00\x01\x02", "9" * 10_000,
    ],
)
def test_parse_cookie_date_invalid(cookie_impl: ModuleType, text: str) -> None:
    assert cookie_impl.parse_cookie_date(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [("0", 0), ("10", 10), ("-5", -5), ("007", 7), ("", None), ("-", None), ("1.5", None),
     (" 1", None), ("1a", None), ("+1", None), ("9" * 40, _cookie_py.MAX_TIMESTAMP),
     ("-" + "9" * 40, -_cookie_py.MAX_TIMESTAMP)],
)
def test_parse_max_age(cookie_impl: ModuleType, text: str, expected: int | None) -> None:
    assert cookie_impl.parse_max_age(text) == expected


# --- quoting matches the standard library --------------------------------------------------

@pytest.mark.parametrize("value", ["", "abc", "a b", 'a"b', "a\\b", "é", "\x01", "a;b", "€"])
def test_quote_matches_stdlib(cookie_impl: ModuleType, value: str) -> None:
    assert cookie_impl.quote_value(value) == http.cookies._quote(value)  # type: ignore[attr-defined]
    assert cookie_impl.unquote_value(cookie_impl.quote_value(value)) == value


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_quote_unquote_match_stdlib_hypothesis(value: str) -> None:
    impls = [_cookie_py] + [m for m in [compiled_cookie_module()] if m is not None]
    for impl in impls:
        assert impl.quote_value(value) == http.cookies._quote(value)  # type: ignore[attr-defined]
        assert impl.unquote_value(value) == http.cookies._unquote(value)  # type: ignore[attr-defined]
        quoted = '"' + value + '"'
        assert impl.unquote_value(quoted) == http.cookies._unquote(quoted)  # type: ignore[attr-defined]


# --- Set-Cookie parsing ------------------------------------------------------------------

def test_parse_set_cookie_full(cookie_impl: ModuleType) -> None:
    got = cookie_impl.parse_set_cookie(
        "sid=abc123; Path=/app; Domain=.Example.COM; Secure; HttpOnly; SameSite=Lax; "
        "Max-Age=3600; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Unknown=zzz; Comment=hi"
    )
    name, value, coded, attrs, expires, max_age = got
    assert (name, value, coded) == ("sid", "abc123", "abc123")
    assert attrs == {
        "path": "/app", "domain": ".Example.COM", "secure": True, "httponly": True,
        "samesite": "Lax", "max-age": "3600", "expires": "Sun, 06 Nov 1994 08:49:37 GMT",
        "comment": "hi",
    }
    assert expires == _ts(1994, 11, 6, 8, 49, 37) and max_age == 3600


def test_parse_set_cookie_quoted_and_whitespace(cookie_impl: ModuleType) -> None:
    assert cookie_impl.parse_set_cookie('  a = "x y" ;path=/')[:4] == (
        "a", "x y", '"x y"', {"path": "/"}
    )
    assert cookie_impl.parse_set_cookie("a=")[:3] == ("a", "", "")
    assert cookie_impl.parse_set_cookie("a=b=c")[:3] == ("a", "b=c", "b=c")
    assert cookie_impl.parse_set_cookie("a=\tb\t")[:3] == ("a", "b", "b")  # HTAB is WSP


def test_parse_set_cookie_bad_attributes_ignored(cookie_impl: ModuleType) -> None:
    got = cookie_impl.parse_set_cookie(
        "a=b; Expires=not a date; Max-Age=1x; Domain=; Path=/p; Max-Age=5; ;; =; Secure=no"
    )
    assert got[3] == {"path": "/p", "max-age": "5", "secure": True}
    assert got[4] is None and got[5] == 5
    # last valid occurrence wins, an oversized attribute value is dropped
    got = cookie_impl.parse_set_cookie("a=b; Path=/one; Path=/two; Comment=" + "x" * 2000)
    assert got[3] == {"path": "/two"}


@pytest.mark.parametrize(
    "header",
    [
        "", "novalue", "; a=b", "=b", " =b", "a b=c", 'a"=b', "a,b=c", "a\\b=c",
        "a=b\x00", "a=b\r\nX-Injected: 1", "a=b\x7f", "a=b; Path=/\x01", "é=b",
        "a=" + "x" * 5000,  # name+value over 4096 octets
        'a="\\000"',  # unquotes to a control character
        "a=\udcff",  # undecodable byte (surrogateescape) cannot be sent as UTF-8
    ],
)
def test_parse_set_cookie_malformed_is_none(cookie_impl: ModuleType, header: str) -> None:
    assert cookie_impl.parse_set_cookie(header) is None


def test_parse_set_cookie_headers_skips_bad(cookie_impl: ModuleType) -> None:
    pairs = cookie_impl.parse_set_cookie_headers(
        ["a=1; Path=/; HttpOnly", "broken", "b=2", "=3", "c=\x01"]
    )
    assert [name for name, _ in pairs] == ["a", "b"]
    morsel = pairs[0][1]
    assert isinstance(morsel, http.cookies.Morsel)
    assert (morsel.key, morsel.value, morsel["path"], morsel["httponly"]) == ("a", "1", "/", True)
    assert morsel["domain"] == ""  # untouched attributes keep Morsel's defaults


def test_parse_set_cookie_headers_takes_50_cookies(cookie_impl: ModuleType) -> None:
    # as aiohttp's parser (which also fills resp.cookies): malformed fields do not count
    pairs = cookie_impl.parse_set_cookie_headers(["bad"] + [f"c{i}=1" for i in range(60)])
    assert [name for name, _ in pairs] == [f"c{i}" for i in range(50)]


def test_morsels_a_patched_cpython_refuses_are_skipped(
    cookie_impl: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CPython builds with the CVE-2026-3644 fix validate in Morsel.__setstate__
    original = http.cookies.Morsel.__setstate__  # type: ignore[attr-defined]

    def setstate(self: http.cookies.Morsel[str], state: dict[str, str]) -> None:
        if state["key"] == "rejected":
            raise http.cookies.CookieError("refused")
        original(self, state)

    monkeypatch.setattr(http.cookies.Morsel, "__setstate__", setstate)
    pairs = cookie_impl.parse_set_cookie_headers(["rejected=1", "kept=1"])
    assert [name for name, _ in pairs] == ["kept"]


def test_missing_semicolons_between_attributes_are_tolerated(cookie_impl: ModuleType) -> None:
    # as aiohttp: a value ends at a blank, except a date, which runs to the next attribute
    parsed = cookie_impl.parse_set_cookie(
        "a=1; Path=/ Max-Age=60; unknown=ignored Secure; Expires=Wed, 09 Jun 2100 10:18:14"
        " GMT HttpOnly; Domain = h.com"
    )
    assert parsed[3] == {"path": "/", "max-age": "60", "secure": True, "httponly": True,
                         "expires": "Wed, 09 Jun 2100 10:18:14 GMT", "domain": "h.com"}
    assert cookie_impl.parse_set_cookie("a=1; Path=/a b")[3] == {"path": "/a"}


def test_quoted_values_may_hold_semicolons(cookie_impl: ModuleType) -> None:
    parsed = cookie_impl.parse_set_cookie('a="x;y" ; Path="/p;q"; Domain="h.com"; Secure')
    assert parsed[:3] == ("a", "x;y", '"x;y"')
    assert parsed[3] == {"path": "/p;q", "domain": "h.com", "secure": True}
    # a quote that is not the whole value: split at ";" as usual
    assert cookie_impl.parse_set_cookie('a="x;y"z; Path=/')[2] == '"x'
    assert cookie_impl.parse_set_cookie("a=1; Path=\"/a\\001\"")[3] == {}  # CTL: dropped
    assert cookie_impl.parse_set_cookie("a=x\ty") is None  # a tab inside the pair
    many = "a=1" + "; X=1" * 40 + "; Secure"
    assert cookie_impl.parse_set_cookie(many)[3] == {}  # only the first 32 attributes count


def test_build_cookie_header(cookie_impl: ModuleType) -> None:
    jar = http.cookies.SimpleCookie()
    jar["a"] = "1"
    jar["b"] = "x y"
    jar["b"]["path"] = "/"  # attributes never go into a Cookie header
    assert cookie_impl.build_cookie_header(jar) == 'a=1; b="x y"'
    assert cookie_impl.build_cookie_header(list(jar.values())) == 'a=1; b="x y"'
    assert cookie_impl.build_cookie_header({}) == ""


# --- matching rules -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "host,expected",
    [("127.0.0.1", True), ("::1", True), ("2001:db8::1", True), ("255.255.255.255", True),
     ("256.1.1.1", False), ("1.2.3", False), ("example.com", False), ("1.2.3.com", False),
     ("", False), ("01.2.3.4", True), ("1..2.3", False)],
)
def test_is_ip_address(cookie_impl: ModuleType, host: str, expected: bool) -> None:
    assert cookie_impl.is_ip_address(host) is expected


@pytest.mark.parametrize(
    "domain,host,expected",
    [("example.com", "example.com", True), ("example.com", "www.example.com", True),
     ("example.com", "a.b.example.com", True), ("example.com", "badexample.com", False),
     ("example.com", "example.com.evil", False), ("www.example.com", "example.com", False),
     ("0.0.1", "127.0.0.1", False), ("127.0.0.1", "127.0.0.1", True), ("", "x", False)],
)
def test_domain_match(cookie_impl: ModuleType, domain: str, host: str, expected: bool) -> None:
    assert cookie_impl.domain_match(domain, host) is expected


@pytest.mark.parametrize(
    "path,expected",
    [("", "/"), ("x", "/"), ("/", "/"), ("/a", "/"), ("/a/", "/a"), ("/a/b", "/a"),
     ("/a/b/c", "/a/b")],
)
def test_default_path(cookie_impl: ModuleType, path: str, expected: str) -> None:
    assert cookie_impl.default_path(path) == expected


@pytest.mark.parametrize(
    "req,cookie,expected",
    [("/", "/", True), ("/a", "/", True), ("/a/b", "/a", True), ("/a", "/a", True),
     ("/ab", "/a", False), ("/a/", "/a/", True), ("/a/b", "/a/", True), ("/a", "/a/", False),
     ("/", "/a", False)],
)
def test_path_match(cookie_impl: ModuleType, req: str, cookie: str, expected: bool) -> None:
    assert cookie_impl.path_match(req, cookie) is expected


# --- differential: the compiled twin gives identical results on arbitrary input -----------

_cookieish = st.text(
    alphabet=st.sampled_from(list("ab=; \t\"\\,/.-:0123456789JanFebGMTPathDomainExpiresMax-Age"
                                  "SecureHttpOnly\x00\x01\x7fé\udcff")),
    max_size=80,
)


@given(st.one_of(_cookieish, st.text(max_size=80)))
@settings(max_examples=500, deadline=None)
def test_twins_agree(text: str) -> None:
    c = compiled_cookie_module()
    if c is None:
        pytest.skip("aiohttp_fast._cookie_c is not compiled")
    py = _cookie_py
    for fn in ("parse_set_cookie", "parse_cookie_date", "parse_max_age", "unquote_value",
               "quote_value", "is_ip_address", "default_path"):
        assert getattr(c, fn)(text) == getattr(py, fn)(text), fn
    assert c.domain_match("example.com", text) == py.domain_match("example.com", text)
    assert c.path_match(text, "/a") == py.path_match(text, "/a")
    assert c.path_match("/a/b", text) == py.path_match("/a/b", text)
    for header in (text, "n=" + text, "n=v; " + text, "n=v; Expires=" + text):
        assert c.parse_set_cookie(header) == py.parse_set_cookie(header), header


@given(
    st.integers(1601, 9999), st.integers(1, 12), st.integers(1, 28),
    st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
)
@settings(max_examples=200, deadline=None)
def test_cookie_date_matches_timegm(y: int, mo: int, d: int, h: int, mi: int, s: int) -> None:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    text = f"Mon, {d:02d} {months[mo - 1]} {y} {h:02d}:{mi:02d}:{s:02d} GMT"
    assert cookie_helpers.parse_cookie_date(text) == _ts(y, mo, d, h, mi, s)
    assert _cookie_py.parse_cookie_date(text) == _ts(y, mo, d, h, mi, s)


def test_name_char_ranges_match_the_declared_set() -> None:
    for c in range(0x110):
        assert _cookie_py._is_name_char(c) == (chr(c) in _cookie_py._NAME_CHARS), hex(c)


def test_make_morsel_equals_a_normally_built_one(cookie_impl: ModuleType) -> None:
    ref: http.cookies.Morsel[str] = http.cookies.Morsel()
    ref.set("a", "b c", '"b c"')
    ref["path"] = "/"
    got = cookie_impl.make_morsel("a", "b c", '"b c"', {"path": "/"})
    assert got == ref and got.OutputString() == ref.OutputString()
    assert dict(got) == dict(ref)


# --- selection: both twins pick the same cookies in the same order --------------------------

_SEL_PATHS = ["/", "/a", "/a/", "/a/b", "/ab"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["n1", "n2", "n3"]),  # names repeat: the same-name tie-break
            st.sampled_from(["h.com", "www.h.com"]),
            st.sampled_from(_SEL_PATHS),
            st.booleans(),  # host-only
            st.booleans(),  # secure
            st.one_of(st.none(), st.floats(0, 200)),  # expiry
        ),
        max_size=12,
    ),
    st.sampled_from(_SEL_PATHS + ["/a/b/c", "/x"]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_select_cookies_twins_agree(
    specs: list[tuple[str, str, str, bool, bool, float | None]],
    req_path: str, secure: bool, quote: bool, limited: bool,
) -> None:
    impls = [_cookie_py] + [m for m in [compiled_cookie_module()] if m is not None]
    results = []
    for impl in impls:
        buckets: dict[str, dict[tuple[str, str], object]] = {}
        for i, (name, domain, path, host_only, sec, expires) in enumerate(specs):
            attrs = {"secure": True} if sec else {}
            morsel = impl.make_morsel(name, f"v {i}", f"v {i}", attrs)
            buckets.setdefault(domain, {})[(path, name)] = impl.StoredCookie(
                morsel, name, domain, path, host_only, expires, i
            )
        candidates = [(b, d == "www.h.com") for d, b in sorted(buckets.items())]
        expired: list[object] = []
        chosen, valid_until, _ = impl.select_cookies(candidates, req_path, secure, 100.0,
                                                     quote, expired, limited, 7)
        results.append((
            [(n, m.key, m.value, m.coded_value) for n, m in chosen.items()],
            valid_until,
            sorted((e.domain, e.path, e.name) for e in expired),
        ))
    assert all(r == results[0] for r in results)
    chosen_names = [r[0] for r in results[0][0]]
    assert len(chosen_names) == len(set(chosen_names))


_two = st.text(alphabet="0123456789a:", min_size=2, max_size=2)


@given(
    st.sampled_from(["Sun", "mon", "Jun", "Xyz", "1:2", "12 "]),
    _two,
    st.sampled_from(["Jan", "feb", "Dec", "Foo", "Mon", "12:"]),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    _two, _two, _two,
    st.sampled_from([" GMT", " gmt", " UTC"]),
)
@settings(max_examples=500, deadline=None)
def test_fixdate_fast_path_agrees_with_general_algorithm(
    wd: str, dd: str, mon: str, yyyy: str, hh: str, mm: str, ss: str, tz: str
) -> None:
    text = f"{wd}, {dd} {mon} {yyyy} {hh}:{mm}:{ss}{tz}"
    # a trailing space changes no token, but the length, so the general algorithm runs
    for impl in [_cookie_py] + [m for m in [compiled_cookie_module()] if m is not None]:
        assert impl.parse_cookie_date(text) == impl.parse_cookie_date(text + " "), text
