"""Connection-pool bookkeeping: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_pool_py.py``; ``_pool_c`` is the same source compiled by Cython.
"""

from __future__ import annotations

import importlib.machinery
from types import ModuleType

from ._compat import NO_EXTENSIONS
from ._pool_py import Pool as PoolPy

__all__ = ("IMPL", "Pool", "PoolPy")


def _is_compiled(module: ModuleType) -> bool:
    # _pool_c.py is a symlink to the Python source, so importing it succeeds even when nothing
    # was built; only a shared-library file is the accelerated twin.
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


IMPL = "py"
Pool = PoolPy
if not NO_EXTENSIONS:
    try:
        from . import _pool_c
    except ImportError:  # pragma: no cover - build without a C compiler
        pass
    else:
        if _is_compiled(_pool_c):
            Pool = _pool_c.Pool  # type: ignore[assignment,misc]
            IMPL = "c"
