"""proxy_env: *_PROXY variables, NO_PROXY bypass rules and netrc credentials (no network)."""

from __future__ import annotations

import logging
import urllib.request
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from yarl import URL

from aiohttp_fast.auth import BasicAuth
from aiohttp_fast.proxy_env import (
    ProxyInfo,
    basicauth_from_netrc,
    env_proxy_for,
    get_env_proxy_for_url,
    netrc_auth_for,
    netrc_from_env,
    proxies_from_env,
    proxy_bypass,
    split_proxy_auth,
)

pytestmark = pytest.mark.usefixtures("clean_proxy_env")


def write_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "netrc"
    path.write_text(text)
    path.chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))
    return path


# ---- proxies_from_env ----


def test_no_variables_no_proxies() -> None:
    assert proxies_from_env() == {}


def test_all_four_schemes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://p1:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://p2:3129")
    monkeypatch.setenv("WS_PROXY", "http://p3:1")
    monkeypatch.setenv("WSS_PROXY", "http://p4:2")
    monkeypatch.setenv("FTP_PROXY", "http://ftp:3")  # not a scheme we proxy
    assert proxies_from_env() == {
        "http": ProxyInfo(URL("http://p1:3128"), None),
        "https": ProxyInfo(URL("http://p2:3129"), None),
        "ws": ProxyInfo(URL("http://p3:1"), None),
        "wss": ProxyInfo(URL("http://p4:2"), None),
    }


def test_lowercase_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://upper:1")
    monkeypatch.setenv("http_proxy", "http://lower:2")
    assert proxies_from_env()["http"].proxy == URL("http://lower:2")


def test_empty_lowercase_switches_off_uppercase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://upper:1")
    monkeypatch.setenv("https_proxy", "")
    assert proxies_from_env() == {}


def test_mixed_case_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Http_Proxy", "http://mixed:1")
    assert proxies_from_env()["http"].proxy == URL("http://mixed:1")


def test_cgi_ignores_uppercase_http_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpoxy: in a CGI script HTTP_PROXY may come from the client's "Proxy:" header.
    monkeypatch.setenv("REQUEST_METHOD", "GET")
    monkeypatch.setenv("HTTP_PROXY", "http://attacker:1")
    monkeypatch.setenv("HTTPS_PROXY", "http://fine:2")
    assert set(proxies_from_env()) == {"https"}


def test_scheme_less_value_is_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "proxy.local:3128")
    assert proxies_from_env()["http"].proxy == URL("http://proxy.local:3128")


