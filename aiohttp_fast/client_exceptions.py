"""The client's exception hierarchy: aiohttp's class names, bases and attributes.

``except aiohttp.ClientConnectorError`` and friends keep working after
``import aiohttp_fast as aiohttp``. Timeouts are ``asyncio.TimeoutError`` subclasses.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from typing import Any

from .typedefs import ConnectionKey, RequestInfo, StrOrURL

__all__ = (
    "ClientError",
    "ClientResponseError",
    "ContentTypeError",
    "WSServerHandshakeError",
    "ClientHttpProxyError",
    "TooManyRedirects",
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientOSError",
    "ClientConnectorError",
    "ClientConnectorDNSError",
    "ClientProxyConnectionError",
    "UnixClientConnectorError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerTimeoutError",
    "ConnectionTimeoutError",
    "SocketTimeoutError",
    "ServerFingerprintMismatch",
    "ClientPayloadError",
    "UploadAbortedError",
    "InvalidURL",
    "InvalidUrlClientError",
    "RedirectClientError",
    "NonHttpUrlClientError",
    "InvalidUrlRedirectClientError",
    "NonHttpUrlRedirectClientError",
    "ClientSSLError",
    "ClientConnectorSSLError",
    "ClientConnectorCertificateError",
    "WSMessageTypeError",
)

class ClientError(Exception):
    """Base of every error the client raises."""

class ClientResponseError(ClientError):
    """A response arrived but is an error (or unusable): carries status, message and history."""

    def __init__(
        self,
        request_info: RequestInfo,
        history: tuple[Any, ...],
        *,
        code: int | None = None,
        status: int | None = None,
        message: str = "",
        headers: Any = None,
    ) -> None:
        self.request_info = request_info
        if code is not None:  # aiohttp's deprecated spelling of status
            if status is not None:
                raise ValueError(
                    "Both code and status arguments are provided; "
                    "code is deprecated, use status instead"
                )
            warnings.warn(
                "code argument is deprecated, use status instead", DeprecationWarning, stacklevel=2
            )
            status = code
        self.status = 0 if status is None else status
        self.message = message
        self.headers = headers
        self.history = history
        self.args = (request_info, history)

    @property
    def code(self) -> int:
        warnings.warn("code property is deprecated, use status instead", DeprecationWarning,
                      stacklevel=2)
        return self.status

    @code.setter
    def code(self, value: int) -> None:
        warnings.warn("code property is deprecated, use status instead", DeprecationWarning,
                      stacklevel=2)
        self.status = value

    def __str__(self) -> str:
        url = str(self.request_info.real_url) if self.request_info is not None else ""
        return f"{self.status}, message={self.message!r}, url={url!r}"

    def __repr__(self) -> str:
        parts = [repr(self.request_info), repr(self.history)]
        if self.status:
            parts.append(f"status={self.status!r}")
        if self.message:
            parts.append(f"message={self.message!r}")
        if self.headers is not None:
            parts.append(f"headers={self.headers!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

class ContentTypeError(ClientResponseError):
    """``response.json()`` met a Content-Type it was not told to accept."""

class WSServerHandshakeError(ClientResponseError):
    """The server refused or botched a WebSocket handshake."""

class ClientHttpProxyError(ClientResponseError):
    """The proxy answered CONNECT (or a proxied request) with an error status, e.g. 407."""

class TooManyRedirects(ClientResponseError):
    """More than ``max_redirects`` redirects; ``history`` holds the responses seen."""

class ClientConnectionError(ClientError):
    """Something went wrong with the connection itself."""

class ClientConnectionResetError(ClientConnectionError, ConnectionResetError):
    """The connection was reset (or closed) while we were writing to it."""

class ClientOSError(ClientConnectionError, OSError):
    """An OSError met on the connection."""

class ClientConnectorError(ClientOSError):
    """Establishing a connection failed (refused, unreachable, DNS, TLS handshake...)."""

    def __init__(self, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._conn_key = connection_key
        self._os_error = os_error
        super().__init__(os_error.errno, os_error.strerror)
        self.args = (connection_key, os_error)

    @property
    def os_error(self) -> OSError:
        return self._os_error

    @property
    def host(self) -> str:
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        return self._conn_key.port

    @property
    def ssl(self) -> Any:
        return self._conn_key.ssl

    def __str__(self) -> str:
        ssl_repr = self.ssl if self.ssl not in (None, True) else "default"
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{ssl_repr} "
            f"[{self._os_error.strerror or self._os_error}]"
        )

    # OSError.__reduce__ would rebuild with (errno, strerror): keep our own arguments.
    __reduce__ = BaseException.__reduce__

class ClientConnectorDNSError(ClientConnectorError):
    """The host name could not be resolved."""

class ClientProxyConnectionError(ClientConnectorError):
    """Connecting to the proxy failed."""

class UnixClientConnectorError(ClientConnectorError):
    """Connecting to a unix socket failed."""

    def __init__(self, path: str, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._path = path
        super().__init__(connection_key, os_error)

    @property
    def path(self) -> str:
        return self._path

    def __str__(self) -> str:
        return (
            f"Cannot connect to unix socket {self.path} ssl:"
            f"{self.ssl if self.ssl not in (None, True) else 'default'} "
            f"[{self.os_error.strerror or self.os_error}]"
        )

class ServerConnectionError(ClientConnectionError):
    """The server misbehaved at the connection level."""

class ServerDisconnectedError(ServerConnectionError):
    """The server closed the connection before (or while) sending the response."""

    def __init__(self, message: Any = None) -> None:
        if message is None:
            message = "Server disconnected"
        self.message = message
        self.args = (message,)

class ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError):
    """A timeout on the connection (connect or read)."""

class ConnectionTimeoutError(ServerTimeoutError):
    """Connecting (or waiting for a pooled connection) took longer than the timeout allows."""

class SocketTimeoutError(ServerTimeoutError):
    """No bytes arrived within ``sock_read`` seconds."""

class ServerFingerprintMismatch(ServerConnectionError):
    """The server's certificate does not have the pinned SHA-256 fingerprint."""

    def __init__(self, expected: bytes, got: bytes, host: str, port: int) -> None:
        self.expected = expected
        self.got = got
        self.host = host
        self.port = port
        self.args = (expected, got, host, port)

    def __repr__(self) -> str:
        return (
            f"<{self.__class__.__name__} expected={self.expected!r} "
            f"got={self.got!r} host={self.host!r} port={self.port!r}>"
        )

