"""What ``session.get()`` returns: picks the compiled twin when it is built (``IMPL``).

The reference is ``_request_context_py.py``; ``_request_context_c`` is the same source compiled
by Cython with the context managers as extension types (``_request_context_c.pxd``).
"""

from __future__ import annotations

from . import _request_context_py
from ._compat import compiled_twin

__all__ = ("IMPL", "RequestContextManager", "SessionRequestContextManager")

_impl = compiled_twin("_request_context_c") or _request_context_py
IMPL = "c" if _impl is not _request_context_py else "py"

RequestContextManager = _impl.RequestContextManager
SessionRequestContextManager = _impl.SessionRequestContextManager