@pytest.mark.parametrize("value", ["https://secure:443", "socks5://socks:1080"])
def test_unsupported_proxy_schemes_warn_and_skip(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", value)
    monkeypatch.setenv("HTTP_PROXY", "http://plain:1")
    with caplog.at_level(logging.WARNING, logger="aiohttp_fast.client"):
        proxies = proxies_from_env()
    assert set(proxies) == {"http"}
    assert "not supported" in caplog.text and URL(value).host in caplog.text


def test_credentials_in_url_are_split_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://us%40er:p%3Ass@proxy:3128")
    info = proxies_from_env()["http"]
    assert info == ProxyInfo(URL("http://proxy:3128"), BasicAuth("us@er", "p:ss"))
    assert info.proxy.user is None


def test_netrc_supplies_proxy_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_netrc(tmp_path, monkeypatch, "machine proxy login nuser password npass\n")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://other:3128")
    proxies = proxies_from_env()
    assert proxies["http"].proxy_auth == BasicAuth("nuser", "npass")
    assert proxies["https"].proxy_auth is None


def test_url_credentials_win_over_netrc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_netrc(tmp_path, monkeypatch, "machine proxy login nuser password npass\n")
    monkeypatch.setenv("HTTP_PROXY", "http://uuser:upass@proxy:3128")
    assert proxies_from_env()["http"].proxy_auth == BasicAuth("uuser", "upass")


def test_unusable_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A ":" in a user name can't be sent with Basic: that proxy (URL) or entry (netrc) is
    # skipped with a warning instead of failing every request.
    write_netrc(tmp_path, monkeypatch, "machine np login a:b password c\n")
    monkeypatch.setenv("HTTP_PROXY", "http://a%3Ab:c@up:1")
    monkeypatch.setenv("HTTPS_PROXY", "http://np:2")
    with caplog.at_level(logging.WARNING, logger="aiohttp_fast.client"):
        proxies = proxies_from_env()
    assert proxies == {"https": ProxyInfo(URL("http://np:2"), None)}
    assert "unusable credentials" in caplog.text and "Ignoring .netrc entry" in caplog.text


# ---- split_proxy_auth ----


def test_split_proxy_auth() -> None:
    assert split_proxy_auth(URL("http://p:1")) == ProxyInfo(URL("http://p:1"), None)
    assert split_proxy_auth(URL("http://u:pw@p:1")) == ProxyInfo(
        URL("http://p:1"), BasicAuth("u", "pw")
    )
    explicit = BasicAuth("x", "y")
    assert split_proxy_auth(URL("http://u:pw@p:1"), explicit) == ProxyInfo(
        URL("http://p:1"), explicit
    )
    assert split_proxy_auth(URL("http://:pw@p:1")).proxy_auth == BasicAuth("", "pw")


# ---- netrc ----


def test_netrc_from_env_missing_is_none(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="aiohttp_fast.client"):
        assert netrc_from_env() is None
    # The user named the file in $NETRC: say it could not be read.
    assert "Could not read .netrc" in caplog.text


def test_netrc_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NETRC")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert netrc_from_env() is None  # no ~/.netrc: silently none
    (tmp_path / ".netrc").write_text("machine h login a password b\n")
    (tmp_path / ".netrc").chmod(0o600)
    nrc = netrc_from_env()
    assert nrc is not None and basicauth_from_netrc(nrc, "h") == BasicAuth("a", "b")


def test_netrc_parse_error_is_logged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_netrc(tmp_path, monkeypatch, "bogus-token here\n")
    with caplog.at_level(logging.WARNING, logger="aiohttp_fast.client"):
        assert netrc_from_env() is None
    assert "Could not parse" in caplog.text


def test_basicauth_from_netrc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_netrc(
        tmp_path,
        monkeypatch,
        "machine a login la password pa\n"
        "machine b account acct password pb\n"
        "machine c login lc\n"
        "default login dl password dp\n",
    )
    nrc = netrc_from_env()
    assert basicauth_from_netrc(nrc, "a") == BasicAuth("la", "pa")
    assert basicauth_from_netrc(nrc, "b") == BasicAuth("acct", "pb")
    assert basicauth_from_netrc(nrc, "c") == BasicAuth("lc", "")
    assert basicauth_from_netrc(nrc, "anything") == BasicAuth("dl", "dp")
    with pytest.raises(LookupError):
        basicauth_from_netrc(None, "a")


def test_basicauth_from_netrc_no_entry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_netrc(tmp_path, monkeypatch, "machine a login la password pa\n")
    with pytest.raises(LookupError, match="zzz"):
        basicauth_from_netrc(netrc_from_env(), "zzz")


# ---- NO_PROXY ----

BYPASS_CASES = [
    # (no_proxy, host, port, bypass)
    ("", "example.com", 80, False),
    ("*", "anything.test", 80, True),
    ("example.com", "example.com", 80, True),
    ("example.com", "www.example.com", 80, True),
    ("example.com", "badexample.com", 80, False),
    (".example.com", "example.com", 80, True),
    (".example.com", "a.b.example.com", 443, True),
    ("*.example.com", "a.example.com", 443, True),
    ("EXAMPLE.com", "Www.Example.COM", 80, True),
    ("example.com", "example.com.", 80, True),  # a fully-qualified name with its root dot
    ("other.org, example.com", "example.com", 80, True),
    ("other.org example.com", "example.com", 80, True),  # curl accepts spaces too
    ("example.com:8080", "example.com", 8080, True),
    ("example.com:8080", "example.com", 80, False),
    ("127.0.0.1", "127.0.0.1", 80, True),
    ("127.0.0.1", "127.0.0.2", 80, False),
    ("10.0.0.0/8", "10.20.30.40", 80, True),
    ("10.0.0.0/8", "11.0.0.1", 80, False),
    ("10.0.0.0/8", "ten.example", 80, False),
    ("192.168.1.0/24:8080", "192.168.1.7", 8080, True),
    ("192.168.1.0/24:8080", "192.168.1.7", 80, False),
    ("::1", "::1", 80, True),
    ("[::1]", "::1", 80, True),
    ("[::1]:8080", "::1", 8080, True),
    ("[::1]:8080", "::1", 80, False),
    ("fd00::/8", "fd12::5", 443, True),
    ("[fd00::]/8", "fd12::5", 443, True),
    ("fd00::/8", "fe80::1", 443, False),
    ("::1", "[::1]", 80, True),  # a bracketed literal as some callers pass it
    ("localhost", "localhost", 80, True),
    ("bad:port:entry:x, example.com", "example.com", 80, True),  # junk entries are skipped
    ("example.com:notaport", "example.com", 80, False),
    (",,  ,", "example.com", 80, False),
]


@pytest.mark.parametrize(("no_proxy", "host", "port", "bypass"), BYPASS_CASES)
def test_proxy_bypass(no_proxy: str, host: str, port: int, bypass: bool) -> None:
    assert proxy_bypass(host, port, no_proxy) is bypass


@pytest.mark.parametrize(
    ("no_proxy", "host"),
    [
        ("example.com", "example.com"),
        ("example.com", "www.example.com"),
        (".example.com", "www.example.com"),
        ("*", "x.y"),
        ("other.org,example.com", "example.com"),
        ("example.com", "notexample.org"),
    ],
)
def test_agrees_with_urllib_on_plain_domains(
    monkeypatch: pytest.MonkeyPatch, no_proxy: str, host: str
) -> None:
    monkeypatch.setenv("no_proxy", no_proxy)
    assert proxy_bypass(host) == bool(urllib.request.proxy_bypass_environment(host))


def test_no_proxy_from_env_lowercase_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "upper.test")
    monkeypatch.setenv("no_proxy", "lower.test")
    assert proxy_bypass("lower.test")
    assert not proxy_bypass("upper.test")


