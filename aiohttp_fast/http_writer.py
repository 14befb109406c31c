"""Request head serialization: picks the compiled twin when it is built (``IMPL`` says which)."""

from __future__ import annotations

import importlib.machinery
from types import ModuleType

from ._compat import NO_EXTENSIONS
from ._writer_py import serialize_request_head as serialize_request_head_py

__all__ = ("IMPL", "serialize_request_head", "serialize_request_head_py")


def _is_compiled(module: ModuleType) -> bool:
    # _writer_c.py is a symlink to the Python source, so "import _writer_c" succeeds even when
    # nothing was built; only a shared-library file is the accelerated twin.
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


IMPL = "py"
serialize_request_head = serialize_request_head_py
if not NO_EXTENSIONS:
    try:
        from . import _writer_c
    except ImportError:  # pragma: no cover - build without a C compiler
        pass
    else:
        if _is_compiled(_writer_c):
            serialize_request_head = _writer_c.serialize_request_head
            IMPL = "c"
