"""The per-loop read buffer: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_read_buffer_py.py``; ``_read_buffer_c`` is the same source compiled by
Cython with the buffer as an extension type (``_read_buffer_c.pxd``).
"""

from __future__ import annotations

from . import _read_buffer_py
from ._compat import compiled_twin

__all__ = ("IMPL", "READ_BUFFER_SIZE", "NESTED_READ_SIZE", "SharedReadBuffer",
           "shared_read_buffer")

_impl = compiled_twin("_read_buffer_c") or _read_buffer_py
IMPL = "c" if _impl is not _read_buffer_py else "py"

READ_BUFFER_SIZE: int = _impl.READ_BUFFER_SIZE
NESTED_READ_SIZE: int = _impl.NESTED_READ_SIZE
SharedReadBuffer = _impl.SharedReadBuffer
shared_read_buffer = _impl.shared_read_buffer
