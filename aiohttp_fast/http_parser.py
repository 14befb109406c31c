"""Response parser selector: the llhttp twin when it is built, else the pure-Python one.

``IMPL`` says which was picked ("c" or "py"); ``AIOHTTP_FAST_NO_EXTENSIONS=1`` forces "py".
"""

from __future__ import annotations

import importlib.machinery
from types import ModuleType

from ._compat import NO_EXTENSIONS
from ._parser_py import ResponseParser as ResponseParserPy

__all__ = ("IMPL", "ResponseParser", "ResponseParserPy")


def _is_compiled(module: ModuleType) -> bool:
    # only a shared library is the accelerated twin (a stray .py of the same name is not)
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


IMPL = "py"
ResponseParser: type = ResponseParserPy
if not NO_EXTENSIONS:
    try:
        from . import _parser_c
    except ImportError:  # not built (no compiler, or a pure-Python install)
        pass
    else:
        if _is_compiled(_parser_c):
            ResponseParser = _parser_c.ResponseParser
            IMPL = "c"
