"""Response parser selector: the llhttp twin when it is built, else the pure-Python one.

``IMPL`` says which was picked ("c" or "py"); ``AIOHTTP_FAST_NO_EXTENSIONS=1`` forces "py".
"""

from __future__ import annotations

from ._compat import compiled_twin
from ._parser_py import ResponseParser as ResponseParserPy

__all__ = ("IMPL", "ResponseParser", "ResponseParserPy")


_parser_c = compiled_twin("_parser_c")
IMPL = "c" if _parser_c is not None else "py"
ResponseParser: type = _parser_c.ResponseParser if _parser_c is not None else ResponseParserPy
