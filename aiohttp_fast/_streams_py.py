# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""Response body streams: ``StreamReader`` (aiohttp's reading API) fed by the connection protocol.

The protocol pushes body bytes with ``feed_data``/``feed_eof``; readers await only when the buffer
cannot answer. A body that has fully arrived is answered without any await (the fast path for
small responses: ``read()`` joins what is buffered and returns).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from .client_exceptions import ClientConnectionError

__all__ = ("StreamReader", "EmptyStreamReader", "EMPTY_PAYLOAD", "EofStream")


# StreamReader._exception after set_released(): the exception is built on first use
_RELEASED: Any = object()


class EofStream(Exception):
    """The stream ended (kept for aiohttp compatibility)."""


class _Iter:
    """Async iterator calling one coroutine until it returns b"" (chunked, any)."""

    __slots__ = ("_read",)

    def __init__(self, read: Callable[[], Any]) -> None:
        self._read = read

    def __aiter__(self) -> _Iter:
        return self

    async def __anext__(self) -> Any:
        value = await self._read()
        if not value:
            raise StopAsyncIteration
        return value


class _ChunkIter:
    """Async iterator over ``readchunk()`` results until ``(b"", False)``."""

    __slots__ = ("_stream",)

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    def __aiter__(self) -> _ChunkIter:
        return self

    async def __anext__(self) -> tuple[bytes, bool]:
        value = await self._stream.readchunk()
        if value == (b"", False):
            raise StopAsyncIteration
        return value


