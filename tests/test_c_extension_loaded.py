"""CI must never quietly test only the pure-Python twins: every selector's IMPL must be "c",
unless ``AIOHTTP_FAST_NO_EXTENSIONS=1`` asks for pure Python (then it must be "py")."""

from __future__ import annotations

import importlib

import pytest

from aiohttp_fast import http_parser
from aiohttp_fast._compat import NO_EXTENSIONS

# selector module -> the compiled twin it picks
SELECTORS = {
    "http_parser": "_parser_c",
    "http_writer": "_writer_c",
    "cookie_helpers": "_cookie_c",
    "_pool": "_pool_c",
    "connector": "_connector_c",
    "streams": "_streams_c",
    "protocol": "_protocol_c",
    "client_response": "_client_response_c",
    "client_request": "_client_request_c",
    "client": "_client_c",
    "request_context": "_request_context_c",
}


@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_selector_impl_matches_the_build_switch(selector: str) -> None:
    module = importlib.import_module(f"aiohttp_fast.{selector}")
    if NO_EXTENSIONS:
        assert module.IMPL == "py"
    else:
        assert module.IMPL == "c", (
            f"{SELECTORS[selector]} is not built: run `python setup.py build_ext --inplace`, "
            "or set AIOHTTP_FAST_NO_EXTENSIONS=1 to test the pure-Python build on purpose"
        )


def test_parser_class_comes_from_the_selected_twin() -> None:
    if NO_EXTENSIONS:
        assert http_parser.ResponseParser is http_parser.ResponseParserPy
    else:
        assert http_parser.ResponseParser.__module__ == "aiohttp_fast._parser_c"


def test_streams_names_come_from_one_twin() -> None:
    from aiohttp_fast import streams

    twin = "aiohttp_fast._streams_py" if NO_EXTENSIONS else "aiohttp_fast._streams_c"
    for name in ("StreamReader", "EmptyStreamReader", "EofStream"):
        assert getattr(streams, name).__module__ == twin, name
    assert isinstance(streams.EMPTY_PAYLOAD, streams.EmptyStreamReader)
