"""CI must never quietly test only the pure-Python twins: the parser IMPL must be "c",
unless ``AIOHTTP_FAST_NO_EXTENSIONS=1`` asks for pure Python (then it must be "py")."""

from __future__ import annotations

from aiohttp_fast import http_parser
from aiohttp_fast._compat import NO_EXTENSIONS


def test_parser_impl_matches_the_build_switch() -> None:
    if NO_EXTENSIONS:
        assert http_parser.IMPL == "py"
        assert http_parser.ResponseParser is http_parser.ResponseParserPy
    else:
        assert http_parser.IMPL == "c", (
            "the llhttp parser is not built: run `python setup.py build_ext --inplace`, "
            "or set AIOHTTP_FAST_NO_EXTENSIONS=1 to test the pure-Python build on purpose"
        )
        assert http_parser.ResponseParser.__module__ == "aiohttp_fast._parser_c"
