"""ClientSession through a real proxy.py: absolute-form, CONNECT + TLS, auth, trust_env, netrc.

Every test checks both ends: what the proxy received (its recording plugin) and what the target
server received.
"""

from __future__ import annotations

import asyncio
import importlib
import socket
import ssl
from pathlib import Path

import pytest

import aiohttp_fast.client as client_module
from aiohttp_fast.auth import BasicAuth
from aiohttp_fast.client_exceptions import (
    ClientConnectorCertificateError,
    ClientHttpProxyError,
    ClientProxyConnectionError,
    ConnectionTimeoutError,
)
from aiohttp_fast.connector import TCPConnector
from aiohttp_fast.timeouts import ClientTimeout
from tests.fixtures_proxy import PROXY_PASSWORD, PROXY_USER, ProxyProcess, Relay, TargetServer

ClientSession = client_module.ClientSession
SECRET = "Bearer session-secret-42"
pytestmark = pytest.mark.usefixtures("clean_proxy_env")


def with_auth(proxy: ProxyProcess, host: str | None = None) -> str:
    return f"http://{PROXY_USER}:{PROXY_PASSWORD}@{host or proxy.host}:{proxy.port}"


# ---- http targets: absolute-form through the proxy ----


async def test_http_target_absolute_form(
    http_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    async with ClientSession() as session:
        async with session.get(
            http_target.url("/p/a?q=1"),
            proxy=http_proxy.url,
            headers={"Authorization": SECRET},
        ) as resp:
            assert resp.status == 200
            assert await resp.json() == {"path": "/p/a?q=1", "method": "GET"}
    (rec,) = http_proxy.records(port=http_target.port)
    assert rec["method"] == "GET" and rec["absolute"] and not rec["tunnel"]
    assert rec["path"] == "/p/a?q=1"
    (seen,) = http_target.seen
    assert seen["path"] == "/p/a?q=1"
    assert seen["headers"]["Authorization"] == SECRET  # the target's own credentials arrive
    assert "Proxy-Authorization" not in seen["headers"]


async def test_http_target_proxy_auth(auth_proxy: ProxyProcess, http_target: TargetServer) -> None:
    auth = BasicAuth(PROXY_USER, PROXY_PASSWORD)
    async with ClientSession() as session:
        async with session.post(
            http_target.url("/post"), data=b"payload", proxy=auth_proxy.url, proxy_auth=auth
        ) as resp:
            assert resp.status == 200
    (rec,) = auth_proxy.records(port=http_target.port)
    assert rec["method"] == "POST" and rec["absolute"]
    assert rec["headers"]["proxy-authorization"] == auth.encode()
    (seen,) = http_target.seen
    assert seen["body"] == b"payload"
    assert "Proxy-Authorization" not in seen["headers"]


async def test_http_target_credentials_in_proxy_url(
    auth_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    async with ClientSession() as session:
        async with session.get(http_target.url("/u"), proxy=with_auth(auth_proxy)) as resp:
            assert resp.status == 200
    (rec,) = auth_proxy.records(port=http_target.port)
    assert rec["headers"]["proxy-authorization"] == BasicAuth(PROXY_USER, PROXY_PASSWORD).encode()


async def test_http_target_407_is_a_response(
    auth_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    # For plain proxying the proxy's refusal is the response to the request (as in aiohttp).
    async with ClientSession() as session:
        async with session.get(http_target.url("/no"), proxy=auth_proxy.url) as resp:
            assert resp.status == 407
            assert "Basic" in resp.headers["Proxy-Authenticate"]
    assert http_target.seen == []


# ---- https targets: CONNECT, then TLS with the target ----


async def test_https_target_through_connect(
    http_proxy: ProxyProcess,
    https_target: TargetServer,
    recording_relay: Relay,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    url = f"https://127.0.0.1:{recording_relay.port}/secret?x=1"
    async with ClientSession() as session:
        async with session.get(
            url,
            proxy=http_proxy.url,
            ssl=proxy_tls_client_context,
            headers={"Authorization": SECRET},
        ) as resp:
            assert resp.status == 200
            assert await resp.json() == {"path": "/secret?x=1", "method": "GET"}
    (seen,) = https_target.seen
    assert seen["tls"] and seen["headers"]["Authorization"] == SECRET
    (rec,) = http_proxy.records(port=recording_relay.port)
    assert rec["method"] == "CONNECT"
    assert rec["headers"]["host"] == f"127.0.0.1:{recording_relay.port}"
    assert "authorization" not in rec["headers"]
    assert SECRET.encode() not in recording_relay.upstream
    assert b"/secret" not in recording_relay.upstream


async def test_https_target_verifies_the_target_not_the_proxy(
    http_proxy: ProxyProcess, https_target: TargetServer
) -> None:
    # Default verification (system CAs) must reject the test CA's certificate of the *target*.
    async with ClientSession() as session:
        with pytest.raises(ClientConnectorCertificateError):
            await session.get(https_target.url("/"), proxy=http_proxy.url)
    assert https_target.seen == []


async def test_https_target_proxy_auth_and_url_credentials(
    auth_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    auth = BasicAuth(PROXY_USER, PROXY_PASSWORD)
    # One session each, so that each request opens its own tunnel.
    for path, kwargs in (
        ("/explicit", {"proxy": auth_proxy.url, "proxy_auth": auth}),
        ("/in-url", {"proxy": with_auth(auth_proxy)}),
    ):
        async with ClientSession() as session:
            async with session.get(
                https_target.url(path), ssl=proxy_tls_client_context, **kwargs
            ) as resp:
                assert resp.status == 200
    recs = auth_proxy.records(port=https_target.port)
    assert [r["method"] for r in recs] == ["CONNECT", "CONNECT"]
    assert [r["headers"]["proxy-authorization"] for r in recs] == [auth.encode()] * 2
    assert [s["path"] for s in https_target.seen] == ["/explicit", "/in-url"]
    assert all("Proxy-Authorization" not in s["headers"] for s in https_target.seen)


@pytest.mark.parametrize("auth", [None, BasicAuth(PROXY_USER, "wrong")], ids=["none", "wrong"])
async def test_https_target_407(
    auth_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
    auth: BasicAuth | None,
) -> None:
    async with ClientSession() as session:
        with pytest.raises(ClientHttpProxyError) as excinfo:
            await session.get(
                https_target.url("/"),
                proxy=auth_proxy.url,
                proxy_auth=auth,
                ssl=proxy_tls_client_context,
            )
    assert excinfo.value.status == 407
    assert str(excinfo.value.request_info.url) == https_target.url("/")
    assert https_target.seen == []


async def test_tunnel_is_pooled_per_proxy(
    http_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    async with ClientSession() as session:
        for path in ("/1", "/2", "/3"):
            async with session.get(
                https_target.url(path), proxy=http_proxy.url, ssl=proxy_tls_client_context
            ) as resp:
                assert resp.status == 200
                await resp.read()
        # The same target without the proxy must not reuse the tunnel.
        async with session.get(https_target.url("/direct"), ssl=proxy_tls_client_context) as resp:
            assert resp.status == 200
    assert len(http_proxy.records(port=https_target.port)) == 1  # one CONNECT for three
    assert [s["path"] for s in https_target.seen] == ["/1", "/2", "/3", "/direct"]


async def test_proxy_headers_go_on_connect_and_split_the_pool(
    http_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    async with ClientSession() as session:
        for token in ("t1", "t1", "t2"):
            async with session.get(
                https_target.url(f"/{token}"),
                proxy=http_proxy.url,
                proxy_headers={"X-Proxy-Token": token},
                ssl=proxy_tls_client_context,
            ) as resp:
                assert resp.status == 200
                await resp.read()
    recs = http_proxy.records(port=https_target.port)
    # One tunnel per distinct proxy header set; the headers reach only the proxy.
    assert [r["headers"]["x-proxy-token"] for r in recs] == ["t1", "t2"]
    assert all("X-Proxy-Token" not in s["headers"] for s in https_target.seen)
    assert len(https_target.seen) == 3


async def test_unreachable_proxy(http_target: TargetServer) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with ClientSession() as session:
        with pytest.raises(ClientProxyConnectionError) as excinfo:
            await session.get(http_target.url("/"), proxy=f"http://127.0.0.1:{port}")
    assert excinfo.value.port == port


async def test_proxy_that_never_answers_connect_times_out() -> None:
    got_connect, handler_done = asyncio.Event(), asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            got_connect.set()
            await reader.read()  # until the client gives up and closes
        finally:
            writer.close()
            handler_done.set()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with ClientSession(timeout=ClientTimeout(sock_connect=0.2)) as session:
            with pytest.raises(ConnectionTimeoutError):
                await session.get("https://example.invalid/", proxy=f"http://127.0.0.1:{port}")
        assert got_connect.is_set()
        await handler_done.wait()  # the client closed its end: the handler saw EOF
    finally:
        server.close()
        await server.wait_closed()


async def test_cancelled_while_the_proxy_thinks() -> None:
    got_connect, handler_done = asyncio.Event(), asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            got_connect.set()
            await reader.read()
        finally:
            writer.close()
            handler_done.set()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        connector = TCPConnector(limit=1)
        async with ClientSession(connector=connector) as session:
            task = asyncio.ensure_future(
                session.get("https://example.invalid/", proxy=f"http://127.0.0.1:{port}")
            )
            await got_connect.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await handler_done.wait()  # the client closed the connection to the proxy
            # The one slot (limit=1) is free again: the next request gets it, and fails on its
            # unreachable proxy, instead of queueing until its connect timeout.
            with pytest.raises(ClientProxyConnectionError):
                await session.get(
                    "http://127.0.0.1:1/",
                    proxy="http://127.0.0.1:1",
                    timeout=ClientTimeout(connect=10),
                )
    finally:
        server.close()
        await server.wait_closed()


# ---- trust_env: HTTP(S)_PROXY, NO_PROXY, netrc ----


async def test_trust_env_http_proxy(
    monkeypatch: pytest.MonkeyPatch, http_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    monkeypatch.setenv("HTTP_PROXY", http_proxy.url)
    async with ClientSession(trust_env=True) as session:
        async with session.get(http_target.url("/env")) as resp:
            assert resp.status == 200
    (rec,) = http_proxy.records(port=http_target.port)
    assert rec["absolute"] and rec["path"] == "/env"
    # Without trust_env the variable is ignored.
    async with ClientSession() as session:
        async with session.get(http_target.url("/direct")) as resp:
            assert resp.status == 200
    assert len(http_proxy.records(port=http_target.port)) == 1
    assert [s["path"] for s in http_target.seen] == ["/env", "/direct"]


async def test_trust_env_https_proxy(
    monkeypatch: pytest.MonkeyPatch,
    http_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    monkeypatch.setenv("https_proxy", http_proxy.url)
    async with ClientSession(trust_env=True) as session:
        async with session.get(https_target.url("/s"), ssl=proxy_tls_client_context) as resp:
            assert resp.status == 200
    (rec,) = http_proxy.records(port=https_target.port)
    assert rec["method"] == "CONNECT"


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "127.0.0.0/8", "*", "127.0.0.1:{port}"])
async def test_trust_env_no_proxy_bypass(
    monkeypatch: pytest.MonkeyPatch,
    http_proxy: ProxyProcess,
    http_target: TargetServer,
    no_proxy: str,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", http_proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy.format(port=http_target.port))
    async with ClientSession(trust_env=True) as session:
        async with session.get(http_target.url("/bypass")) as resp:
            assert resp.status == 200
    assert http_proxy.records(port=http_target.port) == []
    assert [s["path"] for s in http_target.seen] == ["/bypass"]


async def test_trust_env_netrc_proxy_credentials(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    auth_proxy: ProxyProcess,
    http_target: TargetServer,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    # The proxy is named "localhost" so that the netrc entry can't match the targets (127.0.0.1).
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine localhost login {PROXY_USER} password {PROXY_PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", f"http://localhost:{auth_proxy.port}")
    monkeypatch.setenv("HTTPS_PROXY", f"http://localhost:{auth_proxy.port}")
    async with ClientSession(trust_env=True) as session:
        async with session.get(http_target.url("/n")) as resp:
            assert resp.status == 200
        async with session.get(https_target.url("/n"), ssl=proxy_tls_client_context) as resp:
            assert resp.status == 200
    expected = BasicAuth(PROXY_USER, PROXY_PASSWORD).encode()
    (plain,) = auth_proxy.records(port=http_target.port)
    (tunnel,) = auth_proxy.records(port=https_target.port)
    assert plain["headers"]["proxy-authorization"] == expected
    assert tunnel["method"] == "CONNECT" and tunnel["headers"]["proxy-authorization"] == expected
    for server in (http_target, https_target):
        (seen,) = server.seen
        assert "Authorization" not in seen["headers"]
        assert "Proxy-Authorization" not in seen["headers"]


# ---- an https:// proxy: TLS to the proxy (and TLS inside it for https targets) ----


async def test_https_proxy_http_target(
    https_proxy: ProxyProcess,
    http_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    # The proxy's certificate is checked with the request's ssl setting, as in aiohttp.
    async with ClientSession() as session:
        async with session.get(
            http_target.url("/via-tls-proxy"), proxy=https_proxy.url, ssl=proxy_tls_client_context
        ) as resp:
            assert resp.status == 200
    (rec,) = https_proxy.records(port=http_target.port)
    assert rec["absolute"] and rec["path"] == "/via-tls-proxy"
    assert [s["path"] for s in http_target.seen] == ["/via-tls-proxy"]


async def test_https_proxy_https_target_tls_in_tls(
    https_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    async with ClientSession() as session:
        async with session.get(
            https_target.url("/tls-in-tls"),
            proxy=https_proxy.url,
            ssl=proxy_tls_client_context,
            headers={"Authorization": SECRET},
        ) as resp:
            assert resp.status == 200
    (rec,) = https_proxy.records(port=https_target.port)
    assert rec["method"] == "CONNECT" and "authorization" not in rec["headers"]
    (seen,) = https_target.seen
    assert seen["tls"] and seen["headers"]["Authorization"] == SECRET


async def test_https_proxy_certificate_is_verified(
    https_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    async with ClientSession() as session:
        with pytest.raises(ClientConnectorCertificateError):
            await session.get(http_target.url("/"), proxy=https_proxy.url)
    assert http_target.seen == []


async def test_trust_env_proxy_is_chosen_per_redirect_hop(
    monkeypatch: pytest.MonkeyPatch, http_proxy: ProxyProcess, http_target: TargetServer
) -> None:
    # "localhost" goes through the proxy, 127.0.0.1 is excluded: a redirect from the first to
    # the second must leave the proxy (aiohttp looks the proxy up again for every hop).
    monkeypatch.setenv("HTTP_PROXY", http_proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    final = http_target.url("/final")
    start = http_target.url("/start", host="localhost")
    async with ClientSession(trust_env=True) as session:
        async with session.get(start, params={"location": final}) as resp:
            assert resp.status == 200
            assert str(resp.url) == final
    assert [s["path"] for s in http_target.seen] == [f"/start?location={final}", "/final"]
    (rec,) = http_proxy.records(port=http_target.port)  # only the first hop was proxied
    assert rec["headers"]["host"] == f"localhost:{http_target.port}"


@pytest.mark.parametrize("lib_name", ["aiohttp_fast", "aiohttp"])
async def test_refused_tunnel_request_info_as_aiohttp(
    lib_name: str,
    auth_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    # the CONNECT request: the target's URL, the proxy's as real_url (aiohttp's values)
    lib = importlib.import_module(lib_name)
    async with lib.ClientSession() as session:
        with pytest.raises(lib.ClientHttpProxyError) as excinfo:
            await session.get(
                https_target.url("/x"), proxy=auth_proxy.url, ssl=proxy_tls_client_context
            )
    info = excinfo.value.request_info
    assert excinfo.value.status == 407
    assert info.method == "CONNECT"
    assert str(info.url) == https_target.url("/x")
    assert str(info.real_url) == auth_proxy.url
