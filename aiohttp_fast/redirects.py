"""Redirect policy as pure functions: which method, which URL, which headers survive a hop.

No I/O here: the session asks these functions what the next request looks like and does the
sending itself, so each rule is testable with plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from multidict import CIMultiDict
from yarl import URL

from . import hdrs
from .client_exceptions import InvalidUrlRedirectClientError, NonHttpUrlRedirectClientError

__all__ = (
    "REDIRECT_STATUSES",
    "CREDENTIAL_HEADERS",
    "BODY_HEADERS",
    "RedirectStep",
    "is_redirect",
    "redirect_method",
    "resolve_location",
    "same_origin",
    "drops_credentials",
    "redirect_headers",
    "next_request",
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Sent only to the origin the user addressed them to; dropped when a redirect leaves it.
CREDENTIAL_HEADERS: tuple[str, ...] = (
    hdrs.AUTHORIZATION,
    hdrs.COOKIE,
    hdrs.PROXY_AUTHORIZATION,
)

# Describe a body; dropped when a redirect turns the request into a body-less GET.
BODY_HEADERS: tuple[str, ...] = (
    hdrs.CONTENT_LENGTH,
    hdrs.CONTENT_TYPE,
    hdrs.CONTENT_ENCODING,
    hdrs.TRANSFER_ENCODING,
)

_HTTP_SCHEMES = frozenset({"http", "https"})


class RedirectStep(NamedTuple):
    """What the next hop of a redirect chain sends."""

    method: str
    url: URL
    keep_body: bool
    drop_credentials: bool


def is_redirect(status: int, location: str | None) -> bool:
    """True when a response with this status and Location header is to be followed."""
    return status in REDIRECT_STATUSES and bool(location)


def redirect_method(status: int, method: str) -> tuple[str, bool]:
    """``(method, keep_body)`` for the next hop, by RFC 9110 and browsers' practice.

    303 turns every method but HEAD into GET; 301/302 turn POST into GET (what every browser
    and aiohttp do); 307/308 keep both method and body.
    """
    if status == 303:
        if method == hdrs.METH_HEAD:
            return method, False
        return hdrs.METH_GET, False
    if status in (301, 302):
        if method == hdrs.METH_POST:
            return hdrs.METH_GET, False
        return method, True
    return method, True


def _has_no_authority(location: str, scheme: str) -> bool:
    """No "//" (or a backslash, as browsers read it) right after ``scheme:``."""
    rest = location.strip(" \t\r\n\x00")[len(scheme) + 1 : len(scheme) + 3]
    return rest[:1] not in ("/", "\\") or rest[1:] not in ("/", "\\")


def resolve_location(current: URL, location: str, *, requote: bool = True) -> URL:
    """The absolute URL a Location header points to (fragment dropped).

    Raises InvalidUrlRedirectClientError for an unparsable Location and
    NonHttpUrlRedirectClientError for a scheme other than http(s).
    """
    try:
        target = URL(location, encoded=not requote)
    except ValueError as exc:
        raise InvalidUrlRedirectClientError(location, "Server attempted redirecting to a "
                                            "location that does not look like a URL") from exc
    scheme = target.scheme
    if scheme and scheme not in _HTTP_SCHEMES:
        raise NonHttpUrlRedirectClientError(location)
    if not scheme or (scheme == current.scheme and _has_no_authority(location, scheme)):
        # relative, scheme-relative ("//host/path"), or the current scheme without "//"
        # ("http:/ok", "http:ok": browsers and aiohttp read it as relative)
        try:
            target = current.join(target)
        except ValueError as exc:
            raise InvalidUrlRedirectClientError(location) from exc
    if not target.host:
        raise InvalidUrlRedirectClientError(location, "Server attempted redirecting to a "
                                            "location that does not look like a URL")
    if target.fragment:
        target = target.with_fragment(None)
    return target


def same_origin(a: URL, b: URL) -> bool:
    """Scheme, host and port all equal (default ports made explicit)."""
    return a.scheme == b.scheme and a.host == b.host and a.port == b.port


def drops_credentials(old: URL, new: URL) -> bool:
    """True when credentials for ``old`` must not follow the redirect to ``new``.

    Leaving the origin drops them; so does any https → http hop, even to the same host, since
    the credentials would then cross the network in clear text.
    """
    if old.scheme == "https" and new.scheme != "https":
        return True
    return not same_origin(old, new)


def redirect_headers(
    headers: CIMultiDict[str],
    *,
    drop_credentials: bool,
    keep_body: bool,
    extra_drop: Iterable[str] = (),
) -> CIMultiDict[str]:
    """A copy of the user's request headers fit for the next hop (every instance removed)."""
    out = CIMultiDict(headers)
    if drop_credentials:
        for name in CREDENTIAL_HEADERS:
            out.popall(name, None)
    if not keep_body:
        for name in BODY_HEADERS:
            out.popall(name, None)
    for name in extra_drop:
        out.popall(name, None)
    # the next hop gets its own Host
    out.popall(hdrs.HOST, None)
    return out


def next_request(
    status: int, method: str, url: URL, location: str, *, requote: bool = True
) -> RedirectStep:
    """Everything about the next hop that follows from the response alone."""
    new_url = resolve_location(url, location, requote=requote)
    new_method, keep_body = redirect_method(status, method)
    return RedirectStep(new_method, new_url, keep_body, drops_credentials(url, new_url))
