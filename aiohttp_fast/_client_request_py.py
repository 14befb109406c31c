# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""ClientRequest: one request as it goes on the wire (L4).

Builds the final URL and headers, turns ``data`` into a body, writes head and body to a
connection's protocol and hands back a ``ClientResponse`` waiting for the head. Bodies that are
bytes (the common case) are written together with the head in one ``transport.write``; only
streaming bodies (payload objects, async iterables) get a writer task.
"""

from __future__ import annotations

import asyncio
import collections.abc
import io
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import __version__, hdrs
from .auth import BasicAuth
from .body_sender import drained, report_written, send_after_continue, send_stream
from .client_exceptions import (
    ClientConnectionResetError,
    InvalidUrlClientError,
    NonHttpUrlClientError,
)
from .client_response import ClientResponse
from .decoders import ACCEPT_ENCODING
from .formdata import FormData
from .http_message import HttpVersion, HttpVersion10, HttpVersion11
from .http_writer import serialize_request_head
from .payload import payload_for
from .request_compression import checked_encoding, compressed, encoding_of
from .request_headers import merge_cookie_header
from .request_heads import BODYLESS_DEFAULT, CACHED_HEADERS_MAX, POST_METHODS, cached_head
from .tracing import wants
from .typedefs import ConnectionKey, RequestInfo

__all__ = ("ClientRequest", "USER_AGENT", "DEFAULT_ACCEPT", "ACCEPT_ENCODING", "RequestInfo")

USER_AGENT = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp_fast/{__version__}"


class _SkipHeaders(frozenset):  # type: ignore[type-arg]
    """``skip_auto_headers`` names, matched case-insensitively as aiohttp does ("user-agent"
    skips User-Agent). Only built when a caller gives names: the common empty case stays a
    plain frozenset."""

    __slots__ = ()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and frozenset.__contains__(self, name.lower())


_NO_SKIP: frozenset[str] = frozenset()


def _skip_headers(names: Iterable[str]) -> frozenset[str]:
    """The request's ``skip_auto_headers`` (a plain function: the compiled ``_init`` can't
    hold a generator)."""
    return _SkipHeaders(h.lower() for h in names) if names else _NO_SKIP

DEFAULT_ACCEPT = "*/*"

# fullmatch, not ``$``: ``$`` also matches before a final "\n" ("GET\n" would pass)
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HTTP_SCHEMES = frozenset({"http", "https", "ws", "wss"})
_SSL_SCHEMES = frozenset({"https", "wss"})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_METHODS: dict[str, str] = {}  # method strings seen valid -> their upper-case form
_RESPONSE_INIT = ClientResponse.__init__
# Both caches below are keyed by id(url): a yarl URL's __hash__ runs Python code, id() does
# not, and the session hands the same URL object for the same string. Each entry holds its URL,
# so that id can't be reused by another object while the entry lives.
# id(wire URL) -> (that URL, its connection key) for requests whose key is the origin alone
_SIMPLE_KEYS: dict[int, tuple[URL, ConnectionKey]] = {}
# id(URL) -> (that URL, the URL sent: no fragment) for URLs that passed _check_url unchanged
# (no params, no credentials): requests to a URL seen before skip the checks
_CHECKED_URLS: dict[int, tuple[URL, URL]] = {}
_CHECKED_URLS_MAX = 1024
# bodies up to this size are joined with the head into one write
_COALESCE_LIMIT = 256 * 1024
# protocol.begin()'s options when send() gets none: (read_timeout, deadline, read_bufsize,
# auto_decompress, (max_line_size, max_field_size, max_headers), read_until_eof)
_DEFAULT_READ_OPTIONS = (None, None, 2**16, True, (8190, 8190, 128), True)
_METH_HEAD = hdrs.METH_HEAD  # a module global: one look-up, where hdrs.METH_HEAD is two


def _checked_method(method: str) -> str:
    """``method`` upper-cased, once it is known to be a token (ValueError otherwise)."""
    if not isinstance(method, str) or not _TOKEN_RE.fullmatch(method):
        raise ValueError(f"Method cannot contain non-token characters {method!r}")
    upper = method.upper()
    if len(_METHODS) < 256:
        _METHODS[method] = upper
    return upper


def merge_params(url: URL, params: Any) -> URL:
    """The URL with ``params`` (dict, pairs or str, as yarl reads them) added to its query."""
    if params is None or (isinstance(params, str) and not params):
        return url
    return url.extend_query(params)


def _is_async_iterable(data: Any) -> bool:
    return isinstance(data, collections.abc.AsyncIterable)


def _is_form_pairs(pairs: list[Any]) -> bool:
    """True when every item is a (name, str/number) pair: urlencoded, not multipart."""
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            return False
        if not isinstance(pair[1], str | int | float):
            return False
    return True


class _ClientRequestCore:
    """ClientRequest's state and methods: an extension type in the compiled twin
    (``_client_request_c.pxd``). ClientRequest itself stays a Python class, patchable as
    aiohttp's."""

    __slots__ = (
        "method",
        "original_url",
        "url",
        "headers",
        "skip_auto_headers",
        "auth",
        "version",
        "body",
        "_stream",
        "compress",
        "chunked",
        "_expect100",
        "loop",
        "response_class",
        "proxy",
        "proxy_auth",
        "proxy_headers",
        "ssl",
        "server_hostname",
        "_traces",
        "_session",
        "_connection_key",
        "_request_info",
        "trace_request_ctx",
        "_body_sent",
        "_compressed",
        "_force_close",
        "_compress_stream",
        "_upload_tracker",
        "__weakref__",
    )

    DEFAULT_HEADERS = {hdrs.ACCEPT: DEFAULT_ACCEPT, hdrs.ACCEPT_ENCODING: ACCEPT_ENCODING}

    def __init__(
        self,
        method: str,
        url: URL,
        *,
        params: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        data: Any = None,
        cookies: str | None = None,
        auth: BasicAuth | None = None,
        version: HttpVersion = HttpVersion11,
        compress: bool | str | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        response_class: type[ClientResponse] | None = None,
        proxy: URL | None = None,
        proxy_auth: BasicAuth | None = None,
        proxy_headers: Any = None,
        ssl: Any = True,
        server_hostname: str | None = None,
        traces: list[Any] | None = None,
        session: Any = None,
        trace_request_ctx: Any = None,
    ) -> None:
        self._init(
            method, url, params, headers, skip_auto_headers, data, cookies, auth, version,
            compress, chunked, expect100, loop, response_class, proxy, proxy_auth,
            proxy_headers, ssl, server_hostname, traces, session, trace_request_ctx,
        )

    def _init(
        self,
        method: str,
        url: URL,
        params: Any,
        headers: Any,
        skip_auto_headers: Iterable[str] | None,
        data: Any,
        cookies: str | None,
        auth: BasicAuth | None,
        version: HttpVersion,
        compress: bool | str | None,
        chunked: bool | None,
        expect100: bool,
        loop: asyncio.AbstractEventLoop | None,
        response_class: type[ClientResponse] | None,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
        proxy_headers: Any,
        ssl: Any,
        server_hostname: str | None,
        traces: list[Any] | None,
        session: Any,
        trace_request_ctx: Any,
    ) -> None:
        upper = _METHODS.get(method)
        if upper is None:
            upper = _checked_method(method)
        if not isinstance(url, URL):
            url = URL(url)
        # a URL checked before (no params, no credentials) maps to its fragment-less form
        checked = _CHECKED_URLS.get(id(url)) if params is None else None
        if checked is not None and checked[0] is url:
            wire_url = checked[1]
        else:
            url, wire_url, auth = self._check_url(url, params, auth)
        self.method = upper
        self.original_url = url
        self.url = wire_url
        self.version = version
        self.loop = loop
        self.auth = auth
        self.compress = compress
        self.chunked = chunked
        self._expect100 = expect100
        self.response_class = response_class or ClientResponse
        self.proxy = proxy
        self.proxy_auth = proxy_auth
        self.proxy_headers = proxy_headers
        self.ssl = ssl
        self.server_hostname = server_hostname
        self._traces = traces if traces is not None else []
        self._session = session
        self.trace_request_ctx = trace_request_ctx
        self._connection_key: ConnectionKey | None = None
        self._request_info: RequestInfo | None = None
        self._body_sent = False
        self._compressed = False
        self._force_close = False
        self._compress_stream: str | None = None
        self._upload_tracker: Any = None  # the session's, for upload_tracker=
        self.skip_auto_headers: frozenset[str] = (
            _skip_headers(skip_auto_headers) if skip_auto_headers else _NO_SKIP
        )
        self.headers: CIMultiDict[str] = (
            CIMultiDict(headers) if headers is not None else CIMultiDict()
        )
        if chunked and headers:
            if hdrs.CONTENT_LENGTH in self.headers:
                raise ValueError("chunked can not be set if Content-Length header is set")
            if "chunked" in self.headers.get(hdrs.TRANSFER_ENCODING, "").lower():
                raise ValueError(
                    'chunked can not be set if "Transfer-Encoding: chunked" header is set'
                )
        if auth is not None and hdrs.AUTHORIZATION not in self.headers:
            if not isinstance(auth, BasicAuth):
                raise TypeError("BasicAuth() tuple is required instead")
            self.headers[hdrs.AUTHORIZATION] = auth.encode()
        if cookies:
            existing = self.headers.get(hdrs.COOKIE)
            self.headers[hdrs.COOKIE] = (
                merge_cookie_header(existing, cookies) if existing else cookies
            )
        self.body: bytes | None = None
        self._stream: Any = None
        self._set_body(data)
        if compress:
            self._prepare_compression(data)
        elif self.body is not None and headers and hdrs.CONTENT_LENGTH in self.headers:
            self._cut_to_content_length()

    @staticmethod
    def _check_url(url: URL, params: Any, auth: BasicAuth | None) -> tuple[URL, URL, Any]:
        """Validate ``url`` (plus ``params``): ``(url, url without fragment, auth)``."""
        given = url
        if url.scheme not in _HTTP_SCHEMES:
            if not url.scheme:
                raise InvalidUrlClientError(url)
            raise NonHttpUrlClientError(url)  # "mailto:x", "localhost:8080": as aiohttp
        if not url.host:
            raise InvalidUrlClientError(url)
        if params is not None:
            url = merge_params(url, params)
        raw = url.raw_path_qs
        if "\r" in raw or "\n" in raw or "\x00" in raw:
            raise ValueError(f"URL must not contain control characters: {raw!r}")
        if url.raw_user:
            url_auth = BasicAuth(url.user or "", url.password or "")
            if auth is not None and auth != url_auth:
                raise ValueError("Cannot combine AUTH argument with credentials encoded in URL")
            auth = url_auth
            url = url.with_user(None)
        wire_url = url.with_fragment(None) if url.raw_fragment else url
        if url is given:  # nothing derived from params or credentials: the check is reusable
            if len(_CHECKED_URLS) >= _CHECKED_URLS_MAX:
                _CHECKED_URLS.clear()
            _CHECKED_URLS[id(url)] = (url, wire_url)
        return url, wire_url, auth

    # ---- ConnectTarget ----

    @property
    def host(self) -> str:
        return self.url.raw_host or ""

    @property
    def port(self) -> int | None:
        return self.url.port

    def is_ssl(self) -> bool:
        return self.url.scheme in _SSL_SCHEMES

    @property
    def connection_key(self) -> ConnectionKey:
        key = self._connection_key
        if key is None:
            url = self.url
            if (
                self.ssl is True
                and self.proxy is None
                and self.server_hostname is None
                and not self.proxy_headers
            ):
                # the common case: the key depends on the origin alone, so share it
                simple = _SIMPLE_KEYS.get(id(url))
                if simple is not None and simple[0] is url:
                    key = simple[1]
                else:
                    key = ConnectionKey(
                        url.raw_host or "", url.port, url.scheme in _SSL_SCHEMES,
                        True, None, self.proxy_auth, None, None,
                    )
                    if self.proxy_auth is None:
                        if len(_SIMPLE_KEYS) >= 1024:
                            _SIMPLE_KEYS.clear()
                        _SIMPLE_KEYS[id(url)] = (url, key)
                self._connection_key = key
                return key
            ph = self.proxy_headers
            ph_hash = hash(tuple(CIMultiDict(ph).items())) if ph else None
            key = self._connection_key = ConnectionKey(
                self.url.raw_host or "",
                self.url.port,
                self.url.scheme in _SSL_SCHEMES,
                self.ssl,
                self.proxy,
                self.proxy_auth,
                ph_hash,
                self.server_hostname,
            )
        return key

    @property
    def request_info(self) -> RequestInfo:
        info = self._request_info
        if info is None:
            info = self._request_info = RequestInfo(
                self.url, self.method, CIMultiDictProxy(self.headers), self.original_url
            )
        return info

    @property
    def session(self) -> Any:
        return self._session

    @property
    def is_idempotent(self) -> bool:
        return self.method in _IDEMPOTENT

    # ---- body ----

    def _set_body(self, data: Any) -> None:
        if data is None:
            return
        headers = self.headers
        if isinstance(data, bytes | bytearray | memoryview):
            self.body = bytes(data)
            return
        if isinstance(data, str):
            self.body = data.encode("utf-8")
            headers.setdefault(hdrs.CONTENT_TYPE, "text/plain; charset=utf-8")
            return
        if isinstance(data, Mapping | list | tuple):
            pairs = list(data.items()) if isinstance(data, Mapping) else list(data)
            if _is_form_pairs(pairs):
                self.body = urlencode([(str(k), str(v)) for k, v in pairs]).encode("ascii")
                headers.setdefault(hdrs.CONTENT_TYPE, "application/x-www-form-urlencoded")
                return
            data = FormData(data)
        if isinstance(data, FormData):
            data = data()
        if isinstance(data, io.IOBase) and not isinstance(data, io.StringIO):
            # a bare file as the whole body: no Content-Disposition header (aiohttp's rule)
            data = payload_for(data, disposition=None)
        else:
            data = payload_for(data)  # TypeError for what can not be a body
        self._stream = data
        if hdrs.CONTENT_TYPE not in headers and hdrs.CONTENT_TYPE not in self.skip_auto_headers:
            if data.content_type:
                headers[hdrs.CONTENT_TYPE] = data.content_type
        for name, value in data.headers.items():
            if name not in headers and name not in self.skip_auto_headers:
                headers[name] = value

    @property
    def can_resend_body(self) -> bool:
        """Whether the body could be sent again (a 307/308 redirect, a retry)."""
        stream = self._stream
        if stream is None:
            return True
        if not self._body_sent:
            return True
        return bool(getattr(stream, "can_rewind", False))

    def rewind_body(self) -> None:
        stream = self._stream
        if stream is not None and self._body_sent:
            stream.rewind()

    def _body_size(self) -> int | None:
        if self.body is not None:
            return len(self.body)
        stream = self._stream
        if stream is None:
            return None
        return getattr(stream, "size", None)

    # ---- the head ----

    def _target(self) -> str:
        if self.proxy is not None and self.url.scheme not in _SSL_SCHEMES:
            # absolute-form through a plain-HTTP proxy
            return str(self.url)
        if self.method == hdrs.METH_CONNECT:
            return self.url.host_port_subcomponent or ""
        return self.url.raw_path_qs or "/"

    def _final_headers(self) -> list[tuple[str, str]]:
        """Header lines in wire order: Host first, the user's, automatic ones, framing."""
        lines = self._header_lines()
        framing = self._framing_line()
        if framing is not None:
            lines.append(framing)
        return lines

    def _sent_headers(self) -> CIMultiDictProxy[str]:
        """The headers really on the wire, for on_request_headers_sent (built only when traced)."""
        return CIMultiDictProxy(CIMultiDict(self._final_headers()))

    def _header_lines(self) -> list[tuple[str, str]]:
        """Every header line but the body framing (Content-Length / Transfer-Encoding)."""
        headers = self.headers
        skip = self.skip_auto_headers
        lines: list[tuple[str, str]] = []
        if hdrs.HOST not in headers and hdrs.HOST not in skip:
            lines.append((hdrs.HOST, self.url.host_port_subcomponent or ""))
        lines.extend(headers.items())
        for name, value in self.DEFAULT_HEADERS.items():
            if name not in headers and name not in skip:
                lines.append((name, value))
        if hdrs.USER_AGENT not in headers and hdrs.USER_AGENT not in skip:
            lines.append((hdrs.USER_AGENT, USER_AGENT))
        if self.proxy is not None and self.proxy_auth is not None and not self.is_ssl():
            if hdrs.PROXY_AUTHORIZATION not in headers:
                lines.append((hdrs.PROXY_AUTHORIZATION, self.proxy_auth.encode()))
        if self._expect100 and hdrs.EXPECT not in headers:
            lines.append((hdrs.EXPECT, "100-continue"))
        if hdrs.CONNECTION not in headers and hdrs.CONNECTION not in skip:
            if self._force_close:
                if self.version == HttpVersion11:
                    lines.append((hdrs.CONNECTION, "close"))
            elif self.version == HttpVersion10:
                lines.append((hdrs.CONNECTION, "keep-alive"))
        if (
            self.method in POST_METHODS
            and hdrs.CONTENT_TYPE not in headers
            and hdrs.CONTENT_TYPE not in skip
        ):
            lines.append((hdrs.CONTENT_TYPE, "application/octet-stream"))
        return lines

    def _framing_line(self) -> tuple[str, str] | None:
        headers = self.headers
        if hdrs.CONTENT_LENGTH in headers or hdrs.TRANSFER_ENCODING in headers:
            return None  # the user framed the body
        size = self._body_size()
        if self.chunked or (size is None and self._stream is not None):
            return (hdrs.TRANSFER_ENCODING, "chunked")
        if size is not None:
            return (hdrs.CONTENT_LENGTH, str(size))
        if self.method not in BODYLESS_DEFAULT:
            return (hdrs.CONTENT_LENGTH, "0")
        return None

    def _is_chunked(self) -> bool:
        te = self.headers.get(hdrs.TRANSFER_ENCODING, "")
        if "chunked" in te.lower():
            return True
        if hdrs.CONTENT_LENGTH in self.headers:
            return False
        return bool(self.chunked) or (self._stream is not None and self._body_size() is None)

    def _cut_to_content_length(self) -> None:
        """A body longer than the user's Content-Length is cut to it, as aiohttp's writer does:
        the rest would reach the server as the start of another request."""
        try:
            length = int(self.headers[hdrs.CONTENT_LENGTH])
        except ValueError:
            return  # not a number: nothing to cut to
        body = self.body
        if body is not None and 0 <= length < len(body):
            self.body = body[:length]

    def _prepare_compression(self, data: Any) -> None:
        """``compress=`` as aiohttp takes it, when the request is built: nothing to compress
        means no encoding; otherwise checked against the headers (``request_compression``),
        the header set and the body sent chunked."""
        if not data:
            self.compress = None
            return
        encoding = checked_encoding(self.compress, self.headers)
        self.compress = encoding
        self.headers[hdrs.CONTENT_ENCODING] = encoding
        self.chunked = True

    def _apply_compression(self) -> None:
        compress = self.compress
        if self._compressed:
            return  # already applied: the request is being sent again (retry, middleware)
        self._compressed = True
        if not compress:
            return
        encoding = compress if isinstance(compress, str) else "deflate"
        if self.headers.get(hdrs.CONTENT_ENCODING, encoding) != encoding:
            return  # a Content-Encoding put in after the request was built: sent as given
        encoding = encoding_of(compress)
        self.headers[hdrs.CONTENT_ENCODING] = encoding
        if self.body is not None:
            self.body = compressed(self.body, encoding)
        elif self._stream is not None:
            self._compress_stream = encoding  # the StreamWriter compresses as it sends

    # ---- sending ----

    def _serialize_head(self) -> bytes:
        headers = self.headers
        if (
            len(headers) <= CACHED_HEADERS_MAX
            and not self.skip_auto_headers
            and self.proxy is None
            and not self._expect100
            and self.version == HttpVersion11
            and self._stream is None
            and not self.chunked
            and not self._force_close
            and self.DEFAULT_HEADERS is ClientRequest.DEFAULT_HEADERS
        ):
            head = cached_head(
                self.method, self.url, headers, self.body, self._header_lines
            )
            if head is not None:
                return head
        return serialize_request_head(
            self.method, self._target(), self.version, self._final_headers()
        )

    async def send(self, conn: Any, read_options: Any = None) -> ClientResponse:
        """Write the request on ``conn`` and return the response (head not yet read).

        ``read_options`` is the session's ``(read_timeout, deadline, read_bufsize,
        auto_decompress, limits, read_until_eof)`` tuple, or None for defaults.
        """
        response = self._send_now(conn, read_options)
        if response is not None:
            return response
        tracker = self._upload_tracker
        attempt = tracker.attempts if tracker is not None else 0
        if not self._compressed:
            if tracker is not None and self.compress and self.body is not None:
                tracker._body_size = len(self.body)  # the payload, as counted: uncompressed
            self._apply_compression()
        connector = getattr(conn, "_connector", None)
        self._force_close = bool(getattr(connector, "force_close", False))
        head = self._serialize_head()
        protocol = conn.protocol
        waiter = protocol.begin(
            self.method == _METH_HEAD,
            read_options if read_options is not None else _DEFAULT_READ_OPTIONS,
            self._expect100,
            self._expect100 or self._stream is not None,
        )
        transport = protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        traces = self._traces
        body = self._wire_body()
        writer_task = None
        if self._expect100:
            transport.write(head)
            if traces:
                await self._signal_headers_sent(traces)
            writer_task = asyncio.ensure_future(
                send_after_continue(self, protocol, attempt, len(head))
            )
        elif body is not None and self._stream is None:
            if tracker is not None:
                tracker._writing(attempt, transport, len(head))
            large = len(body) > _COALESCE_LIMIT
            if large:
                transport.write(head)
                transport.write(body)
            else:
                transport.write(head + body)
            if tracker is not None:
                report_written(self, tracker, attempt, len(head) + len(body))
            if large:
                try:
                    await drained(protocol, tracker, attempt)
                except ClientConnectionResetError:
                    if not waiter.done() or waiter.exception() is not None:
                        raise
                    # the server answered (413...) and closed without taking the whole body:
                    # its answer is the result, as with aiohttp (the tracker knows already)
                    tracker = None
            if tracker is not None:
                tracker._finished(attempt)
            self._body_sent = True
            if traces and (
                wants(traces, "request_headers_sent") or wants(traces, "request_chunk_sent")
            ):
                sent = self._sent_headers()
                for trace in traces:
                    await trace.send_request_headers(self.method, self.url, sent)
                    if body:
                        await trace.send_request_chunk_sent(self.method, self.url, self.body)
        elif self._stream is not None:
            transport.write(head)
            if traces:
                await self._signal_headers_sent(traces)
            writer_task = asyncio.ensure_future(
                send_stream(self, protocol, attempt, len(head))
            )
        else:
            transport.write(head)
            if tracker is not None:
                tracker._finished(attempt)  # no body: all of it is out
            if traces:
                await self._signal_headers_sent(traces)
        return self._response(protocol, waiter, writer_task)

    async def _signal_headers_sent(self, traces: list[Any]) -> None:
        """request_headers_sent, to the traces listening (the headers are built only then)."""
        if wants(traces, "request_headers_sent"):
            sent = self._sent_headers()
            for trace in traces:
                await trace.send_request_headers(self.method, self.url, sent)

    def _send_now(self, conn: Any, read_options: Any) -> ClientResponse | None:
        """``send()`` for the requests that need no await (no one listening to the sending
        signals, no Expect: 100-continue, no streamed or large body): head and body in one
        write. None, having sent nothing, for the others."""
        body = self.body
        traces = self._traces
        if (
            traces
            and (wants(traces, "request_headers_sent") or wants(traces, "request_chunk_sent"))
            or self._expect100
            or self._stream is not None
            or self.chunked
            or (body is not None and len(body) > _COALESCE_LIMIT)
            or self._upload_tracker is not None
        ):
            return None
        if not self._compressed:
            if self.compress:
                self._apply_compression()
                body = self.body
            else:
                self._compressed = True
            if body is not None and len(body) > _COALESCE_LIMIT:
                return None
        connector = getattr(conn, "_connector", None)
        self._force_close = bool(getattr(connector, "force_close", False))
        head = self._serialize_head()
        protocol = conn.protocol
        if protocol is None:  # released or closed already
            raise ClientConnectionResetError("Cannot write to closing transport")
        waiter = protocol.begin(
            self.method == _METH_HEAD,
            read_options if read_options is not None else _DEFAULT_READ_OPTIONS,
            False,
            False,
        )
        transport = protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        if body is None:
            transport.write(head)
        else:
            transport.write(head + body)
            self._body_sent = True
        return self._response(protocol, waiter, None)

    def _wire_body(self) -> bytes | None:
        """The in-memory body as written: one chunk plus the last-chunk when the request is
        chunked (``chunked=True``, or a Transfer-Encoding: chunked header)."""
        body = self.body
        if body is not None and self._stream is None and self._is_chunked():
            return (b"%x\r\n%b\r\n0\r\n\r\n" % (len(body), body)) if body else b"0\r\n\r\n"
        return body

    def _response(self, protocol: Any, waiter: Any, writer_task: Any) -> ClientResponse:
        """The response object of this request, waiting for its head on ``waiter``."""
        traces = self._traces
        response_class = self.response_class
        if response_class.__init__ is _RESPONSE_INIT:
            # __init__'s work, positionally (request_info None: built when first asked for)
            original = self.original_url
            wire_url = self.url
            if wire_url is not original:  # a fragment dropped (or the URL set since)
                wire_url = original.with_fragment(None) if original.raw_fragment else original
            response = response_class.__new__(response_class)
            response._init(
                self.method, original, wire_url, None, traces, self.loop, self._session, None
            )
        else:
            response = response_class(
                self.method,
                self.original_url,
                request_info=None,
                traces=traces,
                loop=self.loop,
                session=self._session,
            )
        response._head_waiter = waiter
        response._request = self
        response._protocol = protocol
        if writer_task is not None:
            response._set_writer(writer_task)
        return response

    def __repr__(self) -> str:
        return f"<ClientRequest({self.method} {self.url})>"


class ClientRequest(_ClientRequestCore):
    """A request being sent: method, URL, headers and body, plus where to connect.

    It satisfies ``abc.ConnectTarget`` for the connector. Middlewares may change ``headers``
    (and ``url``) before the request is sent.
    """

    __slots__ = ()
