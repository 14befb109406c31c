"""request_compression alone: which ``compress=`` values and header combinations are refused,
and that what it writes decodes back (the wire behaviour is in test_client_request.py)."""

from __future__ import annotations

import gzip
import zlib

import pytest
from multidict import CIMultiDict

from aiohttp_fast.request_compression import checked_encoding, compressed, encoding_of


@pytest.mark.parametrize(("compress", "encoding"), [(True, "deflate"), ("gzip", "gzip"),
                                                    ("deflate", "deflate")])
def test_encoding_of(compress, encoding) -> None:
    assert encoding_of(compress) == encoding


def test_encoding_of_refuses_other_codings() -> None:
    with pytest.raises(ValueError, match="only deflate and gzip"):
        encoding_of("br")


@pytest.mark.parametrize(("header", "value", "message"), [
    ("Content-Encoding", "br", "Content-Encoding header is set"),
    ("Transfer-Encoding", "gzip, Chunked", "Transfer-Encoding: chunked"),
    ("Content-Length", "3", "Content-Length header is set"),
])
def test_checked_encoding_refuses_headers_it_would_contradict(header, value, message) -> None:
    with pytest.raises(ValueError, match=message):
        checked_encoding(True, CIMultiDict({header: value}))


def test_checked_encoding_allows_other_headers() -> None:
    assert checked_encoding("gzip", CIMultiDict({"Content-Type": "text/plain"})) == "gzip"


def test_compressed_decodes_back() -> None:
    body = b"abc" * 1000
    assert gzip.decompress(compressed(body, "gzip")) == body
    assert zlib.decompress(compressed(body, "deflate")) == body  # zlib-wrapped, not raw
