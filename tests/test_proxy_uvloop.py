"""The proxy paths on uvloop: its transports implement set_protocol and start_tls their own way."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from aiohttp_fast.auth import BasicAuth
from aiohttp_fast.client import ClientSession
from aiohttp_fast.client_exceptions import ClientConnectionError, ClientHttpProxyError
from tests.fixtures_proxy import PROXY_PASSWORD, PROXY_USER, ProxyProcess, TargetServer

uvloop = pytest.importorskip("uvloop")
pytestmark = [
    pytest.mark.usefixtures("clean_proxy_env"),
    # The loop-factory hook that replaces this override is suite-wide (it would parametrize
    # every test); a module-level policy keeps uvloop to this file. test_runs_on_uvloop fails
    # loudly the day the override stops working.
    pytest.mark.filterwarnings("ignore:Overriding the \"event_loop_policy\" fixture"),
]


@pytest.fixture(scope="module")
def event_loop_policy() -> asyncio.AbstractEventLoopPolicy:
    return uvloop.EventLoopPolicy()


async def test_runs_on_uvloop() -> None:
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)


async def test_http_and_https_targets(
    auth_proxy: ProxyProcess,
    http_target: TargetServer,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    auth = BasicAuth(PROXY_USER, PROXY_PASSWORD)
    async with ClientSession() as session:
        for target in (http_target, https_target):
            async with session.get(
                target.url("/uv"), proxy=auth_proxy.url, proxy_auth=auth,
                ssl=proxy_tls_client_context,
            ) as resp:
                assert resp.status == 200
                assert await resp.json() == {"path": "/uv", "method": "GET"}
        with pytest.raises(ClientHttpProxyError) as excinfo:
            await session.get(
                https_target.url("/no-auth"), proxy=auth_proxy.url, ssl=proxy_tls_client_context
            )
        assert excinfo.value.status == 407
    (plain,) = auth_proxy.records(port=http_target.port)
    (tunnel,) = auth_proxy.records(port=https_target.port)
    assert plain["absolute"] and tunnel["method"] == "CONNECT"
    assert [s["path"] for s in https_target.seen] == ["/uv"]


async def test_https_proxy_https_target(
    https_proxy: ProxyProcess,
    https_target: TargetServer,
    proxy_tls_client_context: ssl.SSLContext,
) -> None:
    # uvloop can't start TLS over a TLS transport: a clear error, or (if it learns) success.
    async with ClientSession() as session:
        try:
            async with session.get(
                https_target.url("/tt"), proxy=https_proxy.url, ssl=proxy_tls_client_context
            ) as resp:
                assert resp.status == 200
        except ClientConnectionError as exc:
            assert "TLS-in-TLS" in str(exc)
            assert https_target.seen == []
        else:
            assert [s["path"] for s in https_target.seen] == ["/tt"]
