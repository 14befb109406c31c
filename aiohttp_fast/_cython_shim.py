"""The part of the ``cython`` module the shared sources use, for a machine without Cython.

Each ``_X_py.py`` is also compiled by Cython as the ``_X_c`` twin, where ``import cython`` is
the compiler's own and ``@cython.locals`` types a function's locals. Run as plain Python
(the pure-Python twin) the decorators change nothing; this module stands in when Cython is not
installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


def locals(**_types: Any) -> Callable[[_F], _F]:  # noqa: A001 - the name Cython gives it
    """``@cython.locals(name=type, ...)``: the function itself, unchanged."""

    def unchanged(func: _F) -> _F:
        return func

    return unchanged
