"""What the client puts on the wire, observed by a real server: methods, params, bodies, headers."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import zlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import MultiDict
from yarl import URL

import aiohttp_fast as aiohttp
from aiohttp_fast import decoders
from aiohttp_fast.payload import json_body
from tests.fixtures_client import EchoServer, RawServer, read_head, seen


async def echo(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    assert resp.status == 200, await resp.text()
    return await resp.json()


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_methods(session: aiohttp.ClientSession, echo_server: EchoServer, method: str):
    call = getattr(session, method.lower())
    async with call(echo_server.url()) as resp:
        data = await echo(resp)
    assert data["method"] == method


async def test_head_has_no_body(session: aiohttp.ClientSession, echo_server: EchoServer):
    async with session.head(echo_server.url()) as resp:
        assert resp.status == 200
        assert int(resp.headers["Content-Length"]) > 0
        assert await resp.read() == b""
    # the connection is still usable afterwards (HEAD body skipped, not read as the next head)
    async with session.get(echo_server.url()) as resp:
        assert (await echo(resp))["method"] == "GET"


async def test_request_method_and_await_form(session, echo_server):
    resp = await session.request("post", echo_server.url(), data=b"x")
    data = await echo(resp)
    assert data["method"] == "POST"
    assert data["body"] == "x"


async def test_default_headers(session, echo_server):
    data = await echo(await session.get(echo_server.url()))
    host, port = echo_server.base.host, echo_server.base.port
    assert seen(data, "Host") == [f"{host}:{port}"]
    assert seen(data, "Accept") == ["*/*"]
    assert seen(data, "Accept-Encoding") == [decoders.ACCEPT_ENCODING]
    ua = f"Python/{sys.version_info[0]}.{sys.version_info[1]} aiohttp_fast/{aiohttp.__version__}"
    assert seen(data, "User-Agent") == [ua]
    # a GET without a body announces none
    assert seen(data, "Content-Length") == []
    assert seen(data, "Transfer-Encoding") == []


async def test_params_forms(session, echo_server):
    url = echo_server.url("/echo?a=1")
    data = await echo(await session.get(url, params={"b": "2", "c": "x y"}))
    assert data["query"] == [["a", "1"], ["b", "2"], ["c", "x y"]]
    data = await echo(await session.get(echo_server.url(), params=[("k", "1"), ("k", "2")]))
    assert data["query"] == [["k", "1"], ["k", "2"]]
    data = await echo(await session.get(echo_server.url(), params="q=a b&r=1"))
    assert data["query"] == [["q", "a b"], ["r", "1"]]
    data = await echo(await session.get(echo_server.url(), params=MultiDict([("m", "1")])))
    assert data["query"] == [["m", "1"]]


async def test_data_bytes_and_str(session, echo_server):
    data = await echo(await session.post(echo_server.url(), data=b"\x00\x01raw"))
    assert data["body"] == "\x00\x01raw"
    assert seen(data, "Content-Length") == ["5"]
    data = await echo(await session.post(echo_server.url(), data="héllo"))
    assert data["body"].encode("latin-1").decode() == "héllo"
    assert seen(data, "Content-Type") == ["text/plain; charset=utf-8"]


async def test_data_form_urlencoded(session, echo_server):
    data = await echo(await session.post(echo_server.url(), data={"a": "1", "b": "x y"}))
    assert data["body"] == "a=1&b=x+y"
    assert seen(data, "Content-Type") == ["application/x-www-form-urlencoded"]
    data = await echo(await session.post(echo_server.url(), data=[("a", 1), ("a", 2)]))
    assert data["body"] == "a=1&a=2"


async def test_data_formdata_with_file(session, echo_server):
    if not hasattr(aiohttp, "FormData"):
        pytest.skip("formdata module not available")
    form = aiohttp.FormData()
    form.add_field("name", "value")
    form.add_field("file", io.BytesIO(b"file-bytes"), filename="f.bin")
    data = await echo(await session.post(echo_server.url(), data=form))
    ctype = seen(data, "Content-Type")[0]
    assert ctype.startswith("multipart/form-data; boundary=")
    assert "file-bytes" in data["body"]
    assert 'filename="f.bin"' in data["body"]


async def test_data_async_iterable_is_chunked(session, echo_server):
    async def gen():
        for part in (b"one ", b"two ", b"three"):
            yield part

    data = await echo(await session.post(echo_server.url(), data=gen()))
    assert data["body"] == "one two three"
    assert seen(data, "Transfer-Encoding") == ["chunked"]
    assert seen(data, "Content-Length") == []


async def test_chunked_flag_with_bytes(session, echo_server, raw_server: RawServer):
    heads: list[bytes] = []

    async def handler(reader, writer):
        head = await read_head(reader)
        heads.append(head)
        body = b""
        while not body.endswith(b"0\r\n\r\n"):
            body += await reader.read(100)
        heads.append(body)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    url = await raw_server.start(handler)
    async def gen():
        yield b"abc"

    async with session.post(url, data=gen(), chunked=True) as resp:
        assert resp.status == 200
    assert b"Transfer-Encoding: chunked" in heads[0]
    assert heads[1] == b"3\r\nabc\r\n0\r\n\r\n"


async def test_json(session, echo_server):
    data = await echo(await session.post(echo_server.url(), json={"a": [1, 2]}))
    assert json.loads(data["body"]) == {"a": [1, 2]}
    assert seen(data, "Content-Type") == ["application/json"]


async def test_json_and_data_conflict(session, echo_server):
    with pytest.raises(ValueError):
        await session.post(echo_server.url(), data=b"x", json={})


async def test_json_serialize(echo_server):
    async with aiohttp.ClientSession(json_serialize=lambda o: '"custom"') as s:
        data = await echo(await s.post(echo_server.url(), json={"a": 1}))
    assert data["body"] == '"custom"'


async def test_headers_merge_and_override(echo_server):
    async with aiohttp.ClientSession(headers={"X-Session": "s", "X-Both": "s"}) as s:
        data = await echo(
            await s.get(echo_server.url(), headers={"X-Both": "r", "X-Req": "r", "Accept": "a/b"})
        )
    assert seen(data, "X-Session") == ["s"]
    assert seen(data, "X-Both") == ["r"]
    assert seen(data, "X-Req") == ["r"]
    assert seen(data, "Accept") == ["a/b"]


async def test_skip_auto_headers(echo_server):
    async with aiohttp.ClientSession(skip_auto_headers=["User-Agent"]) as s:
        data = await echo(await s.get(echo_server.url(), skip_auto_headers=["Accept-Encoding"]))
    assert seen(data, "User-Agent") == []
    assert seen(data, "Accept-Encoding") == []
    assert seen(data, "Accept") == ["*/*"]


async def test_user_content_encoding_keeps_body(session, echo_server):
    data = await echo(
        await session.post(
            echo_server.url(), data=b"already", headers={"Content-Encoding": "x-custom"}
        )
    )
    assert data["body"] == "already"
    assert seen(data, "Content-Encoding") == ["x-custom"]
    # with compress= as well it is a ValueError, as in aiohttp (tests/test_compat_client.py)


@pytest.mark.parametrize("coding", ["deflate", "gzip"])
async def test_compress(session, raw_server, coding):
    # the raw bytes on the wire: one compressed chunk, then the last chunk
    received: list[bytes] = []

    async def handler(reader, writer):
        head = await read_head(reader)
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
            chunk = await reader.readexactly(size + 2)
            if not size:
                break
            body += chunk[:-2]
        received.extend([head, body])
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    url = await raw_server.start(handler)
    async with session.post(url, data=b"z" * 1000, compress=coding) as resp:
        assert await resp.read() == b"ok"
    head, body = received
    assert f"\r\nContent-Encoding: {coding}\r\n".encode() in head
    assert b"\r\nTransfer-Encoding: chunked\r\n" in head
    assert b"Content-Length" not in head
    wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
    assert len(body) < 100 and zlib.decompress(body, wbits) == b"z" * 1000


async def test_auth_and_url_credentials(session, echo_server):
    data = await echo(await session.get(echo_server.url(), auth=aiohttp.BasicAuth("u", "p")))
    assert seen(data, "Authorization") == ["Basic dTpw"]
    url = echo_server.url().with_user("user").with_password("pw")
    data = await echo(await session.get(url))
    assert seen(data, "Authorization") == [aiohttp.BasicAuth("user", "pw").encode()]
    with pytest.raises(ValueError):
        await session.get(url, auth=aiohttp.BasicAuth("u", "p"))


async def test_session_auth(echo_server):
    async with aiohttp.ClientSession(auth=aiohttp.BasicAuth("s", "x")) as s:
        data = await echo(await s.get(echo_server.url()))
    assert seen(data, "Authorization") == [aiohttp.BasicAuth("s", "x").encode()]


async def test_cookies_session_request_and_jar(echo_server):
    # an IP-address host needs unsafe=True, as with aiohttp's jar
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookies={"sess": "1"}, cookie_jar=jar) as s:
        await (await s.get(echo_server.url("/set-cookie?jar=2"))).read()
        data = await echo(await s.get(echo_server.url(), cookies={"req": "3"}))
    cookie = "; ".join(seen(data, "Cookie"))
    assert "sess=1" in cookie
    assert "jar=2" in cookie
    assert "req=3" in cookie


async def test_invalid_method_and_crlf(session, echo_server):
    with pytest.raises(ValueError):
        await session.request("GE T", echo_server.url())
    with pytest.raises(ValueError):
        await session.get(echo_server.url(), headers={"X-Bad": "a\r\nInjected: 1"})
    with pytest.raises(ValueError):
        await session.get(URL(str(echo_server.url()) + "%0d%0a", encoded=True).with_path(
            "/echo\r\nX: y", encoded=True))


async def test_invalid_urls(session):
    with pytest.raises(aiohttp.InvalidUrlClientError):
        await session.get("/relative/only")
    with pytest.raises(aiohttp.NonHttpUrlClientError):
        await session.get("ftp://example.com/")


async def test_expect100(session, echo_server):
    data = await echo(await session.post(echo_server.url(), data=b"body", expect100=True))
    assert seen(data, "Expect") == ["100-continue"]
    assert data["body"] == "body"


async def test_expect100_final_answer_skips_body(session, raw_server):
    got: list[bytes] = []

    async def handler(reader, writer):
        got.append(await read_head(reader))
        writer.write(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        got.append(await reader.read(100))

    url = await raw_server.start(handler)
    async with session.post(url, data=b"secret", expect100=True) as resp:
        assert resp.status == 417
    await asyncio.sleep(0)
    assert b"Expect: 100-continue" in got[0]


async def test_version_10(echo_server):
    async with aiohttp.ClientSession(version=aiohttp.HttpVersion10) as s:
        data = await echo(await s.get(echo_server.url()))
    assert data["version"] == [1, 0]


async def test_base_url(echo_server):
    async with aiohttp.ClientSession(base_url=echo_server.base) as s:
        data = await echo(await s.get("echo/sub"))
    assert data["path"] == "/echo/sub"
    with pytest.raises(ValueError):
        aiohttp.ClientSession(base_url="http://example.com/no-slash")


async def test_ipv6_and_unix(echo_server_v6, echo_unix):
    async with aiohttp.ClientSession() as s:
        data = await echo(await s.get(echo_server_v6.url()))
        assert seen(data, "Host") == [f"[::1]:{echo_server_v6.base.port}"]
    async with aiohttp.ClientSession(connector=aiohttp.UnixConnector(path=echo_unix)) as s:
        data = await echo(await s.get("http://unix.example/echo"))
        assert seen(data, "Host") == ["unix.example"]


async def test_plain_proxy_uses_absolute_form(session, raw_server):
    seen_heads: list[bytes] = []

    async def handler(reader, writer):
        seen_heads.append(await read_head(reader))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    proxy = await raw_server.start(handler)
    try:
        async with session.get(
            "http://example.invalid/path?q=1",
            proxy=proxy,
            proxy_auth=aiohttp.BasicAuth("pu", "pp"),
        ) as resp:
            assert await resp.read() == b"ok"
    except NotImplementedError:
        pytest.skip("the connector does not support proxies yet")
    head = seen_heads[0]
    assert head.startswith(b"GET http://example.invalid/path?q=1 HTTP/1.1\r\n")
    assert b"Proxy-Authorization: " + aiohttp.BasicAuth("pu", "pp").encode().encode() in head


@pytest.mark.parametrize(
    "method, url, body, headers",
    [
        ("GET", "http://example.com/", None, None),
        ("GET", "http://example.com:8080/a/b?c=d&e=%20", None, None),
        ("POST", "https://[::1]:8443/p", b"data", None),
        ("PUT", "http://пример.рф/путь", None, None),
        ("DELETE", "http://h/", None, None),
        ("PATCH", "http://h/", None, None),
        ("POST", "http://h/", b"{}", {"Content-Type": "application/json"}),
        ("GET", "http://h/", None, {"Accept": "text/html", "X-A": "1"}),
        ("GET", "http://h/", None, {"Host": "other.example", "user-agent": "me"}),
        ("POST", "http://h/", b"x", {"X-A": "1", "x-a": "2"}),
    ],
)
def test_cached_head_equals_serialized_head(method, url, body, headers):
    from aiohttp_fast import client_request
    from aiohttp_fast.http_writer import serialize_request_head

    for _ in range(2):  # the first builds the cached block, the second uses it
        req = client_request.ClientRequest(method, URL(url), data=body, headers=headers)
        fast = req._serialize_head()
        slow = serialize_request_head(
            req.method, req._target(), req.version, req._final_headers()
        )
        assert fast == slow


def test_cached_head_still_rejects_injection():
    from aiohttp_fast import client_request

    for _ in range(2):
        req = client_request.ClientRequest("GET", URL("http://h/"), headers={"X": "a\r\nB: c"})
        with pytest.raises(ValueError):
            req._serialize_head()


async def test_post_default_content_type(session, echo_server):
    data = await echo(await session.post(echo_server.url(), data=b"raw"))
    assert seen(data, "Content-Type") == ["application/octet-stream"]
    data = await echo(await session.post(echo_server.url()))
    assert seen(data, "Content-Type") == ["application/octet-stream"]
    assert seen(data, "Content-Length") == ["0"]
    data = await echo(
        await session.put(echo_server.url(), data=b"raw", skip_auto_headers=["Content-Type"])
    )
    assert seen(data, "Content-Type") == []


async def test_file_upload(session, echo_server, tmp_path):
    path = tmp_path / "up.bin"
    path.write_bytes(b"file content")
    with path.open("rb") as f:
        data = await echo(await session.post(echo_server.url(), data=f))
    assert data["body"] == "file content"
    assert seen(data, "Content-Length") == ["12"]
    data = await echo(await session.post(echo_server.url(), data=io.BytesIO(b"bytesio")))
    assert data["body"] == "bytesio"


async def test_307_rewinds_file_body(session, echo_server, tmp_path):
    path = tmp_path / "up.bin"
    path.write_bytes(b"resend me")
    url = echo_server.url("/redirect/307").with_query(to="/echo")
    with path.open("rb") as f:
        data = await echo(await session.post(url, data=f))
    assert data["body"] == "resend me"
    assert data["method"] == "POST"


async def test_streamed_body_compressed(session, echo_server):
    async def gen():
        yield b"a" * 500
        yield b"b" * 500

    data = await echo(await session.post(echo_server.url(), data=gen(), compress="gzip"))
    assert seen(data, "Content-Encoding") == ["gzip"]
    assert data["body"] == "a" * 500 + "b" * 500


async def test_force_close_connector_sends_connection_close(echo_server):
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as s:
        data = await echo(await s.get(echo_server.url()))
    assert seen(data, "Connection") == ["close"]


async def test_middleware_per_request_override_and_retry(echo_server):
    calls = []

    async def session_mw(req, handler):
        calls.append("session")
        return await handler(req)

    async def retry_mw(req, handler):
        calls.append("request")
        resp = await handler(req)
        if resp.status == 404:
            resp.release()
            req.url = echo_server.url("/echo")
            resp = await handler(req)
        return resp

    async with aiohttp.ClientSession(middlewares=(session_mw,)) as s:
        async with s.post(echo_server.url("/missing"), data=b"again",
                          middlewares=(retry_mw,)) as resp:
            data = await echo(resp)
    assert calls == ["request"]
    assert data["body"] == "again"


async def test_https_with_ssl_context(echo_server_tls, client_ssl_ctx):
    async with aiohttp.ClientSession() as s:
        data = await echo(await s.get(echo_server_tls.url(), ssl=client_ssl_ctx))
        assert seen(data, "Host") == [f"localhost:{echo_server_tls.base.port}"]
        ports = {data["peer_port"]}
        data = await echo(await s.get(echo_server_tls.url(), ssl=client_ssl_ctx))
        ports.add(data["peer_port"])
        assert len(ports) == 1  # TLS connections are pooled too
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await s.get(echo_server_tls.url())  # default trust store: unknown CA
        data = await echo(await s.get(echo_server_tls.url(), ssl=False))
        assert data["method"] == "GET"


async def test_legacy_ssl_arguments(echo_server_tls, client_ssl_ctx):
    async with aiohttp.ClientSession() as s:
        # deprecated, as in aiohttp: each warns, and still works
        with pytest.warns(DeprecationWarning, match="verify_ssl"):
            data = await echo(await s.get(echo_server_tls.url(), verify_ssl=False))
        assert data["method"] == "GET"
        with pytest.warns(DeprecationWarning, match="ssl_context"):
            data = await echo(await s.get(echo_server_tls.url(), ssl_context=client_ssl_ctx))
        assert data["method"] == "GET"
        with pytest.raises(ValueError), pytest.warns(DeprecationWarning):
            await s.get(echo_server_tls.url(), verify_ssl=False, ssl_context=client_ssl_ctx)
        with pytest.raises(TypeError):
            await s.get(echo_server_tls.url(), no_such_argument=1)


# ---- json= encoding: json.dumps's output, without its per-call set-up ----

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text() | st.integers() | st.floats() | st.booleans(), children,
                      max_size=4),
    max_leaves=20,
)


@given(_json_values)
def test_json_body_is_json_dumps(value: Any) -> None:
    assert json_body(value) == json.dumps(value).encode("utf-8")


def test_json_body_errors_are_json_dumps_errors() -> None:
    circular: list[Any] = []
    circular.append(circular)
    for bad in (circular, {"x": object()}, {(1, 2): 3}):
        with pytest.raises((TypeError, ValueError)) as ours:
            json_body(bad)
        with pytest.raises((TypeError, ValueError)) as stdlib:
            json.dumps(bad)
        assert (type(ours.value), str(ours.value)) == (type(stdlib.value), str(stdlib.value))
    # a serializer of the user's own is used as given
    assert json_body({"a": 1}, dumps=lambda v: "custom") == b"custom"


def test_json_body_after_a_failed_encode_is_still_json_dumps() -> None:
    """The reused encoder must not keep state from a failed encode: its circular-reference
    markers can still hold the ids of the containers it was in when it failed."""
    inner: list[Any] = [1, 2]
    outer: list[Any] = [inner, {"x": object()}]
    with pytest.raises(TypeError):
        json_body(outer)
    outer[1] = {"x": 3}
    # the same containers again: stale markers would report a circular reference
    assert json_body(outer) == json.dumps(outer).encode("utf-8")
    assert json_body(outer) == b'[[1, 2], {"x": 3}]'


def test_url_keyed_caches_never_mix_up_urls():
    """The URL check, connection-key and whole-head caches are keyed by id(url): URL objects
    made and dropped one after another (CPython reuses their memory, so ids repeat) must each
    get their own request line, host and key, past every cache's size bound."""
    from aiohttp_fast import client_request

    seen_ids = set()
    for i in range(3000):
        url = URL(f"http://h{i % 7}.example:{8000 + i % 5}/p{i}?q={i}#frag")
        seen_ids.add(id(url))
        req = client_request.ClientRequest("GET", url)
        head = req._serialize_head()
        assert head.startswith(f"GET /p{i}?q={i} HTTP/1.1\r\n".encode())
        assert f"\r\nHost: h{i % 7}.example:{8000 + i % 5}\r\n".encode() in head
        key = req.connection_key
        assert (key.host, key.port) == (f"h{i % 7}.example", 8000 + i % 5)
        assert req.url == url.with_fragment(None)
        del url, req
    assert len(seen_ids) < 3000  # ids were reused: the case the identity checks are for
