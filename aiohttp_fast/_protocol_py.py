# cython: annotation_typing=False, wraparound=True, boundscheck=True
"""ResponseHandler: the asyncio Protocol of one client connection (L2).

It feeds received bytes to the response parser and hands the request layer a response head and
a body stream. Hot-path choices:

- one Future per exchange (the head); a body that arrives with its head is already complete in
  the stream when the caller wakes up, so ``read()`` returns without waiting;
- timeouts use one ``loop.call_at`` handle per connection, armed lazily and re-armed only when it
  fires: requests whose timeouts never expire cost no timer operations;
- writer flow control (``pause_writing``/``resume_writing``) through ``_drain_helper``;
- a ``BufferedProtocol``: the transport reads into its loop's shared buffer (``read_buffer``)
  or, mid-way through a large Content-Length body, into the bytes object the body chunk will be.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import hdrs
from .client_exceptions import (
    ClientConnectionResetError,
    ClientOSError,
    ClientPayloadError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from .decoders import decoder_for
from .http_exceptions import HttpProcessingError
from .http_message import ResponseMessage
from .http_parser import ResponseParser
from .read_buffer import NESTED_READ_SIZE, READ_BUFFER_SIZE, shared_read_buffer
from .streams import StreamReader

__all__ = ("ResponseHandler",)

_DEFAULT_LIMITS = (8190, 8190, 128)
# an istr key: a case-insensitive look-up that does not fold the name's case every time
_CONTENT_ENCODING = hdrs.CONTENT_ENCODING


class _ResponseHandlerCore:
    """ResponseHandler's state and methods. The compiled twin makes this an extension type
    (``_protocol_c.pxd``), which can not derive from asyncio's Python protocol class:
    ResponseHandler adds that base (and stays patchable, a Python class)."""

    __slots__ = (
        "_loop",
        "transport",
        "closed",
        "_parser",
        "_limits",
        "_paused_writing",
        "_drain_waiter",
        "_reading_paused",
        "_should_close",
        "_exception",
        "_head_waiter",
        "_continue_waiter",
        "_message",
        "payload",
        "_payload_done",
        "_interim",
        "_decoder",
        "_auto_decompress",
        "_read_bufsize",
        "_read_until_eof",
        "_sending",
        "_got_response_data",
        "_upgraded",
        "_tail",
        "_read_timeout",
        "_deadline",
        "_last_read",
        "_timer",
        "_timer_when",
        "_zin",
        "_zin_done",
        "_drain_scheduled",
        "_rbuf",
        "_lent",
        "_body_buf",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed: asyncio.Future[None] = loop.create_future()
        self._parser: Any = None
        self._limits = _DEFAULT_LIMITS
        self._paused_writing = False
        self._drain_waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._should_close = False
        self._exception: BaseException | None = None
        self._head_waiter: asyncio.Future[ResponseMessage] | None = None
        self._continue_waiter: asyncio.Future[bool] | None = None
        self._message: ResponseMessage | None = None
        self.payload: StreamReader | None = None
        self._payload_done = True
        self._interim = False
        self._decoder: Any = None
        self._auto_decompress = True
        self._read_bufsize = 2**16
        self._read_until_eof = True
        self._sending = False
        self._got_response_data = False
        self._upgraded = False
        self._tail = b""
        self._read_timeout = 0.0
        self._deadline = 0.0
        self._last_read = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_when = 0.0
        # Decompressed output waiting for the reader: the compressed input not yet decoded
        # (None: no backlog), whether the message already ended, a drain is scheduled.
        self._zin: list[bytes | None] | None = None  # None: an HTTP chunk ends there
        self._zin_done = False
        self._drain_scheduled = False
        self._rbuf = shared_read_buffer(loop)
        self._lent: memoryview | None = None  # a nested read's own buffer, until reported
        # A read straight into the bytes object a body chunk will be (the parser's
        # BodyBuffer), until reported.
        self._body_buf: Any = None

    # ---- connection state (the connector's view) ----

    def is_connected(self) -> bool:
        """True while the transport is open."""
        return self.transport is not None and not self.transport.is_closing()

    @property
    def should_close(self) -> bool:
        """True when this connection must not be reused for another request."""
        return self._must_close()

    @property
    def idle_usable(self) -> bool:
        """For a connection waiting in the pool (``should_close`` was False when it went in):
        whether it is still fit for reuse."""
        return self._idle_usable()

    # The two checks above as methods: the compiled connector calls them directly (C calls,
    # where a property is an attribute look-up).
    def _must_close(self) -> bool:
        return (
            self._should_close
            or self.transport is None
            or self.transport.is_closing()
            or self._exception is not None
            or self._upgraded
            or not self._payload_done
            or self._zin is not None  # decompressed output still held back: reading paused
            or self._head_waiter is not None
            or bool(self._tail)
        )

    def _idle_usable(self) -> bool:
        # Whatever breaks an idle connection (the server closing, unsolicited bytes, our own
        # close or timeout) sets ``_should_close``; the transport check covers a transport
        # closed behind the protocol's back. A third of the cost of ``_must_close``, on every
        # reuse.
        transport = self.transport
        return not self._should_close and transport is not None and not transport.is_closing()

    @property
    def upgraded(self) -> bool:
        return self._upgraded

    @property
    def response_started(self) -> bool:
        """True once any byte of the current response arrived (a retry would not be safe)."""
        return self._got_response_data

    def forget_exchange(self) -> None:
        """The connection goes idle into the pool: drop the finished exchange's objects.

        The response (and its body stream) may live on in user code; an idle connection must
        not keep them, nor their head, alive: 10,000 idle connections would hold 10,000
        responses.
        """
        self._message = None
        self.payload = None

    def force_close(self) -> None:
        """Mark the connection as not reusable (it closes when released)."""
        self._should_close = True

    def close(self) -> None:
        """Close the transport; pending waits fail through ``connection_lost``."""
        transport = self.transport
        if transport is not None:
            transport.close()
        self._should_close = True

    def abort(self) -> None:
        transport = self.transport
        if transport is not None:
            transport.abort()
        self._should_close = True

    # ---- asyncio.Protocol ----

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: BaseException | None) -> None:
        self._should_close = True
        timer = self._timer
        if timer is not None:
            self._timer = None
            timer.cancel()
        parser_error: BaseException | None = None
        if self._parser is not None and not self._upgraded:
            try:
                self._parser.feed_eof()
            except HttpProcessingError as e:
                parser_error = e
            except RuntimeError:
                pass  # the parser already failed; that error was reported then
        head_waiter = self._head_waiter
        if head_waiter is not None:
            self._head_waiter = None
            if not head_waiter.done():
                if exc is not None:
                    # a reset included: aiohttp reports ClientOSError(errno, ...) too
                    err: BaseException = ClientOSError(*getattr(exc, "args", ()))
                    err.__cause__ = exc
                else:
                    err = ServerDisconnectedError()
                    err.__cause__ = exc if exc is not None else parser_error
                self._exception = err
                head_waiter.set_exception(err)
        payload = self.payload
        if payload is not None and not self._payload_done:
            self._payload_done = True
            cause = parser_error if parser_error is not None else exc
            detail = f": {cause!r}" if cause is not None else ""
            err = ClientPayloadError(f"Response payload is not completed{detail}")
            self._exception = err
            payload.set_exception(err, cause)
        waiter = self._continue_waiter
        if waiter is not None:
            self._continue_waiter = None
            if not waiter.done():
                waiter.set_result(False)
        waiter2 = self._drain_waiter
        if waiter2 is not None:
            self._drain_waiter = None
            if not waiter2.done():
                waiter2.set_exception(ClientConnectionResetError("Connection lost"))
        self.transport = None
        if not self.closed.done():
            self.closed.set_result(None)

    def eof_received(self) -> bool | None:
        # half-close: let the transport close, connection_lost does the bookkeeping
        return None

    def pause_writing(self) -> None:
        self._paused_writing = True

    def resume_writing(self) -> None:
        self._paused_writing = False
        waiter = self._drain_waiter
        if waiter is not None:
            self._drain_waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def _drain_helper(self) -> None:
        """Wait until the transport accepts more data (write flow control)."""
        if self.transport is None:
            raise ClientConnectionResetError("Connection lost")
        if not self._paused_writing:
            return
        waiter = self._drain_waiter
        if waiter is None:
            waiter = self._drain_waiter = self._loop.create_future()
            self._ensure_timer()
        await asyncio.shield(waiter)

    def pause_reading(self) -> None:
        """Back-pressure from the body stream: stop reading the socket."""
        if not self._reading_paused and self.transport is not None:
            try:
                self.transport.pause_reading()
            except (AttributeError, NotImplementedError, RuntimeError):
                return
            self._reading_paused = True

    def resume_reading(self) -> None:
        if self._zin is not None:
            # the reader caught up with decompressed output: decode more (soon, not inside
            # the reader's call) and keep the socket paused until the backlog is gone
            if not self._drain_scheduled:
                self._drain_scheduled = True
                self._loop.call_soon(self._drain_decoder)
            return
        if self._reading_paused and self.transport is not None:
            try:
                self.transport.resume_reading()
            except (AttributeError, NotImplementedError, RuntimeError):
                return
            self._reading_paused = False
            if self._read_timeout:
                self._last_read = self._loop.time()
                self._ensure_timer()

    def get_buffer(self, sizehint: int) -> memoryview:
        self._body_buf = None
        if not self._payload_done:
            # Mid-body of a large Content-Length download: read into the bytes object the
            # body chunk will be, instead of the shared buffer and a copy out of it.
            body = self._parser.body_buffer(READ_BUFFER_SIZE)
            if body is not None:
                self._body_buf = body
                self._lent = None
                return memoryview(body)
        shared = self._rbuf
        if shared.busy:
            nested = self._lent = memoryview(bytearray(NESTED_READ_SIZE))
            return nested
        self._lent = None
        return shared.view

    def buffer_updated(self, nbytes: int) -> None:
        body = self._body_buf
        if body is not None:
            self._body_buf = None
            if nbytes == len(body.data):
                self._feed(body.data, -1)  # handed on as is, uncopied
            else:
                self._feed(body.take(nbytes), -1)  # a short read: copied out, buffer kept
            return
        nested = self._lent
        if nested is not None:
            self._lent = None
            self._feed(bytes(nested[:nbytes]), -1)
            return
        shared = self._rbuf
        # The buffer is only ours until this returns: the parser copies what it keeps.
        shared.busy = True
        try:
            self._feed(shared.view, nbytes)  # no slice: the parser reads nbytes of it
        finally:
            shared.busy = False

    def data_received(self, data: bytes | memoryview) -> None:
        self._feed(data, -1)

    def _feed(self, data: bytes | memoryview, size: int) -> None:
        """Parse what was read: ``data``, or its first ``size`` bytes when ``size`` is not -1."""
        if self._head_waiter is None and self._payload_done:
            # bytes nobody asked for: the connection's framing can not be trusted
            self._should_close = True
            self._tail = bytes(data if size < 0 else data[:size])
            if self.transport is not None:
                self.transport.close()
            return
        self._got_response_data = True
        if self._read_timeout:
            self._last_read = self._loop.time()
        try:
            tail = self._parser.feed_data(data, size)
        except HttpProcessingError as exc:
            self._fail(exc)
            return
        if tail is not None:
            self._upgraded = True
            self._tail = tail
            # don't read further; whoever takes over the connection resumes it
        elif self._payload_done and self._message is not None and not self._parser.idle:
            # bytes of a further message came with the response: nobody asked for them
            self._should_close = True
        waiter = self._head_waiter
        if waiter is not None and self._message is not None:
            self._head_waiter = None
            try:
                waiter.set_result(self._message)  # one call, where done() first is two
            except asyncio.InvalidStateError:
                pass  # cancelled: nobody waits for this head any more

    # ---- parser handler ----

    def on_headers(self, message: ResponseMessage) -> None:
        status = message.status
        if 100 <= status < 200 and status != 101:
            self._interim = True
            if status == 100:
                waiter = self._continue_waiter
                if waiter is not None:
                    self._continue_waiter = None
                    self._sending = True  # the body goes out now; request_sent() ends it
                    if not waiter.done():
                        waiter.set_result(True)
            return
        if self._message is not None:
            # a second final response for one request: unsolicited, the framing can not be
            # trusted; the first one stands and the connection is not reused
            self._should_close = True
            return
        self._message = message
        self._payload_done = False
        if message.should_close:
            self._should_close = True
        payload = self.payload = StreamReader(self, self._read_bufsize, loop=self._loop)
        waiter = self._continue_waiter
        if waiter is not None:
            # a final answer instead of "100 Continue": the body must not be sent; the server
            # may still expect it, so the connection can not be reused
            self._continue_waiter = None
            self._should_close = True
            if not waiter.done():
                waiter.set_result(False)
        if (
            not self._read_until_eof
            and message.content_length is None
            and not message.chunked
            and message.should_close
        ):
            # read_until_eof=False: a body delimited by the connection's end is taken as empty
            self._payload_done = True
            payload.feed_eof()
            return
        if self._auto_decompress:
            encoding = message.headers.get(_CONTENT_ENCODING)
            if encoding:
                self._decoder = decoder_for(encoding.strip().lower())
                if self._decoder is not None:
                    payload.total_compressed_bytes = 0
        if message.chunked:
            # readchunk()/iter_chunks() report where each HTTP chunk ends (through a decoder:
            # where the chunk's decoded output ends, as aiohttp does)
            payload.begin_http_chunk_receiving()

    def on_chunk_complete(self) -> None:
        payload = self.payload
        if payload is None or self._payload_done:
            return
        zin = self._zin
        if zin is not None and self._decoder is not None:
            zin.append(None)  # compressed input is queued: the end is marked once it is decoded
            return
        payload.end_http_chunk_receiving()

    def on_body(self, data: bytes) -> None:
        payload = self.payload
        if payload is None or self._payload_done:
            return
        decoder = self._decoder
        if decoder is not None:
            payload.total_compressed_bytes += len(data)  # type: ignore[operator]
            zin = self._zin
            if zin is not None:
                zin.append(data)  # output is waiting already: decode when the reader asks
                return
            if payload._paused:
                # the reader is behind (many small pieces in one read): decode later
                self._zin = [data]
                return
            try:
                data = decoder.decompress(data, self._read_bufsize)
            except Exception as exc:
                self._fail_payload(exc)
                return
            if data:
                payload.feed_data(data)
            if not decoder.needs_input:
                self._hold_decoder(payload)
            return
        payload.feed_data(data)

    def on_message_complete(self) -> None:
        if self._interim:
            self._interim = False
            return
        payload = self.payload
        if payload is None or self._payload_done:
            return
        decoder = self._decoder
        if decoder is not None:
            if self._zin is not None:
                # the body is in; its decompressed end is delivered as the reader reads
                self._payload_done = True
                self._zin_done = True
                return
            self._decoder = None
            try:
                data = decoder.flush()
            except Exception as exc:
                self._fail_payload(exc)
                return
            if data:
                payload.feed_data(data)
        self._payload_done = True
        payload.feed_eof()

    # ---- the exchange (the request layer's view) ----

    def start_exchange(
        self,
        *,
        skip_body: bool = False,
        read_timeout: float | None = None,
        deadline: float | None = None,
        read_bufsize: int = 2**16,
        auto_decompress: bool = True,
        expect100: bool = False,
        limits: tuple[int, int, int] = _DEFAULT_LIMITS,
        read_until_eof: bool = True,
        body_pending: bool = False,
    ) -> asyncio.Future[ResponseMessage]:
        """Get ready for one response; the future resolves with its head.

        ``deadline`` is an absolute ``loop.time()`` (the total timeout); ``read_timeout`` the
        longest silence allowed while a response is awaited. ``body_pending``: a request body
        is still to be streamed; the read timeout starts at ``request_sent()`` (as aiohttp's).
        """
        return self.begin(
            skip_body,
            (read_timeout, deadline, read_bufsize, auto_decompress, limits, read_until_eof),
            expect100,
            body_pending,
        )

    def begin(
        self, skip_body: bool, options: Any, expect100: bool, body_pending: bool
    ) -> asyncio.Future[ResponseMessage]:
        """``start_exchange`` with the session's read-options tuple, positionally (hot path).

        ``options`` is ``(read_timeout, deadline, read_bufsize, auto_decompress, limits,
        read_until_eof)``.
        """
        if self.transport is None:
            raise ServerDisconnectedError()
        read_timeout, deadline, read_bufsize, auto_decompress, limits, read_until_eof = options
        parser = self._parser
        if parser is None or limits is not self._limits and limits != self._limits:
            self._limits = limits
            parser = self._parser = ResponseParser(
                self, max_line_size=limits[0], max_field_size=limits[1], max_headers=limits[2]
            )
        if parser.skip_body != skip_body:
            parser.skip_body = skip_body
        if self._reading_paused:
            # the last body came whole but its reader had paused us (it still holds that
            # body unread): a new exchange reads again, or its response would never arrive
            self._reading_paused = False
            self.transport.resume_reading()
        self._message = None
        self.payload = None
        self._payload_done = True
        self._interim = False
        self._decoder = None
        self._zin = None
        self._zin_done = False
        self._got_response_data = False
        self._auto_decompress = auto_decompress
        self._read_bufsize = read_bufsize
        self._read_until_eof = read_until_eof
        self._sending = body_pending
        loop = self._loop
        waiter = self._head_waiter = loop.create_future()
        if expect100:
            self._continue_waiter = loop.create_future()
            # until "100 Continue" the client only waits for the server: silence counts
            # against sock_read (a server that never answers must not hang the request)
            self._sending = False
        if read_timeout:
            self._read_timeout = read_timeout
            self._deadline = deadline or 0.0
            self._last_read = loop.time()
            self._ensure_timer()
        elif deadline:
            self._read_timeout = 0.0
            self._deadline = deadline
            timer = self._timer
            if timer is None or self._timer_when > deadline:
                self._ensure_timer()  # else the armed timer fires first and re-arms then
        elif self._read_timeout or self._deadline:
            self._read_timeout = 0.0
            self._deadline = 0.0
        return waiter

    def request_sent(self) -> None:
        """The request body is out: from now on, silence counts against ``sock_read``."""
        self._sending = False
        if self._read_timeout and self.transport is not None:
            self._last_read = self._loop.time()
            self._ensure_timer()

    @property
    def continue_waiter(self) -> asyncio.Future[bool] | None:
        """Resolves True on "100 Continue", False if a final response came instead."""
        return self._continue_waiter

    def take_tail(self) -> bytes:
        """Bytes received after an upgrade's head (for whoever takes over the connection)."""
        tail, self._tail = self._tail, b""
        return tail

    def _fail(self, exc: BaseException) -> None:
        """A protocol error: fail whatever waits and close the connection."""
        self._should_close = True
        waiter = self._head_waiter
        if waiter is not None and self._message is not None and self._payload_done:
            # the response was complete before the bytes after it broke: deliver it
            self._head_waiter = None
            if not waiter.done():
                waiter.set_result(self._message)
            waiter = None
        if waiter is not None:
            self._head_waiter = None
            if not waiter.done():
                # a broken head, or a body broken in the read that completed the head (as
                # aiohttp): the response layer turns it into ClientResponseError
                self._exception = exc
                waiter.set_exception(exc)
        else:
            self._fail_payload(exc)
        if self.transport is not None:
            self.transport.close()

    def _hold_decoder(self, payload: StreamReader) -> None:
        """Bounded decompression: more output waits inside the decoder (a decompression bomb
        must not be inflated at once). Stop reading until the reader takes what is buffered;
        the stream then calls ``resume_reading``."""
        if self._zin is None:
            self._zin = []
        self.pause_reading()
        payload._paused = True
        if not payload._buffer and not self._drain_scheduled:
            # nothing for the reader to take (so no resume_reading would come): decode now
            self._drain_scheduled = True
            self._loop.call_soon(self._drain_decoder)

    def _drain_decoder(self) -> None:
        self._drain_scheduled = False
        zin = self._zin
        decoder = self._decoder
        payload = self.payload
        if zin is None or decoder is None or payload is None or payload._exception is not None:
            return
        limit = self._read_bufsize
        try:
            while True:
                if decoder.needs_input:
                    if not zin:
                        break
                    data = zin.pop(0)
                    if data is None:  # an HTTP chunk ended here (on_chunk_complete)
                        payload.end_http_chunk_receiving()
                        continue
                else:
                    data = b""
                out = decoder.decompress(data, limit)
                if out:
                    payload.feed_data(out)
                if out and (zin or not decoder.needs_input):
                    payload._paused = True  # more when the reader takes this
                    return
            self._zin = None
            if self._zin_done:
                self._zin_done = False
                self._decoder = None
                out = decoder.flush()
                if out:
                    payload.feed_data(out)
                payload.feed_eof()
        except Exception as exc:
            self._fail_payload(exc)
            return
        self.resume_reading()

    def _fail_payload(self, exc: BaseException) -> None:
        self._should_close = True
        payload = self.payload
        if self._zin is not None:
            self._zin = None
            self._payload_done = False  # a body still being decoded fails as well
        if payload is not None and not self._payload_done:
            self._payload_done = True
            if isinstance(exc, ClientPayloadError | asyncio.TimeoutError):
                err: BaseException = exc
            else:
                err = ClientPayloadError(f"Response payload is not completed: {exc!r}")
            self._exception = err
            payload.set_exception(err, exc)
        if self.transport is not None:
            self.transport.close()

    # ---- timeouts: one lazily re-armed timer per connection ----

    def _busy(self) -> bool:
        return (
            self._head_waiter is not None
            or self._drain_waiter is not None
            or (not self._payload_done and not self._reading_paused)
        )

    def _next_expiry(self) -> float:
        when = 0.0
        if self._read_timeout:
            when = self._last_read + self._read_timeout
        if self._deadline and (not when or self._deadline < when):
            when = self._deadline
        return when

    def _ensure_timer(self) -> None:
        when = self._next_expiry()
        if not when:
            return
        timer = self._timer
        if timer is not None:
            if self._timer_when <= when:
                return  # fires earlier and re-arms then
            timer.cancel()
        self._timer_when = when
        self._timer = self._loop.call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self.transport is None or not self._busy():
            return
        now = self._loop.time()
        # the loop may run a handle up to one clock resolution early
        slack = 0.001
        if self._deadline and now + slack >= self._deadline:
            # the total timeout: a bare asyncio.TimeoutError, not a ClientError (aiohttp's
            # timer raises that one, so `except ClientError` code must not catch it)
            self._on_timeout(asyncio.TimeoutError())
            return
        if (
            self._read_timeout
            and not self._sending
            and now + slack >= self._last_read + self._read_timeout
        ):
            self._on_timeout(SocketTimeoutError("Timeout on reading data from socket"))
            return
        self._ensure_timer()

    def _on_timeout(self, exc: BaseException) -> None:
        self._should_close = True
        self._exception = exc
        waiter = self._head_waiter
        if waiter is not None:
            self._head_waiter = None
            if not waiter.done():
                waiter.set_exception(exc)
        payload = self.payload
        if payload is not None and not self._payload_done:
            self._payload_done = True
            payload.set_exception(exc)
        drain = self._drain_waiter
        if drain is not None:
            self._drain_waiter = None
            if not drain.done():
                drain.set_exception(exc)
        if self.transport is not None:
            self.transport.close()


class ResponseHandler(_ResponseHandlerCore, asyncio.BufferedProtocol):
    """One HTTP/1.1 connection: parses responses, tracks whether it can be reused.

    The request layer drives one exchange at a time: ``start_exchange()`` before writing the
    request, then ``await`` the returned future for the response head; the body arrives in
    ``payload`` (a ``StreamReader``). An ``asyncio.BufferedProtocol``: asyncio and uvloop read
    into ``get_buffer()`` only for protocols that are instances of it.
    """

    __slots__ = ()
