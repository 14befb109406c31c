"""Cookie wire helpers: picks the compiled twin of ``_cookie_py`` when built (``IMPL`` says which).

Both twins are the same source (``_cookie_c.py`` is a symlink compiled with ``_cookie_c.pxd``),
so they agree by construction; ``tests/test_cookie_helpers.py`` checks it anyway.
"""

from __future__ import annotations

import importlib.machinery
from types import ModuleType

from ._compat import NO_EXTENSIONS

__all__ = (
    "IMPL",
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
    "unquote_value",
)


def _is_compiled(module: ModuleType) -> bool:
    # _cookie_c.py is a symlink to the Python source, so "import _cookie_c" succeeds even when
    # nothing was built; only a shared-library file is the accelerated twin.
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


# The reference functions first: their signatures are what type checkers see.
from ._cookie_py import (  # noqa: E402
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
            build_cookie_header = _cookie_c.build_cookie_header
            default_path = _cookie_c.default_path
            domain_match = _cookie_c.domain_match
            is_ip_address = _cookie_c.is_ip_address
            make_morsel = _cookie_c.make_morsel
            parse_cookie_date = _cookie_c.parse_cookie_date
            parse_max_age = _cookie_c.parse_max_age
            parse_set_cookie = _cookie_c.parse_set_cookie
            parse_set_cookie_headers = _cookie_c.parse_set_cookie_headers
            path_match = _cookie_c.path_match
            quote_value = _cookie_c.quote_value
            unquote_value = _cookie_c.unquote_value
