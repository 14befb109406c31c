"""Connectors: pick the compiled twin when it is built (``IMPL`` says which).

The reference is ``_connector_py.py``; ``_connector_c`` is the same source compiled by Cython
with ``Connection`` and ``BaseConnector`` as extension types (``_connector_c.pxd``).
"""

from __future__ import annotations

from . import _connector_py
from ._compat import compiled_twin

__all__ = ("IMPL", "BaseConnector", "Connection", "TCPConnector", "UnixConnector")

_impl = compiled_twin("_connector_c") or _connector_py
IMPL = "c" if _impl is not _connector_py else "py"

BaseConnector = _impl.BaseConnector
Connection = _impl.Connection
TCPConnector = _impl.TCPConnector
UnixConnector = _impl.UnixConnector
