"""ClientResponse: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_client_response_py.py``; ``_client_response_c`` is the same source compiled
by Cython with ``ClientResponse`` as an extension type (``_client_response_c.pxd``).
"""

from __future__ import annotations

from . import _client_response_py
from ._compat import compiled_twin

__all__ = ("IMPL", "ClientResponse", "ContentDisposition", "parse_content_type")

_impl = compiled_twin("_client_response_c") or _client_response_py
IMPL = "c" if _impl is not _client_response_py else "py"

ClientResponse = _impl.ClientResponse
ContentDisposition = _impl.ContentDisposition
parse_content_type = _impl.parse_content_type
