"""Request head serialization: picks the compiled twin when it is built (``IMPL`` says which)."""

from __future__ import annotations

from ._compat import compiled_twin
from ._writer_py import serialize_request_head as serialize_request_head_py

__all__ = ("IMPL", "serialize_request_head", "serialize_request_head_py")


_writer_c = compiled_twin("_writer_c")
IMPL = "c" if _writer_c is not None else "py"
serialize_request_head = (
    _writer_c.serialize_request_head if _writer_c is not None else serialize_request_head_py
)
