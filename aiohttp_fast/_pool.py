"""Connection-pool bookkeeping: picks the compiled twin when it is built (``IMPL`` says which).

The reference is ``_pool_py.py``; ``_pool_c`` is the same source compiled by Cython.
"""

from __future__ import annotations

from ._compat import compiled_twin
from ._pool_py import Pool as PoolPy

__all__ = ("IMPL", "Pool", "PoolPy")


_pool_c = compiled_twin("_pool_c")
IMPL = "c" if _pool_c is not None else "py"
Pool = _pool_c.Pool if _pool_c is not None else PoolPy
