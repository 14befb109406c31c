"""ClientSession itself: attributes, ownership of the connector, lifecycle, package exports."""

from __future__ import annotations

import asyncio
import json

import pytest
from yarl import URL

import aiohttp_fast as aiohttp
from tests.fixtures_client import EchoServer, RawServer, read_head


async def test_attributes_and_defaults():
    tc = aiohttp.TraceConfig()
    jar = aiohttp.DummyCookieJar()
    auth = aiohttp.BasicAuth("a", "b")
    async with aiohttp.ClientSession(
        headers={"X-A": "1"},
        skip_auto_headers=["User-Agent"],
        auth=auth,
        cookie_jar=jar,
        timeout=aiohttp.ClientTimeout(total=7),
        raise_for_status=True,
        auto_decompress=False,
        trust_env=True,
        trace_configs=[tc],
        requote_redirect_url=False,
        version=aiohttp.HttpVersion10,
    ) as s:
        assert s.headers["X-A"] == "1"
        assert "User-Agent" in s.skip_auto_headers
        assert s.auth == auth
        assert s.cookie_jar is jar
        assert s.timeout.total == 7
        assert s.raise_for_status is True
        assert s.auto_decompress is False
        assert s.trust_env is True
        assert s.trace_configs == [tc]
        assert s.requote_redirect_url is False
        assert s.version == aiohttp.HttpVersion10
        assert s.connector_owner
        assert isinstance(s.connector, aiohttp.TCPConnector)
        assert s.json_serialize is json.dumps
        assert not s.closed
    assert s.closed


async def test_default_timeout_like_aiohttp():
    async with aiohttp.ClientSession() as s:
        assert s.timeout.total == 300
        assert s.timeout.sock_connect == 30


def test_total_timeout_also_bounds_connecting():
    from aiohttp_fast.timeouts import connect_timeout_of

    derived = connect_timeout_of(aiohttp.ClientTimeout(total=5, connect=9, sock_read=2))
    assert (derived.total, derived.connect, derived.sock_read) == (5, 5, 2)
    shorter = aiohttp.ClientTimeout(total=5, connect=1)
    assert connect_timeout_of(shorter) is shorter  # a connect limit inside total stays


async def test_connector_owner_false_keeps_connector_open(echo_server: EchoServer):
    connector = aiohttp.TCPConnector()
    async with aiohttp.ClientSession(connector=connector, connector_owner=False) as s:
        async with s.get(echo_server.url()) as resp:
            assert resp.status == 200
    assert not connector.closed
    async with aiohttp.ClientSession(connector=connector) as s2:
        async with s2.get(echo_server.url()) as resp:
            assert resp.status == 200
    assert connector.closed


async def test_detach():
    s = aiohttp.ClientSession()
    connector = s.connector
    s.detach()
    assert s.closed
    assert not connector.closed
    await connector.close()


async def test_dummy_cookie_jar_stores_nothing(echo_server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as s:
        await (await s.get(echo_server.url("/set-cookie?a=1"))).read()
        async with s.get(echo_server.url()) as resp:
            data = await resp.json()
    assert [v for k, v in data["headers"] if k.lower() == "cookie"] == []


async def test_total_timeout_covers_body_read(raw_server: RawServer):
    async def handler(reader, writer):
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.1)) as s:
        resp = await s.get(url)
        with pytest.raises(asyncio.TimeoutError):
            await resp.read()
        assert resp.closed


async def test_read_bufsize_sets_stream_limit(echo_server):
    async with aiohttp.ClientSession(read_bufsize=1234) as s:
        async with s.get(echo_server.url()) as resp:
            assert resp.content.get_read_buffer_limits() == (1234, 2468)
        async with s.get(echo_server.url(), read_bufsize=99) as resp:
            assert resp.content.get_read_buffer_limits() == (99, 198)


async def test_await_and_context_manager_forms(echo_server):
    async with aiohttp.ClientSession() as s:
        resp = await s.get(echo_server.url())
        assert resp.status == 200
        await resp.read()
        async with s.get(echo_server.url()) as resp2:
            assert resp2.status == 200
        assert resp2.closed


async def test_url_object_and_str_accepted(echo_server):
    async with aiohttp.ClientSession() as s:
        for url in (echo_server.url(), str(echo_server.url())):
            async with s.get(url) as resp:
                assert resp.url == URL(str(echo_server.url()))


def test_package_exports():
    names = [
        "ClientSession", "request", "TCPConnector", "UnixConnector", "BaseConnector",
        "ClientTimeout", "BasicAuth", "FormData", "CookieJar", "DummyCookieJar", "TraceConfig",
        "TraceRequestStartParams", "TraceRequestEndParams", "TraceRequestRedirectParams",
        "Fingerprint", "hdrs", "HttpVersion", "HttpVersion10", "HttpVersion11", "StreamReader",
        "ClientResponse", "ClientRequest", "RequestInfo", "ClientError", "ClientResponseError",
        "ClientConnectionError", "ClientConnectorError", "ServerDisconnectedError",
        "ServerTimeoutError", "ConnectionTimeoutError", "SocketTimeoutError",
        "ClientPayloadError", "TooManyRedirects", "InvalidURL", "ContentTypeError",
        "NonHttpUrlRedirectClientError", "InvalidUrlRedirectClientError", "EMPTY_PAYLOAD",
        "ClientMiddlewareType", "ClientHandlerType", "Payload", "JsonPayload",
        "MultipartWriter",
    ]
    missing = [n for n in names if not hasattr(aiohttp, n)]
    assert missing == []
    assert set(names) <= set(aiohttp.__all__)


async def test_client_classes_can_be_patched_like_aiohttps(echo_server):
    """Test code patches aiohttp's classes (mock.patch.object, aioresponses and vcrpy patch
    ClientSession._request): the public session, request, response and connector classes
    stay Python classes in the compiled build too, and the patch takes effect."""
    from unittest import mock

    async def fake_request(self, method, url, *args, **kwargs):
        return ("patched", method, str(url))

    with mock.patch.object(aiohttp.ClientSession, "_request", fake_request):
        async with aiohttp.ClientSession() as session:
            assert await session.get("http://example.invalid/x") == (
                "patched", "GET", "http://example.invalid/x"
            )

    async def fake_json(self, **kwargs):
        return {"patched": self.status}

    sent = []
    real_send = aiohttp.ClientRequest.send

    async def counting_send(self, conn, read_options=None):
        sent.append(self.method)
        return await real_send(self, conn, read_options)

    with (
        mock.patch.object(aiohttp.ClientResponse, "json", fake_json),
        mock.patch.object(aiohttp.ClientRequest, "send", counting_send),
    ):
        async with aiohttp.ClientSession() as session:
            async with session.post(echo_server.url("/echo"), data=b"x") as resp:
                assert await resp.json() == {"patched": 200}
    assert sent == ["POST"]
    # unpatched again
    async with aiohttp.ClientSession() as session:
        async with session.post(echo_server.url("/echo"), data=b"x") as resp:
            assert (await resp.json())["body"] == "x"
    assert sent == ["POST"]
