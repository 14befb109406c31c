"""HTTP proxies: the ``CONNECT`` tunnel for https targets, and the headers of plain proxying.

An ``http://`` target through a proxy needs nothing special from the connection: the request is
sent to the proxy in absolute form (``GET http://host/path``) with the headers of
:func:`proxy_request_headers`. An ``https://`` (or ``wss://``) target needs a tunnel: the
connector connects to the proxy, :func:`open_tunnel` asks it to ``CONNECT host:port`` and reads
its answer, then the connector upgrades the same transport with ``loop.start_tls`` using the
target's name for SNI and certificate checks, so the proxy only ever relays ciphertext.

Only the proxy's own headers (``proxy_headers``, ``Proxy-Authorization``) are sent on the
``CONNECT``; the target's headers (``Authorization``, cookies) travel inside TLS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import hdrs
from .abc import ConnectTarget
from .auth import BasicAuth
from .client_exceptions import (
    ClientConnectionError,
    ClientConnectorError,
    ClientHttpProxyError,
    ClientProxyConnectionError,
    ClientResponseError,
    ConnectionTimeoutError,
    ServerDisconnectedError,
)
from .http_exceptions import HttpProcessingError
from .http_message import HttpVersion11, ResponseMessage
from .http_parser import ResponseParser
from .http_writer import serialize_request_head
from .proxy_env import split_proxy_auth
from .timeouts import ClientTimeout
from .tls import resolve_ssl, translate_connect_error
from .typedefs import ConnectionKey, RequestInfo

__all__ = (
    "connect_request_head",
    "create_proxy_connection",
    "open_tunnel",
    "proxy_request_headers",
)


def proxy_request_headers(proxy_auth: BasicAuth | None) -> dict[str, str]:
    """Headers a request sent *through* a plain-http proxy adds for the proxy itself."""
    if proxy_auth is None:
        return {}
    return {hdrs.PROXY_AUTHORIZATION: proxy_auth.encode()}


def _authority(host: str, port: int) -> str:
    # An IPv6 literal must be bracketed in an authority (RFC 9110 section 4.2 / RFC 3986).
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{host}:{port}"


def connect_request_head(
    target_host: str,
    target_port: int,
    proxy_auth: BasicAuth | None = None,
    proxy_headers: Mapping[str, str] | None = None,
) -> bytes:
    """The bytes of ``CONNECT host:port HTTP/1.1`` with Host and the proxy's headers.

    ``proxy_auth`` wins over a ``Proxy-Authorization`` in ``proxy_headers``. Raises ValueError on
    CR/LF/NUL in any name or value (no header injection through a proxy setting).
    """
    authority = _authority(target_host, target_port)
    headers: CIMultiDict[str] = CIMultiDict()
    headers[hdrs.HOST] = authority
    if proxy_headers:
        for name, value in proxy_headers.items():
            if name.lower() != "host":
                headers.add(name, value)
    if proxy_auth is not None:
        headers[hdrs.PROXY_AUTHORIZATION] = proxy_auth.encode()
    return serialize_request_head(hdrs.METH_CONNECT, authority, HttpVersion11, headers)


class _TunnelHandshake(asyncio.Protocol):
    """Stands in for the connection's protocol while the proxy answers ``CONNECT``.

    It feeds the parser exactly the bytes of the proxy's response head(s), never one byte
    beyond, so whatever follows the head stays distinguishable from it.
    """

    def __init__(self, owner: asyncio.BaseProtocol, waiter: asyncio.Future[ResponseMessage]):
        self._owner = owner
        self._waiter = waiter
        self._parser = ResponseParser(self)
        # A 2xx answer to CONNECT has no body whatever its headers say (RFC 9110 section 9.3.6);
        # for an error answer we never read the body.
        self._parser.skip_body = True
        self._tail = b""  # the last 3 bytes seen, to find a CRLFCRLF split across reads
        self._message: ResponseMessage | None = None
        self.extra = b""  # bytes that arrived after the final response head

    # ResponseParserHandler
    def on_headers(self, message: ResponseMessage) -> None:
        # 1xx interim answers are skipped; a 101 is final (the parser stops after it).
        if message.status >= 200 or message.status == 101:
            self._message = message

    def on_body(self, data: bytes) -> None:  # pragma: no cover - skip_body is set
        pass

    def on_message_complete(self) -> None:
        pass

    # asyncio.Protocol
    def data_received(self, data: bytes) -> None:
        if self._waiter.done():
            self.extra += data
            return
        try:
            while data:
                scan = self._tail + data
                end = scan.find(b"\r\n\r\n")
                if end < 0:
                    self._tail = scan[-3:]
                    self._parser.feed_data(data)
                    return
                cut = end + 4 - len(self._tail)
                self._tail = b""
                self._parser.feed_data(data[:cut])
                data = data[cut:]
                if self._message is not None:
                    self.extra = data
                    self._waiter.set_result(self._message)
                    return
        except Exception as exc:  # a parse error (HttpProcessingError) or a dead parser
            if not self._waiter.done():
                self._waiter.set_exception(exc)

    def eof_received(self) -> bool | None:
        return None  # close the transport; connection_lost reports it

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._waiter.done():
            error = ServerDisconnectedError("Proxy closed the connection before answering CONNECT")
            if exc is not None:
                error.__cause__ = exc
            self._waiter.set_exception(error)
        # The owner must learn that its connection is gone, as if it had been attached all along.
        self._owner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._owner.pause_writing()

    def resume_writing(self) -> None:
        self._owner.resume_writing()


async def open_tunnel(
    transport: asyncio.Transport,
    protocol: asyncio.BaseProtocol,
    *,
    target_host: str,
    target_port: int,
    proxy_auth: BasicAuth | None,
    proxy_headers: Mapping[str, str] | None,
    request_info: RequestInfo,
) -> None:
    """Ask the proxy at the other end of ``transport`` to tunnel to ``target_host:target_port``.

    On return the transport is attached to ``protocol`` again and carries raw bytes to the
    target: call ``loop.start_tls(transport, protocol, sslcontext, server_hostname=...)``.
    Raises :class:`ClientHttpProxyError` (status, reason and headers of the proxy's answer) for
    any answer but 200, :class:`ClientResponseError` for a malformed answer,
    :class:`ServerDisconnectedError` when the proxy closes first; the transport is closed then.
    The caller bounds the wait (its connect timeout) and closes the transport on cancellation.
    """
    head = connect_request_head(target_host, target_port, proxy_auth, proxy_headers)
    waiter: asyncio.Future[ResponseMessage] = asyncio.get_running_loop().create_future()
    handshake = _TunnelHandshake(protocol, waiter)
    transport.set_protocol(handshake)
    try:
        transport.write(head)
        message = await waiter
    except HttpProcessingError as exc:
        transport.close()
        raise ClientResponseError(
            request_info, (), status=exc.code, message=exc.message
        ) from exc
    except BaseException:
        transport.close()
        raise
    finally:
        if not transport.is_closing():
            transport.set_protocol(protocol)
    if message.status != 200:
        transport.close()
        reason = message.reason
        if not reason:
            try:
                reason = HTTPStatus(message.status).phrase
            except ValueError:
                reason = ""
        raise ClientHttpProxyError(
            request_info,
            (),
            status=message.status,
            message=reason,
            headers=CIMultiDictProxy(message.headers),
        )
    if handshake.extra:
        # Nothing may come from the target before we speak: TLS servers wait for ClientHello.
        transport.close()
        raise ClientConnectionError(
            f"Proxy sent {len(handshake.extra)} unexpected bytes after its CONNECT answer"
        )


class _ProxyTarget:
    """The proxy itself as a connection target: what the connector's direct path needs."""

    __slots__ = ("url", "host", "port", "ssl", "server_hostname", "_key")

    proxy: URL | None = None
    proxy_auth: Any = None
    proxy_headers: Mapping[str, str] | None = None

    def __init__(self, proxy: URL, ssl: Any) -> None:
        self.url = proxy
        self.host = proxy.raw_host or ""
        self.port = proxy.port
        # Only an https:// proxy is reached over TLS; it is verified with the request's ssl
        # setting, as aiohttp does.
        self.ssl = ssl if proxy.scheme == "https" else False
        self.server_hostname = None
        self._key = ConnectionKey(
            self.host, self.port, self.is_ssl(), self.ssl, None, None, None, None
        )

    @property
    def connection_key(self) -> ConnectionKey:
        return self._key

    def is_ssl(self) -> bool:
        return self.url.scheme == "https"


async def create_proxy_connection(
    connector: Any, req: ConnectTarget, traces: list[Any], timeout: ClientTimeout
) -> Any:
    """The connector's proxy path: a connection to ``req.proxy``, tunnelled when ``req`` is TLS.

    For an http target the connection to the proxy is returned as is (the request goes in
    absolute form with ``Proxy-Authorization``). For an https/wss target the proxy is asked to
    ``CONNECT`` and the same connection is upgraded to TLS with the target's name (SNI and
    certificate checks), then handed to the protocol with ``connection_made``.

    ``connector`` is a TCPConnector; this uses its ``_create_direct_connection``,
    ``_deadline``, ``_ssl`` and ``_loop``. Errors: ClientProxyConnectionError when the proxy
    can't be reached, ClientHttpProxyError when it refuses, ConnectionTimeoutError past
    ``timeout.sock_connect``, the TLS errors of a direct connection (keyed by ``req``).
    """
    assert req.proxy is not None
    proxy, proxy_auth = split_proxy_auth(req.proxy, req.proxy_auth)
    target = _ProxyTarget(proxy, req.ssl)
    try:
        # No traces: DNS and connect events describe the request's target, not its proxy.
        proto = await connector._create_direct_connection(target, [], timeout)
    except ClientConnectorError as exc:
        if type(exc) is not ClientConnectorError:  # DNS, TLS: already precise
            raise
        raise ClientProxyConnectionError(target.connection_key, exc.os_error) from exc
    if not req.is_ssl():
        return proto

    transport = proto.transport
    port = req.port if req.port is not None else req.url.port or 443
    headers = req.proxy_headers
    # the CONNECT request as aiohttp describes it: the target's URL, the proxy's as real_url
    info = RequestInfo(
        req.url, hdrs.METH_CONNECT, CIMultiDictProxy(CIMultiDict(headers or {})), proxy
    )
    sslcontext, fingerprint = resolve_ssl(req.ssl, connector._ssl)
    server_hostname = (req.server_hostname or req.host).rstrip(".")
    cm = asyncio.timeout_at(connector._deadline(timeout.sock_connect))
    try:
        async with cm:
            await open_tunnel(
                transport,
                proto,
                target_host=req.host,
                target_port=port,
                proxy_auth=proxy_auth,
                proxy_headers=headers,
                request_info=info,
            )
            try:
                tls_transport = await connector._loop.start_tls(
                    transport, proto, sslcontext, server_hostname=server_hostname
                )
            except TypeError as exc:
                # uvloop can't layer TLS over a TLS transport (an https:// proxy).
                raise ClientConnectionError(
                    f"Cannot open a TLS-in-TLS connection to {req.host}:{port} through the "
                    f"https proxy {proxy} with this event loop: {exc}"
                ) from exc
    except OSError as exc:  # TimeoutError included
        transport.close()
        if cm.expired():
            raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
        raise translate_connect_error(req.connection_key, exc) from exc
    except BaseException:
        transport.close()
        raise
    if tls_transport is None:  # the transport closed during the handshake
        transport.close()
        raise ClientConnectorError(
            req.connection_key, OSError("Failed to start TLS (transport closed)")
        )
    # start_tls attaches ``proto`` without calling connection_made: give it the TLS transport.
    proto.connection_made(tls_transport)
    if fingerprint is not None:
        try:
            fingerprint.check(tls_transport)
        except BaseException:
            proto.close()
            raise
    return proto
