"""Proxies and credentials from the environment (``trust_env=True``): ``*_PROXY``, netrc.

Pure policy over ``os.environ`` and one file read (netrc); no sockets, no asyncio. The session
calls :func:`env_proxy_for` for each request made with ``trust_env=True`` and no explicit
``proxy=``, and :func:`netrc_auth_for` for the target host's credentials.

Compared with aiohttp (which delegates to ``urllib.request.getproxies``/``proxy_bypass``),
``NO_PROXY`` here also understands CIDR blocks, bracketed IPv6 literals with ports and ``*.``
prefixes on every platform, and proxy URLs written without a scheme (``proxy:3128``) are taken
as ``http://``, like curl and requests do.
"""

from __future__ import annotations

import ipaddress
import logging
import netrc
import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from yarl import URL

from .auth import BasicAuth

__all__ = (
    "ProxyInfo",
    "basicauth_from_netrc",
    "env_proxy_for",
    "get_env_proxy_for_url",
    "netrc_auth_for",
    "netrc_from_env",
    "proxies_from_env",
    "proxy_bypass",
    "split_proxy_auth",
)

client_logger = logging.getLogger("aiohttp_fast.client")

# The URL schemes a proxy can be configured for; ws/wss follow aiohttp (WS_PROXY, WSS_PROXY).
PROXIED_SCHEMES = frozenset({"http", "https", "ws", "wss"})


class ProxyInfo(NamedTuple):
    """One configured proxy: its URL (credentials stripped) and the credentials to present."""

    proxy: URL
    proxy_auth: BasicAuth | None


def _env_lookup(environ: Mapping[str, str], suffix: str) -> dict[str, str]:
    """Variables named ``<key><suffix>`` in any case, keyed by lowercased ``<key>``.

    Like urllib's ``getproxies_environment``: an all-lowercase variable wins over any other
    spelling, even when it is empty (an empty ``http_proxy`` switches the proxy off).
    """
    found: dict[str, str] = {}
    lower_seen: set[str] = set()
    suffix_len = len(suffix)
    # CGI puts the client's "Proxy:" request header into HTTP_PROXY ("httpoxy"): never trust the
    # uppercase spelling inside a CGI request, as urllib does.
    in_cgi = "REQUEST_METHOD" in environ
    for name, value in environ.items():
        if len(name) <= suffix_len or name[-suffix_len:].lower() != suffix:
            continue
        key = name[:-suffix_len].lower()
        is_lower = name == name.lower()
        if in_cgi and name == "HTTP_PROXY":
            continue
        if is_lower:
            lower_seen.add(key)
            found[key] = value.strip()
        elif key not in lower_seen:
            found[key] = value.strip()
    return {k: v for k, v in found.items() if v}


def split_proxy_auth(proxy: URL, proxy_auth: BasicAuth | None = None) -> ProxyInfo:
    """Move credentials written in a proxy URL out of it.

    An explicit ``proxy_auth`` wins over ``user:pass@`` in the URL (as in aiohttp); the returned
    URL never carries credentials, so they can't leak into logs, pool keys or request lines.
    """
    if proxy.raw_user is None and proxy.raw_password is None:
        return ProxyInfo(proxy, proxy_auth)
    if proxy_auth is None:
        proxy_auth = BasicAuth(proxy.user or "", proxy.password or "")
    return ProxyInfo(proxy.with_user(None), proxy_auth)


def netrc_from_env() -> netrc.netrc | None:
    """The user's netrc: the file named by ``$NETRC``, else ``~/.netrc`` (``~/_netrc`` on Windows).

    None when there is none or it can't be parsed; a file the user asked for (``$NETRC``) or
    that exists but can't be read or parsed is logged as a warning, a missing default is not.
    """
    env_path = os.environ.get("NETRC")
    if env_path is not None:
        path = Path(env_path).expanduser()
    else:
        try:
            home = Path.home()
        except RuntimeError:  # no HOME and no passwd entry
            return None
        path = home / ("_netrc" if os.name == "nt" else ".netrc")
    try:
        return netrc.netrc(str(path))
    except netrc.NetrcParseError as exc:
        client_logger.warning("Could not parse .netrc file: %s", exc)
    except OSError as exc:
        if env_path is not None or path.is_file():
            client_logger.warning("Could not read .netrc file: %s", exc)
    return None


def basicauth_from_netrc(netrc_obj: netrc.netrc | None, host: str) -> BasicAuth:
    """Credentials for ``host`` from a parsed netrc (its ``default`` entry applies too).

    Raises LookupError when there is no netrc or no entry for the host.
    """
    if netrc_obj is None:
        raise LookupError("No .netrc file found")
    entry = netrc_obj.authenticators(host)
    if entry is None:
        raise LookupError(f"No entry for {host!s} found in the .netrc file")
    login, account, password = entry
    # Python < 3.11 gives None for a missing account/password; "login" may be absent and
    # "account" given instead, which curl and requests also accept as the user name.
    return BasicAuth(login or account or "", password or "")


