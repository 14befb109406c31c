"""Cookie wire helpers: picks the compiled twin of ``_cookie_py`` when built (``IMPL`` says which).

Both twins are the same source (``_cookie_c.py`` is a symlink compiled with ``_cookie_c.pxd``),
so they agree by construction; ``tests/test_cookie_helpers.py`` checks it anyway.
"""

from __future__ import annotations

from typing import Any

from ._compat import compiled_twin

__all__ = (
    "IMPL",
    "MAX_COOKIES_PER_REQUEST",
    "MAX_COOKIES_PER_RESPONSE",
    "MAX_COOKIE_HEADER_LENGTH",
    "MAX_TIMESTAMP",
    "StoredCookie",
    "build_cookie_header",
    "default_path",
    "domain_match",
    "is_ip_address",
    "make_morsel",
    "parse_cookie_date",
    "parse_max_age",
    "parse_set_cookie",
    "parse_set_cookie_headers",
    "path_match",
    "quote_value",
    "select_cookies",
    "send_morsel",
    "stamp_access",
    "unquote_value",
)



# The reference functions first: their signatures are what type checkers see.
from ._cookie_py import (  # noqa: E402
    MAX_COOKIE_HEADER_LENGTH,
    MAX_COOKIES_PER_REQUEST,
    MAX_COOKIES_PER_RESPONSE,
    MAX_TIMESTAMP,
    StoredCookie,
    build_cookie_header,
    default_path,
    domain_match,
    is_ip_address,
    make_morsel,
    parse_cookie_date,
    parse_max_age,
    parse_set_cookie,
    parse_set_cookie_headers,
    path_match,
    quote_value,
    select_cookies,
    send_morsel,
    stamp_access,
    unquote_value,
)

IMPL = "py"
_cookie_c = compiled_twin("_cookie_c")
if _cookie_c is not None:
    IMPL = "c"
    # Any: type checkers read the symlinked source as a module of its own
    _c: Any = _cookie_c
    build_cookie_header = _c.build_cookie_header
    default_path = _c.default_path
    domain_match = _c.domain_match
    is_ip_address = _c.is_ip_address
    make_morsel = _c.make_morsel
    parse_cookie_date = _c.parse_cookie_date
    parse_max_age = _c.parse_max_age
    parse_set_cookie = _c.parse_set_cookie
    parse_set_cookie_headers = _c.parse_set_cookie_headers
    path_match = _c.path_match
    quote_value = _c.quote_value
    # StoredCookie and select_cookies must come from the same twin: the compiled
    # select_cookies only accepts the compiled StoredCookie.
    StoredCookie = _c.StoredCookie  # type: ignore[misc]
    select_cookies = _c.select_cookies
    send_morsel = _c.send_morsel
    stamp_access = _c.stamp_access
    unquote_value = _c.unquote_value
