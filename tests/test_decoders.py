"""Content-Encoding decoders fed real compressed data, in every split, bounded, and corrupt."""

from __future__ import annotations

import gzip
import os
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp_fast import decoders
from aiohttp_fast.decoders import ACCEPT_ENCODING, decoder_for
from aiohttp_fast.http_exceptions import ContentEncodingError

brotli = pytest.importorskip("brotli")
zstandard = pytest.importorskip("zstandard")

DATA = os.urandom(3000).hex().encode() * 4 + b"tail"  # part random, part repetitive


def _raw_deflate(data: bytes) -> bytes:
    comp = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return comp.compress(data) + comp.flush()


ENCODED = {
    "gzip": gzip.compress(DATA),
    "x-gzip": gzip.compress(DATA),
    "deflate": zlib.compress(DATA),
    "deflate-raw": _raw_deflate(DATA),
    "br": brotli.compress(DATA),
    "zstd": zstandard.ZstdCompressor().compress(DATA),
}


def _coding(name: str) -> str:
    return "deflate" if name == "deflate-raw" else name


def decode_all(coding: str, body: bytes, step: int, max_length: int = -1) -> bytes:
    decoder = decoder_for(coding)
    assert decoder is not None
    out = []
    for i in range(0, len(body), step):
        piece = decoder.decompress(body[i:i + step], max_length)
        assert max_length <= 0 or len(piece) <= max_length
        out.append(piece)
        while not decoder.needs_input:
            piece = decoder.decompress(b"", max_length)
            assert max_length <= 0 or len(piece) <= max_length
            out.append(piece)
    out.append(decoder.flush())
    return b"".join(out)


def test_accept_encoding_lists_installed() -> None:
    assert ACCEPT_ENCODING == "gzip, deflate, br, zstd"
    assert decoders.SUPPORTED_ENCODINGS >= {"gzip", "deflate", "br", "zstd"}


@pytest.mark.parametrize("name", sorted(ENCODED))
@pytest.mark.parametrize("step", [1, 13, 4096, 10**7])
def test_round_trip_any_split(name: str, step: int) -> None:
    body = ENCODED[name]
    if step == 1 and len(body) > 5000:
        body_step = 3  # keep byte-by-byte-ish feeding fast on the larger bodies
    else:
        body_step = step
    assert decode_all(_coding(name), body, body_step) == DATA


@pytest.mark.parametrize("name", sorted(ENCODED))
@pytest.mark.parametrize("max_length", [1, 100, 5000])
def test_max_length_bounds_every_call(name: str, max_length: int) -> None:
    step = 1000 if max_length == 1 else 97
    assert decode_all(_coding(name), ENCODED[name], step, max_length) == DATA


def test_gzip_members_are_concatenated() -> None:
    body = gzip.compress(DATA[:10]) + gzip.compress(DATA[10:100]) + gzip.compress(DATA[100:])
    for step in (1, 7, len(body)):
        assert decode_all("gzip", body, step) == DATA
        assert decode_all("gzip", body, step, max_length=64) == DATA


def test_gzip_trailing_garbage_ignored() -> None:
    assert decode_all("gzip", gzip.compress(b"abc") + b"\x00\x00junk", 4) == b"abc"


def test_zstd_multiple_frames() -> None:
    comp = zstandard.ZstdCompressor()
    body = comp.compress(DATA[:50]) + comp.compress(DATA[50:])
    assert decode_all("zstd", body, 5) == DATA


def test_empty_bodies() -> None:
    assert decode_all("gzip", gzip.compress(b""), 100) == b""
    assert decode_all("deflate", zlib.compress(b""), 1) == b""
    decoder = decoder_for("gzip")
    assert decoder is not None
    assert decoder.flush() == b""


@pytest.mark.parametrize("value", ["gzip, br", "deflate,zstd", "GZIP , identity, br"])
def test_stacked_codings_undone_in_reverse(value: str) -> None:
    codings = [c.strip().lower() for c in value.split(",") if c.strip().lower() != "identity"]
    body = DATA
    for coding in codings:  # applied in the listed order
        body = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
                "zstd": zstandard.ZstdCompressor().compress}[coding](body)
    assert decode_all(value, body, 333) == DATA
    assert decode_all(value, body, 333, max_length=1000) == DATA


@pytest.mark.parametrize("value", ["", "identity", " Identity ", "compress", "gzip, compress",
                                   "x-unknown"])
def test_no_decoder(value: str) -> None:
    assert decoder_for(value) is None


def test_names_are_case_insensitive() -> None:
    decoder = decoder_for(" GZip ")
    assert decoder is not None
    assert decoder.decompress(gzip.compress(b"x")) + decoder.flush() == b"x"


@pytest.mark.parametrize("coding,body", [
    ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate-data" * 3),
    ("gzip", b"not gzip at all"),
    ("deflate", b"\x78\x9c\xff\xff\xff\xff garbage"),
    ("br", b"\xff\xff\xff\xff\xff\xff"),
    ("zstd", b"\x28\xb5\x2f\xfd\x08\x00\x00\x00\x00\x00\x00"),  # reserved bit set
    ("zstd", b"plainly not zstd"),
])
def test_corrupt_data_raises(coding: str, body: bytes) -> None:
    decoder = decoder_for(coding)
    assert decoder is not None
    with pytest.raises(ContentEncodingError):
        decoder.decompress(body)
        decoder.flush()


def test_corrupt_in_the_middle_raises() -> None:
    body = bytearray(gzip.compress(DATA))
    body[len(body) // 2] ^= 0xFF
    body[len(body) // 2 + 1] ^= 0xFF
    with pytest.raises(ContentEncodingError):
        decode_all("gzip", bytes(body), 64)


def test_one_byte_deflate_body_is_an_error_at_flush() -> None:
    decoder = decoder_for("deflate")
    assert decoder is not None
    assert decoder.decompress(b"\x78") == b""
    with pytest.raises(ContentEncodingError):
        decoder.flush()


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(sorted(ENCODED)),
    cuts=st.lists(st.integers(min_value=0, max_value=40000), max_size=8),
    max_length=st.sampled_from([-1, 0, 1, 7, 512, 65536]),
)
def test_any_split_any_bound(name: str, cuts: list[int], max_length: int) -> None:
    body = ENCODED[name]
    points = sorted({c % (len(body) + 1) for c in cuts})
    pieces = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    decoder = decoder_for(_coding(name))
    assert decoder is not None
    out = []
    for piece in pieces:
        out.append(decoder.decompress(piece, max_length))
        while not decoder.needs_input:
            out.append(decoder.decompress(b"", max_length))
        assert max_length <= 0 or all(len(p) <= max_length for p in out)
    out.append(decoder.flush())
    assert b"".join(out) == DATA
