"""ResponseHandler: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_protocol_py.py``; ``_protocol_c`` is the same source compiled by Cython
with the handler's state as an extension type (``_protocol_c.pxd``).
"""

from __future__ import annotations

from . import _protocol_py
from ._compat import compiled_twin

__all__ = ("IMPL", "ResponseHandler", "READ_BUFFER_SIZE", "NESTED_READ_SIZE")

_impl = compiled_twin("_protocol_c") or _protocol_py
IMPL = "c" if _impl is not _protocol_py else "py"

ResponseHandler = _impl.ResponseHandler
READ_BUFFER_SIZE: int = _impl.READ_BUFFER_SIZE
NESTED_READ_SIZE: int = _impl.NESTED_READ_SIZE
