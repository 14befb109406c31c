"""TLS at the connector: verification, custom contexts, pinning, expiry, error classes."""

from __future__ import annotations

import asyncio
import hashlib
import ssl

import pytest
import trustme

from aiohttp_fast.client_exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientSSLError,
    ConnectionTimeoutError,
    ServerFingerprintMismatch,
)
from aiohttp_fast.connector import TCPConnector
from aiohttp_fast.timeouts import ClientTimeout
from aiohttp_fast.tls import Fingerprint, default_ssl_context, resolve_ssl

from .fixtures_connector import (
    NO_TIMEOUT,
    CountingServer,
    expired_cert,
    leaf_server_ctx,
    target,
)


def _cert_sha256(cert: trustme.LeafCert) -> bytes:
    pem = cert.cert_chain_pems[0].bytes()
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.decode())).digest()


# -- units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [16, 20])
def test_fingerprint_rejects_md5_sha1(length: int) -> None:
    with pytest.raises(ValueError, match="sha256"):
        Fingerprint(b"\0" * length)


def test_fingerprint_rejects_bad_length() -> None:
    with pytest.raises(ValueError):
        Fingerprint(b"\0" * 31)


def test_fingerprint_hashable_and_equal() -> None:
    a, b = Fingerprint(b"\1" * 32), Fingerprint(b"\1" * 32)
    assert a == b and hash(a) == hash(b) and a.fingerprint == b"\1" * 32


def test_default_contexts_are_cached() -> None:
    assert default_ssl_context(True) is default_ssl_context(True)
    assert default_ssl_context(False) is default_ssl_context(False)
    assert default_ssl_context(True).verify_mode == ssl.CERT_REQUIRED
    assert default_ssl_context(True).check_hostname
    assert default_ssl_context(False).verify_mode == ssl.CERT_NONE


def test_resolve_ssl_request_overrides_connector(client_ssl_ctx: ssl.SSLContext) -> None:
    fp = Fingerprint(b"\2" * 32)
    assert resolve_ssl(True, client_ssl_ctx) == (client_ssl_ctx, None)
    assert resolve_ssl(False, client_ssl_ctx) == (default_ssl_context(False), None)
    assert resolve_ssl(fp, True) == (default_ssl_context(False), fp)
    assert resolve_ssl(client_ssl_ctx, False) == (client_ssl_ctx, None)
    assert resolve_ssl(True, True) == (default_ssl_context(True), None)
    with pytest.raises(TypeError):
        resolve_ssl("yes", True)


async def test_connector_rejects_bad_ssl_type() -> None:
    with pytest.raises(TypeError):
        TCPConnector(ssl="yes")  # type: ignore[arg-type]


# -- handshakes against a trustme server ---------------------------------------------------------


async def test_default_verification_rejects_untrusted(tls_server: CountingServer) -> None:
    async with TCPConnector() as connector:
        req = target(f"https://127.0.0.1:{tls_server.port}/")
        with pytest.raises(ClientConnectorCertificateError) as info:
            await connector.connect(req, [], NO_TIMEOUT)
        assert isinstance(info.value, ClientSSLError)
        assert isinstance(info.value.certificate_error, ssl.SSLCertVerificationError)
        assert info.value.host == "127.0.0.1"
        assert connector._pool.acquired == 0


async def test_custom_context_on_connector(
    tls_server: CountingServer, client_ssl_ctx: ssl.SSLContext
) -> None:
    async with TCPConnector(ssl=client_ssl_ctx) as connector:
        req = target(f"https://localhost:{tls_server.port}/")
        conn = await connector.connect(req, [], NO_TIMEOUT)
        transport = conn.transport
        assert transport is not None
        assert transport.get_extra_info("ssl_object").version().startswith("TLS")
        conn.release()
        again = await connector.connect(req, [], NO_TIMEOUT)
        assert again.is_reused
        again.release()


async def test_custom_context_per_request(
    tls_server: CountingServer, client_ssl_ctx: ssl.SSLContext
) -> None:
    async with TCPConnector() as connector:  # default: verify against the system store
        req = target(f"https://127.0.0.1:{tls_server.port}/", ssl=client_ssl_ctx)
        conn = await connector.connect(req, [], NO_TIMEOUT)
        conn.release()


async def test_ssl_false_skips_verification(tls_server: CountingServer) -> None:
    async with TCPConnector(ssl=False) as connector:
        conn = await connector.connect(
            target(f"https://127.0.0.1:{tls_server.port}/"), [], NO_TIMEOUT
        )
        conn.release()
    async with TCPConnector() as connector:
        conn = await connector.connect(
            target(f"https://127.0.0.1:{tls_server.port}/", ssl=False), [], NO_TIMEOUT
        )
        conn.release()