class ClientPayloadError(ClientError):
    """The response body is broken: truncated, badly chunked, or not decodable."""

class UploadAbortedError(ClientError):
    """The request body could not be sent completely."""

class InvalidURL(ClientError, ValueError):
    """The URL is not usable (no host, bad port, wrong scheme...)."""

    def __init__(self, url: StrOrURL, description: str | None = None) -> None:
        self._url = url
        self._description = description
        if description:
            super().__init__(url, description)
        else:
            super().__init__(url)

    @property
    def url(self) -> StrOrURL:
        return self._url

    @property
    def description(self) -> str | None:
        return self._description

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self}>"

    def __str__(self) -> str:
        if self._description:
            return f"{self._url} - {self._description}"
        return str(self._url)

class InvalidUrlClientError(InvalidURL):
    """The request URL is invalid."""

class RedirectClientError(ClientError):
    """A redirect could not be followed."""

class NonHttpUrlClientError(ClientError):
    """The URL's scheme is not http(s) (or ws(s) where allowed)."""

class InvalidUrlRedirectClientError(InvalidUrlClientError, RedirectClientError):
    """A redirect's Location is not a valid URL."""

class NonHttpUrlRedirectClientError(NonHttpUrlClientError, RedirectClientError):
    """A redirect's Location has a scheme other than http(s)."""

class ClientSSLError(ClientConnectorError):
    """Base of the TLS errors met while connecting."""

class ClientConnectorSSLError(ClientSSLError, ssl.SSLError):
    """The TLS handshake failed for a reason other than the certificate."""

class ClientConnectorCertificateError(ClientSSLError, ssl.CertificateError):
    """The server's certificate failed verification."""

    def __init__(self, connection_key: ConnectionKey, certificate_error: Exception) -> None:
        self._conn_key = connection_key
        self._certificate_error = certificate_error
        self._os_error = certificate_error  # type: ignore[assignment]
        self.args = (connection_key, certificate_error)

    @property
    def certificate_error(self) -> Exception:
        return self._certificate_error

    @property
    def host(self) -> str:
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        return self._conn_key.port

    @property
    def ssl(self) -> bool:
        return self._conn_key.is_ssl

    def __str__(self) -> str:
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{self.ssl} "
            f"[{self.certificate_error.__class__.__name__}: {self.certificate_error.args}]"
        )

class WSMessageTypeError(TypeError):
    """A WebSocket message had an unexpected type."""