# ---- get_env_proxy_for_url ----


def test_get_env_proxy_for_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://u:p@hp:1")
    monkeypatch.setenv("HTTPS_PROXY", "http://sp:2")
    assert get_env_proxy_for_url(URL("http://a.test/x")) == (
        URL("http://hp:1"),
        BasicAuth("u", "p"),
    )
    assert get_env_proxy_for_url(URL("https://a.test/x")) == (URL("http://sp:2"), None)
    with pytest.raises(LookupError, match="No proxies"):
        get_env_proxy_for_url(URL("ws://a.test/x"))


def test_get_env_proxy_for_url_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://hp:1")
    monkeypatch.setenv("NO_PROXY", "internal.test,a.test:8080")
    with pytest.raises(LookupError, match="disallowed"):
        get_env_proxy_for_url(URL("http://svc.internal.test/"))
    with pytest.raises(LookupError, match="disallowed"):
        get_env_proxy_for_url(URL("http://a.test:8080/"))
    # a.test on the default port is not excluded: the URL's default port takes part
    assert get_env_proxy_for_url(URL("http://a.test/"))[0] == URL("http://hp:1")


def test_get_env_proxy_default_port_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://sp:1")
    monkeypatch.setenv("NO_PROXY", "a.test:443")
    with pytest.raises(LookupError):
        get_env_proxy_for_url(URL("https://a.test/"))


def test_env_proxy_for_takes_credentials_out_of_the_proxy_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://u:p@hp:1")
    monkeypatch.setenv("NO_PROXY", "skip.test")
    assert env_proxy_for(URL("http://a.test/"), None) == (URL("http://hp:1"), BasicAuth("u", "p"))
    # an explicit proxy_auth wins over the URL's; a bypassed host goes direct, auth untouched
    explicit = BasicAuth("e", "x")
    assert env_proxy_for(URL("http://a.test/"), explicit) == (URL("http://hp:1"), explicit)
    assert env_proxy_for(URL("http://skip.test/"), explicit) == (None, explicit)


def test_netrc_auth_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_netrc(tmp_path, monkeypatch, "machine a login la password pa\n")
    assert netrc_auth_for("a") == BasicAuth("la", "pa")
    assert netrc_auth_for("other") is None


# ---- properties ----

_label = st.text("abcxyz019-", min_size=1, max_size=6).filter(
    lambda label: not label.startswith("-") and not label.endswith("-")
)
_domain = st.lists(_label, min_size=1, max_size=4).map(".".join)


@example(no_proxy=":\u00b9", host="", port=0)  # a superscript digit once crashed int()
@example(no_proxy="[::1]:\u0663", host="::1", port=80)
@given(no_proxy=st.text(max_size=80), host=st.text(max_size=40), port=st.integers(0, 65535))
def test_proxy_bypass_never_raises(no_proxy: str, host: str, port: int) -> None:
    assert proxy_bypass(host, port, no_proxy) in (True, False)


@given(entries=st.lists(_domain, max_size=4), host=_domain, dot=st.booleans())
def test_domain_entries_agree_with_urllib(entries: list[str], host: str, dot: bool) -> None:
    no_proxy = ",".join(("." if dot else "") + e for e in entries)
    ours = proxy_bypass(host, 80, no_proxy)
    theirs = bool(urllib.request.proxy_bypass_environment(host, {"no": no_proxy}))
    assert ours == theirs
