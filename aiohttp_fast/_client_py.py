# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""ClientSession: defaults, the send pipeline and the context managers (L5).

The pipeline is a short stack: ``_request`` (defaults, redirects, cookies, tracing) →
middlewares → ``_send`` (one request on one connection, retried once on a stale keep-alive
connection). Nothing here starts a Task or arms a timer per request: timeouts live in the
connection's protocol (see protocol.py).
"""

from __future__ import annotations

import asyncio
import json as _json
import warnings
from collections.abc import Awaitable, Callable, Iterable, Sequence
from ssl import SSLContext
from typing import Any

from multidict import CIMultiDict, istr
from yarl import URL

try:
    import cython  # compiled as _client_c: the compiler's own (types the hot locals)
except ImportError:  # pure Python without Cython installed
    from . import _cython_shim as cython

from . import hdrs
from .auth import BasicAuth
from .client_exceptions import (
    ClientConnectionError,
    ClientConnectionResetError,
    ClientOSError,
    InvalidURL,
    InvalidUrlClientError,
    RedirectClientError,
    ServerDisconnectedError,
    TooManyRedirects,
)
from .client_middlewares import ClientHandlerType, ClientMiddlewareType
from .client_middlewares import build_chain as _build_chain
from .client_request import ClientRequest
from .client_response import ClientResponse
from .connector import BaseConnector, TCPConnector
from .cookiejar import CookieJar, RequestCookieJar
from .http_exceptions import HttpProcessingError
from .http_message import HttpVersion, HttpVersion11
from .payload import json_body
from .proxy_env import env_proxy_for, netrc_auth_for, split_proxy_auth
from .redirects import REDIRECT_STATUSES, next_request, redirect_headers
from .request_context import RequestContextManager as _RequestContextManager
from .request_context import SessionRequestContextManager as _SessionRequestContextManager
from .request_headers import cookie_header as _cookie_header
from .request_headers import merge_headers as _merge_headers
from .timeouts import DEFAULT_TIMEOUT, ClientTimeout, connect_timeout_of
from .tls import Fingerprint, merge_ssl_params
from .tracing import Trace, TraceConfig, wants
from .upload_tracker import UploadTracker

__all__ = ("ClientSession", "request", "ClientMiddlewareType", "ClientHandlerType")


_SENTINEL: Any = object()
_NO_TRACES: tuple[Any, ...] = ()
_SET_COOKIE = hdrs.SET_COOKIE  # asked of every response: a module global, one look-up
_RETRYABLE = (ServerDisconnectedError, ClientConnectionResetError, ClientOSError)
_REQUEST_INIT = ClientRequest.__init__
_REQUEST_SEND = ClientRequest.send
_RESPONSE_START = ClientResponse.start
_CONNECT = BaseConnector.connect
_PARSED_URLS: dict[str, URL] = {}



def _default_charset_resolver(response: ClientResponse, body: bytes) -> str:
    return "utf-8"


class _ClientSessionCore:
    """ClientSession's state and methods: an extension type in the compiled twin
    (``_client_c.pxd``). ClientSession itself stays a Python class, patchable as
    aiohttp's."""

    __slots__ = (
        "_loop",
        "_base_url",
        "_base_url_origin",
        "_connector",
        "_connector_owner",
        "_cookie_jar",
        "_default_headers",
        "_skip_auto_headers",
        "_default_auth",
        "_default_proxy",
        "_default_proxy_auth",
        "_json_serialize",
        "_json_serialize_bytes",
        "_timeout",
        "_connect_timeout",
        "_raise_for_status",
        "_auto_decompress",
        "_read_bufsize",
        "_limits",
        "_trust_env",
        "_trace_configs",
        "_middlewares",
        "_resolve_charset",
        "_requote_redirect_url",
        "_request_class",
        "_response_class",
        "_version",
        "_closed",
        "_retry_connection",
        "__weakref__",
    )

    def __init__(
        self,
        base_url: str | URL | None = None,
        *,
        connector: Any = None,
        loop: asyncio.AbstractEventLoop | None = None,
        cookies: Any = None,
        headers: Any = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        json_serialize: Callable[[Any], str] = _json.dumps,
        json_serialize_bytes: Callable[[Any], bytes] | None = None,
        request_class: type[ClientRequest] = ClientRequest,
        response_class: type[ClientResponse] = ClientResponse,
        version: HttpVersion = HttpVersion11,
        cookie_jar: Any = None,
        connector_owner: bool = True,
        raise_for_status: bool | Callable[[ClientResponse], Awaitable[None]] = False,
        timeout: ClientTimeout | Any = _SENTINEL,
        auto_decompress: bool = True,
        trust_env: bool = False,
        requote_redirect_url: bool = True,
        trace_configs: list[TraceConfig] | None = None,
        read_bufsize: int = 2**16,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        fallback_charset_resolver: Callable[[ClientResponse, bytes], str] = (
            _default_charset_resolver
        ),
        middlewares: Sequence[ClientMiddlewareType] = (),
        ws_response_class: Any = None,
        ssl_shutdown_timeout: Any = None,
    ) -> None:
        # set first: __del__ must work even when the checks below raise
        self._closed = True
        self._connector = None
        if loop is None:
            loop = asyncio.get_running_loop()
        self._loop = loop
        if base_url is None or isinstance(base_url, URL):
            self._base_url: URL | None = base_url
        else:
            self._base_url = URL(base_url)
        if self._base_url is not None:
            if not self._base_url.absolute:
                raise ValueError("Only absolute URLs are supported")
            if not self._base_url.path.endswith("/"):
                raise ValueError("base_url must have a trailing '/'")
        self._base_url_origin = self._base_url.origin() if self._base_url else None
        if connector is None:
            connector = TCPConnector()
        self._connector = connector
        self._connector_owner = connector_owner
        if cookie_jar is None:
            cookie_jar = CookieJar()
        self._cookie_jar = cookie_jar
        if cookies and cookie_jar is not None:
            cookie_jar.update_cookies(cookies)
        self._default_headers: CIMultiDict[str] = (
            CIMultiDict(headers) if headers else CIMultiDict()
        )
        self._skip_auto_headers = frozenset(istr(h) for h in skip_auto_headers or ())
        self._default_auth = auth
        self._default_proxy = URL(proxy) if isinstance(proxy, str) else proxy
        self._default_proxy_auth = proxy_auth
        self._json_serialize = json_serialize
        # aiohttp 3.14: a serializer returning bytes (orjson.dumps...) used for json= if given
        self._json_serialize_bytes = json_serialize_bytes
        if timeout is _SENTINEL or timeout is None:
            timeout = DEFAULT_TIMEOUT
        elif isinstance(timeout, int | float):
            timeout = ClientTimeout(total=timeout)
        self._timeout: ClientTimeout = timeout
        self._connect_timeout = connect_timeout_of(timeout)
        self._raise_for_status = raise_for_status
        self._auto_decompress = auto_decompress
        self._read_bufsize = read_bufsize
        self._limits = (max_line_size, max_field_size, max_headers)
        self._trust_env = trust_env
        self._trace_configs = list(trace_configs or ())
        for tc in self._trace_configs:
            tc.freeze()
        self._middlewares = tuple(middlewares)
        self._resolve_charset = fallback_charset_resolver
        self._requote_redirect_url = requote_redirect_url
        self._request_class = request_class
        self._response_class = response_class
        self._version = version
        # aiohttp's test client sets this False to turn the stale keep-alive retry off
        self._retry_connection = True
        self._closed = False

    # ---- public attributes ----

    @property
    def closed(self) -> bool:
        """True once the session (or its connector) is closed."""
        connector = self._connector
        return self._closed or connector is None or getattr(connector, "closed", False)

    @property
    def connector(self) -> Any:
        return self._connector

    @property
    def cookie_jar(self) -> Any:
        return self._cookie_jar

    @property
    def version(self) -> HttpVersion:
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        return self._requote_redirect_url

    @property
    def timeout(self) -> ClientTimeout:
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """The default headers (mutable, like aiohttp's)."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[str]:
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        return self._default_auth

    @property
    def json_serialize(self) -> Callable[[Any], str]:
        return self._json_serialize
    @property
    def connector_owner(self) -> bool:
        return self._connector_owner

    @property
    def raise_for_status(self) -> Any:
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        return self._trust_env

    @property
    def trace_configs(self) -> list[TraceConfig]:
        return self._trace_configs

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    # ---- requests ----

    def request(self, method: str, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Perform a request of any method."""
        return _RequestContextManager(self._request(method, url, **kwargs))

    def get(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        if not kwargs:  # positional: no keyword dict to build and parse (the common call)
            return _RequestContextManager(self._request("GET", url))
        return _RequestContextManager(self._request("GET", url, **kwargs))

    def options(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        return _RequestContextManager(self._request("OPTIONS", url, **kwargs))

    def head(
        self, url: str | URL, *, allow_redirects: bool = False, **kwargs: Any
    ) -> _RequestContextManager:
        return _RequestContextManager(
            self._request("HEAD", url, allow_redirects=allow_redirects, **kwargs)
        )

    def post(
        self, url: str | URL, *, data: Any = None, json: Any = None, **kwargs: Any
    ) -> _RequestContextManager:
        return self._with_body("POST", url, data, json, kwargs)

    def put(
        self, url: str | URL, *, data: Any = None, json: Any = None, **kwargs: Any
    ) -> _RequestContextManager:
        return self._with_body("PUT", url, data, json, kwargs)

    def patch(
        self, url: str | URL, *, data: Any = None, json: Any = None, **kwargs: Any
    ) -> _RequestContextManager:
        return self._with_body("PATCH", url, data, json, kwargs)

    def delete(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        return _RequestContextManager(self._request("DELETE", url, **kwargs))

    def _with_body(
        self, method: str, url: str | URL, data: Any, json: Any, kwargs: dict[str, Any]
    ) -> _RequestContextManager:
        if not kwargs:  # positional, as get()
            return _RequestContextManager(self._request(method, url, None, data, json))
        return _RequestContextManager(
            self._request(method, url, data=data, json=json, **kwargs)
        )

    def _build_url(self, str_or_url: str | URL) -> URL:
        if self._base_url is None and type(str_or_url) is str:
            # URLs are immutable: parse each string once
            url = _PARSED_URLS.get(str_or_url)
            if url is None:
                try:
                    url = URL(str_or_url)
                except (ValueError, TypeError) as exc:
                    raise InvalidUrlClientError(str_or_url) from exc
                if len(_PARSED_URLS) >= 1024:
                    _PARSED_URLS.clear()
                _PARSED_URLS[str_or_url] = url
            return url
        try:
            url = str_or_url if isinstance(str_or_url, URL) else URL(str_or_url)
        except ValueError as exc:  # a TypeError (not a str nor URL) propagates, as in aiohttp
            raise InvalidUrlClientError(str_or_url) from exc
        if self._base_url is not None and not url.absolute:
            return self._base_url.join(url)
        return url

    @cython.locals(built="_ClientRequestCore")
    async def _request(
        self,
        method: str,
        str_or_url: str | URL,
        # not keyword-only on purpose: positional defaults make creating the coroutine cheaper
        params: Any = None,
        data: Any = None,
        json: Any = None,
        cookies: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        allow_redirects: bool = True,
        max_redirects: int = 10,
        compress: bool | str | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        raise_for_status: Any = None,
        read_until_eof: bool = True,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        timeout: Any = _SENTINEL,
        ssl: Any = True,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        trace_request_ctx: Any = None,
        read_bufsize: int | None = None,
        auto_decompress: bool | None = None,
        max_line_size: int | None = None,
        max_field_size: int | None = None,
        max_headers: int | None = None,
        middlewares: Sequence[ClientMiddlewareType] | None = None,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: Any = None,
        upload_tracker: UploadTracker | None = None,
    ) -> ClientResponse:
        if upload_tracker is not None:
            upload_tracker._bind()
        # From here on an error settles the tracker and reaches the traces that saw the start.
        traces: Any = _NO_TRACES
        try:
            if self.closed:
                raise RuntimeError("Session is closed")
            if data is not None and json is not None:
                raise ValueError("data and json parameters can not be used at the same time")
            if verify_ssl is False or ssl_context is not None or fingerprint is not None:
                # warns, as aiohttp does
                ssl = merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
            elif ssl is not True and ssl is not False and ssl is not None and not isinstance(
                ssl, SSLContext | Fingerprint
            ):
                raise TypeError(
                    f"ssl should be SSLContext, bool, Fingerprint or None, got {ssl!r} instead."
                )
            loop = self._loop
            url = self._build_url(str_or_url)
            if headers:
                headers = _merge_headers(self._default_headers, headers)
            elif self._default_headers:
                headers = CIMultiDict(self._default_headers)
            else:
                headers = None
            if json is not None:
                if self._json_serialize_bytes is not None:
                    data = self._json_serialize_bytes(json)
                else:
                    data = json_body(json, self._json_serialize)
                if headers is None:
                    headers = CIMultiDict()
                if hdrs.CONTENT_TYPE not in headers:
                    headers[hdrs.CONTENT_TYPE] = "application/json"
            skip = self._skip_auto_headers
            if skip_auto_headers:
                skip = skip | frozenset(istr(h) for h in skip_auto_headers)

            # timeouts: all of them end up in the connection's protocol
            if timeout is _SENTINEL or timeout is None:
                tm = self._timeout
                connect_tm = self._connect_timeout
            else:
                tm = ClientTimeout(total=timeout) if isinstance(timeout, int | float) else timeout
                connect_tm = connect_timeout_of(tm)
            total = tm.total
            deadline = loop.time() + total if total else None
            read_options = (
                tm.sock_read,
                deadline,
                read_bufsize if read_bufsize is not None else self._read_bufsize,
                self._auto_decompress if auto_decompress is None else auto_decompress,
                self._limits
                if max_line_size is None and max_field_size is None and max_headers is None
                else (
                    max_line_size or self._limits[0],
                    max_field_size or self._limits[1],
                    max_headers or self._limits[2],
                ),
                read_until_eof,
            )

            # proxy: an explicit one holds for every hop; the environment's is looked up per hop
            proxy_url = proxy
            if proxy is not None:
                if not isinstance(proxy, URL):
                    try:
                        proxy_url = URL(proxy)  # TypeError for a non-string, as in aiohttp
                    except ValueError as exc:
                        raise InvalidURL(proxy) from exc
                if not proxy_url.host:
                    raise InvalidURL(proxy_url)
            if proxy_url is None:
                proxy_url = self._default_proxy
                if proxy_auth is None:
                    proxy_auth = self._default_proxy_auth
            env_proxy = proxy_url is None and self._trust_env
            explicit_proxy_auth = proxy_auth
            if proxy_url is not None:
                # credentials in the URL (``user:pw@`` or ``:pw@``) move into proxy_auth
                proxy_url, proxy_auth = split_proxy_auth(proxy_url, proxy_auth)
            if proxy_headers is not None and not isinstance(proxy_headers, CIMultiDict):
                proxy_headers = CIMultiDict(proxy_headers)

            if self._trace_configs:
                created = [
                    Trace(self, tc, tc.trace_config_ctx(trace_request_ctx=trace_request_ctx))
                    for tc in self._trace_configs
                ]
                if wants(created, "request_start"):
                    for trace in created:
                        await trace.send_request_start(method, url, headers or CIMultiDict())
                traces = created  # they saw the start: they see the exception if one follows

            if self._middlewares or middlewares:
                chosen = middlewares if middlewares is not None else self._middlewares
                handler = _build_chain(
                    lambda req: self._send(req, connect_tm, read_options, traces), chosen
                )
            else:
                handler = None
            rfs = self._raise_for_status if raise_for_status is None else raise_for_status
            history: list[ClientResponse] = []
            while True:
                if url.raw_user:
                    url_auth = BasicAuth(url.user or "", url.password or "")
                    if auth is not None and not history:
                        raise ValueError(
                            "Cannot combine AUTH argument with credentials encoded in URL"
                        )
                    auth = url_auth
                    url = url.with_user(None)
                req_auth = auth
                if req_auth is None and self._default_auth is not None and (
                    self._base_url_origin is None or self._base_url_origin == url.origin()
                ):
                    req_auth = self._default_auth
                if req_auth is None and self._trust_env and url.host:
                    req_auth = await loop.run_in_executor(None, netrc_auth_for, url.host)
                if req_auth is not None and headers and hdrs.AUTHORIZATION in headers:
                    raise ValueError(
                        "Cannot combine AUTHORIZATION header with AUTH argument "
                        "or credentials encoded in URL"
                    )
                if env_proxy:
                    proxy_url, proxy_auth = env_proxy_for(url, explicit_proxy_auth)
                jar = self._cookie_jar
                if jar is None:
                    jar_cookies = None
                elif type(jar) is CookieJar:
                    # its count read directly: len() would be the request's one Python call
                    jar_cookies = jar.filter_cookies(url) if jar._count else None
                else:
                    jar_cookies = jar.filter_cookies(url) if len(jar) else None
                # a request's own cookies pass the jar's rules too (Secure, Domain, Path)
                req_cookies = RequestCookieJar.filter_for(jar, cookies, url) if cookies else None
                cookie_value = (
                    _cookie_header(jar_cookies, req_cookies)
                    if jar_cookies or req_cookies
                    else None
                )
                request_class = self._request_class
                if request_class.__init__ is _REQUEST_INIT:
                    # positional: twenty-odd keyword arguments cost more than building it
                    req = built = request_class.__new__(request_class)
                    built._init(
                        method, url, params, headers, skip, data, cookie_value, req_auth,
                        self._version, compress, chunked, expect100, loop,
                        self._response_class, proxy_url, proxy_auth, proxy_headers, ssl,
                        server_hostname, traces, self, trace_request_ctx,
                    )
                else:
                    req = request_class(
                        method,
                        url,
                        params=params,
                        headers=headers,
                        skip_auto_headers=skip,
                        data=data,
                        cookies=cookie_value,
                        auth=req_auth,
                        version=self._version,
                        compress=compress,
                        chunked=chunked,
                        expect100=expect100,
                        loop=loop,
                        response_class=self._response_class,
                        proxy=proxy_url,
                        proxy_auth=proxy_auth,
                        proxy_headers=proxy_headers,
                        ssl=ssl,
                        server_hostname=server_hostname,
                        traces=traces,
                        session=self,
                        trace_request_ctx=trace_request_ctx,
                    )
                if upload_tracker is not None:
                    req._upload_tracker = upload_tracker
                if handler is None:
                    resp = await self._send(req, connect_tm, read_options, traces)
                else:
                    resp = await handler(req)
                if history:
                    resp._history = tuple(history)
                message = resp._message
                if (
                    jar is not None
                    and message is not None
                    and _SET_COOKIE in message.headers
                ):
                    self._store_cookies(resp)

                if not (allow_redirects and resp.status in REDIRECT_STATUSES):
                    break
                location = resp.headers.get(hdrs.LOCATION) or resp.headers.get(hdrs.URI)
                if not location:
                    break
                if traces:
                    for trace in traces:
                        await trace.send_request_redirect(method, url, req.headers, resp)
                history.append(resp)
                if max_redirects and len(history) >= max_redirects:
                    resp.close()
                    # no status, as aiohttp (its str() starts "0, message=''")
                    raise TooManyRedirects(history[0].request_info, tuple(history))
                resp.release()
                step = next_request(
                    resp.status, method, req.url, location, requote=self._requote_redirect_url
                )
                if step.keep_body and data is not None:
                    if not req.can_resend_body:
                        raise RedirectClientError(
                            f"Cannot follow the {resp.status} redirect to {step.url}: the "
                            "request body was a stream that can not be rewound; pass bytes "
                            "or a rewindable payload"
                        )
                    req.rewind_body()
                    if req._stream is not None:
                        data = req._stream  # the rewound payload, not a spent generator
                elif not step.keep_body:
                    data = None
                    compress = None
                    chunked = None
                headers = redirect_headers(
                    headers if headers is not None else CIMultiDict(),
                    drop_credentials=step.drop_credentials,
                    keep_body=step.keep_body,
                )
                if step.drop_credentials:
                    auth = None
                    cookies = None
                method = step.method
                url = step.url
                params = None
        except BaseException as exc:
            if traces:
                for trace in traces:
                    await trace.send_request_exception(
                        method, url, headers or CIMultiDict(), exc
                    )
            raise
        finally:
            if upload_tracker is not None:
                upload_tracker._finalize()  # returned or raised: no attempt follows

        if rfs:
            if callable(rfs):
                try:
                    await rfs(resp)
                except BaseException:
                    resp.release()  # nobody will get this response to release it
                    raise
            else:
                resp.raise_for_status()
        if traces and wants(traces, "request_end"):
            for trace in traces:
                await trace.send_request_end(method, url, headers or CIMultiDict(), resp)
        return resp

    def _store_cookies(self, resp: ClientResponse) -> None:
        jar = self._cookie_jar
        values = resp._message.headers.getall(hdrs.SET_COOKIE)  # type: ignore[union-attr]
        updater = getattr(jar, "update_cookies_from_headers", None)
        if updater is not None:
            updater(values, resp.url)
        else:
            jar.update_cookies(resp.cookies, resp.url)

    @cython.locals(
        pooled="_BaseConnector", sent="_ClientRequestCore", started="_ClientResponseCore"
    )
    async def _send(
        self,
        req: ClientRequest,
        timeout: ClientTimeout,
        read_options: Any,
        traces: Any,
    ) -> ClientResponse:
        """One request on one connection; a stale pooled connection is retried once."""
        connector = self._connector
        if connector is None:
            raise RuntimeError("Session is closed")
        retried = False
        while True:
            tracker = req._upload_tracker
            if tracker is not None:
                tracker._attempt_started()
            conn = None
            if not traces and type(connector).connect is _CONNECT:
                pooled = connector
                conn = pooled._connect_now(req)  # a pooled connection: no coroutine
            if conn is None:
                conn = await connector.connect(req, traces, timeout)
            resp = None
            try:
                if type(req).send is _REQUEST_SEND:
                    # a ClientRequest (send not overridden): in the compiled twin, ``sent`` is
                    # typed as one, so this is a C call
                    sent = req
                    resp = sent._send_now(conn, read_options)  # no coroutine if none is needed
                if resp is None:
                    resp = await req.send(conn, read_options)
                if type(resp).start is not _RESPONSE_START:
                    await resp.start(conn)
                    return resp
                # ClientResponse.start() inlined: one coroutine fewer per request
                started = resp
                waiter = started._bind(conn)
                try:
                    message = await waiter
                except (ClientConnectionError, HttpProcessingError) as exc:
                    raise resp._head_failed(exc)  # noqa: B904 - its cause is set
                return started._head_received(message)
            except _RETRYABLE:
                reused = getattr(conn, "is_reused", False)
                protocol = conn.protocol
                if resp is not None:
                    resp.close()
                conn.close()
                if (
                    not retried
                    and reused
                    and self._retry_connection
                    and req.is_idempotent
                    and protocol is not None
                    and not protocol.response_started
                    and req.can_resend_body
                ):
                    # the server closed an idle keep-alive connection as we reused it
                    retried = True
                    req.rewind_body()
                    continue
                raise
            except BaseException:
                if resp is not None:
                    resp.close()  # stops a body writer still running
                conn.close()
                raise

    # ---- lifecycle ----

    async def close(self) -> None:
        """Close the session, and its connector when the session owns it."""
        if not self._closed:
            self._closed = True
            connector = self._connector
            if connector is not None and self._connector_owner:
                result = connector.close()
                if result is not None and hasattr(result, "__await__"):
                    await result
            self._connector = None

    def detach(self) -> None:
        """Forget the connector without closing it."""
        self._closed = True
        self._connector = None

    async def __aenter__(self) -> ClientSession:
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        await self.close()

    def __del__(self) -> None:
        # ``is False``: a session whose __init__ never ran has no _closed (the compiled twin
        # reads None there) and has nothing to warn about
        if getattr(self, "_closed", None) is False:
            warnings.warn(
                f"Unclosed client session {self!r}", ResourceWarning, stacklevel=1, source=self
            )
            context = {"client_session": self, "message": "Unclosed client session"}
            loop = getattr(self, "_loop", None)
            if loop is not None and not loop.is_closed():
                loop.call_exception_handler(context)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} closed={self._closed}>"


class ClientSession(_ClientSessionCore):
    """A pool of connections plus defaults (headers, cookies, auth, timeouts) for requests.

    Use ``async with ClientSession() as session:`` (or call ``await session.close()``), then
    ``await session.get(url)`` or ``async with session.get(url) as resp:``.
    """

    __slots__ = ()



def request(
    method: str,
    url: str | URL,
    *,
    connector: Any = None,
    loop: asyncio.AbstractEventLoop | None = None,
    **kwargs: Any,
) -> _SessionRequestContextManager:
    """One request in its own session: ``async with aiohttp_fast.request("GET", url) as r``."""
    # these configure the one-off session; everything else is a request argument
    session_kwargs = {
        name: kwargs.pop(name) for name in ("version", "trust_env") if name in kwargs
    }
    if connector is None and TCPConnector is not None:
        connector = TCPConnector(force_close=True)
    session = ClientSession(
        loop=loop, connector=connector, connector_owner=connector is not None, **session_kwargs
    )
    return _SessionRequestContextManager(session._request(method, url, **kwargs), session)

