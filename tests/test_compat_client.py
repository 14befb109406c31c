"""aiohttp compatibility of the client's public behaviour, against a real aiohttp.web server.

Each scenario runs through aiohttp_fast and through aiohttp itself ("reference"): aiohttp's
behaviour is the oracle, so both parametrizations must pass.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from types import ModuleType

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

import aiohttp_fast
from tests.fixtures_client import RawServer, read_head


@pytest.fixture(params=["aiohttp_fast", "reference"])
def lib(request: pytest.FixtureRequest) -> ModuleType:
    return aiohttp_fast if request.param == "aiohttp_fast" else aiohttp


class Server:
    """An aiohttp.web app on loopback that records the headers of each request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.base = URL()

    def url(self, path: str) -> URL:
        return self.base.with_path(path.split("?")[0]).with_query(
            path.split("?", 1)[1] if "?" in path else None
        )


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()

    async def echo(request: web.Request) -> web.Response:
        srv.seen.append(dict(request.headers))
        return web.Response(text="data")

    async def redirect(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": request.query["to"]})

    app = web.Application()
    app.router.add_route("*", "/", echo)
    app.router.add_get("/ok", echo)
    app.router.add_get("/dir/ok", echo)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/dir/redirect", redirect)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    srv.base = URL(f"http://127.0.0.1:{port}/")
    yield srv
    await runner.cleanup()


# ---- reading a released response ----


async def test_read_after_context_exit_raises(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        async with s.get(server.url("/")) as resp:
            assert resp.status == 200
        with pytest.raises(lib.ClientConnectionError):
            await resp.read()


async def test_read_again_after_context_exit_raises(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        async with s.get(server.url("/")) as resp:
            assert await resp.read() == b"data"
            assert await resp.text() == "data"  # cached while not released
        with pytest.raises(lib.ClientConnectionError, match="Connection closed"):
            await resp.read()


async def test_content_readline_after_context_exit_raises(
    lib: ModuleType, server: Server
) -> None:
    async with lib.ClientSession() as s:
        async with s.get(server.url("/")) as resp:
            assert resp.status == 200
        with pytest.raises(lib.ClientConnectionError):
            await resp.content.readline()


async def test_read_after_release_raises(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        resp = await s.get(server.url("/"))
        resp.release()
        with pytest.raises(lib.ClientConnectionError):
            await resp.text()


async def test_read_after_body_read_without_release_is_cached(
    lib: ModuleType, server: Server
) -> None:
    async with lib.ClientSession() as s:
        resp = await s.get(server.url("/"))
        assert await resp.read() == b"data"
        assert await resp.read() == b"data"
        resp.release()


# ---- skip_auto_headers ----


@pytest.mark.parametrize("name", ["user-agent", "USER-AGENT", "User-Agent"])
async def test_skip_auto_headers_any_case_per_request(
    lib: ModuleType, server: Server, name: str
) -> None:
    async with lib.ClientSession() as s:
        async with s.get(server.url("/"), skip_auto_headers=[name]) as resp:
            assert resp.status == 200
    assert "User-Agent" not in server.seen[0]


async def test_skip_auto_headers_lowercase_on_session(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession(skip_auto_headers=["user-agent", "accept-encoding"]) as s:
        async with s.get(server.url("/")) as resp:
            assert resp.status == 200
    assert "User-Agent" not in server.seen[0]
    assert "Accept-Encoding" not in server.seen[0]
    assert server.seen[0]["Accept"] == "*/*"


async def test_skip_auto_headers_lowercase_content_type(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        async with s.post(server.url("/"), data=b"x", skip_auto_headers=["content-type"]) as r:
            assert r.status == 200
    assert "Content-Type" not in server.seen[0]


# ---- redirects to the current scheme without an authority ----


@pytest.mark.parametrize(
    ("location", "path", "query"),
    [
        ("http:/ok", "/ok", {}),
        ("http:ok", "/dir/ok", {}),
        ("http:/ok?a=b", "/ok", {"a": "b"}),
        ("http:/", "/", {}),
    ],
)
async def test_redirect_same_scheme_without_authority_is_relative(
    lib: ModuleType, server: Server, location: str, path: str, query: dict[str, str]
) -> None:
    async with lib.ClientSession() as s:
        async with s.get(server.url("/dir/redirect").with_query(to=location)) as resp:
            assert resp.status == 200
            assert resp.url.host == "127.0.0.1"
            assert resp.url.path == path
            assert dict(resp.url.query) == query
            assert len(resp.history) == 1


# ---- URL and proxy argument errors ----


@pytest.mark.parametrize(
    "url", ["call:+380123456789", "skype:handle", "mailto:a@b", "localhost:8080"]
)
async def test_non_http_scheme_without_host(lib: ModuleType, url: str) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(lib.NonHttpUrlClientError):
            await s.get(url)


@pytest.mark.parametrize("url", ["/path", "", "http://:/"])
async def test_invalid_url(lib: ModuleType, url: str) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(lib.InvalidUrlClientError):
            await s.get(url)


async def test_url_of_wrong_type_is_type_error(lib: ModuleType) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(TypeError):
            await s.get(42)


async def test_proxy_of_wrong_type_is_type_error(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(TypeError):
            await s.get(server.url("/"), proxy=42)


async def test_proxy_without_host_is_invalid_url(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(lib.InvalidURL) as info:
            await s.get(server.url("/"), proxy="InvalidUrl")
    assert str(info.value.url) == "InvalidUrl"


# ---- request bodies ----


class BodyServer:
    def __init__(self) -> None:
        self.seen: list[tuple[dict[str, str], bytes]] = []
        self.url = URL()


@pytest.fixture
async def body_server() -> AsyncIterator[BodyServer]:
    srv = BodyServer()

    async def echo(request: web.Request) -> web.Response:
        srv.seen.append((dict(request.headers), await request.read()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    srv.url = URL(f"http://127.0.0.1:{port}/")
    yield srv
    await runner.cleanup()


@pytest.mark.parametrize("data", [b"abc", "abc", b""])
@pytest.mark.parametrize("expect100", [False, True])
async def test_chunked_true_frames_an_in_memory_body(
    lib: ModuleType, body_server: BodyServer, data: bytes | str, expect100: bool
) -> None:
    async with lib.ClientSession(timeout=lib.ClientTimeout(total=5)) as s:
        async with s.post(body_server.url, data=data, chunked=True, expect100=expect100) as r:
            assert await r.text() == "ok"
    headers, body = body_server.seen[0]
    assert headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in headers
    assert body == (data.encode() if isinstance(data, str) else data)


async def test_chunked_body_keeps_the_connection_usable(
    lib: ModuleType, body_server: BodyServer
) -> None:
    async with lib.ClientSession(timeout=lib.ClientTimeout(total=5)) as s:
        for payload in (b"first", b"second"):
            async with s.put(body_server.url, data=payload, chunked=True) as r:
                assert r.status == 200
    assert [body for _, body in body_server.seen] == [b"first", b"second"]


async def test_delete_without_body_sends_content_length_zero(
    lib: ModuleType, body_server: BodyServer
) -> None:
    async with lib.ClientSession() as s:
        async with s.delete(body_server.url) as r:
            assert r.status == 200
        async with s.get(body_server.url) as r:
            assert r.status == 200
    assert body_server.seen[0][0]["Content-Length"] == "0"
    assert "Content-Length" not in body_server.seen[1][0]


async def test_file_body_has_no_content_disposition(
    lib: ModuleType, body_server: BodyServer, tmp_path: object
) -> None:
    path = tmp_path / "upload.txt"  # type: ignore[operator]
    path.write_bytes(b"file data")
    async with lib.ClientSession() as s:
        with path.open("rb") as f:
            async with s.post(body_server.url, data=f) as r:
                assert r.status == 200
    headers, body = body_server.seen[0]
    assert body == b"file data"
    assert "Content-Disposition" not in headers
    assert headers["Content-Type"] == "text/plain"


async def test_formdata_file_part_keeps_its_content_disposition(
    lib: ModuleType, body_server: BodyServer
) -> None:
    import io

    form = lib.FormData()
    form.add_field("f", io.BytesIO(b"xx"), filename="f.txt")
    async with lib.ClientSession() as s:
        async with s.post(body_server.url, data=form) as r:
            assert r.status == 200
    _, body = body_server.seen[0]
    assert b'Content-Disposition: form-data; name="f"; filename="f.txt"' in body


# ---- response details ----


@pytest.fixture
async def misc_server() -> AsyncIterator[URL]:
    async def latin(request: web.Request) -> web.Response:
        return web.Response(text="héllo", content_type="text/plain", charset="latin-1")

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    app = web.Application()
    app.router.add_get("/latin", latin)
    app.router.add_get("/loop", loop)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield URL(f"http://127.0.0.1:{port}/")
    await runner.cleanup()


async def test_get_encoding_is_the_codec_name(lib: ModuleType, misc_server: URL) -> None:
    async with lib.ClientSession() as s:
        async with s.get(misc_server / "latin") as r:
            assert r.charset == "latin-1"
            assert r.get_encoding() == "iso8859-1"
            assert await r.text() == "héllo"


async def test_too_many_redirects_has_no_status(lib: ModuleType, misc_server: URL) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(lib.TooManyRedirects) as info:
            await s.get(misc_server / "loop", max_redirects=3)
    exc = info.value
    assert exc.status == 0
    assert str(exc).startswith("0, message=''")
    assert len(exc.history) == 3
    assert exc.request_info.url == misc_server / "loop"


# ---- exceptions ----


def test_client_response_error_code_is_deprecated_status(lib: ModuleType) -> None:
    with pytest.warns(DeprecationWarning):
        err = lib.ClientResponseError(None, (), code=404)
    assert err.status == 404
    with pytest.warns(DeprecationWarning):
        assert err.code == 404
    with pytest.warns(DeprecationWarning):
        err.code = 500
    assert err.status == 500
    with pytest.raises(ValueError):
        lib.ClientResponseError(None, (), code=400, status=400)


# ---- json= ----


async def test_data_and_json_together_is_value_error(
    lib: ModuleType, body_server: BodyServer
) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(ValueError, match="data and json"):
            await s.post(body_server.url, data=b"x", json={"a": 1})
    assert body_server.seen == []


async def test_json_serialize_bytes(lib: ModuleType, body_server: BodyServer) -> None:
    def dumps(obj: object) -> bytes:
        return b'{"custom": true}'

    async with lib.ClientSession(json_serialize_bytes=dumps) as s:
        async with s.post(body_server.url, json={"a": 1}) as r:
            assert r.status == 200
    headers, body = body_server.seen[0]
    assert body == b'{"custom": true}'
    assert headers["Content-Type"] == "application/json"


async def test_ssl_of_wrong_type_is_type_error(lib: ModuleType, body_server: BodyServer) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(TypeError, match="ssl should be SSLContext, bool, Fingerprint or None"):
            await s.get(body_server.url, ssl=123)
    assert body_server.seen == []


@pytest.mark.parametrize(
    "headers", [{"Content-Length": "1"}, {"content-length": "1"}, {"Transfer-Encoding": "chunked"}]
)
async def test_chunked_with_framing_header_is_value_error(
    lib: ModuleType, body_server: BodyServer, headers: dict[str, str]
) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(ValueError, match="chunked can not be set"):
            await s.post(body_server.url, data=b"x", chunked=True, headers=headers)
    assert body_server.seen == []


@pytest.fixture
async def error_server() -> AsyncIterator[URL]:
    async def fail(request: web.Request) -> web.Response:
        return web.Response(status=418, text="error details")

    app = web.Application()
    app.router.add_get("/fail", fail)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield URL(f"http://127.0.0.1:{port}/fail")
    await runner.cleanup()


async def test_raise_for_status_in_context_keeps_the_body(
    lib: ModuleType, error_server: URL
) -> None:
    async with lib.ClientSession() as s:
        async with s.get(error_server) as resp:
            with pytest.raises(lib.ClientResponseError) as info:
                resp.raise_for_status()
            assert info.value.status == 418
            assert await resp.text() == "error details"
    # aiohttp's request() context does not count as "in context": the response is released
    async with lib.request("GET", error_server) as resp:
        with pytest.raises(lib.ClientResponseError):
            resp.raise_for_status()
        with pytest.raises(lib.ClientConnectionError):
            await resp.text()


async def test_raise_for_status_outside_context_releases(
    lib: ModuleType, error_server: URL
) -> None:
    async with lib.ClientSession() as s:
        resp = await s.get(error_server)
        with pytest.raises(lib.ClientResponseError):
            resp.raise_for_status()
        assert resp.closed
        with pytest.raises(lib.ClientConnectionError):
            await resp.text()


# ---- compress= ----


async def test_compress_sends_chunked_with_content_encoding(
    lib: ModuleType, server: Server
) -> None:
    async with lib.ClientSession() as s:
        async with s.post(server.url("/"), data=b"z" * 1000, compress=True) as resp:
            assert resp.status == 200
        async with s.post(server.url("/"), data=b"y" * 1000, compress="gzip") as resp:
            assert resp.status == 200
    deflate, gzip = server.seen
    assert deflate["Content-Encoding"] == "deflate" and gzip["Content-Encoding"] == "gzip"
    for seen in (deflate, gzip):
        assert seen["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in seen


async def test_compress_with_empty_body_sends_no_encoding(lib: ModuleType, server: Server) -> None:
    async with lib.ClientSession() as s:
        async with s.post(server.url("/"), data=b"", compress=True) as resp:
            assert resp.status == 200
    (seen,) = server.seen
    assert "Content-Encoding" not in seen


@pytest.mark.parametrize(
    "headers,message",
    [
        ({"Content-Encoding": "br"}, "Content-Encoding header is set"),
        ({"Content-Length": "1000"}, "Content-Length header is set"),
    ],
)
async def test_compress_conflicting_headers_raise(
    lib: ModuleType, server: Server, headers: dict[str, str], message: str
) -> None:
    async with lib.ClientSession() as s:
        with pytest.raises(ValueError, match=message):
            await s.post(server.url("/"), data=b"z" * 1000, compress=True, headers=headers)
    assert server.seen == []


# ---- the total timeout ----


@pytest.mark.parametrize("phase", ["head", "body"])
async def test_total_timeout_is_a_bare_timeout_error(
    lib: ModuleType, raw_server: RawServer, phase: str
) -> None:
    # aiohttp's total-timeout timer raises asyncio.TimeoutError itself, not a ClientError:
    # code that retries on ClientError must not retry a request out of time
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        if phase == "body":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart")
            await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with lib.ClientSession(timeout=lib.ClientTimeout(total=0.2)) as s:
        with pytest.raises(asyncio.TimeoutError) as info:
            async with s.get(url) as resp:
                await resp.read()
    assert type(info.value) is asyncio.TimeoutError
    assert not isinstance(info.value, lib.ClientError)


async def test_body_longer_than_users_content_length_is_cut(
    lib: ModuleType, raw_server: RawServer
) -> None:
    # aiohttp writes no more than a Content-Length of the user's allows: the rest would be
    # read by the server as the start of the next request
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        received.append(await reader.readexactly(5))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        try:
            received.append(await asyncio.wait_for(reader.read(100), 0.2))
        except asyncio.TimeoutError:
            received.append(b"<nothing>")

    url = await raw_server.start(handler)
    async with lib.ClientSession() as s:
        async with s.post(url, data=b"hello world", headers={"Content-Length": "5"}) as resp:
            assert await resp.read() == b"ok"
        await asyncio.sleep(0.3)
    assert received == [b"hello", b"<nothing>"]


# ---- byte counts of a body ----


@pytest.mark.parametrize("compressed", [False, True])
async def test_total_raw_bytes(lib: ModuleType, raw_server: RawServer, compressed: bool) -> None:
    text = b"hello world " * 500
    wire = zlib.compress(text) if compressed else text
    encoding = b"Content-Encoding: deflate\r\n" if compressed else b""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n%bContent-Length: %d\r\n\r\n%b"
                     % (encoding, len(wire), wire))
        await writer.drain()

    url = await raw_server.start(handler)
    async with lib.ClientSession() as s:
        async with s.get(url) as resp:
            assert await resp.read() == text
            assert resp.content.total_bytes == len(text)
            assert resp.content.total_raw_bytes == len(wire)
            assert resp.content.total_compressed_bytes == (len(wire) if compressed else None)


# ---- HTTP chunk boundaries ----


@pytest.mark.parametrize("together", [False, True], ids=["apart", "together"])
async def test_iter_chunks_reports_http_chunk_ends(
    lib: ModuleType, raw_server: RawServer, together: bool
) -> None:
    pieces = [b"5\r\nhello\r\n", b"6\r\n world\r\n", b"1\r\n!\r\n", b"0\r\n\r\n"]
    sent = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in pieces:
            writer.write(piece)
            await writer.drain()
            if not together:
                await asyncio.sleep(0.02)
        sent.set()

    url = await raw_server.start(handler)
    async with lib.ClientSession() as s:
        async with s.get(url) as resp:
            if together:
                await sent.wait()
                await asyncio.sleep(0.05)
            got = [item async for item in resp.content.iter_chunks()]
    expected = [(b"hello", True), (b" world", True), (b"!", True)]
    if not together:
        # aiohttp's own: the last chunk's end arrives apart from its data ("0" chunk)
        expected.append((b"", True))
    assert got == expected


async def test_iter_chunks_reports_http_chunk_ends_through_a_decoder(
    lib: ModuleType, raw_server: RawServer
) -> None:
    # each HTTP chunk carries a flushed piece of one deflate stream: its decoded end is known
    comp = zlib.compressobj()
    words = [b"hello", b" compressed", b" world"]
    segments = [comp.compress(w) + comp.flush(zlib.Z_SYNC_FLUSH) for w in words]
    segments[-1] += comp.flush()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Encoding: deflate\r\n\r\n")
        for seg in segments:
            writer.write(b"%x\r\n%b\r\n" % (len(seg), seg))
            await writer.drain()
            await asyncio.sleep(0.02)
        writer.write(b"0\r\n\r\n")

    url = await raw_server.start(handler)
    async with lib.ClientSession() as s:
        async with s.get(url) as resp:
            got = [item async for item in resp.content.iter_chunks()]
    assert b"".join(data for data, _ in got) == b"".join(words)
    assert [data for data, end in got if end and data] == words
