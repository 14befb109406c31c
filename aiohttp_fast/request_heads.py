"""Request heads from caches: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_request_heads_py.py``; ``_request_heads_c`` is the same source compiled by
Cython (``_request_heads_c.pxd``).
"""

from __future__ import annotations

from . import _request_heads_py
from ._compat import compiled_twin

__all__ = ("IMPL", "BODYLESS_DEFAULT", "CACHED_HEADERS_MAX", "POST_METHODS", "cached_head")

_impl = compiled_twin("_request_heads_c") or _request_heads_py
IMPL = "c" if _impl is not _request_heads_py else "py"

BODYLESS_DEFAULT = _impl.BODYLESS_DEFAULT
CACHED_HEADERS_MAX = _impl.CACHED_HEADERS_MAX
POST_METHODS = _impl.POST_METHODS
cached_head = _impl.cached_head
