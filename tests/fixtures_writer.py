"""Fixtures for the request-writing area: both head serializers, loopback servers, a sender.

``serialize_impl`` runs a test over both twins of ``serialize_request_head``. ``raw_sink``
is a loopback server that records every byte a client sends (it can hold its reads to push
back on the sender). ``form_server`` is an aiohttp.web app that reports what its own
``request.post()`` / ``request.multipart()`` decoded. ``send_payload`` writes a request with
our StreamWriter over a plain asyncio connection (the session layer is not needed).
"""

from __future__ import annotations

import asyncio
import importlib.machinery
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from aiohttp_fast import http_writer
from aiohttp_fast._compat import NO_EXTENSIONS
from aiohttp_fast.payload import Payload
from aiohttp_fast.writer import StreamWriter


def load_c_serializer() -> tuple[Callable[..., bytes] | None, str]:
    """The compiled serializer, or None and the reason it is unavailable."""
    if NO_EXTENSIONS:
        return None, "AIOHTTP_FAST_NO_EXTENSIONS=1: pure-Python run"
    try:
        from aiohttp_fast import _writer_c
    except ImportError as exc:  # pragma: no cover
        return None, f"_writer_c not importable: {exc}"
    if not (_writer_c.__file__ or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        return None, "_writer_c is not built (run `python setup.py build_ext --inplace`)"
    return _writer_c.serialize_request_head, ""


@pytest.fixture(params=["c", "py"])
def serialize_impl(request: pytest.FixtureRequest) -> Callable[..., bytes]:
    """``serialize_request_head`` from the compiled twin, then from the Python twin."""
    if request.param == "py":
        return http_writer.serialize_request_head_py
    func, reason = load_c_serializer()
    if func is None:
        pytest.skip(reason)
    return func


class ClientProtocol(asyncio.Protocol):
    """A minimal client protocol with the flow control a StreamWriter relies on."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received = bytearray()
        self.closed = asyncio.get_running_loop().create_future()
        self._paused = False
        self._resumed: asyncio.Future[None] | None = None
        self.pauses = 0  # how often the transport asked us to stop writing
        self.drain_waits = 0  # how often _drain_helper really had to wait

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._resumed is not None and not self._resumed.done():
            self._resumed.set_exception(ConnectionResetError("lost"))
        if not self.closed.done():
            self.closed.set_result(None)

    def pause_writing(self) -> None:
        self._paused = True
        self.pauses += 1

    def resume_writing(self) -> None:
        self._paused = False
        if self._resumed is not None and not self._resumed.done():
            self._resumed.set_result(None)

    async def _drain_helper(self) -> None:
        if not self._paused:
            return
        self.drain_waits += 1
        self._resumed = asyncio.get_running_loop().create_future()
        await self._resumed


class RawSink:
    """A loopback server that stores every byte each connection sends until it closes."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.port = 0
        self.hold = asyncio.Event()  # cleared: connections do not read (back-pressure)
        self.hold.set()
        self.data: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.tasks: set[asyncio.Task[None]] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        buf = bytearray()
        try:
            while True:
                await self.hold.wait()
                chunk = await reader.read(65536)
                if not chunk:
                    break
                buf += chunk
        finally:
            if not self.data.done():
                self.data.set_result(bytes(buf))
            writer.close()

    async def connect(self) -> tuple[ClientProtocol, StreamWriter]:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(ClientProtocol, "127.0.0.1", self.port)
        return proto, StreamWriter(proto, loop)

    async def received(self, proto: ClientProtocol) -> bytes:
        """Close our side, then return everything the server got."""
        assert proto.transport is not None
        proto.transport.write_eof()
        data = await self.data
        await proto.closed
        return data


@pytest.fixture
async def raw_sink() -> AsyncIterator[RawSink]:
    sink = RawSink()
    sink.server = await asyncio.start_server(sink._handle, "127.0.0.1", 0)
    sink.port = sink.server.sockets[0].getsockname()[1]
    yield sink
    sink.server.close()
    for task in sink.tasks:
        task.cancel()
    await asyncio.gather(*sink.tasks, return_exceptions=True)
    await sink.server.wait_closed()


async def _echo_body(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response({
        "body": body.decode("latin-1"),
        "content_type": request.headers.get("Content-Type"),
        "content_length": request.headers.get("Content-Length"),
        "transfer_encoding": request.headers.get("Transfer-Encoding"),
        "content_disposition": request.headers.get("Content-Disposition"),
    })


async def _post(request: web.Request) -> web.Response:
    form = await request.post()
    fields: list[Any] = []
    for name, value in form.items():
        if isinstance(value, web.FileField):
            fields.append([name, {"filename": value.filename,
                                  "content_type": value.content_type,
                                  "data": value.file.read().decode("latin-1")}])
        else:
            fields.append([name, value])
    return web.json_response({"fields": fields,
                              "content_type": request.headers.get("Content-Type"),
                              "content_length": request.headers.get("Content-Length")})


async def _multipart(request: web.Request) -> web.Response:
    reader = await request.multipart()
    parts: list[Any] = []

    async def walk(rd: Any, out: list[Any]) -> None:
        async for part in rd:
            if part.headers.get("Content-Type", "").startswith("multipart/"):
                inner: list[Any] = []
                out.append({"nested": inner})
                await walk(part, inner)
                continue
            data = await part.read(decode=False)
            out.append({"name": part.name, "filename": part.filename,
                        "content_type": part.headers.get("Content-Type"),
                        "data": bytes(data).decode("latin-1")})

    await walk(reader, parts)
    return web.json_response({"parts": parts})


@pytest.fixture
async def form_server() -> AsyncIterator[int]:
    """An aiohttp.web server: /echo, /post (request.post()), /multipart; yields its port."""
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/echo", _echo_body)
    app.router.add_post("/post", _post)
    app.router.add_post("/multipart", _multipart)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield port
    await runner.cleanup()


async def send_payload(port: int, path: str, payload: Payload,
                       headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POST ``payload`` with our writer (Content-Length or chunked); return (status, body)."""
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(ClientProtocol, "127.0.0.1", port)
    try:
        writer = StreamWriter(proto, loop)
        hdrs = {"Host": f"127.0.0.1:{port}", "Connection": "close",
                "Content-Type": payload.content_type}
        hdrs.update(payload.headers)
        if payload.size is not None:
            hdrs["Content-Length"] = str(payload.size)
        else:
            hdrs["Transfer-Encoding"] = "chunked"
            writer.enable_chunking()
        hdrs.update(headers or {})
        writer.write_headers(
            http_writer.serialize_request_head("POST", path, (1, 1), hdrs)
        )
        await payload.write(writer)
        await writer.write_eof()
        await proto.closed
    finally:
        if proto.transport is not None:
            proto.transport.close()
    head, _, body = bytes(proto.received).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body
