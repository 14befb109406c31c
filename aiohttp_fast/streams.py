"""Response body streams: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_streams_py.py``; ``_streams_c`` is the same source compiled by Cython with
``StreamReader`` as an extension type (``_streams_c.pxd``). Every name comes from one twin, so
``EofStream`` and ``EMPTY_PAYLOAD`` always match the ``StreamReader`` in use.
"""

from __future__ import annotations

from . import _streams_py
from ._compat import compiled_twin

__all__ = ("IMPL", "StreamReader", "EmptyStreamReader", "EMPTY_PAYLOAD", "EofStream")

_impl = compiled_twin("_streams_c") or _streams_py
IMPL = "c" if _impl is not _streams_py else "py"

StreamReader = _impl.StreamReader
EmptyStreamReader = _impl.EmptyStreamReader
EMPTY_PAYLOAD = _impl.EMPTY_PAYLOAD
EofStream = _impl.EofStream