def proxies_from_env() -> dict[str, ProxyInfo]:
    """``{scheme: ProxyInfo}`` from ``HTTP_PROXY``, ``HTTPS_PROXY``, ``WS_PROXY``, ``WSS_PROXY``.

    Variable names are matched in any case, lowercase winning. Credentials in a proxy URL are
    used; otherwise the netrc entry for the proxy host, if any. Proxies that would need TLS to
    the proxy itself (``https://``) or another protocol (``socks5://``) are not supported:
    they are logged and skipped, so the request goes direct.
    """
    configured = _env_lookup(os.environ, "_proxy")
    proxies: dict[str, ProxyInfo] = {}
    netrc_obj: netrc.netrc | None = None
    netrc_loaded = False
    for scheme, value in configured.items():
        if scheme not in PROXIED_SCHEMES:
            continue
        if "://" not in value:
            value = "http://" + value
        try:
            url = URL(value)
        except ValueError:
            client_logger.warning("Ignoring invalid %s_proxy URL %r", scheme, value)
            continue
        if url.scheme != "http" or not url.host:
            client_logger.warning(
                "%s proxies %s are not supported, ignoring", url.scheme.upper(), url
            )
            continue
        try:
            proxy, auth = split_proxy_auth(url)
        except ValueError as exc:  # e.g. a ":" in the user name: Basic can't carry it
            client_logger.warning("Ignoring %s_proxy with unusable credentials: %s", scheme, exc)
            continue
        if auth is None:
            if not netrc_loaded:  # read the file once, and only when some proxy needs it
                netrc_obj = netrc_from_env()
                netrc_loaded = True
            if netrc_obj is not None:
                try:
                    auth = basicauth_from_netrc(netrc_obj, proxy.host or "")
                except LookupError:
                    auth = None
                except ValueError as exc:
                    client_logger.warning("Ignoring .netrc entry for %s: %s", proxy.host, exc)
                    auth = None
        proxies[scheme] = ProxyInfo(proxy, auth)
    return proxies


class _NoProxyEntry(NamedTuple):
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None
    domain: str  # lowercased, without leading "." / "*."; "" when ``network`` is set
    port: int | None


def _is_port(text: str) -> bool:
    # str.isdigit() also accepts "¹" or "٣", which int() then refuses or misreads
    return text.isascii() and text.isdigit()


def _parse_no_proxy_entry(entry: str) -> _NoProxyEntry | None:
    host, port = entry, None
    if entry.startswith("["):  # "[::1]" or "[::1]:8080" (or "[fd00::]/8")
        end = entry.find("]")
        if end < 0:
            return None
        host, rest = entry[1:end], entry[end + 1 :]
        if rest.startswith("/"):
            host += rest
        elif rest.startswith(":") and _is_port(rest[1:]):
            port = int(rest[1:])
        elif rest:
            return None
    elif entry.count(":") == 1:  # "host:port"; more colons is a bare IPv6 literal
        name, _, port_text = entry.partition(":")
        if not _is_port(port_text):
            return None
        host, port = name, int(port_text)
    try:
        return _NoProxyEntry(ipaddress.ip_network(host, strict=False), "", port)
    except ValueError:
        pass
    domain = host.removeprefix("*").lstrip(".").rstrip(".")
    if not domain:
        return None
    return _NoProxyEntry(None, domain, port)


def proxy_bypass(host: str, port: int | None = None, no_proxy: str | None = None) -> bool:
    """Whether ``NO_PROXY`` (or the given ``no_proxy`` value) says to reach ``host`` directly.

    Entries are comma- or space-separated: ``*`` (everything), a domain (``example.com`` and
    ``.example.com`` both match the domain and its subdomains), an IP address or CIDR block
    (``10.0.0.0/8``, ``::1``), each optionally with ``:port`` (``[::1]:8080`` for IPv6).
    """
    if no_proxy is None:
        no_proxy = _env_lookup(os.environ, "_proxy").get("no", "")
    if not no_proxy:
        return False
    host = host.lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(
            host.partition("%")[0]  # an IPv6 zone id is not part of the address
        )
    except ValueError:
        address = None
    for raw in no_proxy.replace(",", " ").split():
        if raw == "*":
            return True
        entry = _parse_no_proxy_entry(raw.lower())
        if entry is None:
            continue
        if entry.port is not None and entry.port != port:
            continue
        if entry.network is not None:
            if address is not None and address in entry.network:
                return True
        elif host == entry.domain or host.endswith("." + entry.domain):
            return True
    return False


def get_env_proxy_for_url(url: URL) -> tuple[URL, BasicAuth | None]:
    """The proxy (and its credentials) the environment sets for ``url``.

    Raises LookupError when ``NO_PROXY`` matches the URL's host (and port), or when no proxy
    is configured for its scheme.
    """
    if url.host is not None and proxy_bypass(url.host, url.port):
        raise LookupError(f"Proxying is disallowed for {url.host!r}")
    try:
        info = proxies_from_env()[url.scheme]
    except KeyError:
        raise LookupError(f"No proxies found for {url!s} in the env") from None
    return info.proxy, info.proxy_auth


def env_proxy_for(url: URL, proxy_auth: BasicAuth | None) -> tuple[URL | None, BasicAuth | None]:
    """What a ``trust_env`` session sends ``url`` through: the proxy ``*_PROXY``/``NO_PROXY``
    choose (None for none), credentials taken out of its URL, and the auth to send it
    (``proxy_auth`` when given, else the environment's or the URL's)."""
    try:
        proxy_url, env_auth = get_env_proxy_for_url(url)
    except LookupError:
        return None, proxy_auth
    if proxy_auth is None:
        proxy_auth = env_auth
    if proxy_auth is None and proxy_url.user:
        proxy_auth = BasicAuth(proxy_url.user, proxy_url.password or "")
    if proxy_url.user:
        proxy_url = proxy_url.with_user(None)
    return proxy_url, proxy_auth


def netrc_auth_for(host: str) -> BasicAuth | None:
    """The ``~/.netrc`` (or ``$NETRC``) credentials for ``host``, None when it has none."""
    try:
        return basicauth_from_netrc(netrc_from_env(), host)
    except LookupError:
        return None
