"""Cookie wire helpers: picks the compiled twin of ``_cookie_py`` when built (``IMPL`` says which).

Both twins are the same source (``_cookie_c.py`` is a symlink compiled with ``_cookie_c.pxd``),
so they agree by construction; ``tests/test_cookie_helpers.py`` checks it anyway.
"""

from __future__ import annotations

import importlib.machinery
from types import ModuleType

from . import _cookie_py
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


_impl: ModuleType = _cookie_py
IMPL = "py"
if not NO_EXTENSIONS:
    try:
        from . import _cookie_c
    except ImportError:  # pragma: no cover - build without a C compiler
        pass
    else:
        if _is_compiled(_cookie_c):
            _impl = _cookie_c
            IMPL = "c"

build_cookie_header = _impl.build_cookie_header
default_path = _impl.default_path
domain_match = _impl.domain_match
is_ip_address = _impl.is_ip_address
make_morsel = _impl.make_morsel
parse_cookie_date = _impl.parse_cookie_date
parse_max_age = _impl.parse_max_age
parse_set_cookie = _impl.parse_set_cookie
parse_set_cookie_headers = _impl.parse_set_cookie_headers
path_match = _impl.path_match
quote_value = _impl.quote_value
unquote_value = _impl.unquote_value
