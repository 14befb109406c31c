"""ClientSession: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_client_py.py``; ``_client_c`` is the same source compiled by Cython with
``ClientSession`` as an extension type (``_client_c.pxd``).
"""

from __future__ import annotations

from . import _client_py
from ._compat import compiled_twin
from .client_middlewares import ClientHandlerType, ClientMiddlewareType
from .upload_tracker import UploadTracker

__all__ = ("IMPL", "ClientSession", "request", "ClientMiddlewareType", "ClientHandlerType",
           "UploadTracker")

_impl = compiled_twin("_client_c") or _client_py
IMPL = "c" if _impl is not _client_py else "py"

ClientSession = _impl.ClientSession
request = _impl.request
