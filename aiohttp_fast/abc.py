"""Interfaces a lower layer uses to name an upper one without importing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from multidict import CIMultiDict
from yarl import URL

from .http_message import ResponseMessage
from .typedefs import ConnectionKey


class ResponseParserHandler(Protocol):
    """Receives what a response parser finds (both parser twins call exactly these)."""

    def on_headers(self, message: ResponseMessage) -> None:
        """A complete response head (1xx interim responses included)."""

    def on_body(self, data: bytes) -> None:
        """A piece of body (already de-chunked); never empty."""

    def on_message_complete(self) -> None:
        """The current message ended (for 1xx/204/304/HEAD right after ``on_headers``)."""

    # Optional: ``on_chunk_complete()``, called by both twins where llhttp calls it: after
    # the CRLF that ends each chunk's data, and for the last chunk after its trailers, just
    # before ``on_message_complete``. A handler without it is not asked.


class ConnectTarget(Protocol):
    """What a connector needs to know about the request it connects for (ClientRequest has it)."""

    url: URL
    host: str
    port: int | None
    ssl: Any  # True | False | SSLContext | Fingerprint
    server_hostname: str | None
    proxy: URL | None
    proxy_auth: Any
    proxy_headers: CIMultiDict[str] | Mapping[str, str] | None

    @property
    def connection_key(self) -> ConnectionKey: ...

    def is_ssl(self) -> bool: ...


class AbstractCookieJar(Protocol):
    """The cookie jar as the session sees it."""

    def update_cookies(self, cookies: Any, response_url: URL = ...) -> None: ...

    def filter_cookies(self, request_url: URL) -> Any: ...

    def clear(self, predicate: Any = None) -> None: ...

    def clear_domain(self, domain: str) -> None: ...
