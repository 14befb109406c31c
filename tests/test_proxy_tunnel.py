"""proxy.open_tunnel against a real proxy.py and against proxies that misbehave on purpose.

Plain asyncio connections only (no connector, no session): connect to the proxy, open the
tunnel, then speak HTTP (or TLS, then HTTP) through it, and check both ends.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp_fast.auth import BasicAuth
from aiohttp_fast.client_exceptions import (
    ClientConnectionError,
    ClientHttpProxyError,
    ClientResponseError,
    ServerDisconnectedError,
)
from aiohttp_fast.proxy import connect_request_head, open_tunnel, proxy_request_headers
from aiohttp_fast.typedefs import RequestInfo
from tests.fixtures_proxy import PROXY_PASSWORD, PROXY_USER, ProxyProcess, Relay, TargetServer

SECRET = "Bearer tunnel-secret-0123456789"


class Peer(asyncio.Protocol):
    """The connection's own protocol, as a connector would create it."""

    def __init__(self) -> None:
        self.transport: asyncio.BaseTransport | None = None
        self.data = bytearray()
        self.lost: asyncio.Future[BaseException | None] = (
            asyncio.get_running_loop().create_future()
        )
        self.made_calls = 0
        self._want: tuple[bytes, asyncio.Future[None]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.made_calls += 1

    def data_received(self, data: bytes) -> None:
        self.data += data
        if self._want is not None and self.data == self._want[0]:
            self._want[1].set_result(None)

    async def received(self, expected: bytes) -> None:
        """Wait until exactly ``expected`` has arrived."""
        if self.data != expected:
            self._want = (expected, asyncio.get_running_loop().create_future())
            await self._want[1]

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self.lost.done():
            self.lost.set_result(exc)


def request_info(url: str) -> RequestInfo:
    return RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url))


async def connect(host: str, port: int) -> tuple[asyncio.Transport, Peer]:
    loop = asyncio.get_running_loop()
    transport, peer = await loop.create_connection(Peer, host, port)
    return transport, peer  # type: ignore[return-value]


async def exchange(transport: asyncio.BaseTransport, peer: Peer, head: str) -> bytes:
    """Send one ``Connection: close`` request through the tunnel; the raw response bytes."""
    transport.write(head.encode())  # type: ignore[attr-defined]
    await peer.lost
    return bytes(peer.data)


def body_json(raw: bytes) -> dict[str, str]:
    return json.loads(raw.partition(b"\r\n\r\n")[2])


# ---- against proxy.py ----


