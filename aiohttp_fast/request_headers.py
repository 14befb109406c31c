"""Header values a session builds per request: the Cookie header and merged defaults (L1)."""

from __future__ import annotations

from http.cookies import BaseCookie, Morsel
from typing import Any

from multidict import CIMultiDict

__all__ = ("cookie_header", "merge_headers")


def cookie_header(cookies: BaseCookie[str] | None, extra: Any) -> str | None:
    """The ``Cookie`` header value from the jar's cookies and per-request ``cookies=``.

    A per-request cookie replaces a jar cookie of the same name (aiohttp's behaviour): the server
    must see one value per name, the one the caller asked for.
    """
    pairs: dict[str, str] = {}
    if cookies:
        for morsel in cookies.values():
            pairs[morsel.key] = morsel.coded_value
    if extra:
        items = extra.items() if hasattr(extra, "items") else extra
        for name, value in items:
            if isinstance(value, Morsel):
                pairs.pop(value.key, None)
                pairs[value.key] = value.coded_value
            else:
                text = str(value)
                pairs.pop(name, None)
                pairs[name] = BaseCookie().value_encode(text)[1]
    return "; ".join(f"{k}={v}" for k, v in pairs.items()) if pairs else None


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
