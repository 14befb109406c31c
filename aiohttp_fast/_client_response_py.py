# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""ClientResponse: status, headers and body of one response (L4), aiohttp's API.

The connection goes back to the pool as soon as the whole body has arrived (it is then buffered
in ``content``); a response released or closed earlier closes its connection instead.
"""

from __future__ import annotations

import asyncio
import codecs
import json as _json
import re
from collections.abc import Callable, Generator
from http.cookies import SimpleCookie
from types import MappingProxyType
from typing import Any, NamedTuple

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from . import hdrs
from .client_exceptions import (
    ClientConnectionError,
    ClientResponseError,
    ContentTypeError,
)
from .cookie_helpers import parse_set_cookie_headers
from .http_exceptions import HttpProcessingError
from .http_message import HttpVersion, ResponseMessage
from .streams import EMPTY_PAYLOAD, EmptyStreamReader, StreamReader
from .tracing import wants
from .typedefs import RequestInfo

__all__ = ("ClientResponse", "ContentDisposition", "parse_content_type")

_JSON_RE = re.compile(r"^(?:application/|[\w.-]+/[\w.+-]+?\+)json$", re.IGNORECASE)
_LINK_RE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_LINK_PARAM_RE = re.compile(r"""\s*;\s*([^=;\s]+)\s*(?:=\s*(?:"([^"]*)"|([^;,\s]*)))?""")


def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """``("type/subtype", {param: value})`` from a Content-Type value (type lower-cased)."""
    mimetype, _, rest = value.partition(";")
    params: dict[str, str] = {}
    while rest:
        item, _, rest = rest.partition(";")
        key, sep, val = item.partition("=")
        key = key.strip().lower()
        if not key or not sep:
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1]
        params[key] = val
    return mimetype.strip().lower(), params


class ContentDisposition(NamedTuple):
    """A parsed Content-Disposition header (aiohttp's record)."""

    type: str | None
    parameters: MappingProxyType[str, str]
    filename: str | None


def _default_charset(response: ClientResponse, body: bytes) -> str:
    return "utf-8"