async def test_tunnel_to_plain_http_target(
    http_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    transport, peer = await connect(http_proxy.host, http_proxy.port)
    await open_tunnel(
        transport,
        peer,
        target_host=http_target.host,
        target_port=http_target.port,
        proxy_auth=None,
        proxy_headers={"X-Proxy-Note": "n1"},
        request_info=request_info(http_target.url()),
    )
    raw = await exchange(
        transport, peer, "GET /through?x=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert raw.startswith(b"HTTP/1.1 200 ")
    assert body_json(raw) == {"path": "/through?x=1", "method": "GET"}
    assert [s["path"] for s in http_target.seen] == ["/through?x=1"]
    # The proxy saw exactly one CONNECT to the target, with our proxy header.
    (rec,) = http_proxy.records(port=http_target.port)
    assert rec["method"] == "CONNECT" and rec["tunnel"]
    assert rec["headers"]["host"] == f"{http_target.host}:{http_target.port}"
    assert rec["headers"]["x-proxy-note"] == "n1"


async def test_tunnel_then_tls_hides_everything_from_the_proxy(
    http_proxy: ProxyProcess,
    https_target: TargetServer,
    recording_relay: Relay,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    loop = asyncio.get_running_loop()
    transport, peer = await connect(http_proxy.host, http_proxy.port)
    await open_tunnel(
        transport,
        peer,
        target_host=recording_relay.host,
        target_port=recording_relay.port,
        proxy_auth=None,
        proxy_headers=None,
        request_info=request_info(https_target.url()),
    )
    tls = await loop.start_tls(
        transport, peer, proxy_tls_client_context, server_hostname="localhost"
    )
    assert tls is not None
    raw = await exchange(
        tls,
        peer,
        f"GET /secret HTTP/1.1\r\nHost: localhost\r\nAuthorization: {SECRET}\r\n"
        "Connection: close\r\n\r\n",
    )
    assert raw.startswith(b"HTTP/1.1 200 ")
    # The server got the request over TLS, Authorization included...
    (seen,) = https_target.seen
    assert seen["tls"] and seen["path"] == "/secret"
    assert seen["headers"]["Authorization"] == SECRET
    # ...the proxy saw only a CONNECT without it, and relayed only ciphertext.
    (rec,) = http_proxy.records(port=recording_relay.port)
    assert rec["method"] == "CONNECT"
    assert "authorization" not in rec["headers"]
    assert recording_relay.upstream[:1] == b"\x16"  # a TLS handshake record: ClientHello
    assert SECRET.encode() not in recording_relay.upstream
    assert b"/secret" not in recording_relay.upstream


async def test_tunnel_with_proxy_auth(auth_proxy: ProxyProcess, http_target: TargetServer) -> None:
    transport, peer = await connect(auth_proxy.host, auth_proxy.port)
    auth = BasicAuth(PROXY_USER, PROXY_PASSWORD)
    await open_tunnel(
        transport,
        peer,
        target_host=http_target.host,
        target_port=http_target.port,
        proxy_auth=auth,
        proxy_headers=None,
        request_info=request_info(http_target.url()),
    )
    raw = await exchange(transport, peer, "GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 200 ")
    (rec,) = auth_proxy.records(port=http_target.port)
    assert rec["headers"]["proxy-authorization"] == auth.encode()
    # Proxy credentials are for the proxy: they never travel through the tunnel.
    assert "Proxy-Authorization" not in http_target.seen[0]["headers"]


@pytest.mark.parametrize("auth", [None, BasicAuth(PROXY_USER, "wrong")], ids=["none", "wrong"])
async def test_tunnel_407(
    auth_proxy: ProxyProcess, http_target: TargetServer, auth: BasicAuth | None
) -> None:
    transport, peer = await connect(auth_proxy.host, auth_proxy.port)
    info = request_info(http_target.url())
    with pytest.raises(ClientHttpProxyError) as excinfo:
        await open_tunnel(
            transport,
            peer,
            target_host=http_target.host,
            target_port=http_target.port,
            proxy_auth=auth,
            proxy_headers=None,
            request_info=info,
        )
    err = excinfo.value
    assert err.status == 407
    assert err.request_info is info
    assert err.history == ()
    assert "Basic" in err.headers["Proxy-Authenticate"]
    assert transport.is_closing()
    await peer.lost  # the connection's protocol learns the connection is gone
    assert auth_proxy.records(port=http_target.port) == []
    assert http_target.seen == []


# ---- against scripted proxies ----

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def scripted_proxy() -> AsyncIterator[Callable[[Script], Awaitable[tuple[str, int, list]]]]:
    """Start a one-off server running ``script``; returns (host, port, heads received)."""
    servers: list[asyncio.Server] = []
    handlers: list[asyncio.Task[None]] = []

    async def start(script: Script) -> tuple[str, int, list[bytes]]:
        heads: list[bytes] = []

        async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            handlers.append(asyncio.current_task())  # type: ignore[arg-type]
            try:
                heads.append(await reader.readuntil(b"\r\n\r\n"))
                await script(reader, writer)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(on_client, "127.0.0.1", 0)
        servers.append(server)
        return "127.0.0.1", server.sockets[0].getsockname()[1], heads

    yield start
    for server in servers:
        server.close()
    for task in handlers:
        task.cancel()
    await asyncio.gather(*handlers, return_exceptions=True)
    for server in servers:
        await server.wait_closed()


def answer(*chunks: bytes, then: Script | None = None) -> Script:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
        if then is not None:
            await then(reader, writer)

    return script


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(1024):
        writer.write(data)
        await writer.drain()


async def tunnel_via(
    scripted_proxy: Callable[[Script], Awaitable[tuple[str, int, list]]],
    script: Script,
    **kwargs: object,
) -> tuple[asyncio.Transport, Peer, list[bytes]]:
    host, port, heads = await scripted_proxy(script)
    transport, peer = await connect(host, port)
    params: dict[str, object] = {
        "target_host": "example.com",
        "target_port": 443,
        "proxy_auth": None,
        "proxy_headers": None,
        "request_info": request_info("https://example.com/"),
    }
    params.update(kwargs)
    try:
        await open_tunnel(transport, peer, **params)  # type: ignore[arg-type]
    finally:
        if transport.is_closing():
            await peer.lost
    return transport, peer, heads


async def test_connect_request_bytes(scripted_proxy) -> None:  # type: ignore[no-untyped-def]
    auth = BasicAuth("pu", "pp")
    transport, _, heads = await tunnel_via(
        scripted_proxy,
        answer(b"HTTP/1.1 200 Connection established\r\n\r\n"),
        proxy_auth=auth,
        proxy_headers={"X-A": "1", "Proxy-Authorization": "Basic overridden", "Host": "ignored"},
    )
    assert heads == [
        b"CONNECT example.com:443 HTTP/1.1\r\n"
        b"Host: example.com:443\r\n"
        b"X-A: 1\r\n"
        b"Proxy-Authorization: " + auth.encode().encode() + b"\r\n\r\n"
    ]
    transport.close()


async def test_ipv6_target_is_bracketed(scripted_proxy) -> None:  # type: ignore[no-untyped-def]
    transport, _, heads = await tunnel_via(
        scripted_proxy, answer(b"HTTP/1.1 200 OK\r\n\r\n"), target_host="::1", target_port=8443
    )
    assert heads[0].startswith(b"CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n")
    transport.close()


async def test_answer_split_byte_by_byte_with_interim_and_body_headers(
    scripted_proxy,  # type: ignore[no-untyped-def]
) -> None:
    # A 1xx before the answer is skipped; a Content-Length on a 200 to CONNECT means nothing.
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    transport, peer, _ = await tunnel_via(
        scripted_proxy, answer(*(reply[i : i + 1] for i in range(len(reply))), then=echo)
    )
    # The transport is ours again, raw: the echo comes back to the connection's protocol.
    transport.write(b"ping")
    await peer.received(b"ping")
    transport.close()
    await peer.lost


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.0 200 Connection established\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"HTTP/1.1 200 \r\nConnection: keep-alive\r\n\r\n",
    ],
    ids=["http10", "chunked-header", "empty-reason"],
)
async def test_other_200_answers(
    scripted_proxy, reply: bytes  # type: ignore[no-untyped-def]
) -> None:
    transport, peer, _ = await tunnel_via(scripted_proxy, answer(reply, then=echo))
    transport.write(b"raw")
    await peer.received(b"raw")
    transport.close()
    await peer.lost


async def test_101_is_refused(scripted_proxy) -> None:  # type: ignore[no-untyped-def]
    reply = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n"
    with pytest.raises(ClientHttpProxyError) as excinfo:
        await tunnel_via(scripted_proxy, answer(reply + b"after"))
    assert excinfo.value.status == 101


async def test_empty_reason_gets_the_standard_phrase(
    scripted_proxy,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(ClientHttpProxyError) as excinfo:
        await tunnel_via(scripted_proxy, answer(b"HTTP/1.1 407 \r\n\r\n"))
    assert excinfo.value.message == "Proxy Authentication Required"


@pytest.mark.parametrize("status", [201, 204, 301, 403, 502])
async def test_any_status_but_200_is_an_error(
    scripted_proxy, status: int  # type: ignore[no-untyped-def]
) -> None:
    reply = f"HTTP/1.1 {status} Some Reason\r\nX-Why: because\r\nContent-Length: 3\r\n\r\nabc"
    with pytest.raises(ClientHttpProxyError) as excinfo:
        await tunnel_via(scripted_proxy, answer(reply.encode()))
    assert excinfo.value.status == status
    assert excinfo.value.message == "Some Reason"
    assert excinfo.value.headers["X-Why"] == "because"


async def test_malformed_answer(scripted_proxy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientResponseError) as excinfo:
        await tunnel_via(scripted_proxy, answer(b"SPDY/3 what\r\n\r\n"))
    assert not isinstance(excinfo.value, ClientHttpProxyError)
    assert excinfo.value.status == 400


@pytest.mark.parametrize(
    "reply", [b"", b"HTTP/1.1 200 OK\r\nX-Cut: "], ids=["nothing", "half-a-head"]
)
async def test_proxy_closes_before_answering(
    scripted_proxy, reply: bytes  # type: ignore[no-untyped-def]
) -> None:
    host, port, _ = await scripted_proxy(answer(reply))
    transport, peer = await connect(host, port)
    with pytest.raises(ServerDisconnectedError):
        await open_tunnel(
            transport,
            peer,
            target_host="example.com",
            target_port=443,
            proxy_auth=None,
            proxy_headers=None,
            request_info=request_info("https://example.com/"),
        )
    assert await peer.lost is None  # forwarded to the connection's protocol


async def test_bytes_after_the_answer_are_refused(
    scripted_proxy,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(ClientConnectionError, match="unexpected bytes"):
        await tunnel_via(scripted_proxy, answer(b"HTTP/1.1 200 OK\r\n\r\nSSH-2.0-surprise\r\n"))


async def test_cancelled_while_waiting_closes(
    scripted_proxy,  # type: ignore[no-untyped-def]
) -> None:
    got_connect = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        got_connect.set()
        await reader.read()

    host, port, _ = await scripted_proxy(silent)
    transport, peer = await connect(host, port)
    task = asyncio.ensure_future(
        open_tunnel(
            transport,
            peer,
            target_host="example.com",
            target_port=443,
            proxy_auth=None,
            proxy_headers=None,
            request_info=request_info("https://example.com/"),
        )
    )
    await got_connect.wait()  # the proxy has the CONNECT: we are waiting on its answer
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert transport.is_closing()
    await peer.lost


# ---- pure helpers ----


def test_connect_head_rejects_header_injection() -> None:
    with pytest.raises(ValueError):
        connect_request_head("example.com", 443, None, {"X-A": "1\r\nEvil: yes"})
    with pytest.raises(ValueError):
        connect_request_head("example.com\r\nEvil: yes", 443)


def test_proxy_request_headers() -> None:
    assert proxy_request_headers(None) == {}
    auth = BasicAuth("u", "p")
    assert proxy_request_headers(auth) == {"Proxy-Authorization": auth.encode()}
