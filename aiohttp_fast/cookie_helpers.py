"""Cookie wire helpers: picks the compiled twin of ``_cookie_py`` when built (``IMPL`` says which).

Both twins are the same source (``_cookie_c.py`` is a symlink compiled with ``_cookie_c.pxd``),
so they agree by construction; ``tests/test_cookie_helpers.py`` checks it anyway.
"""

from __future__ import annotations

import importlib.machinery
from types import ModuleType
from typing import Any

from ._compat import NO_EXTENSIONS

__all__ = (
    "IMPL",
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
    "unquote_value",
)


def _is_compiled(module: ModuleType) -> bool:
    # _cookie_c.py is a symlink to the Python source, so "import _cookie_c" succeeds even when
    # nothing was built; only a shared-library file is the accelerated twin.
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


# The reference functions first: their signatures are what type checkers see.
from ._cookie_py import (  # noqa: E402
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
    unquote_value,
)

IMPL = "py"
if not NO_EXTENSIONS:
    try:
        from . import _cookie_c
    except ImportError:  # pragma: no cover - build without a C compiler
        pass
    else:
        if _is_compiled(_cookie_c):
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
            unquote_value = _c.unquote_value
