"""Header values a session builds per request: the Cookie header and merged defaults (L1)."""

from __future__ import annotations

from http.cookies import BaseCookie, Morsel
from typing import Any

from multidict import CIMultiDict

__all__ = ("cookie_header", "merge_cookie_header", "merge_headers")


def cookie_header(cookies: BaseCookie[str] | None, extra: Any) -> str | None:
    """The ``Cookie`` header value from the jar's cookies and per-request ``cookies=``.

    A per-request cookie replaces a jar cookie of the same name (the server sees one value per
    name, the one the caller asked for), and the pairs go out sorted by name: aiohttp builds
    the header with ``SimpleCookie.output()``, which sorts.
    """
    pairs: dict[str, str] = {}
    if cookies:
        for morsel in cookies.values():
            pairs[morsel.key] = morsel.coded_value
    if extra:
        items = extra.items() if hasattr(extra, "items") else extra
        for name, value in items:
            if isinstance(value, Morsel):
                pairs[value.key] = value.coded_value
            else:
                pairs[name] = BaseCookie().value_encode(str(value))[1]
    return "; ".join(f"{k}={v}" for k, v in sorted(pairs.items())) if pairs else None


def merge_cookie_header(existing: str, cookies: str) -> str:
    """A Cookie header of the user's merged with the session's cookies (aiohttp's rule): one
    value per name, the session's (jar or ``cookies=``) winning, all sorted by name."""
    pairs: dict[str, str] = {}
    for header in (existing, cookies):
        for item in header.split(";"):
            name, eq, value = item.strip().partition("=")
            if eq and name:
                pairs[name] = value
    return "; ".join(f"{k}={v}" for k, v in sorted(pairs.items()))


def merge_headers(defaults: CIMultiDict[str], headers: Any) -> CIMultiDict[str]:
    """Session defaults overridden by the request's headers (all of a name replaced)."""
    if not defaults:
        # nothing to override: the request's headers, every repeated name kept, as below
        return CIMultiDict(headers)
    result = CIMultiDict(defaults)
    if headers:
        added: set[str] = set()
        items = headers.items() if hasattr(headers, "items") else headers
        for name, value in items:
            folded = name.lower()  # header names compare case-insensitively
            if folded in added:
                result.add(name, value)
            else:
                result[name] = value
                added.add(folded)
    return result