async def test_fingerprint_match(tls_server: CountingServer, tls_cert: trustme.LeafCert) -> None:
    async with TCPConnector(ssl=Fingerprint(_cert_sha256(tls_cert))) as connector:
        conn = await connector.connect(
            target(f"https://127.0.0.1:{tls_server.port}/"), [], NO_TIMEOUT
        )
        conn.release()


async def test_fingerprint_mismatch_closes(tls_server: CountingServer) -> None:
    wrong = b"\x42" * 32
    async with TCPConnector() as connector:
        req = target(f"https://127.0.0.1:{tls_server.port}/", ssl=Fingerprint(wrong))
        with pytest.raises(ServerFingerprintMismatch) as info:
            await connector.connect(req, [], NO_TIMEOUT)
        exc = info.value
        assert exc.expected == wrong and len(exc.got) == 32 and exc.got != wrong
        assert exc.host == "127.0.0.1" and exc.port == tls_server.port
        assert connector._pool.acquired == 0
        await tls_server.wait_for(lambda s: s.accepted == 1 and s.current == 0)


async def test_expired_certificate_rejected(
    tls_ca: trustme.CA, client_ssl_ctx: ssl.SSLContext
) -> None:
    srv = CountingServer()
    await srv.start_tcp(ssl_ctx=leaf_server_ctx(expired_cert(tls_ca)))
    try:
        async with TCPConnector(ssl=client_ssl_ctx) as connector:
            with pytest.raises(ClientConnectorCertificateError) as info:
                await connector.connect(target(f"https://127.0.0.1:{srv.port}/"), [], NO_TIMEOUT)
            assert "expired" in str(info.value.certificate_error)
    finally:
        await srv.stop()


async def test_server_hostname_override(
    tls_ca: trustme.CA, client_ssl_ctx: ssl.SSLContext
) -> None:
    srv = CountingServer()
    await srv.start_tcp(ssl_ctx=leaf_server_ctx(tls_ca.issue_cert("service.example")))
    try:
        async with TCPConnector(ssl=client_ssl_ctx) as connector:
            with pytest.raises(ClientConnectorCertificateError):
                await connector.connect(target(f"https://127.0.0.1:{srv.port}/"), [], NO_TIMEOUT)
            req = target(f"https://127.0.0.1:{srv.port}/", server_hostname="service.example")
            conn = await connector.connect(req, [], NO_TIMEOUT)
            conn.release()
    finally:
        await srv.stop()


async def test_tls_to_plain_server_is_ssl_error() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with TCPConnector(ssl=False) as connector:
            with pytest.raises(ClientConnectorSSLError) as info:
                await connector.connect(target(f"https://127.0.0.1:{port}/"), [], NO_TIMEOUT)
            assert isinstance(info.value, ClientConnectorError)
            assert isinstance(info.value, ssl.SSLError)
    finally:
        server.close()
        await server.wait_closed()


async def test_handshake_timeout_is_connection_timeout(tcp_server: CountingServer) -> None:
    # The plain server never answers the ClientHello.
    async with TCPConnector(ssl=False) as connector:
        req = target(f"https://127.0.0.1:{tcp_server.port}/")
        with pytest.raises(ConnectionTimeoutError):
            await connector.connect(req, [], ClientTimeout(sock_connect=0.05))
        assert connector._pool.acquired == 0
    await tcp_server.wait_for(lambda s: s.current == 0)


async def test_close_with_tls_connections_is_clean(
    tls_server: CountingServer, client_ssl_ctx: ssl.SSLContext
) -> None:
    # pytest turns ResourceWarning ("unclosed transport") into errors: none may appear.
    connector = TCPConnector(ssl=client_ssl_ctx)
    req = target(f"https://localhost:{tls_server.port}/")
    lent = await connector.connect(req, [], NO_TIMEOUT)
    idle = await connector.connect(req, [], NO_TIMEOUT)
    idle.release()
    await connector.close()
    assert lent.protocol is not None and lent.protocol.closed.done()
    lent.release()
    await tls_server.wait_for(lambda s: s.current == 0)


# -- aiohttp's deprecated spellings ----------------------------------------------------------------


async def test_deprecated_ssl_params(client_ssl_ctx: ssl.SSLContext) -> None:
    with pytest.warns(DeprecationWarning):
        assert TCPConnector(verify_ssl=False)._ssl is False
    with pytest.warns(DeprecationWarning):
        assert TCPConnector(ssl_context=client_ssl_ctx)._ssl is client_ssl_ctx
    with pytest.warns(DeprecationWarning):
        assert TCPConnector(fingerprint=b"\1" * 32)._ssl == Fingerprint(b"\1" * 32)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError):
        TCPConnector(ssl=False, fingerprint=b"\1" * 32)
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError):
        TCPConnector(ssl=client_ssl_ctx, verify_ssl=False)
