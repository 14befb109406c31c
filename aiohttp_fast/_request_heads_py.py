# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""Request heads from caches: the common requests' fast path (L1).

Everything in a head but the request line and the framing depends only on the origin, the
request's own headers and whether the method gets a default Content-Type: that block is
serialized (and validated) once, then reused. Whole heads are cached as well, keyed by method,
URL, body length and the request's own headers. ClientRequest decides when a request is plain
enough to come here (no proxy, no skipped or extra automatic headers, HTTP/1.1, an in-memory
body) and falls back to the serializer otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from multidict import CIMultiDict
from yarl import URL

from . import hdrs
from .http_message import HttpVersion11
from .http_writer import serialize_request_head

__all__ = ("BODYLESS_DEFAULT", "CACHED_HEADERS_MAX", "POST_METHODS", "cached_head")

# no "Content-Length: 0" without a body (aiohttp sends it for DELETE too)
BODYLESS_DEFAULT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"})
# methods that get a default Content-Type
POST_METHODS = frozenset({"PATCH", "POST", "PUT"})
# requests with more headers of their own than this are not worth a cache key
CACHED_HEADERS_MAX = 8

# Serialized header lines (all but the framing) keyed by (host:port, the request's own header
# items, method gets a default Content-Type): a hit makes the head one bytes concatenation
_HEAD_BLOCKS: dict[Any, bytes] = {}
_HEAD_BLOCKS_MAX = 512
# Whole heads keyed by (method, id(URL), body length or -1, the request's own header items),
# valued (that URL, head): id() because a yarl URL's __hash__ runs Python code (the request
# hands the same URL object for the same URL); the entry holds its URL, so the id can't be
# reused by another object while the entry lives.
_WHOLE_HEADS: dict[tuple[str, int, int, tuple[tuple[str, str], ...]], tuple[URL, bytes]] = {}


def cached_head(
    method: str,
    url: URL,
    headers: CIMultiDict[str],
    body: bytes | None,
    header_lines: Callable[[], list[tuple[str, str]]],
) -> bytes | None:
    """The head of a request to ``url`` (its wire form) from the caches; None when it must
    be serialized in full. ``header_lines`` gives every line but the framing, on a miss."""
    if headers:
        if (
            hdrs.COOKIE in headers  # changes from request to request: not worth caching
            or hdrs.CONTENT_LENGTH in headers
            or hdrs.TRANSFER_ENCODING in headers
        ):
            return None
        items: tuple[tuple[str, str], ...] = tuple(headers.items())
    else:
        items = ()
    whole_key = (method, id(url), -1 if body is None else len(body), items)
    whole = _WHOLE_HEADS.get(whole_key)
    if whole is not None and whole[0] is url:
        return whole[1]
    target = url.raw_path_qs or "/"
    if "\r" in target or "\n" in target or "\x00" in target or not target.isascii():
        return None  # let the serializer report (or encode) it
    key = (url.host_port_subcomponent, items, method in POST_METHODS)
    block = _HEAD_BLOCKS.get(key)
    if block is None:
        full = serialize_request_head("GET", "/", HttpVersion11, header_lines())
        block = full[full.index(b"\r\n") + 2 : -2]  # the header lines alone
        if len(_HEAD_BLOCKS) >= _HEAD_BLOCKS_MAX:
            _HEAD_BLOCKS.clear()
        _HEAD_BLOCKS[key] = block
    line = f"{method} {target} HTTP/1.1\r\n".encode("ascii")
    if body is not None:
        head = b"%b%bContent-Length: %d\r\n\r\n" % (line, block, len(body))
    elif method in BODYLESS_DEFAULT:
        head = b"%b%b\r\n" % (line, block)
    else:
        head = b"%b%bContent-Length: 0\r\n\r\n" % (line, block)
    if len(_WHOLE_HEADS) >= _HEAD_BLOCKS_MAX:
        _WHOLE_HEADS.clear()
    _WHOLE_HEADS[whole_key] = (url, head)
    return head
