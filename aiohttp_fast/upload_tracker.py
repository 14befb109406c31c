"""UploadTracker: how much of a request's body has gone out, as aiohttp 3.14.4 reports it (L4).

Pass a fresh one to a request (``session.post(url, data=..., upload_tracker=tracker)``) and
read ``bytes_written``, ``attempts`` and ``upload_complete`` while it runs. A tracker follows
one request, its redirects and retries included: every send of the body is an attempt, and
``bytes_written`` counts the latest one.

Counting: the request reports each body write as its payload bytes and the wire position it
ends at (head, chunk framing and compression included). ``bytes_written`` takes the wire bytes
that have left the transport's buffer for the kernel (handed over minus
``get_write_buffer_size()``: one request per connection at a time, so all of them are this
request's) and maps them back to payload bytes through those marks, linearly inside a write
that is partly out (exact for plain bodies, an estimate under compression).

The request's side (``ClientRequest`` and the session) calls the underscore methods; every
one of them names its attempt, so a writer of a superseded attempt still winding down can not
touch the figures of the current one.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from .client_exceptions import UploadAbortedError

__all__ = ("UploadTracker",)

class UploadTracker:
    """Upload progress of one client request.

    ``attempts``: how many times the body was (or began to be) sent. ``bytes_written``: payload
    bytes of the latest attempt handed to the kernel. ``upload_complete``: a future, done once
    the request is over and its last attempt sent the whole body (result None), or failed to
    (its write error, else ``UploadAbortedError``).

    Made inside a running event loop; passing one to a second request is a RuntimeError.
    """

    __slots__ = (
        "attempts", "upload_complete", "_bound", "_final", "_done", "_exc", "_transport",
        "_payload", "_flushed", "_marks", "_body_size",
    )

    def __init__(self) -> None:
        self.attempts = 0
        self.upload_complete: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._bound = False
        self._final = False  # the request returned or raised: no attempt follows
        self._done = False  # the latest attempt sent its whole body
        self._exc: BaseException | None = None  # ... or failed with this
        # While the latest attempt's body is being written: its transport, the payload bytes
        # handed over, and (payload end, wire end) marks, the first one known to be out.
        self._transport: Any = None
        self._payload = 0
        self._flushed = 0
        self._marks: deque[tuple[int, int]] = deque()
        # The body's size before compression, when the request compressed it in one piece.
        self._body_size: int | None = None

    @property
    def bytes_written(self) -> int:
        """Payload bytes of the latest attempt that have left for the kernel (bytes still in
        the event loop's buffer are not counted; the kernel's own buffering can not be seen)."""
        self._refresh()
        return self._flushed

    def __repr__(self) -> str:
        return (f"<UploadTracker attempts={self.attempts} bytes_written={self.bytes_written} "
                f"complete={self.upload_complete.done()}>")

    # ---- what the request reports ----

    def _bind(self) -> None:
        if self._bound:
            raise RuntimeError("UploadTracker is already bound to a request")
        self._bound = True

    def _attempt_started(self) -> int:
        """A send of the request begins (before connecting); returns the attempt's number."""
        self.attempts += 1
        self._done = False
        self._exc = None
        self._transport = None
        self._payload = self._flushed = 0
        self._marks.clear()
        return self.attempts

    def _writing(self, attempt: int, transport: Any, wire_start: int) -> None:
        """The attempt's body goes out on ``transport`` after ``wire_start`` bytes (its head)."""
        if attempt == self.attempts:
            self._transport = transport
            self._marks.append((0, wire_start))

    def _wrote(self, attempt: int, payload: int, wire_end: int) -> None:
        """``payload`` more body bytes were handed to the transport, ending at ``wire_end``."""
        if attempt != self.attempts or self._transport is None:
            return
        self._payload += payload
        marks = self._marks
        if wire_end > marks[-1][1]:  # a compressor may have held the bytes back
            marks.append((self._payload, wire_end))
            # Folded in at once (most writes go straight to the kernel): the marks stay few,
            # and the count stays right when the transport is gone before anyone asked.
            self._refresh()

    def _finished(self, attempt: int) -> None:
        """The attempt handed its whole body over (what is still in transit goes out before
        the response can complete)."""
        if attempt == self.attempts:
            self._done = True
            self._flushed = self._payload
            self._transport = None
            self._marks.clear()
            if self._final:
                self._settle()

    def _failed(self, attempt: int, exc: BaseException | None) -> None:
        """The attempt stopped short: ``exc`` is the write error, None if it was cut off
        (cancelled, or the server answered without waiting for the body)."""
        if attempt == self.attempts:
            self._refresh()  # keep what is known to be out
            self._exc = exc
            self._transport = None
            self._marks.clear()
            if self._final:
                self._settle()

    def _finalize(self) -> None:
        """The request is over (returned or raised). Settles ``upload_complete`` now, or when a
        body still being written ends."""
        self._final = True
        if self._transport is None:
            self._settle()

    # ---- internals ----

    def _refresh(self) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return  # not writing, or torn down: what was dropped never went out
        marks = self._marks
        out = marks[-1][1] - transport.get_write_buffer_size()
        while len(marks) > 1 and marks[1][1] <= out:
            marks.popleft()
        payload, wire = marks[0]
        if len(marks) > 1 and out > wire:
            next_payload, next_wire = marks[1]
            payload += (next_payload - payload) * (out - wire) // (next_wire - wire)
        self._flushed = payload

    def _settle(self) -> None:
        future = self.upload_complete
        if future.done():
            return
        if self._done:
            future.set_result(None)
            return
        future.set_exception(
            self._exc if self._exc is not None
            else UploadAbortedError("The request body was not fully sent")
        )
        future.exception()  # retrieved: nobody has to await it to avoid a warning