class _Noop:
    """Lets ``await resp.release()`` work although release is synchronous (aiohttp compat)."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return iter(())


_NOOP = _Noop()


class _ClientResponseCore:
    """ClientResponse's state and methods: an extension type in the compiled twin
    (``_client_response_c.pxd``). ClientResponse itself stays a Python class, patchable as
    aiohttp's."""

    __slots__ = (
        "method",
        "_url",
        "_real_url",
        "_request_info",
        "_traces",
        "_loop",
        "_session",
        "version",
        "status",
        "reason",
        "_message",
        "_headers",
        "content",
        "_body",
        "_connection",
        "_protocol",
        "_head_waiter",
        "_writer",
        "_history",
        "_cookies",
        "_released",
        "_in_context",
        "_closed",
        "_resolve_charset",
        "_cache",
        "_writer_exc",
        "_request",
        "__weakref__",
    )

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        request_info: RequestInfo | None = None,
        traces: list[Any] | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        session: Any = None,
        writer: asyncio.Task[None] | None = None,
        continue100: Any = None,
        timer: Any = None,
    ) -> None:
        wire_url = url.with_fragment(None) if url.raw_fragment else url
        self._init(method, url, wire_url, request_info, traces, loop, session, writer)

    def _init(
        self,
        method: str,
        url: URL,
        wire_url: URL,
        request_info: RequestInfo | None,
        traces: list[Any] | None,
        loop: asyncio.AbstractEventLoop | None,
        session: Any,
        writer: asyncio.Task[None] | None,
    ) -> None:
        """``__init__``'s work, positionally; ``wire_url`` is ``url`` without its fragment."""
        self.method = method
        self._real_url = url
        self._url = wire_url
        self._request_info = request_info
        self._traces = traces if traces is not None else []
        self._loop = loop
        self._session = session
        self.version: HttpVersion | None = None
        self.status: int = None  # type: ignore[assignment]
        self.reason: str | None = None
        self._message: ResponseMessage | None = None
        self._headers: CIMultiDictProxy[str] | None = None
        self.content: StreamReader = EMPTY_PAYLOAD
        self._body: bytes | None = None
        self._connection: Any = None
        self._protocol: Any = None
        self._head_waiter: asyncio.Future[ResponseMessage] | None = None
        self._writer: asyncio.Task[None] | None = writer
        self._history: tuple[ClientResponse, ...] = ()
        self._cookies: SimpleCookie | None = None
        self._released = False
        self._in_context = False  # inside ``async with``: raise_for_status leaves it open
        self._closed = True
        self._resolve_charset: Callable[[ClientResponse, bytes], str] = (
            session._resolve_charset if session is not None else _default_charset
        )
        self._cache: dict[str, Any] | None = None
        self._writer_exc: BaseException | None = None
        self._request: Any = None  # the ClientRequest, for a lazily built request_info

    # ---- receiving the head ----

    async def start(self, connection: Any) -> ClientResponse:
        """Wait for the response head on ``connection``; the body streams into ``content``."""
        waiter = self._bind(connection)
        try:
            message = await waiter
        except (ClientConnectionError, HttpProcessingError) as exc:
            raise self._head_failed(exc)  # noqa: B904 - its cause is set
        return self._head_received(message)

    # start() in three synchronous steps around the one await, so the session can run them
    # without a coroutine of their own: _bind, await the returned future, _head_received.

    def _bind(self, connection: Any) -> Any:
        """Take ``connection``; returns the future of the response head."""
        self._connection = connection
        self._protocol = connection._protocol
        self._closed = False
        waiter = self._head_waiter
        self._head_waiter = None
        return waiter

    def _head_failed(self, exc: BaseException) -> BaseException:
        """What to raise when waiting for the head failed with ``exc``."""
        if isinstance(exc, HttpProcessingError):
            err: BaseException = ClientResponseError(
                self.request_info,
                self._history,
                status=exc.code,
                message=exc.message,
                headers=None,
            )
            err.__cause__ = exc
            return err
        if self._writer_exc is not None:
            # the body failed first; that is the error worth reporting
            err = self._writer_exc
            err.__cause__ = exc
            return err
        return exc

    def _head_received(self, message: ResponseMessage) -> ClientResponse:
        protocol = self._protocol
        self._message = message
        self.version = message.version
        self.status = message.status
        self.reason = message.reason
        payload = protocol.payload
        if payload is None:  # pragma: no cover - the protocol always sets one
            payload = EMPTY_PAYLOAD
        self.content = payload
        traces = self._traces
        if traces and wants(traces, "response_chunk_received"):
            self._trace_chunks(traces)
        if message.upgrade:
            return self  # the connection belongs to whoever takes over
        content = self.content
        if content.is_eof():
            self._response_eof()
        else:
            content.on_eof(self._response_eof)
        return self

    def _trace_chunks(self, traces: list[Any]) -> None:
        """Send response_chunk_received to ``traces`` for every chunk of the body."""
        method, url = self.method, self._url

        async def on_chunk(chunk: bytes) -> None:
            for trace in traces:
                await trace.send_response_chunk_received(method, url, chunk)

        self.content._on_chunk = on_chunk

    def _response_eof(self) -> None:
        """The whole body arrived: give the connection back (once the request is sent)."""
        if self._closed:
            return
        protocol = self._protocol
        if protocol is not None and protocol._upgraded:
            return
        writer = self._writer
        if writer is not None and not writer.done():
            # the server answered before reading the whole request body: the connection is
            # reusable only once that body is out (_writer_done gives it back then)
            return
        connection = self._connection
        if connection is not None:
            self._connection = None
            connection.release()
        self._closed = True

    def _set_writer(self, task: asyncio.Task[None]) -> None:
        self._writer = task
        task.add_done_callback(self._writer_done)

    def _writer_done(self, task: asyncio.Task[None]) -> None:
        if self._writer is task:
            self._writer = None
        exc = None if task.cancelled() else task.exception()
        if task.cancelled() or exc is not None:
            # a partly sent body: the connection's state is unknown
            protocol = self._protocol
            if protocol is not None:
                protocol.force_close()
                if self.status is None:
                    # the server may wait for the rest forever: end the exchange now
                    self._writer_exc = exc
                    protocol.close()
            connection = self._connection
            if connection is not None:
                self._connection = None
                connection.close()
            return
        if self.status is not None and self.content.is_eof():
            self._response_eof()

    def _cleanup_writer(self) -> bool:
        """Stop sending the request body; True if it was still being sent."""
        writer = self._writer
        self._writer = None
        if writer is not None and not writer.done():
            writer.cancel()
            return True
        return False

    # ---- attributes ----

    @property
    def url(self) -> URL:
        return self._url

    @property
    def real_url(self) -> URL:
        return self._real_url

    @property
    def host(self) -> str:
        return self._url.host or ""

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        headers = self._headers
        if headers is None:
            message = self._message
            headers = self._headers = CIMultiDictProxy(
                message.headers if message is not None else CIMultiDict()
            )
        return headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        message = self._message
        return message.raw_headers if message is not None else ()

    @property
    def request_info(self) -> RequestInfo:
        info = self._request_info
        if info is None and self._request is not None:
            info = self._request_info = self._request.request_info
        return info  # type: ignore[return-value]

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led here, oldest first."""
        return self._history

    @property
    def connection(self) -> Any:
        return self._connection

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def ok(self) -> bool:
        """True for a status below 400."""
        return self.status < 400

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies this response set."""
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = SimpleCookie()
            message = self._message
            if message is not None:
                # The jar's Set-Cookie parser, not SimpleCookie.load: it accepts the names real
                # servers send (``a[0]``) and skips malformed headers one by one.
                values = message.headers.getall(hdrs.SET_COOKIE, ())
                for name, morsel in parse_set_cookie_headers(values):
                    cookies[name] = morsel
        return cookies

    @cookies.setter
    def cookies(self, value: SimpleCookie) -> None:
        self._cookies = value

    def _content_type_parts(self) -> tuple[str, dict[str, str]]:
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        parts = cache.get("ctype")
        if parts is None:
            raw = self.headers.get(hdrs.CONTENT_TYPE)
            if raw is None:
                parts = ("application/octet-stream", {})
            else:
                parts = parse_content_type(raw)
            cache["ctype"] = parts
        return parts

    @property
    def content_type(self) -> str:
        """The MIME type (``application/octet-stream`` when the header is absent)."""
        return self._content_type_parts()[0]

    @property
    def charset(self) -> str | None:
        return self._content_type_parts()[1].get("charset")

    @property
    def content_length(self) -> int | None:
        value = self.headers.get(hdrs.CONTENT_LENGTH)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return None

    @property
    def content_disposition(self) -> ContentDisposition | None:
        """The Content-Disposition header: ``type``, ``parameters``, ``filename``."""
        raw = self.headers.get(hdrs.CONTENT_DISPOSITION)
        if raw is None:
            return None
        dtype, params = parse_content_type(raw)
        return ContentDisposition(dtype, MappingProxyType(params), params.get("filename"))

    @property
    def links(self) -> MultiDictProxy[MultiDictProxy[str | URL]]:
        """The ``Link`` header, keyed by ``rel`` (or by URL when there is none)."""
        links: MultiDict[MultiDictProxy[str | URL]] = MultiDict()
        for value in self.headers.getall(hdrs.LINK, ()):
            for match in _LINK_RE.finditer(value):
                target, params_text = match.group(1), match.group(2)
                link: MultiDict[str | URL] = MultiDict()
                for pm in _LINK_PARAM_RE.finditer(params_text):
                    key = pm.group(1).lower()
                    link.add(key, pm.group(2) if pm.group(2) is not None else pm.group(3) or "")
                link.add("url", self._url.join(URL(target)))
                key_name = link.get("rel") or target
                links.add(str(key_name), MultiDictProxy(link))
        return MultiDictProxy(links)

    # ---- reading ----

    async def read(self) -> bytes:
        """The whole body (cached: later calls return the same bytes)."""
        body = self._body
        if body is None:
            content = self.content
            if self._released and not content.is_eof():
                raise ClientConnectionError("Connection closed")
            # a small body has usually arrived with the head: no coroutine to take it
            if type(content) is StreamReader:
                body = content.read_complete()
                if body is not None:
                    self._body = body
                    return body
            try:
                body = self._body = await content.read()
            except BaseException:
                self.close()
                raise
        elif self._released:
            # aiohttp: the body of an explicitly released response is gone
            raise ClientConnectionError("Connection closed")
        return body

    def get_encoding(self) -> str:
        """The body's charset: from Content-Type, else JSON's utf-8, else the resolver's."""
        charset = self.charset
        if charset:
            try:
                return codecs.lookup(charset).name  # the codec's own name, as aiohttp
            except LookupError:
                pass
        mimetype = self.content_type
        if mimetype == "application/json" or mimetype == "application/rdap+json":
            return "utf-8"
        if self._body is None:
            raise RuntimeError("Cannot compute fallback encoding of a not yet read body")
        return self._resolve_charset(self, self._body)

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        """The body decoded with ``encoding`` (default: ``get_encoding()``)."""
        body = await self.read()
        if encoding is None:
            encoding = self.get_encoding()
        return body.decode(encoding, errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: Callable[[str], Any] = _json.loads,
        content_type: str | None = "application/json",
    ) -> Any:
        """The body parsed as JSON; ContentTypeError unless Content-Type matches.

        ``content_type=None`` disables the check. An empty body gives None.
        """
        body = await self.read()
        if content_type:
            mimetype = self.content_type
            if content_type == "application/json":
                matches = bool(_JSON_RE.match(mimetype))
            else:
                matches = content_type in mimetype
            if not matches:
                raise ContentTypeError(
                    self.request_info,
                    self._history,
                    status=self.status,
                    message=(
                        "Attempt to decode JSON with unexpected mimetype: "
                        f"{self.headers.get(hdrs.CONTENT_TYPE, '')}"
                    ),
                    headers=self.headers,
                )
        if not body.strip():
            return None
        if encoding is None:
            encoding = self.get_encoding()
        return loads(body.decode(encoding))

    # ---- ending ----

    def release(self) -> Any:
        """Done with this response: the connection returns to the pool if the body was read,
        else it is closed. Awaitable for aiohttp compatibility."""
        if not self._released:
            self._released = True
            self._notify_content()
            still_sending = self._cleanup_writer()
            connection = self._connection
            if connection is not None:
                self._connection = None
                if still_sending:
                    connection.close()
                else:
                    # unread data makes the protocol report should_close: release() closes
                    connection.release()
            self._closed = True
        return _NOOP

    def close(self) -> None:
        """Close the connection now (an unread or broken body)."""
        if not self._released:
            self._released = True
            self._notify_content()
        self._cleanup_writer()
        connection = self._connection
        if connection is not None:
            self._connection = None
            connection.close()
        self._closed = True

    def _notify_content(self) -> None:
        """Later reads of the body raise, as aiohttp's do once a response is released."""
        content = self.content
        if content._exception is None and not isinstance(content, EmptyStreamReader):
            content.set_released()  # the exception is built only if a read comes

    async def wait_for_close(self) -> None:
        writer = self._writer
        if writer is not None:
            try:
                await writer
            except (asyncio.CancelledError, Exception):
                pass
        self.release()

    def raise_for_status(self) -> None:
        """Raise ClientResponseError for a status of 400 or more (releasing the response)."""
        if self.status >= 400:
            if not self._in_context:
                # inside ``async with`` the body stays readable (the exit releases), as aiohttp
                self.release()
            raise ClientResponseError(
                self.request_info,
                self._history,
                status=self.status,
                message=self.reason or "",
                headers=self.headers,
            )

    async def __aenter__(self) -> ClientResponse:
        self._in_context = True
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._exit(exc_type)

    def _exit(self, exc_type: Any) -> None:
        """Leaving ``async with``: close on an error mid-body, else release.

        Synchronous on purpose: a body writer still running is cancelled by release(), so
        there is nothing to wait for (the context managers call this without a coroutine).
        """
        if exc_type is not None and self._connection is not None and not self.content.is_eof():
            self.close()
        else:
            self.release()

    def __del__(self) -> None:
        connection = getattr(self, "_connection", None)
        if connection is not None:
            # never read nor released: the connection can't be reused safely
            try:
                connection.close()
            except Exception:  # pragma: no cover - interpreter shutdown
                pass

    def __repr__(self) -> str:
        return f"<ClientResponse({self._url}) [{self.status} {self.reason}]>"


class ClientResponse(_ClientResponseCore):
    """A response: ``status``, ``headers``, ``content`` (a StreamReader) and reading helpers.

    Use as ``async with session.get(url) as resp:`` so the connection is released, or read the
    body (``await resp.read()``/``text()``/``json()``), which releases it as well.
    """

    __slots__ = ()
