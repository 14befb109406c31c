"""Request body writer for one connection: chunked framing, compression, flow control."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from .client_exceptions import ClientConnectionResetError
from .request_compression import compressor

__all__ = ("StreamWriter",)

# Chunks below this size are joined with their framing (one small copy, one write call); above
# it the pieces go to writelines() so the transport (uvloop, or asyncio 3.12+) can use writev.
_JOIN_LIMIT = 16384
_CRLF = b"\r\n"
_LAST_CHUNK = b"0\r\n\r\n"


class _BareTransport:
    """Lets a StreamWriter write straight to a transport when no protocol is at hand.

    A transport alone gives no resume signal, so there is no back-pressure: the protocol
    (``pause_writing``/``resume_writing`` behind ``_drain_helper``) is what provides it.
    """

    def __init__(self, transport: Any) -> None:
        self.transport = transport

    async def _drain_helper(self) -> None:
        return None


class StreamWriter:
    """Writes one request to a connection's transport.

    ``write_headers(head)`` only buffers the head: it leaves with the first body chunk (or at
    ``write_eof``) so a small request costs one ``transport.write``. ``write`` applies the
    compression and the chunked framing that were enabled, and waits on the protocol's
    ``_drain_helper()`` every ``LIMIT`` bytes so a paused transport applies back-pressure.
    ``protocol`` is any object with ``.transport`` and ``async _drain_helper()`` (or a bare
    transport, then without back-pressure).
    """

    def __init__(
        self,
        protocol: Any,
        loop: asyncio.AbstractEventLoop,
        on_chunk_sent: Callable[[bytes], Awaitable[None]] | None = None,
    ) -> None:
        if not hasattr(protocol, "_drain_helper") and hasattr(protocol, "write"):
            protocol = _BareTransport(protocol)
        self._protocol = protocol
        self.loop = loop
        self._on_chunk_sent = on_chunk_sent
        self._head = b""
        self._compress: Any = None
        self._eof = False
        self.chunked = False
        self.buffer_size = 0  # bytes written since the last drain
        self.output_size = 0  # bytes handed to the transport in total (head included)
        # Told (payload bytes, output_size) after each body write: an UploadTracker's feed.
        self.on_body_write: Callable[[int, int], None] | None = None

    @property
    def transport(self) -> asyncio.Transport | None:
        """The protocol's transport (None once the connection is lost)."""
        return self._protocol.transport  # type: ignore[no-any-return]

    @property
    def protocol(self) -> Any:
        return self._protocol

    def enable_chunking(self) -> None:
        """Frame every following body chunk as ``Transfer-Encoding: chunked``."""
        self.chunked = True

    def enable_compression(
        self, encoding: str = "deflate", strategy: int = zlib.Z_DEFAULT_STRATEGY
    ) -> None:
        """Compress the body (``deflate`` is zlib-wrapped, as RFC 9110 defines it, or ``gzip``)."""
        self._compress = compressor(encoding, strategy)

    def _write(self, data: Any) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        size = len(data)
        self.buffer_size += size
        self.output_size += size
        transport.write(data)

    def _writelines(self, parts: list[Any]) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ClientConnectionResetError("Cannot write to closing transport")
        size = sum(len(p) for p in parts)
        self.buffer_size += size
        self.output_size += size
        transport.writelines(parts)

    def write_headers(self, head: bytes) -> None:
        """Buffer the serialized request head; it is sent with the first body bytes."""
        self._head = self._head + head if self._head else head

    def send_headers(self) -> None:
        """Send a buffered head now (``Expect: 100-continue`` waits before the body)."""
        if self._head:
            head, self._head = self._head, b""
            self._write(head)

    def _send(self, data: Any) -> None:
        """Frame ``data`` (when chunked) and write it, preceded by a pending head."""
        size = len(data)
        if self.chunked:
            parts = [b"%x\r\n" % size, data, _CRLF]
        else:
            parts = [data]
        if self._head:
            parts.insert(0, self._head)
            self._head = b""
        if len(parts) == 1:
            self._write(data)
        elif size < _JOIN_LIMIT:
            self._write(b"".join(parts))
        else:
            self._writelines(parts)

    async def write(self, chunk: bytes | bytearray | memoryview, *, drain: bool = True,
                    LIMIT: int = 0x10000) -> None:
        """Send one body chunk (compressed and framed as enabled)."""
        if self._on_chunk_sent is not None:
            await self._on_chunk_sent(bytes(chunk) if not isinstance(chunk, bytes) else chunk)
        if isinstance(chunk, memoryview) and (chunk.itemsize != 1 or chunk.ndim != 1):
            chunk = chunk.cast("B")  # len() must count bytes, not items
        payload = len(chunk)
        if self._compress is not None:
            chunk = self._compress.compress(chunk)
        if chunk:
            self._send(chunk)
        if payload and self.on_body_write is not None:
            self.on_body_write(payload, self.output_size)
        if drain and self.buffer_size > LIMIT:
            self.buffer_size = 0
            await self.drain()

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Send the last bytes: the compressor's tail and the chunked terminator ``0 CRLF CRLF``."""
        if self._eof:
            return
        self._eof = True
        if chunk and self._on_chunk_sent is not None:
            await self._on_chunk_sent(chunk)
        if self._compress is not None:
            data = self._compress.compress(chunk) + self._compress.flush() if chunk else (
                self._compress.flush())
        else:
            data = chunk
        if self.chunked:
            if data:
                data = b"".join((b"%x\r\n" % len(data), data, _CRLF, _LAST_CHUNK))
            else:
                data = _LAST_CHUNK
        if self._head:
            data = self._head + data
            self._head = b""
        if data:
            self._write(data)
        if self.on_body_write is not None:
            self.on_body_write(len(chunk), self.output_size)
        # A small request needs no drain: the response wait follows, and write() already
        # applied back-pressure to anything large.
        if self.buffer_size > 0x10000:
            self.buffer_size = 0
            await self.drain()

    async def drain(self) -> None:
        """Wait while the transport is paused (the protocol's write buffer is full)."""
        await self._protocol._drain_helper()
