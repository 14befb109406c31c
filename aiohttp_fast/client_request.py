"""ClientRequest: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_client_request_py.py``; ``_client_request_c`` is the same source compiled
by Cython with ``ClientRequest`` as an extension type (``_client_request_c.pxd``).
"""

from __future__ import annotations

from . import _client_request_py
from ._compat import compiled_twin

__all__ = ("IMPL", "ClientRequest", "USER_AGENT", "DEFAULT_ACCEPT", "merge_params")

_impl = compiled_twin("_client_request_c") or _client_request_py
IMPL = "c" if _impl is not _client_request_py else "py"

ClientRequest = _impl.ClientRequest
USER_AGENT = _impl.USER_AGENT
DEFAULT_ACCEPT = _impl.DEFAULT_ACCEPT
merge_params = _impl.merge_params