class StreamReader:
    """A response body as it arrives: ``read()``, ``readany()``, ``readline()``, iterators...

    ``async for line in stream`` iterates over lines. When more than ``2 * limit`` bytes wait
    unread, the producer is paused until the reader catches up.
    """

    __slots__ = (
        "_protocol",
        "_loop",
        "_low_water",
        "_high_water",
        "_buffer",
        "_size",
        "_eof",
        "_waiter",
        "_eof_waiter",
        "_exception",
        "_eof_callbacks",
        "_total_bytes",
        "total_compressed_bytes",
        "_http_chunk_splits",
        "_paused",
        "_on_chunk",
        "__weakref__",
    )

    def __init__(
        self,
        protocol: Any,
        limit: int = 2**16,
        *,
        timer: Any = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._protocol = protocol
        self._loop = loop
        self._low_water = limit
        self._high_water = limit * 2
        self._buffer: deque[bytes] = deque()  # a global: collections.deque is two look-ups
        self._size = 0
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._eof_callbacks: list[Callable[[], None]] | None = None
        self._total_bytes = 0
        # bytes as they came off the wire when the body is being decompressed (else None)
        self.total_compressed_bytes: int | None = None
        # total_bytes at the end of each HTTP chunk not yet reached by readchunk() (None
        # until the body is known to be chunked)
        self._http_chunk_splits: deque[int] | None = None
        self._paused = False
        # tracing hook: an async callable taking each chunk a reader returns (None: no tracing)
        self._on_chunk: Callable[[bytes], Any] | None = None

    def __repr__(self) -> str:
        state = [f"{self._size} bytes"]
        if self._eof:
            state.append("eof")
        if self._exception is not None:
            state.append(f"e={self._error()!r}")
        return f"<StreamReader {' '.join(state)}>"

    # ---- producer side (the protocol) ----

    @property
    def total_bytes(self) -> int:
        """Body bytes received so far."""
        return self._total_bytes

    @property
    def total_raw_bytes(self) -> int:
        """Body bytes as received: compressed ones when the body is being decompressed."""
        compressed = self.total_compressed_bytes
        return self._total_bytes if compressed is None else compressed

    def get_read_buffer_limits(self) -> tuple[int, int]:
        return (self._low_water, self._high_water)

    def exception(self) -> BaseException | None:
        return self._error() if self._exception is not None else None

    def _error(self) -> BaseException:
        """The exception reads raise (built here, on first use, after ``set_released``)."""
        exc = self._exception
        if exc is _RELEASED:
            exc = self._exception = ClientConnectionError("Connection closed")
        return exc  # type: ignore[return-value]

    def set_released(self) -> None:
        """The response was released: later reads raise ClientConnectionError("Connection
        closed"), as aiohttp's do. Nobody reads a released body in the common case, so the
        exception is only built if one does (a pending reader gets it at once)."""
        if self._waiter is not None or self._eof_waiter is not None:
            self.set_exception(ClientConnectionError("Connection closed"))
        else:
            self._exception = _RELEASED
            self._eof_callbacks = None

    def set_exception(self, exc: BaseException, exc_cause: BaseException | None = None) -> None:
        """Make every pending and future read raise ``exc`` (a broken or timed-out body)."""
        if exc_cause is not None and exc.__cause__ is None:
            exc.__cause__ = exc_cause
        self._exception = exc
        self._eof_callbacks = None
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_exception(exc)
        waiter = self._eof_waiter
        if waiter is not None:
            self._eof_waiter = None
            if not waiter.done():
                waiter.set_exception(exc)

    def on_eof(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the whole body has arrived (at once if it already has)."""
        if self._eof:
            callback()
        elif self._exception is None:
            if self._eof_callbacks is None:
                self._eof_callbacks = [callback]
            else:
                self._eof_callbacks.append(callback)

    def feed_data(self, data: bytes) -> None:
        """Append body bytes (never empty) and wake a waiting reader."""
        self._buffer.append(data)
        self._size += len(data)
        self._total_bytes += len(data)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        # pause only once a second piece waits: one socket read (up to 256 KiB) alone never
        # pauses, which saves a pause/resume pair of syscalls per read on a fast download
        if (
            self._size > self._high_water
            and not self._paused
            and len(self._buffer) > 1
            and self._protocol is not None
        ):
            self._paused = True
            self._protocol.pause_reading()

    def feed_eof(self) -> None:
        """The body is complete: wake readers and run the on_eof callbacks."""
        self._eof = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        waiter = self._eof_waiter
        if waiter is not None:
            self._eof_waiter = None
            if not waiter.done():
                waiter.set_result(None)
        callbacks = self._eof_callbacks
        if callbacks is not None:
            self._eof_callbacks = None
            for cb in callbacks:
                cb()

    def begin_http_chunk_receiving(self) -> None:
        """The body comes in HTTP chunks: ``readchunk()`` reports where each one ends."""
        if self._http_chunk_splits is None:
            if self._total_bytes:
                raise RuntimeError(
                    "Called begin_http_chunk_receiving when some data was already fed"
                )
            self._http_chunk_splits = deque()

    def end_http_chunk_receiving(self) -> None:
        """An HTTP chunk ended here (empty chunks are not reported)."""
        splits = self._http_chunk_splits
        if splits is None:
            raise RuntimeError(
                "Called end_chunk_receiving without calling begin_chunk_receiving first"
            )
        last = splits[-1] if splits else 0
        if self._total_bytes == last:
            return
        splits.append(self._total_bytes)
        # a reader waiting in readchunk() learns its chunk ended, even with no new data
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    # ---- state ----

    def is_eof(self) -> bool:
        """True once the whole body has arrived (it may still be buffered)."""
        return self._eof

    def at_eof(self) -> bool:
        """True once the whole body has arrived and been read."""
        return self._eof and not self._buffer

    async def wait_eof(self) -> None:
        if self._eof:
            return
        if self._exception is not None:
            raise self._error()
        self._eof_waiter = self._get_loop().create_future()
        try:
            await self._eof_waiter
        finally:
            self._eof_waiter = None

    def unread_data(self, data: bytes) -> None:
        """Push bytes back to the front of the buffer (deprecated in aiohttp, kept working)."""
        if data:
            self._buffer.appendleft(data)
            self._size += len(data)

    # ---- consumer side ----

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    async def _wait(self, func_name: str) -> None:
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is already waiting for data"
            )
        waiter = self._waiter = self._get_loop().create_future()
        try:
            await waiter
        finally:
            self._waiter = None

    def _consumed(self, n: int) -> None:
        self._size -= n
        if self._paused and self._size < self._low_water:
            self._paused = False
            if self._protocol is not None:
                self._protocol.resume_reading()

    def _take_all(self) -> bytes:
        buffer = self._buffer
        if len(buffer) == 1:
            data = buffer.popleft()
        else:
            data = b"".join(buffer)
            buffer.clear()
        self._consumed(len(data))
        return data

    def _take(self, n: int) -> bytes:
        """Up to ``n`` bytes from the front (``n`` < 0: everything buffered)."""
        buffer = self._buffer
        if n < 0 or n >= self._size:
            return self._take_all()
        first = buffer[0]
        if len(first) > n:
            buffer[0] = first[n:]
            data = first[:n]
        elif len(first) == n:
            data = buffer.popleft()
        else:
            parts = []
            need = n
            while need:
                chunk = buffer[0]
                if len(chunk) <= need:
                    parts.append(buffer.popleft())
                    need -= len(chunk)
                else:
                    parts.append(chunk[:need])
                    buffer[0] = chunk[need:]
                    need = 0
            data = b"".join(parts)
        self._consumed(len(data))
        return data

    async def _traced(self, data: bytes) -> bytes:
        if self._on_chunk is not None and data:
            await self._on_chunk(data)
        return data

    def read_nowait(self, n: int = -1) -> bytes:
        """What is buffered (up to ``n`` bytes), without waiting."""
        if self._exception is not None:
            raise self._error()
        if self._waiter is not None:
            raise RuntimeError("read_nowait() called while another coroutine is waiting")
        if not self._buffer:
            return b""
        return self._take(n)

    def read_complete(self) -> bytes | None:
        """What ``read()`` would return when the whole body is here and untraced, taken without
        a coroutine; None (nothing taken) when ``read()`` has to run."""
        if self._eof and self._exception is None and self._on_chunk is None:
            return self._take_all() if self._buffer else b""
        return None

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (``n`` < 0: the whole rest of the body); b"" at the end."""
        if self._exception is not None:
            raise self._error()
        if n == 0:
            return b""
        if n < 0:
            if self._eof:
                data = self._take_all() if self._buffer else b""
            else:
                # take what is buffered as it comes, so back-pressure releases the producer
                parts: list[bytes] = []
                while True:
                    if self._buffer:
                        parts.append(self._take_all())
                    if self._eof:
                        break
                    await self._wait("read")
                data = parts[0] if len(parts) == 1 else b"".join(parts)
        else:
            while not self._buffer and not self._eof:
                await self._wait("read")
            if not self._buffer:
                return b""
            data = self._take(n)
        if self._on_chunk is not None:
            return await self._traced(data)
        return data

    async def readany(self) -> bytes:
        """The next piece received, waiting for one unless at the end (no copy is made)."""
        if self._exception is not None:
            raise self._error()
        while not self._buffer and not self._eof:
            await self._wait("readany")
        if not self._buffer:
            return b""
        data = self._buffer.popleft()
        self._consumed(len(data))
        if self._on_chunk is not None:
            return await self._traced(data)
        return data

    async def readchunk(self) -> tuple[bytes, bool]:
        """``(data, end_of_http_chunk)``; ``(b"", False)`` at the end of the body.

        For a chunked body, the data up to the end of an HTTP chunk comes with True (an
        end reached with nothing left to return gives ``(b"", True)``); other pieces are
        returned as they were received, with False.
        """
        while True:
            if self._exception is not None:
                raise self._error()
            splits = self._http_chunk_splits
            while splits:
                end = splits.popleft()
                cursor = self._total_bytes - self._size
                if end == cursor:
                    return (b"", True)
                if end > cursor:
                    data = self._take(end - cursor)
                    if self._on_chunk is not None:
                        await self._traced(data)
                    return (data, True)
                # read past by another method (read(n), readline): that end is gone
            if self._buffer:
                data = self._buffer.popleft()
                self._consumed(len(data))
                if self._on_chunk is not None:
                    await self._traced(data)
                return (data, False)
            if self._eof:
                return (b"", False)
            await self._wait("readchunk")

    async def readexactly(self, n: int) -> bytes:
        """Exactly ``n`` bytes; ``asyncio.IncompleteReadError`` if the body ends first."""
        if self._exception is not None:
            raise self._error()
        if self._size >= n:
            data = self._take(n)
        else:
            parts: list[bytes] = []
            need = n
            while need:
                if self._buffer:
                    part = self._take(need)
                    parts.append(part)
                    need -= len(part)
                    continue
                if self._eof:
                    raise asyncio.IncompleteReadError(b"".join(parts), n)
                await self._wait("readexactly")
            data = b"".join(parts)
        if self._on_chunk is not None:
            return await self._traced(data)
        return data

    async def readline(self) -> bytes:
        """One line, ``b"\\n"`` included (the last line may lack it); b"" at the end."""
        return await self.readuntil(b"\n")

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        """Bytes up to and including ``separator`` (or the rest of the body at its end).

        Raises ValueError("Chunk too big") when no separator shows up within ``2 * limit``.
        """
        if not separator:
            raise ValueError("Separator should be at least one-byte string")
        if self._exception is not None:
            raise self._error()
        seplen = len(separator)
        searched = 0  # bytes of the joined buffer already searched, to not rescan them
        while True:
            if self._buffer:
                if len(self._buffer) > 1:
                    joined = b"".join(self._buffer)
                    self._buffer.clear()
                    self._buffer.append(joined)
                else:
                    joined = self._buffer[0]
                pos = joined.find(separator, max(0, searched - seplen + 1))
                if pos >= 0:
                    data = self._take(pos + seplen)
                    break
                searched = len(joined)
                if searched > self._high_water:
                    raise ValueError("Chunk too big")
            if self._eof:
                data = self._take_all() if self._buffer else b""
                break
            await self._wait("readuntil")
            if self._exception is not None:
                raise self._error()
        if self._on_chunk is not None:
            return await self._traced(data)
        return data

    # ---- iteration ----

    def __aiter__(self) -> AsyncIterator[bytes]:
        return _Iter(self.readline)

    def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        """Pieces of at most ``n`` bytes."""
        return _Iter(lambda: self.read(n))

    def iter_any(self) -> AsyncIterator[bytes]:
        """Pieces as they arrive."""
        return _Iter(self.readany)

    def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        """``(data, end_of_http_chunk)`` pairs as they arrive."""
        return _ChunkIter(self)


class EmptyStreamReader(StreamReader):
    """The body of a response that has none (HEAD, 204, 304): always at its end."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(None, 2**16)
        self._eof = True

    def __repr__(self) -> str:
        return "<EmptyStreamReader>"

    def feed_data(self, data: bytes) -> None:
        pass

    def feed_eof(self) -> None:
        pass


EMPTY_PAYLOAD: StreamReader = EmptyStreamReader()
