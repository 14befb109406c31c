"""TLS at the connector: default contexts, certificate pinning and error translation.

The ``ssl`` value of a connector or request is one of:

- ``True``: verify the server against the system's trust store and certifi's bundle (when
  installed);
- ``False``: encrypt but do not verify;
- an ``ssl.SSLContext``: used exactly as given;
- a :class:`Fingerprint`: do not verify the chain, but demand this SHA-256 certificate digest.

A request's ``ssl=True`` means "the connector's setting"; anything else overrides it.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from functools import lru_cache
from hashlib import sha256
from typing import Any

from .client_exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ServerFingerprintMismatch,
)
from .typedefs import ConnectionKey

__all__ = (
    "Fingerprint",
    "SSL_ALLOWED_TYPES",
    "default_ssl_context",
    "merge_ssl_params",
    "resolve_ssl",
    "translate_connect_error",
)


class Fingerprint:
    """A pinned server certificate: the SHA-256 digest (32 bytes) of its DER encoding.

    Pass it as ``ssl=Fingerprint(digest)``; a server presenting another certificate makes the
    request fail with ``ServerFingerprintMismatch``. MD5 and SHA-1 digests are refused.
    """

    __slots__ = ("_fingerprint",)

    def __init__(self, fingerprint: bytes) -> None:
        length = len(fingerprint)
        if length in (16, 20):
            raise ValueError("md5 and sha1 are insecure and not supported. Use sha256.")
        if length != 32:
            raise ValueError("fingerprint has invalid length")
        self._fingerprint = bytes(fingerprint)

    @property
    def fingerprint(self) -> bytes:
        """The expected digest."""
        return self._fingerprint

    def check(self, transport: asyncio.BaseTransport) -> None:
        """Raise ServerFingerprintMismatch unless the peer's certificate matches."""
        sslobj = transport.get_extra_info("ssl_object")
        if sslobj is None:  # not a TLS transport: nothing to pin
            return
        cert = sslobj.getpeercert(binary_form=True) or b""
        got = sha256(cert).digest()
        if got != self._fingerprint:
            peer = transport.get_extra_info("peername") or ("", 0)
            raise ServerFingerprintMismatch(self._fingerprint, got, peer[0], peer[1])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fingerprint) and other._fingerprint == self._fingerprint

    def __hash__(self) -> int:
        # Fingerprints live inside ConnectionKey, which is a pool dictionary key.
        return hash(self._fingerprint)

    def __repr__(self) -> str:
        return f"<Fingerprint {self._fingerprint.hex()}>"


SSL_ALLOWED_TYPES = (ssl.SSLContext, bool, Fingerprint, type(None))


def _certifi_cafile() -> str | None:
    try:
        import certifi
    except ImportError:
        return None
    return certifi.where()


@lru_cache(maxsize=2)
def default_ssl_context(verified: bool) -> ssl.SSLContext:
    """The shared default context (verifying or not); built once, since building costs ms."""
    if verified:
        # The system store, plus certifi's bundle when installed (containers often lack one,
        # while corporate roots live only in the system's).
        ctx = ssl.create_default_context()
        cafile = _certifi_cafile()
        if cafile is not None:
            ctx.load_verify_locations(cafile=cafile)
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    # Compression enables CRIME-style attacks; and we only speak HTTP/1.1.
    ctx.options |= ssl.OP_NO_COMPRESSION
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def resolve_ssl(
    request_ssl: Any, connector_ssl: Any
) -> tuple[ssl.SSLContext, Fingerprint | None]:
    """The context to handshake with and the fingerprint to check, for a TLS request.

    ``request_ssl`` True defers to ``connector_ssl``.
    """
    value = connector_ssl if request_ssl is True or request_ssl is None else request_ssl
    if isinstance(value, ssl.SSLContext):
        return value, None
    if isinstance(value, Fingerprint):
        return default_ssl_context(False), value
    if value is False:
        return default_ssl_context(False), None
    if value is True or value is None:
        return default_ssl_context(True), None
    raise TypeError(
        f"ssl should be SSLContext, Fingerprint, or bool, got {value!r} instead."
    )


def merge_ssl_params(
    ssl_value: Any,
    verify_ssl: bool | None = None,
    ssl_context: ssl.SSLContext | None = None,
    fingerprint: bytes | None = None,
) -> Any:
    """Fold aiohttp's deprecated ``verify_ssl``/``ssl_context``/``fingerprint`` into ``ssl``.

    Each old parameter still works (with a DeprecationWarning) but may not be combined with a
    non-default ``ssl`` or with each other.
    """
    exclusive = "verify_ssl, ssl_context, fingerprint and ssl parameters are mutually exclusive"
    if verify_ssl is not None and not verify_ssl:
        warnings.warn("verify_ssl is deprecated, use ssl=False instead", DeprecationWarning, 3)
        if ssl_value is not True:
            raise ValueError(exclusive)
        ssl_value = False
    if ssl_context is not None:
        warnings.warn("ssl_context is deprecated, use ssl=context instead", DeprecationWarning, 3)
        if ssl_value is not True:
            raise ValueError(exclusive)
        ssl_value = ssl_context
    if fingerprint is not None:
        warnings.warn(
            "fingerprint is deprecated, use ssl=Fingerprint(fingerprint) instead",
            DeprecationWarning,
            3,
        )
        if ssl_value is not True:
            raise ValueError(exclusive)
        ssl_value = Fingerprint(fingerprint)
    if not isinstance(ssl_value, SSL_ALLOWED_TYPES):
        raise TypeError(
            f"ssl should be SSLContext, Fingerprint, or bool, got {ssl_value!r} instead."
        )
    return ssl_value


def translate_connect_error(key: ConnectionKey, exc: OSError) -> ClientConnectorError:
    """The client exception for an OSError met while establishing a connection."""
    # ssl.CertificateError is an alias of SSLCertVerificationError (hostname mismatches too).
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ClientConnectorCertificateError(key, exc)
    if isinstance(exc, ssl.SSLError):
        return ClientConnectorSSLError(key, exc)
    return ClientConnectorError(key, exc)
