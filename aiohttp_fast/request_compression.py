"""Request body compression (L1, sans-I/O): ``compress=`` checked and applied as aiohttp does.

``ClientRequest`` calls ``checked_encoding`` when the request is built (a bad combination is a
ValueError before anything is sent) and ``compressed`` when a bytes body goes out; a streamed
body is compressed chunk by chunk by the writer, with a ``compressor`` from here.
"""

from __future__ import annotations

import zlib
from typing import Any

from . import hdrs

__all__ = ("ENCODINGS", "checked_encoding", "compressed", "compressor", "encoding_of")

# What ``compress=`` may name: deflate is zlib-wrapped, as RFC 9110 defines it.
ENCODINGS = ("deflate", "gzip")


def encoding_of(compress: Any) -> str:
    """The content coding ``compress=`` asks for: a name, or deflate for ``True``; ValueError
    for a coding other than deflate and gzip."""
    encoding = compress if isinstance(compress, str) else "deflate"
    if encoding not in ENCODINGS:
        raise ValueError(f"compress={compress!r}: only deflate and gzip are supported")
    return encoding


def checked_encoding(compress: Any, headers: Any) -> str:
    """``encoding_of(compress)``, once the request's own headers allow it: a Content-Encoding,
    a chunked Transfer-Encoding or a Content-Length of the user's is a ValueError (the
    compressed body goes out chunked: its length is not known until it is sent)."""
    if headers.get(hdrs.CONTENT_ENCODING):
        raise ValueError("compress can not be set if Content-Encoding header is set")
    encoding = encoding_of(compress)
    if "chunked" in headers.get(hdrs.TRANSFER_ENCODING, "").lower():
        raise ValueError('chunked can not be set if "Transfer-Encoding: chunked" header is set')
    if hdrs.CONTENT_LENGTH in headers:
        raise ValueError("chunked can not be set if Content-Length header is set")
    return encoding


def compressor(encoding: str, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> Any:
    """A zlib compressor writing ``encoding`` (deflate or gzip; ValueError otherwise)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported request compression {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    return zlib.compressobj(wbits=wbits, strategy=strategy)


def compressed(body: bytes, encoding: str) -> bytes:
    """``body`` in ``encoding``, whole."""
    comp = compressor(encoding)
    return comp.compress(body) + comp.flush()
