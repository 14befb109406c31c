"""The message types the response parsers produce (both twins build exactly these)."""

from __future__ import annotations

from typing import NamedTuple

from multidict import CIMultiDict

__all__ = ("HttpVersion", "HttpVersion10", "HttpVersion11", "ResponseMessage")


class HttpVersion(NamedTuple):
    major: int
    minor: int


HttpVersion10 = HttpVersion(1, 0)
HttpVersion11 = HttpVersion(1, 1)


class ResponseMessage(NamedTuple):
    """One response head, as parsed.

    ``headers`` values are decoded UTF-8 with ``surrogateescape`` (like aiohttp);
    ``raw_headers`` keeps the exact bytes in wire order. ``content_length`` is None when the
    response has no Content-Length header. ``should_close`` is True when the connection can not
    be reused after this message (HTTP/1.0 without keep-alive, ``Connection: close``, a body
    delimited by the end of the connection, an upgrade).
    """

    version: HttpVersion
    status: int
    reason: str
    headers: CIMultiDict[str]
    raw_headers: tuple[tuple[bytes, bytes], ...]
    should_close: bool
    chunked: bool
    upgrade: bool
    content_length: int | None
